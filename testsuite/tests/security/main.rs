//! Every attack the crate is known to face, in one test binary: those of
//! the security review (`attacks`: planted session ids, copied state,
//! stalled bodies, shaped cookie paths, lookalike addresses, control
//! characters, prefilled page views) and those on stored state and
//! cookies that SECURITY.md lists (`state`). SECURITY.md names the test
//! that holds each defence.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod attacks;
mod state;
