//! The reader against arrays and streams built by hand, whose buffers Rust owns and whose
//! release callbacks count how often they run.

use std::ffi::{c_char, c_int, c_void};
use std::ptr;

use crate::arrow::column::ImportedStrings;
use crate::arrow::ffi::{ArrowArray, ArrowArrayStream, ArrowSchema};
use crate::error::{ArrowError, DocumentProblem};
use crate::text::decode::RawText;
use std::collections::VecDeque;
use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

// -- Arrays built by hand: Rust-owned buffers, freed by the release callback, which counts.

struct OwnedArray {
    _buffers: Vec<Option<Vec<u8>>>,
    pointers: Vec<*const c_void>,
    released: Arc<AtomicUsize>,
}

unsafe extern "C" fn release_array(array: *mut ArrowArray) {
    unsafe {
        assert!((*array).release.is_some(), "released twice");
        let owned = Box::from_raw((*array).private_data.cast::<OwnedArray>());
        owned.released.fetch_add(1, SeqCst);
        drop(owned);
        (*array).release = None;
    }
}

fn array(
    length: i64,
    offset: i64,
    null_count: i64,
    buffers: Vec<Option<Vec<u8>>>,
    released: &Arc<AtomicUsize>,
) -> ArrowArray {
    let pointers: Vec<*const c_void> = buffers
        .iter()
        .map(|b| b.as_ref().map_or(ptr::null(), |b| b.as_ptr().cast()))
        .collect();
    let mut owned = Box::new(OwnedArray {
        _buffers: buffers,
        pointers,
        released: released.clone(),
    });
    ArrowArray {
        length,
        null_count,
        offset,
        n_buffers: owned.pointers.len() as i64,
        n_children: 0,
        buffers: owned.pointers.as_mut_ptr(),
        children: ptr::null_mut(),
        dictionary: ptr::null_mut(),
        release: Some(release_array),
        private_data: Box::into_raw(owned).cast(),
    }
}

struct OwnedSchema {
    _strings: Vec<CString>,
    children: Vec<*mut ArrowSchema>,
    dictionary: *mut ArrowSchema,
    released: Arc<AtomicUsize>,
}

unsafe extern "C" fn release_schema(schema: *mut ArrowSchema) {
    unsafe {
        assert!((*schema).release.is_some(), "released twice");
        let owned = Box::from_raw((*schema).private_data.cast::<OwnedSchema>());
        for &child in &owned.children {
            drop(Box::from_raw(child)); // Drop releases it
        }
        if !owned.dictionary.is_null() {
            drop(Box::from_raw(owned.dictionary));
        }
        owned.released.fetch_add(1, SeqCst);
        drop(owned);
        (*schema).release = None;
    }
}

fn schema_with(
    format: &str,
    name: &str,
    children: Vec<ArrowSchema>,
    dictionary: Option<ArrowSchema>,
    released: &Arc<AtomicUsize>,
) -> ArrowSchema {
    let format = CString::new(format).unwrap();
    let name = CString::new(name).unwrap();
    let (format_ptr, name_ptr) = (format.as_ptr(), name.as_ptr());
    let mut owned = Box::new(OwnedSchema {
        _strings: vec![format, name],
        children: children
            .into_iter()
            .map(|c| Box::into_raw(Box::new(c)))
            .collect(),
        dictionary: dictionary.map_or(ptr::null_mut(), |d| Box::into_raw(Box::new(d))),
        released: released.clone(),
    });
    ArrowSchema {
        format: format_ptr,
        name: name_ptr,
        metadata: ptr::null(),
        flags: 0,
        n_children: owned.children.len() as i64,
        children: owned.children.as_mut_ptr(),
        dictionary: owned.dictionary,
        release: Some(release_schema),
        private_data: Box::into_raw(owned).cast(),
    }
}

fn schema(format: &str, released: &Arc<AtomicUsize>) -> ArrowSchema {
    schema_with(format, "", vec![], None, released)
}

fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

fn offsets32(values: &[i32]) -> Option<Vec<u8>> {
    Some(values.iter().flat_map(|v| v.to_ne_bytes()).collect())
}

fn offsets64(values: &[i64]) -> Option<Vec<u8>> {
    Some(values.iter().flat_map(|v| v.to_ne_bytes()).collect())
}

fn bitmap(valid: &[bool]) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; valid.len().div_ceil(8)];
    for (i, &v) in valid.iter().enumerate() {
        if v {
            bytes[i / 8] |= 1 << (i % 8);
        }
    }
    Some(bytes)
}

/// Offsets and data of `texts`, laid end to end.
fn pack(texts: &[&str]) -> (Vec<i64>, Vec<u8>) {
    let mut offsets = vec![0i64];
    let mut data = Vec::new();
    for t in texts {
        data.extend_from_slice(t.as_bytes());
        offsets.push(data.len() as i64);
    }
    (offsets, data)
}

fn utf8_array(texts: &[&str], released: &Arc<AtomicUsize>) -> ArrowArray {
    let (offsets, data) = pack(texts);
    let offsets: Vec<i32> = offsets.iter().map(|&o| o as i32).collect();
    array(
        texts.len() as i64,
        0,
        0,
        vec![None, offsets32(&offsets), Some(data)],
        released,
    )
}

fn strs(imported: &ImportedStrings) -> Vec<String> {
    imported
        .texts()
        .unwrap()
        .into_iter()
        .map(|t| match t {
            RawText::Str(s) => s.to_owned(),
            RawText::Utf8Bytes(b) => format!("b{:?}", String::from_utf8_lossy(b)),
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

fn import(format: &str, array: ArrowArray) -> Result<ImportedStrings, ArrowError> {
    let released = counter();
    let result = unsafe { ImportedStrings::from_array(schema(format, &released), array) };
    assert_eq!(released.load(SeqCst), 1, "the schema is released at import");
    result
}

// -- Views.

fn view_inline(text: &[u8]) -> [u8; 16] {
    assert!(text.len() <= 12);
    let mut view = [0u8; 16];
    view[..4].copy_from_slice(&(text.len() as i32).to_ne_bytes());
    view[4..4 + text.len()].copy_from_slice(text);
    view
}

fn view_ref(len: i32, buffer: i32, offset: i32, prefix: &[u8]) -> [u8; 16] {
    let mut view = [0u8; 16];
    view[..4].copy_from_slice(&len.to_ne_bytes());
    view[4..8].copy_from_slice(&prefix[..4]);
    view[8..12].copy_from_slice(&buffer.to_ne_bytes());
    view[12..].copy_from_slice(&offset.to_ne_bytes());
    view
}

/// A view array of `texts` with long ones in two variadic buffers (alternating).
fn view_array(texts: &[Option<&str>], offset: i64, released: &Arc<AtomicUsize>) -> ArrowArray {
    let mut views = Vec::new();
    let mut data = [Vec::new(), Vec::new()];
    let mut long = 0;
    for t in texts {
        match t {
            None => views.extend_from_slice(&[0xAB; 16]), // garbage: undefined under a null
            Some(t) if t.len() <= 12 => views.extend_from_slice(&view_inline(t.as_bytes())),
            Some(t) => {
                let b = long % 2;
                long += 1;
                let at = data[b].len();
                data[b].extend_from_slice(b"--"); // something before, so offsets matter
                let at = at + 2;
                data[b].extend_from_slice(t.as_bytes());
                views.extend_from_slice(&view_ref(
                    t.len() as i32,
                    b as i32,
                    at as i32,
                    t.as_bytes(),
                ));
            }
        }
    }
    let valid: Vec<bool> = texts.iter().map(Option::is_some).collect();
    let nulls = valid.iter().filter(|v| !**v).count() as i64;
    let sizes = offsets64(&[data[0].len() as i64, data[1].len() as i64]);
    let [d0, d1] = data;
    array(
        texts.len() as i64 - offset,
        offset,
        if nulls > 0 { -1 } else { 0 },
        vec![
            if nulls > 0 { bitmap(&valid) } else { None },
            Some(views),
            Some(d0),
            Some(d1),
            sizes,
        ],
        released,
    )
}

// -- Streams built by hand.

struct OwnedStream {
    format: String,
    chunks: VecDeque<ArrowArray>,
    fail_after: Option<usize>,
    served: usize,
    error: CString,
    released: Arc<AtomicUsize>,
    schemas_released: Arc<AtomicUsize>,
}

unsafe extern "C" fn stream_get_schema(
    stream: *mut ArrowArrayStream,
    out: *mut ArrowSchema,
) -> c_int {
    unsafe {
        let owned = &*(*stream).private_data.cast::<OwnedStream>();
        ptr::write(out, schema(&owned.format, &owned.schemas_released));
    }
    0
}

unsafe extern "C" fn stream_get_next(stream: *mut ArrowArrayStream, out: *mut ArrowArray) -> c_int {
    unsafe {
        let owned = &mut *(*stream).private_data.cast::<OwnedStream>();
        if owned.fail_after == Some(owned.served) {
            return 5; // EIO
        }
        owned.served += 1;
        match owned.chunks.pop_front() {
            Some(chunk) => ptr::write(out, chunk),
            None => ptr::write(out, ArrowArray::empty()),
        }
    }
    0
}

unsafe extern "C" fn stream_last_error(stream: *mut ArrowArrayStream) -> *const c_char {
    unsafe {
        (*(*stream).private_data.cast::<OwnedStream>())
            .error
            .as_ptr()
    }
}

unsafe extern "C" fn stream_release(stream: *mut ArrowArrayStream) {
    unsafe {
        assert!((*stream).release.is_some(), "released twice");
        let owned = Box::from_raw((*stream).private_data.cast::<OwnedStream>());
        owned.released.fetch_add(1, SeqCst);
        drop(owned); // releases the chunks not served
        (*stream).release = None;
    }
}

fn stream(
    format: &str,
    chunks: Vec<ArrowArray>,
    fail_after: Option<usize>,
    released: &Arc<AtomicUsize>,
    schemas_released: &Arc<AtomicUsize>,
) -> ArrowArrayStream {
    let owned = Box::new(OwnedStream {
        format: format.into(),
        chunks: chunks.into(),
        fail_after,
        served: 0,
        error: CString::new("the disk is on fire").unwrap(),
        released: released.clone(),
        schemas_released: schemas_released.clone(),
    });
    ArrowArrayStream {
        get_schema: Some(stream_get_schema),
        get_next: Some(stream_get_next),
        get_last_error: Some(stream_last_error),
        release: Some(stream_release),
        private_data: Box::into_raw(owned).cast(),
    }
}

// -- The tests.

#[test]
fn imported_strings_can_go_to_other_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ImportedStrings>();
}

#[test]
fn utf8_is_read_in_place_and_released_once() {
    let released = counter();
    let imported = import("u", utf8_array(&["a", "", "ভাষা", "zz"], &released)).unwrap();
    assert_eq!(strs(&imported), ["a", "", "ভাষা", "zz"]);
    assert_eq!(
        (imported.len(), imported.null_count(), imported.format()),
        (4, 0, "u")
    );
    assert!(!imported.is_binary());
    // Zero copy: the view is inside the array's data buffer.
    let data = imported.first_chunk_buffer(2);
    match imported.texts().unwrap()[2] {
        RawText::Str(s) => assert_eq!(s.as_ptr(), unsafe { data.add(1) }),
        _ => unreachable!(),
    }
    assert_eq!(released.load(SeqCst), 0);
    drop(imported);
    assert_eq!(released.load(SeqCst), 1);
}

#[test]
fn large_utf8_and_slices() {
    let released = counter();
    let (offsets, data) = pack(&["skip", "αβ", "", "γ", "tail"]);
    // Rows 1..4 of the buffers.
    let arr = array(
        3,
        1,
        0,
        vec![None, offsets64(&offsets), Some(data)],
        &released,
    );
    let imported = import("U", arr).unwrap();
    assert_eq!(strs(&imported), ["αβ", "", "γ"]);
    drop(imported);
    assert_eq!(released.load(SeqCst), 1);

    // Sliced int32 offsets that do not start at 0, and a data buffer longer than needed.
    let released = counter();
    let arr = array(
        2,
        1,
        0,
        vec![
            None,
            offsets32(&[3, 5, 8, 9]),
            Some(b"xyzabcdefghij".to_vec()),
        ],
        &released,
    );
    let imported = import("u", arr).unwrap();
    assert_eq!(strs(&imported), ["cde", "f"]);
}

#[test]
fn nulls_are_reported_with_their_index() {
    let released = counter();
    let (offsets, data) = pack(&["a", "", "c", "d", "e", "f", "g", "h", "i", "j"]);
    let offsets: Vec<i32> = offsets.iter().map(|&o| o as i32).collect();
    let valid = [true, true, true, true, true, true, true, true, true, false];
    let arr = array(
        9,
        1,
        1,
        vec![bitmap(&valid), offsets32(&offsets), Some(data)],
        &released,
    );
    let imported = import("u", arr).unwrap();
    assert_eq!(imported.null_count(), 1);
    assert_eq!(imported.first_null(), Some(8)); // bit 9 with offset 1
    assert_eq!(imported.texts().unwrap_err(), ArrowError::Null { index: 8 });
    let all = imported.texts_or_nulls().unwrap();
    assert_eq!(all.len(), 9);
    assert!(all[8].is_none() && all[0].is_some());
    assert!(ArrowError::Null { index: 8 }
        .to_string()
        .contains("document 8 is null"));
    drop(imported);
    assert_eq!(released.load(SeqCst), 1);
}

#[test]
fn null_count_and_bitmap_rules() {
    // Unknown null count (-1) without a bitmap: no nulls.
    let released = counter();
    let arr = array(
        1,
        0,
        -1,
        vec![None, offsets32(&[0, 1]), Some(b"a".to_vec())],
        &released,
    );
    assert_eq!(strs(&import("u", arr).unwrap()), ["a"]);
    // A null count of 0 makes the bitmap irrelevant.
    let arr = array(
        1,
        0,
        0,
        vec![bitmap(&[false]), offsets32(&[0, 1]), Some(b"a".to_vec())],
        &released,
    );
    assert_eq!(strs(&import("u", arr).unwrap()), ["a"]);
    // Nulls without a bitmap are malformed (and the array is still released).
    let arr = array(
        1,
        0,
        1,
        vec![None, offsets32(&[0, 1]), Some(b"a".to_vec())],
        &released,
    );
    assert!(matches!(import("u", arr), Err(ArrowError::Malformed(m)) if m.contains("bitmap")));
    assert_eq!(released.load(SeqCst), 3);
}

#[test]
fn empty_arrays_and_empty_strings() {
    let released = counter();
    // Length 0: no buffer is needed.
    let arr = array(0, 0, 0, vec![None, None, None], &released);
    let imported = import("u", arr).unwrap();
    assert!(imported.is_empty());
    assert_eq!(imported.texts().unwrap().len(), 0);
    drop(imported);
    // Only empty strings: the data buffer may be null.
    let arr = array(2, 0, 0, vec![None, offsets32(&[0, 0, 0]), None], &released);
    assert_eq!(strs(&import("u", arr).unwrap()), ["", ""]);
    // ... but not when the last offset says there is data.
    let arr = array(1, 0, 0, vec![None, offsets32(&[0, 2]), None], &released);
    assert!(matches!(import("u", arr), Err(ArrowError::Malformed(_))));
    assert_eq!(released.load(SeqCst), 3);
}

#[test]
fn malformed_offsets_are_errors_not_reads() {
    let cases: Vec<(&str, Vec<i32>, &str)> = vec![
        ("decreasing", vec![0, 3, 2, 4], "document 1"),
        ("negative first", vec![-1, 2, 3, 4], "document 0"),
        ("past the last", vec![0, 9, 3, 4], "document 0"),
        ("negative last", vec![0, 1, 2, -4], "last offset"),
    ];
    for (what, offsets, expected) in cases {
        let released = counter();
        let arr = array(
            3,
            0,
            0,
            vec![None, offsets32(&offsets), Some(b"abcd".to_vec())],
            &released,
        );
        match import("u", arr) {
            Err(ArrowError::Malformed(m)) => assert!(m.contains(expected), "{what}: {m}"),
            other => panic!("{what}: {other:?}"),
        }
        assert_eq!(released.load(SeqCst), 1, "{what}");
    }
    // Offsets under a null row must increase too.
    let released = counter();
    let arr = array(
        3,
        0,
        1,
        vec![
            bitmap(&[true, false, true]),
            offsets32(&[0, 2, 1, 2]),
            Some(b"ab".to_vec()),
        ],
        &released,
    );
    assert!(matches!(import("u", arr), Err(ArrowError::Malformed(m)) if m.contains("document 1")));
    // Wrong number of buffers, negative length.
    let arr = array(1, 0, 0, vec![None, offsets32(&[0, 1])], &released);
    assert!(matches!(import("u", arr), Err(ArrowError::Malformed(m)) if m.contains("buffers")));
    let arr = array(-1, 0, 0, vec![None, offsets32(&[0]), None], &released);
    assert!(matches!(import("u", arr), Err(ArrowError::Malformed(_))));
    let arr = array(1, 0, 0, vec![None, None, None], &released);
    assert!(matches!(import("u", arr), Err(ArrowError::Malformed(m)) if m.contains("offsets")));
    assert_eq!(released.load(SeqCst), 4);
}

#[test]
fn invalid_utf8_names_the_row_but_binary_is_bytes() {
    let released = counter();
    let make = || {
        array(
            3,
            0,
            0,
            vec![
                None,
                offsets32(&[0, 1, 3, 4]),
                Some(vec![b'a', 0xC3, 0x28, b'b']),
            ],
            &released,
        )
    };
    let imported = import("u", make()).unwrap();
    match imported.texts().unwrap_err() {
        ArrowError::InvalidUtf8 { index, problem } => {
            assert_eq!(index, 1);
            assert_eq!(
                problem,
                DocumentProblem::InvalidUtf8 {
                    offset: 0,
                    bytes: vec![0xC3]
                }
            );
        }
        other => panic!("{other:?}"),
    }
    let imported = import("z", make()).unwrap();
    assert!(imported.is_binary());
    let texts = imported.texts().unwrap();
    assert!(matches!(texts[1], RawText::Utf8Bytes(&[0xC3, 0x28])));
    let imported = import("Z", {
        array(
            1,
            0,
            0,
            vec![None, offsets64(&[0, 2]), Some(vec![0xFF, 0xFE])],
            &released,
        )
    })
    .unwrap();
    assert!(matches!(
        imported.texts().unwrap()[0],
        RawText::Utf8Bytes(&[0xFF, 0xFE])
    ));
}

#[test]
fn string_views_inline_and_in_variadic_buffers() {
    let released = counter();
    let texts = [
        Some("short"),
        Some("exactly12byt"),
        Some("a much longer string than twelve"),
        None,
        Some(""),
        Some("বাংলা ভাষা একটি ইন্দো-আর্য ভাষা"),
    ];
    let imported = import("vu", view_array(&texts, 0, &released)).unwrap();
    assert_eq!(imported.null_count(), 1);
    let all = imported.texts_or_nulls().unwrap();
    let got: Vec<Option<&str>> = all
        .iter()
        .map(|t| {
            t.map(|t| match t {
                RawText::Str(s) => s,
                _ => unreachable!(),
            })
        })
        .collect();
    assert_eq!(got, texts);
    assert_eq!(imported.texts().unwrap_err(), ArrowError::Null { index: 3 });
    // Inline strings borrow the views buffer; long ones their variadic buffer.
    let views = imported.first_chunk_buffer(1);
    let d1 = imported.first_chunk_buffer(3);
    match (all[0].unwrap(), all[5].unwrap()) {
        (RawText::Str(a), RawText::Str(b)) => {
            assert_eq!(a.as_ptr(), unsafe { views.add(4) });
            assert_eq!(b.as_ptr(), unsafe { d1.add(2) });
        }
        _ => unreachable!(),
    }
    drop(all);
    drop(imported);
    assert_eq!(released.load(SeqCst), 1);

    // Sliced: the offset skips views (and their nulls).
    let imported = import("vu", view_array(&texts, 4, &released)).unwrap();
    assert_eq!(strs(&imported), ["", "বাংলা ভাষা একটি ইন্দো-আর্য ভাষা"]);
    // Binary views.
    let imported = import("vz", view_array(&[Some("abc")], 0, &released)).unwrap();
    assert!(matches!(
        imported.texts().unwrap()[0],
        RawText::Utf8Bytes(b"abc")
    ));
}

#[test]
fn malformed_views_are_errors() {
    let released = counter();
    let long = b"0123456789abcdef";
    let cases: Vec<([u8; 16], &str)> = vec![
        (view_ref(16, 2, 0, long), "variadic buffer 2"),
        (view_ref(16, -1, 0, long), "variadic buffer -1"),
        (view_ref(16, 0, 1, long), "outside"),
        (view_ref(16, 0, -1, long), "outside"),
        (view_ref(-3, 0, 0, long), "negative length"),
    ];
    for (view, expected) in cases {
        let arr = array(
            1,
            0,
            0,
            vec![
                None,
                Some(view.to_vec()),
                Some(long.to_vec()),
                None,
                offsets64(&[16, 0]),
            ],
            &released,
        );
        match import("vu", arr) {
            Err(ArrowError::Malformed(m)) => assert!(m.contains(expected), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    // A good one with the same buffers reads.
    let arr = array(
        1,
        0,
        0,
        vec![
            None,
            Some(view_ref(16, 0, 0, long).to_vec()),
            Some(long.to_vec()),
            None,
            offsets64(&[16, 0]),
        ],
        &released,
    );
    assert_eq!(strs(&import("vu", arr).unwrap()), ["0123456789abcdef"]);
    // A variadic buffer whose size says it has bytes must be there.
    let arr = array(0, 0, 0, vec![None, None, None, offsets64(&[4])], &released);
    assert!(import("vu", arr).is_ok(), "length 0 reads nothing");
    let arr = array(
        1,
        0,
        0,
        vec![
            None,
            Some(view_inline(b"x").to_vec()),
            None,
            offsets64(&[4]),
        ],
        &released,
    );
    assert!(matches!(import("vu", arr), Err(ArrowError::Malformed(m)) if m.contains("missing")));
    assert_eq!(released.load(SeqCst), 8);
}

#[test]
fn streams_of_chunks_count_rows_across_chunks() {
    let (released, stream_released, schemas) = (counter(), counter(), counter());
    let (offsets, data) = pack(&["c", "d", "e"]);
    let offsets: Vec<i32> = offsets.iter().map(|&o| o as i32).collect();
    let chunks = vec![
        utf8_array(&["a", "b"], &released),
        array(0, 0, 0, vec![None, None, None], &released),
        array(
            3,
            0,
            1,
            vec![
                bitmap(&[true, false, true]),
                offsets32(&offsets),
                Some(data),
            ],
            &released,
        ),
    ];
    let s = stream("u", chunks, None, &stream_released, &schemas);
    let imported = unsafe { ImportedStrings::from_stream(s) }.unwrap();
    // The stream and its schema are released once imported; the empty chunk too.
    assert_eq!(stream_released.load(SeqCst), 1);
    assert_eq!(schemas.load(SeqCst), 1);
    assert_eq!(released.load(SeqCst), 1);
    assert_eq!((imported.len(), imported.num_chunks()), (5, 2));
    assert_eq!(imported.texts().unwrap_err(), ArrowError::Null { index: 3 });
    assert_eq!(imported.first_null(), Some(3));
    let all = imported.texts_or_nulls().unwrap();
    assert!(matches!(all[4], Some(RawText::Str("e"))));
    drop(all);
    drop(imported);
    assert_eq!(released.load(SeqCst), 3);
}

#[test]
fn stream_errors_and_wrong_types_release_everything() {
    let (released, stream_released, schemas) = (counter(), counter(), counter());
    let chunks = vec![utf8_array(&["a"], &released), utf8_array(&["b"], &released)];
    let s = stream("u", chunks, Some(1), &stream_released, &schemas);
    let error = unsafe { ImportedStrings::from_stream(s) }.unwrap_err();
    assert_eq!(
        error,
        ArrowError::Stream {
            code: 5,
            message: "the disk is on fire".into()
        }
    );
    assert_eq!(
        released.load(SeqCst),
        2,
        "the served chunk, and the unserved one"
    );
    assert_eq!(stream_released.load(SeqCst), 1);

    let chunks = vec![utf8_array(&["a"], &released)];
    let s = stream("l", chunks, None, &stream_released, &schemas);
    let error = unsafe { ImportedStrings::from_stream(s) }.unwrap_err();
    assert!(
        error.to_string().contains("got int64 (format \"l\")"),
        "{error}"
    );
    assert_eq!(released.load(SeqCst), 3);
    assert_eq!(stream_released.load(SeqCst), 2);
    assert_eq!(schemas.load(SeqCst), 2);

    // A released stream is refused without calling anything.
    let empty = ArrowArrayStream::empty();
    assert!(matches!(
        unsafe { ImportedStrings::from_stream(empty) },
        Err(ArrowError::Malformed(_))
    ));
}

#[test]
fn unsupported_types_are_named() {
    let released = counter();
    let arr = || utf8_array(&["a"], &released);
    let fields = vec![
        schema_with("u", "text", vec![], None, &released),
        schema_with("l", "id", vec![], None, &released),
    ];
    let table = schema_with("+s", "", fields, None, &released);
    let error = unsafe { ImportedStrings::from_array(table, arr()) }.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("struct<text: string, id: int64>"),
        "{message}"
    );
    assert!(message.contains("table['text']"), "{message}");
    assert!(matches!(error, ArrowError::UnsupportedType { ref format, .. } if format == "+s"));

    let dict = schema_with("i", "", vec![], Some(schema("u", &released)), &released);
    let message = unsafe { ImportedStrings::from_array(dict, arr()) }
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("dictionary<values=string, indices=int32>"),
        "{message}"
    );
    assert!(message.contains("dictionary_decode"), "{message}");

    let list = schema_with("+l", "", vec![schema("u", &released)], None, &released);
    let message = unsafe { ImportedStrings::from_array(list, arr()) }
        .unwrap_err()
        .to_string();
    assert!(message.contains("list<string>"), "{message}");
    let ts = schema("tsu:UTC", &released);
    let message = unsafe { ImportedStrings::from_array(ts, arr()) }
        .unwrap_err()
        .to_string();
    assert!(message.contains("timestamp"), "{message}");
    // 4 arrays; schemas: 3 + 2 + 2 + 1.
    assert_eq!(released.load(SeqCst), 4 + 8);
}

#[test]
fn texts_in_parallel_reports_the_first_problem() {
    let released = counter();
    let n = 100_000;
    let mut data = Vec::new();
    let mut offsets = vec![0i32];
    let mut valid = vec![true; n];
    for i in 0..n {
        if i == 50_000 || i == 70_000 {
            data.extend_from_slice(b"\xff");
        } else {
            data.extend_from_slice(format!("doc {i}").as_bytes());
        }
        offsets.push(data.len() as i32);
    }
    valid[60_000] = false;
    valid[90_000] = false;
    let make = |valid: &[bool], released: &Arc<AtomicUsize>| {
        array(
            n as i64,
            0,
            -1,
            vec![bitmap(valid), offsets32(&offsets), Some(data.clone())],
            released,
        )
    };
    for _ in 0..5 {
        let chunks = vec![utf8_array(&["first"], &released), make(&valid, &released)];
        let s = stream("u", chunks, None, &counter(), &counter());
        let imported = unsafe { ImportedStrings::from_stream(s) }.unwrap();
        match imported.texts().unwrap_err() {
            ArrowError::InvalidUtf8 { index, .. } => assert_eq!(index, 50_001),
            other => panic!("{other:?}"),
        }
        assert_eq!(imported.first_null(), Some(60_001));
        let imported = import("z", make(&valid, &released)).unwrap();
        assert_eq!(
            imported.texts().unwrap_err(),
            ArrowError::Null { index: 60_000 }
        );
        let imported = import("z", make(&vec![true; n], &released)).unwrap();
        let texts = imported.texts().unwrap();
        assert_eq!(texts.len(), n);
        assert!(matches!(texts[n - 1], RawText::Utf8Bytes(b"doc 99999")));
    }
}

#[test]
fn take_moves_and_marks_the_source_released() {
    let released = counter();
    let mut source = utf8_array(&["a"], &released);
    let moved = unsafe { ArrowArray::take(&mut source) };
    assert!(source.is_released() && !moved.is_released());
    drop(source);
    assert_eq!(released.load(SeqCst), 0);
    drop(moved);
    assert_eq!(released.load(SeqCst), 1);
}
