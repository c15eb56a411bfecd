//! Finishing a run exactly once: the once-only section that re-validates
//! the answers and runs the finish handler, shared by every duplicate of
//! the same run in this process and, with a [`RunLedger`], across
//! instances.
//!
//! Duplicates wait for the first and receive its result (the outcome, the
//! step that is no longer valid, or the failure) without validating
//! anything themselves, so they never see the first one's side effects.

use std::error::Error;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::future::Cache;

use crate::field_errors::FieldErrors;
use crate::ledger::{Claim, DONE_TTL, RunLedger};

/// Why the once-only section did not produce an outcome.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Step `step` (its index in the declaration) is no longer valid.
    Invalid { step: usize, errors: FieldErrors },
    /// The finish handler failed, or the ledger could not be reached.
    Failed(Box<dyn Error + Send + Sync>),
}

/// How long a request waits for another instance to finish the same run
/// before it gives up with the "try again" page.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(10);
/// How often it asks the ledger meanwhile (a ledger cannot notify).
const POLL_EVERY: Duration = Duration::from_millis(20);

/// The record of finished runs: outcomes kept in this process, and the
/// shared ledger when there is one.
pub(crate) struct Finishes {
    /// Run id → the outcome's JSON. Also what makes concurrent finishes
    /// of one run in this process wait for the first.
    done: Cache<String, Arc<str>>,
    ledger: Option<Arc<dyn RunLedger>>,
}

impl Finishes {
    pub fn new(ledger: Option<Arc<dyn RunLedger>>) -> Self {
        Self {
            done: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(DONE_TTL)
                .build(),
            ledger,
        }
    }

    /// The outcome of `run` if it finished, here or (with a ledger) on any
    /// instance.
    pub async fn outcome(&self, run: &str) -> Option<Arc<str>> {
        if let Some(outcome) = self.done.get(run).await {
            return Some(outcome);
        }
        let ledger = self.ledger.as_ref()?;
        match ledger.outcome(run).await {
            Ok(found) => found.map(Arc::from),
            Err(error) => {
                tracing::warn!(%error, run, "run ledger unavailable; taking the run as unfinished");
                None
            }
        }
    }

    /// Runs `section` (re-validation and the finish handler) once for
    /// `run`: a concurrent duplicate in this process waits for it and
    /// shares its result, a duplicate on another instance waits for its
    /// ledger entry. A run that finished gives its outcome at once.
    pub async fn once<F>(&self, run: &str, section: F) -> Result<Arc<str>, Arc<Refusal>>
    where
        F: Future<Output = Result<Arc<str>, Refusal>>,
    {
        tracing::debug!(run, "finish requested");
        self.done
            .try_get_with_by_ref(run, async {
                match &self.ledger {
                    Some(ledger) => claimed(ledger.as_ref(), run, section).await,
                    None => section.await,
                }
            })
            .await
    }
}

/// Runs `section` if this caller wins the run's claim in the ledger, else
/// waits for the winner's outcome; if the winner gives the claim up (its
/// finish failed) or it lapses, claims again. A failed section releases
/// the claim so that the visitor can retry.
async fn claimed<F>(ledger: &dyn RunLedger, run: &str, section: F) -> Result<Arc<str>, Refusal>
where
    F: Future<Output = Result<Arc<str>, Refusal>>,
{
    let deadline = Instant::now() + WAIT_FOR_OTHER;
    loop {
        let claim = ledger
            .claim(run)
            .await
            .map_err(|e| Refusal::Failed(format!("run ledger unavailable: {e}").into()))?;
        match claim {
            Claim::Won => return run_claimed(ledger, run, section).await,
            Claim::Done(outcome) => return Ok(outcome.into()),
            Claim::Pending if Instant::now() < deadline => {
                actix_web::rt::time::sleep(POLL_EVERY).await;
            }
            Claim::Pending => {
                return Err(Refusal::Failed(
                    format!("run {run} is still being finished elsewhere").into(),
                ));
            }
        }
    }
}

async fn run_claimed<F>(ledger: &dyn RunLedger, run: &str, section: F) -> Result<Arc<str>, Refusal>
where
    F: Future<Output = Result<Arc<str>, Refusal>>,
{
    let result = section.await;
    match &result {
        Ok(outcome) => {
            if let Err(error) = ledger.record(run, outcome).await {
                tracing::error!(%error, run, "finished run not recorded in the ledger");
            }
        }
        Err(_) => {
            if let Err(error) = ledger.release(run).await {
                tracing::warn!(%error, run, "claim not released; it lapses on its own");
            }
        }
    }
    result
}
