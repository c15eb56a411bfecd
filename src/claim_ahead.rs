//! Claiming a finishing run in the shared ledger while its session loads.
//!
//! A finish with a [`RunLedger`] needs the session (the answers) and the
//! ledger's claim (that this request, of all instances, runs the finish
//! handler). One after the other they cost two exchanges with the store
//! before the handler runs; this layer, outside the session middleware,
//! sends the claim beside the session's read, so that the handler finds
//! it made. Only a `POST` to a wizard's last declared step can be a
//! finish, and only one whose signed visitor cookie names a run with
//! stored answers is claimed ahead. The once-only section takes the claim
//! over ([`ClaimAhead::take`]); a claim the request did not use (a Back,
//! a refused form, a tampered token) is released before the answer goes.

use std::cell::{Cell, RefCell};
use std::future::{Future, Ready, ready};
use std::rc::Rc;
use std::sync::Arc;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{HttpMessage, HttpRequest};
use futures_util::future::{Either, LocalBoxFuture};
use tokio::sync::Notify;

use crate::ledger::{Claim, RunLedger};

/// What a wizard with a ledger tells the layer about a request.
pub(crate) trait FinishingRun: Send + Sync {
    /// The run `request` may be finishing, when it is a `POST` to this
    /// wizard's last declared step with a signed visitor cookie of a run
    /// that stored answers, and the ledger that finishes it.
    fn run_to_claim(&self, request: &HttpRequest) -> Option<(String, Arc<dyn RunLedger>)>;
}

/// The wizards an application's [`ClaimAheadLayer`] looks after, shared
/// by the setup (which adds each wizard it builds) and its middleware.
pub(crate) type FinishingRuns = Arc<std::sync::Mutex<Vec<Arc<dyn FinishingRun>>>>;

/// A claim sent ahead for one request, and what the ledger answered.
pub(crate) struct ClaimAhead {
    run: String,
    /// `None` until the ledger answers; then `Some(None)` if it failed.
    answer: RefCell<Option<Option<Claim>>>,
    answered: Notify,
    taken: Cell<bool>,
}

impl ClaimAhead {
    fn new(run: String) -> Self {
        Self {
            run,
            answer: RefCell::new(None),
            answered: Notify::new(),
            taken: Cell::new(false),
        }
    }

    /// A claim the ledger has answered, taken over by the caller.
    #[cfg(test)]
    pub fn answered(run: &str, claim: Claim) -> Rc<Self> {
        let ahead = Self::new(run.to_owned());
        ahead.settle(Some(claim));
        ahead.taken.set(true);
        Rc::new(ahead)
    }

    fn settle(&self, answer: Option<Claim>) {
        *self.answer.borrow_mut() = Some(answer);
        self.answered.notify_waiters();
    }

    /// The claim sent ahead for `run` on `request`, now the caller's: it
    /// records or releases a won claim. `None` when none was sent (or it
    /// names another run, or was taken already).
    pub fn take(request: &HttpRequest, run: &str) -> Option<Rc<Self>> {
        let ahead = request.extensions().get::<Rc<Self>>().cloned()?;
        if ahead.run != run || ahead.taken.replace(true) {
            return None;
        }
        Some(ahead)
    }

    /// Gives a taken claim back to the layer, which releases it if it
    /// was won (the run turned out not to be finishing).
    pub fn hand_back(&self) {
        self.taken.set(false);
    }

    /// What the ledger answered (waiting for it if it has not yet):
    /// `None` when it could not be reached.
    pub async fn answer(&self) -> Option<Claim> {
        loop {
            let answered = self.answered.notified();
            if let Some(answer) = self.answer.borrow().clone() {
                return answer;
            }
            answered.await;
        }
    }

    /// Whether the claim was won and nobody took it over.
    fn won_unused(&self) -> bool {
        !self.taken.get() && matches!(*self.answer.borrow(), Some(Some(Claim::Won)))
    }
}

/// The layer: for a request that may finish a run, the ledger's claim
/// goes out with the session's read. It sits just outside the session
/// middleware ([`crate::WizardSetup::middleware`] puts it there).
pub(crate) struct ClaimAheadLayer(pub FinishingRuns);

impl<S, B> Transform<S, ServiceRequest> for ClaimAheadLayer
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = ClaimAheadService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        // The wizards are all built by the time a worker starts its app.
        let wizards = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        ready(Ok(ClaimAheadService {
            service: Rc::new(service),
            wizards: wizards.into(),
        }))
    }
}

/// The layer of [`WizardSetup::middleware`](crate::WizardSetup::middleware)
/// between the store-outage page and the session middleware: for a `POST`
/// that may finish a run of a wizard with a ledger, it sends the ledger's
/// claim together with the session's read. Applications do not build it;
/// it appears in the middleware's service type.
///
/// ```
/// use actix_wizard::{http::ClaimAheadService, http::StoreOutageService};
/// // The service an App wrapped in the middleware runs, around `S`, the
/// // session middleware's service.
/// type Wrapped<S> = StoreOutageService<ClaimAheadService<S>>;
/// # let _: Option<Wrapped<()>> = None;
/// ```
pub struct ClaimAheadService<S> {
    service: Rc<S>,
    wizards: Rc<[Arc<dyn FinishingRun>]>,
}

impl<S, B> Service<ServiceRequest> for ClaimAheadService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future =
        Either<S::Future, LocalBoxFuture<'static, Result<ServiceResponse<B>, actix_web::Error>>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let wanted = self
            .wizards
            .iter()
            .find_map(|wizard| wizard.run_to_claim(request.request()));
        let Some((run, ledger)) = wanted else {
            return Either::Left(self.service.call(request));
        };
        let ahead = Rc::new(ClaimAhead::new(run));
        request.extensions_mut().insert(Rc::clone(&ahead));
        let response = self.service.call(request);
        Either::Right(Box::pin(beside(ahead, ledger, response)))
    }
}

/// Runs the request and the claim together: the claim is polled first,
/// so that when both exchanges have come back the handler finds the
/// ledger's answer without waiting another turn.
async fn beside<F, R>(ahead: Rc<ClaimAhead>, ledger: Arc<dyn RunLedger>, response: F) -> R
where
    F: Future<Output = R>,
{
    let claim = async {
        let answer = match ledger.claim(&ahead.run).await {
            Ok(claim) => Some(claim),
            Err(error) => {
                tracing::warn!(%error, run = ahead.run, "run ledger unavailable for the claim ahead");
                None
            }
        };
        ahead.settle(answer);
    };
    let ((), response) = futures_util::future::join(claim, response).await;
    if ahead.won_unused() {
        // Not a finish after all: nobody else may be kept waiting on it.
        if let Err(error) = ledger.release(&ahead.run).await {
            tracing::warn!(%error, run = ahead.run, "unused claim not released; it lapses on its own");
        }
    }
    response
}
