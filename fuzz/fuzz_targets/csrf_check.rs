#![no_main]
//! Fuzz target: see `actix_wizard::internals::csrf`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    actix_wizard::internals::csrf(data);
});
