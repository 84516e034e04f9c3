//! The hashing trick, bit-compatible with scikit-learn's `HashingVectorizer`: MurmurHash3
//! (x86, 32 bit, seed 0) of each feature's UTF-8 bytes picks the column (`|h| mod n_features`)
//! and, with `alternate_sign`, the sign. Duplicates in a row are summed and kept even when they
//! cancel to zero, as scipy's `sum_duplicates` does.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::features::analyzer::Scratch;
use crate::features::source::FeatureSource;
use crate::runtime::alloc::{try_reserve, try_with_capacity};
use crate::runtime::per_worker::claim_size;

/// What the hashed matrix reports itself as when it cannot grow.
const WHAT: &str = "the hashed document-term matrix";

/// MurmurHash3_x86_32 of `bytes`, as a signed integer (scikit-learn's `murmurhash3_32`).
pub fn murmurhash3_32(bytes: &[u8], seed: u32) -> i32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut blocks = bytes.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, &b) in tail.iter().enumerate() {
            k ^= (b as u32) << (8 * i);
        }
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    }
    h ^= bytes.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h as i32
}

/// The column and sign scikit-learn's FeatureHasher gives `feature`.
#[inline]
pub fn column_and_sign(feature: &str, n_features: u32, alternate_sign: bool) -> (u32, f64) {
    let h = murmurhash3_32(feature.as_bytes(), 0);
    let column = if h == i32::MIN {
        (i32::MAX as u32 - (n_features - 1)) % n_features
    } else {
        h.unsigned_abs() % n_features
    };
    let sign = if alternate_sign && h < 0 { -1.0 } else { 1.0 };
    (column, sign)
}

/// Hashed feature counts: CSR with sorted columns and summed (possibly zero) values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hashed {
    pub indptr: Vec<usize>,
    pub columns: Vec<u32>,
    pub values: Vec<f64>,
}

/// Hashes every document's features into `n_features` columns.
pub fn hash_features(
    source: &dyn FeatureSource,
    n_features: u32,
    alternate_sign: bool,
) -> Result<Hashed> {
    if n_features == 0 {
        // The column is a remainder of division by it.
        return Err(Error::Parameter {
            name: "n_features",
            message: "must be at least 1".into(),
        });
    }
    let n = source.n_documents();
    // Small pieces, so that long and short documents even out over the threads.
    let chunk = claim_size(n);
    let parts: Vec<Hashed> = (0..n)
        .step_by(chunk)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|start| {
            let end = (start + chunk).min(n);
            let mut part = Hashed {
                indptr: try_with_capacity(end - start + 1, WHAT)?,
                ..Hashed::default()
            };
            part.indptr.push(0);
            let mut scratch = Scratch::default();
            let mut row: FxHashMap<u32, f64> = FxHashMap::default();
            let mut sorted: Vec<(u32, f64)> = Vec::new();
            for i in start..end {
                row.clear();
                source.for_each_feature(i, &mut scratch, &mut |feature| {
                    let (column, sign) = column_and_sign(feature, n_features, alternate_sign);
                    row.try_reserve(1).map_err(|_| Error::OutOfMemory {
                        what: WHAT,
                        bytes: row.len().saturating_mul(2 * 12),
                    })?;
                    *row.entry(column).or_insert(0.0) += sign;
                    Ok(())
                })?;
                sorted.clear();
                try_reserve(&mut sorted, row.len(), WHAT)?;
                sorted.extend(row.iter().map(|(&c, &v)| (c, v)));
                sorted.sort_unstable_by_key(|&(c, _)| c);
                try_reserve(&mut part.columns, sorted.len(), WHAT)?;
                try_reserve(&mut part.values, sorted.len(), WHAT)?;
                part.columns.extend(sorted.iter().map(|&(c, _)| c));
                part.values.extend(sorted.iter().map(|&(_, v)| v));
                part.indptr.push(part.columns.len());
            }
            Ok(part)
        })
        // Every piece runs to its end or its first failure: the error is the first failing
        // document's, whatever the number of threads.
        .collect::<Vec<Result<_>>>()
        .into_iter()
        .collect::<Result<_>>()?;
    let rows: usize = parts.iter().map(|part| part.indptr.len() - 1).sum();
    let nnz: usize = parts.iter().map(|part| part.columns.len()).sum();
    let mut hashed = Hashed {
        indptr: try_with_capacity(rows + 1, WHAT)?,
        columns: try_with_capacity(nnz, WHAT)?,
        values: try_with_capacity(nnz, WHAT)?,
    };
    hashed.indptr.push(0);
    for part in parts {
        let base = hashed.columns.len();
        hashed
            .indptr
            .extend(part.indptr[1..].iter().map(|&p| p + base));
        hashed.columns.extend(part.columns);
        hashed.values.extend(part.values);
    }
    Ok(hashed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmurhash_matches_scikit_learn() {
        // sklearn.utils.murmurhash3_32(x, 0)
        assert_eq!(murmurhash3_32(b"", 0), 0);
        assert_eq!(murmurhash3_32(b"a", 0), 1009084850);
        assert_eq!(murmurhash3_32(b"foo", 0), -156908512);
        assert_eq!(murmurhash3_32(b"hello world", 0), 1586663183);
        assert_eq!(murmurhash3_32("রাশিয়ার".as_bytes(), 0), -178169262);
    }

    #[test]
    fn feature_hasher_example() {
        // FeatureHasher(n_features=4, input_type="string").transform([[a b a c d e f g]]):
        // data [-2, 1, 3] at columns [1, 2, 3]
        let features = vec![["a", "b", "a", "c", "d", "e", "f", "g"]
            .map(String::from)
            .to_vec()];
        let source = crate::features::source::GivenFeatures {
            documents: &features,
        };
        let hashed = hash_features(&source, 4, true).unwrap();
        assert_eq!(hashed.columns, [1, 2, 3]);
        assert_eq!(hashed.values, [-2.0, 1.0, 3.0]);
    }

    #[test]
    fn cancelled_features_stay_stored_as_zero() {
        // HashingVectorizer(n_features=2, norm=None, analyzer=str.split).transform(["a0 a7"]):
        // data [0.] at column [0] (a stored zero; binary=True then makes it 1).
        let features = vec![vec!["a0".to_string(), "a7".to_string()]];
        let source = crate::features::source::GivenFeatures {
            documents: &features,
        };
        let hashed = hash_features(&source, 2, true).unwrap();
        assert_eq!((hashed.columns, hashed.values), (vec![0], vec![0.0]));
    }
}
