//! The one character pass: Unicode normalization and the character rules (Bengali folding,
//! digit folding, lowercasing) over the same pieces of text, copying only what changes.
//!
//! Folding, digits and lowercasing are character rules that never feed each other (none of them
//! makes a character another one rewrites), so they run as one pass, on the pieces that
//! normalization cuts the text into (`normalize.rs`), asking one table (`chars.rs`) whether a
//! character needs anything.

use std::borrow::Cow;

use crate::text::bengali;
use crate::text::chars::{
    self, BENGALI_SPLIT_VOWEL, BENGALI_VARIANT, HAS_LOWERCASE, NON_ASCII_DIGIT,
};
use crate::text::normalize::{for_each_piece, LazyWriter, NormalizationForm, Piece};

/// The character rules of one pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CharMaps {
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
pub(crate) fn map_chars(text: &str, maps: CharMaps) -> Cow<'_, str> {
    normalize_and_map(text, None, maps)
}

/// Unicode normalization to `form`, then the character rules of `maps`, in one pass over the
/// text: both look at the same pieces and the same table flags, and only pieces that change
/// are copied.
pub(crate) fn normalize_and_map(
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
    let rules = PieceRules::new(form, maps);
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
pub(crate) struct Scratch {
    marks: Vec<(u8, char)>,
    normalized: String,
}

/// What [`normalize_and_map`] does to a piece that may change.
pub(crate) struct PieceRules {
    form: Option<NormalizationForm>,
    /// The table flags of the characters the rules rewrite in any context.
    pub(crate) mask: u16,
    /// The flag of the split vowel signs, when they are composed (else 0).
    pub(crate) vowels: u16,
    table: chars::Table,
}

/// Whether a split vowel sign composes with what comes before it: a sign E, or a joiner
/// (which folding drops) after one.
#[inline]
pub(crate) fn composes_with_before(before: Option<char>) -> bool {
    matches!(before, Some('\u{09C7}' | '\u{200C}' | '\u{200D}'))
}

impl PieceRules {
    pub(crate) fn new(form: Option<NormalizationForm>, maps: CharMaps) -> Self {
        PieceRules {
            form,
            mask: maps.mask(),
            vowels: if maps.bengali_vowels {
                BENGALI_SPLIT_VOWEL
            } else {
                0
            },
            table: chars::Table::get(),
        }
    }

    /// Whether a piece with these table flags is rewritten: it changes under normalization, a
    /// rule rewrites one of its characters, or a split vowel in it composes with the character
    /// before the piece (`before`, asked only then).
    #[inline]
    pub(crate) fn must_rewrite(
        &self,
        changes: bool,
        flags: u16,
        before: impl FnOnce() -> Option<char>,
    ) -> bool {
        changes
            || flags & self.mask != 0
            || (flags & self.vowels != 0 && composes_with_before(before()))
    }

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
        if !self.must_rewrite(piece.changes, piece.flags, || {
            text[..piece.start].chars().next_back()
        }) {
            return;
        }
        let out = writer.change_at(piece.start);
        let after = text[piece.end..].chars().next();
        self.rewrite_into(
            &text[piece.start..piece.end],
            piece.changes,
            after,
            out,
            scratch,
        );
        writer.skip_to(piece.end);
    }

    /// Appends the rewritten `piece` (which normalization `changes` or not) to `out`; `after`
    /// is the character that follows it, which Bengali folding may look at.
    pub(crate) fn rewrite_into(
        &self,
        piece: &str,
        changes: bool,
        after: Option<char>,
        out: &mut String,
        scratch: &mut Scratch,
    ) {
        let piece_text = match self.form {
            Some(form) if changes => {
                scratch.normalized.clear();
                form.normalize_into(piece, &mut scratch.normalized, &mut scratch.marks);
                scratch.normalized.as_str()
            }
            _ => piece,
        };
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

    /// Folds Bengali spelling variants in `text`, borrowing it when there is nothing to fold.
    fn fold(text: &str) -> Cow<'_, str> {
        map_chars(
            text,
            CharMaps {
                bengali: true,
                bengali_vowels: true,
                ..CharMaps::default()
            },
        )
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
    fn lowercase_is_pythons() {
        assert_eq!(lowercase("ΟΔΟΣ"), "οδος");
        assert_eq!(lowercase("ΣΑΣ ΟΔΟΣ."), "σας οδος.");
        assert_eq!(lowercase("Hello ÀÉ Straße ǅ"), "hello àé straße ǆ");
        assert_eq!(lowercase("İ"), "i\u{0307}");
        assert!(matches!(lowercase("কিম"), Cow::Borrowed(_)));
    }

    #[test]
    fn legacy_khanda_ta_becomes_khanda_ta() {
        assert_eq!(fold("হঠাত্\u{200D}"), "হঠাৎ");
        assert_eq!(fold("উত্\u{200D}সব"), "উৎসব");
    }

    #[test]
    fn joiners_inside_bengali_words_are_dropped_and_kept_elsewhere() {
        assert_eq!(fold("র\u{200D}্যাব"), "র্যাব");
        assert_eq!(fold("ক্\u{200C}ষ"), "ক্ষ");
        assert_eq!(fold("a\u{200D}b"), "a\u{200D}b");
        assert_eq!(fold("👩\u{200D}💻"), "👩\u{200D}💻");
    }

    #[test]
    fn nukta_letters_and_split_vowel_signs_take_their_nfc_spelling() {
        for text in [
            "রাশিয়ার",
            "রাশি\u{09AF}\u{09BC}ার",
            "বড়",
            "আষাঢ়",
            "কো",
            "কৌ",
            "কে\u{09BE}",
            "কে\u{09D7}",
        ] {
            let nfc: String = text.nfc().collect();
            assert_eq!(fold(text), nfc, "{text:?}");
        }
    }

    #[test]
    fn danda_variant_becomes_danda() {
        assert_eq!(fold("করছেন৷ পরে"), "করছেন। পরে");
    }

    #[test]
    fn text_without_variants_is_borrowed() {
        assert!(matches!(fold("কিমের কাছের বন্ধু"), Cow::Borrowed(_)));
        assert!(matches!(fold("plain"), Cow::Borrowed(_)));
    }
}
