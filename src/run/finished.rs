//! A run's end: the record of finished runs, the once-only finish, the
//! outcome kept for the completion page, and the checks of the visitor
//! cookie that guard them.

use crate::claim_ahead::ClaimAhead;
use crate::ledger::RunLedger;
use crate::once::Refusal;
use crate::visitor::Stage;
use crate::wizard::Wizard;
use actix_session::Session;
use actix_web::HttpRequest;
use serde_json::value::RawValue;
use std::rc::Rc;
use std::sync::Arc;

use super::{Run, Runs};

impl Runs {
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
        // The cookies are borrowed from the request's extensions: let go
        // before the visitor cookie is read into them.
        let has_session = request
            .cookies()
            .ok()?
            .iter()
            .any(|cookie| cookie.name() == self.session_cookie);
        if !has_session {
            return None;
        }
        let sent = self.visitor.read(request)?;
        if sent.visitor.stage != Stage::Answering || !self.visitor.is_genuine(&sent, &self.cipher) {
            return None;
        }
        Some((sent.visitor.run.clone(), Arc::clone(ledger)))
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
