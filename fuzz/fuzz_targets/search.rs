#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| souk::fuzzing::search(data));
