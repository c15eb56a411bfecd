//! The step machine: what a step's form does to a run (Back, Continue,
//! a draft, the finish), decided as a [`Reply`] for the responder.

use std::sync::Arc;

use actix_session::Session;
use actix_web::http::StatusCode;

use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::places::ItemStepOf;
use super::visit::{
    Accepted, Action, Posted, Ready, accept, is_change, shown_values, without_secrets,
};
use super::{Inner, Reply, draft_answer, see_other};
use crate::claim_ahead::ClaimAhead;
use crate::events::WizardEvent;
use crate::field_errors::FieldErrors;
use crate::form::RawForm;
use crate::once::Refusal;
use crate::problem::Problem;
use crate::run::Run;
use crate::steps::{Again, Submitted};
use crate::wizard::{Finish, FinishError, SubmittedRun, Wizard};

/// `POST {base}/{step}`: takes the step's form; the step machine decides
/// the reply (Back, Continue, Finish, a draft), the responder saves the
/// run and answers. What is refused before the run is touched is answered
/// without saving anything.
pub(super) async fn submit<W: Wizard>(
    index: usize,
    request: &HttpRequest,
    session: &Session,
    payload: web::Payload,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let fields = wizard.steps.slots[index].fields();
    let accepted = accept(request, session, payload, wizard, fields).await?;
    let (mut run, posted) = match accepted {
        Accepted::Form { run, posted } => (run, posted),
        Accepted::Answered(answer) => return answer,
    };
    if !run.journey().is_active(index) {
        return Err(wizard.not_found(run.base()));
    }
    if !run.journey().reachable(&wizard.steps, index) {
        return Ok(see_other(&wizard.resume_url(&run)));
    }
    match wizard
        .decide(request, session, &mut run, index, posted)
        .await?
    {
        Some(reply) => wizard.respond(request, session, &mut run, reply),
        // A draft typed on an older revision: nothing to save.
        None => Ok(draft_answer()),
    }
}

impl<W: Wizard> Inner<W> {
    /// What the form posted on step `index` does (`None`: a draft that is
    /// not kept): its file fields settled first.
    async fn decide(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        index: usize,
        posted: Posted,
    ) -> Result<Option<Reply>, Problem> {
        let slot = &self.steps.slots[index];
        let (held, _) = shown_values(run.journey().record(slot.name()), slot.shape());
        let page = (slot.name(), slot.fields(), slot.shape());
        let ready = self.ready(run, page, &held, posted).await;
        let Ready {
            form,
            action,
            typed_on,
        } = ready;
        Ok(Some(match action {
            Action::Draft => return Ok(self.draft(run, index, &form, typed_on)),
            Action::Back => {
                let previous = self.back(run, index, &form);
                // From a Change link, Back returns to the check page.
                let target = match is_change(request) {
                    true => run.journey().resume(&self.steps),
                    false => previous,
                };
                self.go_to_step(target, request, session, run).await?
            }
            Action::Cancel => {
                self.cancel(run, index);
                let target = run.journey().resume(&self.steps);
                self.go_to_step(target, request, session, run).await?
            }
            Action::Next => self.next(request, session, run, index, &form).await?,
            Action::Remove(field) => self.remove_file(request, run, index, held, &field)?,
            Action::Save => {
                self.raise_revision(run);
                self.keep_draft(run, index, &form);
                self.to_save_page(request, run)?
            }
        }))
    }

    /// Removes the file `field` holds: what the page held, less the file,
    /// kept as the step's draft (the small form that removes it carries
    /// nothing else); back to the step.
    fn remove_file(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        mut held: RawForm,
        field: &str,
    ) -> Result<Reply, Problem> {
        let fields = self.steps.slots[index].fields();
        if !crate::files::remove_held(fields, &mut held, field) {
            return Err(Problem::Malformed);
        }
        self.raise_revision(run);
        self.keep_draft(run, index, &held);
        let mut again = self.step_url(run.base(), index);
        if is_change(request) {
            again.push_str("?change");
        }
        Ok(Reply::Go(again))
    }
}

impl<W: Wizard> Inner<W> {
    /// Back: what was typed is kept as a draft, no validation; the step
    /// to go back to.
    pub(super) fn back(&self, run: &mut Run<W>, index: usize, form: &RawForm) -> usize {
        self.raise_revision(run);
        self.keep_draft(run, index, form);
        self.config.events.report(WizardEvent::Back {
            wizard: W::ID,
            run: run.id(),
            step: self.steps.slots[index].name(),
        });
        run.journey().previous(index).unwrap_or(index)
    }

    /// Cancel: the step's draft is dropped, and the revision raised so
    /// that a draft the page's script sends late is dropped too.
    pub(super) fn cancel(&self, run: &mut Run<W>, index: usize) {
        self.raise_revision(run);
        let name = self.steps.slots[index].name();
        run.state_mut().step_mut(name).draft = None;
    }

    /// A draft the page's script saves: kept as Back keeps one, without
    /// validation and without secrets, unless it was typed on an older
    /// revision of the state (the visitor has sent a form since, in this
    /// tab or another), which it must not undo: then nothing (`None`).
    pub(super) fn draft(
        &self,
        run: &mut Run<W>,
        index: usize,
        form: &RawForm,
        typed_on: Option<u64>,
    ) -> Option<Reply> {
        let current = run
            .journey()
            .state
            .as_ref()
            .map_or(0, |state| state.revision);
        if typed_on != Some(current) {
            return None;
        }
        self.keep_draft(run, index, form);
        Some(Reply::NoContent)
    }

    /// Continue (or Finish on the last step): the form is decoded and
    /// validated; invalid, the page again with every error (422); valid,
    /// stored, then on to the next step or to finishing.
    pub(super) async fn next(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        index: usize,
        form: &RawForm,
    ) -> Result<Reply, Problem> {
        let slot = &self.steps.slots[index];
        // The last step's async check runs inside the once-only finish,
        // so that a duplicate never checks against the first one's side
        // effects.
        let finishing = run.journey().next(index).is_none();
        let taken = self
            .take_answers(request, run, index, form, finishing)
            .await?;
        if let Taken::Exit(exit) = taken {
            return Ok(self.exit_reached(run, index, exit));
        }
        self.raise_revision(run);
        if let Taken::Invalid(errors) = taken {
            return self.invalid(request, run, index, form, &errors);
        }
        let Some(next) = run.journey().next(index) else {
            // Boxed: the once-only section's future is large, and most
            // requests never reach it.
            return Box::pin(finish(self, request, session, run, index)).await;
        };
        if finishing {
            // These answers switched on a later step: this is not the
            // last step after all, so its check runs now.
            let errors = slot
                .recheck(
                    run.answers_mut(),
                    request,
                    Again::JustSubmitted,
                    self.texts(request),
                )
                .await;
            if !errors.is_empty() {
                run.state_mut().step_mut(slot.name()).answers = None;
                run.settle(&self.steps);
                return self.invalid(request, run, index, form, &errors);
            }
        }
        let target = if is_change(request) {
            run.journey().resume(&self.steps)
        } else {
            next
        };
        self.go_to_step(target, request, session, run).await
    }

    /// Decodes and validates step `index`'s form and stores its answers,
    /// unless they are invalid or lead to an exit page.
    async fn take_answers(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        form: &RawForm,
        finishing: bool,
    ) -> Result<Taken, Problem> {
        let slot = &self.steps.slots[index];
        request
            .extensions_mut()
            .insert(SubmittedRun(run.id().to_owned()));
        let submitted = slot
            .submit(
                form,
                run.answers_mut(),
                request,
                !finishing,
                self.texts(request),
            )
            .await
            .map_err(|error| {
                tracing::error!(%error, step = slot.name(), "step could not be decoded");
                Problem::Internal
            })?;
        let answers = match submitted {
            Submitted::Valid(answers) => answers,
            Submitted::Invalid(errors) => return Ok(Taken::Invalid(errors)),
        };
        let exits = self.steps.exits.iter().enumerate();
        let mut exits = exits.filter(|(_, rule)| rule.step == index);
        if let Some((exit, _)) = exits.find(|(_, rule)| (rule.when)(&run.journey().answers)) {
            return Ok(Taken::Exit(exit));
        }
        run.store_answers(&self.steps, index, answers);
        self.config.events.report(WizardEvent::StepSaved {
            wizard: W::ID,
            run: run.id(),
            step: slot.name(),
        });
        Ok(Taken::Stored)
    }

    /// Answers that lead to exit page `exit` (its place among the exits): not
    /// stored; the visitor goes there.
    fn exit_reached(&self, run: &mut Run<W>, index: usize, exit: usize) -> Reply {
        let exit = self.steps.exits[exit].exit;
        self.config.events.report(WizardEvent::ExitReached {
            wizard: W::ID,
            run: run.id(),
            step: self.steps.slots[index].name(),
            exit: exit.segment(),
        });
        Reply::Go(format!("{}/{}", run.base(), exit.segment()))
    }

    /// Keeps what was typed on step `index` (secrets aside) as its draft,
    /// shown when the visitor comes back to it.
    pub(super) fn keep_draft(&self, run: &mut Run<W>, index: usize, form: &RawForm) -> RawForm {
        let slot = &self.steps.slots[index];
        let draft = without_secrets(form, slot.shape());
        run.state_mut().step_mut(slot.name()).draft = Some(draft.clone());
        draft
    }

    /// The step's page again (422) with every error, what was typed kept
    /// as its draft (secrets aside).
    pub(super) fn invalid(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        form: &RawForm,
        errors: &FieldErrors,
    ) -> Result<Reply, Problem> {
        let draft = self.keep_draft(run, index, form);
        self.config.events.report(WizardEvent::ValidationFailed {
            wizard: W::ID,
            run: run.id(),
            step: self.steps.slots[index].name(),
            errors,
        });
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let page = self.render_step(request, run, index, &draft, errors, None, status)?;
        Ok(Reply::Page(page))
    }
}

/// What became of a step's form.
enum Taken {
    /// Valid, and stored.
    Stored,
    Invalid(FieldErrors),
    /// Valid, and leading to this exit page ([`crate::Exit`]): not stored.
    Exit(usize),
}

/// Finishes the run once: inside the once-only section, re-validates
/// every active step (the `last` one's rules just passed: its async check
/// only), then runs the finish handler. Every duplicate of the run gets
/// the same result.
pub(super) async fn finish<W: Wizard>(
    wizard: &Inner<W>,
    request: &HttpRequest,
    session: &Session,
    run: &mut Run<W>,
    last: usize,
) -> Result<Reply, Problem> {
    let run_id = run.id().to_owned();
    let active = run.journey().active_steps();
    let items = wizard.item_steps_of(run, &active);
    let mut answers = std::mem::take(run.answers_mut());
    let section = async {
        #[cfg(feature = "uploads")]
        wizard.missing_files(request, run, &active, &items).await?;
        wizard
            .recheck_all(request, &mut answers, &active, &items, last)
            .await?;
        let context = Finish {
            run: run_id.clone(),
            request: request.clone(),
            language: wizard.texts(request).lang.to_string(),
            #[cfg(feature = "uploads")]
            staging: wizard.config.uploads.as_ref().map(|u| u.staging().clone()),
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
    match wizard.runs.finish_once(&run_id, ahead, section).await {
        Ok(outcome) => {
            // The run's staged files are done with: the finish copied
            // what it keeps.
            #[cfg(feature = "uploads")]
            wizard.delete_run_files(run).await;
            #[cfg(feature = "save-and-return")]
            wizard.forget_saved(run).await;
            Ok(wizard.finished(request, session, run, &outcome))
        }
        Err(refusal) => Ok(wizard.refused(request, run, &refusal)),
    }
}

impl<W: Wizard> Inner<W> {
    /// Validates the stored answers of every active step again (and of
    /// every item of every list), in order: the first that fails refuses
    /// the finish. The `last` step's rules just passed: its check only.
    async fn recheck_all(
        &self,
        request: &HttpRequest,
        answers: &mut W,
        active: &[usize],
        items: &[ItemStepOf],
        last: usize,
    ) -> Result<(), Refusal> {
        let texts = self.texts(request);
        for &index in active {
            let slot = &self.steps.slots[index];
            if let Some(list) = slot.list() {
                for (_, item, id, step) in items.iter().filter(|at| at.0 == index) {
                    let errors = list.recheck(*step, answers, *item, request, texts).await;
                    if !errors.is_empty() {
                        let (item, step) = (id.clone(), *step);
                        return Err(Refusal::InvalidItem {
                            list: index,
                            item,
                            step,
                            errors,
                        });
                    }
                }
                continue;
            }
            let again = match index == last {
                true => Again::JustSubmitted,
                false => Again::AtFinish,
            };
            let errors = slot.recheck(answers, request, again, texts).await;
            if !errors.is_empty() {
                return Err(Refusal::Invalid {
                    step: index,
                    errors,
                });
            }
        }
        Ok(())
    }

    /// What a refused finish answers: the first invalid step, its errors
    /// kept to show there, or the page saying the finish failed (or is
    /// unavailable for now: 503).
    fn refused(&self, request: &HttpRequest, run: &mut Run<W>, refusal: &Refusal) -> Reply {
        match refusal {
            Refusal::Invalid { step, errors } => {
                let name = self.steps.slots[*step].name();
                run.state_mut().step_mut(name).errors = errors.clone();
                Reply::Go(self.step_url(run.base(), *step))
            }
            Refusal::InvalidItem {
                list,
                item,
                step,
                errors,
            } => {
                let name = self.steps.slots[*list].name();
                let step_name = self.steps.slots[*list]
                    .list()
                    .map_or("", |l| l.step(*step).name);
                if let Some(record) = run.state_mut().item_step_mut(name, item, step_name) {
                    record.errors = errors.clone();
                }
                run.settle(&self.steps);
                Reply::Go(self.item_url(run.base(), *list, item, *step, false))
            }
            Refusal::Failed(error) | Refusal::Unavailable(error) => {
                let run = run.id();
                tracing::error!(%error, wizard = W::ID, run, "finish failed");
                let problem = match refusal {
                    Refusal::Unavailable(_) => Problem::FinishUnavailable,
                    _ => Problem::FinishFailed,
                };
                Reply::Page(self.problem_page(request, problem))
            }
        }
    }

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
