//! What every file field shares, with or without the `uploads` feature:
//! how a refused file reaches the step's validation (a marker beside the
//! field in the form, which the pipeline alone writes), and its message.

use crate::components::readable_size;
use crate::field::{FieldSpec, Kind};
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
    for spec in fields.iter().filter(|spec| spec.kind == Kind::File) {
        let marker = format!("{}{REFUSED_SUFFIX}", spec.name);
        if let Some(code) = form.first(&marker) {
            let message = refusal_message(spec, code, DEFAULT_MAX_SIZE, texts);
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
