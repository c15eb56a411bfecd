//! File fields in the pipeline: a multipart body read once the run is
//! loaded (its files need the run's token and id), and each file field's
//! value settled from what the request brought and what the run held.
//! Without the `uploads` feature there are no files, and nothing here
//! does anything.

use actix_web::HttpRequest;
use actix_web::web;

use super::Inner;
use crate::field::FieldSpec;
use crate::form::RawForm;
use crate::problem::Problem;
use crate::run::Run;
use crate::wizard::Wizard;

/// What a request brought for its file fields.
#[cfg(feature = "uploads")]
pub(super) type Files = Vec<(String, crate::upload::Received)>;
/// Without uploads, nothing.
#[cfg(not(feature = "uploads"))]
pub(super) type Files = ();

/// Whether the body is `multipart/form-data`.
pub(super) fn is_multipart(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"))
}

impl<W: Wizard> Inner<W> {
    /// A multipart body of the page with `fields`, read into a form and
    /// the files it brought (415 where uploads are not configured).
    #[cfg(feature = "uploads")]
    pub(super) async fn receive_files(
        &self,
        request: &HttpRequest,
        payload: web::Payload,
        run: &mut Run<W>,
        fields: &[FieldSpec],
    ) -> Result<(RawForm, Files, bool), Problem> {
        use crate::upload::{FileKind, FileRule, Receiver, receive};
        let Some(uploads) = &self.config.uploads else {
            return Err(Problem::WrongType);
        };
        let files: Vec<&FieldSpec> = fields.iter().filter(|f| f.kind.is_file()).collect();
        let kinds: Vec<Vec<FileKind>> = files
            .iter()
            .map(|spec| {
                let names = spec.accept.unwrap_or(crate::components::DEFAULT_ACCEPT);
                names.split(',').filter_map(FileKind::named).collect()
            })
            .collect();
        let rules: Vec<FileRule<'_>> = files
            .iter()
            .zip(&kinds)
            .map(|(spec, accept)| FileRule {
                name: spec.name,
                accept,
                max_bytes: spec.max_size.unwrap_or(uploads.max_size),
            })
            .collect();
        let receiver = Receiver {
            staging: &uploads.staging,
            scanner: uploads.scanner.as_deref(),
            request_limit: uploads.request_limit,
            text_limit: self.config.body_limit,
            max_parts: self.config.max_fields,
            pace: crate::body::Pace::of(&self.config),
        };
        let runs = &self.runs;
        // The token is checked at the first file, before any byte of it is
        // stored; the run then starts storing (taking the id it keeps) so
        // that its files are stored under that id.
        let mut checked = false;
        let mut token_ok = |form: &RawForm| {
            let token = crate::json::sent_token(form, request.headers());
            if !runs.csrf_matches(run, token) {
                return None;
            }
            checked = true;
            run.state_mut();
            Some(run.id().to_owned())
        };
        let (mut form, files) = receive(request, payload, &receiver, &rules, &mut token_ok).await?;
        crate::json::take_csrf_header(&mut form, request.headers());
        Ok((form, files, checked))
    }

    /// A multipart body where uploads are not built in: 415.
    #[cfg(not(feature = "uploads"))]
    pub(super) async fn receive_files(
        &self,
        _request: &HttpRequest,
        _payload: web::Payload,
        _run: &mut Run<W>,
        _fields: &[FieldSpec],
    ) -> Result<(RawForm, Files, bool), Problem> {
        Err(Problem::WrongType)
    }

    /// Each file field's value in `form`: the file this request brought,
    /// else the one `held` (the step's draft or answers) unless the
    /// visitor is `removing` it; a client's own value is never taken. A
    /// held file replaced or removed is deleted from the staging store.
    #[cfg_attr(not(feature = "uploads"), allow(unused_variables))]
    pub(super) async fn settle_files(
        &self,
        run: &Run<W>,
        (step, fields): (&'static str, &'static [FieldSpec]),
        held: &RawForm,
        form: &mut RawForm,
        files: &Files,
        removing: Option<&str>,
    ) {
        #[cfg(feature = "uploads")]
        if fields.iter().any(|spec| spec.kind.is_file()) {
            self.report_refusals(run, step, fields, files);
            let dropped = crate::upload::settle(fields, form, held, files, removing, run.id());
            if let Some(uploads) = &self.config.uploads {
                for upload in dropped {
                    if let Err(error) = uploads.staging.delete(&upload).await {
                        tracing::warn!(%error, key = upload.key(), "a dropped upload was not deleted");
                    }
                }
            }
        }
    }
}

#[cfg(feature = "uploads")]
use super::places::ItemStepOf;

#[cfg(feature = "uploads")]
impl<W: Wizard> Inner<W> {
    /// Tells the event hooks of each file this request brought that was
    /// refused.
    fn report_refusals(
        &self,
        run: &Run<W>,
        step: &'static str,
        fields: &'static [FieldSpec],
        files: &Files,
    ) {
        use crate::upload::{Received, Refused};
        for (name, got) in files {
            let Received::Refused(why, _) = got else {
                continue;
            };
            let Some(spec) = fields.iter().find(|spec| spec.name == name) else {
                continue;
            };
            let reason = match why {
                Refused::Kind => crate::files::code::KIND,
                Refused::TooLarge => crate::files::code::TOO_LARGE,
                Refused::Empty => crate::files::code::EMPTY,
                Refused::Virus(_) => crate::files::code::VIRUS,
            };
            self.config
                .events
                .report(crate::events::WizardEvent::FileRefused {
                    wizard: W::ID,
                    run: run.id(),
                    step,
                    field: spec.name,
                    reason,
                });
        }
    }

    /// Deletes the files an item's steps hold (its answers and drafts), as
    /// the item is removed.
    pub(super) async fn delete_item_files(&self, run: &Run<W>, index: usize, position: usize) {
        let Some(uploads) = &self.config.uploads else {
            return;
        };
        let name = self.steps.slots[index].name();
        let Some(item) = run.journey().items(name).get(position) else {
            return;
        };
        let held: Vec<crate::upload::Upload> = item
            .steps
            .values()
            .flat_map(|record| uploads_in(record, run.id()))
            .collect();
        for upload in held {
            if let Err(error) = uploads.staging.delete(&upload).await {
                tracing::warn!(%error, key = upload.key(), "a removed item's file was not deleted");
            }
        }
    }

    /// Deletes every file the run's state holds (its steps' and items'
    /// answers and drafts): after a finish, or when the run is dropped.
    pub(super) async fn delete_run_files(&self, run: &Run<W>) {
        let Some(uploads) = &self.config.uploads else {
            return;
        };
        for upload in run_uploads(run) {
            if let Err(error) = uploads.staging.delete(&upload).await {
                tracing::warn!(%error, key = upload.key(), "a finished run's file was not deleted");
            }
        }
        // Its marks (and anything the state no longer named) go too.
        if let Err(error) = uploads.staging.delete_run(run.id()).await {
            tracing::warn!(%error, run = run.id(), "a finished run's uploads marks were not deleted");
        }
    }

    /// After a write of a run that holds files: the mark the sweeper
    /// reads, written beside them (in the background: the answer does not
    /// wait for it).
    pub(super) fn mark_run_files(&self, run: &Run<W>) {
        let Some(uploads) = &self.config.uploads else {
            return;
        };
        if run_uploads(run).is_empty() {
            return;
        }
        let (staging, id) = (uploads.staging().clone(), run.id().to_owned());
        actix_web::rt::spawn(async move {
            if let Err(error) = staging.mark_run(&id).await {
                tracing::warn!(%error, run = id, "a run's uploads mark was not written");
            }
        });
    }

    /// A saved run's files: kept from the sweeper until its link expires.
    #[cfg(feature = "save-and-return")]
    pub(super) async fn keep_files_until(&self, run: &Run<W>, until: u64) {
        let Some(uploads) = &self.config.uploads else {
            return;
        };
        if run_uploads(run).is_empty() {
            return;
        }
        if let Err(error) = uploads.staging.keep_run_until(run.id(), until).await {
            tracing::warn!(%error, run = run.id(), "a saved run's files were not kept from the sweeper");
        }
    }

    /// After a write that dropped other runs to make room (runs per tab):
    /// their staged files go too (in the background).
    pub(super) fn delete_dropped_files(&self, run: &mut Run<W>) {
        let Some(uploads) = &self.config.uploads else {
            return;
        };
        for dropped in std::mem::take(&mut run.dropped) {
            let staging = uploads.staging().clone();
            actix_web::rt::spawn(async move {
                if let Err(error) = staging.delete_run(&dropped).await {
                    tracing::warn!(%error, run = dropped, "a dropped run's files were not deleted");
                }
            });
        }
    }

    /// Before the finish: every file the run's answers hold is still in
    /// the staging store, else the first step (or item step) holding one
    /// that is gone is refused with "select it again".
    pub(super) async fn missing_files(
        &self,
        request: &HttpRequest,
        run: &Run<W>,
        active: &[usize],
        items: &[ItemStepOf],
    ) -> Result<(), crate::once::Refusal> {
        use crate::once::Refusal;
        let Some(uploads) = &self.config.uploads else {
            return Ok(());
        };
        for &index in active {
            let slot = &self.steps.slots[index];
            let Some(list) = slot.list() else {
                let record = run.journey().record(slot.name());
                if let Some(errors) =
                    gone_in(record, slot.fields(), uploads, self.texts(request)).await
                {
                    return Err(Refusal::Invalid {
                        step: index,
                        errors,
                    });
                }
                continue;
            };
            for (_, position, id, step) in items.iter().filter(|at| at.0 == index) {
                let item_step = list.step(*step);
                let stored = run.journey().items(slot.name()).get(*position);
                let record = stored.and_then(|item| item.steps.get(item_step.name));
                if let Some(errors) =
                    gone_in(record, item_step.fields, uploads, self.texts(request)).await
                {
                    let (item, step) = (id.clone(), *step);
                    return Err(Refusal::InvalidItem {
                        list: index,
                        item,
                        step,
                        errors,
                    });
                }
            }
        }
        Ok(())
    }
}

/// The errors of the files a step's stored answers hold that the staging
/// store no longer has; `None` when every one is there.
#[cfg(feature = "uploads")]
async fn gone_in(
    record: Option<&crate::state::StepRecord>,
    fields: &[FieldSpec],
    uploads: &crate::upload::Uploads,
    texts: &crate::texts::Texts,
) -> Option<crate::field_errors::FieldErrors> {
    use crate::files::{DEFAULT_MAX_SIZE, code, refusal_message};
    if !fields.iter().any(|spec| spec.kind.is_file()) {
        return None;
    }
    let answers = record?.answers.as_ref()?;
    let value: serde_json::Value = serde_json::from_str(answers.get()).ok()?;
    let mut errors = crate::field_errors::FieldErrors::new();
    for spec in fields.iter().filter(|spec| spec.kind.is_file()) {
        let texts_held: Vec<&str> = match value.get(spec.name) {
            Some(serde_json::Value::String(text)) => vec![text.as_str()],
            Some(serde_json::Value::Array(list)) => {
                list.iter().filter_map(serde_json::Value::as_str).collect()
            }
            _ => Vec::new(),
        };
        let held = texts_held
            .iter()
            .filter_map(|text| text.parse::<crate::upload::Upload>().ok());
        for upload in held {
            // A store that does not answer is not a missing file: the
            // finish goes on, and moving the file will say so.
            if uploads.staging.holds(&upload).await.is_ok_and(|held| !held) {
                let message = refusal_message(spec, code::GONE, DEFAULT_MAX_SIZE, texts);
                let code = Some("file:gone".into());
                errors.add_coded(spec.name.to_owned(), None, message, code);
                break;
            }
        }
    }
    (!errors.is_empty()).then_some(errors)
}

/// The files of run `run` a step's record holds, in its answers or its
/// draft.
#[cfg(feature = "uploads")]
fn uploads_in(record: &crate::state::StepRecord, run: &str) -> Vec<crate::upload::Upload> {
    let mut texts: Vec<String> = Vec::new();
    if let Some(answers) = &record.answers {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(answers.get()) {
            for value in map.values() {
                match value {
                    serde_json::Value::String(text) => texts.push(text.clone()),
                    serde_json::Value::Array(list) => {
                        texts.extend(list.iter().filter_map(|v| v.as_str().map(str::to_owned)));
                    }
                    _ => {}
                }
            }
        }
    }
    if let Some(draft) = &record.draft {
        texts.extend(draft.pairs().map(|(_, value)| value.to_owned()));
    }
    let mut held: Vec<crate::upload::Upload> = texts
        .iter()
        .filter_map(|text| text.parse::<crate::upload::Upload>().ok())
        .filter(|upload| upload.is_of_run(run))
        .collect();
    held.dedup_by(|a, b| a.key() == b.key());
    held
}

/// Every file run `run`'s state holds: in its steps' and its items'
/// answers and drafts.
#[cfg(feature = "uploads")]
fn run_uploads<W: Wizard>(run: &Run<W>) -> Vec<crate::upload::Upload> {
    let Some(state) = &run.journey().state else {
        return Vec::new();
    };
    let steps = state.steps.values();
    let items = state.lists.values().flat_map(|list| &list.items);
    let records = steps.chain(items.flat_map(|item| item.steps.values()));
    let mut held: Vec<crate::upload::Upload> = records
        .flat_map(|record| uploads_in(record, run.id()))
        .collect();
    // The next items' drafts, refused before they were made.
    for fresh in state.lists.values().filter_map(|list| list.fresh.as_ref()) {
        let texts = fresh.pairs().map(|(_, value)| value);
        let of_run = texts.filter_map(|text| text.parse::<crate::upload::Upload>().ok());
        held.extend(of_run.filter(|upload| upload.is_of_run(run.id())));
    }
    held
}
