//! Unicode normalization (NFC, NFKC) that only pays for the pieces of text that need it.
//!
//! Real Bengali text is mostly normalized already, but not entirely: scraped text mixes
//! precomposed য় (which NFC decomposes) with decomposed ো (which NFC composes). Running the
//! normalizer over every character of every document costs more than tokenizing does, so text is
//! cut at "stable" characters (starters that NFC keeps and that nothing composes into), where
//! normalizing the pieces separately gives the same result as normalizing the whole, and only the
//! pieces that could change go through the normalizer.

use std::borrow::Cow;

use unicode_normalization::char::{canonical_combining_class, decompose_canonical};
use unicode_normalization::UnicodeNormalization;

use crate::chars::{self, NFC_MAYBE, NFC_YES, NFKC_MAYBE, NFKC_YES, STARTER};

/// A Unicode normalization form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NormalizationForm {
    Nfc,
    Nfkc,
}

impl NormalizationForm {
    /// (quick-check "Yes" flag, quick-check "Maybe" flag)
    fn flags(self) -> (u8, u8) {
        match self {
            NormalizationForm::Nfc => (NFC_YES, NFC_MAYBE),
            NormalizationForm::Nfkc => (NFKC_YES, NFKC_MAYBE),
        }
    }

    fn normalize_into(self, piece: &str, out: &mut String) {
        match self {
            NormalizationForm::Nfc => out.extend(piece.nfc()),
            NormalizationForm::Nfkc => out.extend(piece.nfkc()),
        }
    }
}

/// The combining class of the last character of `c`'s canonical decomposition.
fn trailing_class(c: char) -> u8 {
    let mut class = 0;
    decompose_canonical(c, |d| class = canonical_combining_class(d));
    class
}

/// Returns `text` in normalization form `form`, borrowing it when it already is.
pub fn normalize(text: &str, form: NormalizationForm) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let (yes, maybe) = form.flags();
    let stable = yes | STARTER;
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // text[..copied] is accounted for in `out`
    let mut piece_start = 0; // where the current piece begins (a stable character)
    let mut piece_changes = false;
    let mut last_starter: Option<char> = None;
    let mut last_class = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        let (c, len) = if bytes[i] < 0x80 {
            (bytes[i] as char, 1)
        } else {
            chars::decode_at(text, i)
        };
        let flags = chars::flags(c);
        if flags & stable == stable {
            if piece_changes {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
                out.push_str(&text[copied..piece_start]);
                form.normalize_into(&text[piece_start..i], out);
                copied = i;
                piece_changes = false;
            }
            piece_start = i;
            last_starter = Some(c);
            last_class = 0;
        } else if !piece_changes {
            let class = if flags & STARTER != 0 {
                0
            } else {
                canonical_combining_class(c)
            };
            if last_class == 0 && class != 0 {
                // A precomposed starter decomposes; its own marks take part in the ordering.
                if let Some(starter) = last_starter {
                    last_class = trailing_class(starter);
                }
            }
            // Quick-check "No", marks out of canonical order, or a "Maybe" that really composes
            // with the starter before it: this piece changes. Conservative where unsure.
            piece_changes = flags & (yes | maybe) == 0
                || (class != 0 && class < last_class)
                || (flags & maybe != 0 && last_starter.is_none_or(|s| chars::composes(s, c)));
            if class == 0 {
                last_starter = Some(c);
            }
            last_class = class;
        }
        i += len;
    }
    if piece_changes {
        let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
        out.push_str(&text[copied..piece_start]);
        form.normalize_into(&text[piece_start..], out);
        copied = text.len();
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str, form: NormalizationForm) -> String {
        match form {
            NormalizationForm::Nfc => text.nfc().collect(),
            NormalizationForm::Nfkc => text.nfkc().collect(),
        }
    }

    #[test]
    fn matches_the_full_normalizer() {
        let cases = [
            "",
            "plain ascii",
            "রাশিয়ার রাষ্ট্রপতি",
            "\u{09AF}\u{09BC} \u{09DF}",
            "\u{09C7}\u{09BE} \u{09C7}\u{09D7} কো",
            "cafe\u{0301} café",
            "a\u{0323}\u{0302} a\u{0302}\u{0323}",
            "\u{0301}leading mark",
            "ﬁnance Ａ ①",
            "trailing e\u{0301}",
            "한국어 \u{1100}\u{1161}\u{11A8}",
            "𝟗 𝕏 \u{1D15E}",
        ];
        for text in cases {
            for form in [NormalizationForm::Nfc, NormalizationForm::Nfkc] {
                assert_eq!(
                    normalize(text, form),
                    reference(text, form),
                    "{text:?} {form:?}"
                );
            }
        }
    }

    #[test]
    fn borrows_text_that_is_already_normalized() {
        let text = "রাশিয়ার রাষ্ট্রপতি ভ্লাদিমির পুতিন".nfc().collect::<String>();
        assert!(matches!(
            normalize(&text, NormalizationForm::Nfc),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn every_pair_of_interesting_characters_matches() {
        // Exhaustive over pairs and triples drawn from characters with every kind of quick-check
        // answer, so that piece boundaries land everywhere.
        let alphabet = [
            'a', 'e', ' ', '\u{0301}', '\u{0323}', '\u{09C7}', '\u{09BE}', '\u{09D7}', '\u{09AF}',
            '\u{09BC}', '\u{09DF}', '\u{09CD}', 'ﬁ', '\u{1100}', '\u{1161}', '\u{11A8}', 'Å',
            '\u{212B}', '\u{0F73}',
        ];
        for &a in &alphabet {
            for &b in &alphabet {
                for &c in &alphabet {
                    let text: String = [a, b, c].iter().collect();
                    for form in [NormalizationForm::Nfc, NormalizationForm::Nfkc] {
                        assert_eq!(normalize(&text, form), reference(&text, form), "{text:?}");
                    }
                }
            }
        }
    }
}
