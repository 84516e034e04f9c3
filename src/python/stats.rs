//! `StatsCore`, the state of `textsim.CorpusStats`: mergeable corpus statistics.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use crate::error::Error;
use crate::features::stats::{CorpusStats, StatsParts};
use crate::matrix::weight::inverse_document_frequency;
use crate::python::detach::detached;
use crate::python::documents::Corpus;
use crate::python::errors::misuse;
use crate::python::options::fit_options;
use crate::python::vectorizers::{PyAnalyzer, PyVocabulary};

/// Mergeable corpus statistics (`features::stats::CorpusStats`): the state of
/// `textsim.CorpusStats`.
#[pyclass(name = "StatsCore", module = "textsim._core", frozen)]
pub(crate) struct PyStats {
    stats: std::sync::Mutex<CorpusStats>,
}

impl PyStats {
    /// The statistics, or an error when another thread is using them: waiting could deadlock,
    /// since the holder may have released the interpreter lock and need it back to finish.
    fn lock(&self) -> PyResult<std::sync::MutexGuard<'_, CorpusStats>> {
        match self.stats.try_lock() {
            Ok(guard) => Ok(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => Err(misuse(
                "these CorpusStats are being changed by another thread",
            )),
        }
    }
}

#[pymethods]
impl PyStats {
    /// Empty statistics.
    #[new]
    fn new() -> Self {
        PyStats {
            stats: std::sync::Mutex::new(CorpusStats::default()),
        }
    }

    /// Adds one batch of documents, analyzed by `analyzer` (or lists of features), whose first
    /// is document `first_document` of the input.
    #[pyo3(signature = (analyzer, docs, *, analyzed, first_document=0))]
    fn update(
        &self,
        py: Python<'_>,
        analyzer: &PyAnalyzer,
        docs: &Bound<'_, PyAny>,
        analyzed: bool,
        first_document: usize,
    ) -> PyResult<()> {
        let corpus = Corpus::new(docs, analyzed)?;
        let batch = analyzer.with_source(py, &corpus, first_document, CorpusStats::of)?;
        let mut stats = self.lock()?;
        let stats: &mut CorpusStats = &mut stats;
        detached(py, analyzer.n_jobs, || stats.merge(batch))
    }

    /// Adds `other`'s statistics to these. `other` is copied first, so that no two locks are
    /// held at once (two threads merging a into b and b into a cannot deadlock).
    fn merge(&self, py: Python<'_>, other: &PyStats) -> PyResult<()> {
        let addition = other.lock()?.clone();
        let mut stats = self.lock()?;
        let stats: &mut CorpusStats = &mut stats;
        detached(py, Some(1), || stats.merge(addition))
    }

    fn copy(&self) -> PyResult<Self> {
        Ok(PyStats {
            stats: std::sync::Mutex::new(self.lock()?.clone()),
        })
    }

    fn equals(&self, other: &PyStats) -> PyResult<bool> {
        if std::ptr::eq(self, other) {
            return Ok(true);
        }
        Ok(*self.lock()? == *other.lock()?)
    }

    #[getter]
    fn n_documents(&self) -> PyResult<u64> {
        Ok(self.lock()?.n_documents())
    }

    fn __len__(&self) -> PyResult<usize> {
        Ok(self.lock()?.len())
    }

    /// `(text, ends, document_frequency, total_count, n_documents)`, terms in code point order:
    /// the terms' UTF-8 bytes one after the other, term `i` ending at `ends[i]`.
    fn to_parts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let stats = self.lock()?;
        let parts = detached(py, None, || stats.to_parts())?;
        drop(stats);
        let ends: Vec<i64> = parts.ends.iter().map(|&e| e as i64).collect();
        PyTuple::new(
            py,
            [
                PyBytes::new(py, parts.text.as_bytes()).into_any(),
                PyArray1::from_vec(py, ends).into_any(),
                PyArray1::from_vec(py, parts.document_frequency).into_any(),
                PyArray1::from_vec(py, parts.total_count).into_any(),
                parts.n_documents.into_pyobject(py)?.into_any(),
            ],
        )
    }

    /// Statistics from `to_parts`' form, checked to be consistent.
    #[staticmethod]
    fn from_parts(
        py: Python<'_>,
        text: &[u8],
        ends: PyReadonlyArray1<'_, i64>,
        document_frequency: PyReadonlyArray1<'_, u64>,
        total_count: PyReadonlyArray1<'_, u64>,
        n_documents: u64,
    ) -> PyResult<Self> {
        let invalid = |message: String| Error::Parameter {
            name: "stats",
            message,
        };
        let text = std::str::from_utf8(text)
            .map_err(|e| invalid(format!("the terms are not UTF-8: {e}")))?;
        let ends = ends
            .as_slice()?
            .iter()
            .map(|&e| usize::try_from(e).map_err(|_| invalid(format!("negative term end {e}"))))
            .collect::<Result<Vec<usize>, Error>>()?;
        let parts = StatsParts {
            text: text.to_owned(),
            ends,
            document_frequency: document_frequency.as_slice()?.to_vec(),
            total_count: total_count.as_slice()?.to_vec(),
            n_documents,
        };
        let stats = detached(py, None, || CorpusStats::from_parts(&parts))?;
        Ok(PyStats {
            stats: std::sync::Mutex::new(stats),
        })
    }

    /// The document frequency of each term of `vocabulary`, in column order (0 for a term
    /// these statistics never saw): what a fixed vocabulary's idf needs.
    fn document_frequencies<'py>(
        &self,
        py: Python<'py>,
        vocabulary: &PyVocabulary,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let stats = self.lock()?;
        let df: Vec<i64> = vocabulary
            .vocabulary
            .terms()
            .map(|term| stats.document_frequency_of(term) as i64)
            .collect();
        Ok(PyArray1::from_vec(py, df))
    }

    /// The vocabulary a fit over the whole corpus would choose: `(vocabulary, document
    /// frequency per column, idf or None, n_documents)`; `smooth_idf` None computes no idf.
    #[pyo3(signature = (*, min_df, max_df, max_features, binary, smooth_idf))]
    fn finish<'py>(
        &self,
        py: Python<'py>,
        min_df: &Bound<'py, PyAny>,
        max_df: &Bound<'py, PyAny>,
        max_features: Option<usize>,
        binary: bool,
        smooth_idf: Option<bool>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let options = fit_options(min_df, max_df, max_features, binary)?;
        let stats = self.lock()?;
        let fitted = detached(py, None, || stats.vocabulary(options))?;
        drop(stats);
        let idf = smooth_idf.map(|smooth| {
            inverse_document_frequency(&fitted.document_frequency, fitted.n_documents, smooth)
        });
        let df: Vec<i64> = fitted
            .document_frequency
            .iter()
            .map(|&d| d as i64)
            .collect();
        let vocabulary = Bound::new(
            py,
            PyVocabulary {
                vocabulary: fitted.vocabulary,
            },
        )?;
        PyTuple::new(
            py,
            [
                vocabulary.into_any(),
                PyArray1::from_vec(py, df).into_any(),
                idf.map(|idf| PyArray1::from_vec(py, idf))
                    .into_pyobject(py)?
                    .into_any(),
                fitted.n_documents.into_pyobject(py)?.into_any(),
            ],
        )
    }
}
