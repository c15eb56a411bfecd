//! [`WizardSetup`]: the one entry point. It takes the session store, the
//! one key and the configuration, and gives the middleware and the wizard
//! services an `App` needs, wired in the right order with the same key.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_session::SessionMiddleware;
use actix_session::storage::SessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::Key;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};

use crate::claim_ahead::{ClaimAheadLayer, ClaimAheadService, FinishingRuns};
use crate::config::{StateAtRest, WizardConfig};
use crate::ledger::RunLedger;
use crate::pipeline::WizardService;
use crate::session::{OutagePage, OutageSettings, StoreOutageService, session_middleware};
use crate::store::RenewalGrace;
use crate::wizard::Wizard;

/// Everything an application needs for its wizards, from one store, one
/// key and one configuration: [`WizardSetup::middleware`] (the session
/// layer inside the store-outage page, in the order that works) and
/// [`WizardSetup::wizard`] (a service whose state is sealed under a key
/// derived from the same key).
///
/// Build it once, outside `HttpServer::new`, and clone it into the
/// closure: every worker then shares the store and the key.
///
/// ```no_run
/// use actix_web::{App, HttpServer, cookie::Key};
/// use actix_wizard::{MemoryStore, WizardConfig, WizardSetup};
/// # use actix_wizard::*;
/// # #[derive(Default)] struct Signup;
/// # impl Wizard for Signup {
/// #     const ID: &'static str = "signup"; type Outcome = ();
/// #     fn steps() -> Steps<Self> { Steps::new() }
/// #     async fn finish(self, _: &Finish) -> Result<(), FinishError> { Ok(()) }
/// #     fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> { Ok(String::new()) }
/// # }
///
/// # async fn run() -> std::io::Result<()> {
/// let key = Key::generate(); // in production: 64 bytes from configuration
/// let setup = WizardSetup::new(MemoryStore::default(), key, WizardConfig::default());
/// let signup = setup.wizard::<Signup>("/signup");
/// HttpServer::new(move || App::new().wrap(setup.middleware()).service(signup.clone()))
///     .bind("127.0.0.1:8080")?
///     .run()
///     .await
/// # }
/// ```
pub struct WizardSetup<S> {
    make_store: Arc<dyn Fn() -> S + Send + Sync>,
    key: Key,
    config: WizardConfig,
    /// Where each wizard built here is mounted, by its id (the testing
    /// kit reads it to plant a run on a resource).
    mounts: Arc<std::sync::Mutex<Vec<(&'static str, String)>>>,
    /// The wizards with a ledger, whose finishing runs the middleware
    /// claims while the session loads.
    finishing: FinishingRuns,
}

impl<S> Clone for WizardSetup<S> {
    fn clone(&self) -> Self {
        Self {
            make_store: Arc::clone(&self.make_store),
            key: self.key.clone(),
            config: self.config.clone(),
            mounts: Arc::clone(&self.mounts),
            finishing: Arc::clone(&self.finishing),
        }
    }
}

impl<S: SessionStore + 'static> WizardSetup<S> {
    /// One store shared by every worker (clones of it), one key, one
    /// configuration. The state key is derived from `key`.
    pub fn new(store: S, key: Key, config: WizardConfig) -> Self
    where
        S: Clone + Send + Sync,
    {
        Self::with_store_factory(move || store.clone(), key, config)
    }

    /// Like [`WizardSetup::new`] for a store made afresh for each worker,
    /// such as actix-session's `CookieSessionStore` (which keeps nothing
    /// on the server).
    ///
    /// ```
    /// use actix_session::storage::CookieSessionStore;
    /// use actix_web::cookie::Key;
    /// use actix_wizard::{WizardConfig, WizardSetup};
    /// // The cookie holds everything: keep the state well under 4 KiB.
    /// let config = WizardConfig::default().max_state_bytes(2500);
    /// let setup = WizardSetup::with_store_factory(CookieSessionStore::default, Key::generate(), config);
    /// # let _ = setup.middleware();
    /// ```
    pub fn with_store_factory(
        make_store: impl Fn() -> S + Send + Sync + 'static,
        key: Key,
        config: WizardConfig,
    ) -> Self {
        let mut config = config.encrypt_state_with(&key);
        if config.state_at_rest == StateAtRest::Auto {
            config.state_at_rest = if keeps_state_private::<S>() {
                StateAtRest::Plain
            } else {
                StateAtRest::Encrypted
            };
        }
        Self {
            make_store: Arc::new(make_store),
            key,
            config,
            mounts: Arc::default(),
            finishing: Arc::default(),
        }
    }

    /// The configuration, with the state key derived from the setup's key.
    pub fn config(&self) -> &WizardConfig {
        &self.config
    }

    /// The middleware for `App::wrap`: the session layer, wrapped in the
    /// layer that turns a store failure into the 503 page. For a wizard
    /// built with a ledger ([`WizardSetup::wizard_with_ledger`]), a layer
    /// between the two sends a finishing run's ledger claim together with
    /// the session's read, so that a finish waits for one exchange with
    /// the store before its handler runs rather than two.
    pub fn middleware(&self) -> WizardMiddleware<S> {
        WizardMiddleware {
            session: session_middleware((self.make_store)(), self.key.clone(), &self.config),
            claims: ClaimAheadLayer(Arc::clone(&self.finishing)),
            outage: OutagePage(OutageSettings::of(&self.config)),
        }
    }

    /// The wizard `W` at `path`, its state sealed under the setup's key.
    pub fn wizard<W: Wizard>(&self, path: &str) -> WizardService<W> {
        self.note_mount::<W>(path);
        WizardService::new(path, self.config.clone())
    }

    /// Like [`WizardSetup::wizard`], finishing each run once across every
    /// instance that shares `ledger`.
    pub fn wizard_with_ledger<W: Wizard>(
        &self,
        path: &str,
        ledger: impl RunLedger,
    ) -> WizardService<W> {
        self.note_mount::<W>(path);
        let service = WizardService::with_ledger(path, self.config.clone(), ledger);
        self.finishing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(service.finishing_run());
        service
    }

    fn note_mount<W: Wizard>(&self, path: &str) {
        let mut mounts = self.mounts.lock().unwrap_or_else(|p| p.into_inner());
        mounts.push((W::ID, path.trim_end_matches('/').to_owned()));
    }

    /// Where wizard `id` was mounted through this setup, if it was (the
    /// testing kit plants a run there).
    #[doc(hidden)]
    pub fn mount_of(&self, id: &str) -> Option<String> {
        let mounts = self.mounts.lock().unwrap_or_else(|p| p.into_inner());
        mounts
            .iter()
            .find(|(w, _)| *w == id)
            .map(|(_, path)| path.clone())
    }
}

#[cfg(feature = "testing")]
impl<S: SessionStore + 'static> WizardSetup<S> {
    /// The configuration, to change before the services are built (the
    /// testing kit sets its clock and its event hook).
    pub(crate) fn config_mut(&mut self) -> &mut WizardConfig {
        &mut self.config
    }
}

/// Whether a store keeps wizard state where encrypting it protects
/// nothing: the embedded store (in the process that holds the key) and
/// the cookie store (which encrypts the whole session).
fn keeps_state_private<S: 'static>() -> bool {
    use std::any::TypeId;
    let store = TypeId::of::<S>();
    store == TypeId::of::<crate::store::MemoryStore>()
        || store == TypeId::of::<actix_session::storage::CookieSessionStore>()
}

/// The middleware [`WizardSetup::middleware`] gives: actix-session's
/// `SessionMiddleware` inside [`crate::http::StoreOutage`]'s 503 page.
pub struct WizardMiddleware<S: SessionStore> {
    session: SessionMiddleware<RenewalGrace<S>>,
    claims: ClaimAheadLayer,
    outage: OutagePage,
}

type SessionService<St, S> =
    <SessionMiddleware<RenewalGrace<St>> as Transform<S, ServiceRequest>>::Transform;

impl<St, S, B> Transform<S, ServiceRequest> for WizardMiddleware<St>
where
    St: SessionStore + 'static,
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
    SessionMiddleware<RenewalGrace<St>>:
        Transform<S, ServiceRequest, InitError = (), Error = actix_web::Error>,
    SessionService<St, S>:
        Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = StoreOutageService<ClaimAheadService<SessionService<St, S>>>;
    type InitError = ();
    type Future = Pin<Box<dyn Future<Output = Result<Self::Transform, ()>>>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let session = self.session.new_transform(service);
        let claims = ClaimAheadLayer(Arc::clone(&self.claims.0));
        let outage = OutagePage(Arc::clone(&self.outage.0));
        Box::pin(async move {
            let session = session.await?;
            let claims = claims.new_transform(session).await?;
            outage.new_transform(claims).await
        })
    }
}
