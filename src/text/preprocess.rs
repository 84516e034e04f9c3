//! The text passes that run before tokenizing, composed in scikit-learn's order.
//!
//! Order: Unicode normalization, Bengali folding, digit folding (so the words are spelled one
//! way), then lowercasing and accent stripping (scikit-learn's preprocessor, in its order). Each
//! pass borrows its input when it has nothing to change, so text that needs no work is never
//! copied. All but accent stripping run as one pass over the text (`char_maps.rs`).

use std::borrow::Cow;

use crate::text::accents::{strip_accents, StripAccents};
use crate::text::char_maps::{normalize_and_map, CharMaps};
use crate::text::clean::clean_scraped;
use crate::text::normalize::NormalizationForm;

/// Which passes run before tokenizing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Preprocessor {
    pub normalization: Option<NormalizationForm>,
    pub bengali_folding: bool,
    pub fold_digits: bool,
    pub lowercase: bool,
    pub strip_accents: Option<StripAccents>,
    /// Scraper debris (tags, character references, URLs, `[ad_1]`) out first (`clean.rs`).
    pub clean_scraped: bool,
}

impl Default for Preprocessor {
    fn default() -> Self {
        Preprocessor {
            normalization: Some(NormalizationForm::Nfc),
            bengali_folding: true,
            fold_digits: false,
            lowercase: true,
            strip_accents: None,
            clean_scraped: false,
        }
    }
}

/// Runs `pass` over the current text, keeping the borrow when the pass changes nothing.
fn then<'a>(text: Cow<'a, str>, pass: impl for<'b> Fn(&'b str) -> Cow<'b, str>) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(borrowed) => pass(borrowed),
        Cow::Owned(owned) => match pass(&owned) {
            Cow::Borrowed(_) => Cow::Owned(owned),
            Cow::Owned(changed) => Cow::Owned(changed),
        },
    }
}

impl Preprocessor {
    /// The character rules of the one character pass.
    pub(crate) fn char_maps(&self) -> CharMaps {
        CharMaps {
            bengali: self.bengali_folding,
            // After NFC or NFKC the split vowel signs are composed already.
            bengali_vowels: self.bengali_folding && self.normalization.is_none(),
            digits: self.fold_digits,
            lowercase: self.lowercase,
        }
    }

    /// Whether every pass is part of the one character pass (no cleaning, no accent
    /// stripping), which the fused pass (`fused.rs`) can then run on its own.
    pub(crate) fn is_one_pass(&self) -> bool {
        !self.clean_scraped && self.strip_accents.is_none()
    }

    /// The text that tokens are cut from.
    pub fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let maps = self.char_maps();
        let text = if self.clean_scraped {
            clean_scraped(text)
        } else {
            Cow::Borrowed(text)
        };
        let mut text = then(text, |t| normalize_and_map(t, self.normalization, maps));
        if let Some(mode) = self.strip_accents {
            text = then(text, |t| strip_accents(t, mode));
        }
        text
    }

    /// The spelling passes only (normalization and folding), for words the user gives, such as
    /// stop words: they must be spelled like the tokens they are compared with, but scikit-learn
    /// does not lowercase them, so neither does this.
    pub fn spell<'a>(&self, word: &'a str) -> Cow<'a, str> {
        Preprocessor {
            lowercase: false,
            strip_accents: None,
            clean_scraped: false,
            ..self.clone()
        }
        .apply(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pipeline_unifies_bengali_spellings() {
        let p = Preprocessor::default();
        assert_eq!(p.apply("রাশি\u{09DF}ার"), p.apply("রাশি\u{09AF}\u{09BC}ার"));
        assert_eq!(p.apply("র\u{200D}্যাব"), p.apply("র্যাব"));
        assert_eq!(p.apply("Hello WORLD"), "hello world");
    }

    #[test]
    fn folding_works_without_unicode_normalization() {
        let p = Preprocessor {
            normalization: None,
            ..Preprocessor::default()
        };
        assert_eq!(p.apply("রাশি\u{09DF}ার"), p.apply("রাশি\u{09AF}\u{09BC}ার"));
    }

    #[test]
    fn digits_fold_only_when_asked() {
        let p = Preprocessor {
            fold_digits: true,
            ..Preprocessor::default()
        };
        assert_eq!(p.apply("২০২৫ সাল"), "2025 সাল");
        assert_eq!(Preprocessor::default().apply("২০২৫"), "২০২৫");
    }

    #[test]
    fn unchanged_text_is_borrowed() {
        let p = Preprocessor::default();
        assert!(matches!(p.apply("already lower"), Cow::Borrowed(_)));
        assert!(matches!(p.apply("পুতিন বলেছেন"), Cow::Borrowed(_)));
    }

    #[test]
    fn stop_words_keep_their_case() {
        let p = Preprocessor::default();
        assert_eq!(p.spell("The"), "The");
        assert_eq!(p.spell("\u{09DF}"), "\u{09AF}\u{09BC}");
    }
}
