//! Session stores. The embedded [`MemoryStore`] is the default; Redis
//! ([`RedisBackend`], feature `redis`) and memcached ([`MemcachedStore`],
//! feature `memcached`) serve several app instances; actix-session's
//! `CookieSessionStore` works as is.

use std::fmt;

pub(crate) mod grace;
#[cfg(feature = "memcached")]
mod memcached;
mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use grace::RenewalGrace;
#[cfg(feature = "memcached")]
pub use memcached::MemcachedStore;
#[cfg(feature = "memcached")]
pub(crate) use memcached::ttl_of as memcached_ttl;
pub use memory::{MemoryStore, MemoryStoreBuilder};
#[cfg(feature = "redis")]
pub use redis::RedisBackend;

/// Why an external store could not be set up.
///
/// ```
/// use actix_wizard::store::StoreError;
/// let error = StoreError::unreachable("Redis at redis://10.0.0.7:6379", std::io::Error::other("connection refused"));
/// assert_eq!(error.to_string(), "store unreachable: Redis at redis://10.0.0.7:6379: connection refused");
/// assert!(std::error::Error::source(&error).is_some());
/// ```
#[derive(Debug)]
pub enum StoreError {
    /// The address is not of the expected form.
    BadUrl(String),
    /// The server did not answer.
    Unreachable {
        /// Which server, as configured.
        server: String,
        /// What the client reported.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    /// `server` did not answer, for the reason `source` gives.
    pub fn unreachable(
        server: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self::Unreachable {
            server: server.into(),
            source: source.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadUrl(reason) => write!(f, "bad store address: {reason}"),
            Self::Unreachable { server, source } => {
                write!(f, "store unreachable: {server}: {source}")
            }
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::BadUrl(_) => None,
            Self::Unreachable { source, .. } => Some(source.as_ref()),
        }
    }
}
