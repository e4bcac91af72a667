//! `cargo xtask fuzz shorthand`: see [`fuzz::shorthand`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz::shorthand(data));
