//! Cleaning for text scraped from web pages (`clean_scraped=True`, off by default): the debris
//! that a scraper leaves in an article's text is taken out before anything else sees it, so it
//! does not become terms (`rsquo`, `039`, `href`, `https`, `ad_1`).
//!
//! One pass, left to right, over four constructs, all of them ASCII (so the pass can cut the
//! text at byte positions without splitting a character):
//!
//! - HTML tags and comments (`<p>`, `</a>`, `<img src="...">`, `<!-- ... -->`): a space. A `<`
//!   that does not open a tag (`a < b`) stays.
//! - Character references: named (`&rsquo;`, `&nbsp;`, `&amp;`; doubly escaped `&amp;rsquo;`
//!   too) and numeric (`&#039;`, `&#x2019;`) become their character; a named reference this
//!   table does not know becomes a space (its name is never a word of the article).
//! - URLs (`http://...`, `https://...`, `www....` at the start of a word, up to white space, a
//!   quote, an angle bracket or a non-ASCII character): a space.
//! - Bracketed scraper and shortcode markers: `[ad_1]`, `[/caption]`, `[caption id="x"]`, i.e.
//!   `[`, an optional `/`, an ASCII letter, then up to 200 ASCII characters other than brackets
//!   and line breaks, then `]`. Brackets around other text (`[১]`, `[সম্পাদিত]`) stay.
//!
//! Text without any of them is borrowed, not copied. Tags come out before references are
//! decoded, so an escaped `&lt;b&gt;` stays text (`<b>`) rather than being taken for a tag.

use std::borrow::Cow;

/// The longest bracketed marker taken out (its content, in bytes).
const LONGEST_MARKER: usize = 200;
/// The longest character reference name or number looked for, in bytes.
const LONGEST_REFERENCE: usize = 32;

/// The named character references scraped news carries, with their text. Sorted by name, for
/// binary search.
const NAMED_REFERENCES: &[(&str, &str)] = &[
    ("aacute", "á"),
    ("acute", "´"),
    ("agrave", "à"),
    ("amp", "&"),
    ("apos", "'"),
    ("bdquo", "„"),
    ("bull", "•"),
    ("ccedil", "ç"),
    ("cent", "¢"),
    ("copy", "©"),
    ("deg", "°"),
    ("eacute", "é"),
    ("egrave", "è"),
    ("euro", "€"),
    ("gt", ">"),
    ("hellip", "…"),
    ("iacute", "í"),
    ("laquo", "«"),
    ("ldquo", "“"),
    ("lsaquo", "‹"),
    ("lsquo", "‘"),
    ("lt", "<"),
    ("mdash", "—"),
    ("middot", "·"),
    ("nbsp", "\u{A0}"),
    ("ndash", "–"),
    ("ntilde", "ñ"),
    ("oacute", "ó"),
    ("ouml", "ö"),
    ("para", "¶"),
    ("pound", "£"),
    ("quot", "\""),
    ("raquo", "»"),
    ("rdquo", "”"),
    ("reg", "®"),
    ("rsaquo", "›"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("sect", "§"),
    ("shy", ""),
    ("thinsp", "\u{2009}"),
    ("times", "×"),
    ("trade", "™"),
    ("uacute", "ú"),
    ("uuml", "ü"),
    ("yen", "¥"),
    ("zwj", "\u{200D}"),
    ("zwnj", "\u{200C}"),
];

/// What a construct is replaced by.
enum Replacement {
    Space,
    Text(&'static str),
    Char(char),
}

/// `text` with scraper debris taken out (see the module documentation).
pub fn clean_scraped(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'<' => tag_end(bytes, i).map(|end| (end, Replacement::Space)),
            b'&' => reference(bytes, i),
            b'[' => marker_end(bytes, i).map(|end| (end, Replacement::Space)),
            b'h' | b'H' | b'w' | b'W' if starts_word(bytes, i) => {
                url_end(bytes, i).map(|end| (end, Replacement::Space))
            }
            _ => None,
        };
        match found {
            Some((end, replacement)) => {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..i]);
                match replacement {
                    Replacement::Space => out.push(' '),
                    Replacement::Text(s) => out.push_str(s),
                    Replacement::Char(c) => out.push(c),
                }
                i = end;
                copied = end;
            }
            None => i += 1,
        }
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// Whether position `i` starts a word: the text's start, or after a byte that is not an ASCII
/// letter or digit (a non-ASCII character counts as a boundary, as in `দেখুনhttps://...`).
fn starts_word(bytes: &[u8], i: usize) -> bool {
    i == 0 || !bytes[i - 1].is_ascii_alphanumeric()
}

/// The end of the tag that opens at `start` (`<` then a letter, `/`, `!` or `?`, up to the
/// first `>` with no `<` before it), if one does.
fn tag_end(bytes: &[u8], start: usize) -> Option<usize> {
    let opener = *bytes.get(start + 1)?;
    if !(opener.is_ascii_alphabetic() || matches!(opener, b'/' | b'!' | b'?')) {
        return None;
    }
    // A scan stops at the next `<`, so every byte is scanned from at most one `<`: linear.
    let rest = &bytes[start + 1..];
    let close = rest.iter().position(|&b| b == b'>' || b == b'<')?;
    (rest[close] == b'>').then_some(start + 1 + close + 1)
}

/// The character reference that starts at `start` (`&`), its end and replacement, if it is one.
fn reference(bytes: &[u8], start: usize) -> Option<(usize, Replacement)> {
    let body_start = start + 1;
    let limit = bytes.len().min(body_start + LONGEST_REFERENCE + 1);
    let semicolon = bytes[body_start..limit].iter().position(|&b| b == b';')? + body_start;
    let body = &bytes[body_start..semicolon];
    let end = semicolon + 1;
    if let Some(number) = body.strip_prefix(b"#") {
        let value = match number.first() {
            Some(b'x' | b'X') => parse_number(&number[1..], 16)?,
            _ => parse_number(number, 10)?,
        };
        // Not a character (NUL, a surrogate, past U+10FFFF): a space, not U+FFFD, so that no
        // term is made of it.
        return Some((
            end,
            match char::from_u32(value).filter(|&c| c != '\0') {
                Some(c) => Replacement::Char(c),
                None => Replacement::Space,
            },
        ));
    }
    if body.is_empty() || !body.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    // Doubly escaped (`&amp;rsquo;`): the inner reference is the character meant.
    if body == b"amp" {
        if let Some((inner_end, inner)) = (bytes.get(end) == Some(&b'#')
            || bytes.get(end).is_some_and(u8::is_ascii_alphabetic))
        .then(|| reference_after_amp(bytes, end))
        .flatten()
        {
            return Some((inner_end, inner));
        }
    }
    let name = std::str::from_utf8(body).ok()?;
    let lower = name.to_ascii_lowercase();
    Some((
        end,
        match NAMED_REFERENCES.binary_search_by(|(n, _)| n.cmp(&lower.as_str())) {
            Ok(at) => Replacement::Text(NAMED_REFERENCES[at].1),
            Err(_) => Replacement::Space,
        },
    ))
}

/// The reference spelled at `at` after an `&amp;` (as if `&` stood at `at - 1`).
fn reference_after_amp(bytes: &[u8], at: usize) -> Option<(usize, Replacement)> {
    // `reference` reads the body from one past its start; `at - 1` is the `;` of `&amp;`.
    reference(bytes, at - 1).filter(|_| bytes[at - 1] == b';')
}

/// The value of ASCII digits in `radix` (at most 8 of them), if they are digits.
fn parse_number(digits: &[u8], radix: u32) -> Option<u32> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(text, radix).ok()
}

/// The end of the URL that starts at `start`, if one does.
fn url_end(bytes: &[u8], start: usize) -> Option<usize> {
    let rest = &bytes[start..];
    let scheme = [&b"https://"[..], b"http://", b"www."]
        .into_iter()
        .find(|prefix| {
            rest.len() > prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
        })?;
    let body = &rest[scheme.len()..];
    let length = body
        .iter()
        .position(|&b| {
            b.is_ascii_whitespace() || !b.is_ascii() || matches!(b, b'"' | b'\'' | b'<' | b'>')
        })
        .unwrap_or(body.len());
    // `www.` alone, or a scheme with nothing after it, is not a URL.
    (length > 0).then_some(start + scheme.len() + length)
}

/// The end of the bracketed marker that opens at `start` (`[`), if one does.
fn marker_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    if bytes.get(at) == Some(&b'/') {
        at += 1;
    }
    if !bytes.get(at)?.is_ascii_alphabetic() {
        return None;
    }
    let limit = bytes.len().min(at + LONGEST_MARKER + 1);
    let close = bytes[at..limit]
        .iter()
        .position(|&b| !b.is_ascii() || matches!(b, b'[' | b']' | b'\n' | b'\r'))?
        + at;
    (bytes[close] == b']').then_some(close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(text: &str) -> String {
        clean_scraped(text).into_owned()
    }

    #[test]
    fn the_reference_table_is_sorted() {
        assert!(NAMED_REFERENCES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn text_without_debris_is_borrowed() {
        for text in [
            "পুতিন বলেছেন",
            "a < b and c > d",
            "AT&T",
            "[১] সূত্র",
            "whatever www",
            "",
        ] {
            assert!(matches!(clean_scraped(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn tags_become_spaces() {
        assert_eq!(clean("<p>one</p><br/>two"), " one  two");
        assert_eq!(clean("<a href=\"x.html\">link</a>"), " link ");
        assert_eq!(clean("<!-- note -->text"), " text");
        assert_eq!(clean("a < b"), "a < b");
        assert_eq!(clean("<a <b>"), "<a  ");
        assert_eq!(clean("<unclosed"), "<unclosed");
    }

    #[test]
    fn references_become_characters() {
        assert_eq!(clean("don&rsquo;t"), "don’t");
        assert_eq!(clean("it&#039;s &#x2019; &#8220;"), "it's ’ “");
        assert_eq!(clean("a&nbsp;b &AMP; c"), "a\u{A0}b & c");
        assert_eq!(clean("&amp;rsquo;quoted&amp;#039;"), "’quoted'");
        assert_eq!(clean("&unknownname;x"), " x");
        assert_eq!(clean("&#0; &#xD800; &#99999999;"), "     ");
        assert_eq!(clean("&lt;b&gt;"), "<b>");
        assert_eq!(clean("AT&T; R&D"), "AT  R&D");
    }

    #[test]
    fn urls_become_spaces() {
        assert_eq!(clean("see https://example.com/a?b=c. next"), "see   next");
        assert_eq!(clean("(www.prothomalo.com)"), "( ");
        assert_eq!(clean("দেখুন http://x.org/পাতা"), "দেখুন  পাতা");
        assert_eq!(clean("showhttp://x.org"), "showhttp://x.org");
        assert_eq!(clean("http:// alone"), "http:// alone");
    }

    #[test]
    fn scraper_markers_become_spaces() {
        assert_eq!(clean("[ad_1] রাশিয়ার [ad_2]"), "  রাশিয়ার  ");
        assert_eq!(clean("[caption id=\"a1\"]photo[/caption]"), " photo ");
        assert_eq!(clean("[সম্পাদিত] [১] [ unclosed"), "[সম্পাদিত] [১] [ unclosed");
    }

    #[test]
    fn every_cut_is_on_a_character_boundary() {
        let text = "<b>পুতিন</b>&rsquo;কিম&#2453;[ad_1]https://x.y/পা";
        assert_eq!(clean(text), " পুতিন ’কিমক  পা");
    }
}
