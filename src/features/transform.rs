//! Counting documents with a fixed vocabulary (a fitted one, or one the caller gave): each
//! contiguous range of documents is counted by whichever thread takes it, and the ranges are
//! joined in order. Where the vocabulary's tables outgrow the cache, a document's lookups are
//! queued a few dozen at a time with their memory prefetched (`features::lookahead`).

use rayon::prelude::*;

use crate::error::Result;
use crate::features::analyzer::Scratch;
use crate::features::counts::Counts;
use crate::features::lookahead::Lookahead;
use crate::features::source::FeatureSource;
use crate::features::vocabulary::Vocabulary;
use crate::runtime::alloc::{try_filled, try_push, try_reserve, try_with_capacity};
use crate::runtime::per_worker::claim_size;

/// Contiguous ranges of documents for the work that needs no shared vocabulary (transform):
/// enough of them that every thread stays busy.
fn chunk_ranges(n_documents: usize) -> Vec<std::ops::Range<usize>> {
    let size = claim_size(n_documents);
    (0..n_documents)
        .step_by(size)
        .map(|start| start..(start + size).min(n_documents))
        .collect()
}

/// What the transform's tables report themselves as when they cannot grow.
const WHAT: &str = "the document-term matrix";

/// Joins renumbered chunks into one matrix.
fn concatenate(parts: Vec<(Vec<usize>, Vec<u32>, Vec<u32>)>, n_columns: usize) -> Result<Counts> {
    let nnz = parts.iter().map(|p| p.1.len()).sum();
    let rows: usize = parts.iter().map(|p| p.0.len() - 1).sum();
    let mut counts = Counts {
        indptr: try_with_capacity(rows + 1, WHAT)?,
        columns: try_with_capacity(nnz, WHAT)?,
        counts: try_with_capacity(nnz, WHAT)?,
        n_columns,
    };
    counts.indptr.push(0);
    for (indptr, columns, values) in parts {
        let base = counts.columns.len();
        counts.indptr.extend(indptr[1..].iter().map(|&p| p + base));
        counts.columns.extend_from_slice(&columns);
        counts.counts.extend_from_slice(&values);
    }
    Ok(counts)
}

/// Counts the documents' features that are in `vocabulary`; others are ignored.
pub fn transform(source: &dyn FeatureSource, vocabulary: &Vocabulary) -> Result<Counts> {
    // Lookups queued to prefetch their memory only where the tables outgrow the cache.
    let queued = vocabulary.outgrows_cache();
    let parts: Vec<_> = chunk_ranges(source.n_documents())
        .into_par_iter()
        .map_init(
            || {
                Ok(TransformBuffers {
                    scratch: Scratch::default(),
                    lookahead: Lookahead::default(),
                    slot: try_filled(vocabulary.len(), u32::MAX, WHAT)?,
                    row: Vec::new(),
                })
            },
            |buffers: &mut Result<TransformBuffers>, range| {
                let TransformBuffers {
                    scratch,
                    lookahead,
                    slot,
                    row,
                } = buffers.as_mut().map_err(|error| error.clone())?;
                let mut indptr = try_with_capacity(range.len() + 1, WHAT)?;
                indptr.push(0);
                let mut columns = Vec::new();
                let mut counts = Vec::new();
                for i in range {
                    row.clear();
                    lookahead.clear();
                    let counted = source
                        .for_each_feature(i, scratch, &mut |feature| {
                            if !queued {
                                tally_column(vocabulary.get(feature), slot, row)
                            } else if lookahead.push(feature, vocabulary.prefetch(feature))? {
                                look_up_and_tally(lookahead, vocabulary, slot, row)
                            } else {
                                Ok(())
                            }
                        })
                        .and_then(|()| look_up_and_tally(lookahead, vocabulary, slot, row))
                        .and_then(|()| {
                            try_reserve(&mut columns, row.len(), WHAT)?;
                            try_reserve(&mut counts, row.len(), WHAT)
                        });
                    if let Err(error) = counted {
                        // This worker goes on to its next range with these buffers (every
                        // range runs, so that the first failure is reported): the marks of
                        // the failed document must not outlive it.
                        unmark(slot, row);
                        return Err(error);
                    }
                    row.sort_unstable_by_key(|&(column, _)| column);
                    for &(column, count) in row.iter() {
                        slot[column as usize] = u32::MAX;
                        columns.push(column);
                        counts.push(count);
                    }
                    indptr.push(columns.len());
                }
                Ok((indptr, columns, counts))
            },
        )
        // Every range runs to its end or its first failure, so that the error is that of
        // the first failing document whatever the number of threads.
        .collect::<Vec<Result<_>>>()
        .into_iter()
        .collect::<Result<_>>()?;
    concatenate(parts, vocabulary.len())
}

/// Counts one more occurrence of `column` (none: a term outside the vocabulary) in the document
/// whose `row` is being made; `slot` holds each column's place in `row`.
#[inline]
fn tally_column(column: Option<u32>, slot: &mut [u32], row: &mut Vec<(u32, u32)>) -> Result<()> {
    if let Some(column) = column {
        let s = &mut slot[column as usize];
        if *s == u32::MAX {
            // Marked once pushed: a failed push leaves no mark behind.
            try_push(row, (column, 1), WHAT)?;
            *s = (row.len() - 1) as u32;
        } else {
            row[*s as usize].1 += 1;
        }
    }
    Ok(())
}

/// Looks up the terms waiting in `lookahead` (their slots prefetched when they were queued;
/// first the bytes and column of each one's likely match are asked for too) and tallies them.
#[inline]
fn look_up_and_tally(
    lookahead: &mut Lookahead,
    vocabulary: &Vocabulary,
    slot: &mut [u32],
    row: &mut Vec<(u32, u32)>,
) -> Result<()> {
    for (term, hash) in lookahead.waiting() {
        vocabulary.prefetch_match(term, hash);
    }
    lookahead.take_waiting(|term, hash| tally_column(vocabulary.get_hashed(term, hash), slot, row))
}

/// Clears the marks in `slot` of the columns of `row`.
pub(crate) fn unmark(slot: &mut [u32], row: &[(u32, u32)]) {
    for &(column, _) in row {
        slot[column as usize] = u32::MAX;
    }
}

/// A transform worker's buffers: `slot` is the place in `row` of each column seen in the
/// document (u32::MAX: not seen), as long as the vocabulary, so made once per worker.
struct TransformBuffers {
    scratch: Scratch,
    lookahead: Lookahead,
    slot: Vec<u32>,
    row: Vec<(u32, u32)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::analyzer::unigram_analyzer;
    use crate::features::source::{assert_fails_mid_document, AnalyzedTexts};

    #[test]
    fn a_document_failing_part_way_leaves_no_marks_for_the_next() {
        // Every range runs after a failure (the first one is reported), on the same worker
        // buffers: a failed document's marks once made the next document index past its row.
        let vocabulary = Vocabulary::from_terms(["the", "cat"]).unwrap();
        assert_fails_mid_document(|source| transform(source, &vocabulary));
    }

    #[test]
    fn transform_ignores_unknown_features() {
        let analyzer = unigram_analyzer();
        let vocabulary = Vocabulary::from_terms(["the", "cat"]).unwrap();
        let texts = ["the cat and the hat", "dog"];
        let counts = transform(
            &AnalyzedTexts {
                analyzer: &analyzer,
                texts: &texts,
            },
            &vocabulary,
        )
        .unwrap();
        assert_eq!(counts.indptr, [0, 2, 2]);
        assert_eq!(counts.columns, [0, 1]);
        assert_eq!(counts.counts, [2, 1]);
    }
}
