//! The derive's compile errors point at the attribute that is wrong.
//!
//! The expected messages (`tests/derive_errors/*.stderr`) are compiler
//! output, written with rustc 1.95; after a compiler upgrade that words
//! them differently, `TRYBUILD=overwrite cargo test --test derive_errors`
//! rewrites them, for review like any change.

#[test]
fn mistakes_in_a_declaration_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/derive_errors/*.rs");
}
