//! A two-step wizard for the finish-once tests: its last step's check
//! reads what its finish wrote (a name, once claimed, is taken),
//! and a gate holds the first finish, in the check or in the handler,
//! until a duplicate has asked to finish the same run.
//!
//! The gate waits for an event, not for time: the crate reports each
//! finish request as a `tracing` event ("finish requested"), which
//! [`FinishEvents`] counts.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{HttpRequest, web};
use actix_wizard::{
    FieldErrors, Finish, FinishError, Step, Steps, Wizard, page::CompletePage, page::Page,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use validator::Validate;

/// Counts the crate's "finish requested" events.
#[derive(Default)]
pub struct FinishEvents {
    count: AtomicUsize,
    changed: Notify,
}

impl FinishEvents {
    /// Resolves once `n` finish requests have been seen.
    pub async fn reached(&self, n: usize) {
        loop {
            let changed = self.changed.notified();
            if self.count.load(Ordering::SeqCst) >= n {
                return;
            }
            changed.await;
        }
    }

    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Counts events on this thread until the guard is dropped (the
    /// actix test runtime runs every request of a test on its thread).
    ///
    /// One process-wide subscriber routes each event to the counter of
    /// the thread it happens on: a scoped (thread-local) subscriber per
    /// test would race with other tests' threads over tracing's global
    /// cache of which events are enabled.
    pub fn watch(self: &Arc<Self>) -> Watching {
        static ROUTER: std::sync::Once = std::sync::Once::new();
        ROUTER.call_once(|| {
            let _ = tracing::subscriber::set_global_default(Watcher);
        });
        WATCHED.with(|watched| *watched.borrow_mut() = Some(Arc::clone(self)));
        Watching
    }
}

thread_local! {
    static WATCHED: std::cell::RefCell<Option<Arc<FinishEvents>>> = const { std::cell::RefCell::new(None) };
}

/// Counting goes on on this thread until this is dropped.
pub struct Watching;

impl Drop for Watching {
    fn drop(&mut self) {
        WATCHED.with(|watched| *watched.borrow_mut() = None);
    }
}

struct Watcher;

struct Message(bool);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" && format!("{value:?}") == "finish requested" {
            self.0 = true;
        }
    }
}

impl Subscriber for Watcher {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut message = Message(false);
        event.record(&mut message);
        if message.0 {
            WATCHED.with(|watched| {
                if let Some(events) = watched.borrow().as_ref() {
                    events.count.fetch_add(1, Ordering::SeqCst);
                    events.changed.notify_waiters();
                }
            });
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Where the first finish waits for its duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Gate {
    /// Nowhere: requests race as they come.
    #[default]
    Open,
    /// In the last step's check, before the finish handler.
    InCheck,
    /// In the finish handler.
    InFinish,
}

/// What the finish handler does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ending {
    #[default]
    Succeed,
    /// Says the name is no longer acceptable.
    Invalid,
    /// Fails (a database down, say).
    Fail,
}

/// What the wizard's handlers report and obey, per test (give it to the
/// app as `app_data`).
#[derive(Default)]
pub struct Probe {
    pub finishes: AtomicUsize,
    pub checks: AtomicUsize,
    pub taken: Mutex<HashSet<String>>,
    pub gate: Mutex<Gate>,
    pub ending: Mutex<Ending>,
    /// Whether the gate saw the duplicate arrive while it held.
    pub overlapped: AtomicBool,
    pub events: Arc<FinishEvents>,
}

impl Probe {
    pub fn with(gate: Gate, ending: Ending) -> Self {
        let probe = Self::default();
        *probe.gate.lock().unwrap_or_else(|p| p.into_inner()) = gate;
        *probe.ending.lock().unwrap_or_else(|p| p.into_inner()) = ending;
        probe
    }

    fn gate(&self) -> Gate {
        *self.gate.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ending(&self) -> Ending {
        *self.ending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Holds the first caller at `here` until a second finish request
    /// has been made.
    async fn hold(&self, here: Gate) {
        if self.gate() != here {
            return;
        }
        let arrived = tokio::time::timeout(Duration::from_secs(10), self.events.reached(2)).await;
        self.overlapped.store(arrived.is_ok(), Ordering::SeqCst);
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(name)
    }
}

fn probe(request: &HttpRequest) -> Option<&web::Data<Probe>> {
    request.app_data::<web::Data<Probe>>()
}

pub const TAKEN: &str = "That name is taken";

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
pub struct Name {
    #[validate(length(min = 1))]
    pub name: String,
}

impl Step for Name {
    const NAME: &'static str = "name";
    const TITLE: &'static str = "Your name";
    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        Ok(format!(
            "<form>{}{}</form><p>{}</p>",
            page.hidden_fields(),
            page.buttons(),
            page.field("name").error().unwrap_or("")
        ))
    }
    async fn check(&self, request: &HttpRequest) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if let Some(probe) = probe(request) {
            probe.checks.fetch_add(1, Ordering::SeqCst);
            probe.hold(Gate::InCheck).await;
            if probe.is_taken(&self.name) {
                errors.add("name", TAKEN);
            }
        }
        errors
    }
}

/// The first step, so that a finish can send the visitor back to an
/// earlier step.
#[derive(Debug, Default, Serialize, Deserialize, Validate)]
pub struct Intro {
    #[validate(length(min = 1))]
    pub topic: String,
}

impl Step for Intro {
    const NAME: &'static str = "intro";
    const TITLE: &'static str = "Your topic";
    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        Ok(format!(
            "<form>{}{}</form><p>{}</p>",
            page.hidden_fields(),
            page.buttons(),
            page.field("topic").error().unwrap_or("")
        ))
    }
}

pub const INTRO: &[(&str, &str)] = &[("topic", "tea")];

#[derive(Default)]
pub struct Slow {
    intro: Intro,
    name: Name,
}

impl Wizard for Slow {
    const ID: &'static str = "slow";
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|w| &mut w.intro)
            .step(|w| &mut w.name)
    }
    async fn finish(self, finish: &Finish) -> Result<String, FinishError> {
        let probe = probe(finish.request()).ok_or_else(|| FinishError::failed("no probe"))?;
        probe.hold(Gate::InFinish).await;
        probe.finishes.fetch_add(1, Ordering::SeqCst);
        match probe.ending() {
            Ending::Succeed => {
                probe
                    .taken
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(self.name.name.clone());
                Ok(self.name.name)
            }
            Ending::Invalid => Err(FinishError::invalid("intro", "topic", "Rejected at finish")),
            Ending::Fail => Err(FinishError::failed("the database is down")),
        }
    }
    fn render_complete(name: &String, _: &CompletePage<'_>) -> Result<String, askama::Error> {
        Ok(format!("Done, {name}"))
    }
}
