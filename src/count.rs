//! Counting features into a document-term matrix: fitting a vocabulary (with scikit-learn's
//! pruning by document frequency and `max_features`) and counting with a fixed one.
//!
//! Each worker thread counts the documents it takes (a few at a time, until none are left)
//! against its own local vocabulary; the local vocabularies are then merged, pruned and sorted,
//! and every run of documents a worker counted is renumbered to the final columns, in parallel,
//! into its place in document order. The final vocabulary is sorted and rows are placed by
//! document, so the result is the same for any number of threads and however the documents fell
//! to the workers.

use rayon::prelude::*;

use crate::analyze::{Analyzer, Scratch};
use crate::decode::{decode, DecodeErrors, RawText};
use crate::error::{Error, Result};
use crate::intern::Interner;

/// A bound on document frequency: a number of documents, or a fraction of them (scikit-learn's
/// int-vs-float `min_df` and `max_df`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DocumentBound {
    Count(u64),
    Fraction(f64),
}

impl DocumentBound {
    /// scikit-learn's `max_df if isinstance(max_df, Integral) else max_df * n_doc`.
    pub(crate) fn resolve(self, n_documents: usize) -> f64 {
        match self {
            DocumentBound::Count(count) => count as f64,
            DocumentBound::Fraction(fraction) => fraction * n_documents as f64,
        }
    }
}

/// How a vocabulary is fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitOptions {
    pub min_df: DocumentBound,
    pub max_df: DocumentBound,
    pub max_features: Option<usize>,
    /// Counts are 1 or 0: `max_features` then keeps the terms in the most documents (scikit-learn
    /// sets the counts to 1 before choosing).
    pub binary: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            min_df: DocumentBound::Count(1),
            max_df: DocumentBound::Fraction(1.0),
            max_features: None,
            binary: false,
        }
    }
}

/// Terms and their columns.
#[derive(Default)]
pub struct Vocabulary {
    /// The terms, spread over shards by hash (one shard unless made by a parallel fit, whose
    /// merged shards become the vocabulary as they are). A fit may leave terms that pruning
    /// dropped in them, without a column.
    shards: Vec<Interner>,
    /// The column of each term of each shard (`u32::MAX`: none).
    column_of: Vec<Vec<u32>>,
    /// (shard, number in the shard) of each column's term.
    term_at: Vec<(u32, u32)>,
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vocabulary({} terms)", self.len())
    }
}

impl Vocabulary {
    /// A vocabulary whose term `i` is column `i`. Repeated terms are an error.
    pub fn from_terms<S: AsRef<str>>(terms: impl IntoIterator<Item = S>) -> Result<Self> {
        let terms = terms.into_iter();
        // Sized up front: growing the table one doubling at a time rehashes every term again.
        let mut interned = Interner::with_capacity(terms.size_hint().0, 0);
        for (i, term) in terms.enumerate() {
            if interned.intern(term.as_ref()) as usize != i {
                return Err(Error::Parameter {
                    name: "vocabulary",
                    message: format!("Duplicate term in vocabulary: {:?}", term.as_ref()),
                });
            }
        }
        let n = interned.len() as u32;
        Ok(Vocabulary {
            shards: vec![interned],
            column_of: vec![(0..n).collect()],
            term_at: (0..n).map(|id| (0, id)).collect(),
        })
    }

    /// The terms, in column order.
    pub fn terms(&self) -> impl Iterator<Item = &str> + '_ {
        self.term_at
            .iter()
            .map(|&(shard, id)| self.shards[shard as usize].get(id))
    }

    pub fn len(&self) -> usize {
        self.term_at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.term_at.is_empty()
    }

    pub fn get(&self, term: &str) -> Option<u32> {
        if self.shards.is_empty() {
            return None;
        }
        let hash = Interner::hash(term);
        let shard = Interner::shard_of(hash, self.shards.len());
        let id = self.shards[shard].find_hashed(term, hash)?;
        let column = self.column_of[shard][id as usize];
        (column != u32::MAX).then_some(column)
    }
}

/// Feature counts, one row per document, columns sorted within each row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    /// Row `r` is `columns[indptr[r]..indptr[r + 1]]`.
    pub indptr: Vec<usize>,
    pub columns: Vec<u32>,
    pub counts: Vec<u32>,
    pub n_columns: usize,
}

impl Counts {
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn nnz(&self) -> usize {
        self.columns.len()
    }

    /// The number of rows each column appears in.
    pub fn document_frequency(&self) -> Vec<u64> {
        let mut df = vec![0u64; self.n_columns];
        for &column in &self.columns {
            df[column as usize] += 1;
        }
        df
    }
}

/// Where the features of document `i` come from.
pub trait FeatureSource: Sync {
    fn n_documents(&self) -> usize;
    /// Calls `feature` with each feature of document `i`.
    fn for_each_feature(
        &self,
        i: usize,
        scratch: &mut Scratch,
        feature: &mut dyn FnMut(&str),
    ) -> Result<()>;
}

/// Documents as text, analyzed by an [`Analyzer`].
pub struct AnalyzedTexts<'a, T: AsRef<str> + Sync> {
    pub analyzer: &'a Analyzer,
    pub texts: &'a [T],
}

impl<T: AsRef<str> + Sync> FeatureSource for AnalyzedTexts<'_, T> {
    fn n_documents(&self) -> usize {
        self.texts.len()
    }

    fn for_each_feature(
        &self,
        i: usize,
        scratch: &mut Scratch,
        feature: &mut dyn FnMut(&str),
    ) -> Result<()> {
        self.analyzer
            .for_each_feature(self.texts[i].as_ref(), scratch, feature);
        Ok(())
    }
}

/// Documents as their owners store them, decoded and analyzed one at a time by the workers.
pub struct RawDocuments<'a> {
    pub analyzer: &'a Analyzer,
    pub texts: &'a [RawText<'a>],
    pub errors: DecodeErrors,
}

impl FeatureSource for RawDocuments<'_> {
    fn n_documents(&self) -> usize {
        self.texts.len()
    }

    fn for_each_feature(
        &self,
        i: usize,
        scratch: &mut Scratch,
        feature: &mut dyn FnMut(&str),
    ) -> Result<()> {
        let text = decode(self.texts[i], self.errors).map_err(|problem| Error::Document {
            index: Some(i),
            problem,
        })?;
        self.analyzer.for_each_feature(&text, scratch, feature);
        Ok(())
    }
}

/// Documents given as their lists of features already (from a Python analyzer).
pub struct GivenFeatures<'a> {
    pub documents: &'a [Vec<String>],
}

impl FeatureSource for GivenFeatures<'_> {
    fn n_documents(&self) -> usize {
        self.documents.len()
    }

    fn for_each_feature(
        &self,
        i: usize,
        _: &mut Scratch,
        feature: &mut dyn FnMut(&str),
    ) -> Result<()> {
        self.documents[i].iter().for_each(|f| feature(f));
        Ok(())
    }
}

/// Contiguous ranges of documents for the work that needs no shared vocabulary (transform):
/// enough of them that every thread stays busy.
fn chunk_ranges(n_documents: usize) -> Vec<std::ops::Range<usize>> {
    let size = crate::parallel::claim_size(n_documents);
    (0..n_documents)
        .step_by(size)
        .map(|start| start..(start + size).min(n_documents))
        .collect()
}

/// Consecutive documents that one worker counted one after another.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// The first document's number among all the fit's documents.
    first_document: usize,
    /// Its row among the worker's rows.
    first_row: usize,
    rows: usize,
}

/// One worker's counts of the documents it took, against its own vocabulary. One per worker
/// rather than one per stretch of documents: each distinct term is then stored, and later
/// merged, once per worker, which is most of a fit's memory and of its merge.
struct ChunkCounts {
    terms: Interner,
    /// Per local term: the documents of the chunk it is in, and its count in all of them
    /// (summed while counting, in parallel, so that merging chunks only visits their terms).
    document_frequency: Vec<u32>,
    total: Vec<u64>,
    /// The worker's rows, in the order it counted them.
    indptr: Vec<usize>,
    columns: Vec<u32>,
    counts: Vec<u32>,
    runs: Vec<Run>,
}

impl ChunkCounts {
    fn with_room_for(documents: usize) -> Self {
        ChunkCounts {
            terms: Interner::for_documents(documents),
            document_frequency: Vec::new(),
            total: Vec::new(),
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
        match self.runs.last_mut() {
            Some(run) if run.first_document + run.rows == first_document => {}
            _ => self.runs.push(Run {
                first_document,
                first_row: self.n_rows(),
                rows: 0,
            }),
        }
        let CountBuffers { scratch, slot, row } = buffers;
        for i in range {
            row.clear();
            source
                .for_each_feature(i, scratch, &mut |feature| {
                    let id = self.terms.intern(feature);
                    if id as usize == slot.len() {
                        slot.push(u32::MAX);
                    }
                    let s = &mut slot[id as usize];
                    if *s == u32::MAX {
                        *s = row.len() as u32;
                        row.push((id, 1));
                    } else {
                        row[*s as usize].1 += 1;
                    }
                })
                .map_err(|error| (i, error))?;
            self.document_frequency.resize(slot.len(), 0);
            self.total.resize(slot.len(), 0);
            for &(id, count) in row.iter() {
                slot[id as usize] = u32::MAX;
                self.document_frequency[id as usize] += 1;
                self.total[id as usize] += count as u64;
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

/// A worker's buffers, reused from one document to the next.
#[derive(Default)]
struct CountBuffers {
    scratch: Scratch,
    /// Per document: position in `row` of each local term seen in it (u32::MAX: not seen).
    slot: Vec<u32>,
    row: Vec<(u32, u32)>,
}

/// Counts every document of `source` (numbered from `base`), one chunk per worker thread.
fn count_all(source: &dyn FeatureSource, base: usize) -> Result<Vec<ChunkCounts>> {
    let n = source.n_documents();
    let workers = rayon::current_num_threads().clamp(1, n.max(1));
    let chunks = crate::parallel::per_worker(
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
) {
    // Column and count in one integer, column first: sorting plain integers is quicker than
    // sorting pairs by a key.
    let mut row: Vec<u64> = Vec::new();
    let mut written = 0;
    let bounds = &chunk.indptr[run.first_row..=run.first_row + run.rows];
    for (bounds, row_end) in bounds.windows(2).zip(row_ends.iter_mut()) {
        row.clear();
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
}

/// Joins renumbered chunks into one matrix.
fn concatenate(parts: Vec<(Vec<usize>, Vec<u32>, Vec<u32>)>, n_columns: usize) -> Counts {
    let nnz = parts.iter().map(|p| p.1.len()).sum();
    let rows: usize = parts.iter().map(|p| p.0.len() - 1).sum();
    let mut counts = Counts {
        indptr: Vec::with_capacity(rows + 1),
        columns: Vec::with_capacity(nnz),
        counts: Vec::with_capacity(nnz),
        n_columns,
    };
    counts.indptr.push(0);
    for (indptr, columns, values) in parts {
        let base = counts.columns.len();
        counts.indptr.extend(indptr[1..].iter().map(|&p| p + base));
        counts.columns.extend_from_slice(&columns);
        counts.counts.extend_from_slice(&values);
    }
    counts
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
                    by_shard[Interner::shard_of(Interner::hash(term), n_shards)].push(local as u32);
                }
                by_shard
            })
            .collect();
        let shards: Vec<MergedShard> = (0..n_shards)
            .into_par_iter()
            .map(|s| MergedShard::gather(s, &chunks, &members, options.binary))
            .collect();
        crate::cancel::checkpoint()?;
        // The chunks' own copies of their terms are no longer needed.
        let chunk_terms: Vec<usize> = chunks.iter().map(|chunk| chunk.terms.len()).collect();
        for chunk in &mut chunks {
            chunk.terms = Interner::default();
            chunk.document_frequency = Vec::new();
            chunk.total = Vec::new();
        }
        let n_terms: usize = shards.iter().map(|shard| shard.terms.len()).sum();
        let term = |(s, id): (u32, u32)| shards[s as usize].terms.get(id);
        let all: Vec<(u32, u32)> = shards
            .iter()
            .enumerate()
            .flat_map(|(s, shard)| (0..shard.terms.len() as u32).map(move |id| (s as u32, id)))
            .collect();
        // (The shards' totals already count documents when counts are binary.)
        let kept = crate::prune::kept_terms(
            all,
            n_documents,
            options,
            |(s, id)| shards[s as usize].df[id as usize],
            |(s, id)| shards[s as usize].total[id as usize],
            term,
        )?;
        crate::cancel::checkpoint()?;
        let mut column_of: Vec<Vec<u32>> = shards
            .iter()
            .map(|shard| vec![u32::MAX; shard.terms.len()])
            .collect();
        for (column, &(s, id)) in kept.iter().enumerate() {
            column_of[s as usize][id as usize] = column as u32;
        }

        // Each chunk's terms to their columns, in parallel.
        let maps: Vec<Vec<u32>> = chunk_terms
            .par_iter()
            .zip(&members)
            .enumerate()
            .map(|(c, (&n_terms, members))| {
                let mut map = vec![u32::MAX; n_terms];
                for (s, locals) in members.iter().enumerate() {
                    for (&local, &id) in locals.iter().zip(&shards[s].ids_of_chunk[c]) {
                        map[local as usize] = column_of[s][id as usize];
                    }
                }
                map
            })
            .collect();
        drop(members);
        crate::cancel::checkpoint()?;
        let everything_kept = kept.len() == n_terms;
        let vocabulary = if kept.len() * 2 >= n_terms {
            // Most terms were kept: the merged shards are the vocabulary as they stand.
            Vocabulary {
                shards: shards.into_iter().map(|shard| shard.terms).collect(),
                column_of,
                term_at: kept,
            }
        } else {
            // Keep only the columns' terms.
            Vocabulary::from_terms(kept.iter().map(|&t| term(t)))?
        };
        crate::cancel::checkpoint()?;

        // Renumber every run of documents straight into its part of the final arrays, in
        // parallel. The runs of all chunks, in document order, tile the documents.
        let mut runs: Vec<(usize, Run)> = chunks
            .iter()
            .enumerate()
            .flat_map(|(c, chunk)| chunk.runs.iter().map(move |&run| (c, run)))
            .collect();
        runs.sort_unstable_by_key(|&(_, run)| run.first_document);
        debug_assert!(runs
            .iter()
            .scan(0, |next, &(_, run)| {
                let tiles = run.first_document == *next;
                *next += run.rows;
                Some(tiles)
            })
            .all(|tiles| tiles));
        let kept_per_run: Vec<usize> = runs
            .par_iter()
            .map(|&(c, run)| {
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
            })
            .collect();
        crate::cancel::checkpoint()?;
        let nnz: usize = kept_per_run.iter().sum();
        let mut counts = Counts {
            indptr: vec![0; n_documents + 1],
            columns: vec![0; nnz],
            counts: vec![0; nnz],
            n_columns: vocabulary.len(),
        };
        let mut work = Vec::with_capacity(runs.len());
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
            work.push((c, run, base, run_rows, run_columns, run_values));
            (row_ends, columns, values) = (rest_rows, rest_columns, rest_values);
            base += kept;
        }
        work.into_par_iter()
            .for_each(|(c, run, base, rows, columns, values)| {
                renumber_into(&chunks[c], run, &maps[c], base, rows, columns, values)
            });
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
    fn gather(s: usize, chunks: &[ChunkCounts], members: &[Vec<Vec<u32>>], binary: bool) -> Self {
        let size: usize = members.iter().map(|m| m[s].len()).sum();
        let mut shard = MergedShard {
            terms: Interner::with_capacity(size, size * 12),
            df: Vec::new(),
            total: Vec::new(),
            ids_of_chunk: Vec::with_capacity(chunks.len()),
        };
        for (chunk, members) in chunks.iter().zip(members) {
            let ids = members[s]
                .iter()
                .map(|&local| {
                    let id = shard.terms.intern(chunk.terms.get(local));
                    if id as usize == shard.df.len() {
                        shard.df.push(0);
                        shard.total.push(0);
                    }
                    let local = local as usize;
                    let documents = chunk.document_frequency[local] as u64;
                    shard.df[id as usize] += documents;
                    // With binary counts every count is 1 (scikit-learn ranks by them so).
                    shard.total[id as usize] += if binary {
                        documents
                    } else {
                        chunk.total[local]
                    };
                    id
                })
                .collect();
            shard.ids_of_chunk.push(ids);
        }
        shard
    }
}

/// Counts the documents' features that are in `vocabulary`; others are ignored.
pub fn transform(source: &dyn FeatureSource, vocabulary: &Vocabulary) -> Result<Counts> {
    let parts: Vec<_> = chunk_ranges(source.n_documents())
        .into_par_iter()
        .map_init(
            || TransformBuffers {
                scratch: Scratch::default(),
                slot: vec![u32::MAX; vocabulary.len()],
                row: Vec::new(),
            },
            |buffers, range| {
                let TransformBuffers { scratch, slot, row } = buffers;
                let mut indptr = vec![0];
                let mut columns = Vec::new();
                let mut counts = Vec::new();
                for i in range {
                    row.clear();
                    source.for_each_feature(i, scratch, &mut |feature| {
                        if let Some(column) = vocabulary.get(feature) {
                            let s = &mut slot[column as usize];
                            if *s == u32::MAX {
                                *s = row.len() as u32;
                                row.push((column, 1));
                            } else {
                                row[*s as usize].1 += 1;
                            }
                        }
                    })?;
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
    Ok(concatenate(parts, vocabulary.len()))
}

/// A transform worker's buffers: `slot` is the place in `row` of each column seen in the
/// document (u32::MAX: not seen), as long as the vocabulary, so made once per worker.
struct TransformBuffers {
    scratch: Scratch,
    slot: Vec<u32>,
    row: Vec<(u32, u32)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::AnalyzerKind;
    use crate::tokenize::{Tokenizer, TokenizerOptions};

    fn analyzer() -> Analyzer {
        Analyzer::new(
            Tokenizer::new(TokenizerOptions::default()).unwrap(),
            AnalyzerKind::Word,
            (1, 1),
        )
        .unwrap()
    }

    const DOCS: [&str; 4] = [
        "this is the first document",
        "this document is the second document",
        "and this is the third one",
        "is this the first document",
    ];

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
            feature: &mut dyn FnMut(&str),
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
                crate::parallel::run(Some(threads), || {
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

    #[test]
    fn transform_ignores_unknown_features() {
        let analyzer = analyzer();
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
