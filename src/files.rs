//! What every file field shares, with or without the `uploads` feature:
//! how a refused file reaches the step's validation (a marker beside the
//! field in the form, which the pipeline alone writes), and its message.

use crate::components::{held_parts, readable_size};
use crate::field::{FieldSpec, Kind, Rule};
use crate::field_errors::FieldErrors;
use crate::form::RawForm;
use crate::texts::{Texts, fill};

/// The form name, after a file field's own, that says why its file was
/// refused: `receipt!refused`.
pub(crate) const REFUSED_SUFFIX: &str = "!refused";

/// The name the held-file type (`actix_wizard::upload::Upload`) gives
/// serde, by which the form decoder knows a file field's value.
pub(crate) const UPLOAD_TYPE_NAME: &str = "actix_wizard::Upload";

/// What the decoder gives a held file's type in place of a value that is
/// not one (the field then has an error): never stored.
pub(crate) const NO_FILE: &str = "pdf 0 staging/-/- -";

/// Why a file was refused, as the marker says it.
pub(crate) mod code {
    pub const KIND: &str = "kind";
    pub const TOO_LARGE: &str = "too-large";
    pub const EMPTY: &str = "empty";
    pub const VIRUS: &str = "virus";
    #[cfg_attr(not(feature = "uploads"), allow(dead_code))]
    pub const GONE: &str = "gone";
    /// A list of files full.
    pub const TOO_MANY: &str = "too-many";
}

/// The most files a list of files holds when its `length` rule does not
/// say.
pub(crate) const DEFAULT_MAX_FILES: usize = 10;

/// The most files `spec` holds: one for a file field; for a list, the
/// bound of its `length` rule, else [`DEFAULT_MAX_FILES`].
pub(crate) fn max_files(spec: &FieldSpec) -> usize {
    if spec.kind != Kind::Files {
        return 1;
    }
    let bound = spec.rules.iter().find_map(|rule| match rule {
        Rule::Length { max, equal, .. } => equal.or(*max),
        _ => None,
    });
    bound
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_MAX_FILES)
}

/// The name a held file goes by on its Remove button, in a list of
/// files: the last part of its key (random, and its run's own).
pub(crate) fn file_id(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// What a Remove button names: `remove-{field}` for a file field,
/// `remove-{field}/{id}` for one file of a list ([`file_id`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Removal<'a> {
    pub field: &'a str,
    pub file: Option<&'a str>,
}

impl<'a> Removal<'a> {
    pub(crate) fn of(target: &'a str) -> Self {
        match target.split_once('/') {
            Some((field, file)) => Self {
                field,
                file: Some(file),
            },
            None => Self {
                field: target,
                file: None,
            },
        }
    }

    /// Whether it removes the held file `text` of field `name`.
    pub(crate) fn removes(&self, name: &str, text: &str) -> bool {
        name == self.field
            && match self.file {
                None => true,
                Some(id) => held_parts(text).is_some_and(|held| file_id(held.key) == id),
            }
    }
}

/// Takes the file `target` names out of `held` (what a page held, to be
/// kept as its draft); `false` when it names no file field of `fields`.
pub(crate) fn remove_held(fields: &[FieldSpec], held: &mut RawForm, target: &str) -> bool {
    let removal = Removal::of(target);
    let is_file = |spec: &&FieldSpec| spec.name == removal.field && spec.kind.is_file();
    if !fields.iter().any(|spec| is_file(&spec)) {
        return false;
    }
    held.retain_values(|name, value| !removal.removes(name, value));
    true
}

/// The largest file a field takes when neither it nor the configuration
/// says: 10 MiB.
pub(crate) const DEFAULT_MAX_SIZE: u64 = 10 * 1024 * 1024;

/// The kinds a file field's message lists: "PDF, JPG or PNG".
fn kinds_listed(spec: &FieldSpec) -> String {
    let names = spec.accept.unwrap_or(crate::components::DEFAULT_ACCEPT);
    let mut labels: Vec<String> = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let label = match name.to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => "JPG".to_owned(),
            other => other.to_ascii_uppercase(),
        };
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    match labels.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The message of a refusal `code` on `spec`.
pub(crate) fn refusal_message(
    spec: &FieldSpec,
    code: &str,
    max_size: u64,
    texts: &Texts,
) -> String {
    match code {
        code::KIND => fill(&texts.file_kind, &[("kinds", &kinds_listed(spec))]),
        code::TOO_LARGE => {
            let size = readable_size(spec.max_size.unwrap_or(max_size));
            fill(&texts.file_too_large, &[("size", &size)])
        }
        code::EMPTY => texts.file_empty.to_string(),
        code::VIRUS => texts.file_virus.to_string(),
        code::TOO_MANY => fill(
            &texts.files_too_many,
            &[("max", &max_files(spec).to_string())],
        ),
        _ => texts.file_gone.to_string(),
    }
}

/// The errors of the files refused on this form, first among the step's
/// (a refused file's error wins over "Select a file").
pub(crate) fn refusal_errors(
    fields: &[FieldSpec],
    form: &RawForm,
    errors: &mut FieldErrors,
    texts: &Texts,
) {
    for spec in fields.iter().filter(|spec| spec.kind.is_file()) {
        let marker = format!("{}{REFUSED_SUFFIX}", spec.name);
        // A list's marker names the file: `CODE NAME`.
        if let Some(sent) = form.first(&marker) {
            let (code, file) = sent.split_once(' ').unwrap_or((sent, ""));
            let mut message = refusal_message(spec, code, DEFAULT_MAX_SIZE, texts);
            if !file.is_empty() {
                let parts = [("name", file), ("message", message.as_str())];
                message = fill(&texts.files_one_refused, &parts);
            }
            errors.add_coded(
                spec.name.to_owned(),
                None,
                message,
                Some(format!("file:{code}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_gov_uk_writes_them() {
        let texts = Texts::english();
        let receipt = FieldSpec::new("receipt", "Receipt", Kind::File);
        let say = |code| refusal_message(&receipt, code, DEFAULT_MAX_SIZE, texts);
        assert_eq!(
            say(code::KIND),
            "The selected file must be a PDF, JPG or PNG"
        );
        assert_eq!(
            say(code::TOO_LARGE),
            "The selected file must be smaller than 10 MB"
        );
        assert_eq!(say(code::EMPTY), "The selected file is empty");
        assert_eq!(say(code::VIRUS), "The selected file contains a virus");
        let png = FieldSpec::new("photo", "Photo", Kind::File)
            .accept("png")
            .max_size(2_097_152);
        let say = |code| refusal_message(&png, code, DEFAULT_MAX_SIZE, texts);
        assert_eq!(say(code::KIND), "The selected file must be a PNG");
        assert_eq!(
            say(code::TOO_LARGE),
            "The selected file must be smaller than 2 MB"
        );
    }
}
