//! Bengali folding: spellings that mean the same word are made to match.
//!
//! Scraped Bengali text writes the same word several ways: legacy khanda-ta as ত + virama + ZWJ
//! instead of ৎ; ZWJ or ZWNJ inside words to steer glyph shaping (র‍্যাব and র্যাব are one
//! word); the nukta letters য় ড় ঢ় both precomposed and decomposed; ো and ৌ both precomposed and
//! as two signs; the danda written with U+09F7 (a currency numerator that looks like it). The
//! folding gives each word one spelling, the one NFC gives (decomposed nukta letters, composed
//! vowel signs), so that it agrees with Unicode normalization and also works when that is off.
//!
//! The rules are character rules with a little context (the text already written, the next
//! character), so that they run inside the single character pass of `char_maps.rs`.

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';
const TA: char = '\u{09A4}';
const VIRAMA: char = '\u{09CD}';
const KHANDA_TA: char = '\u{09CE}';
const NUKTA: char = '\u{09BC}';
const SIGN_E: char = '\u{09C7}';
const SIGN_AA: char = '\u{09BE}';
const AU_LENGTH_MARK: char = '\u{09D7}';
const DANDA: char = '\u{0964}';

#[inline]
fn is_bengali(c: char) -> bool {
    ('\u{0980}'..='\u{09FF}').contains(&c)
}

/// Characters the folding rewrites whatever surrounds them (the vowel signs that combine with
/// a preceding sign E are rewritten only there, which the pass that calls [`fold_char`] sees).
pub(crate) fn is_variant(c: char) -> bool {
    matches!(
        c,
        ZWNJ | ZWJ | '\u{09DC}' | '\u{09DD}' | '\u{09DF}' | '\u{09F7}'
    )
}

/// Writes the folded form of `c` to `out`, which holds the folded text before it; `next` is the
/// character after it. Only called for variants and for vowel signs that compose.
pub(crate) fn fold_char(c: char, next: Option<char>, out: &mut String) {
    match c {
        ZWJ if out.ends_with(VIRAMA) && out[..out.len() - VIRAMA.len_utf8()].ends_with(TA) => {
            out.truncate(out.len() - TA.len_utf8() - VIRAMA.len_utf8());
            out.push(KHANDA_TA);
        }
        ZWJ | ZWNJ => {
            // Inside a Bengali word the joiners only steer shaping: drop them. Elsewhere (emoji
            // sequences, other scripts) they are kept.
            let inside =
                out.chars().next_back().is_some_and(is_bengali) || next.is_some_and(is_bengali);
            if !inside {
                out.push(c);
            }
        }
        '\u{09DC}' => out.extend(['\u{09A1}', NUKTA]),
        '\u{09DD}' => out.extend(['\u{09A2}', NUKTA]),
        '\u{09DF}' => out.extend(['\u{09AF}', NUKTA]),
        '\u{09F7}' => out.push(DANDA),
        SIGN_AA | AU_LENGTH_MARK if out.ends_with(SIGN_E) => {
            out.pop();
            out.push(if c == SIGN_AA { '\u{09CB}' } else { '\u{09CC}' });
        }
        _ => out.push(c),
    }
}
