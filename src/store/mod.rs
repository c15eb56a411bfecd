//! Session stores. The embedded [`MemoryStore`] is the default; Redis
//! ([`RedisBackend`], feature `redis`) and memcached ([`MemcachedStore`],
//! feature `memcached`) serve several app instances; actix-session's
//! `CookieSessionStore` works as is.

use std::fmt;

#[cfg(feature = "memcached")]
mod memcached;
mod memory;
#[cfg(feature = "redis")]
mod redis;

#[cfg(feature = "memcached")]
pub use memcached::MemcachedStore;
#[cfg(feature = "memcached")]
pub(crate) use memcached::ttl_of as memcached_ttl;
pub use memory::{MemoryStore, MemoryStoreBuilder};
#[cfg(feature = "redis")]
pub use redis::RedisBackend;

/// Why an external store could not be set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The address is not of the expected form.
    BadUrl(String),
    /// The server did not answer.
    Unreachable(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadUrl(reason) => write!(f, "bad store address: {reason}"),
            Self::Unreachable(reason) => write!(f, "store unreachable: {reason}"),
        }
    }
}

impl std::error::Error for StoreError {}
