//! An item's pages: its steps and its remove page, each decided as a
//! [`Reply`] for the responder. Which item and step a path names, and
//! whether the visitor may be there, is [`super::items`]'s.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::places::{Item, ItemPath, ItemStepAt};
use super::visit::{
    Accepted, Action, Posted, Ready, accept, is_change, keep_idle_clock_fresh, shown_values,
    without_secrets,
};
use super::{Inner, Reply, draft_answer, html};
use crate::events::WizardEvent;
use crate::field_errors::FieldErrors;
use crate::form::RawForm;
use crate::headers::Client;
use crate::json;
use crate::problem::Problem;
use crate::render::Page;
use crate::repeat::{CONFIRM, CONFIRM_FIELDS, REMOVE_SEGMENT};
use crate::run::Run;
use crate::steps::Submitted;
use crate::texts::fill;
use crate::translate;
use crate::wizard::{SubmittedRun, Wizard};

/// `GET {base}/{list}/{item}/{step}` and `…/{item}/remove`.
pub(super) async fn show_item<W: Wizard>(
    index: usize,
    path: ItemPath,
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let mut run = wizard.admitted_run(request, session).await?;
    let reply = match path {
        ItemPath::Step { id, step } => {
            match wizard.item_gate(request, &mut run, index, &id, Some(step)) {
                Err(reply) => reply,
                Ok(item) => {
                    wizard
                        .item_page(request, session, &mut run, (index, &id, item, step))
                        .await?
                }
            }
        }
        ItemPath::Remove { id } => match wizard.item_gate(request, &mut run, index, &id, None) {
            Err(reply) => reply,
            Ok(item) => {
                let errors = FieldErrors::new();
                let page = wizard.remove_page(
                    request,
                    &mut run,
                    index,
                    &id,
                    item,
                    &RawForm::default(),
                    &errors,
                    StatusCode::OK,
                )?;
                Reply::Page(page)
            }
        },
    };
    wizard.respond(request, session, &mut run, reply)
}

impl<W: Wizard> Inner<W> {
    async fn item_page(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        at: ItemStepAt<'_>,
    ) -> Result<Reply, Problem> {
        let notice = self.arrival_notice(request, session, run).await;
        let now = run.now();
        keep_idle_clock_fresh(run, now, self.config.idle_timeout.as_secs());
        let (values, errors) = self.item_shown(run, at)?;
        let page = self.render_item(request, run, at, &values, &errors, notice, StatusCode::OK)?;
        let list = self.list_at(at.0)?;
        self.config.events.report(WizardEvent::StepShown {
            wizard: W::ID,
            run: run.id(),
            step: list.step(at.3).name,
            change: is_change(request),
        });
        Ok(Reply::Page(page))
    }

    #[allow(clippy::too_many_arguments)]
    fn render_item(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        at: ItemStepAt<'_>,
        values: &RawForm,
        errors: &FieldErrors,
        notice: Option<&str>,
        status: StatusCode,
    ) -> Result<HttpResponse, Problem> {
        let (index, id, item, step) = at;
        let list = self.list_at(index)?;
        let item_step = list.step(step);
        // A new item's id is bound to the run's: when this request made the
        // run's first state (and its id), the form posts to the id it
        // offers now.
        let id = match item {
            Item::New => self.runs.next_item_id(run, self.steps.slots[index].name()),
            Item::Stored(_) => id.to_owned(),
        };
        let action = self.item_url(run.base(), index, &id, step, is_change(request));
        let texts = self.texts(request);
        let page = self.page(
            request,
            run,
            index,
            translate::title(texts, item_step.name, item_step.title),
            action,
            values,
            errors,
            notice,
        );
        let page = Page {
            fields: translate::fields(texts, item_step.name, item_step.fields),
            button: translate::button(texts, item_step.name, item_step.button),
            ..page
        };
        if Client::of(request).is_json() {
            return Ok(json::respond(
                status,
                &json::step_document(&page, item_step.name),
            ));
        }
        match list.render(step, &page) {
            Ok(body) => Ok(html(status, body)),
            Err(error) => {
                tracing::error!(%error, step = item_step.name, "item step page did not render");
                Err(Problem::Internal)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn remove_page(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        id: &str,
        item: Item,
        values: &RawForm,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> Result<HttpResponse, Problem> {
        let list = self.list_at(index)?;
        let Item::Stored(position) = item else {
            return Err(self.not_found(run.base()));
        };
        let summary = list.summary(run.answers_mut(), position);
        let texts = self.texts(request);
        let list_name = self.steps.slots[index].name();
        let name = match summary.name.is_empty() {
            true => format!(
                "{} {}",
                translate::noun(texts, list_name, list.noun()),
                position + 1
            ),
            false => summary.name,
        };
        let title = fill(&texts.remove_question, &[("name", &name)]);
        let base = run.base().to_owned();
        let action = format!(
            "{base}/{}/{id}/{REMOVE_SEGMENT}",
            self.steps.slots[index].name()
        );
        let page = self.page(request, run, index, &title, action, values, errors, None);
        let page = Page {
            fields: translate::fields(texts, REMOVE_SEGMENT, &CONFIRM_FIELDS),
            has_back: false,
            ..page
        };
        if Client::of(request).is_json() {
            return Ok(json::respond(
                status,
                &json::step_document(&page, REMOVE_SEGMENT),
            ));
        }
        self.in_layout(&page, &page.remove_body(), status)
    }
}

/// `POST {base}/{list}/{item}/{step}` and `…/{item}/remove`.
pub(super) async fn submit_item<W: Wizard>(
    index: usize,
    path: ItemPath,
    request: &HttpRequest,
    session: &Session,
    payload: web::Payload,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let fields = match &path {
        ItemPath::Step { step, .. } => wizard.list_at(index)?.step(*step).fields,
        ItemPath::Remove { .. } => &[],
    };
    let accepted = accept(request, session, payload, wizard, fields).await?;
    let (mut run, posted) = match accepted {
        Accepted::Form { run, posted } => (run, posted),
        Accepted::Answered(answer) => return answer,
    };
    let reply = match path {
        ItemPath::Remove { id } => match wizard.item_gate(request, &mut run, index, &id, None) {
            Err(reply) => reply,
            Ok(item) => {
                let at = (index, id.as_str(), item, 0);
                let (form, action) = (&posted.form, posted.action);
                wizard.remove(request, &mut run, at, form, action).await?
            }
        },
        ItemPath::Step { id, step } => {
            match wizard.item_gate(request, &mut run, index, &id, Some(step)) {
                Err(reply) => reply,
                Ok(item) => {
                    let at = (index, id.as_str(), item, step);
                    match wizard
                        .submit_item_step(request, &mut run, at, posted)
                        .await?
                    {
                        Some(reply) => reply,
                        // A stale draft, or one of an item not stored yet:
                        // nothing to save.
                        None => return Ok(draft_answer()),
                    }
                }
            }
        }
    };
    wizard.respond(request, session, &mut run, reply)
}

impl<W: Wizard> Inner<W> {
    /// What the form posted on an item's step does; `None` for a draft
    /// that is not kept.
    async fn submit_item_step(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        at: ItemStepAt<'_>,
        posted: Posted,
    ) -> Result<Option<Reply>, Problem> {
        let item_step = self.list_at(at.0)?.step(at.3);
        let (held, _) = self.item_shown(run, at)?;
        let page = (item_step.name, item_step.fields, item_step.shape);
        let ready = self.ready(run, page, &held, posted).await;
        let Ready {
            form,
            action,
            typed_on,
        } = ready;
        Ok(Some(match action {
            Action::Draft => return Ok(self.item_draft(run, at, &form, typed_on)),
            Action::Back => self.item_back(request, run, at, &form),
            Action::Cancel => self.item_cancel(run, at),
            Action::Next => self.item_next(request, run, at, &form).await?,
            Action::Save => {
                self.raise_revision(run);
                self.keep_item_draft(run, at, &form);
                self.to_save_page(request, run)?
            }
            Action::Remove(field) => {
                // What the page held, less the file.
                let mut kept = held;
                if !crate::files::remove_held(item_step.fields, &mut kept, &field) {
                    return Err(Problem::Malformed);
                }
                self.raise_revision(run);
                self.keep_item_draft(run, at, &kept);
                let (index, id, _, step) = at;
                Reply::Go(self.item_url(run.base(), index, id, step, is_change(request)))
            }
        }))
    }

    /// What an item's step shows: its draft, else its stored answers.
    fn item_shown(
        &self,
        run: &Run<W>,
        at: ItemStepAt<'_>,
    ) -> Result<(RawForm, FieldErrors), Problem> {
        let list = self.list_at(at.0)?;
        let shape = list.step(at.3).shape;
        let name = self.steps.slots[at.0].name();
        let record = match at.2 {
            Item::Stored(position) => {
                let items = run.journey().items(name);
                items
                    .get(position)
                    .and_then(|item| item.steps.get(list.step(at.3).name))
            }
            Item::New => {
                let fresh = run
                    .journey()
                    .list_record(name)
                    .and_then(|l| l.fresh.clone());
                return Ok((fresh.unwrap_or_default(), FieldErrors::new()));
            }
        };
        Ok(shown_values(record, shape))
    }
}

impl<W: Wizard> Inner<W> {
    /// Keeps what was typed on a stored item's step as its draft.
    fn keep_item_draft(&self, run: &mut Run<W>, at: ItemStepAt<'_>, form: &RawForm) -> RawForm {
        let (index, id, item, step) = at;
        let Ok(list) = self.list_at(index) else {
            return form.clone();
        };
        let item_step = list.step(step);
        let draft = without_secrets(form, item_step.shape);
        let name = self.steps.slots[index].name();
        match item {
            Item::Stored(_) => {
                if let Some(record) = run.state_mut().item_step_mut(name, id, item_step.name) {
                    record.draft = Some(draft.clone());
                }
            }
            // The next item, not made yet: its first step's draft waits
            // on the list.
            Item::New => {
                let lists = &mut run.state_mut().lists;
                lists.entry(name.to_owned()).or_default().fresh = Some(draft.clone());
            }
        }
        draft
    }

    fn item_draft(
        &self,
        run: &mut Run<W>,
        at: ItemStepAt<'_>,
        form: &RawForm,
        typed_on: Option<u64>,
    ) -> Option<Reply> {
        let current = run
            .journey()
            .state
            .as_ref()
            .map_or(0, |state| state.revision);
        if typed_on != Some(current) || matches!(at.2, Item::New) {
            return None;
        }
        self.keep_item_draft(run, at, form);
        Some(Reply::NoContent)
    }

    /// Back on an item step: the draft kept; to the item's step before,
    /// or the list page from its first.
    fn item_back(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        at: ItemStepAt<'_>,
        form: &RawForm,
    ) -> Reply {
        let (index, id, item, step) = at;
        self.raise_revision(run);
        self.keep_item_draft(run, at, form);
        if is_change(request) {
            // From a Change link, Back returns to the check page.
            return Reply::Go(self.resume_url(run));
        }
        let before = match item {
            Item::Stored(position) => run
                .journey()
                .item_steps(index, position)
                .into_iter()
                .take_while(|s| *s < step)
                .last(),
            Item::New => None,
        };
        match before {
            Some(before) => {
                Reply::Go(self.item_url(run.base(), index, id, before, is_change(request)))
            }
            None => Reply::Go(self.list_url(run.base(), index)),
        }
    }

    /// Cancel on an item step: its draft dropped (the revision raised, so
    /// a late one from the page's script is dropped too); back to the
    /// check page.
    fn item_cancel(&self, run: &mut Run<W>, at: ItemStepAt<'_>) -> Reply {
        let (index, id, _, step) = at;
        self.raise_revision(run);
        let list = self.steps.slots[index].name();
        let step = self.steps.slots[index]
            .list()
            .map_or("", |l| l.step(step).name);
        if let Some(record) = run.state_mut().item_step_mut(list, id, step) {
            record.draft = None;
        }
        Reply::Go(self.resume_url(run))
    }

    /// Continue on an item step: validated and stored (a new item is made
    /// then); on to the item's next step, the list, or with `?change` the
    /// step to be on.
    async fn item_next(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        at: ItemStepAt<'_>,
        form: &RawForm,
    ) -> Result<Reply, Problem> {
        let (index, id, item, step) = at;
        let list = self.list_at(index)?;
        self.raise_revision(run);
        let position = match item {
            Item::Stored(position) => position,
            Item::New => {
                list.push(run.answers_mut());
                list.len(run.answers_mut()) - 1
            }
        };
        request
            .extensions_mut()
            .insert(SubmittedRun(run.id().to_owned()));
        let texts = self.texts(request);
        let submitted = list
            .submit(step, form, run.answers_mut(), position, request, true, texts)
            .await
            .map_err(|error| {
                tracing::error!(%error, step = list.step(step).name, "item step could not be decoded");
                Problem::Internal
            })?;
        let answers = match submitted {
            Submitted::Valid(answers) => answers,
            Submitted::Invalid(errors) => {
                if let Item::New = item {
                    list.remove(run.answers_mut(), position);
                }
                let draft = self.keep_item_draft(run, at, form);
                self.config.events.report(WizardEvent::ValidationFailed {
                    wizard: W::ID,
                    run: run.id(),
                    step: list.step(step).name,
                    errors: &errors,
                });
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                let page = self.render_item(request, run, at, &draft, &errors, None, status)?;
                return Ok(Reply::Page(page));
            }
        };
        run.store_item_answers(&self.steps, index, id, step, answers);
        self.report_item_saved(run, at, list.step(step).name);
        Ok(self.after_item_step(request, run, at, position).await)
    }

    /// The events of item step `step_name`'s answers stored: the step
    /// saved, and for a new item the item added.
    fn report_item_saved(&self, run: &Run<W>, at: ItemStepAt<'_>, step_name: &'static str) {
        let (index, id, item, _) = at;
        let events = &self.config.events;
        events.report(WizardEvent::StepSaved {
            wizard: W::ID,
            run: run.id(),
            step: step_name,
        });
        if let Item::New = item {
            events.report(WizardEvent::ItemAdded {
                wizard: W::ID,
                run: run.id(),
                list: self.steps.slots[index].name(),
                item: id,
            });
        }
    }

    /// Where a stored item step leads: the item's next step, the list, or
    /// with `?change` the step to be on.
    async fn after_item_step(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        (index, id, _, step): ItemStepAt<'_>,
        position: usize,
    ) -> Reply {
        let change = is_change(request);
        let following = run
            .journey()
            .item_steps(index, position)
            .into_iter()
            .find(|s| *s > step);
        let mut resume = run.journey().item_resume(&self.steps, index, position);
        if change && resume.is_none() {
            resume = self
                .refused_after(request, run, (index, position, step))
                .await;
        }
        match (change, following, resume) {
            (false, Some(next), _) | (true, _, Some(next)) => {
                Reply::Go(self.item_url(run.base(), index, id, next, change))
            }
            (false, None, _) => Reply::Go(self.list_url(run.base(), index)),
            (true, _, None) => Reply::Go(self.resume_url(run)),
        }
    }

    /// On a change visit, the first later step of the item whose rules no
    /// longer hold with the answer just changed (a receipt that a raised
    /// amount now needs): the visitor goes there before the check page.
    async fn refused_after(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        (index, position, step): (usize, usize, usize),
    ) -> Option<usize> {
        let list = self.list_at(index).ok()?;
        let later = run.journey().item_steps(index, position);
        let texts = self.texts(request);
        for k in later.into_iter().filter(|k| *k > step) {
            let errors = list
                .recheck(k, run.answers_mut(), position, request, texts)
                .await;
            if !errors.is_empty() {
                return Some(k);
            }
        }
        None
    }

    /// The remove page's answer: yes removes the item and all it holds;
    /// yes or no, back to the list; no answer is the page again (422).
    async fn remove(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        at: ItemStepAt<'_>,
        form: &RawForm,
        action: Action,
    ) -> Result<Reply, Problem> {
        let (index, id, item, _) = at;
        let list_url = self.list_url(run.base(), index);
        let Item::Stored(position) = item else {
            return Err(self.not_found(run.base()));
        };
        match (action, form.first(CONFIRM)) {
            (Action::Draft, _) => return Ok(Reply::NoContent),
            (Action::Remove(_), _) => return Err(Problem::Malformed),
            (Action::Save, _) => return self.to_save_page(request, run),
            (Action::Back | Action::Cancel, _) | (Action::Next, Some("no")) => {}
            (Action::Next, Some("yes")) => {
                self.raise_revision(run);
                #[cfg(feature = "uploads")]
                self.delete_item_files(run, index, position).await;
                run.remove_item(&self.steps, index, position);
                self.config.events.report(WizardEvent::ItemRemoved {
                    wizard: W::ID,
                    run: run.id(),
                    list: self.steps.slots[index].name(),
                    item: id,
                });
            }
            (Action::Next, _) => {
                let mut errors = FieldErrors::new();
                errors.add(CONFIRM, &*self.texts(request).remove_missing);
                let values = form.clone();
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                let page =
                    self.remove_page(request, run, index, id, item, &values, &errors, status)?;
                return Ok(Reply::Page(page));
            }
        }
        Ok(Reply::Go(list_url))
    }
}
