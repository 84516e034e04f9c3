//! Similarity: each row's k most similar rows, the pairs above a threshold, the dense cosine
//! matrix, and the groups the pairs make.

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::PyMemoryError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::error::Error;
use crate::matrix::columns::NormalizedColumns;
use crate::matrix::csr::CsrView;
use crate::matrix::groups;
use crate::matrix::linkage::agglomerate as agglomerate_pairs;
use crate::matrix::numeric::{Index, Real};
use crate::matrix::similarity::{self as kernels, Threshold};
use crate::matrix::thresholded::{most_similar_above, similar_pairs_above};
use crate::python::csr::{csr_for_python, with_csr_views, CsrArgs};
use crate::python::detach::{detached, detached_reporting};
use crate::python::options::{choice, LINKAGES, METHODS};

/// `(indices, scores)` of `most_similar`.
type Neighbours<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f64>>);

fn threshold_of(min_score: Option<f64>) -> Threshold {
    min_score.map_or(Threshold::Positive, Threshold::AtLeast)
}

/// For each row of X, its `k` most similar rows of Y (of X itself, excluding the row, when
/// `exclude_self`): `(indices, scores)` flat, `n_rows * k` long. `algorithm` names the kernel
/// ("auto": the work estimate chooses; "full"; "pruned", where a threshold above 0 allows it).
#[pyfunction]
#[pyo3(signature = (x, y, *, k, min_score, exclude_self, n_jobs, progress=None, algorithm="auto"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn most_similar<'py>(
    py: Python<'py>,
    x: CsrArgs<'py>,
    y: CsrArgs<'py>,
    k: usize,
    min_score: Option<f64>,
    exclude_self: bool,
    n_jobs: Option<usize>,
    progress: Option<Py<PyAny>>,
    algorithm: &str,
) -> PyResult<Neighbours<'py>> {
    let method = choice("algorithm", algorithm, METHODS)?;
    // The answer is allocated in the core, where running out of memory would abort the
    // interpreter: refuse, as a MemoryError, an answer that cannot be allocated.
    let answer_fits =
        x.3 .0
            .checked_mul(k)
            .and_then(|slots| slots.checked_mul(16))
            .is_some_and(|bytes| Vec::<u8>::new().try_reserve_exact(bytes).is_ok());
    if !answer_fits {
        return Err(PyMemoryError::new_err(format!(
            "most_similar: {} rows x k={k} neighbours do not fit in memory",
            x.3 .0
        )));
    }
    let (indices, scores) = with_csr_views!(x, y, |xv, yv| {
        detached_reporting(py, n_jobs, progress, || {
            let y = if exclude_self { None } else { Some(&yv) };
            most_similar_above(&xv, y, k, threshold_of(min_score), method)
        })?
    });
    Ok((
        PyArray1::from_vec(py, indices),
        PyArray1::from_vec(py, scores),
    ))
}

/// Every pair of rows (row of X, row of Y) that share a term and whose cosine passes
/// `min_score` (None: every such pair), as CSR parts; with `upper_only`, only pairs i < j.
#[pyfunction]
#[pyo3(signature = (x, y, *, min_score, upper_only, n_jobs, progress=None, algorithm="auto"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn similar_pairs<'py>(
    py: Python<'py>,
    x: CsrArgs<'py>,
    y: CsrArgs<'py>,
    min_score: Option<f64>,
    upper_only: bool,
    n_jobs: Option<usize>,
    progress: Option<Py<PyAny>>,
    algorithm: &str,
) -> PyResult<Bound<'py, PyTuple>> {
    let method = choice("algorithm", algorithm, METHODS)?;
    let n_columns = y.3 .0;
    let (indptr, columns, values) = with_csr_views!(x, y, |xv, yv| {
        detached_reporting(py, n_jobs, progress, || {
            let y = if upper_only { None } else { Some(&yv) };
            similar_pairs_above(&xv, y, threshold_of(min_score), method)
        })?
    });
    let data = PyArray1::from_vec(py, values).into_any();
    csr_for_python(py, indptr, columns, data, n_columns)
}

/// scikit-learn's `cosine_similarity` with dense output: the cosines written into `out`, a
/// C-contiguous `(n_rows of X, n_rows of Y)` array of zeros of the matrices' value type.
#[pyfunction]
#[pyo3(signature = (x, y, out, *, n_jobs))]
pub(crate) fn cosine_dense<'py>(
    py: Python<'py>,
    x: CsrArgs<'py>,
    y: CsrArgs<'py>,
    out: &Bound<'py, PyAny>,
    n_jobs: Option<usize>,
) -> PyResult<()> {
    with_csr_views!(x, y, |xv, yv| fill_dense(py, n_jobs, &xv, &yv, out)?);
    Ok(())
}

/// Writes the cosines of X and Y into `out`, which must hold their value type.
fn fill_dense<T: Real + numpy::Element, I: Index>(
    py: Python<'_>,
    n_jobs: Option<usize>,
    x: &CsrView<'_, T, I>,
    y: &CsrView<'_, T, I>,
    out: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let mut out = out.cast::<PyArray2<T>>()?.readwrite();
    let out = out.as_slice_mut()?;
    if out.len() != x.n_rows * y.n_rows {
        return Err(Error::Parameter {
            name: "out",
            message: "has the wrong shape".into(),
        }
        .into());
    }
    detached(py, n_jobs, || {
        let columns = NormalizedColumns::new(y)?;
        kernels::dense_cosines(x, &columns, out);
        Ok(())
    })
}

/// A graph's edges as a CSR matrix of `n` nodes from numpy's `int64` arrays, checked.
fn edges_of(
    n: usize,
    indptr: &PyReadonlyArray1<'_, i64>,
    indices: &PyReadonlyArray1<'_, i64>,
) -> PyResult<(Vec<usize>, Vec<u32>)> {
    let malformed = || Error::Parameter {
        name: "pairs",
        message: "not an n x n CSR matrix".into(),
    };
    let indptr: Vec<usize> = indptr
        .as_slice()?
        .iter()
        .map(|&p| usize::try_from(p).map_err(|_| malformed()))
        .collect::<Result<_, _>>()?;
    let columns: Vec<u32> = indices
        .as_slice()?
        .iter()
        .map(|&c| {
            u32::try_from(c)
                .ok()
                .filter(|&c| (c as usize) < n)
                .ok_or_else(malformed)
        })
        .collect::<Result<_, _>>()?;
    if indptr.len() != n + 1
        || indptr.windows(2).any(|w| w[0] > w[1])
        || indptr.last().is_some_and(|&last| last != columns.len())
    {
        return Err(malformed().into());
    }
    Ok((indptr, columns))
}

/// Group labels: the connected components of the graph whose edges are a CSR matrix's entries.
#[pyfunction]
pub(crate) fn connected_components<'py>(
    py: Python<'py>,
    n: usize,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let (indptr, columns) = edges_of(n, &indptr, &indices)?;
    Ok(PyArray1::from_vec(
        py,
        groups::connected_components(n, &indptr, &columns)?,
    ))
}

/// Story group labels: average or complete linkage over the pairs (a CSR matrix of scores),
/// cut at `min_score`; groups numbered in the order of their first rows.
#[pyfunction]
#[pyo3(signature = (n, indptr, indices, scores, *, linkage, min_score))]
pub(crate) fn agglomerate<'py>(
    py: Python<'py>,
    n: usize,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    scores: PyReadonlyArray1<'py, f64>,
    linkage: &str,
    min_score: f64,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let linkage = choice("linkage", linkage, LINKAGES)?;
    let (indptr, columns) = edges_of(n, &indptr, &indices)?;
    let scores = scores.as_slice()?.to_vec();
    let labels = detached(py, Some(1), || {
        agglomerate_pairs(n, &indptr, &columns, &scores, linkage, min_score)
    })?;
    Ok(PyArray1::from_vec(py, labels))
}

/// Group labels of the rows of X: rows joined by pairs whose cosine is at least `min_score`,
/// groups numbered in the order of their first rows. The pairs are never held: the groups are
/// built as they stream out of the kernel.
/// With `y`, the groups of the rows of X and then of Y joined by the pairs across them only.
#[pyfunction]
#[pyo3(signature = (x, y=None, *, min_score, n_jobs, progress=None, algorithm="auto"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn near_duplicates<'py>(
    py: Python<'py>,
    x: CsrArgs<'py>,
    y: Option<CsrArgs<'py>>,
    min_score: f64,
    n_jobs: Option<usize>,
    progress: Option<Py<PyAny>>,
    algorithm: &str,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let method = choice("algorithm", algorithm, METHODS)?;
    let across = y.is_some();
    let y = y.unwrap_or_else(|| (x.0.clone(), x.1.clone(), x.2.clone(), x.3));
    let labels = with_csr_views!(x, y, |xv, yv| {
        detached_reporting(py, n_jobs, progress, || {
            if across {
                groups::near_duplicates_across(&xv, &yv, min_score, method)
            } else {
                groups::near_duplicates(&xv, min_score, method)
            }
        })?
    });
    Ok(PyArray1::from_vec(py, labels))
}
