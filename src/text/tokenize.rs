//! The tokenizer: preprocessing, then one of three ways of cutting words, then stop words.

use std::borrow::Cow;

use rayon::prelude::*;
use regex::Regex;
use rustc_hash::FxHashSet;
use unicode_segmentation::UnicodeSegmentation;

use crate::error::{Error, Result};
use crate::text::accents::StripAccents;
use crate::text::chars;
use crate::text::decode::{decode_document, DecodeErrors, RawText};
use crate::text::fused::{preprocess_and_cut, FusedScratch};
use crate::text::normalize::NormalizationForm;
use crate::text::preprocess::Preprocessor;
use crate::text::stem::Stemmer;
use crate::text::stop_words;
use crate::text::word_runs::{word_runs, Span};

/// scikit-learn's default `token_pattern`.
pub const DEFAULT_TOKEN_PATTERN: &str = r"(?u)\b\w\w+\b";

/// How words are cut out of the preprocessed text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Segmentation {
    /// `token_pattern` matches (scikit-learn's way), with UTS#18 `\w`.
    #[default]
    Pattern,
    /// UAX#29 word boundaries: keeps `don't`, `3.14`, `১২.৫০` whole.
    Unicode,
}

/// Which stop words to drop.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StopWords {
    English,
    Bengali,
    List(Vec<String>),
}

/// Everything a [`Tokenizer`] is built from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenizerOptions {
    pub preprocessor: Preprocessor,
    pub segmentation: Segmentation,
    pub token_pattern: String,
    pub stop_words: Option<StopWords>,
    /// Applied to the tokens left after stop words (`stem.rs`).
    pub stemmer: Option<Stemmer>,
}

impl Default for TokenizerOptions {
    fn default() -> Self {
        TokenizerOptions {
            preprocessor: Preprocessor::default(),
            segmentation: Segmentation::Pattern,
            token_pattern: DEFAULT_TOKEN_PATTERN.to_owned(),
            stop_words: None,
            stemmer: None,
        }
    }
}

impl TokenizerOptions {
    pub fn with_normalization(mut self, form: Option<NormalizationForm>) -> Self {
        self.preprocessor.normalization = form;
        self
    }

    pub fn with_strip_accents(mut self, mode: Option<StripAccents>) -> Self {
        self.preprocessor.strip_accents = mode;
        self
    }
}

/// The scanner chosen for the pattern.
#[derive(Clone, Debug)]
enum Scanner {
    /// The default pattern, `\b\w\w+\b`: maximal runs of two or more word characters. A
    /// hand-written, table-driven scan; the regex engine would find the same tokens slower.
    WordRuns,
    /// Any other pattern; with one capturing group, the group is the token (scikit-learn's rule).
    Regex { regex: Regex, group: bool },
    /// UAX#29 words.
    Unicode,
}

/// Cuts documents into tokens. Cheap to share between threads.
#[derive(Clone, Debug)]
pub struct Tokenizer {
    preprocessor: Preprocessor,
    scanner: Scanner,
    stop_words: FxHashSet<String>,
    stemmer: Option<Stemmer>,
}

fn compile_pattern(pattern: &str) -> Result<Scanner> {
    if pattern == DEFAULT_TOKEN_PATTERN || pattern == r"\b\w\w+\b" {
        return Ok(Scanner::WordRuns);
    }
    let regex = Regex::new(&from_python_syntax(pattern)).map_err(|error| Error::TokenPattern {
        pattern: pattern.to_owned(),
        reason: describe_regex_error(&error),
    })?;
    match regex.captures_len() - 1 {
        0 => Ok(Scanner::Regex {
            regex,
            group: false,
        }),
        1 => Ok(Scanner::Regex { regex, group: true }),
        _ => Err(Error::TooManyCaptureGroups {
            pattern: pattern.to_owned(),
        }),
    }
}

/// `pattern`, written for Python's `re`, in the regex crate's syntax where the two spell the
/// same thing differently: Python's end-of-text `\Z` is the regex crate's `\z` (the regex
/// crate's `\Z` is an error).
fn from_python_syntax(pattern: &str) -> Cow<'_, str> {
    if !pattern.contains(r"\Z") {
        return Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\\' {
            match chars.next() {
                Some('Z') => out.push('z'),
                Some(escaped) => out.push(escaped),
                None => {}
            }
        }
    }
    Cow::Owned(out)
}

/// The regex crate's error, on one line.
fn describe_regex_error(error: &regex::Error) -> String {
    let text = error.to_string();
    let reason = text
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("error: "))
        .unwrap_or(text.trim());
    reason.to_owned()
}

impl Tokenizer {
    pub fn new(options: TokenizerOptions) -> Result<Tokenizer> {
        let scanner = match options.segmentation {
            Segmentation::Pattern => compile_pattern(&options.token_pattern)?,
            Segmentation::Unicode => Scanner::Unicode,
        };
        let preprocessor = options.preprocessor;
        let words: Vec<String> = match &options.stop_words {
            None => Vec::new(),
            Some(StopWords::English) => stop_words::english().map(str::to_owned).collect(),
            Some(StopWords::Bengali) => stop_words::bengali().map(str::to_owned).collect(),
            Some(StopWords::List(words)) => words.clone(),
        };
        let stop_words = words
            .iter()
            .map(|w| preprocessor.spell(w).into_owned())
            .collect();
        chars::warm_up();
        Ok(Tokenizer {
            preprocessor,
            scanner,
            stop_words,
            stemmer: options.stemmer,
        })
    }

    /// The text tokens are cut from: `text` after normalization, folding, lowercasing and accent
    /// stripping.
    pub fn preprocess<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.preprocessor.apply(text)
    }

    pub fn preprocessor(&self) -> &Preprocessor {
        &self.preprocessor
    }

    /// Whether `token` (already preprocessed) is a stop word.
    pub fn is_stop_word(&self, token: &str) -> bool {
        self.stop_words.contains(token)
    }

    /// The stop words, spelled as tokens are, sorted.
    pub fn stop_words(&self) -> Vec<&str> {
        let mut words: Vec<&str> = self.stop_words.iter().map(String::as_str).collect();
        words.sort_unstable();
        words
    }

    /// Appends the spans of the tokens of `text` (already preprocessed) to `spans`.
    pub fn spans(&self, text: &str, spans: &mut Vec<Span>) {
        let first = spans.len();
        match &self.scanner {
            Scanner::WordRuns => word_runs(text, spans),
            Scanner::Regex {
                regex,
                group: false,
            } => {
                spans.extend(regex.find_iter(text).map(|m| (m.start(), m.end())));
            }
            Scanner::Regex { regex, group: true } => spans.extend(
                regex
                    .captures_iter(text)
                    .filter_map(|c| c.get(1))
                    .map(|m| (m.start(), m.end())),
            ),
            Scanner::Unicode => spans.extend(
                text.unicode_word_indices()
                    .map(|(start, word)| (start, start + word.len())),
            ),
        }
        self.keep_tokens(text, spans, first);
    }

    /// Drops the spans from `first` on that are not tokens (empty matches, stop words) and
    /// stems the rest.
    fn keep_tokens(&self, text: &str, spans: &mut Vec<Span>, first: usize) {
        // Empty matches are not tokens (Python's findall would return "" for them).
        if !self.stop_words.is_empty() || !matches!(self.scanner, Scanner::WordRuns) {
            let mut keep = first;
            for i in first..spans.len() {
                let (start, end) = spans[i];
                if start < end && !self.stop_words.contains(&text[start..end]) {
                    spans[keep] = spans[i];
                    keep += 1;
                }
            }
            spans.truncate(keep);
        }
        if let Some(stemmer) = self.stemmer {
            stemmer.shorten(text, &mut spans[first..]);
        }
    }

    /// One document as its owner stores it (`index` names it in errors): its text as tokens are
    /// cut from it, and the spans of its tokens in `spans` (cleared first).
    ///
    /// CPython's strings (other than ASCII, which has its own quick paths) go through the fused
    /// pass when this tokenizer allows it (the default pattern, no cleaning or accent
    /// stripping): decoding, the character pass and the word scan in one go (`fused.rs`).
    /// Anything else is decoded, preprocessed and cut pass by pass. Both give the same text and
    /// tokens.
    pub fn prepare<'a>(
        &self,
        raw: RawText<'a>,
        errors: DecodeErrors,
        index: Option<usize>,
        spans: &mut Vec<Span>,
        scratch: &mut FusedScratch,
    ) -> Result<Cow<'a, str>> {
        spans.clear();
        if matches!(self.scanner, Scanner::WordRuns) && self.preprocessor.is_one_pass() {
            let form = self.preprocessor.normalization;
            let maps = self.preprocessor.char_maps();
            let mut text = String::new();
            // A capital sigma's lowercase depends on the letters around it: the separate
            // passes leave that to the standard library's whole-string rule.
            let fused = match raw {
                RawText::Ucs2(units) if !(maps.lowercase && units.contains(&0x03A3)) => Some(
                    preprocess_and_cut(units, form, maps, index, &mut text, spans, scratch),
                ),
                RawText::Ucs4(points) if !(maps.lowercase && points.contains(&0x03A3)) => Some(
                    preprocess_and_cut(points, form, maps, index, &mut text, spans, scratch),
                ),
                RawText::Latin1(bytes) if !bytes.is_ascii() => Some(preprocess_and_cut(
                    bytes, form, maps, index, &mut text, spans, scratch,
                )),
                _ => None,
            };
            if let Some(outcome) = fused {
                outcome?;
                self.keep_tokens(&text, spans, 0);
                return Ok(Cow::Owned(text));
            }
        }
        let text = match decode_document(raw, errors, index)? {
            Cow::Borrowed(text) => self.preprocess(text),
            Cow::Owned(text) => match self.preprocess(&text) {
                Cow::Owned(changed) => Cow::Owned(changed),
                Cow::Borrowed(_) => Cow::Owned(text),
            },
        };
        self.spans(&text, spans);
        Ok(text)
    }

    /// The tokens of `text`, as owned strings.
    pub fn tokenize(&self, text: &str) -> Vec<String> {
        let text = self.preprocess(text);
        let mut spans = Vec::new();
        self.spans(&text, &mut spans);
        spans.iter().map(|&(s, e)| text[s..e].to_owned()).collect()
    }

    /// How many tokens `text` has.
    pub fn count(&self, text: &str) -> usize {
        let text = self.preprocess(text);
        let mut spans = Vec::new();
        self.spans(&text, &mut spans);
        spans.len()
    }

    /// The tokens of every text, in parallel on the current rayon pool.
    pub fn tokenize_many<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Vec<String>> {
        texts
            .par_iter()
            .map(|t| self.tokenize(t.as_ref()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn nfc(s: &str) -> String {
        s.nfc().collect()
    }

    fn tokenize(text: &str) -> Vec<String> {
        Tokenizer::new(TokenizerOptions::default())
            .unwrap()
            .tokenize(text)
    }

    #[test]
    fn bengali_words_stay_whole() {
        assert_eq!(
            tokenize("রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন"),
            ["রাশিয়ার", "রাষ্ট্রপতি", "ভ্লাদিমির", "পুতিন"].map(nfc)
        );
    }

    #[test]
    fn ascii_tokens_are_scikit_learns() {
        // CountVectorizer().build_analyzer() output for this text.
        assert_eq!(
            tokenize("Hello, World! It's a test_case 42 x y2k 3.14"),
            ["hello", "world", "it", "test_case", "42", "y2k", "14"]
        );
    }

    #[test]
    fn the_word_scanner_agrees_with_the_regex_engine() {
        let regex = Regex::new(DEFAULT_TOKEN_PATTERN).unwrap();
        for text in [
            "রাশিয়ার রাষ্ট্রপতি, 27 অক্টোবর ২০২৫-এ!",
            "a bb ccc a1 _ __ é ée",
            "র\u{200D}্যাব x\u{200D}",
            "৷।“quoted”—dash",
            "",
            "z",
        ] {
            let mut spans = Vec::new();
            word_runs(text, &mut spans);
            let expected: Vec<Span> = regex
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(spans, expected, "{text:?}");
        }
    }

    #[test]
    fn one_capturing_group_is_the_token_and_two_are_an_error() {
        let options = TokenizerOptions {
            token_pattern: r"(\w+)ing\b".into(),
            ..TokenizerOptions::default()
        };
        assert_eq!(
            Tokenizer::new(options)
                .unwrap()
                .tokenize("singing and ringing"),
            ["sing", "ring"]
        );
        let options = TokenizerOptions {
            token_pattern: r"(\w)(\w)".into(),
            ..TokenizerOptions::default()
        };
        assert!(matches!(
            Tokenizer::new(options),
            Err(Error::TooManyCaptureGroups { .. })
        ));
    }

    #[test]
    fn pythons_end_of_text_anchor_is_understood() {
        let options = TokenizerOptions {
            token_pattern: r"\w+\Z".into(),
            ..TokenizerOptions::default()
        };
        assert_eq!(
            Tokenizer::new(options).unwrap().tokenize("one two"),
            ["two"]
        );
        assert_eq!(from_python_syntax(r"a\\Z"), r"a\\Z"); // an escaped backslash, then Z
    }

    #[test]
    fn look_around_is_refused_with_a_way_out() {
        let options = TokenizerOptions {
            token_pattern: r"(?=a)\w+".into(),
            ..TokenizerOptions::default()
        };
        let error = Tokenizer::new(options).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("look-around"), "{message}");
        assert!(message.contains("tokenizer="), "{message}");
    }

    #[test]
    fn unicode_segmentation_keeps_contractions_and_numbers() {
        let options = TokenizerOptions {
            segmentation: Segmentation::Unicode,
            ..TokenizerOptions::default()
        };
        let tokens = Tokenizer::new(options)
            .unwrap()
            .tokenize("Don't pay 3.14 or ১২.৫০ টাকা");
        assert_eq!(tokens, ["don't", "pay", "3.14", "or", "১২.৫০", "টাকা"]);
    }

    #[test]
    fn stop_words_are_dropped() {
        let options = TokenizerOptions {
            stop_words: Some(StopWords::English),
            ..TokenizerOptions::default()
        };
        assert_eq!(
            Tokenizer::new(options)
                .unwrap()
                .tokenize("The cat and the hat"),
            ["cat", "hat"]
        );
        let options = TokenizerOptions {
            stop_words: Some(StopWords::List(vec!["বাংলা\u{09DF}".into()])),
            ..TokenizerOptions::default()
        };
        let tokenizer = Tokenizer::new(options).unwrap();
        assert_eq!(tokenizer.tokenize("বাংলা\u{09AF}\u{09BC} ভাষা"), ["ভাষা"]);
    }

    #[test]
    fn empty_matches_are_not_tokens() {
        let options = TokenizerOptions {
            token_pattern: r"\w*".into(),
            ..TokenizerOptions::default()
        };
        assert_eq!(
            Tokenizer::new(options).unwrap().tokenize("ab, c"),
            ["ab", "c"]
        );
    }

    #[test]
    fn many_is_the_same_as_one_at_a_time() {
        let tokenizer = Tokenizer::new(TokenizerOptions::default()).unwrap();
        let texts = ["এক দুই", "three four", "", "পাঁচ"];
        let one_by_one: Vec<_> = texts.iter().map(|t| tokenizer.tokenize(t)).collect();
        assert_eq!(tokenizer.tokenize_many(&texts), one_by_one);
    }
}
