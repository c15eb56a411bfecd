//! The session middleware the wizard expects, and the middleware that turns
//! a session store failure into a 503 page.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_session::SessionMiddleware;
use actix_session::config::{PersistentSession, TtlExtensionPolicy};
use actix_session::storage::SessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use std::sync::Arc;

use crate::config::WizardConfig;
use crate::headers::SecurityHeaders;
use crate::problem::Problem;
use crate::store::RenewalGrace;
use crate::store::grace;
use crate::texts::Texts;

/// A `SessionMiddleware` set up for wizards: the cookie and the store's
/// entry live as long as the idle timeout from the last write of the
/// session, and the wizard writes its state at least every eighth of the
/// idle timeout while a visitor is active, so a run expires between 7/8
/// and 8/8 of the idle timeout after the visitor's last request; the
/// cookie is `HttpOnly`, `SameSite=Lax`, `Secure` and `Path` as
/// configured, its value encrypted (actix-session's `Private`).
///
/// [`crate::WizardSetup::middleware`] gives this together with
/// [`StoreOutage`] in the right order; this is for applications that
/// compose the layers by hand. Build `key` and `store` once, outside
/// `HttpServer::new`, so every worker shares them:
///
/// ```
/// use actix_web::{App, cookie::Key};
/// use actix_wizard::{MemoryStore, http::StoreOutage, WizardConfig, http::session_middleware};
///
/// let key = Key::generate();
/// let store = MemoryStore::default();
/// let config = WizardConfig::default().encrypt_state_with(&key);
/// let app = App::new()
///     .wrap(session_middleware(store.clone(), key.clone(), &config))
///     .wrap(StoreOutage); // outermost: catches the session layer's errors
/// # let _ = app;
/// ```
pub fn session_middleware<S: SessionStore>(
    store: S,
    key: Key,
    config: &WizardConfig,
) -> SessionMiddleware<RenewalGrace<S>> {
    let store = RenewalGrace::new(store, config.effective_renewal_grace());
    let ttl = actix_web::cookie::time::Duration::try_from(config.idle_timeout)
        .unwrap_or(actix_web::cookie::time::Duration::MAX);
    SessionMiddleware::builder(store, key)
        .cookie_name(config.session_cookie_name().to_owned())
        .cookie_secure(config.secure_cookies)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_path(config.cookie_path.clone())
        .session_lifecycle(
            PersistentSession::default()
                .session_ttl(ttl)
                // Extended when the session changes, not on every request:
                // the wizard rewrites its state at least every eighth of
                // the idle timeout while a visitor reads pages, so an
                // active visitor keeps their answers, and a page view
                // costs no store write (a memcached `touch`, a Redis
                // `EXPIRE`) in seven cases out of eight.
                .session_ttl_extension_policy(TtlExtensionPolicy::OnStateChanges),
        )
        .build()
}

/// Middleware that answers 503 with a page saying the answers are safe
/// when the session store fails (actix-session reports that as an error,
/// not a response, so error handlers cannot see it). Wrap it *outside* the
/// session middleware, i.e. register it after it. The page carries the
/// default [`SecurityHeaders`].
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreOutage;

/// Renews the session's id: with a grace period for the old id where the
/// store was given one ([`RenewalGrace`]), else at once.
pub(crate) fn renew_with_grace(session: &actix_session::Session) {
    if session.entries().contains_key(grace::LOADED_AS) {
        if let Err(error) = session.insert(grace::RENEW, true) {
            tracing::error!(%error, "renewal not asked for");
            session.renew();
        }
    } else {
        session.renew();
    }
}

/// Whether the session holds any entry beside the crate's own bookkeeping.
pub(crate) fn holds_anything(session: &actix_session::Session) -> bool {
    session
        .entries()
        .keys()
        .any(|name| !name.starts_with(grace::OWN_PREFIX))
}

/// [`StoreOutage`] with a given headers policy.
pub(crate) struct OutagePage(pub Arc<OutageSettings>);

/// What the 503 page needs: the headers policy and the words.
pub(crate) struct OutageSettings {
    pub headers: SecurityHeaders,
    pub texts: Arc<Texts>,
}

impl OutageSettings {
    pub fn of(config: &WizardConfig) -> Arc<Self> {
        Arc::new(Self {
            headers: config.security_headers.clone(),
            texts: Arc::clone(&config.texts),
        })
    }
}

impl<S, B> Transform<S, ServiceRequest> for OutagePage
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = StoreOutageService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(StoreOutageService {
            service: Rc::new(service),
            settings: Arc::clone(&self.0),
        }))
    }
}

impl<S, B> Transform<S, ServiceRequest> for StoreOutage
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = StoreOutageService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        OutagePage(OutageSettings::of(&WizardConfig::default())).new_transform(service)
    }
}

/// The service made by [`StoreOutage`].
pub struct StoreOutageService<S> {
    service: Rc<S>,
    settings: Arc<OutageSettings>,
}

impl<S, B> Service<ServiceRequest> for StoreOutageService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = OutageFuture<S::Future>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        // The request must not be cloned before routing (the router needs
        // sole access to it), so the page travels inside the error, whose
        // response actix-web sends as is.
        let json = crate::headers::Client::of(request.request()).is_json();
        OutageFuture {
            response: self.service.call(request),
            settings: Arc::clone(&self.settings),
            json,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`StoreOutageService`]: the inner response, or the
    /// 503 page when the session layer failed. A plain future rather
    /// than a boxed one: it runs on every request.
    #[doc(hidden)]
    pub struct OutageFuture<F> {
        #[pin]
        response: F,
        settings: Arc<OutageSettings>,
        // The client asked for JSON: the 503 is a problem document.
        json: bool,
    }
}

impl<F, R> Future for OutageFuture<F>
where
    F: Future<Output = Result<R, actix_web::Error>>,
{
    type Output = Result<R, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match this.response.poll(context) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(response)) => Poll::Ready(Ok(response)),
            Poll::Ready(Err(error)) => {
                // Display only: Debug would format a captured backtrace.
                let reason = error.to_string();
                tracing::warn!(%reason, "session store unavailable");
                let mut page = Problem::StoreDown.response(&this.settings.texts, *this.json);
                this.settings.headers.apply(page.headers_mut());
                Poll::Ready(Err(InternalError::from_response(reason, page).into()))
            }
        }
    }
}
