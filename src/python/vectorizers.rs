//! The Rust half of the vectorizers: `AnalyzerCore` (analyzing, counting with a vocabulary,
//! hashing), `FitterCore` (a fit over batches), `VocabularyCore`, and TF-IDF weighting of a
//! scipy matrix (`TfidfTransformer`).

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::error::Error;
use crate::features::analyzer::Analyzer;
use crate::features::counts::Counts;
use crate::features::fit::Fitter;
use crate::features::hashing::{hash_features, Hashed};
use crate::features::source::{Cancellable, FeatureSource, GivenFeatures, RawDocuments};
use crate::features::transform::transform;
use crate::features::vocabulary::Vocabulary;
use crate::matrix::weight::{
    inverse_document_frequency as inverse_document_frequency_of, Weighting,
};
use crate::python::csr::{csr_for_python, weigh, weighted_values};
use crate::python::detach::detached;
use crate::python::documents::{Corpus, Documents};
use crate::python::errors::misuse;
use crate::python::options::{
    choice, fit_options, optional_choice, ValueType, ANALYZERS, NORMS, VALUE_TYPES,
};
use crate::python::tokenizer::PyTokenizer;
use crate::runtime::alloc::try_collect;
use crate::text::decode::{decode_document, DecodeErrors};

/// A fitted vocabulary: terms and the column of each.
#[pyclass(name = "VocabularyCore", module = "textsim._core", frozen)]
pub(crate) struct PyVocabulary {
    pub(crate) vocabulary: Vocabulary,
}

#[pymethods]
impl PyVocabulary {
    /// The vocabulary whose term `i` is column `i`.
    #[new]
    fn new(terms: Vec<String>) -> PyResult<Self> {
        Ok(PyVocabulary {
            vocabulary: Vocabulary::from_terms(terms)?,
        })
    }

    fn terms(&self) -> Vec<&str> {
        self.vocabulary.terms().collect()
    }

    /// `{term: column}`, scikit-learn's `vocabulary_`.
    fn as_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (column, term) in self.vocabulary.terms().enumerate() {
            dict.set_item(term, column)?;
        }
        Ok(dict)
    }

    fn __len__(&self) -> usize {
        self.vocabulary.len()
    }
}

/// The Rust half of the vectorizers: one analyzer (tokenizer, word/char/char_wb, n-gram range).
#[pyclass(name = "AnalyzerCore", module = "textsim._core", frozen)]
pub(crate) struct PyAnalyzer {
    analyzer: Analyzer,
    decode_errors: DecodeErrors,
    pub(crate) n_jobs: Option<usize>,
}

impl PyAnalyzer {
    /// Runs `work` on the documents' features, without the lock, on the pool. The documents
    /// are a batch whose first is document `first_document` of the whole input (errors name
    /// documents by their number in the whole input).
    pub(crate) fn with_source<'py, T: Send>(
        &self,
        py: Python<'py>,
        corpus: &Corpus<'py>,
        first_document: usize,
        work: impl FnOnce(&dyn FeatureSource) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        match corpus {
            Corpus::Raw(documents) => {
                let texts = documents.texts(Some(first_document))?;
                let source = RawDocuments {
                    analyzer: &self.analyzer,
                    texts: &texts,
                    errors: self.decode_errors,
                    first_document,
                };
                let source = Cancellable { source: &source };
                detached(py, self.n_jobs, || work(&source))
            }
            Corpus::Analyzed(documents) => {
                let source = GivenFeatures { documents };
                let source = Cancellable { source: &source };
                detached(py, self.n_jobs, || work(&source))
            }
        }
    }
}

#[pymethods]
impl PyAnalyzer {
    #[new]
    fn new(tokenizer: &PyTokenizer, analyzer: &str, ngram_range: (usize, usize)) -> PyResult<Self> {
        let kind = choice("analyzer", analyzer, ANALYZERS)?;
        Ok(PyAnalyzer {
            analyzer: Analyzer::new(tokenizer.tokenizer.clone(), kind, ngram_range)?,
            decode_errors: tokenizer.decode_errors,
            n_jobs: tokenizer.n_jobs,
        })
    }

    /// The features of one document (scikit-learn's `build_analyzer()(doc)`).
    fn analyze(&self, py: Python<'_>, doc: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        let docs = Documents::one(doc);
        let raws = docs.texts(None)?;
        detached(py, Some(1), || {
            let text = decode_document(raws[0], self.decode_errors, None)?;
            self.analyzer.features(&text)
        })
    }

    /// Counts (and, with `tfidf`, weights) the documents with a fitted vocabulary.
    #[pyo3(signature = (docs, *, analyzed, vocabulary, binary, dtype, tfidf, first_document=0))]
    #[allow(clippy::too_many_arguments)]
    fn transform<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
        analyzed: bool,
        vocabulary: &PyVocabulary,
        binary: bool,
        dtype: &str,
        tfidf: Option<(Option<PyReadonlyArray1<'py, f64>>, bool, Option<String>)>,
        first_document: usize,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let value_type = choice("dtype", dtype, VALUE_TYPES)?;
        let corpus = Corpus::new(docs, analyzed)?;
        let counts = self.with_source(py, &corpus, first_document, |source| {
            transform(source, &vocabulary.vocabulary)
        })?;
        let mut weighting = Weighting {
            binary,
            ..Weighting::default()
        };
        let idf_view;
        if let Some((idf, sublinear_tf, norm)) = &tfidf {
            weighting.sublinear_tf = *sublinear_tf;
            weighting.norm = optional_choice("norm", norm.as_deref(), NORMS)?;
            if let Some(idf) = idf {
                idf_view = idf.as_slice()?;
                weighting.idf = Some(idf_view);
            }
        }
        let Counts {
            indptr,
            columns,
            counts,
            n_columns,
        } = counts;
        let data = weighted_values(
            py,
            self.n_jobs,
            &indptr,
            &columns,
            counts,
            value_type,
            weighting,
        )?;
        csr_for_python(py, indptr, columns, data, n_columns)
    }

    /// scikit-learn's HashingVectorizer.transform.
    #[pyo3(signature = (docs, *, analyzed, n_features, alternate_sign, binary, norm, dtype, first_document=0))]
    #[allow(clippy::too_many_arguments)]
    fn hash<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
        analyzed: bool,
        n_features: u32,
        alternate_sign: bool,
        binary: bool,
        norm: Option<&str>,
        dtype: &str,
        first_document: usize,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let norm = optional_choice("norm", norm, NORMS)?;
        let value_type = choice("dtype", dtype, VALUE_TYPES)?;
        let corpus = Corpus::new(docs, analyzed)?;
        let hashed = self.with_source(py, &corpus, first_document, |source| {
            hash_features(source, n_features, alternate_sign)
        })?;
        let weighting = Weighting {
            binary,
            norm,
            ..Weighting::default()
        };
        let Hashed {
            indptr,
            columns,
            values,
        } = hashed;
        let data = match value_type {
            ValueType::F32 => {
                let mut data: Vec<f32> = try_collect(
                    values.iter().map(|&v| v as f32),
                    "the hashed document-term matrix",
                )?;
                weigh(py, self.n_jobs, &indptr, &columns, &mut data, weighting)?;
                PyArray1::from_vec(py, data).into_any()
            }
            _ => {
                let mut data = values;
                weigh(py, self.n_jobs, &indptr, &columns, &mut data, weighting)?;
                PyArray1::from_vec(py, data).into_any()
            }
        };
        csr_for_python(py, indptr, columns, data, n_features as usize)
    }
}

/// What `fit` returns to Python: `(vocabulary, document frequencies, idf or None, matrix)`;
/// with `tfidf` settings the matrix is weighted, otherwise it holds counts.
fn fitted_for_python<'py>(
    py: Python<'py>,
    n_jobs: Option<usize>,
    vocabulary: Vocabulary,
    counts: Counts,
    binary: bool,
    value_type: ValueType,
    tfidf: Option<(bool, bool, bool, Option<String>)>,
) -> PyResult<Bound<'py, PyTuple>> {
    // Counted here, on the calling thread, after the fit's chunks are freed: done on a pool
    // thread or from the merge's own numbers, the fit's measured peak grew by about 1 MB.
    let df = counts.document_frequency()?;
    let mut weighting = Weighting {
        binary,
        ..Weighting::default()
    };
    let mut idf = None;
    if let Some((use_idf, smooth_idf, sublinear_tf, norm)) = tfidf {
        weighting.sublinear_tf = sublinear_tf;
        weighting.norm = optional_choice("norm", norm.as_deref(), NORMS)?;
        if use_idf {
            // scikit-learn computes idf from the matrix after `binary` (which does not change
            // document frequencies).
            idf = Some(inverse_document_frequency_of(
                &df,
                counts.n_rows(),
                smooth_idf,
            ));
        }
    }
    weighting.idf = idf.as_deref();
    let Counts {
        indptr,
        columns,
        counts,
        n_columns,
    } = counts;
    let data = weighted_values(py, n_jobs, &indptr, &columns, counts, value_type, weighting)?;
    let matrix = csr_for_python(py, indptr, columns, data, n_columns)?;
    let vocabulary = Bound::new(py, PyVocabulary { vocabulary })?;
    let df = PyArray1::from_vec(py, df.into_iter().map(|d| d as i64).collect::<Vec<i64>>());
    let idf = idf.map(|idf| PyArray1::from_vec(py, idf));
    PyTuple::new(
        py,
        [
            vocabulary.into_any(),
            df.into_any(),
            idf.into_pyobject(py)?.into_any(),
            matrix.into_any(),
        ],
    )
}

/// A fit over documents that arrive in batches (from a generator): each batch is counted as it
/// comes, so its Python strings can be freed before the next.
#[pyclass(name = "FitterCore", module = "textsim._core", frozen)]
pub(crate) struct PyFitter {
    analyzer: Py<PyAnalyzer>,
    fitter: std::sync::Mutex<Option<Fitter>>,
}

#[pymethods]
impl PyFitter {
    #[new]
    fn new(analyzer: Py<PyAnalyzer>) -> Self {
        PyFitter {
            analyzer,
            fitter: std::sync::Mutex::new(Some(Fitter::default())),
        }
    }

    /// Counts one batch of documents, whose first is document `first_document` of the input.
    #[pyo3(signature = (docs, *, analyzed, first_document=0))]
    fn add(
        &self,
        py: Python<'_>,
        docs: &Bound<'_, PyAny>,
        analyzed: bool,
        first_document: usize,
    ) -> PyResult<()> {
        // Waiting for another thread's batch could deadlock: it released the interpreter lock
        // and needs it back to finish.
        let mut guard = match self.fitter.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                return Err(misuse("this fit is counting a batch in another thread"))
            }
        };
        let Some(fitter) = guard.as_mut() else {
            return Err(misuse("this fit is finished"));
        };
        let corpus = Corpus::new(docs, analyzed)?;
        let analyzer = self.analyzer.get();
        analyzer.with_source(py, &corpus, first_document, |source| fitter.add(source))
    }

    /// The fit of every batch added, as `AnalyzerCore.fit` returns it.
    #[pyo3(signature = (*, min_df, max_df, max_features, binary, dtype, tfidf))]
    #[allow(clippy::too_many_arguments)]
    fn finish<'py>(
        &self,
        py: Python<'py>,
        min_df: &Bound<'py, PyAny>,
        max_df: &Bound<'py, PyAny>,
        max_features: Option<usize>,
        binary: bool,
        dtype: &str,
        tfidf: Option<(bool, bool, bool, Option<String>)>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let options = fit_options(min_df, max_df, max_features, binary)?;
        let value_type = choice("dtype", dtype, VALUE_TYPES)?;
        let fitter = self
            .fitter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| misuse("this fit is finished"))?;
        let n_jobs = self.analyzer.get().n_jobs;
        let (vocabulary, counts) = detached(py, n_jobs, || fitter.finish(options))?;
        fitted_for_python(py, n_jobs, vocabulary, counts, binary, value_type, tfidf)
    }
}

/// scikit-learn's idf of columns in `df` documents each, of `n_documents`: the one formula,
/// which the fits use too.
#[pyfunction]
#[pyo3(signature = (df, n_documents, *, smooth))]
pub(crate) fn inverse_document_frequency<'py>(
    py: Python<'py>,
    df: PyReadonlyArray1<'py, i64>,
    n_documents: usize,
    smooth: bool,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let df = df
        .as_slice()?
        .iter()
        .map(|&d| {
            u64::try_from(d).map_err(|_| Error::Parameter {
                name: "df",
                message: format!("a document frequency is negative ({d})"),
            })
        })
        .collect::<Result<Vec<u64>, Error>>()?;
    Ok(PyArray1::from_vec(
        py,
        inverse_document_frequency_of(&df, n_documents, smooth),
    ))
}

/// TF-IDF weighting of a scipy CSR matrix's buffers, in place and in parallel over rows.
#[pyfunction]
#[pyo3(signature = (data, indices, indptr, *, idf, sublinear_tf, norm))]
pub(crate) fn weigh_csr(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    indices: &Bound<'_, PyAny>,
    indptr: &Bound<'_, PyAny>,
    idf: Option<PyReadonlyArray1<'_, f64>>,
    sublinear_tf: bool,
    norm: Option<&str>,
) -> PyResult<()> {
    let idf_view = match &idf {
        Some(idf) => Some(idf.as_slice()?),
        None => None,
    };
    let weighting = Weighting {
        binary: false,
        sublinear_tf,
        idf: idf_view,
        norm: optional_choice("norm", norm, NORMS)?,
    };
    macro_rules! run {
        ($t:ty, $p:ty) => {{
            let mut data = data.cast::<PyArray1<$t>>()?.readwrite();
            let indices = indices.cast::<PyArray1<$p>>()?.readonly();
            let indptr = indptr.cast::<PyArray1<$p>>()?.readonly();
            let (data, indices, indptr) = (
                data.as_slice_mut()?,
                indices.as_slice()?,
                indptr.as_slice()?,
            );
            weigh(py, None, indptr, indices, data, weighting)
        }};
    }
    let float64 = data.cast::<PyArray1<f64>>().is_ok();
    let index64 = indices.cast::<PyArray1<i64>>().is_ok();
    match (float64, index64) {
        (true, false) => run!(f64, i32),
        (true, true) => run!(f64, i64),
        (false, false) => run!(f32, i32),
        (false, true) => run!(f32, i64),
    }
}
