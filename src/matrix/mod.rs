//! The matrix layer: sparse matrices and what is computed on them. The CSR view (checked before
//! it is read) and the numeric types, TF-IDF weighting and row norms, the normalized columns the
//! kernels walk, the similarity kernels (the full product, one triangle within one matrix, and
//! the exact pruned search above a threshold with its column ranks, ranked rows and suffix
//! index), the choice between them, bounded best-k lists, and groups built from the pairs.
//!
//! May use: `error`, `runtime`.

pub(crate) mod column_ranks;
pub(crate) mod columns;
pub(crate) mod csr;
pub(crate) mod groups;
pub(crate) mod linkage;
pub(crate) mod numeric;
pub(crate) mod pruned;
pub(crate) mod ranked_rows;
pub(crate) mod rounding;
pub(crate) mod similarity;
pub(crate) mod suffix_index;
pub(crate) mod thresholded;
pub(crate) mod top_k;
pub(crate) mod triangle;
pub(crate) mod weight;
