//! The tests of actix-wizard live in this package's `tests/` and
//! `benches/`; this library is empty but for the README's code, compiled
//! here as a doctest (with the testing kit and every store, which the
//! crate's own doctests build without) so that it stays true.
//!
//! Run everything with the README's test command, `cargo test --workspace`.

/// The README's code.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
