//! Fitting a vocabulary and counting the documents with it, in one pass over them (with
//! scikit-learn's pruning by document frequency and `max_features`).
//!
//! Each worker thread counts the documents it takes (a few at a time, until none are left)
//! against its own local vocabulary (its terms interned a few dozen at a time, their memory
//! prefetched: `features::lookahead`); the local vocabularies are then merged, pruned and sorted,
//! and every run of documents a worker counted is renumbered to the final columns into its place
//! in document order: the workers' chunks in parallel, each from its last run back, its own
//! arrays let go of behind the reading, so that they and the final arrays are never held whole
//! together. The final vocabulary is sorted and rows are placed by
//! document, so the result is the same for any number of threads and however the documents fell
//! to the workers.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::features::analyzer::Scratch;
use crate::features::counts::Counts;
use crate::features::intern::Interner;
use crate::features::lookahead::Lookahead;
use crate::features::prune::kept_terms;
use crate::features::source::FeatureSource;
use crate::features::vocabulary::{FitOptions, Vocabulary};
use crate::runtime::alloc::{
    release_tail, try_filled, try_push, try_reserve, try_resize, try_with_capacity, try_zeroed,
    RELEASE_STEP,
};
use crate::runtime::cancel::checkpoint;
use crate::runtime::per_worker::per_worker;
use crate::runtime::prefetch::prefetch_address;

/// What the fit's tables report themselves as when they cannot grow: every one of them grows
/// with the documents' distinct features (n-grams of a long text in a wide `ngram_range` are
/// many and long) or with their number.
const COUNTS: &str = "the fit's counts of the documents";
const MERGE: &str = "the fit's merged vocabulary";
const MATRIX: &str = "the document-term matrix";

/// Consecutive documents that one worker counted one after another.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// The first document's number among all the fit's documents.
    first_document: usize,
    /// Its row among the worker's rows.
    first_row: usize,
    rows: usize,
}

/// What a worker keeps of one of its terms, in one place: each time counting meets a term it
/// reads and writes this and nothing else of the term's (three arrays of one field each took
/// three cache misses where this takes one; the tables outgrow the caches on large corpora).
#[derive(Clone, Copy)]
struct Tally {
    /// The term's place in the row of the document being counted (u32::MAX: not in it yet).
    in_row: u32,
    /// The chunk's documents it is in, and its count in all of them: summed while counting, in
    /// parallel, so that merging chunks only visits their terms.
    documents: u32,
    total: u64,
}

impl Tally {
    const UNSEEN: Tally = Tally {
        in_row: u32::MAX,
        documents: 0,
        total: 0,
    };
}

/// One worker's counts of the documents it took, against its own vocabulary. One per worker
/// rather than one per stretch of documents: each distinct term is then stored, and later
/// merged, once per worker, which is most of a fit's memory and of its merge.
struct ChunkCounts {
    terms: Interner,
    /// Per local term, what counting keeps of it.
    tallies: Vec<Tally>,
    /// The worker's rows, in the order it counted them.
    indptr: Vec<usize>,
    columns: Vec<u32>,
    counts: Vec<u32>,
    runs: Vec<Run>,
}

impl ChunkCounts {
    fn with_room_for(documents: usize) -> Self {
        ChunkCounts {
            // Room up front is only a guess at what the documents need, so when it cannot be
            // had the table starts small and grows (fallibly) as the terms come.
            terms: Interner::for_documents(documents).unwrap_or_default(),
            tallies: Vec::new(),
            indptr: vec![0],
            columns: Vec::new(),
            counts: Vec::new(),
            runs: Vec::new(),
        }
    }

    fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Counts documents `range` (numbered `base +` among all the fit's) as the next rows.
    fn count_run(
        &mut self,
        source: &dyn FeatureSource,
        range: std::ops::Range<usize>,
        base: usize,
        buffers: &mut CountBuffers,
    ) -> std::result::Result<(), (usize, Error)> {
        let first_document = base + range.start;
        let first_row = self.n_rows();
        match self.runs.last_mut() {
            Some(run) if run.first_document + run.rows == first_document => {}
            _ => try_push(
                &mut self.runs,
                Run {
                    first_document,
                    first_row,
                    rows: 0,
                },
                COUNTS,
            )
            .map_err(|error| (range.start, error))?,
        }
        let CountBuffers {
            scratch,
            lookahead,
            row,
        } = buffers;
        for i in range {
            row.clear();
            lookahead.clear();
            let (terms, tallies) = (&mut self.terms, &mut self.tallies);
            let counted = source
                .for_each_feature(i, scratch, &mut |feature| {
                    // (A table only grows: once queued, terms stay queued, in order.)
                    if !terms.outgrows_cache() {
                        tally_term(tallies, row, terms.intern(feature)?)
                    } else if lookahead.push(feature, terms.prefetch(feature))? {
                        intern_and_tally(lookahead, terms, tallies, row)
                    } else {
                        Ok(())
                    }
                })
                .and_then(|()| intern_and_tally(lookahead, terms, tallies, row))
                .and_then(|()| {
                    try_reserve(&mut self.columns, row.len(), COUNTS)?;
                    try_reserve(&mut self.counts, row.len(), COUNTS)?;
                    try_reserve(&mut self.indptr, 1, COUNTS)
                });
            if let Err(error) = counted {
                // The worker keeps its buffers for the ranges it has left (each runs, so that
                // the first failure is the one reported): the failed document's marks go.
                for &(id, _) in row.iter() {
                    self.tallies[id as usize].in_row = u32::MAX;
                }
                return Err((i, error));
            }
            for &(id, count) in row.iter() {
                let tally = &mut self.tallies[id as usize];
                tally.in_row = u32::MAX;
                tally.documents += 1;
                tally.total += count as u64;
                self.columns.push(id);
                self.counts.push(count);
            }
            self.indptr.push(self.columns.len());
            if let Some(run) = self.runs.last_mut() {
                run.rows += 1;
            }
        }
        Ok(())
    }
}

/// Interns the terms waiting in `lookahead` and tallies them into the document's `row`. Their
/// slots were prefetched when they were queued; first the bytes and tally of each one's likely
/// match are asked for too.
#[inline]
fn intern_and_tally(
    lookahead: &mut Lookahead,
    terms: &mut Interner,
    tallies: &mut Vec<Tally>,
    row: &mut Vec<(u32, u32)>,
) -> Result<()> {
    for (term, hash) in lookahead.waiting() {
        if let Some(tally) = terms
            .prefetch_candidate(hash, term.len())
            .and_then(|id| tallies.get(id as usize))
        {
            prefetch_address(tally);
        }
    }
    lookahead.take_waiting(|term, hash| tally_term(tallies, row, terms.intern_hashed(term, hash)?))
}

/// Counts one more occurrence of term `id` in the document whose `row` is being made.
#[inline]
fn tally_term(tallies: &mut Vec<Tally>, row: &mut Vec<(u32, u32)>, id: u32) -> Result<()> {
    // A failure can leave `tallies` shorter than the terms interned (a term interned, its
    // tally not made): it is grown to whatever id comes next.
    if id as usize >= tallies.len() {
        try_resize(tallies, id as usize + 1, Tally::UNSEEN, COUNTS)?;
    }
    let tally = &mut tallies[id as usize];
    if tally.in_row == u32::MAX {
        // Marked once pushed: a failed push leaves no mark behind.
        try_push(row, (id, 1), COUNTS)?;
        tally.in_row = (row.len() - 1) as u32;
    } else {
        row[tally.in_row as usize].1 += 1;
    }
    Ok(())
}

/// A worker's buffers, reused from one document to the next.
#[derive(Default)]
struct CountBuffers {
    scratch: Scratch,
    lookahead: Lookahead,
    row: Vec<(u32, u32)>,
}

/// Counts every document of `source` (numbered from `base`), one chunk per worker thread.
fn count_all(source: &dyn FeatureSource, base: usize) -> Result<Vec<ChunkCounts>> {
    let n = source.n_documents();
    let workers = rayon::current_num_threads().clamp(1, n.max(1));
    let chunks = per_worker(
        n,
        || {
            (
                ChunkCounts::with_room_for(n / workers),
                CountBuffers::default(),
            )
        },
        |(chunk, buffers), range| chunk.count_run(source, range, base, buffers),
    )?;
    Ok(chunks
        .into_iter()
        .map(|(chunk, _)| chunk)
        .filter(|chunk| chunk.n_rows() > 0)
        .collect())
}

/// One run of a chunk and the parts of the final arrays its rows go to.
struct RunWork<'a> {
    run: Run,
    /// The entries of the final matrix before the run's.
    base: usize,
    row_ends: &'a mut [usize],
    columns: &'a mut [u32],
    counts: &'a mut [u32],
}

/// Writes the rows of `run` of `chunk`, renumbered with `map` (u32::MAX drops the column) and
/// sorted, into `columns`/`counts` (exactly as long as the kept entries) and the ends of its rows,
/// offset by `base`, into `row_ends`.
fn renumber_into(
    chunk: &ChunkCounts,
    run: Run,
    map: &[u32],
    base: usize,
    row_ends: &mut [usize],
    columns: &mut [u32],
    counts: &mut [u32],
) -> Result<()> {
    // Column and count in one integer, column first: sorting plain integers is quicker than
    // sorting pairs by a key.
    let mut row: Vec<u64> = Vec::new();
    let mut written = 0;
    let bounds = &chunk.indptr[run.first_row..=run.first_row + run.rows];
    for (bounds, row_end) in bounds.windows(2).zip(row_ends.iter_mut()) {
        row.clear();
        try_reserve(&mut row, bounds[1] - bounds[0], MATRIX)?;
        for k in bounds[0]..bounds[1] {
            let column = map[chunk.columns[k] as usize];
            if column != u32::MAX {
                row.push((column as u64) << 32 | chunk.counts[k] as u64);
            }
        }
        row.sort_unstable();
        for &entry in &row {
            columns[written] = (entry >> 32) as u32;
            counts[written] = entry as u32;
            written += 1;
        }
        *row_end = base + written;
    }
    Ok(())
}

/// Learns the vocabulary of the documents and counts them with it.
pub fn fit(source: &dyn FeatureSource, options: FitOptions) -> Result<(Vocabulary, Counts)> {
    let mut fitter = Fitter::default();
    fitter.add(source)?;
    fitter.finish(options)
}

/// A fit that takes its documents in batches: each batch is counted (in parallel) into compact
/// chunks as it comes, so the caller can let go of a batch's documents before the next one.
#[derive(Default)]
pub struct Fitter {
    chunks: Vec<ChunkCounts>,
    n_documents: usize,
}

impl Fitter {
    /// Counts a batch of documents (they follow the documents of earlier batches).
    pub fn add(&mut self, source: &dyn FeatureSource) -> Result<()> {
        let chunks = count_all(source, self.n_documents)?;
        self.chunks.extend(chunks);
        self.n_documents += source.n_documents();
        Ok(())
    }

    /// The vocabulary of every document added, pruned as `options` say, and the counts.
    pub fn finish(self, options: FitOptions) -> Result<(Vocabulary, Counts)> {
        let mut chunks = self.chunks;
        let n_documents = self.n_documents;

        // Merge the chunks' vocabularies, in parallel: each term goes to a shard by its hash,
        // and every shard gathers its terms from all chunks, with their document frequencies
        // and total counts.
        let n_shards = (rayon::current_num_threads() * 8)
            .next_power_of_two()
            .min(1024);
        let members: Vec<Vec<Vec<u32>>> = chunks
            .par_iter()
            .map(|chunk| {
                let mut by_shard = vec![Vec::new(); n_shards];
                for (local, term) in chunk.terms.iter().enumerate() {
                    let shard = Interner::shard_of(Interner::hash(term), n_shards);
                    try_push(&mut by_shard[shard], local as u32, MERGE)?;
                }
                Ok(by_shard)
            })
            .collect::<Result<_>>()?;
        let shards: Vec<MergedShard> = (0..n_shards)
            .into_par_iter()
            .map(|s| MergedShard::gather(s, &chunks, &members, options.binary))
            .collect::<Result<_>>()?;
        checkpoint()?;
        // The chunks' own copies of their terms are no longer needed.
        let chunk_terms: Vec<usize> = chunks.iter().map(|chunk| chunk.terms.len()).collect();
        for chunk in &mut chunks {
            chunk.terms = Interner::default();
            chunk.tallies = Vec::new();
        }
        let n_terms: usize = shards.iter().map(|shard| shard.terms.len()).sum();
        let term = |(s, id): (u32, u32)| shards[s as usize].terms.get(id);
        let mut all: Vec<(u32, u32)> = try_with_capacity(n_terms, MERGE)?;
        all.extend(
            shards
                .iter()
                .enumerate()
                .flat_map(|(s, shard)| (0..shard.terms.len() as u32).map(move |id| (s as u32, id))),
        );
        // (The shards' totals already count documents when counts are binary.)
        let kept = kept_terms(
            all,
            n_documents,
            options,
            |(s, id)| shards[s as usize].df[id as usize],
            |(s, id)| shards[s as usize].total[id as usize],
            term,
        )?;
        checkpoint()?;
        let mut column_of: Vec<Vec<u32>> = shards
            .iter()
            .map(|shard| try_filled(shard.terms.len(), u32::MAX, MERGE))
            .collect::<Result<_>>()?;
        for (column, &(s, id)) in kept.iter().enumerate() {
            column_of[s as usize][id as usize] = column as u32;
        }

        // Each chunk's terms to their columns, in parallel.
        let maps: Vec<Vec<u32>> = chunk_terms
            .par_iter()
            .zip(&members)
            .enumerate()
            .map(|(c, (&n_terms, members))| {
                let mut map = try_filled(n_terms, u32::MAX, MERGE)?;
                for (s, locals) in members.iter().enumerate() {
                    for (&local, &id) in locals.iter().zip(&shards[s].ids_of_chunk[c]) {
                        map[local as usize] = column_of[s][id as usize];
                    }
                }
                Ok(map)
            })
            .collect::<Result<_>>()?;
        drop(members);
        checkpoint()?;
        let everything_kept = kept.len() == n_terms;
        let vocabulary = if kept.len() * 2 >= n_terms {
            // Most terms were kept: the merged shards are the vocabulary as they stand.
            Vocabulary::from_shards(
                shards.into_iter().map(|shard| shard.terms).collect(),
                column_of,
                kept,
            )
        } else {
            // Keep only the columns' terms.
            Vocabulary::from_terms(kept.iter().map(|&t| term(t)))?
        };
        checkpoint()?;

        // Renumber every run of documents straight into its part of the final arrays, in
        // parallel. The runs of all chunks, in document order, tile the documents.
        let mut runs: Vec<(usize, Run)> =
            try_with_capacity(chunks.iter().map(|chunk| chunk.runs.len()).sum(), MATRIX)?;
        runs.extend(
            chunks
                .iter()
                .enumerate()
                .flat_map(|(c, chunk)| chunk.runs.iter().map(move |&run| (c, run))),
        );
        runs.sort_unstable_by_key(|&(_, run)| run.first_document);
        debug_assert!(runs
            .iter()
            .scan(0, |next, &(_, run)| {
                let tiles = run.first_document == *next;
                *next += run.rows;
                Some(tiles)
            })
            .all(|tiles| tiles));
        let mut kept_per_run: Vec<usize> = try_with_capacity(runs.len(), MATRIX)?;
        kept_per_run.par_extend(runs.par_iter().map(|&(c, run)| {
            let (chunk, map) = (&chunks[c], &maps[c]);
            let entries = chunk.indptr[run.first_row]..chunk.indptr[run.first_row + run.rows];
            if everything_kept {
                entries.len()
            } else {
                chunk.columns[entries]
                    .iter()
                    .filter(|&&column| map[column as usize] != u32::MAX)
                    .count()
            }
        }));
        checkpoint()?;
        let nnz: usize = kept_per_run.iter().sum();
        let mut counts = Counts {
            indptr: try_zeroed(n_documents + 1, MATRIX)?,
            columns: try_zeroed(nnz, MATRIX)?,
            counts: try_zeroed(nnz, MATRIX)?,
            n_columns: vocabulary.len(),
        };
        // Each chunk's runs, with the parts of the final arrays they fill; a chunk is then
        // renumbered from its last run to its first, its own arrays let go of behind the
        // reading, so that the chunks and the final arrays are never held whole together.
        let mut work: Vec<Vec<RunWork>> = chunks.iter().map(|_| Vec::new()).collect();
        let (mut row_ends, mut columns, mut values) = (
            &mut counts.indptr[1..],
            &mut counts.columns[..],
            &mut counts.counts[..],
        );
        let mut base = 0;
        for (&(c, run), &kept) in runs.iter().zip(&kept_per_run) {
            let (run_rows, rest_rows) = std::mem::take(&mut row_ends).split_at_mut(run.rows);
            let (run_columns, rest_columns) = std::mem::take(&mut columns).split_at_mut(kept);
            let (run_values, rest_values) = std::mem::take(&mut values).split_at_mut(kept);
            try_push(
                &mut work[c],
                RunWork {
                    run,
                    base,
                    row_ends: run_rows,
                    columns: run_columns,
                    counts: run_values,
                },
                MATRIX,
            )?;
            (row_ends, columns, values) = (rest_rows, rest_columns, rest_values);
            base += kept;
        }
        chunks
            .into_par_iter()
            .zip(work)
            .zip(&maps)
            .try_for_each(|((mut chunk, runs), map)| {
                // A worker's runs are in the order it counted them: by document, and by row.
                for part in runs.into_iter().rev() {
                    renumber_into(
                        &chunk,
                        part.run,
                        map,
                        part.base,
                        part.row_ends,
                        part.columns,
                        part.counts,
                    )?;
                    let start = chunk.indptr[part.run.first_row];
                    if chunk.columns.len() - start >= RELEASE_STEP {
                        release_tail(&mut chunk.columns, start);
                        release_tail(&mut chunk.counts, start);
                    }
                }
                Ok::<(), Error>(())
            })?;
        Ok((vocabulary, counts))
    }
}

/// One shard of the merged vocabulary of a fit's chunks.
struct MergedShard {
    terms: Interner,
    df: Vec<u64>,
    total: Vec<u64>,
    /// For each chunk, the number here of each of its terms in this shard (in `members` order).
    ids_of_chunk: Vec<Vec<u32>>,
}

impl MergedShard {
    /// Shard `s`: the terms of every chunk that `members` puts in it.
    fn gather(
        s: usize,
        chunks: &[ChunkCounts],
        members: &[Vec<Vec<u32>>],
        binary: bool,
    ) -> Result<Self> {
        let size: usize = members.iter().map(|m| m[s].len()).sum();
        let bytes: usize = chunks
            .iter()
            .zip(members)
            .flat_map(|(chunk, members)| members[s].iter().map(|&local| chunk.terms.get(local)))
            .map(str::len)
            .sum();
        let mut shard = MergedShard {
            // Room for every term once: more than the distinct ones when chunks share terms.
            terms: Interner::with_capacity(size, bytes)?,
            df: try_with_capacity(size, MERGE)?,
            total: try_with_capacity(size, MERGE)?,
            ids_of_chunk: Vec::with_capacity(chunks.len()),
        };
        for (chunk, members) in chunks.iter().zip(members) {
            let mut ids = try_with_capacity(members[s].len(), MERGE)?;
            for &local in &members[s] {
                let id = shard.terms.intern(chunk.terms.get(local))?;
                if id as usize == shard.df.len() {
                    shard.df.push(0);
                    shard.total.push(0);
                }
                let local = local as usize;
                let tally = chunk.tallies[local];
                let documents = tally.documents as u64;
                shard.df[id as usize] += documents;
                // With binary counts every count is 1 (scikit-learn ranks by them so).
                shard.total[id as usize] += if binary { documents } else { tally.total };
                ids.push(id);
            }
            shard.ids_of_chunk.push(ids);
        }
        // It was sized for every chunk's terms, shared ones counted once per chunk.
        shard.terms.shrink_to_fit();
        Ok(shard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::analyzer::unigram_analyzer as analyzer;
    use crate::features::source::{assert_fails_mid_document, AnalyzedTexts};
    use crate::features::transform::transform;
    use crate::features::vocabulary::DocumentBound;

    const DOCS: [&str; 4] = [
        "this is the first document",
        "this document is the second document",
        "and this is the third one",
        "is this the first document",
    ];

    #[test]
    fn vocabularies_too_large_for_the_cache_count_as_small_ones_do() {
        // 150 k distinct terms: each worker's table outgrows the cache, and its terms are
        // queued and prefetched (`Lookahead`) from then on, also within a document.
        let texts: Vec<String> = (0..300)
            .map(|d| {
                (0..1_000)
                    .map(|w| format!("t{} t{}", (d * 1_000 + w) % 150_000, w % 7))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let analyzer = analyzer();
        let source = AnalyzedTexts {
            analyzer: &analyzer,
            texts: &texts,
        };
        let mut expected: std::collections::BTreeMap<String, Vec<(usize, u32)>> =
            Default::default();
        for (d, text) in texts.iter().enumerate() {
            let mut row: std::collections::HashMap<&str, u32> = Default::default();
            for word in text.split(' ') {
                *row.entry(word).or_default() += 1;
            }
            for (word, count) in row {
                expected
                    .entry(word.to_string())
                    .or_default()
                    .push((d, count));
            }
        }
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (vocabulary, counts) = pool
                .install(|| fit(&source, FitOptions::default()))
                .unwrap();
            assert_eq!(
                vocabulary.terms().collect::<Vec<_>>(),
                expected.keys().collect::<Vec<_>>()
            );
            let mut found: Vec<Vec<(usize, u32)>> = vec![Vec::new(); vocabulary.len()];
            for d in 0..counts.n_rows() {
                for k in counts.indptr[d]..counts.indptr[d + 1] {
                    found[counts.columns[k] as usize].push((d, counts.counts[k]));
                }
            }
            for (found, expected) in found.iter_mut().zip(expected.values_mut()) {
                expected.sort_unstable();
                assert_eq!(found, expected);
            }
            // The fitted vocabulary is as large: a transform queues its lookups too.
            assert!(vocabulary.outgrows_cache());
            let transformed = pool.install(|| transform(&source, &vocabulary)).unwrap();
            assert_eq!(transformed.indptr, counts.indptr);
            assert_eq!(transformed.columns, counts.columns);
            assert_eq!(transformed.counts, counts.counts);
        }
    }

    #[test]
    fn fit_matches_scikit_learns_example() {
        let analyzer = analyzer();
        let source = AnalyzedTexts {
            analyzer: &analyzer,
            texts: &DOCS,
        };
        let (vocabulary, counts) = fit(&source, FitOptions::default()).unwrap();
        assert_eq!(
            vocabulary.terms().collect::<Vec<_>>(),
            ["and", "document", "first", "is", "one", "second", "the", "third", "this"]
        );
        // CountVectorizer().fit_transform(DOCS).toarray(), row 1:
        // [0, 2, 0, 1, 0, 1, 1, 0, 1]
        let row = counts.indptr[1]..counts.indptr[2];
        assert_eq!(counts.columns[row.clone()], [1, 3, 5, 6, 8]);
        assert_eq!(counts.counts[row], [2, 1, 1, 1, 1]);
    }

    #[test]
    fn a_document_failing_part_way_fails_the_fit_without_a_panic() {
        assert_fails_mid_document(|source| fit(source, FitOptions::default()));
    }

    #[test]
    fn the_same_for_any_number_of_threads() {
        let analyzer = analyzer();
        let texts: Vec<String> = (0..500)
            .map(|i| format!("w{} w{} common x{}", i % 7, i % 13, i))
            .collect();
        let source = AnalyzedTexts {
            analyzer: &analyzer,
            texts: &texts,
        };
        let results: Vec<_> = [1, 2, 3, 8]
            .iter()
            .map(|&threads| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| fit(&source, FitOptions::default()).unwrap().1)
            })
            .collect();
        assert!(results.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn pruned_fits_are_the_same_for_any_number_of_threads() {
        let analyzer = analyzer();
        let texts: Vec<String> = (0..700)
            .map(|i| {
                format!(
                    "w{} w{} common x{} y{} w{}",
                    i % 7,
                    i % 13,
                    i,
                    i % 101,
                    i % 7
                )
            })
            .collect();
        let source = AnalyzedTexts {
            analyzer: &analyzer,
            texts: &texts,
        };
        for options in [
            FitOptions {
                max_features: Some(9),
                ..FitOptions::default()
            },
            FitOptions {
                max_features: Some(40),
                binary: true,
                ..FitOptions::default()
            },
            FitOptions {
                min_df: DocumentBound::Count(3),
                max_df: DocumentBound::Fraction(0.5),
                ..FitOptions::default()
            },
        ] {
            let results: Vec<(Vec<String>, Counts)> = [1, 2, 3, 8]
                .iter()
                .map(|&threads| {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap();
                    let (vocabulary, counts) = pool.install(|| fit(&source, options).unwrap());
                    let terms: Vec<String> = vocabulary.terms().map(str::to_owned).collect();
                    for (column, term) in terms.iter().enumerate() {
                        assert_eq!(vocabulary.get(term), Some(column as u32));
                    }
                    assert_eq!(vocabulary.get("absent"), None);
                    (terms, counts)
                })
                .collect();
            assert!(results.windows(2).all(|w| w[0] == w[1]), "{options:?}");
        }
    }

    #[test]
    fn batches_give_the_same_result_as_one_go() {
        let analyzer = analyzer();
        let texts: Vec<String> = (0..300)
            .map(|i| format!("w{} w{} common x{}", i % 7, i % 13, i))
            .collect();
        let whole = fit(
            &AnalyzedTexts {
                analyzer: &analyzer,
                texts: &texts,
            },
            FitOptions::default(),
        )
        .unwrap();
        let mut fitter = Fitter::default();
        for batch in texts.chunks(64) {
            fitter
                .add(&AnalyzedTexts {
                    analyzer: &analyzer,
                    texts: batch,
                })
                .unwrap();
        }
        let batched = fitter.finish(FitOptions::default()).unwrap();
        assert_eq!(whole.1, batched.1);
        assert!(whole.0.terms().eq(batched.0.terms()));
    }

    #[test]
    fn pruning_by_document_frequency_and_max_features() {
        let analyzer = analyzer();
        let source = AnalyzedTexts {
            analyzer: &analyzer,
            texts: &DOCS,
        };
        let options = FitOptions {
            min_df: DocumentBound::Count(2),
            max_df: DocumentBound::Fraction(0.9),
            ..FitOptions::default()
        };
        let (vocabulary, _) = fit(&source, options).unwrap();
        assert_eq!(
            vocabulary.terms().collect::<Vec<_>>(),
            ["document", "first"]
        );
        // Counts: document 4, first 2, is 4, the 4, this 4 ...: ties broken by term.
        let options = FitOptions {
            max_features: Some(2),
            ..FitOptions::default()
        };
        let (vocabulary, _) = fit(&source, options).unwrap();
        assert_eq!(vocabulary.terms().collect::<Vec<_>>(), ["document", "is"]);
        // With binary counts, the terms in most documents: is, the, this (4 each), then by term.
        let options = FitOptions {
            max_features: Some(2),
            binary: true,
            ..FitOptions::default()
        };
        let (vocabulary, _) = fit(&source, options).unwrap();
        assert_eq!(vocabulary.terms().collect::<Vec<_>>(), ["is", "the"]);
    }

    #[test]
    fn errors() {
        let analyzer = analyzer();
        let empty = ["", "a"];
        let source = AnalyzedTexts {
            analyzer: &analyzer,
            texts: &empty,
        };
        assert_eq!(
            fit(&source, FitOptions::default()).unwrap_err(),
            Error::EmptyVocabulary
        );
        let source = AnalyzedTexts {
            analyzer: &analyzer,
            texts: &DOCS,
        };
        let options = FitOptions {
            min_df: DocumentBound::Count(5),
            max_df: DocumentBound::Count(10),
            ..FitOptions::default()
        };
        assert_eq!(
            fit(&source, options).unwrap_err(),
            Error::NothingLeftAfterPruning
        );
        let options = FitOptions {
            min_df: DocumentBound::Count(5),
            ..FitOptions::default()
        };
        let message = fit(&source, options).unwrap_err().to_string();
        assert_eq!(message, "max_df corresponds to < documents than min_df");
    }

    /// Fails on the documents it is given; the others are `texts`.
    struct FailingAt<'a> {
        inner: AnalyzedTexts<'a, String>,
        failing: &'a [usize],
    }

    impl FeatureSource for FailingAt<'_> {
        fn n_documents(&self) -> usize {
            self.inner.n_documents()
        }

        fn for_each_feature(
            &self,
            i: usize,
            scratch: &mut Scratch,
            feature: &mut dyn FnMut(&str) -> Result<()>,
        ) -> Result<()> {
            if self.failing.contains(&i) {
                return Err(Error::Document {
                    index: Some(i),
                    problem: crate::error::DocumentProblem::LoneSurrogate {
                        code: 0xD800,
                        position: 0,
                    },
                });
            }
            self.inner.for_each_feature(i, scratch, feature)
        }
    }

    #[test]
    fn unequal_documents_and_failures_give_the_same_outcome_for_any_number_of_threads() {
        let analyzer = analyzer();
        // A few documents a thousand times longer than the rest, so that workers take very
        // different runs of documents.
        let texts: Vec<String> = (0..3000)
            .map(|i| {
                let words = if i % 397 == 0 { 2000 } else { 2 };
                (0..words)
                    .map(|k| format!("w{}", (i * 31 + k) % 5000))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let inner = || AnalyzedTexts {
            analyzer: &analyzer,
            texts: &texts,
        };
        let outcomes: Vec<_> = [1, 2, 3, 8]
            .iter()
            .map(|&threads| {
                crate::runtime::pools::run(Some(threads), || {
                    let (vocabulary, counts) = fit(&inner(), FitOptions::default()).unwrap();
                    assert_eq!(transform(&inner(), &vocabulary).unwrap(), counts);
                    let terms: Vec<String> = vocabulary.terms().map(str::to_owned).collect();
                    let failing = FailingAt {
                        inner: inner(),
                        failing: &[2999, 1203, 1500],
                    };
                    let error = fit(&failing, FitOptions::default()).unwrap_err();
                    assert_eq!(transform(&failing, &vocabulary).unwrap_err(), error);
                    let mut fitter = Fitter::default();
                    fitter.add(&inner()).unwrap();
                    let failed_batch = fitter.add(&failing).unwrap_err();
                    (terms, counts, error, failed_batch)
                })
            })
            .collect();
        assert!(matches!(
            outcomes[0].2,
            Error::Document {
                index: Some(1203),
                ..
            }
        ));
        assert!(outcomes.windows(2).all(|w| w[0] == w[1]));
    }
}
