#![no_main]
//! Fuzz target: see `actix_wizard::internals::state`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    actix_wizard::internals::state(data);
});
