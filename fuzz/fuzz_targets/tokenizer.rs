//! Normalizer + tokenizer + n-grams on arbitrary options and bytes: no panic, every token a
//! valid UTF-8 substring of the normalized text (the properties are in textsim::invariants).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| textsim::invariants::check_tokenizer(data));
