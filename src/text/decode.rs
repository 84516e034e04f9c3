//! Documents as they arrive (Python strings in any of CPython's three widths, or bytes) turned
//! into UTF-8, one document at a time so that it can run in parallel.

use std::borrow::Cow;

use crate::error::{DocumentProblem, Error};

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

/// [`decode`] of document `index` of the input (`None`: a document on its own), whose problem
/// becomes the error that names it.
pub fn decode_document(
    raw: RawText<'_>,
    errors: DecodeErrors,
    index: Option<usize>,
) -> Result<Cow<'_, str>, Error> {
    decode(raw, errors).map_err(|problem| Error::Document { index, problem })
}

/// CPython's two-byte form to UTF-8. Every unit is a whole code point below U+10000, so a
/// surrogate here is a lone surrogate, not half of a pair.
///
/// Bengali text switches between one-byte (spaces, punctuation) and three-byte characters
/// every few characters, which a branch per width would keep guessing wrong. Instead every unit
/// is written as the same four-byte store, its bytes chosen without branches, and the output
/// advances by the unit's width.
fn ucs2_to_utf8(units: &[u16]) -> Result<String, DocumentProblem> {
    // Three bytes a unit at most, and one more for the last four-byte store.
    let mut out: Vec<u8> = Vec::with_capacity(units.len() * 3 + 1);
    let spare = out.spare_capacity_mut();
    let mut n = 0;
    for (position, &unit) in units.iter().enumerate() {
        let code = unit as u32;
        if code & 0xF800 == 0xD800 {
            return Err(lone_surrogate(code, position));
        }
        let (one, two) = (code < 0x80, code < 0x800);
        let three_bytes =
            0xE0 | (code >> 12) | (0x80 | ((code >> 6) & 0x3F)) << 8 | (0x80 | (code & 0x3F)) << 16;
        let two_bytes = 0xC0 | (code >> 6) | (0x80 | (code & 0x3F)) << 8;
        let word = if one {
            code
        } else if two {
            two_bytes
        } else {
            three_bytes
        };
        for (slot, byte) in spare[n..n + 4].iter_mut().zip(word.to_le_bytes()) {
            slot.write(byte);
        }
        n += 1 + (!one) as usize + (!two) as usize;
    }
    // SAFETY: the first `n` bytes were written above (each store wrote four bytes from `n` on,
    // within the capacity), and they are the UTF-8 encodings of the units, which are code points
    // below U+10000 and not surrogates (refused above): valid UTF-8.
    unsafe {
        out.set_len(n);
        debug_assert!(std::str::from_utf8(&out).is_ok());
        Ok(String::from_utf8_unchecked(out))
    }
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
    fn two_byte_text_decodes_as_the_standard_library_does() {
        let mut state = 0x2545F4914F6CDD1Du64;
        for _ in 0..5000 {
            let units: Vec<u16> = (0..(state % 40))
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Mostly ASCII, Latin and Bengali, now and then anything (surrogates too).
                    match state % 4 {
                        0 => (state >> 8) as u16 % 0x80,
                        1 => 0x80 + (state >> 8) as u16 % 0x780,
                        2 => 0x0980 + (state >> 8) as u16 % 0x80,
                        _ => (state >> 8) as u16,
                    }
                })
                .collect();
            let expected: Result<String, DocumentProblem> = units
                .iter()
                .enumerate()
                .map(|(position, &u)| {
                    char::from_u32(u as u32).ok_or(lone_surrogate(u as u32, position))
                })
                .collect();
            let got = decode(RawText::Ucs2(&units), DecodeErrors::Strict).map(|t| t.into_owned());
            assert_eq!(got, expected, "{units:?}");
        }
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
