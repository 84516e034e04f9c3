//! Bengali folding: spellings that mean the same word are made to match.
//!
//! Scraped Bengali text writes the same word several ways: legacy khanda-ta as ত + virama + ZWJ
//! instead of ৎ; ZWJ or ZWNJ inside words to steer glyph shaping (র‍্যাব and র্যাব are one
//! word); the nukta letters য় ড় ঢ় both precomposed and decomposed; ো and ৌ both precomposed and
//! as two signs; the danda written with U+09F7 (a currency numerator that looks like it). The
//! folding gives each word one spelling, the one NFC gives (decomposed nukta letters, composed
//! vowel signs), so that it agrees with Unicode normalization and also works when that is off.

use std::borrow::Cow;

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';
const TA: char = '\u{09A4}';
const VIRAMA: char = '\u{09CD}';
const KHANDA_TA: char = '\u{09CE}';
const NUKTA: char = '\u{09BC}';
const SIGN_E: char = '\u{09C7}';
const DANDA: char = '\u{0964}';

#[inline]
fn is_bengali(c: char) -> bool {
    ('\u{0980}'..='\u{09FF}').contains(&c)
}

/// Whether `c`, after `prev`, is spelled another way after folding.
#[inline]
fn needs_folding(prev: char, c: char) -> bool {
    match c {
        ZWNJ | ZWJ | '\u{09DC}' | '\u{09DD}' | '\u{09DF}' | '\u{09F7}' => true,
        '\u{09BE}' | '\u{09D7}' => prev == SIGN_E,
        _ => false,
    }
}

/// Folds Bengali spelling variants in `text`, borrowing it when there is nothing to fold.
pub fn fold(text: &str) -> Cow<'_, str> {
    let mut prev = '\0';
    let Some((start, _)) = text.char_indices().find(|&(_, c)| {
        let found = needs_folding(prev, c);
        prev = c;
        found
    }) else {
        return Cow::Borrowed(text);
    };
    // Start folding at the character before, which a vowel sign may combine with.
    let start = text[..start]
        .char_indices()
        .next_back()
        .map_or(0, |(i, _)| i);
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    let mut rest = text[start..].chars().peekable();
    while let Some(c) = rest.next() {
        match c {
            ZWJ | ZWNJ => {
                let prev = out.chars().next_back();
                if c == ZWJ && out.ends_with([TA, VIRAMA].iter().collect::<String>().as_str()) {
                    out.truncate(out.len() - TA.len_utf8() - VIRAMA.len_utf8());
                    out.push(KHANDA_TA);
                } else if prev.is_some_and(is_bengali)
                    || rest.peek().is_some_and(|&n| is_bengali(n))
                {
                    // Inside a Bengali word the joiners only steer shaping: drop them.
                } else {
                    out.push(c);
                }
            }
            '\u{09DC}' => out.extend(['\u{09A1}', NUKTA]),
            '\u{09DD}' => out.extend(['\u{09A2}', NUKTA]),
            '\u{09DF}' => out.extend(['\u{09AF}', NUKTA]),
            '\u{09F7}' => out.push(DANDA),
            '\u{09BE}' | '\u{09D7}' if out.ends_with(SIGN_E) => {
                out.pop();
                out.push(if c == '\u{09BE}' {
                    '\u{09CB}'
                } else {
                    '\u{09CC}'
                });
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

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
