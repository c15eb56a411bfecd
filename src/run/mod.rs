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
use actix_web::HttpRequest;

use crate::cipher::StateCipher;
use crate::config::{SharedClock, StateAtRest, WizardConfig};
use crate::events::EventHooks;
use crate::journey::{Journey, Stored};
use crate::mount::Mount;
use crate::once::Finishes;
use crate::resource::ResourceKey;
use crate::state::WizardState;
use crate::steps::Steps;
use crate::visitor::{HolderCookie, Sent, Stage, Ticket, VisitorCookie};
use crate::wizard::Wizard;

mod finished;
mod save;
#[cfg(feature = "save-and-return")]
mod saved;
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
    key: RunKey,
    /// The wizard's base path on this run's resource (`/signup`,
    /// `/bookings/7/change`): every URL the run's pages link to starts
    /// with it.
    base: Arc<str>,
    journey: Journey<W>,
    /// What the visitor cookie says, or a new run when it said nothing
    /// usable.
    visitor: Ticket,
    /// What the browser's cookie said, to write it only when it changes.
    sent: Option<Rc<Sent>>,
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
    /// The ids of the runs this request dropped to make room for this one
    /// (with runs per tab): whatever else they hold goes too.
    pub(crate) dropped: Vec<String>,
    /// The time of the request, read from the clock once, when the run
    /// was loaded.
    at: std::time::SystemTime,
}

impl<W> Run<W> {
    /// What the run's state is sealed for (empty before its first store).
    pub(crate) fn holder(&self) -> &str {
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

    fn sent_visitor(&self) -> Option<&Ticket> {
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
        self.visitor = Ticket::new_run();
        self.journey.new_run_id = self.visitor.run.clone();
    }

    /// The run's id (handed to the finish handler).
    pub fn id(&self) -> &str {
        &self.visitor.run
    }

    /// What the visitor cookie says of the run: looking, answering, or
    /// finished.
    pub fn stage(&self) -> Stage {
        self.visitor.stage
    }

    /// The CSRF token every form of the run carries.
    pub fn csrf(&self) -> &str {
        &self.visitor.csrf
    }

    /// The wizard's base path on this run's resource (`/signup`,
    /// `/bookings/7/change`): every URL the run's pages link to starts
    /// with it.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Where the visitor is in the wizard: the answers, the steps done and
    /// to do. Read only; a run changes through its own methods.
    pub fn journey(&self) -> &Journey<W> {
        &self.journey
    }

    /// The answers as the steps' rules and pages read them (a step's
    /// check may fill in what it derives).
    pub fn answers_mut(&mut self) -> &mut W {
        &mut self.journey.answers
    }

    /// Whether the run's state expired or was unreadable when it was
    /// loaded (a new run was started in its place): asked once.
    pub fn take_lapsed(&mut self) -> bool {
        std::mem::take(&mut self.journey.lapsed)
    }

    /// Whether the run's state expired or was unreadable when loaded.
    pub fn lapsed(&self) -> bool {
        self.journey.lapsed
    }

    /// The notice the next page shows, taken from the state (the state
    /// is then written again).
    pub fn take_notice(&mut self) -> Option<crate::state::Notice> {
        let notice = self.journey.state.as_mut()?.notice.take()?;
        self.journey.changed = true;
        Some(notice)
    }

    /// Sets the notice the next page shows, if the run has state (what
    /// is written with the response stays as the state says).
    pub fn set_notice(&mut self, notice: crate::state::Notice) {
        if let Some(state) = &mut self.journey.state {
            state.notice = Some(notice);
        }
    }

    /// Writes the state with this response even if nothing else changed
    /// (the idle clock is refreshed).
    pub fn touch(&mut self) {
        self.journey.changed = true;
    }

    /// Stores step `index`'s valid answers (their JSON).
    pub fn store_answers(
        &mut self,
        steps: &Steps<W>,
        index: usize,
        answers: Box<serde_json::value::RawValue>,
    ) {
        let now = self.now();
        self.state_mut();
        self.journey
            .store_answers(steps, index, answers, W::VERSION, now);
    }

    /// Stores the valid answers of step `step` of item `id` in the list
    /// at `index`, making the item when it is new.
    pub fn store_item_answers(
        &mut self,
        steps: &Steps<W>,
        index: usize,
        id: &str,
        step: usize,
        answers: Box<serde_json::value::RawValue>,
    ) {
        let now = self.now();
        self.state_mut();
        self.journey
            .store_item_answers(steps, index, id, step, answers, W::VERSION, now);
    }

    /// Removes item `item` of the list at `index`, with all it holds.
    pub fn remove_item(&mut self, steps: &Steps<W>, index: usize, item: usize) {
        self.state_mut();
        self.journey.remove_item(steps, index, item);
    }

    /// Works out again which steps are active and done, after answers
    /// were taken back.
    pub fn settle(&mut self, steps: &Steps<W>) {
        self.journey.settle(steps);
    }

    /// The time of the request, in Unix seconds (the clock is read once,
    /// when the run is loaded).
    pub fn now(&self) -> u64 {
        unix_seconds(self.at)
    }

    /// When the run expires (Unix seconds) as the store keeps it after
    /// this request: a whole idle timeout from now when the request writes
    /// the state, else from the state's last write. `None` while the run
    /// stores nothing.
    pub fn expires_at(&self, idle_secs: u64) -> Option<u64> {
        let state = self.journey.state.as_ref().filter(|_| self.stored)?;
        let written = match self.journey.changed {
            true => self.now(),
            false => state.seen,
        };
        Some(written.saturating_add(idle_secs))
    }

    /// The run's state, created now if it has none yet.
    pub fn state_mut(&mut self) -> &mut WizardState {
        if !self.stored {
            self.stored = true;
            self.start_storing();
        }
        self.visitor.stage = Stage::Answering;
        let now = self.now();
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
    pub fn prefill(
        &mut self,
        steps: &Steps<W>,
        answers: W,
        item_id: &crate::journey::ItemIds<'_>,
        now: u64,
    ) {
        self.journey
            .prefill(steps, answers, item_id, W::VERSION, now);
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
        let at = self.clock.now();
        let now = unix_seconds(at);
        let resource = W::resource_key(request).or_else(|| ResourceKey::as_written(request));
        let key = match resource {
            None => self.fixed_key.clone(),
            Some(resource) => RunKey::new(self.id, &resource.joined()),
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
        let mut journey = Journey::load(steps, stored, now, self.idle_secs, W::VERSION);
        let visitor = match sent.as_ref() {
            Some(sent) if journey.state.is_some() => Ticket {
                stage: Stage::Answering,
                ..sent.visitor.clone()
            },
            Some(sent) if !journey.lapsed => sent.visitor.clone(),
            _ => Ticket::new_run(),
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
            dropped: Vec::new(),
            at,
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
        sent: Option<&Ticket>,
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

    /// The id the next item of list `list` takes in `run`: made from the
    /// run's id and the list's count of items ever made, under the
    /// wizard's key, so that a page can offer it without storing it, and
    /// an id once used (a removed item's) is never new again.
    pub fn next_item_id<W: Wizard>(&self, run: &Run<W>, list: &str) -> String {
        self.next_item_id_of(run, list, run.id())
    }

    /// Whether `id` is the id run `run` offers its next item: under its
    /// id, or under the id the request came with when the run started
    /// storing on this request (a form with files, whose run takes its id
    /// before the rest of the body is read).
    pub fn offers_item_id<W: Wizard>(&self, run: &Run<W>, list: &str, id: &str) -> bool {
        let ids = std::iter::once(run.id()).chain(run.shown_as.as_deref());
        ids.into_iter()
            .any(|run_id| self.next_item_id_of(run, list, run_id) == id)
    }

    fn next_item_id_of<W: Wizard>(&self, run: &Run<W>, list: &str, run_id: &str) -> String {
        let made = run
            .journey
            .list_record(list)
            .map_or(0, |record| record.made);
        self.cipher
            .tag(&format!("{list}:{made}"), run_id.as_bytes())
    }

    /// The id of item `position` of a list `list` prefilled for run `run`
    /// ([`crate::Wizard::prefill`]): the same on each request until the
    /// run is stored, and unlike any id [`Runs::next_item_id`] gives.
    pub fn prefilled_item_id(&self, run: &str, list: &str, position: usize) -> String {
        self.cipher
            .tag(&format!("{list}:prefilled:{position}"), run.as_bytes())
    }

    /// Where the wizard's runs are mounted.
    pub fn mount(&self) -> &Mount {
        &self.mount
    }

    /// The wizard's base path on `request`'s resource (the pattern itself
    /// if a parameter is missing, which the wizard's own routes never
    /// allow).
    pub fn base_of(&self, request: &HttpRequest) -> Arc<str> {
        self.mount
            .base_of(request)
            .unwrap_or_else(|| Arc::from(self.mount.pattern()))
    }

    /// Now, in Unix seconds, by the configured clock (a request with a
    /// run reads [`Run::now`] instead).
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
}

/// `at` in seconds since the Unix epoch.
fn unix_seconds(at: std::time::SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_on_two_resources_have_their_own_entries_and_seals() {
        let fixed = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(ResourceKey::as_written(&fixed), None);
        let key_of = |claim: &str| {
            let request = actix_web::test::TestRequest::default()
                .param("claim", claim.to_owned())
                .to_http_request();
            let resource = ResourceKey::as_written(&request).map(|key| key.joined());
            RunKey::new("amend", &resource.unwrap_or_default())
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
