//! Translated words live as long as the process, as the declarations they
//! replace do (`&'static str`, `&'static [FieldSpec]`). Each distinct text
//! and list is kept once, so building a wizard again (a test per app, a
//! worker per core) adds nothing.

use std::collections::HashSet;
use std::hash::Hash;
use std::sync::{Mutex, OnceLock};

/// One process-wide set of kept values of type `T`.
pub(crate) struct Kept<T: ?Sized + 'static>(OnceLock<Mutex<HashSet<&'static T>>>);

impl<T: ?Sized + Eq + Hash + 'static> Kept<T> {
    pub(crate) const fn new() -> Self {
        Self(OnceLock::new())
    }

    /// The kept value equal to `value`, keeping `make()` when there is
    /// none yet.
    pub(crate) fn keep(&self, value: &T, make: impl FnOnce() -> Box<T>) -> &'static T {
        let set = self.0.get_or_init(Mutex::default);
        let mut set = set.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(kept) = set.get(value) {
            return kept;
        }
        let kept: &'static T = Box::leak(make());
        set.insert(kept);
        kept
    }
}

static TEXTS: Kept<str> = Kept::new();

/// `text`, kept for the process.
pub(crate) fn text(text: &str) -> &'static str {
    TEXTS.keep(text, || text.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_equal_text_is_kept_once() {
        let first = text(&String::from("Enw llawn"));
        let again = text(&String::from("Enw llawn"));
        assert!(std::ptr::eq(first, again));
        assert_eq!(first, "Enw llawn");
        assert!(!std::ptr::eq(first, text("Enw")));
    }
}
