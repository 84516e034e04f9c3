//! Corpus statistics that merge: for every term, the number of documents it is in and its total
//! count, and the number of documents. They are all a fit needs to choose a vocabulary (pruning
//! by document frequency and `max_features`) and the idf, so a fit can stream its documents in
//! batches, or run on many machines, keeping only these: memory grows with the vocabulary, not
//! with the corpus.
//!
//! Merging adds the numbers term by term, so it is associative and commutative: any split of a
//! corpus, merged in any order, gives the same statistics (the same terms with the same numbers;
//! the order terms were first seen in is not part of them).

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::features::analyzer::Scratch;
use crate::features::intern::Interner;
use crate::features::prune::kept_terms;
use crate::features::source::FeatureSource;
use crate::features::vocabulary::{FitOptions, Vocabulary};
use crate::runtime::alloc::{try_collect, try_push, try_reserve, try_with_capacity};
use crate::runtime::per_worker::per_worker;

/// What the statistics' tables report themselves as when they cannot grow.
const WHAT: &str = "the corpus statistics";

/// A copy of `values`, an error instead of an abort when the memory cannot be had.
fn try_copy(values: &[u64]) -> Result<Vec<u64>> {
    try_collect(values.iter().copied(), WHAT)
}

/// Document frequencies and total counts of a corpus's terms, and its number of documents.
#[derive(Clone, Default)]
pub struct CorpusStats {
    terms: Interner,
    document_frequency: Vec<u64>,
    total_count: Vec<u64>,
    n_documents: u64,
}

impl std::fmt::Debug for CorpusStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "CorpusStats({} terms, {} documents)",
            self.len(),
            self.n_documents
        )
    }
}

impl PartialEq for CorpusStats {
    fn eq(&self, other: &Self) -> bool {
        self.n_documents == other.n_documents
            && self.len() == other.len()
            && self.terms.iter().enumerate().all(|(id, term)| {
                other.terms.find(term).is_some_and(|theirs| {
                    let theirs = theirs as usize;
                    self.document_frequency[id] == other.document_frequency[theirs]
                        && self.total_count[id] == other.total_count[theirs]
                })
            })
    }
}

/// Statistics in a plain form, terms in code point order: what is stored or sent elsewhere.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatsParts {
    /// The terms, one after the other; term `i` ends at `ends[i]`.
    pub text: String,
    pub ends: Vec<usize>,
    pub document_frequency: Vec<u64>,
    pub total_count: Vec<u64>,
    pub n_documents: u64,
}

/// A fitted vocabulary and what the fit learnt about its columns.
#[derive(Debug)]
pub struct FittedVocabulary {
    pub vocabulary: Vocabulary,
    /// Document frequency of each column.
    pub document_frequency: Vec<u64>,
    pub n_documents: usize,
}

/// One worker's statistics of the documents it took.
struct WorkerStats {
    stats: CorpusStats,
    /// The last document (counted from 1) each term was seen in: 0 for none yet.
    last_seen: Vec<u64>,
    scratch: Scratch,
}

impl WorkerStats {
    fn count(
        &mut self,
        source: &dyn FeatureSource,
        range: std::ops::Range<usize>,
    ) -> std::result::Result<(), (usize, Error)> {
        let WorkerStats {
            stats,
            last_seen,
            scratch,
        } = self;
        stats.n_documents += range.len() as u64;
        for i in range {
            let document = i as u64 + 1;
            source
                .for_each_feature(i, scratch, &mut |feature| {
                    let id = stats.terms.intern(feature)? as usize;
                    if id == last_seen.len() {
                        try_push(last_seen, 0, WHAT)?;
                        try_push(&mut stats.document_frequency, 0, WHAT)?;
                        try_push(&mut stats.total_count, 0, WHAT)?;
                    }
                    stats.total_count[id] += 1;
                    if last_seen[id] != document {
                        last_seen[id] = document;
                        stats.document_frequency[id] += 1;
                    }
                    Ok(())
                })
                .map_err(|error| (i, error))?;
        }
        Ok(())
    }
}

impl CorpusStats {
    /// The statistics of the documents, counted in parallel: one set per worker thread
    /// (`runtime::per_worker`), merged at the end (merging is commutative, so it does not
    /// matter which worker saw which documents).
    pub fn of(source: &dyn FeatureSource) -> Result<Self> {
        let n = source.n_documents();
        let workers = rayon::current_num_threads().clamp(1, n.max(1));
        let states = per_worker(
            n,
            || WorkerStats {
                stats: CorpusStats {
                    // Room up front is a guess; without it the table grows as terms come.
                    terms: Interner::for_documents(n / workers).unwrap_or_default(),
                    ..CorpusStats::default()
                },
                last_seen: Vec::new(),
                scratch: Scratch::default(),
            },
            |state, range| state.count(source, range),
        )?;
        let mut merged = CorpusStats::default();
        for state in states {
            merged.merge(state.stats)?;
        }
        Ok(merged)
    }

    /// Adds the documents' statistics to these (which stay as they were if it fails).
    pub fn update(&mut self, source: &dyn FeatureSource) -> Result<()> {
        let batch = Self::of(source)?;
        self.merge(batch)
    }

    /// Adds `other`'s statistics to these: the larger table is kept and the smaller one added
    /// to it. When the memory for that cannot be had, these stay as they were.
    pub fn merge(&mut self, mut other: CorpusStats) -> Result<()> {
        if self.len() >= other.len() {
            self.merge_from(&other)
        } else {
            other.merge_from(self)?;
            *self = other;
            Ok(())
        }
    }

    /// Adds `other`'s statistics to these, without taking it. The room for `other`'s new terms
    /// is reserved first, so a failure changes nothing.
    pub fn merge_from(&mut self, other: &CorpusStats) -> Result<()> {
        let (mut new_terms, mut new_bytes) = (0, 0);
        for term in other.terms.iter() {
            if self.terms.find(term).is_none() {
                new_terms += 1;
                new_bytes += term.len();
            }
        }
        self.terms.reserve(new_terms, new_bytes)?;
        let n = self.len() + new_terms;
        try_reserve(&mut self.document_frequency, new_terms, WHAT)?;
        try_reserve(&mut self.total_count, new_terms, WHAT)?;
        for (theirs, term) in other.terms.iter().enumerate() {
            let id = self.terms.intern(term)? as usize;
            if id == self.document_frequency.len() {
                self.document_frequency.push(0);
                self.total_count.push(0);
            }
            self.document_frequency[id] += other.document_frequency[theirs];
            self.total_count[id] += other.total_count[theirs];
        }
        debug_assert_eq!(self.len(), n);
        self.n_documents += other.n_documents;
        Ok(())
    }

    /// The number of documents `term` is in (0 if it was never seen).
    pub fn document_frequency_of(&self, term: &str) -> u64 {
        self.terms
            .find(term)
            .map_or(0, |id| self.document_frequency[id as usize])
    }

    /// The number of distinct terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn n_documents(&self) -> u64 {
        self.n_documents
    }

    /// `(document frequency, total count)` of `term`.
    pub fn get(&self, term: &str) -> Option<(u64, u64)> {
        let id = self.terms.find(term)? as usize;
        Some((self.document_frequency[id], self.total_count[id]))
    }

    /// Term ids in code point order of their terms (UTF-8 byte order is code point order).
    fn ids_in_term_order(&self) -> Result<Vec<u32>> {
        let mut ids: Vec<u32> = try_collect(0..self.len() as u32, WHAT)?;
        ids.par_sort_unstable_by(|&a, &b| self.terms.get(a).cmp(self.terms.get(b)));
        Ok(ids)
    }

    /// The statistics in plain form, terms sorted, so equal statistics give equal parts.
    pub fn to_parts(&self) -> Result<StatsParts> {
        let ids = self.ids_in_term_order()?;
        let bytes: usize = ids.iter().map(|&id| self.terms.get(id).len()).sum();
        let mut text = String::new();
        text.try_reserve_exact(bytes)
            .map_err(|_| Error::OutOfMemory { what: WHAT, bytes })?;
        let mut parts = StatsParts {
            text,
            ends: try_with_capacity(ids.len(), WHAT)?,
            document_frequency: try_with_capacity(ids.len(), WHAT)?,
            total_count: try_with_capacity(ids.len(), WHAT)?,
            n_documents: self.n_documents,
        };
        for &id in &ids {
            parts.text.push_str(self.terms.get(id));
            parts.ends.push(parts.text.len());
            parts
                .document_frequency
                .push(self.document_frequency[id as usize]);
            parts.total_count.push(self.total_count[id as usize]);
        }
        Ok(parts)
    }

    /// Statistics from their plain form, checked to be consistent (they may come from a file or
    /// another machine).
    pub fn from_parts(parts: &StatsParts) -> Result<Self> {
        let invalid = |message: String| Error::Parameter {
            name: "stats",
            message,
        };
        let n = parts.ends.len();
        if parts.document_frequency.len() != n || parts.total_count.len() != n {
            return Err(invalid(format!(
                "{n} terms but {} document frequencies and {} total counts",
                parts.document_frequency.len(),
                parts.total_count.len()
            )));
        }
        let mut stats = CorpusStats {
            terms: Interner::with_capacity(n, parts.text.len())?,
            document_frequency: try_copy(&parts.document_frequency)?,
            total_count: try_copy(&parts.total_count)?,
            n_documents: parts.n_documents,
        };
        let mut start = 0;
        for (i, &end) in parts.ends.iter().enumerate() {
            let term = (end >= start)
                .then(|| parts.text.get(start..end))
                .flatten()
                .ok_or_else(|| invalid(format!("term {i} has invalid bounds {start}..{end}")))?;
            if stats.terms.intern(term)? as usize != i {
                return Err(invalid(format!("term {term:?} is there twice")));
            }
            let (df, total) = (parts.document_frequency[i], parts.total_count[i]);
            if df == 0 || df > parts.n_documents || total < df {
                return Err(invalid(format!(
                    "term {term:?}: document frequency {df} and total count {total} do not fit \
                     {} documents",
                    parts.n_documents
                )));
            }
            start = end;
        }
        if start != parts.text.len() {
            return Err(invalid("text after the last term".into()));
        }
        Ok(stats)
    }

    /// The vocabulary a fit over the whole corpus would choose (chosen by `prune::kept_terms`,
    /// as every fit is), with each column's document frequency.
    pub fn vocabulary(&self, options: FitOptions) -> Result<FittedVocabulary> {
        let n_documents = self.n_documents as usize;
        let df = &self.document_frequency;
        // With binary counts every count is 1, so a term's total is its document frequency.
        let total = if options.binary {
            df
        } else {
            &self.total_count
        };
        let kept = kept_terms(
            try_collect(0..self.len() as u32, WHAT)?,
            n_documents,
            options,
            |id| df[id as usize],
            |id| total[id as usize],
            |id| self.terms.get(id),
        )?;
        Ok(FittedVocabulary {
            vocabulary: Vocabulary::from_terms(kept.iter().map(|&id| self.terms.get(id)))?,
            document_frequency: try_collect(kept.iter().map(|&id| df[id as usize]), WHAT)?,
            n_documents,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::analyzer::{Analyzer, AnalyzerKind};
    use crate::features::fit;
    use crate::features::source::AnalyzedTexts;
    use crate::features::vocabulary::DocumentBound;
    use crate::text::tokenize::{Tokenizer, TokenizerOptions};

    fn analyzer() -> Analyzer {
        Analyzer::new(
            Tokenizer::new(TokenizerOptions::default()).unwrap(),
            AnalyzerKind::Word,
            (1, 2),
        )
        .unwrap()
    }

    fn texts(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("w{} w{} w{} common x{} w{}", i % 7, i % 13, i % 7, i, i % 5))
            .collect()
    }

    fn stats_of(analyzer: &Analyzer, texts: &[String]) -> CorpusStats {
        CorpusStats::of(&AnalyzedTexts { analyzer, texts }).unwrap()
    }

    fn merged(mut a: CorpusStats, b: CorpusStats) -> CorpusStats {
        a.merge(b).unwrap();
        a
    }

    #[test]
    fn any_split_merged_in_any_order_gives_the_same_statistics() {
        let analyzer = analyzer();
        let texts = texts(400);
        let whole = stats_of(&analyzer, &texts);
        assert_eq!(whole.n_documents(), 400);
        assert_eq!(whole.get("common"), Some((400, 400)));
        assert_eq!(whole.get("x7"), Some((1, 1)));
        assert_eq!(whole.get("w6 common"), Some((57, 57)));
        let parts: Vec<CorpusStats> = [0, 3, 50, 51, 200, 400]
            .windows(2)
            .map(|w| stats_of(&analyzer, &texts[w[0]..w[1]]))
            .collect();
        let mut forwards = CorpusStats::default();
        for part in parts.iter().cloned() {
            forwards.merge(part).unwrap();
        }
        let mut backwards = CorpusStats::default();
        for part in parts.iter().rev() {
            backwards.merge_from(part).unwrap();
        }
        let (left, right) = parts.split_at(2);
        let mut tree = left.iter().cloned().fold(CorpusStats::default(), merged);
        tree.merge(right.iter().cloned().fold(CorpusStats::default(), merged))
            .unwrap();
        for merged in [&forwards, &backwards, &tree] {
            assert_eq!(merged, &whole);
            assert_eq!(merged.to_parts().unwrap(), whole.to_parts().unwrap());
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        assert_eq!(pool.install(|| stats_of(&analyzer, &texts)), whole);
    }

    #[test]
    fn the_vocabulary_is_the_one_fit_chooses() {
        let analyzer = analyzer();
        let texts = texts(300);
        let stats = stats_of(&analyzer, &texts);
        for binary in [false, true] {
            for max_features in [None, Some(1), Some(4), Some(17), Some(10_000)] {
                for (min_df, max_df) in [
                    (DocumentBound::Count(1), DocumentBound::Fraction(1.0)),
                    (DocumentBound::Count(2), DocumentBound::Fraction(0.5)),
                    (DocumentBound::Fraction(0.01), DocumentBound::Count(100)),
                ] {
                    let options = FitOptions {
                        min_df,
                        max_df,
                        max_features,
                        binary,
                    };
                    let source = AnalyzedTexts {
                        analyzer: &analyzer,
                        texts: &texts,
                    };
                    let (vocabulary, counts) = fit::fit(&source, options).unwrap();
                    let fitted = stats.vocabulary(options).unwrap();
                    assert!(fitted.vocabulary.terms().eq(vocabulary.terms()));
                    assert_eq!(
                        fitted.document_frequency,
                        counts.document_frequency().unwrap()
                    );
                    assert_eq!(fitted.n_documents, 300);
                }
            }
        }
    }

    #[test]
    fn plain_parts_round_trip_and_are_checked() {
        let analyzer = analyzer();
        let stats = stats_of(&analyzer, &texts(50));
        let parts = stats.to_parts().unwrap();
        assert!(parts.text.starts_with("common"));
        assert_eq!(CorpusStats::from_parts(&parts).unwrap(), stats);

        let mut twice = parts.clone();
        twice.text = "aa".into();
        twice.ends = vec![1, 2];
        twice.document_frequency = vec![1, 1];
        twice.total_count = vec![1, 1];
        assert!(CorpusStats::from_parts(&twice).is_err());
        let mut short = parts.clone();
        short.total_count.pop();
        assert!(CorpusStats::from_parts(&short).is_err());
        let mut too_many = parts.clone();
        too_many.document_frequency[0] = 51;
        assert!(CorpusStats::from_parts(&too_many).is_err());
        let mut inside_a_character = StatsParts {
            text: "কিম".into(),
            ends: vec![1],
            document_frequency: vec![1],
            total_count: vec![1],
            n_documents: 1,
        };
        assert!(CorpusStats::from_parts(&inside_a_character).is_err());
        inside_a_character.ends = vec![9];
        assert!(CorpusStats::from_parts(&inside_a_character).is_ok());
    }

    #[test]
    fn errors_are_the_fits_errors() {
        let analyzer = analyzer();
        let empty = ["".to_string(), "a".to_string()];
        let stats = stats_of(&analyzer, &empty);
        assert_eq!(stats.n_documents(), 2);
        assert_eq!(
            stats.vocabulary(FitOptions::default()).unwrap_err(),
            Error::EmptyVocabulary
        );
        let stats = stats_of(&analyzer, &texts(10));
        let options = FitOptions {
            min_df: DocumentBound::Count(11),
            max_df: DocumentBound::Count(20),
            ..FitOptions::default()
        };
        assert_eq!(
            stats.vocabulary(options).unwrap_err(),
            Error::NothingLeftAfterPruning
        );
        let options = FitOptions {
            min_df: DocumentBound::Count(11),
            ..FitOptions::default()
        };
        assert!(matches!(
            stats.vocabulary(options),
            Err(Error::Parameter { name: "max_df", .. })
        ));
    }
}
