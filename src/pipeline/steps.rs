//! The step machine: what a step's form does to a run (Back, Continue,
//! a draft, the finish), decided as a [`Reply`] for the responder.

use std::sync::Arc;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::pages::is_change;
use super::{Inner, see_other};
use crate::body::read_form;
use crate::claim_ahead::ClaimAhead;
use crate::csrf::CSRF_FIELD;
use crate::events::WizardEvent;
use crate::field_errors::FieldErrors;
use crate::form::{RawForm, Shape};
use crate::json;
use crate::once::Refusal;
use crate::problem::Problem;
use crate::render::REVISION_FIELD;
use crate::run::Run;
use crate::wizard::{Finish, FinishError, Submitted, SubmittedRun, Wizard};

/// What a step's form asks for.
enum Action {
    Back,
    /// Continue, or (on the last step) finish.
    Next,
    /// What was typed and not sent, saved by the page's script
    /// ([`crate::page::DRAFTS_SCRIPT`]) as the step's draft.
    Draft,
}

impl Action {
    pub(super) fn of(form: &RawForm) -> Result<Self, Problem> {
        match form.first("action").unwrap_or("next") {
            "back" => Ok(Self::Back),
            "next" | "finish" => Ok(Self::Next),
            DRAFT_ACTION => Ok(Self::Draft),
            _ => Err(Problem::Malformed),
        }
    }
}

/// The `action` of a draft the page's script saves.
const DRAFT_ACTION: &str = "draft";

/// The answer to a draft save: nothing to show (the script sends it as a
/// beacon and reads no answer).
pub(super) fn draft_answer() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .finish()
}

/// `POST {base}/{step}`: takes the step's form, then Back, Continue or
/// Finish.
pub(super) async fn submit<W: Wizard>(
    index: usize,
    request: &HttpRequest,
    session: &Session,
    payload: web::Payload,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let mut form = read_form(request, payload, &wizard.config).await?;
    let mut run = wizard.runs.load(request, session, &wizard.steps);
    wizard.admit(request, &run).await?;
    let drafting = form.first("action") == Some(DRAFT_ACTION);
    if drafting && !run.is_stored() && (run.had_answers() || run.journey.lapsed) {
        // Typed on a run that has finished or expired since: dropped.
        return Ok(draft_answer());
    }
    if !run.is_stored() && (run.had_answers() || run.journey.lapsed) {
        // Boxed: rare, and its future is large.
        return Box::pin(wizard.without_state(request, session, run)).await;
    }
    wizard.prefill(request, session, &mut run).await;
    if !wizard.runs.csrf_matches(&mut run, form.first(CSRF_FIELD)) {
        let page = Problem::Csrf {
            form: request.path().to_owned(),
        }
        .answer(&wizard.config.texts, json::wants_json(request.headers()));
        return wizard.runs.answer(request, session, &mut run, page);
    }
    if !run.journey.is_active(index) {
        return Err(wizard.not_found(&run.base));
    }
    if !run.journey.reachable(&wizard.steps, index) {
        return Ok(see_other(&wizard.resume_url(&run)));
    }
    let action = Action::of(&form)?;
    let typed_on = form
        .first(REVISION_FIELD)
        .and_then(|revision| revision.parse::<u64>().ok());
    let shape = wizard.steps.slots[index].shape();
    form.retain(|name| shape.has_key(name));
    match action {
        Action::Draft => wizard.draft(request, session, run, index, &form, typed_on),
        Action::Back => {
            wizard.raise_revision(&mut run);
            wizard.back(request, session, run, index, &form)
        }
        Action::Next => {
            wizard.raise_revision(&mut run);
            wizard.next(request, session, run, index, &form).await
        }
    }
}

impl<W: Wizard> Inner<W> {
    /// A form for a run whose state is gone. A late duplicate of a finish
    /// (its session renewed away) gets the completion page: the one lookup
    /// a request without state makes, before the CSRF check, and only for
    /// a run that stored answers. Otherwise the answers expired, which the
    /// step page then says.
    pub(super) async fn without_state(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
    ) -> Result<HttpResponse, Problem> {
        let ahead = ClaimAhead::take(request, &run.visitor.run);
        if let Some(outcome) = self.runs.finished_outcome(&run, ahead).await {
            return self.finished(request, session, &mut run, &outcome);
        }
        run.leave_visitor_cookie();
        let first = self.resume_url(&run);
        self.runs
            .answer(request, session, &mut run, see_other(&first))
    }

    /// Back: what was typed is kept as a draft, no validation.
    pub(super) fn back(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
        index: usize,
        form: &RawForm,
    ) -> Result<HttpResponse, Problem> {
        self.keep_draft(&mut run, index, form);
        self.config.events.report(WizardEvent::Back {
            wizard: W::ID,
            run: &run.visitor.run,
            step: self.steps.slots[index].name(),
        });
        let previous = self.step_url(&run.base, run.journey.previous(index).unwrap_or(index));
        self.runs
            .answer(request, session, &mut run, see_other(&previous))
    }

    /// A draft the page's script saves: kept as Back keeps one, without
    /// validation and without secrets, unless it was typed on an older
    /// revision of the state (the visitor has sent a form since, in this
    /// tab or another), which it must not undo.
    pub(super) fn draft(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
        index: usize,
        form: &RawForm,
        typed_on: Option<u64>,
    ) -> Result<HttpResponse, Problem> {
        let current = run.journey.state.as_ref().map_or(0, |state| state.revision);
        if typed_on != Some(current) {
            return Ok(draft_answer());
        }
        self.keep_draft(&mut run, index, form);
        self.runs.answer(request, session, &mut run, draft_answer())
    }

    /// A form the visitor sent changes the state's revision: drafts typed
    /// before it are stale.
    pub(super) fn raise_revision(&self, run: &mut Run<W>) {
        let state = run.state_mut(self.runs.now());
        state.revision = state.revision.saturating_add(1);
    }

    /// Continue (or Finish on the last step): the form is decoded and
    /// validated; invalid, the page again with every error (422); valid,
    /// stored, then on to the next step or to finishing.
    pub(super) async fn next(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
        index: usize,
        form: &RawForm,
    ) -> Result<HttpResponse, Problem> {
        let slot = &self.steps.slots[index];
        let now = self.runs.now();
        // The last step's async check runs inside the once-only finish,
        // so that a duplicate never checks against the first one's side
        // effects.
        let finishing = run.journey.next(index).is_none();
        request
            .extensions_mut()
            .insert(SubmittedRun(run.visitor.run.clone()));
        let submitted = slot
            .submit(
                form,
                &mut run.journey.answers,
                request,
                !finishing,
                &self.config.texts,
            )
            .await
            .map_err(|error| {
                tracing::error!(%error, step = slot.name(), "step could not be decoded");
                Problem::Internal
            })?;
        let answers = match submitted {
            Submitted::Valid(answers) => answers,
            Submitted::Invalid(errors) => {
                return self.invalid(request, session, run, index, form, &errors);
            }
        };
        run.state_mut(now);
        run.journey
            .store_answers(&self.steps, index, answers, W::VERSION, now);
        self.config.events.report(WizardEvent::StepSaved {
            wizard: W::ID,
            run: &run.visitor.run,
            step: slot.name(),
        });
        let Some(next) = run.journey.next(index) else {
            // Boxed: the once-only section's future is large, and most
            // requests never reach it.
            return Box::pin(finish(self, request, session, run, index)).await;
        };
        if finishing {
            // These answers switched on a later step: this is not the
            // last step after all, so its check runs now.
            let errors = slot
                .recheck(&mut run.journey.answers, request, false, &self.config.texts)
                .await;
            if !errors.is_empty() {
                run.state_mut(now).step_mut(slot.name()).answers = None;
                run.journey.settle(&self.steps);
                return self.invalid(request, session, run, index, form, &errors);
            }
        }
        let target = if is_change(request) {
            run.journey.resume(&self.steps)
        } else {
            next
        };
        let location = self.step_url(&run.base, target);
        self.runs
            .answer(request, session, &mut run, see_other(&location))
    }

    /// Keeps what was typed on step `index` (secrets aside) as its draft,
    /// shown when the visitor comes back to it.
    pub(super) fn keep_draft(&self, run: &mut Run<W>, index: usize, form: &RawForm) -> RawForm {
        let slot = &self.steps.slots[index];
        let draft = without_secrets(form, slot.shape());
        run.state_mut(self.runs.now()).step_mut(slot.name()).draft = Some(draft.clone());
        draft
    }

    /// The step's page again (422) with every error, what was typed kept
    /// as its draft (secrets aside).
    pub(super) fn invalid(
        &self,
        request: &HttpRequest,
        session: &Session,
        mut run: Run<W>,
        index: usize,
        form: &RawForm,
        errors: &FieldErrors,
    ) -> Result<HttpResponse, Problem> {
        let draft = self.keep_draft(&mut run, index, form);
        self.config.events.report(WizardEvent::ValidationFailed {
            wizard: W::ID,
            run: &run.visitor.run,
            step: self.steps.slots[index].name(),
            errors,
        });
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let page = self.render_step(request, &mut run, index, &draft, errors, None, status)?;
        self.runs.answer(request, session, &mut run, page)
    }
}

/// What was typed, secrets left out: kept as the step's draft.
pub(super) fn without_secrets(form: &RawForm, shape: &Shape) -> RawForm {
    let mut draft = form.clone();
    draft.retain(|name| !shape.secrets.contains(&name));
    draft
}

/// Finishes the run once: inside the once-only section, re-validates
/// every active step (the `last` one's rules just passed: its async check
/// only), then runs the finish handler. Every duplicate of the run gets
/// the same result.
pub(super) async fn finish<W: Wizard>(
    wizard: &Inner<W>,
    request: &HttpRequest,
    session: &Session,
    mut run: Run<W>,
    last: usize,
) -> Result<HttpResponse, Problem> {
    let run_id = run.visitor.run.clone();
    let active = run.journey.active_steps();
    let mut answers = std::mem::take(&mut run.journey.answers);
    let section = async {
        for index in active {
            let slot = &wizard.steps.slots[index];
            let errors = slot
                .recheck(&mut answers, request, index != last, &wizard.config.texts)
                .await;
            if !errors.is_empty() {
                return Err(Refusal::Invalid {
                    step: index,
                    errors,
                });
            }
        }
        let context = Finish {
            run: run_id.clone(),
            request: request.clone(),
        };
        let finished = answers.finish(&context).await;
        wizard.config.events.report(WizardEvent::FinishRan {
            wizard: W::ID,
            run: &run_id,
            succeeded: finished.is_ok(),
        });
        match finished {
            Ok(outcome) => serde_json::to_string(&outcome)
                .map(Arc::<str>::from)
                .map_err(|e| Refusal::Failed(Box::new(e))),
            Err(error) => Err(wizard.refusal(error)),
        }
    };
    let ahead = ClaimAhead::take(request, &run_id);
    let result = wizard.runs.finish_once(&run_id, ahead, section).await;
    match result {
        Ok(outcome) => wizard.finished(request, session, &mut run, &outcome),
        Err(refusal) => match &*refusal {
            Refusal::Invalid { step, errors } => {
                let name = wizard.steps.slots[*step].name();
                run.state_mut(wizard.runs.now()).step_mut(name).errors = errors.clone();
                let location = wizard.step_url(&run.base, *step);
                wizard
                    .runs
                    .answer(request, session, &mut run, see_other(&location))
            }
            Refusal::Failed(error) | Refusal::Unavailable(error) => {
                tracing::error!(%error, wizard = W::ID, run = run_id, "finish failed");
                let problem = match &*refusal {
                    Refusal::Unavailable(_) => Problem::FinishUnavailable,
                    _ => Problem::FinishFailed,
                };
                let page =
                    problem.answer(&wizard.config.texts, json::wants_json(request.headers()));
                wizard.runs.answer(request, session, &mut run, page)
            }
        },
    }
}

impl<W: Wizard> Inner<W> {
    /// The once-only section's view of the finish handler's error. A step
    /// name the wizard does not declare is a bug in the handler: logged,
    /// and answered as a failure rather than sending anyone to a guess.
    pub(super) fn refusal(&self, error: FinishError) -> Refusal {
        match error {
            FinishError::Invalid { step, errors } => {
                match self.steps.slots.iter().position(|s| s.name() == step) {
                    Some(index) => Refusal::Invalid {
                        step: index,
                        errors,
                    },
                    None => {
                        tracing::error!(
                            wizard = W::ID,
                            step,
                            "FinishError::Invalid names a step the wizard does not declare"
                        );
                        Refusal::Failed(format!("no step named `{step}`").into())
                    }
                }
            }
            FinishError::Failed(error) => Refusal::Failed(error),
            FinishError::Unavailable(error) => Refusal::Unavailable(error),
        }
    }
}
