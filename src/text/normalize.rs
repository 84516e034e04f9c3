//! Unicode normalization (NFC, NFKC) that only pays for the pieces of text that need it.
//!
//! Real Bengali text is mostly normalized already, but not entirely: scraped text mixes
//! precomposed য় (which NFC decomposes) with decomposed ো (which NFC composes). Running the
//! normalizer over every character of every document costs more than tokenizing does, so text is
//! cut at "stable" characters (starters that NFC keeps and that nothing composes into), where
//! normalizing the pieces separately gives the same result as normalizing the whole, and only the
//! pieces that could change go through the normalizer.

use std::borrow::Cow;

use unicode_normalization::char::{compose, decompose_canonical, decompose_compatible};

use crate::text::chars::{self, DECOMPOSES, NFC_MAYBE, NFC_YES, NFKC_MAYBE, NFKC_YES, STARTER};

/// A Unicode normalization form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NormalizationForm {
    Nfc,
    Nfkc,
}

impl NormalizationForm {
    /// (quick-check "Yes" flag, quick-check "Maybe" flag)
    fn flags(self) -> (u16, u16) {
        match self {
            NormalizationForm::Nfc => (NFC_YES, NFC_MAYBE),
            NormalizationForm::Nfkc => (NFKC_YES, NFKC_MAYBE),
        }
    }

    /// Appends `piece` in this form to `out`: decompose, put marks in canonical order, compose
    /// (UAX#15). `scratch` is reused between pieces, so this allocates nothing in steady state.
    pub fn normalize_into(self, piece: &str, out: &mut String, scratch: &mut Vec<(u8, char)>) {
        scratch.clear();
        for c in piece.chars() {
            let mut push = |d: char| scratch.push((chars::combining_class(d), d));
            match self {
                NormalizationForm::Nfc => decompose_canonical(c, &mut push),
                NormalizationForm::Nfkc => decompose_compatible(c, &mut push),
            }
        }
        // Canonical ordering: each run of marks sorted by combining class, stably.
        let mut i = 0;
        while i < scratch.len() {
            if scratch[i].0 == 0 {
                i += 1;
                continue;
            }
            let start = i;
            while i < scratch.len() && scratch[i].0 != 0 {
                i += 1;
            }
            scratch[start..i].sort_by_key(|&(class, _)| class);
        }
        // Canonical composition: a character joins the last starter unless a character between
        // them blocks it (is a starter, or has a class at least as high).
        let mut kept = 0;
        let mut starter: Option<usize> = None;
        let mut last_class: Option<u8> = None;
        for read in 0..scratch.len() {
            let (class, c) = scratch[read];
            if let Some(s) = starter {
                let blocked = last_class.is_some_and(|last| last == 0 || last >= class);
                if !blocked {
                    if let Some(composite) = compose(scratch[s].1, c) {
                        scratch[s].1 = composite;
                        continue;
                    }
                }
            }
            if class == 0 {
                starter = Some(kept);
                last_class = None;
            } else {
                last_class = Some(class);
            }
            scratch[kept] = (class, c);
            kept += 1;
        }
        out.extend(scratch[..kept].iter().map(|&(_, c)| c));
    }
}

/// Not a code point: "no starter seen yet".
const NO_STARTER: u32 = u32::MAX;

/// The combining class of the last character of the canonical decomposition of `code`.
fn trailing_class(code: u32) -> u8 {
    let mut class = 0;
    if let Some(c) = char::from_u32(code) {
        decompose_canonical(c, |d| class = chars::combining_class(d));
    }
    class
}

/// Bengali's two quick-check "Maybe" characters, the vowel sign AA and the AU length mark
/// (one in every few Bengali words), compose with the vowel sign E and nothing else (a test
/// checks every code point): answered without the composition table's lookup.
const BENGALI_MAYBE: [u32; 2] = [0x09BE, 0x09D7];
const BENGALI_SIGN_E: u32 = 0x09C7;

/// Whether `second` composes with the starter `first`; conservatively yes without a starter.
#[inline]
fn composes_after(first: u32, second: u32) -> bool {
    if BENGALI_MAYBE.contains(&second) {
        return first == BENGALI_SIGN_E || first == NO_STARTER;
    }
    composes_in_table(first, second)
}

fn composes_in_table(first: u32, second: u32) -> bool {
    match (char::from_u32(first), char::from_u32(second)) {
        (Some(first), Some(second)) => chars::composes(first, second),
        _ => true,
    }
}

/// A stretch of text that normalizes independently of the rest: it begins at a stable character
/// (or the start of the text) and ends before the next one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Piece {
    pub start: usize,
    pub end: usize,
    /// Whether normalizing changes it.
    pub changes: bool,
    /// The table flags of its characters, or-ed together.
    pub flags: u16,
}

/// The pieces of a text, followed one character at a time: the state that
/// [`for_each_piece`] keeps, shared with the passes that read other encodings (`fused.rs`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PieceTracker {
    yes: u16,
    maybe: u16,
    stable: u16,
    /// The last starter's code point; NO_STARTER before the first.
    last_starter: u32,
    /// Whether the last starter has a canonical decomposition.
    last_starter_decomposes: bool,
    last_class: u8,
    /// Whether normalizing changes the current piece.
    pub changes: bool,
    /// The table flags of the current piece's characters, or-ed together.
    pub flags: u16,
}

impl PieceTracker {
    #[inline]
    pub(crate) fn new(form: Option<NormalizationForm>) -> Self {
        let (yes, maybe) = form.map_or((0, 0), NormalizationForm::flags);
        PieceTracker {
            yes,
            maybe,
            // With no form, every character is "stable": each is its own piece.
            stable: if form.is_some() { yes | STARTER } else { 0 },
            last_starter: NO_STARTER,
            last_starter_decomposes: false,
            last_class: 0,
            changes: false,
            flags: 0,
        }
    }

    /// Whether a character with these table flags begins a new piece (the current one, if
    /// any, ends before it). Then [`PieceTracker::begin`] follows, else [`PieceTracker::extend`].
    #[inline]
    pub(crate) fn is_stable(&self, flags: u16) -> bool {
        flags & self.stable == self.stable
    }

    /// A stable character `code` begins a piece.
    #[inline]
    pub(crate) fn begin(&mut self, code: u32, flags: u16) {
        self.changes = false;
        self.flags = flags;
        self.last_starter = code;
        self.last_starter_decomposes = flags & DECOMPOSES != 0;
        self.last_class = 0;
    }

    /// The character `code`, not stable, with its table flags and combining class, joins the
    /// current piece.
    #[inline]
    pub(crate) fn extend(&mut self, code: u32, flags: u16, class: u8) {
        self.flags |= flags;
        if self.changes {
            return;
        }
        if self.last_class == 0 && class != 0 && self.last_starter_decomposes {
            // A precomposed starter decomposes; its own marks take part in the ordering.
            self.last_class = trailing_class(self.last_starter);
        }
        // Quick-check "No", marks out of canonical order, or a "Maybe" that really composes
        // with the starter before it: this piece changes. Conservative where unsure.
        self.changes = flags & (self.yes | self.maybe) == 0
            || (class != 0 && class < self.last_class)
            || (flags & self.maybe != 0 && composes_after(self.last_starter, code));
        if class == 0 {
            self.last_starter = code;
            self.last_starter_decomposes = flags & DECOMPOSES != 0;
        }
        self.last_class = class;
    }
}

/// Calls `visit` with each piece of `text`, in order. Without a form, every character is a
/// piece that does not change, so callers can apply character rules the same way either way.
#[inline]
pub(crate) fn for_each_piece(
    text: &str,
    form: Option<NormalizationForm>,
    mut visit: impl FnMut(Piece),
) {
    let table = chars::Table::get();
    let bytes = text.as_bytes();
    let mut tracker = PieceTracker::new(form);
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (code, len) = if bytes[i] < 0x80 {
            (bytes[i] as u32, 1)
        } else {
            chars::decode_code_at(text, i)
        };
        let entry = table.entry(code);
        let flags = chars::entry_flags(entry);
        if tracker.is_stable(flags) {
            if i > 0 {
                visit(Piece {
                    start,
                    end: i,
                    changes: tracker.changes,
                    flags: tracker.flags,
                });
            }
            start = i;
            tracker.begin(code, flags);
        } else {
            tracker.extend(code, flags, chars::entry_class(entry));
        }
        i += len;
    }
    if !bytes.is_empty() {
        visit(Piece {
            start,
            end: bytes.len(),
            changes: tracker.changes,
            flags: tracker.flags,
        });
    }
}

/// Builds a changed copy of a text only if something changes: unchanged stretches are copied
/// in one go when the next change comes, and an unchanged text is returned borrowed.
pub(crate) struct LazyWriter<'a> {
    text: &'a str,
    out: Option<String>,
    copied: usize,
}

impl<'a> LazyWriter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LazyWriter {
            text,
            out: None,
            copied: 0,
        }
    }

    /// The output, holding everything of the text before `at`; the caller writes what replaces
    /// the text from `at` and then calls [`LazyWriter::skip_to`].
    pub(crate) fn change_at(&mut self, at: usize) -> &mut String {
        let text = self.text;
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(text.len() + text.len() / 16 + 8));
        out.push_str(&text[self.copied..at]);
        self.copied = at;
        out
    }

    /// The text before `at` has been written.
    pub(crate) fn skip_to(&mut self, at: usize) {
        self.copied = at;
    }

    pub(crate) fn finish(self) -> Cow<'a, str> {
        match self.out {
            None => Cow::Borrowed(self.text),
            Some(mut out) => {
                out.push_str(&self.text[self.copied..]);
                Cow::Owned(out)
            }
        }
    }
}

/// Returns `text` in normalization form `form`, borrowing it when it already is.
pub fn normalize(text: &str, form: NormalizationForm) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut writer = LazyWriter::new(text);
    let mut scratch = Vec::new();
    for_each_piece(text, Some(form), |piece| {
        if piece.changes {
            let out = writer.change_at(piece.start);
            form.normalize_into(&text[piece.start..piece.end], out, &mut scratch);
            writer.skip_to(piece.end);
        }
    });
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn bengalis_maybe_characters_compose_with_the_sign_e_alone() {
        for second in BENGALI_MAYBE {
            for first in (0..0x11_0000u32).filter(|&c| char::from_u32(c).is_some()) {
                assert_eq!(
                    composes_after(first, second),
                    composes_in_table(first, second),
                    "U+{first:04X} U+{second:04X}"
                );
            }
            assert!(composes_after(NO_STARTER, second));
        }
    }

    use unicode_normalization::UnicodeNormalization;

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
    fn random_strings_match() {
        // A fixed pseudo-random walk over characters with every kind of normalization behaviour.
        let alphabet: Vec<char> = "aeAÅ ক\u{09C7}\u{09BE}\u{09D7}\u{09AF}\u{09BC}\u{09DF}\u{09DC}\u{09CD}\u{0301}\u{0300}\u{0323}\u{0327}\u{0345}\u{0F71}\u{0F72}\u{0F73}\u{1100}\u{1161}\u{11A8}\u{AC00}ﬁ①\u{212B}\u{1E0A}\u{0344}\u{0958}\u{1D15E}"
            .chars()
            .collect();
        let mut state = 0x2545F4914F6CDD1Du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 9) as usize;
            let text: String = (0..len)
                .map(|k| alphabet[((state >> (k * 6)) % alphabet.len() as u64) as usize])
                .collect();
            for form in [NormalizationForm::Nfc, NormalizationForm::Nfkc] {
                assert_eq!(
                    normalize(&text, form),
                    reference(&text, form),
                    "{text:?} {form:?}"
                );
            }
        }
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
