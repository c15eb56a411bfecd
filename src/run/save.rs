//! Saving a run: its state sealed once (or kept as JSON), the holder and
//! visitor cookies, and the response the pipeline hands over.

use crate::events::WizardEvent;
use crate::problem::Problem;
use crate::state::{EncodeError, WizardState};
use crate::visitor::HolderCookie;
use crate::wizard::Wizard;
use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::value::RawValue;

use super::{Run, RunKey, Runs, sealing_context};

impl Runs {
    /// The state as the session keeps it: sealed for `holder`, or its
    /// JSON as is.
    pub(super) fn stored_form(
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
    pub fn save<W: Wizard>(
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
        let (now, at) = (run.now(), run.at);
        let Some(state) = &mut run.journey.state else {
            return Err(Problem::Internal);
        };
        state.seen = now;
        state.order = crate::state::write_order(at);
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
}
