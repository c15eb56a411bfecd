//! [`RenewalGrace`]: a request sent with a session id the wizard has just
//! renewed away still finds the session, for a few seconds.
//!
//! The wizard renews the session id when a run first stores answers in a
//! session that already existed (a planted id then names nothing). A
//! request the browser sent before the renewal's response arrived (a
//! second click, another tab) carries the old id; without a grace period
//! it would find nothing, tell its visitor that their answers expired, and
//! leave the browser with a third session that holds none of them.
//!
//! Here a renewal writes the session under a new id and leaves, under the
//! old one, a forwarding entry that lives for the grace period: a request
//! with the old id reads and writes the new session, and its response
//! gives the browser the new id. Only where a session id cannot be
//! planted (the `__Host-` session cookie: see SECURITY.md) is the grace
//! on, because for its few seconds the old id opens the new session.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;

type State = HashMap<String, String>;

/// The entry a loaded session carries in memory (never in the store): the
/// id it is stored under, which is the id the browser sent unless that id
/// was renewed away and forwards here.
pub(crate) const LOADED_AS: &str = "__wizard.loaded_as";
/// The entry that asks for the session id to be renewed with a grace
/// period (set by the wizard in place of `Session::renew`).
pub(crate) const RENEW: &str = "__wizard.renew";
/// The only entry of a forwarding entry: the id the session moved to.
const MOVED_TO: &str = "__wizard.moved_to";
/// What every entry of this module's own starts with.
pub(crate) const OWN_PREFIX: &str = "__wizard.";

/// A session store that gives a renewed-away session id a grace period
/// (see the module's documentation). With no grace it passes every call
/// through unchanged and costs nothing.
///
/// [`crate::http::session_middleware`] wraps every store in it; build one by
/// hand only to compose actix-session's middleware yourself:
///
/// ```
/// use actix_wizard::{MemoryStore, store::RenewalGrace};
/// use std::time::Duration;
///
/// let store = RenewalGrace::new(MemoryStore::default(), Some(Duration::from_secs(10)));
/// # let _ = store;
/// ```
#[derive(Clone, Debug)]
pub struct RenewalGrace<S> {
    inner: S,
    grace: Option<Duration>,
    /// The old ids this process read through to a new session lately, by
    /// old id, so that ending a session through its old id ends the new
    /// one as well without a read (rare: only within a grace period).
    forwarded: Arc<Mutex<HashMap<String, (String, Instant)>>>,
}

impl<S> RenewalGrace<S> {
    /// `inner`, with a renewed-away id forwarding for `grace` (`None` or
    /// zero: no grace, the old id names nothing at once).
    pub fn new(inner: S, grace: Option<std::time::Duration>) -> Self {
        let grace = grace
            .filter(|grace| !grace.is_zero())
            .and_then(|grace| Duration::try_from(grace).ok());
        Self {
            inner,
            grace,
            forwarded: Arc::default(),
        }
    }

    /// Notes that `old` was read through to `new` (and forgets notes older
    /// than the grace period).
    fn note_forwarding(&self, old: &SessionKey, new: &SessionKey) {
        let mut forwarded = self
            .forwarded
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let grace = self
            .grace
            .map_or(std::time::Duration::ZERO, |g| g.unsigned_abs());
        forwarded.retain(|_, (_, at)| at.elapsed() <= grace);
        forwarded.insert(
            old.as_ref().to_owned(),
            (new.as_ref().to_owned(), Instant::now()),
        );
    }

    /// The new session `old` was read through to, forgetting the note.
    fn take_forwarding(&self, old: &SessionKey) -> Option<SessionKey> {
        let mut forwarded = self
            .forwarded
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if forwarded.is_empty() {
            return None;
        }
        let (new, _) = forwarded.remove(old.as_ref())?;
        SessionKey::try_from(new).ok()
    }
}

/// A session key from a forwarding entry, if it is one.
fn forwarded_to(state: &State) -> Option<SessionKey> {
    let moved: String = serde_json::from_str(state.get(MOVED_TO)?).ok()?;
    SessionKey::try_from(moved).ok()
}

impl<S: SessionStore> SessionStore for RenewalGrace<S> {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let Some(mut state) = self.inner.load(session_key).await? else {
            return Ok(None);
        };
        if self.grace.is_none() {
            return Ok(Some(state));
        }
        let mut stored_as = session_key.as_ref().to_owned();
        if let Some(target) = forwarded_to(&state) {
            // One hop only: a forwarding entry is never forwarded to.
            match self.inner.load(&target).await? {
                Some(moved) if forwarded_to(&moved).is_none() => state = moved,
                _ => return Ok(None),
            }
            stored_as = target.as_ref().to_owned();
            self.note_forwarding(session_key, &target);
        }
        state.insert(LOADED_AS.to_owned(), json_string(&stored_as));
        Ok(Some(state))
    }

    async fn save(&self, mut state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        state.remove(LOADED_AS);
        state.remove(RENEW);
        self.inner.save(state, ttl).await
    }

    async fn update(
        &self,
        session_key: SessionKey,
        mut state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let stored_as = state
            .remove(LOADED_AS)
            .and_then(|value| serde_json::from_str::<String>(&value).ok())
            .and_then(|key| SessionKey::try_from(key).ok())
            .unwrap_or(session_key);
        let (true, Some(grace)) = (state.remove(RENEW).is_some(), self.grace) else {
            return self.inner.update(stored_as, state, ttl).await;
        };
        let renewed = self
            .inner
            .save(state, ttl)
            .await
            .map_err(|error| UpdateError::Other(anyhow::anyhow!(error.to_string())))?;
        let forward = State::from([(MOVED_TO.to_owned(), json_string(renewed.as_ref()))]);
        // Over the old session (a write that finds it gone stores the
        // forwarding entry under a key nobody holds, which then expires).
        self.inner.update(stored_as, forward, &grace).await?;
        Ok(renewed)
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        self.inner.update_ttl(session_key, ttl).await
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        if let Some(target) = self.take_forwarding(session_key) {
            // A session ended through its old id: the session it moved
            // to ends too.
            self.inner.delete(&target).await?;
        }
        self.inner.delete(session_key).await
    }
}

/// `text` as a JSON string (session entries hold JSON).
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;

    fn ttl() -> Duration {
        Duration::minutes(10)
    }

    fn key(text: &str) -> SessionKey {
        SessionKey::try_from(text.to_owned()).unwrap_or_else(|_| panic!("a key"))
    }

    fn graceful() -> RenewalGrace<MemoryStore> {
        RenewalGrace::new(
            MemoryStore::default(),
            Some(std::time::Duration::from_secs(10)),
        )
    }

    #[actix_web::test]
    async fn a_renewal_forwards_the_old_id_to_the_new_session() {
        let store = graceful();
        let old = store
            .save(State::from([("a".into(), "1".into())]), &ttl())
            .await
            .unwrap_or_else(|_| panic!("saved"));
        let mut loaded = store.load(&old).await.ok().flatten().unwrap_or_default();
        assert!(loaded.contains_key(LOADED_AS), "the id it was loaded as");
        loaded.insert(RENEW.into(), "true".into());
        loaded.insert("b".into(), "2".into());
        let new = store
            .update(key(old.as_ref()), loaded, &ttl())
            .await
            .unwrap_or_else(|_| panic!("updated"));
        assert_ne!(new.as_ref(), old.as_ref(), "a new id");
        // The old id reads the new session, and writes to it.
        let mut through_old = store.load(&old).await.ok().flatten().unwrap_or_default();
        assert_eq!(through_old.get("b").map(String::as_str), Some("2"));
        through_old.insert("c".into(), "3".into());
        let answered = store
            .update(key(old.as_ref()), through_old, &ttl())
            .await
            .unwrap_or_else(|_| panic!("updated"));
        assert_eq!(
            answered.as_ref(),
            new.as_ref(),
            "the browser gets the new id"
        );
        let stored = store
            .inner
            .load(&new)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(stored.get("c").map(String::as_str), Some("3"));
        assert!(!stored.contains_key(LOADED_AS) && !stored.contains_key(RENEW));
        // Ending the session through the old id ends the new one too.
        store
            .delete(&old)
            .await
            .unwrap_or_else(|_| panic!("deleted"));
        assert!(store.load(&new).await.ok().flatten().is_none());
    }

    #[actix_web::test]
    async fn without_grace_nothing_is_added_or_forwarded() {
        let store = RenewalGrace::new(MemoryStore::default(), None);
        let key = store
            .save(State::from([("a".into(), "1".into())]), &ttl())
            .await
            .unwrap_or_else(|_| panic!("saved"));
        let loaded = store.load(&key).await.ok().flatten().unwrap_or_default();
        assert_eq!(loaded.len(), 1, "{loaded:?}");
    }
}
