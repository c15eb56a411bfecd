//! Finishing a run exactly once: the once-only section that re-validates
//! the answers and runs the finish handler, shared by every duplicate of
//! the same run in this process and, with a [`RunLedger`], across
//! instances.
//!
//! Duplicates wait for the first and receive its result (the outcome, the
//! step that is no longer valid, or the failure) without validating
//! anything themselves, so they never see the first one's side effects.

use std::collections::HashMap;
use std::error::Error;
use std::future::Future;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::sync::Cache;
use tokio::sync::Notify;

use crate::claim_ahead::ClaimAhead;
use crate::field_errors::FieldErrors;
use crate::ledger::{Claim, DONE_TTL, RunLedger};

/// Why the once-only section did not produce an outcome.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Step `step` (its index in the declaration) is no longer valid.
    Invalid { step: usize, errors: FieldErrors },
    /// Step `step` of item `item` of the list at `list` is no longer
    /// valid.
    InvalidItem {
        list: usize,
        item: String,
        step: usize,
        errors: FieldErrors,
    },
    /// The finish handler failed, or the ledger could not be reached.
    Failed(Box<dyn Error + Send + Sync>),
    /// The finish handler found a service it needs unreachable.
    Unavailable(Box<dyn Error + Send + Sync>),
}

/// How long a request waits for another instance to finish the same run
/// before it gives up with the "try again" page.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(10);
/// How often it asks the ledger meanwhile (a ledger cannot notify).
const POLL_EVERY: Duration = Duration::from_millis(20);

/// The record of finished runs: outcomes kept in this process, the runs
/// being finished here right now, and the shared ledger when there is one.
pub(crate) struct Finishes {
    /// Run id → the outcome's JSON.
    done: Cache<String, Arc<str>>,
    /// Runs whose once-only section is running in this process: a
    /// duplicate waits on the entry instead of running its own.
    running: Mutex<HashMap<String, Arc<InFlight>>>,
    ledger: Option<Arc<dyn RunLedger>>,
}

/// What a section's result is, shared by every request of its run.
type Shared = Result<Arc<str>, Arc<Refusal>>;

/// A once-only section in progress, and the result its waiters receive.
#[derive(Default)]
struct InFlight {
    result: Mutex<Option<Shared>>,
    settled: Notify,
}

impl InFlight {
    async fn result(&self) -> Shared {
        loop {
            let settled = self.settled.notified();
            if let Some(result) = lock(&self.result).clone() {
                return result;
            }
            settled.await;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The first request of a run, running its section. However it ends
/// (also when its request is dropped mid-way, a client gone), its waiters
/// get a result and the run can be finished again.
struct Leading<'a> {
    finishes: &'a Finishes,
    run: &'a str,
    flight: Arc<InFlight>,
    /// Whether `flight` is the run's entry in `running` (and so leaves it).
    listed: bool,
}

impl Leading<'_> {
    fn settle(&self, result: Shared) {
        lock(&self.flight.result).get_or_insert(result);
        if self.listed {
            lock(&self.finishes.running).remove(self.run);
        }
        self.flight.settled.notify_waiters();
    }
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        if lock(&self.flight.result).is_none() {
            self.settle(Err(Arc::new(Refusal::Failed(
                "the request finishing this run was dropped".into(),
            ))));
        }
    }
}

impl Finishes {
    pub fn new(ledger: Option<Arc<dyn RunLedger>>) -> Self {
        Self {
            done: Cache::builder()
                .max_capacity(100_000)
                .time_to_live(DONE_TTL)
                .build(),
            running: Mutex::default(),
            ledger,
        }
    }

    /// The shared ledger, when there is one.
    pub fn ledger(&self) -> Option<&Arc<dyn RunLedger>> {
        self.ledger.as_ref()
    }

    /// The outcome of `run` if it finished, here or (with a ledger) on any
    /// instance. A claim sent ahead for this request ([`ClaimAhead`]) answers
    /// instead of a lookup of its own.
    pub async fn outcome(&self, run: &str, ahead: Option<Rc<ClaimAhead>>) -> Option<Arc<str>> {
        if let Some(outcome) = self.done.get(run) {
            return Some(outcome);
        }
        let ledger = self.ledger.as_ref()?;
        if let Some(ahead) = ahead {
            match ahead.answer().await {
                Some(Claim::Done(outcome)) => return Some(outcome.into()),
                Some(Claim::Won) => {
                    // Nobody had claimed it: not finished. The layer that
                    // sent the claim gives it up again.
                    ahead.hand_back();
                    return None;
                }
                Some(Claim::Pending) | None => {}
            }
        }
        // A run whose finish is still running elsewhere (or whose winner
        // answered and is recording it right now) is waited for.
        let deadline = Instant::now() + WAIT_FOR_OTHER;
        loop {
            match ledger.status(run).await {
                Ok(Some(Claim::Done(outcome))) => return Some(outcome.into()),
                Ok(Some(Claim::Pending)) if Instant::now() < deadline => {
                    actix_web::rt::time::sleep(POLL_EVERY).await;
                }
                Ok(_) => return None,
                Err(error) => {
                    tracing::warn!(%error, run, "run ledger unavailable; taking the run as unfinished");
                    return None;
                }
            }
        }
    }

    /// Runs `section` (re-validation and the finish handler) once for
    /// `run`: a concurrent duplicate in this process waits for it and
    /// shares its result, a duplicate on another instance waits for its
    /// ledger entry. A run that finished gives its outcome at once.
    ///
    /// `ahead` is the ledger's claim when it was sent with the session's
    /// read ([`ClaimAhead`]). The ledger decides who finishes: a request
    /// holding a won claim runs the section even if another request of
    /// this process waits on the ledger already (that one then finds the
    /// outcome here when it next looks).
    pub async fn once<F>(&self, run: &str, ahead: Option<Rc<ClaimAhead>>, section: F) -> Shared
    where
        F: Future<Output = Result<Arc<str>, Refusal>>,
    {
        tracing::debug!(run, "finish requested");
        let early = match &ahead {
            Some(ahead) => ahead.answer().await,
            None => None,
        };
        let holds_claim = early == Some(Claim::Won);
        let (flight, role) = {
            let mut running = lock(&self.running);
            // Under the lock: a leader records its outcome before it leaves
            // `running`, so a run missing from both is not finished.
            if let Some(outcome) = self.done.get(run) {
                if holds_claim {
                    // The ledger had forgotten it: it learns it again.
                    self.record_in_ledger(run, &outcome);
                }
                return Ok(outcome);
            }
            match running.get(run) {
                Some(flight) if !holds_claim => (Arc::clone(flight), Role::Waits),
                Some(_) => (Arc::new(InFlight::default()), Role::LeadsUnlisted),
                None => {
                    let flight = Arc::new(InFlight::default());
                    running.insert(run.to_owned(), Arc::clone(&flight));
                    (flight, Role::Leads)
                }
            }
        };
        if role == Role::Waits {
            return flight.result().await;
        }
        let leading = Leading {
            finishes: self,
            run,
            flight,
            listed: role == Role::Leads,
        };
        let result = match (&self.ledger, early) {
            (Some(_), Some(Claim::Won)) => self.run_claimed(run, section).await,
            (Some(_), Some(Claim::Done(outcome))) => Ok(outcome.into()),
            (Some(ledger), _) => self.claimed(ledger, run, section).await,
            (None, _) => section.await,
        };
        let result = result.map_err(Arc::new);
        if let Ok(outcome) = &result {
            self.done.insert(run.to_owned(), Arc::clone(outcome));
        }
        leading.settle(result.clone());
        result
    }

    /// Runs `section` if this caller wins the run's claim in the ledger,
    /// else waits for the winner's outcome (in the ledger, or in this
    /// process when the winner is here); if the winner gives the claim up
    /// (its finish failed) or it lapses, claims again. A failed section
    /// releases the claim so that the visitor can retry.
    async fn claimed<F>(
        &self,
        ledger: &Arc<dyn RunLedger>,
        run: &str,
        section: F,
    ) -> Result<Arc<str>, Refusal>
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
                Claim::Won => return self.run_claimed(run, section).await,
                Claim::Done(outcome) => return Ok(outcome.into()),
                Claim::Pending if Instant::now() < deadline => {
                    actix_web::rt::time::sleep(POLL_EVERY).await;
                    if let Some(outcome) = self.done.get(run) {
                        return Ok(outcome);
                    }
                }
                Claim::Pending => {
                    return Err(Refusal::Failed(
                        format!("run {run} is still being finished elsewhere").into(),
                    ));
                }
            }
        }
    }

    /// Runs `section` under a won claim: its outcome is recorded in the
    /// ledger, a failure releases the claim so that the visitor can retry.
    async fn run_claimed<F>(&self, run: &str, section: F) -> Result<Arc<str>, Refusal>
    where
        F: Future<Output = Result<Arc<str>, Refusal>>,
    {
        let result = section.await;
        match (&result, &self.ledger) {
            (Ok(outcome), Some(_)) => self.record_in_ledger(run, outcome),
            (Err(_), Some(ledger)) => {
                if let Err(error) = ledger.release(run).await {
                    tracing::warn!(%error, run, "claim not released; it lapses on its own");
                }
            }
            (_, None) => {}
        }
        result
    }

    /// Records `run`'s outcome in the ledger beside the answer rather
    /// than before it: the visitor's page does not wait for the
    /// bookkeeping. Duplicates in this process already have the outcome;
    /// one on another instance sees the claim pending and waits the moment
    /// longer.
    fn record_in_ledger(&self, run: &str, outcome: &Arc<str>) {
        let Some(ledger) = &self.ledger else {
            return;
        };
        let (ledger, run, outcome) = (Arc::clone(ledger), run.to_owned(), Arc::clone(outcome));
        actix_web::rt::spawn(async move {
            if let Err(error) = ledger.record(&run, &outcome).await {
                tracing::error!(%error, run, "finished run not recorded in the ledger");
            }
        });
    }
}

/// What a request does in [`Finishes::once`].
#[derive(PartialEq, Eq)]
enum Role {
    /// Runs the section, and this process's duplicates wait for it.
    Leads,
    /// Runs the section under its claim while another request of this
    /// process, listed before it, waits on the ledger.
    LeadsUnlisted,
    /// Waits for the section another request of this process runs.
    Waits,
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures_util::future::LocalBoxFuture;

    use super::*;

    /// A ledger in which every run is claimed elsewhere; run `r1` is
    /// recorded after `pending_for` more looks at its status.
    struct ClaimedElsewhere {
        pending_for: AtomicUsize,
    }

    impl ClaimedElsewhere {
        fn recorded_after(looks: usize) -> Arc<Self> {
            Arc::new(Self {
                pending_for: AtomicUsize::new(looks),
            })
        }
    }

    impl RunLedger for ClaimedElsewhere {
        fn claim<'a>(&'a self, _: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Claim>> {
            Box::pin(async { Ok(Claim::Pending) })
        }
        fn record<'a>(&'a self, _: &'a str, _: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>> {
            Box::pin(async { Ok(()) })
        }
        fn release<'a>(&'a self, _: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>> {
            Box::pin(async { Ok(()) })
        }
        fn outcome<'a>(&'a self, _: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<String>>> {
            Box::pin(async { Ok(None) })
        }
        fn status<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<Claim>>> {
            Box::pin(async move {
                if run != "r1" {
                    return Ok(None);
                }
                let looks_left = self.pending_for.load(Ordering::SeqCst);
                if looks_left == 0 {
                    return Ok(Some(Claim::Done("\"done\"".into())));
                }
                self.pending_for.store(looks_left - 1, Ordering::SeqCst);
                Ok(Some(Claim::Pending))
            })
        }
    }

    /// The ledger decides who finishes: a request of this process that
    /// found the claim taken waits, listed as the run's local leader; the
    /// request that holds the claim (sent ahead) runs the section all the
    /// same, and the first one then finds its outcome here.
    #[actix_web::test]
    async fn the_holder_of_a_claim_sent_ahead_finishes_while_a_local_request_waits() {
        let finishes = Finishes::new(Some(ClaimedElsewhere::recorded_after(0)));
        let ran = AtomicUsize::new(0);
        let section = |outcome: &'static str| {
            let ran = &ran;
            async move {
                ran.fetch_add(1, Ordering::SeqCst);
                Ok::<_, Refusal>(Arc::<str>::from(outcome))
            }
        };
        // Polled in order: the first is listed and waiting on the ledger
        // before the holder arrives.
        let (waiting, holding) = futures_util::future::join(
            finishes.once("r1", None, section("\"first\"")),
            finishes.once(
                "r1",
                Some(ClaimAhead::answered("r1", Claim::Won)),
                section("\"held\""),
            ),
        )
        .await;
        assert_eq!(ran.load(Ordering::SeqCst), 1, "one section ran");
        assert_eq!(holding.ok().as_deref(), Some("\"held\""));
        assert_eq!(waiting.ok().as_deref(), Some("\"held\""));
    }

    #[actix_web::test]
    async fn a_claim_sent_ahead_answers_for_the_ledger() {
        // The ledger would only ever say "pending": the claim answers.
        let finishes = Finishes::new(Some(ClaimedElsewhere::recorded_after(usize::MAX)));
        let done = ClaimAhead::answered("r1", Claim::Done("\"done\"".into()));
        assert_eq!(
            finishes
                .outcome("r1", Some(Rc::clone(&done)))
                .await
                .as_deref(),
            Some("\"done\"")
        );
        let ran = AtomicUsize::new(0);
        let outcome = finishes
            .once(
                "r2",
                Some(ClaimAhead::answered("r2", Claim::Done("\"two\"".into()))),
                async {
                    ran.fetch_add(1, Ordering::SeqCst);
                    Ok(Arc::<str>::from("\"again\""))
                },
            )
            .await;
        assert_eq!(outcome.ok().as_deref(), Some("\"two\""));
        assert_eq!(
            ran.load(Ordering::SeqCst),
            0,
            "a finished run is not finished again"
        );
    }

    #[actix_web::test]
    async fn a_run_being_recorded_elsewhere_is_waited_for() {
        let finishes = Finishes::new(Some(ClaimedElsewhere::recorded_after(3)));
        assert_eq!(
            finishes.outcome("r1", None).await.as_deref(),
            Some("\"done\"")
        );
        assert_eq!(finishes.outcome("other", None).await, None, "never claimed");
    }
}
