//! Accent stripping that removes accents, not letters.
//!
//! scikit-learn's `strip_accents` decomposes text (NFKD) and drops every combining character.
//! In Indic scripts the combining characters are vowel signs, virama and nukta, parts of the
//! spelling: it turns কৃষ্ণ into কৃষণ. Here characters of scripts whose marks are spelling
//! (the Brahmic scripts of South and Southeast Asia) pass through untouched, with the marks that
//! follow them; everything else is treated exactly as scikit-learn treats it, so Latin, Greek and
//! Cyrillic text comes out the same as scikit-learn's.

use std::borrow::Cow;

use unicode_normalization::char::{canonical_combining_class, decompose_compatible};

/// The two modes of scikit-learn's `strip_accents`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StripAccents {
    /// Decompose (NFKD) and drop combining marks.
    Unicode,
    /// As `Unicode`, then drop whatever is not ASCII (scikit-learn's transliteration).
    Ascii,
}

/// Scripts whose combining marks are letters of the spelling, not accents.
fn marks_are_spelling(c: char) -> bool {
    matches!(c as u32,
        0x0900..=0x0DFF   // Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala
        | 0x0E00..=0x0FFF // Thai, Lao, Tibetan
        | 0x1000..=0x109F // Myanmar
        | 0x1700..=0x17FF // Philippine scripts, Khmer
        | 0x1900..=0x1AAF // Limbu, Tai Le, New Tai Lue, Khmer symbols, Buginese, Tai Tham
        | 0x1B00..=0x1C4F // Balinese, Sundanese, Batak, Lepcha
        | 0xA800..=0xA8FF // Syloti Nagri, Phags-pa, Saurashtra, Devanagari Extended
        | 0xA900..=0xA9FF // Kayah Li, Rejang, Javanese
        | 0xAA00..=0xAAFF // Cham, Myanmar Extended, Tai Viet, Meetei Mayek Extensions
        | 0xABC0..=0xABFF // Meetei Mayek
        | 0x11000..=0x11FFF // Brahmi and the historic Brahmic scripts
    )
}

/// Strips accents from `text` in `mode`, borrowing it when there are none to strip.
pub(crate) fn strip_accents(text: &str, mode: StripAccents) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    // Whether the last base character belongs to a script whose marks are spelling.
    let mut in_protected_cluster = false;
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            in_protected_cluster = false;
        } else if marks_are_spelling(c) {
            out.push(c);
            in_protected_cluster = true;
        } else if in_protected_cluster && canonical_combining_class(c) != 0 {
            out.push(c);
        } else {
            let mut is_base = false;
            decompose_compatible(c, |d| {
                if canonical_combining_class(d) != 0 {
                    return;
                }
                is_base = true;
                if mode == StripAccents::Unicode || d.is_ascii() {
                    out.push(d);
                }
            });
            if is_base {
                in_protected_cluster = false;
            }
        }
    }
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_greek_and_cyrillic_lose_their_accents() {
        assert_eq!(
            strip_accents("café naïve Ångström", StripAccents::Unicode),
            "cafe naive Angstrom"
        );
        assert_eq!(
            strip_accents("άλφα ёлка", StripAccents::Unicode),
            "αλφα елка"
        );
        assert_eq!(strip_accents("cafe\u{0301}", StripAccents::Unicode), "cafe");
    }

    #[test]
    fn ascii_mode_drops_what_has_no_ascii_form_like_scikit_learn() {
        assert_eq!(strip_accents("café ß αβ", StripAccents::Ascii), "cafe  ");
        assert_eq!(strip_accents("ﬁnance", StripAccents::Ascii), "finance");
    }

    #[test]
    fn indic_vowel_signs_virama_and_nukta_are_kept() {
        for mode in [StripAccents::Unicode, StripAccents::Ascii] {
            assert_eq!(strip_accents("কৃষ্ণ", mode), "কৃষ্ণ");
            assert_eq!(
                strip_accents("রাশি\u{09AF}\u{09BC}ার", mode),
                "রাশি\u{09AF}\u{09BC}ার"
            );
            assert_eq!(strip_accents("कृष्ण", mode), "कृष्ण");
        }
        assert_eq!(strip_accents("কৃষ্ণ café", StripAccents::Unicode), "কৃষ্ণ cafe");
    }
}
