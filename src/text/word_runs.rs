//! The scanner for the default `token_pattern`, `\b\w\w+\b`: maximal runs of two or more word
//! characters, found without a regex (the regex engine finds the same tokens slower).

use crate::text::chars;

/// A byte range of the preprocessed text.
pub type Span = (usize, usize);

/// Word characters among ASCII bytes: [0-9A-Za-z_].
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// Maximal runs of two or more word characters: what `\b\w\w+\b` matches, without a regex.
pub(crate) fn word_runs(text: &str, spans: &mut Vec<Span>) {
    // Judged from the start of the text, as `normalize_and_map` judges it: Bengali is nearly
    // all multi-byte characters, whose decoding dominates either way, and there blocks only
    // add work.
    let sample = &text.as_bytes()[..text.len().min(1024)];
    if sample.iter().filter(|&&b| b >= 0x80).count() * 2 > sample.len() {
        word_runs_stepwise(text, spans)
    } else {
        word_runs_in_blocks(text, spans)
    }
}

/// [`word_runs`] 64 bytes at a time: first a bit per byte saying whether it belongs to a word
/// character, then the places where that bit changes, taken from the mask with bit operations.
/// For Latin text, a loop that stepped over words and gaps guesses wrong at nearly every word's
/// end and start (their lengths follow no pattern), and those wrong guesses were most of its
/// time.
fn word_runs_in_blocks(text: &str, spans: &mut Vec<Span>) {
    // A local vector: its length stays in a register instead of being read back after each
    // store through the caller's reference.
    let mut found = std::mem::take(spans);
    let bytes = text.as_bytes();
    let table = chars::Table::get();
    let mut in_word = false;
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // The block: whole characters only, at most 64 bytes.
        let mut mask = 0u64;
        let mut k = 0;
        while k < 64 && i + k < bytes.len() {
            // Eight ASCII bytes in a row (most of English) are looked up without a test each.
            if k <= 56 {
                if let Some(eight) = bytes.get(i + k..i + k + 8) {
                    if u64::from_le_bytes(eight.try_into().unwrap_or_default())
                        & 0x8080_8080_8080_8080
                        == 0
                    {
                        for (j, &b) in eight.iter().enumerate() {
                            mask |= (ASCII_WORD[b as usize] as u64) << (k + j);
                        }
                        k += 8;
                        continue;
                    }
                }
            }
            let b = bytes[i + k];
            if b < 0x80 {
                mask |= (ASCII_WORD[b as usize] as u64) << k;
                k += 1;
            } else {
                let (code, len) = chars::decode_code_at(text, i + k);
                if k + len > 64 {
                    break;
                }
                let word = (table.flags(code) & chars::WORD != 0) as u64;
                // All the character's bytes get its bit (len is 2 to 4).
                mask |= (word * ((1u64 << len) - 1)) << k;
                k += len;
            }
        }
        let valid = if k == 64 { u64::MAX } else { (1u64 << k) - 1 };
        // Bit j: the byte at j starts a word or a gap.
        let mut changes = (mask ^ ((mask << 1) | in_word as u64)) & valid;
        while changes != 0 {
            let at = i + changes.trailing_zeros() as usize;
            changes &= changes - 1;
            if in_word {
                push_if_two_characters(bytes, run_start, at, &mut found);
            } else {
                run_start = at;
            }
            in_word = !in_word;
        }
        i += k;
    }
    if in_word {
        push_if_two_characters(bytes, run_start, bytes.len(), &mut found);
    }
    *spans = found;
}

/// Keeps the run `start..end` of word characters if it has two characters or more: if it is
/// longer than its first character.
#[inline]
fn push_if_two_characters(bytes: &[u8], start: usize, end: usize, spans: &mut Vec<Span>) {
    let first = bytes[start];
    let first_len =
        1 + (first >= 0xC0) as usize + (first >= 0xE0) as usize + (first >= 0xF0) as usize;
    if end - start > first_len {
        spans.push((start, end));
    }
}

/// [`word_runs`] one character at a time: for text mostly in other scripts than Latin, where
/// nearly every character takes the multi-byte path and blocks would only add work.
fn word_runs_stepwise(text: &str, spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let table = chars::Table::get();
    // Whether the character at `i` is a word character, and its length in bytes.
    let word_at = |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            (ASCII_WORD[b as usize], 1)
        } else {
            let (code, len) = chars::decode_code_at(text, i);
            (table.flags(code) & chars::WORD != 0, len)
        }
    };
    let mut i = 0;
    // Two tight loops, one over the gap between words and one over a word, rather than one
    // loop that carries the state: the branches then follow the text's own rhythm.
    while i < bytes.len() {
        loop {
            let (is_word, len) = word_at(i);
            if is_word {
                break;
            }
            i += len;
            if i >= bytes.len() {
                return;
            }
        }
        let start = i;
        let mut characters = 0usize;
        while i < bytes.len() {
            let (is_word, len) = word_at(i);
            if !is_word {
                break;
            }
            i += len;
            characters += 1;
        }
        if characters >= 2 {
            spans.push((start, i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_scanner_agrees_with_stepping_character_by_character() {
        let alphabet: Vec<char> = "ab_ 9,.\n\u{00E9}\u{0301}\u{00A0}কি\u{09CD}\u{200D}।২😀ﬁ"
            .chars()
            .collect();
        let mut state = 0x853C49E6748FEA9Bu64;
        for round in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Lengths around the 64-byte blocks, and well past them.
            let len = (state % 150) as usize + if round % 10 == 0 { 200 } else { 0 };
            let mut draw = state;
            let text: String = (0..len)
                .map(|_| {
                    draw = draw
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Every third text ASCII only, for the eight-bytes-at-once path.
                    let letters = if round % 3 == 0 { 7 } else { alphabet.len() };
                    alphabet[(draw >> 33) as usize % letters]
                })
                .collect();
            let (mut blocks, mut steps) = (Vec::new(), Vec::new());
            word_runs_in_blocks(&text, &mut blocks);
            word_runs_stepwise(&text, &mut steps);
            assert_eq!(blocks, steps, "{text:?}");
        }
    }
}
