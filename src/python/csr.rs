//! CSR matrices in and out: scipy's buffers borrowed as core views (checked before they are
//! read), and core results handed to numpy without a copy.

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::matrix::numeric::{Index, Real};
use crate::matrix::weight::{self, Weighting};
use crate::python::detach::detached;
use crate::python::options::ValueType;
use crate::runtime::alloc::{try_collect, try_convert_releasing, Zeroable};

/// What a matrix being handed to Python reports itself as when it cannot be had.
const WHAT: &str = "the document-term matrix";

/// `(data, indices, indptr, (n_rows, n_columns))` of a scipy CSR matrix, as Python passes it.
pub(crate) type CsrArgs<'py> = (
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    (usize, usize),
);

/// Runs `$body` with `$x` and `$y` (two [`CsrArgs`]) as `CsrView`s of the right element and
/// index types, checked (Python gives both matrices the same ones: float32 or float64 data,
/// int32 or int64 indices).
macro_rules! with_csr_views {
    ($x:expr, $y:expr, |$xv:ident, $yv:ident| $body:expr) => {{
        use numpy::{PyArray1, PyArrayMethods};
        use $crate::matrix::csr::CsrView;
        let float64 = $x.0.cast::<PyArray1<f64>>().is_ok();
        let index64 = $x.1.cast::<PyArray1<i64>>().is_ok();
        // Binds `$view` to a view of `$parts`, borrowing the arrays held in `$arrays`.
        macro_rules! view {
            ($view:ident, $arrays:ident, $parts:expr, $t:ty, $i:ty) => {
                let $arrays = (
                    $parts.0.cast::<PyArray1<$t>>()?.readonly(),
                    $parts.1.cast::<PyArray1<$i>>()?.readonly(),
                    $parts.2.cast::<PyArray1<$i>>()?.readonly(),
                );
                let $view = CsrView {
                    n_rows: $parts.3 .0,
                    n_columns: $parts.3 .1,
                    indptr: $arrays.2.as_slice()?,
                    indices: $arrays.1.as_slice()?,
                    data: $arrays.0.as_slice()?,
                };
                $view.validate()?;
            };
        }
        macro_rules! run {
            ($t:ty, $i:ty) => {{
                view!($xv, x_arrays, $x, $t, $i);
                view!($yv, y_arrays, $y, $t, $i);
                $body
            }};
        }
        match (float64, index64) {
            (true, false) => run!(f64, i32),
            (true, true) => run!(f64, i64),
            (false, false) => run!(f32, i32),
            (false, true) => run!(f32, i64),
        }
    }};
}
pub(crate) use with_csr_views;

/// A CSR matrix for scipy: `(data, indices, indptr, shape)`, numpy arrays that take over the
/// buffers made here (no copy). Indices are int32 unless the matrix needs int64.
pub(crate) fn csr_for_python<'py>(
    py: Python<'py>,
    indptr: Vec<usize>,
    columns: Vec<u32>,
    data: Bound<'py, PyAny>,
    n_columns: usize,
) -> PyResult<Bound<'py, PyTuple>> {
    let n_rows = indptr.len() - 1;
    let small = columns.len() <= i32::MAX as usize && n_columns <= i32::MAX as usize;
    let (indices, indptr): (Bound<'py, PyAny>, Bound<'py, PyAny>) = if small {
        (
            PyArray1::from_vec(py, columns.into_iter().map(|c| c as i32).collect()).into_any(),
            PyArray1::from_vec(py, indptr.into_iter().map(|p| p as i32).collect()).into_any(),
        )
    } else {
        (
            PyArray1::from_vec(
                py,
                try_collect(columns.into_iter().map(|c| c as i64), WHAT)?,
            )
            .into_any(),
            PyArray1::from_vec(py, indptr.into_iter().map(|p| p as i64).collect()).into_any(),
        )
    };
    PyTuple::new(
        py,
        [
            data,
            indices,
            indptr,
            (n_rows, n_columns).into_pyobject(py)?.into_any(),
        ],
    )
}

/// [`weight::weigh`] on the thread pool for `n_jobs`, without the lock.
pub(crate) fn weigh<T: Real, P: Index, I: Index>(
    py: Python<'_>,
    n_jobs: Option<usize>,
    indptr: &[P],
    indices: &[I],
    data: &mut [T],
    weighting: Weighting<'_>,
) -> PyResult<()> {
    detached(py, n_jobs, || {
        weight::weigh(indptr, indices, data, weighting)
    })
}

/// Counts as values of `value_type`, weighted by `weighting` when they are floating point.
/// The counts are let go of as they are converted ([`try_convert_releasing`]): the matrix's
/// values and its counts are never held whole together.
pub(crate) fn weighted_values<'py>(
    py: Python<'py>,
    n_jobs: Option<usize>,
    indptr: &[usize],
    columns: &[u32],
    counts: Vec<u32>,
    value_type: ValueType,
    weighting: Weighting<'_>,
) -> PyResult<Bound<'py, PyAny>> {
    let binary = weighting.binary;
    let as_int = move |n: u32| if binary { 1 } else { n };
    Ok(match value_type {
        ValueType::I32 => PyArray1::from_vec(
            py,
            try_convert_releasing(counts, |n| as_int(n) as i32, WHAT)?,
        )
        .into_any(),
        ValueType::I64 => PyArray1::from_vec(
            py,
            try_convert_releasing(counts, |n| as_int(n) as i64, WHAT)?,
        )
        .into_any(),
        ValueType::F32 => weighted_floats::<f32>(py, n_jobs, indptr, columns, counts, weighting)?,
        ValueType::F64 => weighted_floats::<f64>(py, n_jobs, indptr, columns, counts, weighting)?,
    })
}

/// Counts as floating-point values of type `T`, weighted by `weighting`.
fn weighted_floats<'py, T: Real + Zeroable + numpy::Element>(
    py: Python<'py>,
    n_jobs: Option<usize>,
    indptr: &[usize],
    columns: &[u32],
    counts: Vec<u32>,
    weighting: Weighting<'_>,
) -> PyResult<Bound<'py, PyAny>> {
    // Exact: every u32 is an f64, so this rounds once, as `n as f32` does.
    let mut data: Vec<T> = detached(py, n_jobs, || {
        try_convert_releasing(counts, |n| T::from_f64(n as f64), WHAT)
    })?;
    weigh(py, n_jobs, indptr, columns, &mut data, weighting)?;
    Ok(PyArray1::from_vec(py, data).into_any())
}
