//! The default tokenizer's whole text pass in one go, read straight from CPython's own buffer:
//! decoding to UTF-8, normalization, folding, lowercasing and the word runs of `\b\w\w+\b`.
//!
//! Done one pass after another (`decode.rs`, `char_maps.rs`, `word_runs.rs`), a document is
//! decoded three times: from CPython's fixed-width units to UTF-8, then from UTF-8 by the
//! normalizer and again by the scanner. Here each unit is looked up in the character table once,
//! and that one lookup says whether it is a word character, whether it begins a piece that
//! normalizes on its own, and whether a rule rewrites it. Its UTF-8 is written out as it is read,
//! and the word runs follow the written text. Most pieces need nothing. The few that do (a
//! precomposed য়, a split vowel sign, a capital letter outside ASCII) are taken back and
//! rewritten by the same rules the separate passes use (`PieceRules`), and the word runs go over
//! the rewritten text. So the output is the separate passes' output, byte for byte: the tests
//! and `invariants::check_tokenizer` (which the fuzzer runs) compare the two.

use crate::error::{DocumentProblem, Error};
use crate::text::char_maps::{CharMaps, PieceRules, Scratch};
use crate::text::chars::{self, WORD};
use crate::text::normalize::{NormalizationForm, PieceTracker};
use crate::text::word_runs::Span;

const WHAT: &str = "the preprocessed text of a document";

/// Room in `vec` for `additional` more values, or an error instead of an abort. (The text layer
/// stands below the runtime's allocation helpers, so it says this itself.)
#[inline]
fn try_reserve<V>(vec: &mut Vec<V>, additional: usize, what: &'static str) -> Result<(), Error> {
    if vec.capacity() - vec.len() >= additional {
        return Ok(());
    }
    vec.try_reserve(additional).map_err(|_| Error::OutOfMemory {
        what,
        bytes: vec
            .len()
            .saturating_add(additional)
            .saturating_mul(std::mem::size_of::<V>()),
    })
}

/// A fixed-width unit of CPython's text: one code point each.
pub(crate) trait Unit: Copy {
    /// Bytes of UTF-8 one unit can take.
    const MOST_BYTES: usize;
    /// Whether a unit can be outside the BMP (four bytes of UTF-8).
    const ASTRAL: bool;
    fn code(self) -> u32;
}

impl Unit for u8 {
    const MOST_BYTES: usize = 2;
    const ASTRAL: bool = false;
    #[inline(always)]
    fn code(self) -> u32 {
        self as u32
    }
}

impl Unit for u16 {
    const MOST_BYTES: usize = 3;
    const ASTRAL: bool = false;
    #[inline(always)]
    fn code(self) -> u32 {
        self as u32
    }
}

impl Unit for u32 {
    const MOST_BYTES: usize = 4;
    const ASTRAL: bool = true;
    #[inline(always)]
    fn code(self) -> u32 {
        self
    }
}

/// The UTF-8 of `code` in the low bytes of a word (first byte lowest), and its length. Written
/// without branches: Bengali switches between one-byte spaces and three-byte letters every few
/// characters, which a branch per width would keep guessing wrong.
#[inline(always)]
fn utf8_word<U: Unit>(code: u32) -> (u32, usize) {
    let one = code < 0x80;
    let two = code < 0x800;
    let three = !U::ASTRAL || code < 0x10000;
    let continuation = |shift: u32| 0x80 | ((code >> shift) & 0x3F);
    let word = if one {
        code
    } else if two {
        0xC0 | (code >> 6) | continuation(0) << 8
    } else if three {
        0xE0 | (code >> 12) | continuation(6) << 8 | continuation(0) << 16
    } else {
        0xF0 | (code >> 18) | continuation(12) << 8 | continuation(6) << 16 | continuation(0) << 24
    };
    let len = 1 + (!one) as usize + (!two) as usize + (!three) as usize;
    (word, len)
}

/// The nukta, and the letters Bengali's precomposed nukta letters ড় ঢ় য় are spelled with.
const NUKTA: u32 = 0x09BC;
fn nukta_letter(code: u32) -> Option<u32> {
    match code {
        0x09DC => Some(0x09A1),
        0x09DD => Some(0x09A2),
        0x09DF => Some(0x09AF),
        _ => None,
    }
}
/// The bytes a nukta letter's unit takes beyond `MOST_BYTES`: its second character, the nukta.
const NUKTA_BYTES: usize = 3;

/// The word runs of the text written so far: where the current run starts and how many
/// characters it has (0: between runs).
#[derive(Clone, Copy)]
struct Runs {
    start: usize,
    characters: usize,
}

impl Runs {
    /// The character at byte `at` of the output, a word character or not.
    #[inline(always)]
    fn step(&mut self, is_word: bool, at: usize, spans: &mut Vec<Span>) -> Result<(), Error> {
        if is_word {
            if self.characters == 0 {
                self.start = at;
            }
            self.characters += 1;
        } else {
            if self.characters >= 2 {
                try_reserve(spans, 1, WHAT)?;
                spans.push((self.start, at));
            }
            self.characters = 0;
        }
        Ok(())
    }
}

/// Where the current piece began: in the input, in the output, and the state of the runs.
#[derive(Clone, Copy)]
struct Mark {
    unit: usize,
    out: usize,
    runs: Runs,
    spans: usize,
}

/// `units` (one document), decoded, normalized to `form`, with the character rules of `maps`,
/// into `out` (cleared first), and the word runs of two or more characters of that text into
/// `spans` (cleared first); `index` names the document in errors. The same text and spans as
/// decoding, then `normalize_and_map`, then `word_runs`, except for two things the caller keeps on the separate passes: text with a
/// capital sigma when lowercasing (whose final form depends on the whole word), and other
/// tokenizers than the default pattern.
pub(crate) fn preprocess_and_cut<U: Unit>(
    units: &[U],
    form: Option<NormalizationForm>,
    maps: CharMaps,
    index: Option<usize>,
    out: &mut String,
    spans: &mut Vec<Span>,
    scratch: &mut FusedScratch,
) -> Result<(), Error> {
    out.clear();
    spans.clear();
    let rules = PieceRules::new(form, maps);
    let table = chars::Table::get();
    let rewritten = rules.mask | rules.vowels;
    // ASCII capitals are lowercased as they are written, not by rewriting their piece.
    let ascii_lowercase = maps.lowercase;
    // SAFETY (for every `as_mut_vec` below): the vector only ever holds whole UTF-8 encodings
    // of scalar values, those written here (surrogates and values past U+10FFFF are refused
    // first) and those the rules push as `char`s. So `out` stays valid UTF-8.
    try_reserve(
        unsafe { out.as_mut_vec() },
        units.len() * U::MOST_BYTES + NUKTA_BYTES + 4,
        WHAT,
    )?;
    // Bengali's precomposed nukta letters (য় alone is one character in 75 of the blog posts)
    // are spelled as letter and nukta both by Unicode normalization (they are excluded from
    // composition) and by Bengali folding: read as those two characters, their pieces need no
    // rewriting. The spelling is canonically equivalent, so normalization gives the same text.
    let spell_nukta_letters = form.is_some() || maps.bengali;
    let mut tracker = PieceTracker::new(form);
    // Whether the current piece has a character a rule rewrites, or a split vowel.
    let mut piece_rewritten = 0u16;
    let mut runs = Runs {
        start: 0,
        characters: 0,
    };
    let mut mark = Mark {
        unit: 0,
        out: 0,
        runs,
        spans: 0,
    };
    let mut n = 0usize;
    // One character of the text, read from unit `i`: where a piece ends before it that may
    // change, the piece is rewritten; then its UTF-8 is written and the word runs follow it.
    macro_rules! feed {
        ($code:expr, $i:expr) => {{
            let (code, i): (u32, usize) = ($code, $i);
            let entry = table.entry(code);
            let mut flags = chars::entry_flags(entry);
            if tracker.is_stable(flags) {
                if i > 0 && (tracker.changes || piece_rewritten != 0) {
                    // SAFETY: the first `n` bytes are written (below), within the capacity.
                    unsafe { out.as_mut_vec().set_len(n) };
                    rewrite_piece(
                        units,
                        mark,
                        i,
                        &tracker,
                        piece_rewritten,
                        &rules,
                        out,
                        &mut runs,
                        spans,
                        scratch,
                    )?;
                    n = out.len();
                    try_reserve(
                        unsafe { out.as_mut_vec() },
                        (units.len() - i) * U::MOST_BYTES + NUKTA_BYTES + 4,
                        WHAT,
                    )?;
                }
                mark = Mark {
                    unit: i,
                    out: n,
                    runs,
                    spans: spans.len(),
                };
                tracker.begin(code, flags);
                piece_rewritten = 0;
            } else {
                tracker.extend(code, flags, chars::entry_class(entry));
            }
            let mut written = code;
            if code < 0x80 && ascii_lowercase {
                written = (code as u8).to_ascii_lowercase() as u32;
                flags &= !chars::HAS_LOWERCASE;
            }
            piece_rewritten |= flags & rewritten;
            let (word, len) = utf8_word::<U>(written);
            // SAFETY: the capacity is at least `n + 4` (see `NUKTA_BYTES`); the store writes
            // bytes `n..n + 4`, of which the first `len` are the character's and the rest are
            // overwritten by the next or cut off by `set_len`.
            unsafe {
                out.as_mut_vec()
                    .as_mut_ptr()
                    .add(n)
                    .cast::<[u8; 4]>()
                    .write_unaligned(word.to_le_bytes());
            }
            runs.step(flags & WORD != 0, n, spans)?;
            n += len;
        }};
    }
    for (i, &unit) in units.iter().enumerate() {
        let code = unit.code();
        if code & 0xFFFF_F800 == 0xD800 || (U::ASTRAL && code > 0x10FFFF) {
            return Err(Error::Document {
                index,
                problem: DocumentProblem::LoneSurrogate { code, position: i },
            });
        }
        match nukta_letter(code) {
            Some(letter) if spell_nukta_letters => {
                // The capacity stays `MOST_BYTES` a unit left, plus 4 and `NUKTA_BYTES`, while
                // this unit takes `MOST_BYTES + NUKTA_BYTES`.
                if out.capacity() < n + (units.len() - i) * U::MOST_BYTES + 2 * NUKTA_BYTES + 4 {
                    // SAFETY: the first `n` bytes are written.
                    unsafe { out.as_mut_vec().set_len(n) };
                    try_reserve(
                        unsafe { out.as_mut_vec() },
                        (units.len() - i) * U::MOST_BYTES + 2 * NUKTA_BYTES + 4,
                        WHAT,
                    )?;
                }
                feed!(letter, i);
                feed!(NUKTA, i);
            }
            _ => feed!(code, i),
        }
    }
    // SAFETY: as above.
    unsafe { out.as_mut_vec().set_len(n) };
    if !units.is_empty() && (tracker.changes || piece_rewritten != 0) {
        rewrite_piece(
            units,
            mark,
            units.len(),
            &tracker,
            piece_rewritten,
            &rules,
            out,
            &mut runs,
            spans,
            scratch,
        )?;
    }
    runs.step(false, out.len(), spans)?;
    Ok(())
}

/// The work space of [`crate::Tokenizer::prepare`]: buffers for the pieces it rewrites, kept
/// from one document to the next by whoever prepares many.
#[derive(Default)]
pub struct FusedScratch {
    piece: String,
    rules: Scratch,
}

fn char_of(code: u32) -> Option<char> {
    char::from_u32(code)
}

/// The piece of `units` from `mark` to `end` may change: when it does, what was written for it
/// is taken back and its rewritten text written instead, and the word runs are followed again
/// from where the current one began.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn rewrite_piece<U: Unit>(
    units: &[U],
    mark: Mark,
    end: usize,
    tracker: &PieceTracker,
    piece_rewritten: u16,
    rules: &PieceRules,
    out: &mut String,
    runs: &mut Runs,
    spans: &mut Vec<Span>,
    scratch: &mut FusedScratch,
) -> Result<(), Error> {
    let before = || {
        mark.unit
            .checked_sub(1)
            .and_then(|k| char_of(units[k].code()))
    };
    if !rules.must_rewrite(tracker.changes, piece_rewritten, before) {
        return Ok(());
    }
    let FusedScratch {
        piece,
        rules: rule_scratch,
    } = scratch;
    piece.clear();
    // The piece as it came (ASCII capitals included, which the rewrite lowercases itself).
    piece.extend(
        units[mark.unit..end]
            .iter()
            .filter_map(|u| char_of(u.code())),
    );
    let after = units.get(end).and_then(|u| char_of(u.code()));
    out.truncate(mark.out);
    // The rules see what is written before the piece, as they do in `normalize_and_map`, and
    // may rewrite its last characters (ত্ + ZWJ becomes ৎ; a sign E takes the split vowel's
    // other half). Those are word characters of the current run, so the runs are followed
    // again from where it began.
    try_reserve(unsafe { out.as_mut_vec() }, piece.len() + 8, WHAT)?;
    rules.rewrite_into(piece, tracker.changes, after, out, rule_scratch);
    let mut restart = if mark.runs.characters > 0 {
        mark.runs.start
    } else {
        mark.out
    }
    .min(out.len());
    while !out.is_char_boundary(restart) {
        restart -= 1;
    }
    spans.truncate(mark.spans);
    *runs = Runs {
        start: restart,
        characters: 0,
    };
    let table = chars::Table::get();
    for (k, c) in out[restart..].char_indices() {
        runs.step(table.flags(c as u32) & WORD != 0, restart + k, spans)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::char_maps::normalize_and_map;
    use crate::text::decode::{decode, DecodeErrors, RawText};
    use crate::text::word_runs::word_runs;

    /// The separate passes: decode, normalize and map, cut.
    fn separately(
        raw: RawText<'_>,
        form: Option<NormalizationForm>,
        maps: CharMaps,
    ) -> (String, Vec<Span>) {
        let text = decode(raw, DecodeErrors::Strict).unwrap();
        let text = normalize_and_map(&text, form, maps).into_owned();
        let mut spans = Vec::new();
        word_runs(&text, &mut spans);
        (text, spans)
    }

    fn fused<U: Unit>(
        units: &[U],
        form: Option<NormalizationForm>,
        maps: CharMaps,
    ) -> (String, Vec<Span>) {
        let (mut out, mut spans) = (String::new(), Vec::new());
        preprocess_and_cut(
            units,
            form,
            maps,
            None,
            &mut out,
            &mut spans,
            &mut FusedScratch::default(),
        )
        .unwrap();
        (out, spans)
    }

    #[test]
    fn the_fused_pass_equals_the_passes_one_after_the_other() {
        let alphabet: Vec<char> = "aZ É\u{0301}\u{0323}\u{09DC}\u{09DD}ড\u{09A2}ক\u{09A4}\u{09CD}\u{200D}\u{200C}\u{09C7}\u{09BE}\u{09D7}\u{09DF}\u{09AF}\u{09BC}\u{09F7}২৫ﬁ①Å\u{212B}\u{1100}\u{1161}İ,.-_9😀\u{1D7D7}ǅß"
            .chars()
            .collect();
        let mut state = 0x9E3779B97F4A7C15u64;
        for round in 0..30_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 24) as usize;
            let mut draw = state;
            let text: String = (0..len)
                .map(|_| {
                    draw = draw
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    alphabet[(draw >> 33) as usize % alphabet.len()]
                })
                .collect();
            let form = [
                None,
                Some(NormalizationForm::Nfc),
                Some(NormalizationForm::Nfkc),
            ][round % 3];
            let maps = CharMaps {
                bengali: state & 1 == 0,
                bengali_vowels: state & 1 == 0 && form.is_none(),
                digits: state & 2 == 0,
                lowercase: state & 4 == 0 && !text.contains('Σ'),
            };
            let points: Vec<u32> = text.chars().map(|c| c as u32).collect();
            let expected = separately(RawText::Ucs4(&points), form, maps);
            assert_eq!(
                fused(&points, form, maps),
                expected,
                "{text:?} {form:?} {maps:?}"
            );
            if text.chars().all(|c| (c as u32) < 0x10000) {
                let units: Vec<u16> = points.iter().map(|&p| p as u16).collect();
                assert_eq!(fused(&units, form, maps), expected, "{text:?}");
            }
            if text.chars().all(|c| (c as u32) < 0x100) {
                let latin: Vec<u8> = points.iter().map(|&p| p as u8).collect();
                assert_eq!(fused(&latin, form, maps), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn real_bengali_news_comes_out_as_from_the_separate_passes() {
        for sample in [
            include_str!("../../python/textsim/datasets/data/000_63125d0b3e90fd15.txt"),
            include_str!("../../python/textsim/datasets/data/003_a047b99cd8e37fa5.txt"),
        ] {
            let units: Vec<u16> = sample.chars().map(|c| c as u16).collect();
            for form in [
                None,
                Some(NormalizationForm::Nfc),
                Some(NormalizationForm::Nfkc),
            ] {
                let maps = CharMaps {
                    bengali: true,
                    bengali_vowels: form.is_none(),
                    digits: false,
                    lowercase: true,
                };
                assert_eq!(
                    fused(&units, form, maps),
                    separately(RawText::Ucs2(&units), form, maps)
                );
            }
        }
    }

    #[test]
    fn a_lone_surrogate_is_refused_where_it_stands() {
        let units = [0x0995u16, 0xD800, 0x0995];
        let outcome = preprocess_and_cut(
            &units,
            None,
            CharMaps::default(),
            Some(7),
            &mut String::new(),
            &mut Vec::new(),
            &mut FusedScratch::default(),
        );
        assert!(matches!(
            outcome,
            Err(Error::Document {
                index: Some(7),
                problem: DocumentProblem::LoneSurrogate {
                    code: 0xD800,
                    position: 1
                },
            })
        ));
    }
}
