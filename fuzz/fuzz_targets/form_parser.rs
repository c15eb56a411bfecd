#![no_main]
//! Fuzz target: see `actix_wizard::fuzzing::form`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    actix_wizard::fuzzing::form(data);
});
