//! Which terms a fit keeps, and in which order they become columns: scikit-learn's pruning by
//! document frequency (`min_df`, `max_df`), then its `max_features` most frequent terms, then the
//! terms in sorted order. Every way of fitting (counting documents, or corpus statistics) chooses
//! through here, so they cannot drift apart.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::features::vocabulary::FitOptions;
use crate::runtime::alloc::try_with_capacity;
use crate::runtime::cancel::checkpoint;

/// The terms of `all` that a fit with `options` over `n_documents` documents keeps, sorted by
/// term (UTF-8 byte order, which is code point order, as Python sorts strings).
///
/// `document_frequency` and `ranking_count` give each term's number of documents and the count
/// that `max_features` ranks by (with binary counts, the callers pass the number of documents
/// again, as scikit-learn ranks by the counts after setting them to 1). Ties at the
/// `max_features` cut: count descending, then term ascending (scikit-learn leaves them to an
/// unstable sort).
pub(crate) fn kept_terms<'t, T: Copy + Send + Sync>(
    all: Vec<T>,
    n_documents: usize,
    options: FitOptions,
    document_frequency: impl Fn(T) -> u64 + Sync,
    ranking_count: impl Fn(T) -> u64 + Sync,
    term: impl Fn(T) -> &'t str + Sync,
) -> Result<Vec<T>> {
    if all.is_empty() {
        return Err(Error::EmptyVocabulary);
    }
    let high = options.max_df.resolve(n_documents);
    let low = options.min_df.resolve(n_documents);
    if high < low {
        return Err(Error::Parameter {
            name: "max_df",
            message: "max_df corresponds to < documents than min_df".into(),
        });
    }
    // In place: a second table of terms is what a fit at the edge of memory cannot have.
    let mut kept = all;
    kept.retain(|&t| {
        let df = document_frequency(t) as f64;
        df <= high && df >= low
    });
    if let Some(limit) = options.max_features {
        if kept.len() > limit {
            kept.par_sort_unstable_by(|&a, &b| {
                ranking_count(b)
                    .cmp(&ranking_count(a))
                    .then_with(|| term(a).cmp(term(b)))
            });
            kept.truncate(limit);
        }
    }
    if kept.is_empty() {
        return Err(Error::NothingLeftAfterPruning);
    }
    checkpoint()?;
    // Sorting by the first 16 bytes as a number settles nearly every comparison without
    // following each term to wherever it is stored.
    let mut keyed: Vec<(u128, T)> = try_with_capacity(kept.len(), "the sorted vocabulary")?;
    keyed.par_extend(kept.par_iter().map(|&t| (prefix_key(term(t)), t)));
    keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| term(a.1).cmp(term(b.1))));
    kept.clear();
    kept.extend(keyed.into_iter().map(|(_, t)| t));
    Ok(kept)
}

/// The first 16 bytes of `term`, big-endian, zero-padded: keys in the same order as the strings
/// wherever they differ (equal keys need the strings compared).
fn prefix_key(term: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = term.len().min(16);
    bytes[..n].copy_from_slice(&term.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::vocabulary::DocumentBound;

    #[test]
    fn prefix_keys_order_as_the_strings_do() {
        let terms = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abcdefghijklmnoq",
            "রাশিয়ার",
            "রাষ্ট্রপতি",
            "রাষ্ট্রপতির",
            "ক",
            "z",
            "\u{10FFFF}",
        ];
        for a in terms {
            for b in terms {
                let (ka, kb) = (prefix_key(a), prefix_key(b));
                if ka != kb {
                    assert_eq!(ka.cmp(&kb), a.cmp(b), "{a:?} {b:?}");
                }
            }
        }
    }

    /// (term, document frequency, total count)
    const TERMS: [(&str, u64, u64); 6] = [
        ("the", 4, 9),
        ("cat", 2, 2),
        ("dog", 2, 5),
        ("abcdefghijklmnopqrst", 1, 2),
        ("abcdefghijklmnopqrss", 1, 2),
        ("zebra", 1, 1),
    ];

    fn choose(options: FitOptions) -> Result<Vec<&'static str>> {
        let kept = kept_terms(
            (0..TERMS.len()).collect(),
            4,
            options,
            |i| TERMS[i].1,
            |i| TERMS[i].2,
            |i| TERMS[i].0,
        )?;
        Ok(kept.into_iter().map(|i| TERMS[i].0).collect())
    }

    #[test]
    fn prunes_as_scikit_learn_does() {
        let all = choose(FitOptions::default()).unwrap();
        assert_eq!(
            all,
            [
                "abcdefghijklmnopqrss",
                "abcdefghijklmnopqrst",
                "cat",
                "dog",
                "the",
                "zebra"
            ]
        );
        let options = FitOptions {
            max_df: DocumentBound::Fraction(0.9),
            min_df: DocumentBound::Count(2),
            ..FitOptions::default()
        };
        assert_eq!(choose(options).unwrap(), ["cat", "dog"]);
        // Three terms tie at the cut (count 2): the smallest wins, told apart after 16 bytes.
        let options = FitOptions {
            max_features: Some(3),
            ..FitOptions::default()
        };
        assert_eq!(
            choose(options).unwrap(),
            ["abcdefghijklmnopqrss", "dog", "the"]
        );
        let options = FitOptions {
            min_df: DocumentBound::Count(5),
            ..FitOptions::default()
        };
        assert_eq!(
            choose(options).unwrap_err().to_string(),
            "max_df corresponds to < documents than min_df"
        );
        let options = FitOptions {
            min_df: DocumentBound::Count(3),
            max_df: DocumentBound::Count(3),
            ..FitOptions::default()
        };
        assert_eq!(choose(options).unwrap_err(), Error::NothingLeftAfterPruning);
        let empty = kept_terms(
            Vec::<usize>::new(),
            0,
            FitOptions::default(),
            |_| 0,
            |_| 0,
            |_| "",
        );
        assert_eq!(empty.unwrap_err(), Error::EmptyVocabulary);
    }
}
