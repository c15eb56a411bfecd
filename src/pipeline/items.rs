//! Lists of items ([`crate::Repeat`]): the list page and its question, an
//! item's steps, and an item's remove page, each decided as a [`Reply`]
//! for the responder.
//!
//! An item's URL names it by an opaque id: a stored item's, or the id the
//! run gives its next item ([`crate::run::Runs::next_item_id`]), which a
//! page offers without storing anything; the item is stored once its first
//! step is saved. Any other id is 404.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::places::Item;
use super::visit::{Accepted, Action, accept, is_change, keep_idle_clock_fresh};
use super::{Inner, Reply, draft_answer, html};
use crate::check_answers::AnswerSection;
use crate::field::FORM_LEVEL;
use crate::field_errors::FieldErrors;
use crate::form::RawForm;
use crate::headers::Client;
use crate::json;
use crate::problem::Problem;
use crate::render::{ListRow, Page};
use crate::repeat::{ADD_ANOTHER, REMOVE_SEGMENT};
use crate::run::Run;
use crate::slot::List;
use crate::texts::fill;
use crate::translate;
use crate::wizard::Wizard;

impl<W: Wizard> Inner<W> {
    pub(super) fn list_at(&self, index: usize) -> Result<&dyn List<W>, Problem> {
        self.steps.slots[index].list().ok_or(Problem::Internal)
    }

    /// Whether the list at `index` may be visited: 404 when it does not
    /// apply, the step to be on when it is not reached yet.
    fn list_gate(&self, request: &HttpRequest, run: &mut Run<W>, index: usize) -> Option<Reply> {
        if !run.journey().is_active(index) {
            run.leave_visitor_cookie();
            let page = self.problem_page(request, self.not_found(run.base()));
            return Some(Reply::Page(page));
        }
        if !run.journey().reachable(&self.steps, index) {
            run.leave_visitor_cookie();
            return Some(Reply::Go(self.resume_url(run)));
        }
        None
    }

    /// Where item `id` may be shown at `step`: the item, or where to go
    /// instead (404 for an unknown item or a step that does not apply to
    /// it; a step not reached yet or a new item past its first step goes
    /// to the step to be on; a new item of a full list to the list).
    pub(super) fn item_gate(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        id: &str,
        step: Option<usize>,
    ) -> Result<Item, Reply> {
        if let Some(reply) = self.list_gate(request, run, index) {
            return Err(reply);
        }
        let not_found = |wizard: &Self, run: &mut Run<W>| {
            run.leave_visitor_cookie();
            Reply::Page(wizard.problem_page(request, wizard.not_found(run.base())))
        };
        let Some(item) = self.item_of(run, index, id) else {
            return Err(not_found(self, run));
        };
        let Ok(list) = self.list_at(index) else {
            return Err(not_found(self, run));
        };
        let change = is_change(request);
        match (item, step) {
            (Item::New, None) => Err(not_found(self, run)),
            (Item::New, Some(step)) => {
                let count = run.journey().items(self.steps.slots[index].name()).len();
                if count >= list.max() {
                    return Err(Reply::Go(self.list_url(run.base(), index)));
                }
                if step != 0 {
                    return Err(Reply::Go(self.item_url(run.base(), index, id, 0, change)));
                }
                Ok(item)
            }
            (Item::Stored(_), None) => Ok(item),
            (Item::Stored(position), Some(step)) => {
                let journey = run.journey();
                if !journey.item_applies(index, position, step) {
                    return Err(not_found(self, run));
                }
                if !journey.item_reachable(&self.steps, index, position, step) {
                    let resume = journey
                        .item_resume(&self.steps, index, position)
                        .unwrap_or(0);
                    let url = self.item_url(run.base(), index, id, resume, change);
                    return Err(Reply::Go(url));
                }
                Ok(item)
            }
        }
    }

    /// The list page for `run`, as [`Inner::step_reply`] gives a step's.
    pub(super) async fn list_reply(
        &self,
        index: usize,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
    ) -> Result<Reply, Problem> {
        if let Some(reply) = self.list_gate(request, run, index) {
            return Ok(reply);
        }
        let notice = self.arrival_notice(request, session, run).await;
        let now = run.now();
        keep_idle_clock_fresh(run, now, self.config.idle_timeout.as_secs());
        let values = RawForm::default();
        let errors = FieldErrors::new();
        let page = self.render_list(
            request,
            run,
            index,
            &values,
            &errors,
            notice,
            StatusCode::OK,
        )?;
        Ok(Reply::Page(page))
    }

    /// The list's items as its page shows them.
    fn list_rows(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        list: &dyn List<W>,
    ) -> Vec<ListRow> {
        let base = run.base().to_owned();
        let name = self.steps.slots[index].name();
        let noun = translate::noun(self.texts(request), name, list.noun());
        let ids = run.journey().item_ids(name);
        ids.iter()
            .enumerate()
            .map(|(position, id)| {
                let resume = run.journey().item_resume(&self.steps, index, position);
                let summary = list.summary(run.answers_mut(), position);
                let name = match summary.name.is_empty() {
                    true => format!("{noun} {}", position + 1),
                    false => summary.name,
                };
                ListRow {
                    name,
                    detail: summary.detail,
                    finished: resume.is_none(),
                    open_url: self.item_url(&base, index, id, resume.unwrap_or(0), false),
                    remove_url: format!(
                        "{base}/{}/{id}/{REMOVE_SEGMENT}",
                        self.steps.slots[index].name()
                    ),
                }
            })
            .collect()
    }

    /// What replaces the list's question: the line saying the list is at
    /// its maximum, or that the run is near the size its store can keep.
    fn list_full(
        &self,
        request: &HttpRequest,
        run: &Run<W>,
        index: usize,
        list: &dyn List<W>,
    ) -> Option<String> {
        let name = self.steps.slots[index].name();
        let count = run.journey().items(name).len();
        let texts = self.texts(request);
        if count >= list.max() {
            return Some(fill(&texts.list_full, &[("max", &list.max().to_string())]));
        }
        near_cap(run, name, self.config.max_state_bytes).then(|| texts.list_near_cap.to_string())
    }

    #[allow(clippy::too_many_arguments)]
    fn render_list(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        values: &RawForm,
        errors: &FieldErrors,
        notice: Option<&str>,
        status: StatusCode,
    ) -> Result<HttpResponse, Problem> {
        let list = self.list_at(index)?;
        let rows = self.list_rows(request, run, index, list);
        let full = self.list_full(request, run, index, list);
        let slot = &self.steps.slots[index];
        let mut action = self.list_url(run.base(), index);
        if is_change(request) {
            action.push_str("?change");
        }
        let texts = self.texts(request);
        let page = self.page(
            request,
            run,
            index,
            translate::title(texts, slot.name(), slot.title()),
            action,
            values,
            errors,
            notice,
        );
        let page = Page {
            fields: translate::fields(texts, slot.name(), slot.fields()),
            ..page
        };
        if Client::of(request).is_json() {
            let document = json::list_document(&page, slot.name(), &rows, full.as_deref());
            return Ok(json::respond(status, &document));
        }
        self.in_layout(&page, &page.list_body(&rows, full.as_deref()), status)
    }

    pub(super) fn in_layout(
        &self,
        page: &Page<'_>,
        body: &str,
        status: StatusCode,
    ) -> Result<HttpResponse, Problem> {
        match page.in_layout(body) {
            Ok(body) => Ok(html(status, body)),
            Err(error) => {
                tracing::error!(%error, wizard = W::ID, "list page did not render");
                Err(Problem::Internal)
            }
        }
    }
}

/// Whether a run holding list `name` would likely pass the size its store
/// keeps with two items more: its state's JSON (grown by a third for the
/// seal's base64) and the list's bytes per item.
fn near_cap<W: Wizard>(run: &Run<W>, name: &str, cap: usize) -> bool {
    let Some(state) = &run.journey().state else {
        return false;
    };
    let Some(list) = state.lists.get(name).filter(|list| !list.items.is_empty()) else {
        return false;
    };
    let whole = serde_json::to_vec(state).map_or(0, |json| json.len());
    let items = serde_json::to_vec(&list.items).map_or(0, |json| json.len());
    let per_item = items / list.items.len();
    (whole + 2 * per_item) * 4 / 3 + 64 > cap
}

/// `POST {base}/{list}`: the list's question. Yes leads to a new item;
/// no (or Continue on a full list) goes on once every item is finished
/// and there are enough.
pub(super) async fn submit_list<W: Wizard>(
    index: usize,
    request: &HttpRequest,
    session: &Session,
    payload: web::Payload,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let (mut run, form, action) = match accept(request, session, payload, wizard, &[]).await? {
        Accepted::Form { run, posted } => (run, posted.form, posted.action),
        Accepted::Answered(answer) => return answer,
    };
    if let Some(reply) = wizard.list_gate(request, &mut run, index) {
        return wizard.respond(request, session, &mut run, reply);
    }
    let reply = match action {
        Action::Draft => return Ok(draft_answer()),
        Action::Remove(_) => return Err(Problem::Malformed),
        Action::Save => {
            wizard.raise_revision(&mut run);
            wizard.to_save_page(request, &run)?
        }
        Action::Back | Action::Cancel if is_change(request) => {
            wizard.raise_revision(&mut run);
            Reply::Go(wizard.resume_url(&run))
        }
        Action::Back | Action::Cancel => {
            wizard.raise_revision(&mut run);
            let previous = run.journey().previous(index).unwrap_or(index);
            Reply::Go(wizard.place_url(&run, previous))
        }
        Action::Next => {
            wizard.raise_revision(&mut run);
            wizard
                .list_next(request, session, &mut run, index, &form)
                .await?
        }
    };
    wizard.respond(request, session, &mut run, reply)
}

impl<W: Wizard> Inner<W> {
    async fn list_next(
        &self,
        request: &HttpRequest,
        _session: &Session,
        run: &mut Run<W>,
        index: usize,
        form: &RawForm,
    ) -> Result<Reply, Problem> {
        let list = self.list_at(index)?;
        let name = self.steps.slots[index].name();
        let texts = self.texts(request);
        let full = self.list_full(request, run, index, list).is_some();
        let target = if full { FORM_LEVEL } else { ADD_ANOTHER };
        let mut errors = FieldErrors::new();
        match form.first(ADD_ANOTHER) {
            _ if full => {}
            Some("yes") => {
                let id = self.runs.next_item_id(run, name);
                let url = self.item_url(run.base(), index, &id, 0, is_change(request));
                return Ok(Reply::Go(url));
            }
            Some("no") => {}
            _ => errors.add(target, &*texts.list_missing),
        }
        let count = run.journey().items(name).len();
        let finished = (0..count)
            .filter(|item| {
                run.journey()
                    .item_resume(&self.steps, index, *item)
                    .is_none()
            })
            .count();
        if errors.is_empty() && finished < count {
            errors.add(target, &*texts.list_unfinished);
        } else if errors.is_empty() && finished < list.min() {
            errors.add(
                target,
                fill(&texts.list_too_few, &[("min", &list.min().to_string())]),
            );
        }
        if !errors.is_empty() {
            let values = form.clone();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let page = self.render_list(request, run, index, &values, &errors, None, status)?;
            return Ok(Reply::Page(page));
        }
        let done = serde_json::value::to_raw_value(&serde_json::json!({ ADD_ANOTHER: "no" }))
            .map_err(|_| Problem::Internal)?;
        let record = run.state_mut().step_mut(name);
        record.answers = Some(done);
        record.errors = FieldErrors::new();
        record.draft = None;
        run.settle(&self.steps);
        let target = match (is_change(request), run.journey().next(index)) {
            (false, Some(next)) => next,
            _ => run.journey().resume(&self.steps),
        };
        Ok(Reply::Go(self.place_url(run, target)))
    }
}

impl<W: Wizard> Inner<W> {
    /// The check-answers sections of the list at `index`: one per item
    /// ("Expense 2: Taxi"), its rows from each applying step, each row's
    /// Change link into its step of the item.
    pub(super) fn item_sections(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
    ) -> Vec<AnswerSection> {
        let Ok(list) = self.list_at(index) else {
            return Vec::new();
        };
        let base = run.base().to_owned();
        let texts = self.texts(request);
        let name = self.steps.slots[index].name();
        let noun = translate::noun(texts, name, list.noun());
        let ids = run.journey().item_ids(name);
        let mut sections = Vec::with_capacity(ids.len());
        for (position, id) in ids.iter().enumerate() {
            let steps = run.journey().item_steps(index, position);
            let summary = list.summary(run.answers_mut(), position);
            let number = (position + 1).to_string();
            let title = fill(
                &texts.item_heading,
                &[("noun", noun), ("number", &number), ("name", &summary.name)],
            );
            let mut rows = Vec::new();
            for step in steps {
                let item_step = list.step(step);
                let fields = translate::fields(texts, item_step.name, item_step.fields);
                let url = self.item_url(&base, index, id, step, true);
                for mut row in list.answers(run.answers_mut(), position, step, texts) {
                    if let Some(spec) = fields.iter().find(|f| f.name == row.field) {
                        row.field = spec.target_id(None);
                        row.change_label = spec.subject.map(str::to_owned);
                    }
                    row.change_url = Some(url.clone());
                    rows.push(row);
                }
            }
            sections.push(AnswerSection {
                title: title.into(),
                change_url: String::new(),
                rows,
            });
        }
        sections
    }
}
