//! `cargo xtask fuzz responses`: see [`fuzz::responses`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz::responses(data));
