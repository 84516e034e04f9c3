//! Documents as they arrive (Python strings in any of CPython's three widths, or bytes) turned
//! into UTF-8, one document at a time so that it can run in parallel.

use std::borrow::Cow;

use crate::error::DocumentProblem;

/// A document's text as its owner stores it, borrowed.
#[derive(Clone, Copy, Debug)]
pub enum RawText<'a> {
    /// Text known to be valid UTF-8.
    Str(&'a str),
    /// Bytes that should be UTF-8 (from a `bytes` document).
    Utf8Bytes(&'a [u8]),
    /// One byte per character, Latin-1 (CPython's compact form for text below U+0100).
    Latin1(&'a [u8]),
    /// Two bytes per character (CPython's form for text below U+10000: Bengali lands here).
    Ucs2(&'a [u16]),
    /// Four bytes per character.
    Ucs4(&'a [u32]),
}

/// What to do with bytes that are not UTF-8, as Python's `errors=` and scikit-learn's `decode_error`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DecodeErrors {
    #[default]
    Strict,
    Ignore,
    Replace,
}

fn lone_surrogate(code: u32, position: usize) -> DocumentProblem {
    DocumentProblem::LoneSurrogate { code, position }
}

/// The document as UTF-8, borrowed when it already is.
pub fn decode(raw: RawText<'_>, errors: DecodeErrors) -> Result<Cow<'_, str>, DocumentProblem> {
    match raw {
        RawText::Str(text) => Ok(Cow::Borrowed(text)),
        RawText::Latin1(bytes) => match std::str::from_utf8(bytes) {
            Ok(ascii) if bytes.is_ascii() => Ok(Cow::Borrowed(ascii)),
            _ => Ok(Cow::Owned(bytes.iter().map(|&b| b as char).collect())),
        },
        RawText::Ucs2(units) => ucs2_to_utf8(units).map(Cow::Owned),
        RawText::Ucs4(points) => {
            let mut out = String::with_capacity(points.len() * 4);
            for (position, &point) in points.iter().enumerate() {
                match char::from_u32(point) {
                    Some(c) => out.push(c),
                    None => return Err(lone_surrogate(point, position)),
                }
            }
            Ok(Cow::Owned(out))
        }
        RawText::Utf8Bytes(bytes) => decode_utf8(bytes, errors),
    }
}

/// CPython's two-byte form to UTF-8. Every unit is a whole code point below U+10000, so a
/// surrogate here is a lone surrogate, not half of a pair.
fn ucs2_to_utf8(units: &[u16]) -> Result<String, DocumentProblem> {
    let mut out = String::with_capacity(units.len() * 3);
    for (position, &unit) in units.iter().enumerate() {
        match char::from_u32(unit as u32) {
            Some(c) => out.push(c),
            None => return Err(lone_surrogate(unit as u32, position)),
        }
    }
    Ok(out)
}

fn decode_utf8(bytes: &[u8], errors: DecodeErrors) -> Result<Cow<'_, str>, DocumentProblem> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(error) if errors == DecodeErrors::Strict => {
            let offset = error.valid_up_to();
            let end = offset + error.error_len().unwrap_or(bytes.len() - offset);
            Err(DocumentProblem::InvalidUtf8 {
                offset,
                bytes: bytes[offset..end].to_vec(),
            })
        }
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                if !chunk.invalid().is_empty() && errors == DecodeErrors::Replace {
                    out.push(char::REPLACEMENT_CHARACTER);
                }
            }
            Ok(Cow::Owned(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_width_decodes() {
        let text = "কিম café 𝟗";
        let ucs4: Vec<u32> = text.chars().map(|c| c as u32).collect();
        assert_eq!(
            decode(RawText::Ucs4(&ucs4), DecodeErrors::Strict).unwrap(),
            text
        );
        let ucs2: Vec<u16> = "কিম café".chars().map(|c| c as u16).collect();
        assert_eq!(
            decode(RawText::Ucs2(&ucs2), DecodeErrors::Strict).unwrap(),
            "কিম café"
        );
        assert_eq!(
            decode(RawText::Latin1(b"caf\xe9"), DecodeErrors::Strict).unwrap(),
            "café"
        );
        assert!(matches!(
            decode(RawText::Latin1(b"ascii"), DecodeErrors::Strict),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn lone_surrogates_are_reported_with_their_position() {
        let units = [0x61, 0x62, 0xD800, 0x63];
        assert_eq!(
            decode(RawText::Ucs2(&units), DecodeErrors::Replace).unwrap_err(),
            DocumentProblem::LoneSurrogate {
                code: 0xD800,
                position: 2
            }
        );
    }

    #[test]
    fn invalid_utf8_follows_decode_errors() {
        let bytes = b"ab\xffc\xe0\x80d";
        assert_eq!(
            decode(RawText::Utf8Bytes(bytes), DecodeErrors::Strict).unwrap_err(),
            DocumentProblem::InvalidUtf8 {
                offset: 2,
                bytes: vec![0xff]
            }
        );
        assert_eq!(
            decode(RawText::Utf8Bytes(bytes), DecodeErrors::Ignore).unwrap(),
            "abcd"
        );
        // One replacement character per maximal invalid subpart, as Python's decoder.
        assert_eq!(
            decode(RawText::Utf8Bytes(bytes), DecodeErrors::Replace).unwrap(),
            String::from_utf8_lossy(bytes)
        );
    }
}
