//! TF-IDF weighting and row normalization of a CSR matrix, in place and in parallel over rows,
//! with scikit-learn's formulas: idf = ln((n + s) / (df + s)) + 1, sublinear tf = 1 + ln tf,
//! rows divided by their l1 or l2 norm (rows of norm 0 left as they are).

use rayon::prelude::*;

use crate::error::Error;
use crate::matrix::numeric::{Index, Real};

/// Row normalization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Norm {
    L1,
    L2,
}

/// Inverse document frequencies: `ln((n + s) / (df + s)) + 1` with `s` = 1 when smoothing.
pub fn inverse_document_frequency(df: &[u64], n_documents: usize, smooth: bool) -> Vec<f64> {
    let s = if smooth { 1.0 } else { 0.0 };
    let n = n_documents as f64 + s;
    df.iter()
        .map(|&d| (n / (d as f64 + s)).ln() + 1.0)
        .collect()
}

/// What is done to each stored value, in scikit-learn's order.
#[derive(Clone, Copy, Debug, Default)]
pub struct Weighting<'a> {
    /// Replace every stored value by 1 (before anything else).
    pub binary: bool,
    pub sublinear_tf: bool,
    pub idf: Option<&'a [f64]>,
    pub norm: Option<Norm>,
}

/// Applies `weighting` to the rows of the CSR matrix (`indptr`, `indices`, `data`) in place.
/// The arrays must be a valid CSR matrix (checked: a malformed one is refused, not read past).
pub fn weigh<T: Real, P: Index, I: Index>(
    indptr: &[P],
    indices: &[I],
    data: &mut [T],
    weighting: Weighting<'_>,
) -> Result<(), Error> {
    let n_rows = indptr.len().saturating_sub(1);
    if indices.len() != data.len() || indptr.last().map_or(0, |p| p.index()) != data.len() {
        return Err(Error::MalformedMatrix(
            "indptr, indices and data do not describe the same matrix".into(),
        ));
    }
    if let Some(idf) = weighting.idf {
        if indices.iter().any(|c| c.index() >= idf.len()) {
            return Err(Error::MalformedMatrix(format!(
                "a column index is out of range for {} idf values",
                idf.len()
            )));
        }
    }
    // Split `data` into rows, so that each row is weighted on its own by whichever thread.
    let mut rows: Vec<(&[I], &mut [T])> = Vec::with_capacity(n_rows);
    let mut rest = data;
    for r in 0..n_rows {
        let (start, end) = (indptr[r].index(), indptr[r + 1].index());
        if end < start || end - start > rest.len() {
            return Err(Error::MalformedMatrix(format!(
                "indptr decreases or overruns at row {r}"
            )));
        }
        let (row, tail) = rest.split_at_mut(end - start);
        rows.push((&indices[start..end], row));
        rest = tail;
    }
    rows.into_par_iter()
        .with_min_len(64)
        .for_each(|(columns, values)| weigh_row(columns, values, &weighting));
    Ok(())
}

fn weigh_row<T: Real, I: Index>(columns: &[I], values: &mut [T], weighting: &Weighting<'_>) {
    for (value, &column) in values.iter_mut().zip(columns) {
        let mut v = if weighting.binary {
            1.0
        } else {
            value.to_f64()
        };
        if weighting.sublinear_tf {
            v = v.ln() + 1.0;
        }
        if let Some(idf) = weighting.idf {
            v *= idf[column.index()];
        }
        *value = T::from_f64(v);
    }
    let norm = match weighting.norm {
        None => return,
        Some(Norm::L1) => values.iter().map(|v| v.to_f64().abs()).sum::<f64>(),
        Some(Norm::L2) => values
            .iter()
            .map(|v| v.to_f64() * v.to_f64())
            .sum::<f64>()
            .sqrt(),
    };
    if norm != 0.0 {
        for value in values.iter_mut() {
            *value = T::from_f64(value.to_f64() / norm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idf_is_scikit_learns() {
        // TfidfTransformer().fit(...).idf_ of scikit-learn's documentation example.
        let idf = inverse_document_frequency(&[4, 3, 2, 4, 1, 4, 1, 1], 4, true);
        let expected = [
            1.0, 1.22314355, 1.51082562, 1.0, 1.91629073, 1.0, 1.91629073, 1.91629073,
        ];
        for (a, b) in idf.iter().zip(expected) {
            assert!((a - b).abs() < 1e-8, "{a} {b}");
        }
    }

    #[test]
    fn rows_are_weighted_and_normalized() {
        let indptr = [0usize, 2, 2, 3];
        let indices = [0u32, 1, 1];
        let mut data = [3.0f64, 4.0, 2.0];
        weigh(
            &indptr,
            &indices,
            &mut data,
            Weighting {
                norm: Some(Norm::L2),
                ..Weighting::default()
            },
        )
        .unwrap();
        assert_eq!(data, [0.6, 0.8, 1.0]);
        let mut data = [1.0f32, std::f32::consts::E, 5.0];
        let idf = [2.0, 1.0];
        weigh(
            &indptr,
            &indices,
            &mut data,
            Weighting {
                sublinear_tf: true,
                idf: Some(&idf),
                norm: Some(Norm::L1),
                binary: false,
            },
        )
        .unwrap();
        assert_eq!(data, [0.5, 0.5, 1.0]);
    }

    #[test]
    fn malformed_matrices_are_refused() {
        let mut data = [1.0f64, 2.0];
        let bad_indptr = [0i32, 3];
        assert!(weigh(&bad_indptr, &[0i32, 1], &mut data, Weighting::default()).is_err());
        let idf = [1.0];
        let weighting = Weighting {
            idf: Some(&idf),
            ..Weighting::default()
        };
        assert!(weigh(&[0i64, 2], &[0i64, 1], &mut data, weighting).is_err());
    }
}
