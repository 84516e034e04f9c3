//! Features of a document: word n-grams, or character n-grams (`char`, `char_wb`), exactly as
//! scikit-learn builds them, reported one at a time as `&str` so that counting can look them up
//! without making a string per feature.

use crate::error::{Error, Result};
use crate::runtime::alloc::{try_push, try_push_str, try_reserve};
use crate::text::decode::{decode_document, DecodeErrors, RawText};
use crate::text::fused::FusedScratch;
use crate::text::tokenize::Tokenizer;
use crate::text::word_runs::Span;

/// Which features are cut from the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnalyzerKind {
    /// Word n-grams of the tokens, joined by one space.
    Word,
    /// Character n-grams of the text, after runs of white space become one space.
    Char,
    /// Character n-grams inside words, each word padded with a space on each side.
    CharWb,
}

/// Turns documents into features.
#[derive(Clone, Debug)]
pub struct Analyzer {
    tokenizer: Tokenizer,
    kind: AnalyzerKind,
    min_n: usize,
    max_n: usize,
}

/// Python's `str.isspace()`, which is what `\s` and `str.split()` use: Unicode White_Space plus
/// the four information separators U+001C..U+001F.
#[inline]
pub(crate) fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

/// Per-document working memory, reused across documents by one worker.
#[derive(Default)]
pub struct Scratch {
    spans: Vec<Span>,
    fused: FusedScratch,
    joined: String,
    /// Byte offsets of the characters of the current text (and its end).
    boundaries: Vec<usize>,
    text: String,
}

impl Analyzer {
    /// `ngram_range` is scikit-learn's `(min_n, max_n)`.
    pub fn new(
        tokenizer: Tokenizer,
        kind: AnalyzerKind,
        ngram_range: (usize, usize),
    ) -> Result<Self> {
        let (min_n, max_n) = ngram_range;
        if min_n > max_n {
            return Err(Error::Parameter {
                name: "ngram_range",
                message: format!(
                    "Invalid value for ngram_range=({min_n}, {max_n}) lower boundary larger than \
                     the upper boundary."
                ),
            });
        }
        if min_n == 0 {
            return Err(Error::Parameter {
                name: "ngram_range",
                message: format!("ngram_range=({min_n}, {max_n}) must start at 1 or more"),
            });
        }
        Ok(Analyzer {
            tokenizer,
            kind,
            min_n,
            max_n,
        })
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Calls `feature` with each feature of `text` (raw: preprocessing happens here), in
    /// scikit-learn's order, until it fails (then its error is returned). The number of
    /// features grows with the text and the n-gram range (each n-gram up to the whole text
    /// long), so `feature` is where a caller that keeps them runs out of memory.
    pub fn for_each_feature(
        &self,
        text: &str,
        scratch: &mut Scratch,
        mut feature: impl FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        let text = self.tokenizer.preprocess(text);
        match self.kind {
            AnalyzerKind::Word => {
                scratch.spans.clear();
                self.tokenizer.spans(&text, &mut scratch.spans);
                self.word_ngrams(&text, scratch, &mut feature)
            }
            AnalyzerKind::Char => {
                scratch.text.clear();
                scratch
                    .text
                    .try_reserve(text.len())
                    .map_err(|_| Error::OutOfMemory {
                        what: WHAT,
                        bytes: text.len(),
                    })?;
                collapse_white_space(&text, &mut scratch.text);
                let collapsed = std::mem::take(&mut scratch.text);
                let outcome = char_ngrams(
                    &collapsed,
                    self.min_n,
                    self.max_n,
                    &mut scratch.boundaries,
                    &mut feature,
                );
                scratch.text = collapsed;
                outcome
            }
            AnalyzerKind::CharWb => {
                let mut padded = std::mem::take(&mut scratch.text);
                let outcome = text
                    .split(is_python_space)
                    .filter(|w| !w.is_empty())
                    .try_for_each(|word| {
                        padded.clear();
                        padded.push(' ');
                        try_push_str(&mut padded, word, WHAT)?;
                        padded.push(' ');
                        char_wb_ngrams(
                            &padded,
                            self.min_n,
                            self.max_n,
                            &mut scratch.boundaries,
                            &mut feature,
                        )
                    });
                scratch.text = padded;
                outcome
            }
        }
    }

    /// [`Analyzer::for_each_feature`] of a document as its owner stores it (`index` names it
    /// in errors). Word features take the tokenizer's fused pass where it applies
    /// (`Tokenizer::prepare`); the rest decode first.
    pub fn for_each_feature_raw(
        &self,
        raw: RawText<'_>,
        errors: DecodeErrors,
        index: Option<usize>,
        scratch: &mut Scratch,
        mut feature: impl FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        if self.kind == AnalyzerKind::Word {
            let text = self.tokenizer.prepare(
                raw,
                errors,
                index,
                &mut scratch.spans,
                &mut scratch.fused,
            )?;
            return self.word_ngrams(&text, scratch, &mut feature);
        }
        let text = decode_document(raw, errors, index)?;
        self.for_each_feature(&text, scratch, feature)
    }

    /// The features of `text` as owned strings (for `build_analyzer()`).
    pub fn features(&self, text: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let what = "the features of the document";
        self.for_each_feature(text, &mut Scratch::default(), |f| {
            let mut owned = String::new();
            owned
                .try_reserve_exact(f.len())
                .map_err(|_| Error::OutOfMemory {
                    what,
                    bytes: f.len(),
                })?;
            owned.push_str(f);
            try_push(&mut out, owned, what)
        })
        .map(|()| out)
    }

    fn word_ngrams(
        &self,
        text: &str,
        scratch: &mut Scratch,
        feature: &mut impl FnMut(&str) -> Result<()>,
    ) -> Result<()> {
        let tokens = &scratch.spans;
        let mut min_n = self.min_n;
        if min_n == 1 {
            for &(start, end) in tokens {
                feature(&text[start..end])?;
            }
            min_n = 2;
        }
        for n in min_n..=self.max_n.min(tokens.len()) {
            for window in tokens.windows(n) {
                let joined = &mut scratch.joined;
                joined.clear();
                for (k, &(start, end)) in window.iter().enumerate() {
                    if k > 0 {
                        try_push_str(joined, " ", WHAT)?;
                    }
                    try_push_str(joined, &text[start..end], WHAT)?;
                }
                feature(joined)?;
            }
        }
        Ok(())
    }
}

/// What the analyzer's own buffers report themselves as when they cannot grow.
const WHAT: &str = "an n-gram of the document";

/// scikit-learn's `re.sub(r"\s\s+", " ", text)`: runs of two or more white-space characters
/// become one space; a single one is kept as it is.
fn collapse_white_space(text: &str, out: &mut String) {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_python_space(c) {
            let mut end = i + c.len_utf8();
            let mut run = 1;
            while let Some(&(j, d)) = chars.peek() {
                if !is_python_space(d) {
                    break;
                }
                end = j + d.len_utf8();
                run += 1;
                chars.next();
            }
            if run >= 2 {
                out.push(' ');
            } else {
                out.push_str(&text[i..end]);
            }
        } else {
            out.push(c);
        }
    }
}

fn char_boundaries(text: &str, boundaries: &mut Vec<usize>) -> Result<()> {
    boundaries.clear();
    try_reserve(boundaries, text.len() + 1, WHAT)?;
    boundaries.extend(text.char_indices().map(|(i, _)| i));
    boundaries.push(text.len());
    Ok(())
}

/// All n-grams of code points, n from `min_n` to `max_n`, shorter lengths first.
fn char_ngrams(
    text: &str,
    min_n: usize,
    max_n: usize,
    boundaries: &mut Vec<usize>,
    feature: &mut impl FnMut(&str) -> Result<()>,
) -> Result<()> {
    char_boundaries(text, boundaries)?;
    let len = boundaries.len() - 1;
    for n in min_n..=max_n.min(len) {
        for i in 0..=len - n {
            feature(&text[boundaries[i]..boundaries[i + n]])?;
        }
    }
    Ok(())
}

/// scikit-learn's n-grams of one padded word: every window of each length; a word shorter than
/// n gives itself once, and longer n are then skipped.
fn char_wb_ngrams(
    word: &str,
    min_n: usize,
    max_n: usize,
    boundaries: &mut Vec<usize>,
    feature: &mut impl FnMut(&str) -> Result<()>,
) -> Result<()> {
    char_boundaries(word, boundaries)?;
    let len = boundaries.len() - 1;
    for n in min_n..=max_n {
        let mut offset = 0;
        feature(&word[boundaries[0]..boundaries[n.min(len)]])?;
        while offset + n < len {
            offset += 1;
            feature(&word[boundaries[offset]..boundaries[offset + n]])?;
        }
        if offset == 0 {
            break;
        }
    }
    Ok(())
}

/// The default word analyzer (unigrams, scikit-learn's defaults), for other modules' tests.
#[cfg(test)]
pub(crate) fn unigram_analyzer() -> Analyzer {
    use crate::text::tokenize::TokenizerOptions;
    Analyzer::new(
        Tokenizer::new(TokenizerOptions::default()).unwrap(),
        AnalyzerKind::Word,
        (1, 1),
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize::TokenizerOptions;

    fn analyzer(kind: AnalyzerKind, range: (usize, usize)) -> Analyzer {
        Analyzer::new(
            Tokenizer::new(TokenizerOptions::default()).unwrap(),
            kind,
            range,
        )
        .unwrap()
    }

    // Expected values are scikit-learn 1.9's build_analyzer() output for the same settings.

    #[test]
    fn word_bigrams() {
        let a = analyzer(AnalyzerKind::Word, (1, 2));
        assert_eq!(
            a.features("The cat sat.").unwrap(),
            ["the", "cat", "sat", "the cat", "cat sat"]
        );
        let a = analyzer(AnalyzerKind::Word, (2, 3));
        assert_eq!(
            a.features("a bb cc dd").unwrap(),
            ["bb cc", "cc dd", "bb cc dd"]
        );
    }

    #[test]
    fn char_ngrams_collapse_runs_of_white_space_only() {
        let a = analyzer(AnalyzerKind::Char, (2, 3));
        assert_eq!(
            a.features("ab  c\nd").unwrap(),
            ["ab", "b ", " c", "c\n", "\nd", "ab ", "b c", " c\n", "c\nd"]
        );
    }

    #[test]
    fn char_wb_pads_words_and_counts_short_words_once() {
        let a = analyzer(AnalyzerKind::CharWb, (2, 3));
        assert_eq!(
            a.features("ab c").unwrap(),
            [" a", "ab", "b ", " ab", "ab ", " c", "c ", " c "]
        );
        let a = analyzer(AnalyzerKind::CharWb, (5, 6));
        assert_eq!(a.features("ab").unwrap(), [" ab "]);
    }

    #[test]
    fn bengali_char_ngrams_are_code_points() {
        let a = analyzer(AnalyzerKind::Char, (1, 1));
        assert_eq!(a.features("কি").unwrap(), ["ক", "ি"]);
    }

    #[test]
    fn bad_ngram_range_is_an_error() {
        let tokenizer = Tokenizer::new(TokenizerOptions::default()).unwrap();
        let error = Analyzer::new(tokenizer, AnalyzerKind::Word, (2, 1)).unwrap_err();
        assert!(error
            .to_string()
            .contains("lower boundary larger than the upper boundary"));
    }
}
