//! The properties the fuzz targets check (`fuzz/`), as plain functions of arbitrary bytes, so
//! that `cargo test` checks them on stable Rust too, over pseudo-random inputs. Each panics
//! when a property fails; a panic is also what the fuzzer reports.
//!
//! - Text: decoding, normalizing, tokenizing and making n-grams never panic; every token is a
//!   non-empty, valid UTF-8 substring of the normalized text, at increasing, non-overlapping
//!   positions; `count` agrees with `spans`; the decoder reports lone surrogates, never passes
//!   them on.
//! - Similarity: cosines lie in [-1, 1] up to rounding and equal a brute-force computation;
//!   top-k lists are sorted, valid and hold the best scores; pairs and the dense matrix agree.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

// The public surface only, as the fuzz targets see the crate.
use crate::{
    decode, dense_cosines, most_similar, most_similar_above, near_duplicates, similar_pairs,
    similar_pairs_above, Analyzer, AnalyzerKind, CsrView, DecodeErrors, FusedScratch, Method,
    NormalizationForm, NormalizedColumns, RawText, Scratch, Segmentation, StopWords, StripAccents,
    Threshold, Tokenizer, TokenizerOptions,
};

/// Reads choices off the front of the fuzzer's bytes.
struct Choices<'a> {
    data: &'a [u8],
}

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&first, rest)) => {
                self.data = rest;
                first
            }
            None => 0,
        }
    }

    fn pick<T: Clone>(&mut self, options: &[T]) -> T {
        options[self.byte() as usize % options.len()].clone()
    }
}

/// Patterns that exercise the regex engine's corners: groups, classes, anchors, Unicode.
const PATTERNS: [&str; 6] = [
    crate::DEFAULT_TOKEN_PATTERN,
    r"(?u)\b\w+\b",
    r"\S+",
    r"(a+)+$",
    r"(?u)(\w)\w*",
    r"[\p{Bengali}\p{Greek}]+|\d+",
];

/// The tokenizer for `options`, compiled once (compiling the pattern would otherwise be most of
/// a fuzzing run's time).
fn cached_tokenizer(options: TokenizerOptions) -> Tokenizer {
    static CACHE: OnceLock<Mutex<HashMap<TokenizerOptions, Tokenizer>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(options)
        .or_insert_with_key(|options| match Tokenizer::new(options.clone()) {
            Ok(tokenizer) => tokenizer,
            Err(error) => panic!("a built-in pattern did not compile: {error}"),
        })
        .clone()
}

/// Text properties for the options and text encoded in `data`.
pub fn check_tokenizer(data: &[u8]) {
    let mut choices = Choices { data };
    let mut options = TokenizerOptions::default();
    let flags = choices.byte();
    options.preprocessor.lowercase = flags & 1 != 0;
    options.preprocessor.bengali_folding = flags & 2 != 0;
    options.preprocessor.fold_digits = flags & 4 != 0;
    options.segmentation = if flags & 8 != 0 {
        Segmentation::Unicode
    } else {
        Segmentation::Pattern
    };
    options.preprocessor.normalization = choices.pick(&[
        None,
        Some(NormalizationForm::Nfc),
        Some(NormalizationForm::Nfkc),
    ]);
    options.preprocessor.strip_accents =
        choices.pick(&[None, Some(StripAccents::Unicode), Some(StripAccents::Ascii)]);
    options.stop_words = choices.pick(&[None, Some(StopWords::English), Some(StopWords::Bengali)]);
    options.token_pattern = choices.pick(&PATTERNS).to_owned();
    let kind = choices.pick(&[AnalyzerKind::Word, AnalyzerKind::Char, AnalyzerKind::CharWb]);
    let low = 1 + choices.byte() as usize % 3;
    let high = low + choices.byte() as usize % 3;
    let errors = choices.pick(&[
        DecodeErrors::Strict,
        DecodeErrors::Ignore,
        DecodeErrors::Replace,
    ]);
    let rest = choices.data;

    // Every form CPython may hand over: the decoder must never pass a surrogate on.
    let units: Vec<u16> = rest
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let points: Vec<u32> = rest
        .chunks_exact(4)
        .map(|p| u32::from_le_bytes([p[0], p[1], p[2], p[3]]) % 0x11_0000)
        .collect();
    for raw in [
        RawText::Utf8Bytes(rest),
        RawText::Latin1(rest),
        RawText::Ucs2(&units),
        RawText::Ucs4(&points),
    ] {
        if let Ok(text) = decode(raw, errors) {
            // A `str` in Rust is valid UTF-8 by construction; a surrogate cannot be in it.
            assert!(text
                .chars()
                .all(|c| !(0xD800..0xE000).contains(&(c as u32))));
        }
    }

    let Ok(text) = decode(RawText::Utf8Bytes(rest), DecodeErrors::Replace) else {
        panic!("decoding with errors='replace' failed");
    };
    let tokenizer = cached_tokenizer(options);
    // The fused pass (`text/fused.rs`, taken by CPython's strings) gives the separate passes'
    // text and tokens.
    let mut fused_scratch = FusedScratch::default();
    for raw in [
        RawText::Latin1(rest),
        RawText::Ucs2(&units),
        RawText::Ucs4(&points),
    ] {
        let mut spans = Vec::new();
        let fused = tokenizer.prepare(raw, errors, None, &mut spans, &mut fused_scratch);
        let separate = decode(raw, errors).map(|text| {
            let text = tokenizer.preprocess(&text).into_owned();
            let mut separate_spans = Vec::new();
            tokenizer.spans(&text, &mut separate_spans);
            (text, separate_spans)
        });
        match (fused, separate) {
            (Ok(text), Ok(expected)) => assert_eq!((text.into_owned(), spans), expected),
            (Err(_), Err(_)) => {}
            (fused, separate) => panic!("fused {fused:?}, separate passes {separate:?}"),
        }
    }
    let normalized = tokenizer.preprocess(&text);
    let mut spans = Vec::new();
    tokenizer.spans(&normalized, &mut spans);
    let mut end_of_previous = 0;
    for &(start, end) in &spans {
        assert!(start >= end_of_previous, "tokens overlap or go backwards");
        assert!(start < end, "an empty token");
        assert!(
            normalized.get(start..end).is_some(),
            "token {start}..{end} is not a UTF-8 substring of the normalized text"
        );
        end_of_previous = end;
    }
    // `count` and `tokenize` preprocess the raw text themselves.
    assert_eq!(tokenizer.count(&text), spans.len());
    let tokens = tokenizer.tokenize(&text);
    assert_eq!(tokens.len(), spans.len());

    let Ok(analyzer) = Analyzer::new(tokenizer, kind, (low, high)) else {
        panic!("a valid n-gram range was refused");
    };
    let mut scratch = Scratch::default();
    let outcome = analyzer.for_each_feature(&text, &mut scratch, &mut |feature: &str| {
        assert!(!feature.is_empty(), "an empty feature");
        Ok(())
    });
    assert!(
        outcome.is_ok(),
        "analyzing a short text failed: {outcome:?}"
    );
}

/// A small CSR matrix (at most 12 × 10) read from the bytes: a non-zero mask, then values.
fn small_matrix(choices: &mut Choices<'_>, n_columns: usize) -> (Vec<usize>, Vec<usize>, Vec<f64>) {
    let n_rows = choices.byte() as usize % 13;
    let mut indptr = vec![0];
    let mut indices = Vec::new();
    let mut data = Vec::new();
    for _ in 0..n_rows {
        for column in 0..n_columns {
            let code = choices.byte();
            if code % 3 == 0 {
                // Values of many magnitudes and both signs, zeros stored explicitly too.
                let magnitude = [0.0, 1e-300, 1e-8, 0.5, 1.0, 3.0, 1e8, 1e150];
                let value = magnitude[(code / 3) as usize % magnitude.len()];
                indices.push(column);
                data.push(if code & 0x80 != 0 { -value } else { value });
            }
        }
        indptr.push(indices.len());
    }
    (indptr, indices, data)
}

fn dense_row(
    indptr: &[usize],
    indices: &[usize],
    data: &[f64],
    width: usize,
    r: usize,
) -> Vec<f64> {
    let mut row = vec![0.0; width];
    for k in indptr[r]..indptr[r + 1] {
        row[indices[k]] = data[k];
    }
    row
}

/// The cosine computed the plain way, in f64 with rescaling against overflow.
fn brute_cosine(a: &[f64], b: &[f64]) -> f64 {
    let scale = |v: &[f64]| v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let (sa, sb) = (scale(a), scale(b));
    if sa == 0.0 || sb == 0.0 {
        return 0.0;
    }
    let a: Vec<f64> = a.iter().map(|x| x / sa).collect();
    let b: Vec<f64> = b.iter().map(|x| x / sb).collect();
    let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// Similarity properties for the matrices encoded in `data`.
pub fn check_similarity(data: &[u8]) {
    let mut choices = Choices { data };
    let n_columns = 1 + choices.byte() as usize % 10;
    let k = 1 + choices.byte() as usize % 5;
    let threshold = choices.pick(&[
        Threshold::Positive,
        Threshold::AtLeast(0.5),
        Threshold::AtLeast(0.0),
        Threshold::AtLeast(-1.0),
    ]);
    let (xp, xi, xd) = small_matrix(&mut choices, n_columns);
    let (yp, yi, yd) = small_matrix(&mut choices, n_columns);
    let x = CsrView {
        n_rows: xp.len() - 1,
        n_columns,
        indptr: &xp,
        indices: &xi,
        data: &xd,
    };
    let y = CsrView {
        n_rows: yp.len() - 1,
        n_columns,
        indptr: &yp,
        indices: &yi,
        data: &yd,
    };
    assert_eq!(x.validate(), Ok(()));
    assert_eq!(y.validate(), Ok(()));
    let columns = NormalizedColumns::new(&y).expect("a small input fits in memory");
    let (neighbours, scores) =
        most_similar(&x, &columns, k, threshold, false).expect("a small answer fits in memory");
    let mut dense = vec![0.0; x.n_rows * y.n_rows];
    dense_cosines(&x, &columns, &mut dense);
    // Inputs here are small: the result always fits in memory.
    let Ok((pair_rows, pair_columns, pair_scores)) =
        similar_pairs(&x, &columns, Threshold::SharesATerm, false)
    else {
        panic!("pairs of a small input failed");
    };
    assert_eq!(pair_rows.len(), x.n_rows + 1);
    // Rows whose norm overflows or underflows f64 have no reliable cosine; only finiteness
    // and range are promised for them.
    let representable = |row: &[f64]| {
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        row.iter().all(|&v| v == 0.0) || (norm.is_normal() && norm < 1e150)
    };
    for r in 0..x.n_rows {
        let a = dense_row(&xp, &xi, &xd, n_columns, r);
        let mut expected: Vec<(f64, usize)> = Vec::new();
        for j in 0..y.n_rows {
            let b = dense_row(&yp, &yi, &yd, n_columns, j);
            let got = dense[r * y.n_rows + j];
            assert!(
                got.is_finite() && (-1.0 - 1e-9..=1.0 + 1e-9).contains(&got),
                "{got}"
            );
            if representable(&a) && representable(&b) {
                let want = brute_cosine(&a, &b);
                assert!(
                    (got - want).abs() < 1e-9,
                    "cosine {got} != {want} at {r},{j}"
                );
                expected.push((want, j));
            }
        }
        let row_scores = &scores[r * k..(r + 1) * k];
        let row_neighbours = &neighbours[r * k..(r + 1) * k];
        for slot in 0..k {
            let (j, s) = (row_neighbours[slot], row_scores[slot]);
            if j < 0 {
                assert_eq!(s, 0.0);
                assert!(
                    row_neighbours[slot..].iter().all(|&n| n < 0),
                    "a gap in the top k"
                );
                continue;
            }
            let j = j as usize;
            assert!(j < y.n_rows);
            assert!((-1.0 - 1e-9..=1.0 + 1e-9).contains(&s));
            assert_eq!(s, dense[r * y.n_rows + j], "top-k and dense scores differ");
            if slot > 0 && row_neighbours[slot - 1] >= 0 {
                assert!(row_scores[slot - 1] >= s, "top k not sorted");
            }
        }
        for p in pair_rows[r]..pair_rows[r + 1] {
            let j = pair_columns[p] as usize;
            assert_eq!(
                pair_scores[p],
                dense[r * y.n_rows + j],
                "pairs and dense differ"
            );
        }
        if expected.len() == y.n_rows {
            // Every score is known: the k best accepted scores are the ones found (ties may
            // go to either of two rows only when their scores are equal to rounding).
            let accepted = |s: f64| match threshold {
                Threshold::Positive => s > 1e-9,
                Threshold::AtLeast(min) => s >= min + 1e-9,
                Threshold::SharesATerm => true,
            };
            let clear = expected
                .iter()
                .filter(|&&(s, _)| accepted(s))
                .count()
                .min(k);
            assert!(
                row_neighbours[..clear].iter().all(|&j| j >= 0),
                "a clear neighbour was left out"
            );
        }
    }
    check_pruned_search(&x, &y, k);
}

/// The pruned search gives the full product's pairs and neighbours, bit for bit, at
/// thresholds on both sides of the scores (the matrices made nonnegative, as the search
/// requires; with signs it leaves the work to the full product, which is checked too).
fn check_pruned_search(x: &CsrView<'_, f64, usize>, y: &CsrView<'_, f64, usize>, k: usize) {
    let magnitudes = |m: &CsrView<'_, f64, usize>| m.data.iter().map(|v| v.abs()).collect();
    let (x_data, y_data): (Vec<f64>, Vec<f64>) = (magnitudes(x), magnitudes(y));
    let signed = [(*x, *y)];
    let x_plus = CsrView {
        data: &x_data,
        ..*x
    };
    let y_plus = CsrView {
        data: &y_data,
        ..*y
    };
    for (x, y) in signed.into_iter().chain([(x_plus, y_plus)]) {
        for t in [1e-9, 0.5, std::f64::consts::FRAC_1_SQRT_2, 1.0] {
            let threshold = Threshold::AtLeast(t);
            for y in [None, Some(&y)] {
                let pairs = |method| {
                    similar_pairs_above(&x, y, threshold, method).expect("a small answer fits")
                };
                assert_eq!(pairs(Method::Pruned), pairs(Method::Full), "pairs at {t}");
                let neighbours = |method| {
                    most_similar_above(&x, y, k, threshold, method).expect("a small answer fits")
                };
                assert_eq!(
                    neighbours(Method::Pruned),
                    neighbours(Method::Full),
                    "top k at {t}"
                );
            }
            let groups = |method| near_duplicates(&x, t, method).expect("a small answer fits");
            assert_eq!(
                groups(Method::Pruned),
                groups(Method::Full),
                "groups at {t}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: reproducible pseudo-random bytes without a dependency.
    fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|_| {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
            })
            .collect()
    }

    /// Random bytes biased towards interesting text: Bengali, combining marks, joiners,
    /// surrogate halves, NUL and controls, and characters from every plane.
    fn texty_bytes(seed: u64, len: usize) -> Vec<u8> {
        let noise = random_bytes(seed, len);
        let mut out = noise[..8.min(len)].to_vec();
        let pieces: [&[u8]; 10] = [
            "রাশিয়ার ".as_bytes(),
            "ত্\u{200d} ".as_bytes(),
            "\u{200c}\u{200d}".as_bytes(),
            "e\u{301}".as_bytes(),
            b"\x00\x01\x1b\t\n",
            "১২.৫০ ".as_bytes(),
            "𝒜😀\u{10ffff}".as_bytes(),
            b"\xed\xa0\x80",
            b"Don't 3.14 ",
            b"\xff\xfe",
        ];
        for &b in &noise[8.min(len)..] {
            if b < 40 {
                out.extend_from_slice(pieces[b as usize % pieces.len()]);
            } else {
                out.push(b);
            }
        }
        out
    }

    /// Inputs per property: fewer in unoptimized builds, where each costs far more.
    const CASES: u64 = if cfg!(debug_assertions) { 800 } else { 4_000 };

    #[test]
    fn text_properties_hold_on_pseudo_random_inputs() {
        for seed in 0..CASES {
            let len = (seed as usize * 7) % 400;
            check_tokenizer(&random_bytes(seed, len));
            check_tokenizer(&texty_bytes(seed, len));
        }
    }

    #[test]
    fn similarity_properties_hold_on_pseudo_random_inputs() {
        for seed in 0..CASES {
            check_similarity(&random_bytes(seed, 300));
        }
    }
}
