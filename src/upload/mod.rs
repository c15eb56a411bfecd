//! File fields (feature `uploads`): what a file is by its content
//! ([`FileKind`]), the file a run holds ([`Upload`]), where it waits
//! ([`Staging`]), and virus scanning ([`Scanner`], [`ClamAv`]).

mod held;
mod kind;
// Read by the step pipeline once file fields are declared (next); its
// unit tests drive it now.
#[allow(dead_code)]
mod receive;
mod scan;
mod staging;

pub use held::Upload;
pub use kind::FileKind;
pub use scan::{ClamAv, ClamdAddress, Scan, ScanError, Scanner, Verdict};
pub use staging::{Staging, StagingError};
