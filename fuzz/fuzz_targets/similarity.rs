//! The similarity kernels (top-k, pairs, dense) on arbitrary small matrices: no panic, cosines
//! within [-1, 1] up to rounding and equal to brute force (textsim::invariants).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| textsim::invariants::check_similarity(data));
