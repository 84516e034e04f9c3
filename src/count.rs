//! Counting features into a document-term matrix: fitting a vocabulary (with scikit-learn's
//! pruning by document frequency and `max_features`) and counting with a fixed one.
//!
//! Work is split into contiguous chunks of documents. Each worker counts its chunk against its
//! own local vocabulary; the local vocabularies are then merged, pruned and sorted, and each
//! chunk's counts are renumbered to the final columns in parallel. Chunks are contiguous and the
//! final vocabulary is sorted, so the result is the same for any number of threads.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

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
    fn resolve(self, n_documents: usize) -> f64 {
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
    terms: Interner,
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vocabulary({} terms)", self.len())
    }
}

impl Vocabulary {
    /// A vocabulary whose term `i` is column `i`. Repeated terms are an error.
    pub fn from_terms<S: AsRef<str>>(terms: impl IntoIterator<Item = S>) -> Result<Self> {
        let mut interned = Interner::default();
        for (i, term) in terms.into_iter().enumerate() {
            if interned.intern(term.as_ref()) as usize != i {
                return Err(Error::Parameter {
                    name: "vocabulary",
                    message: format!("Duplicate term in vocabulary: {:?}", term.as_ref()),
                });
            }
        }
        Ok(Vocabulary { terms: interned })
    }

    /// The terms, in column order.
    pub fn terms(&self) -> impl Iterator<Item = &str> + '_ {
        self.terms.iter()
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn get(&self, term: &str) -> Option<u32> {
        self.terms.find(term)
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

/// Documents per chunk: enough chunks for every thread to stay busy, few enough that merging
/// their vocabularies stays a small part of the work.
fn chunk_ranges(n_documents: usize) -> Vec<std::ops::Range<usize>> {
    let chunks = (rayon::current_num_threads() * 4).clamp(1, n_documents.max(1));
    let size = n_documents.div_ceil(chunks).max(1);
    (0..n_documents)
        .step_by(size)
        .map(|start| start..(start + size).min(n_documents))
        .collect()
}

/// One chunk's counts against its own vocabulary.
struct ChunkCounts {
    terms: Interner,
    indptr: Vec<usize>,
    columns: Vec<u32>,
    counts: Vec<u32>,
}

fn count_chunk(source: &dyn FeatureSource, range: std::ops::Range<usize>) -> Result<ChunkCounts> {
    // Room for the distinct terms a chunk of real text has (about one per 16 documents' worth of
    // features, judged by the number of documents), so that the table rarely grows.
    let expected_terms = (range.len() * 32).clamp(1024, 1 << 20);
    let mut chunk = ChunkCounts {
        terms: Interner::with_capacity(expected_terms, expected_terms * 12),
        indptr: vec![0],
        columns: Vec::new(),
        counts: Vec::new(),
    };
    let mut scratch = Scratch::default();
    // Per document: position in `row` of each local term seen in it (u32::MAX: not seen).
    let mut slot: Vec<u32> = Vec::new();
    let mut row: Vec<(u32, u32)> = Vec::new();
    for i in range {
        row.clear();
        source.for_each_feature(i, &mut scratch, &mut |feature| {
            let id = chunk.terms.intern(feature);
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
        })?;
        for &(id, count) in &row {
            slot[id as usize] = u32::MAX;
            chunk.columns.push(id);
            chunk.counts.push(count);
        }
        chunk.indptr.push(chunk.columns.len());
    }
    Ok(chunk)
}

/// Writes a chunk's rows, renumbered with `map` (u32::MAX drops the column) and sorted, into
/// `columns`/`counts` (exactly as long as the kept entries) and the ends of its rows, offset by
/// `base`, into `row_ends`.
fn renumber_into(
    chunk: &ChunkCounts,
    map: &[u32],
    base: usize,
    row_ends: &mut [usize],
    columns: &mut [u32],
    counts: &mut [u32],
) {
    let mut row: Vec<(u32, u32)> = Vec::new();
    let mut written = 0;
    for (bounds, row_end) in chunk.indptr.windows(2).zip(row_ends.iter_mut()) {
        row.clear();
        for k in bounds[0]..bounds[1] {
            let column = map[chunk.columns[k] as usize];
            if column != u32::MAX {
                row.push((column, chunk.counts[k]));
            }
        }
        row.sort_unstable_by_key(|&(column, _)| column);
        for &(column, count) in &row {
            columns[written] = column;
            counts[written] = count;
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
}

impl Fitter {
    /// Counts a batch of documents (they follow the documents of earlier batches).
    pub fn add(&mut self, source: &dyn FeatureSource) -> Result<()> {
        let chunks: Vec<ChunkCounts> = chunk_ranges(source.n_documents())
            .into_par_iter()
            .map(|range| count_chunk(source, range))
            .collect::<Result<_>>()?;
        self.chunks.extend(chunks);
        Ok(())
    }

    /// The vocabulary of every document added, pruned as `options` say, and the counts.
    pub fn finish(self, options: FitOptions) -> Result<(Vocabulary, Counts)> {
        let mut chunks = self.chunks;
        let n_documents: usize = chunks.iter().map(|c| c.indptr.len() - 1).sum();

        // Merge the chunks' vocabularies: document frequency and total count of every term.
        let chunk_terms: usize = chunks.iter().map(|c| c.terms.len()).sum();
        let mut global = Interner::with_capacity(chunk_terms / 2, chunk_terms * 6);
        let mut df: Vec<u64> = Vec::new();
        let mut total: Vec<u64> = Vec::new();
        let mut local_to_global: Vec<Vec<u32>> = Vec::with_capacity(chunks.len());
        for chunk in &mut chunks {
            crate::cancel::checkpoint()?;
            let map: Vec<u32> = chunk.terms.iter().map(|term| global.intern(term)).collect();
            // The chunk's own copy of its terms is no longer needed.
            chunk.terms = Interner::default();
            df.resize(global.len(), 0);
            total.resize(global.len(), 0);
            for (&local, &count) in chunk.columns.iter().zip(&chunk.counts) {
                let g = map[local as usize] as usize;
                df[g] += 1;
                total[g] += if options.binary { 1 } else { count as u64 };
            }
            local_to_global.push(map);
        }
        crate::cancel::checkpoint()?;
        if global.is_empty() {
            return Err(Error::EmptyVocabulary);
        }

        // Prune as scikit-learn does: document frequency bounds, then the most frequent terms.
        let high = options.max_df.resolve(n_documents);
        let low = options.min_df.resolve(n_documents);
        if high < low {
            return Err(Error::Parameter {
                name: "max_df",
                message: "max_df corresponds to < documents than min_df".into(),
            });
        }
        let mut kept: Vec<u32> = (0..global.len() as u32)
            .filter(|&g| (df[g as usize] as f64) <= high && (df[g as usize] as f64) >= low)
            .collect();
        if let Some(limit) = options.max_features {
            if kept.len() > limit {
                // Ties at the cut: count descending, then term ascending (scikit-learn leaves
                // them to an unstable sort).
                kept.sort_unstable_by(|&a, &b| {
                    total[b as usize]
                        .cmp(&total[a as usize])
                        .then_with(|| global.get(a).cmp(global.get(b)))
                });
                kept.truncate(limit);
            }
        }
        if kept.is_empty() {
            return Err(Error::NothingLeftAfterPruning);
        }
        crate::cancel::checkpoint()?;
        // Columns in term order (UTF-8 byte order is code point order, as Python sorts strings).
        kept.par_sort_unstable_by(|&a, &b| global.get(a).cmp(global.get(b)));
        let mut column_of = vec![u32::MAX; global.len()];
        for (column, &g) in kept.iter().enumerate() {
            column_of[g as usize] = column as u32;
        }
        crate::cancel::checkpoint()?;
        let vocabulary = Vocabulary::from_terms(kept.iter().map(|&g| global.get(g)))?;
        drop(global);
        crate::cancel::checkpoint()?;

        // Renumber every chunk straight into its part of the final arrays, in parallel.
        let maps: Vec<Vec<u32>> = local_to_global
            .into_par_iter()
            .map(|map| map.into_iter().map(|g| column_of[g as usize]).collect())
            .collect();
        let kept_per_chunk: Vec<usize> = chunks
            .par_iter()
            .zip(&maps)
            .map(|(chunk, map)| {
                chunk
                    .columns
                    .iter()
                    .filter(|&&c| map[c as usize] != u32::MAX)
                    .count()
            })
            .collect();
        crate::cancel::checkpoint()?;
        let nnz: usize = kept_per_chunk.iter().sum();
        let mut counts = Counts {
            indptr: vec![0; n_documents + 1],
            columns: vec![0; nnz],
            counts: vec![0; nnz],
            n_columns: vocabulary.len(),
        };
        let mut work = Vec::with_capacity(chunks.len());
        let (mut row_ends, mut columns, mut values) = (
            &mut counts.indptr[1..],
            &mut counts.columns[..],
            &mut counts.counts[..],
        );
        let mut base = 0;
        for ((chunk, map), &kept) in chunks.iter().zip(&maps).zip(&kept_per_chunk) {
            let rows = chunk.indptr.len() - 1;
            let (chunk_rows, rest_rows) = std::mem::take(&mut row_ends).split_at_mut(rows);
            let (chunk_columns, rest_columns) = std::mem::take(&mut columns).split_at_mut(kept);
            let (chunk_values, rest_values) = std::mem::take(&mut values).split_at_mut(kept);
            work.push((chunk, map, base, chunk_rows, chunk_columns, chunk_values));
            (row_ends, columns, values) = (rest_rows, rest_columns, rest_values);
            base += kept;
        }
        work.into_par_iter()
            .for_each(|(chunk, map, base, rows, columns, values)| {
                renumber_into(chunk, map, base, rows, columns, values)
            });
        Ok((vocabulary, counts))
    }
}

/// Counts the documents' features that are in `vocabulary`; others are ignored.
pub fn transform(source: &dyn FeatureSource, vocabulary: &Vocabulary) -> Result<Counts> {
    let parts: Vec<_> = chunk_ranges(source.n_documents())
        .into_par_iter()
        .map(|range| {
            let mut scratch = Scratch::default();
            let mut indptr = vec![0];
            let mut columns = Vec::new();
            let mut counts = Vec::new();
            let mut row: FxHashMap<u32, u32> = FxHashMap::default();
            let mut sorted: Vec<(u32, u32)> = Vec::new();
            for i in range {
                row.clear();
                source.for_each_feature(i, &mut scratch, &mut |feature| {
                    if let Some(column) = vocabulary.get(feature) {
                        *row.entry(column).or_insert(0) += 1;
                    }
                })?;
                sorted.clear();
                sorted.extend(row.iter().map(|(&c, &n)| (c, n)));
                sorted.sort_unstable_by_key(|&(c, _)| c);
                columns.extend(sorted.iter().map(|&(c, _)| c));
                counts.extend(sorted.iter().map(|&(_, n)| n));
                indptr.push(columns.len());
            }
            Ok((indptr, columns, counts))
        })
        .collect::<Result<_>>()?;
    Ok(concatenate(parts, vocabulary.len()))
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
