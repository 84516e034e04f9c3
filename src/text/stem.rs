//! A light rule-based Bengali stemmer (`stemmer="bengali"`, off by default): it takes the
//! common inflections off Bengali tokens, so that `সোনার` ("of gold") and `সোনা`, `দামে` and
//! `দাম`, `কমেছে` ("has fallen") and `কমবে` ("will fall") become one term.
//!
//! Only suffixes are removed, so a stem is always the start of its token: the tokenizer
//! shortens each token's span and nothing is copied. The rules, in the spirit of the light
//! stemmers for Bengali in the literature (a list of inflectional suffixes, longest first, a
//! minimum stem):
//!
//! - the suffixes are plural and classifier markers (`গুলো`, `দের`, `রা`, `টি`, `টা`, ...),
//!   case markers (`এর`, `র`, `কে`, `তে`, `য়`, `এ`) and verb endings of tense and person
//!   (`েছে`, `েছেন`, `ছিল`, `বে`, `লেন`, ...);
//! - the longest suffix whose removal leaves an acceptable stem is removed, and then once more
//!   (a case marker after a plural, `বাজার`+`ের` then `বাজা`+`র`: one rule for every spelling
//!   of a word, so `বাজার`, `বাজারে` and `বাজারের` all become `বাজা`);
//! - a stem keeps at least two Bengali letters (vowels or consonants; signs do not count) and
//!   never ends in a virama or a joiner (a conjunct is not cut apart).
//!
//! Stems are not words (`বাজা`): they are terms that the forms of a word share. Tokens that do
//! not end in a Bengali character are left alone, and so are stop words, which are dropped
//! before stemming (they are compared with the words as written).

use crate::text::word_runs::Span;

/// The stemmers a tokenizer can apply to its tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stemmer {
    Bengali,
}

/// How many suffixes are removed at most, one after the other.
const PASSES: usize = 2;

/// The inflectional suffixes, spelled as NFC and Bengali folding spell them (`য়` as `য` +
/// nukta). Any order: the longest that applies is taken.
const SUFFIXES: &[&str] = &[
    // Verb endings: perfect, progressive, past, future, habitual; with person endings.
    "েছিলেন",
    "েছিলাম",
    "েছিলো",
    "েছিল",
    "েছেন",
    "েছিস",
    "েছি",
    "েছে",
    "ছিলেন",
    "ছিলাম",
    "ছিলো",
    "ছিল",
    "ছেন",
    "ছে",
    "লেন",
    "লাম",
    "লো",
    "বেন",
    "বে",
    "তেন",
    "েন",
    // Plural and classifier markers, alone and with a case marker.
    "গুলোকে",
    "গুলোতে",
    "গুলোর",
    "গুলো",
    "গুলিকে",
    "গুলিতে",
    "গুলির",
    "গুলি",
    "দেরকে",
    "দের",
    "েরা",
    "রা",
    "টিকে",
    "টিতে",
    "টির",
    "টি",
    "টাকে",
    "টাতে",
    "টার",
    "টা",
    // Case markers.
    "ের",
    "কে",
    "তে",
    "য\u{09BC}ে",
    "য\u{09BC}",
    "র",
    "ে",
];

const VIRAMA: char = '\u{09CD}';
/// `য়` as one code point, as text that is neither normalized nor folded may spell it.
const PRECOMPOSED_YA: char = '\u{09DF}';

impl Stemmer {
    /// Shortens each span of `text` to its token's stem.
    pub fn shorten(self, text: &str, spans: &mut [Span]) {
        match self {
            Stemmer::Bengali => {
                for span in spans {
                    span.1 = span.0 + bengali_stem_len(&text[span.0..span.1]);
                }
            }
        }
    }
}

/// The length in bytes of the stem of `token`.
fn bengali_stem_len(token: &str) -> usize {
    if !token.chars().next_back().is_some_and(is_bengali) {
        return token.len();
    }
    let mut stem = token;
    for _ in 0..PASSES {
        let longest = SUFFIXES
            .iter()
            .filter_map(|suffix| suffix_len(stem, suffix))
            .filter(|&len| acceptable_stem(&stem[..stem.len() - len]))
            .max();
        match longest {
            Some(len) => stem = &stem[..stem.len() - len],
            None => break,
        }
    }
    stem.len()
}

/// The length of `suffix` at the end of `word`, also when `word` spells its `য়` as one code
/// point.
fn suffix_len(word: &str, suffix: &str) -> Option<usize> {
    if word.ends_with(suffix) {
        return Some(suffix.len());
    }
    let precomposed = suffix.strip_prefix("য\u{09BC}")?;
    let with_ya_len = PRECOMPOSED_YA.len_utf8() + precomposed.len();
    let tail = word.get(word.len().checked_sub(with_ya_len)?..)?;
    (tail.starts_with(PRECOMPOSED_YA) && tail.ends_with(precomposed)).then_some(with_ya_len)
}

/// At least two Bengali letters, and not ending in a virama or a joiner.
fn acceptable_stem(stem: &str) -> bool {
    let letters = stem.chars().filter(|&c| is_bengali_letter(c)).count();
    letters >= 2
        && stem
            .chars()
            .next_back()
            .is_some_and(|c| c != VIRAMA && c != '\u{200C}' && c != '\u{200D}')
}

fn is_bengali(c: char) -> bool {
    ('\u{0980}'..='\u{09FF}').contains(&c)
}

/// Independent vowels and consonants (not vowel signs, virama, digits or marks).
fn is_bengali_letter(c: char) -> bool {
    matches!(c, '\u{0985}'..='\u{0994}' | '\u{0995}'..='\u{09B9}' | '\u{09CE}' | '\u{09DC}'..='\u{09DF}' | '\u{09F0}' | '\u{09F1}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn stem(word: &str) -> String {
        let word: String = word.nfc().collect();
        let mut spans = [(0, word.len())];
        Stemmer::Bengali.shorten(&word, &mut spans);
        word[..spans[0].1].to_owned()
    }

    fn nfc(word: &str) -> String {
        word.nfc().collect()
    }

    #[test]
    fn the_suffixes_are_spelled_as_nfc_spells_them() {
        for suffix in SUFFIXES {
            assert_eq!(&nfc(suffix), suffix);
        }
    }

    #[test]
    fn the_forms_of_a_word_share_a_stem() {
        for forms in [
            &["সোনা", "সোনার", "সোনাকে"][..],
            &["দাম", "দামের", "দামে"],
            &["কমেছে", "কমছে", "কমবে", "কমেছিল"],
            &["বাজার", "বাজারে", "বাজারের"],
            &["নেতা", "নেতারা", "নেতাদের"],
            &["ঢাকা", "ঢাকায়", "ঢাকাতে"],
            &["দেশ", "দেশের", "দেশে", "দেশগুলো", "দেশগুলোর"],
        ] {
            let stems: Vec<String> = forms.iter().map(|f| stem(f)).collect();
            assert!(
                stems.iter().all(|s| s == &stems[0]),
                "{forms:?} -> {stems:?}"
            );
        }
    }

    #[test]
    fn short_words_and_conjuncts_are_kept() {
        for word in ["তারা", "মাটি", "রাষ্ট্র", "পুতিন", "ঘণ্টা"]
        {
            assert_eq!(stem(word), nfc(word), "{word}");
        }
        assert_eq!(stem("ঘণ্টার"), nfc("ঘণ্টা"));
    }

    #[test]
    fn other_scripts_and_numbers_are_left_alone() {
        for word in ["markets", "gold", "২০২৫", "covid19"] {
            assert_eq!(stem(word), word);
        }
    }

    #[test]
    fn precomposed_ya_is_a_suffix_too() {
        let word = "ঢাকা\u{09DF}";
        let mut spans = [(0, word.len())];
        Stemmer::Bengali.shorten(word, &mut spans);
        assert_eq!(&word[..spans[0].1], "ঢাকা");
    }

    #[test]
    fn spans_elsewhere_in_the_text_are_shortened_in_place() {
        let text = nfc("সোনার দাম কমেছে");
        let mut spans = vec![(0, 15), (16, 25), (26, text.len())];
        Stemmer::Bengali.shorten(&text, &mut spans);
        let stems: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(stems, ["সোনা", "দাম", "কম"]);
    }
}
