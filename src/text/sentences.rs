//! Sentence segmentation (UAX#29), with the Bengali danda as a full stop.

use unicode_segmentation::UnicodeSegmentation;

/// The sentences of `text`, as slices of it, without surrounding white space; empty ones dropped.
///
/// UAX#29 already ends sentences at `।` (U+0964). Scraped Bengali also writes the danda as `৷`
/// (U+09F7), which UAX#29 does not know; it is looked at as a `।` for finding the boundaries. Both
/// are three bytes in UTF-8, so the boundaries apply to the original text unchanged.
pub fn sentences(text: &str) -> Vec<&str> {
    let marked;
    let segmented: &str = if text.contains('\u{09F7}') {
        marked = text.replace('\u{09F7}', "\u{0964}");
        &marked
    } else {
        text
    };
    segmented
        .split_sentence_bound_indices()
        .map(|(start, sentence)| text[start..start + sentence.len()].trim())
        .filter(|sentence| !sentence.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_sentences() {
        assert_eq!(
            sentences("Smith arrived. He left!  Did he? "),
            ["Smith arrived.", "He left!", "Did he?"]
        );
    }

    #[test]
    fn danda_ends_a_bengali_sentence() {
        assert_eq!(
            sentences("পুতিন বৈঠক করেছেন। কিম চিঠি লিখেছেন৷ শেষ"),
            ["পুতিন বৈঠক করেছেন।", "কিম চিঠি লিখেছেন৷", "শেষ"]
        );
    }

    #[test]
    fn empty_text_has_no_sentences() {
        assert!(sentences("  \n ").is_empty());
    }
}
