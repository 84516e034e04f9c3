//! The built-in stop-word lists, embedded in the library.

/// Words from one of the embedded lists: one per line, `#` starts a comment line.
fn parse(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// scikit-learn's `ENGLISH_STOP_WORDS`, for parity with it.
pub(crate) fn english() -> impl Iterator<Item = &'static str> {
    parse(include_str!("stop_words/english.txt"))
}

/// Bengali function words (see the file's header for how the list was made).
pub(crate) fn bengali() -> impl Iterator<Item = &'static str> {
    parse(include_str!("stop_words/bengali.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_scikit_learns_list() {
        let words: Vec<_> = english().collect();
        assert_eq!(words.len(), 318);
        assert!(words.contains(&"the") && words.contains(&"themselves"));
    }

    #[test]
    fn bengali_has_the_common_function_words() {
        let words: Vec<_> = bengali().collect();
        for word in ["এবং", "ও", "কিন্তু", "না"] {
            assert!(words.contains(&word), "{word}");
        }
    }
}
