//! The Python binding (pyo3 and rust-numpy), the crate's top layer: one file per area of the
//! core it wraps, and this file only registers them as `textsim._core`.
//!
//! Documents cross as borrowed views of the Python objects' own buffers, the interpreter lock
//! is released once per call (`detach.rs`), the work runs in parallel on the views, and the
//! results come back as a few buffers from which Python objects are made quickly. Core errors
//! become Python exceptions in one place (`errors.rs`).
//!
//! May use: `error`, `runtime`, `text`, `features`, `matrix`, `arrow` (it is the top).

use pyo3::prelude::*;

mod arrow;
mod csr;
mod detach;
mod documents;
mod errors;
mod options;
mod similarity;
mod stats;
mod strings;
mod tokenizer;
mod vectorizers;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<tokenizer::PyTokenizer>()?;
    m.add_class::<vectorizers::PyAnalyzer>()?;
    m.add_class::<vectorizers::PyVocabulary>()?;
    m.add_class::<vectorizers::PyFitter>()?;
    m.add_class::<stats::PyStats>()?;
    m.add_function(wrap_pyfunction!(
        vectorizers::inverse_document_frequency,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(vectorizers::weigh_csr, m)?)?;
    m.add_function(wrap_pyfunction!(similarity::most_similar, m)?)?;
    m.add_function(wrap_pyfunction!(similarity::similar_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(similarity::cosine_dense, m)?)?;
    m.add_function(wrap_pyfunction!(similarity::connected_components, m)?)?;
    m.add_function(wrap_pyfunction!(similarity::near_duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(similarity::agglomerate, m)?)?;
    m.add_function(wrap_pyfunction!(tokenizer::sentences, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
