//! Session stores. The embedded [`MemoryStore`] is the default; actix-session's
//! `CookieSessionStore` works as is.

mod memory;

pub use memory::{MemoryStore, MemoryStoreBuilder};
