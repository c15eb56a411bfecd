//! [`WizardConfig`]: limits and session settings, with sane defaults.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use actix_web::cookie::Key;

pub use crate::cipher::StateKey;
use crate::events::{EventHooks, WizardEvent};
use crate::headers::SecurityHeaders;
use crate::texts::Texts;

/// An application's choice of language for a request (a signed-in
/// person's setting, say): a language tag, or `None` to leave it to the
/// request ([`WizardConfig::choose_language`]).
pub type LanguageChoice = fn(&actix_web::HttpRequest) -> Option<String>;

/// Where the wizard reads the time: when a run was last active, and
/// whether it has been idle for longer than
/// [`WizardConfig::idle_timeout`]. The system clock by default; a test can
/// give one it moves itself, so that expiry needs no waiting.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::time::{Duration, SystemTime};
/// use actix_wizard::{config::Clock, WizardConfig};
///
/// /// A clock a test moves forward by hand.
/// #[derive(Default)]
/// struct TestClock(AtomicU64);
/// impl Clock for TestClock {
///     fn now(&self) -> SystemTime {
///         SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + self.0.load(Ordering::SeqCst))
///     }
/// }
/// let clock = std::sync::Arc::new(TestClock::default());
/// let config = WizardConfig::default().clock(clock.clone());
/// clock.0.fetch_add(3600, Ordering::SeqCst); // an hour later, at once
/// # let _ = config;
/// ```
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock: [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// The configured [`Clock`], shared by clones of the configuration.
#[derive(Clone)]
pub(crate) struct SharedClock(pub Arc<dyn Clock>);

impl SharedClock {
    /// Now.
    pub fn now(&self) -> SystemTime {
        self.0.now()
    }

    /// Seconds since the Unix epoch.
    pub fn unix_now(&self) -> u64 {
        self.0
            .now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

impl fmt::Debug for SharedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// How wizard state is kept in the session store.
///
/// ```
/// use actix_wizard::{config::StateAtRest, WizardConfig};
/// let config = WizardConfig::default().state_at_rest(StateAtRest::Encrypted);
/// assert_eq!(config.state_at_rest, StateAtRest::Encrypted);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateAtRest {
    /// Encrypted (AES-256-GCM, bound to the wizard and resource), except
    /// where it protects nothing: [`crate::WizardSetup`] keeps it plain
    /// on the embedded [`crate::MemoryStore`] (the state never leaves the
    /// process that holds the key) and on actix-session's
    /// `CookieSessionStore` (which encrypts the whole session itself).
    /// Everywhere else, and for a [`crate::WizardService`] built by hand,
    /// encrypted.
    Auto,
    /// Always encrypted: a dump of the store shows no answers.
    Encrypted,
    /// Never encrypted: for stores that are private to the process or
    /// encrypt on their own.
    Plain,
}

/// Settings of a wizard service and of the session it runs on.
///
/// ```
/// use std::time::Duration;
/// use actix_wizard::WizardConfig;
///
/// let session_key = actix_web::cookie::Key::generate(); // load it from configuration
/// let config = WizardConfig::default()
///     .encrypt_state_with(&session_key)
///     .idle_timeout(Duration::from_secs(600))
///     .secure_cookies(false); // plain http on 127.0.0.1 during development
/// assert_eq!(config.body_limit, 16 * 1024);
/// ```
#[derive(Debug, Clone)]
pub struct WizardConfig {
    /// Largest form body accepted, in bytes (larger: 413). Default 16 KiB.
    pub body_limit: usize,
    /// Most fields a form may carry (more: 413). Default 1000.
    pub max_fields: usize,
    /// Longest time a request body may send nothing, once its head has
    /// arrived (then 408, and the connection closes). Default 5 seconds.
    /// actix-web's `client_request_timeout` covers the head only.
    pub body_idle_timeout: Duration,
    /// Slowest average rate, in bytes a second, at which a body may
    /// arrive once it has been arriving for longer than
    /// [`WizardConfig::body_idle_timeout`] (slower: 408, and the
    /// connection closes), so that a trickle of a byte every few seconds
    /// cannot hold a connection. Default 1,024: a 16 KiB form needs 16 s
    /// at worst, a 10 MB upload about 2 hours 45 minutes.
    pub body_min_rate: u64,
    /// Idle time after which an unfinished run expires. Default 30 minutes.
    pub idle_timeout: Duration,
    /// How long before a run expires its pages warn the visitor, in a
    /// dialog that offers to keep the answers (the crate's script; without
    /// JavaScript nothing shows). Must be shorter than
    /// [`WizardConfig::idle_timeout`]. Default 2 minutes; `None` turns the
    /// warning off.
    pub timeout_warning: Option<Duration>,
    /// Largest stored state of one run, in bytes once encrypted (larger:
    /// the step is refused with a page saying so, nothing stored). Default
    /// 64 KiB; about 2,500 with the cookie store, so the cookie stays under
    /// the browsers' 4 KiB limit.
    pub max_state_bytes: usize,
    /// Whether cookies are `Secure` (sent over https only). Default true.
    pub secure_cookies: bool,
    /// The `Path` of the session cookie. Default `/`.
    pub cookie_path: String,
    /// How long a session id the wizard renewed away (when a run first
    /// stores answers in a session that already existed) still reaches
    /// the session, so that a second click or another tab's request sent
    /// before the renewal's response keeps every answer. Only with the
    /// `__Host-` session cookie (`Secure`, on `/`), which no other site
    /// can plant; elsewhere the old id names nothing at once. Zero turns
    /// it off. Default 10 seconds.
    pub renewal_grace: Duration,
    /// The key that encrypts wizard state before it reaches the store.
    /// Without one, a random key is made when the service is built, so
    /// state does not survive a restart or reach another instance: set it
    /// with [`WizardConfig::encrypt_state_with`].
    pub state_key: Option<StateKey>,
    /// Where the time comes from. Default [`SystemClock`].
    pub(crate) clock: SharedClock,
    /// Whether wizard state is encrypted before it reaches the store.
    /// Default [`StateAtRest::Auto`].
    pub state_at_rest: StateAtRest,
    /// The security headers every response of the wizard carries where
    /// the application has not set them. Default: no framing, no
    /// sniffing, `Referrer-Policy: same-origin` ([`SecurityHeaders`]).
    pub security_headers: SecurityHeaders,
    /// Every text the crate writes on a page, in the wizard's default
    /// language. Default [`Texts::ENGLISH`].
    pub texts: Arc<Texts>,
    /// The wizard's other languages, each a table of its own
    /// ([`WizardConfig::language`]); a request is answered in one of them
    /// when it asks ([`crate::language`]). Default: none.
    pub languages: Vec<Arc<Texts>>,
    /// The application's own choice of language for a request, before
    /// the request's ([`WizardConfig::choose_language`]).
    pub(crate) choose_language: Option<LanguageChoice>,
    /// The language the declarations' words are written in
    /// ([`WizardConfig::declared_in`]). Default `en`.
    pub(crate) declared_in: String,
    /// Whether words the catalogues lack or have too many stop the wizard
    /// at start-up, as in the testing kit, instead of being logged.
    pub(crate) fail_untranslated: bool,
    /// The picture of the flow served at `{base}/flow.svg`
    /// ([`WizardConfig::flow_picture`]). Default: none, and no such page.
    pub(crate) flow_picture: Option<&'static str>,
    /// Who is told what happens in runs. Default: nobody.
    pub(crate) events: EventHooks,
    /// Where uploaded files go (feature `uploads`); a wizard with a file
    /// field needs it. Default: none.
    #[cfg(feature = "uploads")]
    pub uploads: Option<crate::upload::Uploads>,
    /// "Save and come back later" (feature `save-and-return`): where saved
    /// runs are kept and how links are sent. Default: off.
    #[cfg(feature = "save-and-return")]
    pub save_and_return: Option<crate::save_return::SaveAndReturn>,
    /// The element htmx swaps a step into when the wizard sends it on to
    /// another step (`HX-Location`'s target): the element the layout
    /// places the body in. Default `#main`, as the crate's default layout.
    pub htmx_target: String,
    /// Whether each browser tab keeps a run of its own (opt-in). With it
    /// on, a run's pages live at `{base}/r/{key}/{step}`, so a link, a
    /// reload or Back keeps the tab's run; `{base}` resumes the most
    /// recent unfinished run, or lists them when there are several;
    /// `{base}/new` starts another. Default false: one run per session.
    pub runs_per_tab: bool,
    /// With [`WizardConfig::runs_per_tab`], the most unfinished runs a
    /// session keeps: a run's first answers beyond it drop the oldest
    /// run, and the visitor is told. Default 5. (The cookie store holds
    /// about one run: give it 1.)
    pub max_runs: usize,
}

impl Default for WizardConfig {
    fn default() -> Self {
        Self {
            body_limit: 16 * 1024,
            max_fields: 1000,
            body_idle_timeout: Duration::from_secs(5),
            body_min_rate: 1024,
            idle_timeout: Duration::from_secs(30 * 60),
            timeout_warning: Some(Duration::from_secs(2 * 60)),
            max_state_bytes: 64 * 1024,
            secure_cookies: true,
            cookie_path: "/".to_owned(),
            renewal_grace: Duration::from_secs(10),
            state_key: None,
            security_headers: SecurityHeaders::default(),
            state_at_rest: StateAtRest::Auto,
            clock: SharedClock(Arc::new(SystemClock)),
            texts: Arc::new(Texts::default()),
            languages: Vec::new(),
            choose_language: None,
            declared_in: "en".to_owned(),
            fail_untranslated: false,
            flow_picture: None,
            events: EventHooks::default(),
            #[cfg(feature = "uploads")]
            uploads: None,
            #[cfg(feature = "save-and-return")]
            save_and_return: None,
            htmx_target: "#main".to_owned(),
            runs_per_tab: false,
            max_runs: 5,
        }
    }
}

impl WizardConfig {
    /// Sets [`WizardConfig::texts`]: the wizard's words, reworded or in
    /// another language.
    pub fn texts(mut self, texts: Texts) -> Self {
        self.texts = Arc::new(texts);
        self
    }

    /// Offers the wizard in another language too: `texts` is its table
    /// (its [`Texts::lang`] names it; [`Texts::WELSH`] is the crate's own
    /// words in Welsh). A request is answered in it when `?lang=` names it
    /// (remembered in a cookie), else when `Accept-Language` prefers it.
    ///
    /// ```
    /// use actix_wizard::WizardConfig;
    /// use actix_wizard::page::Texts;
    /// let config = WizardConfig::default().language(Texts::WELSH);
    /// assert_eq!(config.languages[0].lang, "cy");
    /// ```
    pub fn language(mut self, texts: Texts) -> Self {
        self.languages.retain(|known| known.lang != texts.lang);
        self.languages.push(Arc::new(texts));
        self
    }

    /// The application's own choice of a request's language (a signed-in
    /// person's setting), before `?lang=`, the cookie and
    /// `Accept-Language`; `None` leaves it to them.
    pub fn choose_language(mut self, choose: LanguageChoice) -> Self {
        self.choose_language = Some(choose);
        self
    }

    /// The language the declarations' words (titles, labels, options,
    /// messages) are written in, `en` by default: every other language
    /// of the wizard takes its words from its
    /// [`Catalogue`](crate::catalogue::Catalogue), and at start-up the
    /// wizard lists each word a catalogue lacks or has too many (a
    /// warning in the log; a failure in the testing kit).
    ///
    /// ```
    /// use actix_wizard::{WizardConfig, page::Texts};
    /// // Declared in Welsh, offered in Welsh only.
    /// let config = WizardConfig::default().texts(Texts::WELSH).declared_in("cy");
    /// # let _ = config;
    /// ```
    pub fn declared_in(mut self, lang: &str) -> Self {
        self.declared_in = lang.to_owned();
        self
    }

    /// Serves `svg`, a picture of the wizard's flow, at `{base}/flow.svg`
    /// (off by default). Draw it with the testing kit's explorer
    /// (`Exploration::svg`) and keep it beside the application.
    ///
    /// ```
    /// let config = actix_wizard::WizardConfig::default()
    ///     .flow_picture("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>");
    /// # let _ = config;
    /// ```
    pub fn flow_picture(mut self, svg: &'static str) -> Self {
        self.flow_picture = Some(svg);
        self
    }

    /// Names the service, once for every page: each `<title>` ends with
    /// it, "Your details – Claim your expenses" ([`Texts::service`]).
    ///
    /// ```
    /// let config = actix_wizard::WizardConfig::default().service_name("Claim your expenses");
    /// assert_eq!(config.texts.service, "Claim your expenses");
    /// ```
    pub fn service_name(mut self, name: &'static str) -> Self {
        for texts in std::iter::once(&mut self.texts).chain(&mut self.languages) {
            Arc::make_mut(texts).service = name.into();
        }
        self
    }

    /// Sets [`WizardConfig::runs_per_tab`].
    pub fn runs_per_tab(mut self, per_tab: bool) -> Self {
        self.runs_per_tab = per_tab;
        self
    }

    /// Sets [`WizardConfig::max_runs`] (at least 1).
    pub fn max_runs(mut self, runs: usize) -> Self {
        self.max_runs = runs.max(1);
        self
    }

    /// Sets [`WizardConfig::body_limit`].
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets [`WizardConfig::max_fields`].
    pub fn max_fields(mut self, fields: usize) -> Self {
        self.max_fields = fields;
        self
    }

    /// The session cookie's name: `__Host-wizard_session` when cookies are
    /// `Secure` and on the path `/`, so that browsers refuse the cookie
    /// from a sibling domain or over plain http (a planted session id);
    /// else `wizard_session` (a cookie on another path cannot take the
    /// prefix: see SECURITY.md).
    ///
    /// ```
    /// use actix_wizard::WizardConfig;
    /// assert_eq!(WizardConfig::default().session_cookie_name(), "__Host-wizard_session");
    /// let plain = WizardConfig::default().secure_cookies(false);
    /// assert_eq!(plain.session_cookie_name(), "wizard_session");
    /// ```
    pub fn session_cookie_name(&self) -> &'static str {
        if self.host_only() {
            "__Host-wizard_session"
        } else {
            "wizard_session"
        }
    }

    /// The holder cookie's name (beside the session cookie, the same rule).
    pub(crate) fn holder_cookie_name(&self) -> &'static str {
        if self.host_only() {
            "__Host-wizard_holder"
        } else {
            "wizard_holder"
        }
    }

    /// Whether cookies beside the session's may take the `__Host-` prefix.
    fn host_only(&self) -> bool {
        self.secure_cookies && self.cookie_path == "/"
    }

    /// The grace a renewed-away session id gets: none where the session
    /// cookie could be planted.
    pub(crate) fn effective_renewal_grace(&self) -> Option<Duration> {
        Some(self.renewal_grace).filter(|_| self.host_only())
    }

    /// Sets [`WizardConfig::renewal_grace`].
    pub fn renewal_grace(mut self, grace: Duration) -> Self {
        self.renewal_grace = grace;
        self
    }

    /// Sets [`WizardConfig::body_idle_timeout`].
    pub fn body_idle_timeout(mut self, timeout: Duration) -> Self {
        self.body_idle_timeout = timeout;
        self
    }

    /// Sets [`WizardConfig::body_min_rate`], in bytes a second.
    pub fn body_min_rate(mut self, bytes_per_second: u64) -> Self {
        self.body_min_rate = bytes_per_second;
        self
    }

    /// Sets [`WizardConfig::idle_timeout`]. A timeout warning that would
    /// not be shorter (the default two minutes before an idle timeout of
    /// a minute, say) becomes a quarter of it; set the warning after the
    /// timeout to choose it yourself.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let config = actix_wizard::WizardConfig::default().idle_timeout(Duration::from_secs(60));
    /// assert_eq!(config.timeout_warning, Some(Duration::from_secs(15)));
    /// ```
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        if self.timeout_warning.is_some_and(|before| before >= timeout) {
            self.timeout_warning = Some(timeout / 4);
        }
        self
    }

    /// Sets [`WizardConfig::max_state_bytes`].
    pub fn max_state_bytes(mut self, bytes: usize) -> Self {
        self.max_state_bytes = bytes;
        self
    }

    /// Sets [`WizardConfig::secure_cookies`].
    pub fn secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }

    /// Sets [`WizardConfig::cookie_path`].
    pub fn cookie_path(mut self, path: impl Into<String>) -> Self {
        self.cookie_path = path.into();
        self
    }

    /// Reads the time from `clock` instead of the system clock (a test's
    /// clock, say). The session store's own expiry still runs on real time.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = SharedClock(clock);
        self
    }

    /// Adds a hook told of every [`WizardEvent`] of the wizards built
    /// with this configuration, after the hooks added before it. A hook
    /// runs on the request's thread: keep it short (count, or hand the
    /// event to a channel).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use actix_wizard::{WizardConfig, WizardEvent};
    ///
    /// let finishes = Arc::new(AtomicUsize::new(0));
    /// let counter = finishes.clone();
    /// let config = WizardConfig::default().on_event(move |event| {
    ///     if let WizardEvent::FinishRan { .. } = event {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///     }
    /// });
    /// # let _ = config;
    /// ```
    pub fn on_event(mut self, hook: impl Fn(&WizardEvent<'_>) + Send + Sync + 'static) -> Self {
        self.events.add(Arc::new(hook));
        self
    }

    /// Sets [`WizardConfig::htmx_target`].
    pub fn htmx_target(mut self, selector: impl Into<String>) -> Self {
        self.htmx_target = selector.into();
        self
    }

    /// Sets [`WizardConfig::state_at_rest`].
    pub fn state_at_rest(mut self, at_rest: StateAtRest) -> Self {
        self.state_at_rest = at_rest;
        self
    }

    /// Sets [`WizardConfig::timeout_warning`]: how long before a run
    /// expires its pages warn the visitor; `None` turns the warning off.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let config = actix_wizard::WizardConfig::default()
    ///     .idle_timeout(Duration::from_secs(15 * 60))
    ///     .timeout_warning(Some(Duration::from_secs(3 * 60)));
    /// assert_eq!(config.timeout_warning, Some(Duration::from_secs(180)));
    /// ```
    pub fn timeout_warning(mut self, before: Option<Duration>) -> Self {
        self.timeout_warning = before;
        self
    }

    /// Refuses, at start-up, settings that cannot work together: a
    /// timeout warning that would show before the page is even read.
    pub(crate) fn check(&self, wizard: &str) {
        if let Some(before) = self.timeout_warning {
            if before >= self.idle_timeout {
                panic!(
                    "wizard `{wizard}`: the timeout warning ({before:?} before) must be shorter \
                     than the idle timeout ({:?})",
                    self.idle_timeout
                );
            }
        }
    }

    /// Sets [`WizardConfig::uploads`]: where files go, whether they are
    /// scanned, how large they may be.
    #[cfg(feature = "uploads")]
    pub fn uploads(mut self, uploads: crate::upload::Uploads) -> Self {
        self.uploads = Some(uploads);
        self
    }

    /// Sets [`WizardConfig::save_and_return`]: every page with a form
    /// offers "Save and come back later".
    #[cfg(feature = "save-and-return")]
    pub fn save_and_return(mut self, save: crate::save_return::SaveAndReturn) -> Self {
        self.save_and_return = Some(save);
        self
    }

    /// Sets [`WizardConfig::security_headers`].
    pub fn security_headers(mut self, headers: SecurityHeaders) -> Self {
        self.security_headers = headers;
        self
    }

    /// Encrypts wizard state with a key derived from the session key
    /// (HKDF-SHA256), so that every instance sharing the session key reads
    /// it, and it survives restarts.
    pub fn encrypt_state_with(mut self, session_key: &Key) -> Self {
        self.state_key = Some(StateKey::derive(session_key));
        self
    }
}
