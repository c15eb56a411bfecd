//! File fields (feature `uploads`): what a file is by its content
//! ([`FileKind`]), and virus scanning ([`Scanner`], [`ClamAv`]).

mod kind;
mod scan;

pub use kind::FileKind;
pub use scan::{ClamAv, ClamdAddress, Scan, ScanError, Scanner, Verdict};
