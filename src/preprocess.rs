//! The text passes that run before tokenizing, composed in scikit-learn's order.
//!
//! Order: Unicode normalization, Bengali folding, digit folding (so the words are spelled one
//! way), then lowercasing and accent stripping (scikit-learn's preprocessor, in its order). Each
//! pass borrows its input when it has nothing to change, so text that needs no work is never
//! copied. Folding, digits and lowercasing are character rules that never feed each other (none
//! of them makes a character another one rewrites), so they run as one pass over the text.

use std::borrow::Cow;

use crate::accents::{strip_accents, StripAccents};
use crate::bengali;
use crate::chars::{self, BENGALI_SPLIT_VOWEL, BENGALI_VARIANT, HAS_LOWERCASE, NON_ASCII_DIGIT};
use crate::normalize::{for_each_piece, LazyWriter, NormalizationForm, Piece};

/// Which passes run before tokenizing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Preprocessor {
    pub normalization: Option<NormalizationForm>,
    pub bengali_folding: bool,
    pub fold_digits: bool,
    pub lowercase: bool,
    pub strip_accents: Option<StripAccents>,
}

impl Default for Preprocessor {
    fn default() -> Self {
        Preprocessor {
            normalization: Some(NormalizationForm::Nfc),
            bengali_folding: true,
            fold_digits: false,
            lowercase: true,
            strip_accents: None,
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
    /// The text that tokens are cut from.
    pub fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let maps = CharMaps {
            bengali: self.bengali_folding,
            // After NFC or NFKC the split vowel signs are composed already.
            bengali_vowels: self.bengali_folding && self.normalization.is_none(),
            digits: self.fold_digits,
            lowercase: self.lowercase,
        };
        let mut text = normalize_and_map(text, self.normalization, maps);
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
            ..self.clone()
        }
        .apply(word)
    }
}

/// The character rules of one pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CharMaps {
    /// Bengali folding (`bengali.rs`).
    pub bengali: bool,
    /// Also compose split ো and ৌ (needed only when Unicode normalization is off).
    pub bengali_vowels: bool,
    /// Every decimal digit, of any script, to its ASCII digit: ২০২৫ becomes 2025.
    pub digits: bool,
    /// Unicode lowercasing, as Python's `str.lower()` (full case mapping, final sigma).
    pub lowercase: bool,
}

impl CharMaps {
    /// The table flags of the characters these rules rewrite in any context.
    fn mask(self) -> u16 {
        (if self.bengali { BENGALI_VARIANT } else { 0 })
            | (if self.digits { NON_ASCII_DIGIT } else { 0 })
            | (if self.lowercase { HAS_LOWERCASE } else { 0 })
    }
}

/// Applies the character rules of `maps` in one pass, copying only when something changes.
pub fn map_chars(text: &str, maps: CharMaps) -> Cow<'_, str> {
    normalize_and_map(text, None, maps)
}

/// Unicode normalization to `form`, then the character rules of `maps`, in one pass over the
/// text: both look at the same pieces and the same table flags, and only pieces that change
/// are copied.
pub fn normalize_and_map(
    text: &str,
    form: Option<NormalizationForm>,
    maps: CharMaps,
) -> Cow<'_, str> {
    if text.is_ascii() {
        // Nothing to normalize, fold or fold digits in: only ASCII lowercasing can change it.
        return if maps.lowercase && text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        };
    }
    if maps.lowercase && text.contains('Σ') {
        // Final sigma depends on the letters around it: leave lowercasing to the standard
        // library's whole-string rule, which is Python's.
        let rest = normalize_and_map(
            text,
            form,
            CharMaps {
                lowercase: false,
                ..maps
            },
        );
        return Cow::Owned(rest.to_lowercase());
    }
    let rules = PieceRules {
        form,
        mask: maps.mask(),
        vowels: if maps.bengali_vowels {
            BENGALI_SPLIT_VOWEL
        } else {
            0
        },
        table: chars::Table::get(),
    };
    let mut writer = LazyWriter::new(text);
    let mut scratch = Scratch::default();
    let bytes = text.as_bytes();
    // Mostly-ASCII text (English with the odd '£' or 'é') goes stretch by stretch: ASCII
    // stretches need at most ASCII lowercasing, done in bulk; the rest goes piece by piece. A
    // non-ASCII stretch starts at the ASCII character before it, which a combining mark may
    // belong to, and ends before an ASCII character (a place normalization can cut at). Text
    // in other scripts has a space every few letters, and is better done in one go.
    // Judged from the start of the text, which is cheaper than counting all of it.
    let sample = &bytes[..bytes.len().min(1024)];
    let non_ascii_bytes = sample.iter().filter(|&&b| b >= 0x80).count();
    if non_ascii_bytes * 8 > sample.len() {
        for_each_piece(text, form, |piece| {
            // Most pieces need nothing: decide that here, inlined into the scanning loop.
            if piece.changes || piece.flags & (rules.mask | rules.vowels) != 0 {
                rules.rewrite(text, piece, &mut writer, &mut scratch);
            }
        });
        return writer.finish();
    }
    let mut i = 0;
    while i < bytes.len() {
        let non_ascii = bytes[i..]
            .iter()
            .position(|&b| b >= 0x80)
            .map_or(bytes.len(), |p| i + p);
        let ascii_end = if non_ascii < bytes.len() && non_ascii > i {
            non_ascii - 1
        } else {
            non_ascii
        };
        if maps.lowercase && bytes[i..ascii_end].iter().any(u8::is_ascii_uppercase) {
            let out = writer.change_at(i);
            out.extend(
                bytes[i..ascii_end]
                    .iter()
                    .map(|b| b.to_ascii_lowercase() as char),
            );
            writer.skip_to(ascii_end);
        }
        if ascii_end >= bytes.len() {
            break;
        }
        let end = bytes[non_ascii..]
            .iter()
            .position(|&b| b < 0x80)
            .map_or(bytes.len(), |p| non_ascii + p);
        for_each_piece(&text[ascii_end..end], form, |mut piece| {
            // Most pieces need nothing: decide that here, inlined into the scanning loop.
            if piece.changes || piece.flags & (rules.mask | rules.vowels) != 0 {
                piece.start += ascii_end;
                piece.end += ascii_end;
                rules.rewrite(text, piece, &mut writer, &mut scratch);
            }
        });
        i = end;
    }
    writer.finish()
}

/// Buffers reused from one rewritten piece to the next.
#[derive(Default)]
struct Scratch {
    marks: Vec<(u8, char)>,
    normalized: String,
}

/// What [`normalize_and_map`] does to a piece that may change.
struct PieceRules {
    form: Option<NormalizationForm>,
    mask: u16,
    vowels: u16,
    table: chars::Table,
}

impl PieceRules {
    #[inline(never)]
    fn rewrite(
        &self,
        text: &str,
        piece: Piece,
        writer: &mut LazyWriter<'_>,
        scratch: &mut Scratch,
    ) {
        // A split vowel composes with a sign E before it in the output, where a joiner between
        // them is gone; needed only without Unicode normalization, which composes them itself.
        let composes = piece.flags & self.vowels != 0
            && text[..piece.start].ends_with(['\u{09C7}', '\u{200C}', '\u{200D}']);
        if !piece.changes && piece.flags & self.mask == 0 && !composes {
            return;
        }
        let out = writer.change_at(piece.start);
        let piece_text = match self.form {
            Some(form) if piece.changes => {
                scratch.normalized.clear();
                form.normalize_into(
                    &text[piece.start..piece.end],
                    &mut scratch.normalized,
                    &mut scratch.marks,
                );
                scratch.normalized.as_str()
            }
            _ => &text[piece.start..piece.end],
        };
        let after = text[piece.end..].chars().next();
        let mut chars = piece_text.chars().peekable();
        while let Some(c) = chars.next() {
            let flags = self.table.flags(c as u32) & (self.mask | self.vowels);
            if flags & NON_ASCII_DIGIT != 0 {
                let value = chars::digit_value(c).unwrap_or(0);
                out.push(char::from_digit(value, 10).unwrap_or(c));
            } else if flags & HAS_LOWERCASE != 0 {
                out.extend(c.to_lowercase());
            } else if flags & (BENGALI_VARIANT | BENGALI_SPLIT_VOWEL) != 0 {
                bengali::fold_char(c, chars.peek().copied().or(after), out);
            } else {
                out.push(c);
            }
        }
        writer.skip_to(piece.end);
    }
}

/// Unicode lowercasing, as Python's `str.lower()` (full case mapping, final sigma).
pub fn lowercase(text: &str) -> Cow<'_, str> {
    map_chars(
        text,
        CharMaps {
            lowercase: true,
            ..CharMaps::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    /// The rules one after the other, on the whole text, with the reference normalizer.
    fn unfused(text: &str, form: Option<NormalizationForm>, maps: CharMaps) -> String {
        let normalized: String = match form {
            Some(NormalizationForm::Nfc) => text.nfc().collect(),
            Some(NormalizationForm::Nfkc) => text.nfkc().collect(),
            None => text.to_owned(),
        };
        let chars: Vec<char> = normalized.chars().collect();
        let mut out = String::new();
        for (k, &c) in chars.iter().enumerate() {
            let split_vowel = matches!(c, '\u{09BE}' | '\u{09D7}') && out.ends_with('\u{09C7}');
            if maps.digits && !c.is_ascii() && chars::digit_value(c).is_some() {
                out.push(char::from_digit(chars::digit_value(c).unwrap(), 10).unwrap());
            } else if maps.lowercase && c.to_lowercase().ne(std::iter::once(c)) {
                out.extend(c.to_lowercase());
            } else if maps.bengali
                && (bengali::is_variant(c) || (maps.bengali_vowels && split_vowel))
            {
                bengali::fold_char(c, chars.get(k + 1).copied(), &mut out);
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn the_fused_pass_equals_the_passes_one_after_the_other() {
        let alphabet: Vec<char> = "aZ É\u{0301}\u{0323}ক\u{09A4}\u{09CD}\u{200D}\u{200C}\u{09C7}\u{09BE}\u{09D7}\u{09DF}\u{09AF}\u{09BC}\u{09F7}২৫ﬁ①Å\u{212B}\u{1100}\u{1161}"
            .chars()
            .collect();
        let mut state = 0x9E3779B97F4A7C15u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 10) as usize;
            let text: String = (0..len)
                .map(|k| alphabet[((state >> (k * 6)) % alphabet.len() as u64) as usize])
                .collect();
            for form in [
                None,
                Some(NormalizationForm::Nfc),
                Some(NormalizationForm::Nfkc),
            ] {
                let maps = CharMaps {
                    bengali: state & 1 == 0,
                    bengali_vowels: state & 1 == 0 && form.is_none(),
                    digits: state & 2 == 0,
                    lowercase: state & 4 == 0,
                };
                assert_eq!(
                    normalize_and_map(&text, form, maps),
                    unfused(&text, form, maps),
                    "{text:?} {form:?} {maps:?}"
                );
            }
        }
    }

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
    fn lowercase_is_pythons() {
        assert_eq!(lowercase("ΟΔΟΣ"), "οδος");
        assert_eq!(lowercase("ΣΑΣ ΟΔΟΣ."), "σας οδος.");
        assert_eq!(lowercase("Hello ÀÉ Straße ǅ"), "hello àé straße ǆ");
        assert_eq!(lowercase("İ"), "i\u{0307}");
        assert!(matches!(lowercase("কিম"), Cow::Borrowed(_)));
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
