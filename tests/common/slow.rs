//! A one-step wizard whose finish waits for a duplicate request to arrive,
//! so that tests can prove duplicate finishes overlap and still run the
//! handler once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{HttpRequest, web};
use actix_wizard::{CompletePage, FieldErrors, Finish, FinishError, Page, Step, Steps, Wizard};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use validator::Validate;

/// What the slow wizard's handlers report, per test (give it to the app
/// as `app_data`).
#[derive(Default)]
pub struct Probe {
    pub finishes: AtomicUsize,
    checks: AtomicUsize,
    second_arrived: Notify,
    pub overlapped: AtomicBool,
}

fn probe(request: &HttpRequest) -> Option<&web::Data<Probe>> {
    request.app_data::<web::Data<Probe>>()
}

#[derive(Debug, Default, Serialize, Deserialize, Validate)]
pub struct Name {
    #[validate(length(min = 1))]
    name: String,
}

impl Step for Name {
    const NAME: &'static str = "name";
    const TITLE: &'static str = "Your name";
    fn render(page: &Page<'_>) -> Result<String, askama::Error> {
        Ok(format!("<form>{}</form>", page.hidden_fields()))
    }
    async fn check(&self, request: &HttpRequest) -> FieldErrors {
        // Two checks per finishing request (submit, re-validation): the
        // third means the duplicate arrived.
        if let Some(probe) = probe(request) {
            if probe.checks.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
                probe.second_arrived.notify_one();
            }
        }
        FieldErrors::new()
    }
}

#[derive(Default)]
pub struct Slow {
    name: Name,
}

impl Wizard for Slow {
    const ID: &'static str = "slow";
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new().step(|w| &mut w.name)
    }
    async fn finish(self, finish: &Finish) -> Result<String, FinishError> {
        let probe =
            probe(finish.request()).ok_or_else(|| FinishError::Failed("no probe".into()))?;
        let waited =
            tokio::time::timeout(Duration::from_secs(5), probe.second_arrived.notified()).await;
        probe.overlapped.store(waited.is_ok(), Ordering::SeqCst);
        probe.finishes.fetch_add(1, Ordering::SeqCst);
        Ok(self.name.name)
    }
    fn render_complete(name: &String, _: &CompletePage<'_>) -> Result<String, askama::Error> {
        Ok(format!("Done, {name}"))
    }
}
