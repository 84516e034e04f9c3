//! Where a document's features come from: text analyzed by an [`Analyzer`], documents decoded
//! from their owners' buffers first, lists of features made elsewhere (a Python analyzer), and a
//! wrapper that stops between documents once the work is cancelled.

use crate::error::Result;
use crate::features::analyzer::{Analyzer, Scratch};
use crate::runtime::cancel::checkpoint;
use crate::text::decode::{DecodeErrors, RawText};

/// Where the features of document `i` come from.
pub trait FeatureSource: Sync {
    fn n_documents(&self) -> usize;
    /// Calls `feature` with each feature of document `i`, until it fails (its error is then
    /// the document's).
    fn for_each_feature(
        &self,
        i: usize,
        scratch: &mut Scratch,
        feature: &mut dyn FnMut(&str) -> Result<()>,
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
        feature: &mut dyn FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        self.analyzer
            .for_each_feature(self.texts[i].as_ref(), scratch, feature)
    }
}

/// Documents as their owners store them, decoded and analyzed one at a time by the workers.
pub struct RawDocuments<'a> {
    pub analyzer: &'a Analyzer,
    pub texts: &'a [RawText<'a>],
    pub errors: DecodeErrors,
    /// The number of `texts[0]` in the whole input (a batch's place in it): errors name
    /// documents by their number in the whole input.
    pub first_document: usize,
}

impl FeatureSource for RawDocuments<'_> {
    fn n_documents(&self) -> usize {
        self.texts.len()
    }

    fn for_each_feature(
        &self,
        i: usize,
        scratch: &mut Scratch,
        feature: &mut dyn FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        self.analyzer.for_each_feature_raw(
            self.texts[i],
            self.errors,
            Some(self.first_document + i),
            scratch,
            feature,
        )
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
        feature: &mut dyn FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        self.documents[i].iter().try_for_each(|f| feature(f))
    }
}

/// A feature source that stops before each document once its work is cancelled: a fit or
/// transform of many documents ends within one document's time of the request.
pub struct Cancellable<'a> {
    pub source: &'a dyn FeatureSource,
}

impl FeatureSource for Cancellable<'_> {
    fn n_documents(&self) -> usize {
        self.source.n_documents()
    }

    fn for_each_feature(
        &self,
        i: usize,
        scratch: &mut Scratch,
        feature: &mut dyn FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        checkpoint()?;
        self.source.for_each_feature(i, scratch, feature)
    }
}

/// A source for tests whose documents with `i % every == 1` fail after their first features,
/// as an allocation failing mid-document does.
#[cfg(test)]
pub(crate) struct FailingMidDocument {
    pub n_documents: usize,
    pub every: usize,
}

#[cfg(test)]
impl FeatureSource for FailingMidDocument {
    fn n_documents(&self) -> usize {
        self.n_documents
    }

    fn for_each_feature(
        &self,
        i: usize,
        _scratch: &mut Scratch,
        feature: &mut dyn FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        feature("the")?;
        feature("cat")?;
        if i % self.every == 1 {
            return Err(crate::error::Error::OutOfMemory {
                what: "a test's document",
                bytes: i,
            });
        }
        feature("cat")
    }
}

/// Runs `work` on a [`FailingMidDocument`] source in pools of 1, 2 and 4 threads, and checks
/// that each run fails with the source's error (and does not panic).
#[cfg(test)]
pub(crate) fn assert_fails_mid_document<R: Send>(
    work: impl Fn(&dyn FeatureSource) -> Result<R> + Sync,
) {
    for threads in [1, 2, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let source = FailingMidDocument {
            n_documents: 5000,
            every: 3,
        };
        let failed = pool.install(|| {
            work(&source)
                .is_err_and(|error| matches!(error, crate::error::Error::OutOfMemory { .. }))
        });
        assert!(failed, "{threads} threads");
    }
}
