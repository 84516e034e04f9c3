//! The matrix layer: sparse matrices and what is computed on them. The CSR view (checked before
//! it is read) and the numeric types, TF-IDF weighting and row norms, the normalized columns the
//! kernels walk, the similarity kernels (the full product, and one triangle within one matrix),
//! bounded best-k lists, and connected components of the pairs found.
//!
//! May use: `error`, `runtime`.

pub(crate) mod columns;
pub(crate) mod components;
pub(crate) mod csr;
pub(crate) mod numeric;
pub(crate) mod similarity;
pub(crate) mod top_k;
pub(crate) mod triangle;
pub(crate) mod weight;
