//! One visitor's run of a wizard: where it is kept and how it is found.
//!
//! [`Runs`] owns everything about a run's persistence: the session entries
//! of its state and outcome (sealed under the wizard's key, bound to the
//! run's [`RunKey`]), the visitor cookie that names the run and carries its
//! CSRF token, and the record of finished runs. The router asks it to load
//! a run at the start of a request and to save it at the end, once each.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse};

use crate::cipher::StateCipher;
use crate::config::WizardConfig;
use crate::journey::{Journey, Stored};
use crate::once::{Finishes, Refusal};
use crate::problem::Problem;
use crate::state::{EncodeError, WizardState};
use crate::visitor::{Stage, Visitor, VisitorCookie};
use crate::wizard::{Steps, Wizard};

/// What a run is keyed by: its wizard, and the path parameters of the
/// resource it is mounted on (`/claims/{claim}/amend` keeps one run per
/// claim). The session entries and the seals are bound to it, so one
/// resource's state can never be read as another's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunKey {
    state_entry: String,
    outcome_entry: String,
    state_context: String,
    outcome_context: String,
}

impl RunKey {
    /// The key of wizard `id` for the resource `request` is on.
    pub fn of(id: &str, request: &HttpRequest) -> Self {
        let mut resource = String::new();
        for (name, value) in request.match_info().iter() {
            resource.push(':');
            resource.push_str(name);
            resource.push('=');
            resource.push_str(value);
        }
        Self {
            state_entry: format!("wizard.{id}{resource}"),
            outcome_entry: format!("wizard.{id}{resource}.outcome"),
            state_context: format!("{id}{resource}:state"),
            outcome_context: format!("{id}{resource}:outcome"),
        }
    }
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A run as one request sees it: the journey through the steps and the
/// visitor cookie.
pub(crate) struct Run<W> {
    pub key: RunKey,
    pub journey: Journey<W>,
    /// What the visitor cookie says, or a new run when it said nothing
    /// usable.
    pub visitor: Visitor,
    /// What the browser's cookie said, to write it only when it changes.
    sent_visitor: Option<Visitor>,
    /// Whether this response may write the visitor cookie.
    write_visitor: bool,
}

impl<W: Wizard> Run<W> {
    /// Whether the session holds answers or drafts of this run.
    pub fn is_stored(&self) -> bool {
        self.journey.state.is_some()
    }

    /// Whether the visitor cookie the browser sent says the run stored
    /// answers (so a run without state has lost them, or finished).
    pub fn had_answers(&self) -> bool {
        self.sent_visitor
            .as_ref()
            .is_some_and(|sent| sent.stage != Stage::Looking)
    }

    /// Whether `submitted` is this run's CSRF token.
    pub fn csrf_matches(&self, submitted: Option<&str>) -> bool {
        crate::csrf::tokens_match(
            self.visitor.csrf.as_bytes(),
            submitted.unwrap_or("").as_bytes(),
        ) && self
            .sent_visitor
            .as_ref()
            .is_some_and(|sent| sent.csrf == self.visitor.csrf)
    }

    /// Leaves the browser's visitor cookie as it is in this response (a
    /// redirect: the page it leads to decides, e.g. to show that answers
    /// expired).
    pub fn leave_visitor_cookie(&mut self) {
        self.write_visitor = false;
    }

    /// Starts a new run in this browser (the old one is gone or done).
    pub fn restart(&mut self) {
        self.visitor = Visitor::new_run();
        self.journey.new_run_id = self.visitor.run.clone();
    }

    /// The run's state, created now if it has none yet.
    pub fn state_mut(&mut self, now: u64) -> &mut WizardState {
        self.visitor.stage = Stage::Answering;
        self.journey.state_mut(W::VERSION, now)
    }
}

/// Where and how a wizard's runs are kept.
pub(crate) struct Runs {
    id: &'static str,
    cipher: StateCipher,
    visitor: VisitorCookie,
    finishes: Finishes,
    idle_secs: u64,
    max_state_bytes: usize,
}

impl Runs {
    pub fn new(
        id: &'static str,
        base: &str,
        config: &WizardConfig,
        cipher: StateCipher,
        finishes: Finishes,
    ) -> Self {
        Self {
            id,
            cipher,
            visitor: VisitorCookie::new(id, base, config.secure_cookies),
            finishes,
            idle_secs: config.idle_timeout.as_secs(),
            max_state_bytes: config.max_state_bytes,
        }
    }

    /// Loads the run `request` is on: its stored state (an unreadable one
    /// is dropped) and its visitor cookie. A cookie that does not name
    /// the stored run is replaced: the session's holder owns the run.
    pub fn load<W: Wizard>(
        &self,
        request: &HttpRequest,
        session: &Session,
        steps: &Steps<W>,
    ) -> Run<W> {
        let key = RunKey::of(self.id, request);
        let stored = match session.get::<String>(&key.state_entry) {
            Ok(None) => Stored::Nothing,
            Ok(Some(sealed)) => {
                match WizardState::open(&sealed, &self.cipher, key.state_context.as_bytes()) {
                    Some(state) => Stored::State(state),
                    None => Stored::Unreadable,
                }
            }
            Err(_) => Stored::Unreadable,
        };
        if matches!(stored, Stored::Unreadable) {
            tracing::warn!(
                wizard = self.id,
                "stored wizard state unreadable; starting over"
            );
        }
        let mut journey = Journey::load(steps, stored, unix_now(), self.idle_secs, W::VERSION);
        let sent_visitor = self.visitor.read(request, &self.cipher);
        let visitor = match (&journey.state, &sent_visitor) {
            (Some(state), Some(sent)) if sent.run == state.run => Visitor {
                stage: Stage::Answering,
                ..sent.clone()
            },
            (Some(state), _) => Visitor::for_stored_run(&state.run),
            (None, Some(sent)) if !journey.lapsed => sent.clone(),
            (None, _) => Visitor::new_run(),
        };
        journey.new_run_id = visitor.run.clone();
        Run {
            key,
            journey,
            visitor,
            sent_visitor,
            write_visitor: true,
        }
    }

    /// Writes what changed (the state, sealed once, or its removal; the
    /// visitor cookie), then answers with `response`. A state over its cap
    /// is not written: the visitor is told, and keeps what was stored.
    pub fn answer<W: Wizard>(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        mut response: HttpResponse,
    ) -> Result<HttpResponse, Problem> {
        if run.journey.changed {
            match &mut run.journey.state {
                None => {
                    session.remove(&run.key.state_entry);
                }
                Some(state) => {
                    state.seen = unix_now();
                    state.prune();
                    let context = run.key.state_context.as_bytes();
                    let sealed = match state.seal(&self.cipher, context, self.max_state_bytes) {
                        Ok(sealed) => sealed,
                        Err(EncodeError::TooLarge { size, cap }) => {
                            tracing::info!(
                                wizard = self.id,
                                size,
                                cap,
                                "wizard state over its cap"
                            );
                            return Err(Problem::StateTooLarge {
                                form: request.path().to_owned(),
                            });
                        }
                        Err(EncodeError::Json(error)) => {
                            tracing::error!(%error, wizard = self.id, "wizard state did not serialize");
                            return Err(Problem::Internal);
                        }
                    };
                    session
                        .insert(&run.key.state_entry, sealed)
                        .map_err(|error| {
                            tracing::error!(%error, wizard = self.id, "wizard state not stored");
                            Problem::Internal
                        })?;
                }
            }
            run.journey.changed = false;
        }
        if run.write_visitor && run.sent_visitor.as_ref() != Some(&run.visitor) {
            self.visitor
                .write(&run.visitor, &self.cipher, &mut response);
        }
        Ok(response)
    }

    /// The outcome of the run the visitor names, when that run finished
    /// (here or, with a ledger, on any instance). Only a run that stored
    /// answers can have finished, so a visitor who only looked costs no
    /// lookup.
    pub async fn finished_outcome<W>(&self, run: &Run<W>) -> Option<Arc<str>> {
        if run.visitor.stage == Stage::Looking {
            return None;
        }
        self.finishes.outcome(&run.visitor.run).await
    }

    /// See [`Finishes::once`].
    pub async fn finish_once<F>(&self, run_id: &str, section: F) -> Result<Arc<str>, Arc<Refusal>>
    where
        F: std::future::Future<Output = Result<Arc<str>, Refusal>>,
    {
        self.finishes.once(run_id, section).await
    }

    /// Ends a finished run in this session: the state goes, the outcome
    /// is kept for the completion page, the session id is renewed, and the
    /// visitor cookie says the run finished.
    pub fn keep_outcome<W>(&self, session: &Session, run: &mut Run<W>, outcome: &str) {
        session.remove(&run.key.state_entry);
        let sealed = self
            .cipher
            .seal(outcome.as_bytes(), run.key.outcome_context.as_bytes());
        if let Err(error) = session.insert(&run.key.outcome_entry, sealed) {
            tracing::error!(%error, wizard = self.id, "outcome not kept in the session");
        }
        session.renew();
        run.journey.state = None;
        run.journey.changed = false;
        run.visitor.stage = Stage::Finished;
    }

    /// The outcome kept in the session for the completion page, else that
    /// of the finished run the visitor cookie names.
    pub async fn kept_outcome<W>(&self, session: &Session, run: &Run<W>) -> Option<Vec<u8>> {
        let kept = session
            .get::<String>(&run.key.outcome_entry)
            .ok()
            .flatten()
            .and_then(|sealed| {
                self.cipher
                    .open(&sealed, run.key.outcome_context.as_bytes())
            });
        match kept {
            Some(outcome) => Some(outcome),
            None if run.visitor.stage == Stage::Finished => self
                .finishes
                .outcome(&run.visitor.run)
                .await
                .map(|o| o.as_bytes().to_vec()),
            None => None,
        }
    }
}
