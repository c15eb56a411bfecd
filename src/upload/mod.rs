//! File fields (feature `uploads`): what a file is by its content
//! ([`FileKind`]), the file a run holds ([`Upload`]), where it waits
//! ([`Staging`]), and virus scanning ([`Scanner`], [`ClamAv`]).

mod held;
mod kind;
mod receive;
mod scan;
mod staging;
mod sweep;

pub use held::Upload;
pub use kind::FileKind;
pub use scan::{ClamAv, ClamdAddress, Scan, ScanError, Scanner, Verdict};
pub use staging::{Staging, StagingError};
pub use sweep::Swept;

mod settle;

use std::sync::Arc;

pub(crate) use receive::{FileRule, Received, Receiver, Refused, receive};
pub(crate) use settle::settle;

/// Where a wizard's uploaded files go, and what a request may carry:
/// [`crate::WizardConfig::uploads`].
///
/// ```
/// use actix_wizard::upload::{ClamAv, Staging, Uploads};
///
/// let dir = std::env::temp_dir().join("actix-wizard-doc-uploads");
/// let uploads = Uploads::new(Staging::local(&dir).expect("a directory"))
///     .scanner(ClamAv::from_address("tcp://127.0.0.1:3310").expect("an address"))
///     .max_size(5 * 1024 * 1024);
/// let config = actix_wizard::WizardConfig::default().uploads(uploads);
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct Uploads {
    pub(crate) staging: Staging,
    pub(crate) scanner: Option<Arc<dyn Scanner>>,
    pub(crate) max_size: u64,
    pub(crate) request_limit: u64,
}

impl Uploads {
    /// Files staged in `staging`, not scanned, at most 10 MiB each
    /// (a field's `max_size` says otherwise), at most 4 of them and the
    /// form's text in one request.
    pub fn new(staging: Staging) -> Self {
        let max_size = crate::files::DEFAULT_MAX_SIZE;
        Self {
            staging,
            scanner: None,
            max_size,
            request_limit: 4 * max_size + 64 * 1024,
        }
    }

    /// Scans every file with `scanner` before it is accepted.
    pub fn scanner(mut self, scanner: impl Scanner) -> Self {
        self.scanner = Some(Arc::new(scanner));
        self
    }

    /// The largest file of a field that does not say, in bytes.
    pub fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = bytes;
        self
    }

    /// The largest request body, files included, in bytes (larger: 413,
    /// the connection closed).
    pub fn request_limit(mut self, bytes: u64) -> Self {
        self.request_limit = bytes;
        self
    }

    /// The staging area.
    pub fn staging(&self) -> &Staging {
        &self.staging
    }
}

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploads")
            .field("staging", &self.staging)
            .field("scanned", &self.scanner.is_some())
            .field("max_size", &self.max_size)
            .field("request_limit", &self.request_limit)
            .finish()
    }
}
