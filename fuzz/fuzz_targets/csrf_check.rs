#![no_main]
//! Fuzz target: see `actix_wizard::fuzzing::csrf`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    actix_wizard::fuzzing::csrf(data);
});
