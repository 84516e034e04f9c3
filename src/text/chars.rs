//! Per-character facts that every text pass asks about, looked up in one table.
//!
//! The passes (normalization, folding, lowercasing, the word scanner) each ask "is there anything
//! to do for this character?" millions of times per second. Asking the Unicode crates directly means
//! a binary search per question; instead the answers for the Basic Multilingual Plane are computed
//! once, from those same crates, into a 64 KiB table. Characters outside the BMP are rare in text
//! and take the slow path, which gives the same answers.

use std::sync::OnceLock;

use unicode_normalization::char::{canonical_combining_class, compose};
use unicode_normalization::{is_nfc_quick, is_nfkc_quick, IsNormalized};

// Each table entry: the flags below in the low 16 bits, the canonical combining class in bits 16-23.

/// UTS#18 `\w`: Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control. This is the
/// regex crate's own `\w`, so the hand-written scanner and user patterns agree.
pub(crate) const WORD: u16 = 1;
/// Canonical combining class 0.
pub(crate) const STARTER: u16 = 1 << 1;
/// NFC quick-check "Yes": NFC keeps this character as it is.
pub(crate) const NFC_YES: u16 = 1 << 2;
/// NFC quick-check "Maybe": may compose with the preceding starter.
pub(crate) const NFC_MAYBE: u16 = 1 << 3;
/// NFKC quick-check "Yes".
pub(crate) const NFKC_YES: u16 = 1 << 4;
/// NFKC quick-check "Maybe".
pub(crate) const NFKC_MAYBE: u16 = 1 << 5;
/// Lowercasing changes this character.
pub(crate) const HAS_LOWERCASE: u16 = 1 << 6;
/// A decimal digit (Nd) other than ASCII 0-9.
pub(crate) const NON_ASCII_DIGIT: u16 = 1 << 7;
/// A character Bengali folding rewrites in any context (joiners, nukta letters, the danda
/// look-alike); see `bengali.rs`.
pub(crate) const BENGALI_VARIANT: u16 = 1 << 8;
/// The character has a canonical decomposition (it is precomposed).
pub(crate) const DECOMPOSES: u16 = 1 << 9;
/// The second half of a split Bengali ো or ৌ (U+09BE, U+09D7), which folding composes with a
/// preceding sign E when Unicode normalization is off.
pub(crate) const BENGALI_SPLIT_VOWEL: u16 = 1 << 10;

fn compute_entry(c: char) -> u32 {
    let mut flags: u16 = 0;
    if regex_syntax::is_word_character(c) {
        flags |= WORD;
    }
    let class = canonical_combining_class(c);
    if class == 0 {
        flags |= STARTER;
    }
    match is_nfc_quick(std::iter::once(c)) {
        IsNormalized::Yes => flags |= NFC_YES,
        IsNormalized::Maybe => flags |= NFC_MAYBE,
        IsNormalized::No => {}
    }
    match is_nfkc_quick(std::iter::once(c)) {
        IsNormalized::Yes => flags |= NFKC_YES,
        IsNormalized::Maybe => flags |= NFKC_MAYBE,
        IsNormalized::No => {}
    }
    let mut lower = c.to_lowercase();
    if lower.next() != Some(c) || lower.next().is_some() {
        flags |= HAS_LOWERCASE;
    }
    if !c.is_ascii() && digit_value(c).is_some() {
        flags |= NON_ASCII_DIGIT;
    }
    if crate::text::bengali::is_variant(c) {
        flags |= BENGALI_VARIANT;
    }
    if matches!(c, '\u{09BE}' | '\u{09D7}') {
        flags |= BENGALI_SPLIT_VOWEL;
    }
    let mut decomposes = false;
    unicode_normalization::char::decompose_canonical(c, |d| decomposes |= d != c);
    if decomposes {
        flags |= DECOMPOSES;
    }
    flags as u32 | (class as u32) << 16
}

fn bmp_table() -> &'static [u32] {
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..0x10000u32)
            // Surrogate code points are not chars; they never reach the passes (decoding rejects them).
            .map(|code| char::from_u32(code).map_or(0, compute_entry))
            .collect()
    })
}

#[inline]
fn entry(c: char) -> u32 {
    Table::get().entry(c as u32)
}

/// The table, fetched once by a loop that looks up many characters.
#[derive(Clone, Copy)]
pub(crate) struct Table(&'static [u32]);

impl Table {
    #[inline]
    pub(crate) fn get() -> Table {
        Table(bmp_table())
    }

    /// The entry of code point `code`, which must be a scalar value (as [`decode_code_at`] gives):
    /// its flags and combining class ([`entry_flags`], [`entry_class`]) in one read.
    #[inline]
    pub(crate) fn entry(self, code: u32) -> u32 {
        match self.0.get(code as usize) {
            Some(&entry) => entry,
            None => char::from_u32(code).map_or(0, compute_entry),
        }
    }

    #[inline]
    pub(crate) fn flags(self, code: u32) -> u16 {
        self.entry(code) as u16
    }
}

/// The flags of a table entry.
#[inline]
pub(crate) fn entry_flags(entry: u32) -> u16 {
    entry as u16
}

/// The canonical combining class of a table entry.
#[inline]
pub(crate) fn entry_class(entry: u32) -> u8 {
    (entry >> 16) as u8
}

/// The flags of `c` (the passes fetch the [`Table`] once instead; the tests ask one at a time).
#[cfg(test)]
fn flags(c: char) -> u16 {
    entry(c) as u16
}

/// The canonical combining class of `c` (0 for starters).
#[inline]
pub(crate) fn combining_class(c: char) -> u8 {
    (entry(c) >> 16) as u8
}

/// Forces the table to be built now (so that timing the first document does not include it).
pub(crate) fn warm_up() {
    let _ = bmp_table();
}

#[cfg(test)]
fn is_word(c: char) -> bool {
    flags(c) & WORD != 0
}

/// The ranges of Unicode's Decimal_Number category, from the regex crate's Unicode tables.
/// Unicode lays every decimal digit set out as ten consecutive code points starting at zero, so
/// a digit's value is its distance from the start of its range, modulo 10.
fn decimal_ranges() -> &'static [(u32, u32)] {
    static RANGES: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
    RANGES.get_or_init(|| {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::parse(r"\p{Nd}").expect("\\p{Nd} is a valid class");
        match hir.kind() {
            HirKind::Class(Class::Unicode(class)) => class
                .ranges()
                .iter()
                .map(|r| (r.start() as u32, r.end() as u32))
                .collect(),
            _ => Vec::new(),
        }
    })
}

/// The value 0-9 of a decimal digit of any script, or `None`.
pub(crate) fn digit_value(c: char) -> Option<u32> {
    let code = c as u32;
    if c.is_ascii_digit() {
        return Some(code - '0' as u32);
    }
    let ranges = decimal_ranges();
    let idx = ranges.partition_point(|&(_, end)| end < code);
    match ranges.get(idx) {
        Some(&(start, end)) if start <= code && code <= end => Some((code - start) % 10),
        _ => None,
    }
}

/// Whether `second` composes with `first` under canonical composition.
#[inline]
pub(crate) fn composes(first: char, second: char) -> bool {
    compose(first, second).is_some()
}

/// Decodes the scalar value starting at byte `i` of `text`, returning it and its UTF-8 length.
/// `i` must be a char boundary; the caller has already handled ASCII bytes. (The passes use
/// [`decode_code_at`]; this checks it against the standard library.)
#[cfg(test)]
fn decode_at(text: &str, i: usize) -> (char, usize) {
    let (code, len) = decode_code_at(text, i);
    // `text` is valid UTF-8 and `i` a boundary, so this is a scalar value; the fallback never runs.
    (
        char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
        len,
    )
}

/// As [`decode_at`], as a code point number (skipping the scalar-value check, which valid
/// UTF-8 makes redundant, on the hottest loops).
#[inline]
pub(crate) fn decode_code_at(text: &str, i: usize) -> (u32, usize) {
    let bytes = text.as_bytes();
    let b0 = bytes[i] as u32;
    let (code, len) = if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | (bytes[i + 1] as u32 & 0x3F), 2)
    } else if b0 < 0xF0 {
        (
            ((b0 & 0x0F) << 12)
                | ((bytes[i + 1] as u32 & 0x3F) << 6)
                | (bytes[i + 2] as u32 & 0x3F),
            3,
        )
    } else {
        (
            ((b0 & 0x07) << 18)
                | ((bytes[i + 1] as u32 & 0x3F) << 12)
                | ((bytes[i + 2] as u32 & 0x3F) << 6)
                | (bytes[i + 3] as u32 & 0x3F),
            4,
        )
    };
    (code, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bengali_letters_signs_and_virama_are_word_characters() {
        for c in ['র', 'া', 'ি', '্', '়', 'ৎ', '\u{200D}', '\u{200C}', '৫', '_'] {
            assert!(is_word(c), "{c:?} should be \\w");
        }
        for c in [' ', '।', '৷', ',', '-', '“'] {
            assert!(!is_word(c), "{c:?} should not be \\w");
        }
    }

    #[test]
    fn table_agrees_with_the_unicode_crates_on_every_bmp_character() {
        for code in 0..0x10000u32 {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(entry(c), compute_entry(c), "U+{code:04X}");
                assert_eq!(
                    combining_class(c),
                    canonical_combining_class(c),
                    "U+{code:04X}"
                );
            }
        }
    }

    #[test]
    fn digits_of_every_script_have_their_value() {
        assert_eq!(digit_value('৭'), Some(7));
        assert_eq!(digit_value('০'), Some(0));
        assert_eq!(digit_value('٣'), Some(3));
        assert_eq!(digit_value('𝟗'), Some(9)); // mathematical bold digit nine
        assert_eq!(digit_value('a'), None);
        assert_eq!(digit_value('½'), None);
        assert!(flags('২') & NON_ASCII_DIGIT != 0);
        assert!(flags('2') & NON_ASCII_DIGIT == 0);
    }

    #[test]
    fn quick_check_flags() {
        assert!(flags('a') & (NFC_YES | STARTER) == NFC_YES | STARTER);
        assert!(flags('\u{0301}') & STARTER == 0);
        assert!(flags('\u{09BE}') & NFC_MAYBE != 0); // vowel sign AA composes with E
        assert!(flags('\u{09DF}') & (NFC_YES | NFC_MAYBE) == 0); // NFC_QC=No
        assert!(flags('ﬁ') & NFC_YES != 0 && flags('ﬁ') & NFKC_YES == 0);
        assert!(composes('\u{09C7}', '\u{09BE}'));
    }

    #[test]
    fn decode_at_matches_std() {
        let text = "aé্𝟗ক";
        for (i, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
            assert_eq!(decode_at(text, i), (c, c.len_utf8()));
        }
    }
}
