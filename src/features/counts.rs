//! A document-term matrix of counts, as fitting and transforming make it.

use crate::error::Result;
use crate::runtime::alloc::try_zeroed;

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
    pub fn document_frequency(&self) -> Result<Vec<u64>> {
        let mut df: Vec<u64> = try_zeroed(self.n_columns, "the document frequencies")?;
        for &column in &self.columns {
            df[column as usize] += 1;
        }
        Ok(df)
    }
}
