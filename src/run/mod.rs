//! One visitor's run of a wizard: where it is kept and how it is found.
//!
//! [`Runs`] owns everything about a run's persistence: the session entries
//! of its state and outcome (sealed under the wizard's key, bound to the
//! run's [`RunKey`]), the visitor cookie that names the run and carries its
//! CSRF token, and the record of finished runs. The pipeline asks it to load
//! a run at the start of a request and to save it at the end, once each.

use std::rc::Rc;
use std::sync::Arc;

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::value::RawValue;

use crate::cipher::StateCipher;
use crate::claim_ahead::ClaimAhead;
use crate::config::{SharedClock, StateAtRest, WizardConfig};
use crate::events::{EventHooks, WizardEvent};
use crate::journey::{Journey, Stored};
use crate::ledger::RunLedger;
use crate::mount::Mount;
use crate::once::{Finishes, Refusal};
use crate::problem::Problem;
use crate::state::{EncodeError, WizardState};
use crate::steps::Steps;
use crate::visitor::{HolderCookie, Sent, Stage, Visitor, VisitorCookie};
use crate::wizard::Wizard;

#[cfg(feature = "testing")]
mod planted;
mod tab_runs;

/// What a run is keyed by: its wizard, and the path parameters of the
/// resource it is mounted on (`/claims/{claim}/amend` keeps one run per
/// claim). The session entries and the seals are bound to it, so one
/// resource's state can never be read as another's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunKey(Arc<RunNames>);

#[derive(Debug, PartialEq, Eq)]
struct RunNames {
    state_entry: String,
    outcome_entry: String,
    state_context: String,
    outcome_context: String,
}

impl RunKey {
    /// The key of wizard `id` on the resource named by `resource` (its
    /// path parameters, empty for a wizard at a fixed path).
    fn new(id: &str, resource: &str) -> Self {
        Self(Arc::new(RunNames {
            state_entry: format!("wizard.{id}{resource}"),
            outcome_entry: format!("wizard.{id}{resource}.outcome"),
            state_context: format!("{id}{resource}:state"),
            outcome_context: format!("{id}{resource}:outcome"),
        }))
    }

    /// The path parameters of the resource `request` is on, as one string.
    fn resource_of(request: &HttpRequest) -> Option<String> {
        Self::resource_from(request.match_info().iter())
    }

    /// Path parameters as one string, `None` when there are none.
    fn resource_from<'p>(params: impl Iterator<Item = (&'p str, &'p str)>) -> Option<String> {
        let mut params = params.peekable();
        params.peek()?;
        let mut resource = String::new();
        for (name, value) in params {
            resource.push(':');
            resource.push_str(name);
            resource.push('=');
            resource.push_str(value);
        }
        Some(resource)
    }
}

/// With runs per tab, the path segment before a run's key, and the key's
/// path parameter: a tab's run lives at `{base}/r/{key}`.
pub(crate) const TAB_SEGMENT: &str = "r";
pub(crate) const TAB_PARAM: &str = "wizard_run";
/// A tab's key: this many random bytes, in base64url.
pub(crate) const TAB_KEY_BYTES: usize = 9;
/// The exact form of a key the crate makes ([`TAB_KEY_BYTES`] in
/// base64url), in the route's pattern: any other key (which would go into
/// the visitor cookie's `Path`) matches no route of the wizard.
pub(crate) const TAB_KEY_PATTERN: &str = "[A-Za-z0-9_-]{12}";

/// An unfinished run of a session, when runs are per tab: what the list
/// of runs shows.
pub(crate) struct TabRun {
    /// The run's key in its URLs.
    pub key: String,
    /// Its step to be on, and how many apply.
    pub current: usize,
    pub total: usize,
    /// When it was last used (Unix seconds).
    pub seen: u64,
    /// Its last write's order ([`crate::state::write_order`]).
    pub order: u64,
}

/// What a run's state is sealed with besides the key: the wizard and
/// resource it belongs to, and the holder of the visitor cookie it was
/// stored for.
fn sealing_context(key: &RunKey, holder: &str) -> Vec<u8> {
    let context = &key.0.state_context;
    let mut sealing = Vec::with_capacity(context.len() + 1 + holder.len());
    sealing.extend_from_slice(context.as_bytes());
    sealing.push(b':');
    sealing.extend_from_slice(holder.as_bytes());
    sealing
}

/// A run as one request sees it: the journey through the steps and the
/// visitor cookie.
pub(crate) struct Run<W> {
    pub key: RunKey,
    /// The wizard's base path on this run's resource (`/signup`,
    /// `/bookings/7/change`): every URL the run's pages link to starts
    /// with it.
    pub base: Arc<str>,
    pub journey: Journey<W>,
    /// What the visitor cookie says, or a new run when it said nothing
    /// usable.
    pub visitor: Visitor,
    /// What the browser's cookie said, to write it only when it changes.
    sent: Option<Sent>,
    /// Whether this response may write the visitor cookie.
    write_visitor: bool,
    /// Whether the session held anything when the request came (it was
    /// loaded from the store, so its id may have been planted).
    session_existed: bool,
    /// With runs per tab, the browser's holder ([`HolderCookie`]), which
    /// seals the run's state where the visitor cookie's would elsewhere;
    /// empty until a first store makes one.
    browser_holder: String,
    /// Whether the holder is the browser's (runs per tab).
    shared_holder: bool,
    /// Whether the browser's holder cookie must be written with this
    /// response.
    write_holder: bool,
    /// Whether the session's id must be renewed with this response.
    renew_session: bool,
    /// Whether the session holds the run's state (the journey may hold a
    /// prefilled one that is not stored until the first answer).
    stored: bool,
    /// When the run stored for the first time in this request: the id its
    /// pages were shown under before ([`WizardEvent::RunStarted`]).
    shown_as: Option<String>,
}

impl<W> Run<W> {
    /// What the run's state is sealed for (empty before its first store).
    fn holder(&self) -> &str {
        if self.shared_holder {
            &self.browser_holder
        } else {
            &self.visitor.holder
        }
    }
}

impl<W: Wizard> Run<W> {
    /// Whether the session holds answers or drafts of this run.
    pub fn is_stored(&self) -> bool {
        self.stored
    }

    /// Whether the visitor cookie the browser sent says the run stored
    /// answers (so a run without state has lost them, or finished).
    pub fn had_answers(&self) -> bool {
        self.sent
            .as_ref()
            .is_some_and(|sent| sent.visitor.stage != Stage::Looking)
    }

    fn sent_visitor(&self) -> Option<&Visitor> {
        self.sent.as_ref().map(|sent| &sent.visitor)
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
        if !self.stored {
            self.stored = true;
            self.start_storing();
        }
        self.visitor.stage = Stage::Answering;
        self.journey.state_mut(W::VERSION, now)
    }

    /// The run stores its first answers or draft: it takes a run id and a
    /// holder of its own, so that whoever planted the cookie it was shown
    /// with learns neither. In a session that already existed (its id may
    /// have been planted too), the CSRF token and the session id are
    /// renewed as well.
    fn start_storing(&mut self) {
        let mut visitor = self.visitor.storing();
        if self.session_existed {
            visitor.csrf = crate::csrf::random_id(16);
            self.renew_session = true;
        }
        if self.shared_holder {
            // The browser's holder seals the session's other tabs too; a
            // new session holds none, so a new holder costs nothing there,
            // and a planted one is of no use.
            visitor.holder.clear();
            if !self.session_existed || self.write_holder {
                self.browser_holder = HolderCookie::new_holder();
                self.write_holder = true;
            }
        }
        self.journey.new_run_id = visitor.run.clone();
        // A prefilled state, made on this request, takes the new id too.
        if let Some(state) = &mut self.journey.state {
            state.run = visitor.run.clone();
        }
        let shown_as = std::mem::replace(&mut self.visitor, visitor).run;
        self.shown_as = Some(shown_as);
    }

    /// Forgets the loaded state for this request (the cookie that opened
    /// it was not this server's): nothing is shown from it, and nothing
    /// written over it.
    fn disown(&mut self) {
        self.journey.state = None;
        self.journey.changed = false;
        self.stored = false;
        self.restart();
    }

    /// Fills the run from `answers` ([`Wizard::prefill`]) for this request
    /// only: nothing is stored until the visitor's first answer, which
    /// stores the prefilled steps with it.
    pub fn prefill(&mut self, steps: &Steps<W>, answers: W, now: u64) {
        self.journey.prefill(steps, answers, W::VERSION, now);
        self.journey.changed = false;
    }
}

/// Where and how a wizard's runs are kept.
pub(crate) struct Runs {
    id: &'static str,
    mount: Mount,
    /// The key of a run on a wizard mounted at a fixed path: made once.
    fixed_key: RunKey,
    /// Whether state and outcome are encrypted in the store.
    encrypt: bool,
    cipher: StateCipher,
    visitor: VisitorCookie,
    holder_cookie: HolderCookie,
    /// The session cookie's name ([`WizardConfig::session_cookie_name`]).
    session_cookie: &'static str,
    finishes: Finishes,
    events: EventHooks,
    idle_secs: u64,
    max_state_bytes: usize,
    clock: SharedClock,
    /// [`WizardConfig::runs_per_tab`] and [`WizardConfig::max_runs`].
    per_tab: bool,
    max_runs: usize,
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
            mount: Mount::new(base),
            fixed_key: RunKey::new(id, ""),
            encrypt: config.state_at_rest != StateAtRest::Plain,
            cipher,
            visitor: VisitorCookie::new(id, config.secure_cookies),
            holder_cookie: HolderCookie::new(config),
            session_cookie: config.session_cookie_name(),
            finishes,
            events: config.events.clone(),
            idle_secs: config.idle_timeout.as_secs(),
            max_state_bytes: config.max_state_bytes,
            clock: config.clock.clone(),
            per_tab: config.runs_per_tab,
            max_runs: config.max_runs,
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
        let key = match RunKey::resource_of(request) {
            None => self.fixed_key.clone(),
            Some(resource) => RunKey::new(self.id, &resource),
        };
        let base = self.base_of(request);
        let sent = self.visitor.read(request);
        let sent_visitor = sent.as_ref().map(|s| &s.visitor);
        // Made when first needed: a page view needs none.
        let (browser_holder, write_holder) = if self.per_tab {
            let sent_holder = self.holder_cookie.read(request);
            let write = sent_holder.is_none();
            (sent_holder.unwrap_or_default(), write)
        } else {
            (String::new(), false)
        };
        let holder = match sent_visitor {
            _ if self.per_tab => browser_holder.as_str(),
            Some(visitor) => visitor.holder.as_str(),
            None => "",
        };
        let stored = self.own_state(session, &key, sent_visitor, holder);
        let mut journey = Journey::load(steps, stored, self.now(), self.idle_secs, W::VERSION);
        let visitor = match sent.as_ref() {
            Some(sent) if journey.state.is_some() => Visitor {
                stage: Stage::Answering,
                ..sent.visitor.clone()
            },
            Some(sent) if !journey.lapsed => sent.visitor.clone(),
            _ => Visitor::new_run(),
        };
        journey.new_run_id = visitor.run.clone();
        let stored = journey.state.is_some();
        Run {
            key,
            base,
            journey,
            visitor,
            sent,
            write_visitor: true,
            session_existed: !session.entries().is_empty(),
            browser_holder,
            shared_holder: self.per_tab,
            write_holder,
            renew_session: false,
            stored,
            shown_as: None,
        }
    }

    /// The state the session holds for `key` when it is the run `sent`
    /// names, opened with its holder. A state of another run, or one that
    /// does not open, is this browser's lost run when the cookie says its
    /// run stored answers (it expired, or was tampered with), and nothing
    /// at all otherwise: a session does not make its holder the owner of
    /// the runs in it.
    fn own_state(
        &self,
        session: &Session,
        key: &RunKey,
        sent: Option<&Visitor>,
        holder: &str,
    ) -> Stored {
        let claimed = sent.is_some_and(|visitor| visitor.stage == Stage::Answering);
        match self.stored_state(session, key, holder) {
            Stored::State(state) if sent.map(|v| &v.run) == Some(&state.run) => {
                Stored::State(state)
            }
            Stored::Nothing => Stored::Nothing,
            _ if claimed => {
                tracing::warn!(
                    wizard = self.id,
                    "stored wizard state unreadable or of another run; starting over"
                );
                Stored::Unreadable
            }
            _ => Stored::Nothing,
        }
    }

    /// The wizard's base path on `request`'s resource (the pattern itself
    /// if a parameter is missing, which the wizard's own routes never
    /// allow).
    pub fn base_of(&self, request: &HttpRequest) -> Arc<str> {
        self.mount
            .base_of(request)
            .unwrap_or_else(|| Arc::from(self.mount.pattern()))
    }

    /// Now, in Unix seconds, by the configured clock.
    pub fn now(&self) -> u64 {
        self.clock.unix_now()
    }

    /// The state the session holds for `key`, opened (or parsed) once;
    /// sealed, it opens only with the `holder` it was sealed for.
    fn stored_state(&self, session: &Session, key: &RunKey, holder: &str) -> Stored {
        let names = &key.0;
        let found = if self.encrypt {
            session.get::<String>(&names.state_entry).map(|sealed| {
                sealed.map(|sealed| {
                    WizardState::open(&sealed, &self.cipher, &sealing_context(key, holder))
                })
            })
        } else {
            session
                .get::<WizardState>(&names.state_entry)
                .map(|state| state.map(Some))
        };
        match found {
            Ok(None) => Stored::Nothing,
            Ok(Some(Some(state))) => Stored::State(state),
            Ok(Some(None)) | Err(_) => Stored::Unreadable,
        }
    }

    /// The state as the session keeps it: sealed for `holder`, or its
    /// JSON as is.
    fn stored_form(
        &self,
        state: &WizardState,
        key: &RunKey,
        holder: &str,
    ) -> Result<Box<RawValue>, EncodeError> {
        // Serialized once, into the JSON the session map keeps verbatim.
        let kept = if self.encrypt {
            let sealed = state.seal(
                &self.cipher,
                &sealing_context(key, holder),
                self.max_state_bytes,
            )?;
            serde_json::value::to_raw_value(&sealed)
        } else {
            serde_json::value::to_raw_value(state)
        }
        .map_err(EncodeError::Json)?;
        let size = kept.get().len();
        if size > self.max_state_bytes {
            return Err(EncodeError::TooLarge {
                size,
                cap: self.max_state_bytes,
            });
        }
        Ok(kept)
    }

    /// Writes what changed (the state, sealed once, or its removal; the
    /// holder and visitor cookies), then answers with `response`. A state
    /// over its cap is not written: the visitor is told, and keeps what
    /// was stored.
    pub fn answer<W: Wizard>(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        mut response: HttpResponse,
    ) -> Result<HttpResponse, Problem> {
        if run.renew_session {
            // Before anything is written: the new id gets it all.
            crate::session::renew_with_grace(session);
            run.renew_session = false;
        }
        if let Some(shown_as) = run.shown_as.take() {
            self.events.report(WizardEvent::RunStarted {
                wizard: self.id,
                run: &run.visitor.run,
                shown_as: &shown_as,
            });
        }
        if run.holder().is_empty() && run.journey.state.is_some() {
            // A state kept plain, from before there were holders: one now,
            // before the state is sealed for it.
            if run.shared_holder {
                run.browser_holder = HolderCookie::new_holder();
                run.write_holder = true;
            } else {
                run.visitor.holder = HolderCookie::new_holder();
            }
        }
        if run.journey.changed {
            self.write_state(request, session, run, &mut response)?;
            run.journey.changed = false;
        }
        if run.write_holder && run.journey.state.is_some() {
            self.holder_cookie
                .write(request, &run.browser_holder, &mut response);
            run.write_holder = false;
        }
        if run.write_visitor && run.sent_visitor() != Some(&run.visitor) {
            let (visitor, base) = (&run.visitor, &run.base);
            self.visitor
                .write(request, visitor, base, &self.cipher, &mut response);
        }
        Ok(response)
    }

    /// Puts the run's state in the session (sealed once), or removes it.
    fn write_state<W: Wizard>(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        response: &mut HttpResponse,
    ) -> Result<(), Problem> {
        if run.journey.state.is_none() {
            session.remove(&run.key.0.state_entry);
            return Ok(());
        }
        // A tab's run storing its first answers.
        if self.per_tab && !session.entries().contains_key(&run.key.0.state_entry) {
            self.make_room(session, run, response);
        }
        let Some(state) = &mut run.journey.state else {
            return Err(Problem::Internal);
        };
        state.seen = self.now();
        state.order = crate::state::write_order(self.clock.now());
        state.prune();
        let Some(state) = &run.journey.state else {
            return Err(Problem::Internal);
        };
        let kept = match self.stored_form(state, &run.key, run.holder()) {
            Ok(kept) => kept,
            Err(EncodeError::TooLarge { size, cap }) => {
                tracing::info!(wizard = self.id, size, cap, "wizard state over its cap");
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
            .insert(&run.key.0.state_entry, kept)
            .map_err(|error| {
                tracing::error!(%error, wizard = self.id, "wizard state not stored");
                Problem::Internal
            })
    }

    /// The outcome of the run the visitor names, when that run finished
    /// (here or, with a ledger, on any instance). Only a run that stored
    /// answers can have finished, so a visitor who only looked costs no
    /// lookup. A claim sent ahead for the request ([`ClaimAhead`])
    /// answers for the ledger.
    pub async fn finished_outcome<W>(
        &self,
        run: &Run<W>,
        ahead: Option<Rc<ClaimAhead>>,
    ) -> Option<Arc<str>> {
        if run.visitor.stage == Stage::Looking || !self.genuine(run) {
            return None;
        }
        self.finishes.outcome(&run.visitor.run, ahead).await
    }

    /// The run `request` names in a signed visitor cookie, when that run
    /// stored answers in the session the request carries, and the ledger
    /// that finishes it: what a claim sent ahead of the session's read
    /// needs ([`ClaimAhead`]). `None` without a ledger.
    pub fn claimable_run(&self, request: &HttpRequest) -> Option<(String, Arc<dyn RunLedger>)> {
        let ledger = self.finishes.ledger()?;
        let cookies = request.cookies().ok()?;
        if !cookies
            .iter()
            .any(|cookie| cookie.name() == self.session_cookie)
        {
            return None;
        }
        let sent = self.visitor.read(request)?;
        if sent.visitor.stage != Stage::Answering || !self.visitor.is_genuine(&sent, &self.cipher) {
            return None;
        }
        Some((sent.visitor.run, Arc::clone(ledger)))
    }

    /// Whether the browser sent a visitor cookie this server signed.
    fn genuine<W>(&self, run: &Run<W>) -> bool {
        run.sent
            .as_ref()
            .is_some_and(|sent| self.visitor.is_genuine(sent, &self.cipher))
    }

    /// Whether `submitted` is the run's CSRF token, as named in a
    /// genuine visitor cookie. When the cookie is not genuine (tampered,
    /// or signed under an old key), the run it names is neither shown
    /// nor written, and a new cookie is issued with the answer, so that
    /// reloading the form works.
    pub fn csrf_matches<W: Wizard>(&self, run: &mut Run<W>, submitted: Option<&str>) -> bool {
        if !self.genuine(run) {
            run.disown();
            return false;
        }
        crate::csrf::tokens_match(
            run.visitor.csrf.as_bytes(),
            submitted.unwrap_or("").as_bytes(),
        ) && run.sent_visitor().map(|v| &v.csrf) == Some(&run.visitor.csrf)
    }

    /// See [`Finishes::once`].
    pub async fn finish_once<F>(
        &self,
        run_id: &str,
        ahead: Option<Rc<ClaimAhead>>,
        section: F,
    ) -> Result<Arc<str>, Arc<Refusal>>
    where
        F: std::future::Future<Output = Result<Arc<str>, Refusal>>,
    {
        self.finishes.once(run_id, ahead, section).await
    }

    /// Ends a finished run in this session: the state goes and the
    /// visitor cookie says the run finished, so that a visit long after
    /// (when no record of finished runs remembers it) starts a new run
    /// without telling anyone their answers expired.
    ///
    /// When the run was all the session held, the session ends (deleted
    /// in the store, its cookie removed): one store command where a
    /// renewal takes two, and the old id stops working all the same. The
    /// completion page then finds the outcome in the record of finished
    /// runs, by the run id of the signed visitor cookie. Otherwise the
    /// outcome is kept in the session beside the application's entries,
    /// and the session id is renewed.
    pub fn keep_outcome<W>(&self, session: &Session, run: &mut Run<W>, outcome: &str) {
        let names = &run.key.0;
        session.remove(&names.state_entry);
        run.journey.state = None;
        run.journey.changed = false;
        run.visitor.stage = Stage::Finished;
        if !crate::session::holds_anything(session) {
            session.purge();
            return;
        }
        let kept = if self.encrypt {
            let sealed = self
                .cipher
                .seal(outcome.as_bytes(), names.outcome_context.as_bytes());
            session.insert(&names.outcome_entry, sealed)
        } else {
            match RawValue::from_string(outcome.to_owned()) {
                Ok(raw) => session.insert(&names.outcome_entry, raw),
                Err(error) => {
                    tracing::error!(%error, wizard = self.id, "outcome is not JSON");
                    Ok(())
                }
            }
        };
        if let Err(error) = kept {
            tracing::error!(%error, wizard = self.id, "outcome not kept in the session");
        }
        session.renew();
    }

    /// The outcome kept in the session for the completion page, else that
    /// of the finished run a genuine visitor cookie names.
    pub async fn kept_outcome<W>(&self, session: &Session, run: &Run<W>) -> Option<Vec<u8>> {
        let names = &run.key.0;
        let kept = if self.encrypt {
            session
                .get::<String>(&names.outcome_entry)
                .ok()
                .flatten()
                .and_then(|sealed| self.cipher.open(&sealed, names.outcome_context.as_bytes()))
        } else {
            session
                .get::<Box<RawValue>>(&names.outcome_entry)
                .ok()
                .flatten()
                .map(|raw| raw.get().as_bytes().to_vec())
        };
        match kept {
            Some(outcome) => Some(outcome),
            None => self
                .finished_outcome(run, None)
                .await
                .map(|o| o.as_bytes().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_on_two_resources_have_their_own_entries_and_seals() {
        let fixed = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(RunKey::resource_of(&fixed), None);
        let key_of = |claim: &str| {
            let request = actix_web::test::TestRequest::default()
                .param("claim", claim.to_owned())
                .to_http_request();
            let resource = RunKey::resource_of(&request).unwrap_or_default();
            RunKey::new("amend", &resource)
        };
        let (seven, eight) = (key_of("7"), key_of("8"));
        assert_eq!(seven.0.state_entry, "wizard.amend:claim=7");
        assert_ne!(seven.0.state_entry, eight.0.state_entry);
        assert_ne!(seven.0.state_context, eight.0.state_context);
        assert_ne!(seven.0.outcome_entry, eight.0.outcome_entry);
        assert_eq!(RunKey::new("amend", "").0.state_entry, "wizard.amend");
    }

    #[test]
    fn the_keys_the_crate_makes_and_only_those_match_a_tab_route() {
        let route = actix_web::dev::ResourceDef::new(format!(
            "/w/{TAB_SEGMENT}/{{{TAB_PARAM}:{TAB_KEY_PATTERN}}}"
        ));
        for _ in 0..100 {
            let key = crate::csrf::random_id(TAB_KEY_BYTES);
            assert!(route.is_match(&format!("/w/r/{key}")), "{key}");
        }
        for bad in [
            "short",
            "a%3BDomain%3Dexample.com",
            "abcdefghijklm",
            "abcdef<ghijk",
        ] {
            assert!(!route.is_match(&format!("/w/r/{bad}")), "{bad}");
        }
    }
}
