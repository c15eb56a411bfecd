//! Checking: whether a model read from a derive's input makes sense, and
//! what it resolves to (a step's name, each field's kind). Every message
//! points at what is wrong.

use syn::{Error, Ident, LitStr, Result};

use crate::case::{RenameRule, words_of_variant};
use crate::model::{ChoiceModel, FieldModel, StepModel, Value};

/// The kinds a field may declare (`kind = "..."`), by `Kind` variant.
pub(crate) const KINDS: &[(&str, &str)] = &[
    ("text", "Text"),
    ("email", "Email"),
    ("tel", "Telephone"),
    ("password", "Password"),
    ("number", "Number"),
    ("textarea", "Textarea"),
    ("radios", "Radios"),
    ("checkboxes", "Checkboxes"),
    ("checkbox", "Checkbox"),
    ("select", "Select"),
    ("date", "Date"),
    ("money", "Money"),
    ("file", "File"),
];

/// The widths a text input may take, in characters.
const WIDTHS: &[u8] = &[2, 3, 4, 5, 10, 20, 30];

/// A step whose model makes sense: its resolved name and title, and each
/// field on the form with its declared kind, if any.
pub(crate) struct CheckedStep<'m> {
    pub model: &'m StepModel,
    pub name: LitStr,
    pub title: LitStr,
    /// The fields on the form (serde's skipped ones left out), each with
    /// the `Kind` variant it declares.
    pub fields: Vec<(&'m FieldModel, Option<Ident>)>,
}

/// A step is a plain struct with named fields.
fn plain_struct(model: &StepModel) -> Result<()> {
    if let Some(span) = model.generics {
        return Err(Error::new(
            span,
            "#[derive(Step)] takes a struct without generic parameters",
        ));
    }
    if !model.named {
        return Err(Error::new(
            model.ident.span(),
            "#[derive(Step)] takes a struct with named fields",
        ));
    }
    Ok(())
}

pub(crate) fn step(model: &StepModel) -> Result<CheckedStep<'_>> {
    plain_struct(model)?;
    let name = match model.settings.text("name") {
        Some(name) if is_url_segment(&name.value()) => name.clone(),
        Some(name) => {
            return Err(Error::new(
                name.span(),
                "a step's name is its URL segment: lowercase letters, digits, `-` or `_`",
            ));
        }
        None => default_step_name(&model.ident)?,
    };
    let title = model.settings.text("title").cloned().ok_or_else(|| {
        Error::new(
            model.ident.span(),
            "#[derive(Step)] needs #[step(title = \"...\")] on the struct",
        )
    })?;
    if let Some(once) = model.settings.get("check_once") {
        if model.settings.get("check").is_none() {
            return Err(Error::new(
                once.span,
                "`check_once` says when `check` runs: add `check = path`, or drop `check_once`",
            ));
        }
    }
    let mut fields = Vec::new();
    for field in &model.fields {
        if field.skipped {
            if let Some(label) = field.settings.get("label") {
                return Err(Error::new(
                    label.span,
                    "this field is skipped by serde, so it is not on the form",
                ));
            }
            continue;
        }
        fields.push((field, field_kind(field)?));
    }
    for (field, _) in &fields {
        revealing_option(field, &fields)?;
        question_has_subject(field)?;
    }
    Ok(CheckedStep {
        model,
        name,
        title,
        fields,
    })
}

/// The `Kind` variant a field declares, once its other settings are
/// checked too.
fn field_kind(field: &FieldModel) -> Result<Option<Ident>> {
    if let Some(Value::Int(width)) = field.settings.get("width").map(|s| &s.value) {
        let chars: u8 = width.base10_parse().unwrap_or(0);
        if !WIDTHS.contains(&chars) {
            return Err(Error::new(
                width.span(),
                "a width is 2, 3, 4, 5, 10, 20 or 30 characters",
            ));
        }
    }
    for key in ["rows", "max_chars"] {
        if let Some(Value::Int(number)) = field.settings.get(key).map(|s| &s.value) {
            let fits = match key {
                "rows" => number.base10_parse::<u8>().is_ok(),
                _ => number.base10_parse::<u32>().is_ok(),
            };
            if !fits {
                return Err(Error::new(
                    number.span(),
                    format!("`{key}` is a whole number from 0 to {}", bound_of(key)),
                ));
            }
        }
    }
    if let (Some(_), Some(lower)) = (
        field.settings.get("uppercase"),
        field.settings.get("lowercase"),
    ) {
        return Err(Error::new(
            lower.span,
            "a field is normalised one way: `uppercase` or `lowercase`, not both",
        ));
    }
    if let Some(options) = field.settings.text("options") {
        parse_options(options)?;
    }
    if let Some(accept) = field.settings.text("accept") {
        check_accept(accept)?;
    }
    let Some(kind) = field.settings.text("kind") else {
        // Options declared on the field: radios unless a kind says so.
        let declared = field.settings.get("options").is_some();
        return Ok(declared.then(|| Ident::new("Radios", field.rust.span())));
    };
    match KINDS.iter().find(|(written, _)| *written == kind.value()) {
        Some((_, variant)) => Ok(Some(Ident::new(variant, kind.span()))),
        None => {
            let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
            Err(Error::new(
                kind.span(),
                format!(
                    "unknown kind `{}`; expected one of {}",
                    kind.value(),
                    known.join(", ")
                ),
            ))
        }
    }
}

/// A label that is a question ("Are you employed by us?") makes a poor
/// subject for messages: such a field says what they call it instead.
fn question_has_subject(field: &FieldModel) -> Result<()> {
    let Some(label) = field.settings.text("label") else {
        return Ok(());
    };
    if !label.value().trim_end().ends_with('?') || field.settings.get("subject").is_some() {
        return Ok(());
    }
    Err(Error::new(
        label.span(),
        format!(
            "the label of `{}` is a question, which every default message and the check page's \
             hidden Change text would repeat: say what they call it with `subject = \"...\"` \
             (for \"How should we contact you?\", `subject = \"how we should contact you\"`)",
            field.rust_name
        ),
    ))
}

/// A `revealed_by = "field=value"` names another field of the step.
fn revealing_option(field: &FieldModel, fields: &[(&FieldModel, Option<Ident>)]) -> Result<()> {
    let Some(option) = field.settings.text("revealed_by") else {
        return Ok(());
    };
    let text = option.value();
    let Some((controller, value)) = text.split_once('=') else {
        return Err(Error::new(
            option.span(),
            "`revealed_by` names the field and the option that reveal this one: \"field=value\"",
        ));
    };
    let known = fields
        .iter()
        .any(|(other, _)| other.form_name == controller && other.form_name != field.form_name);
    if !known || value.is_empty() {
        return Err(Error::new(
            option.span(),
            format!(
                "`revealed_by`: no other field `{controller}` on this step to choose `{value}` in"
            ),
        ));
    }
    Ok(())
}

/// `options = "0=None, 100=£100"`: each option's value and label, apart
/// by commas (a label may not hold a comma).
/// The kinds of file a file field may take, by name.
const FILE_KINDS: &[&str] = &["pdf", "jpeg", "jpg", "png"];

/// `accept = "pdf, jpeg, png"` names only kinds the crate knows by their
/// content.
fn check_accept(accept: &LitStr) -> Result<()> {
    let text = accept.value();
    let names: Vec<String> = text
        .split(',')
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    if names.iter().all(|n| n.is_empty()) {
        return Err(Error::new(
            accept.span(),
            "`accept` names the kinds of file: \"pdf, jpeg, png\"",
        ));
    }
    match names.iter().find(|n| !FILE_KINDS.contains(&n.as_str())) {
        Some(unknown) => Err(Error::new(
            accept.span(),
            format!(
                "`accept`: unknown kind of file `{unknown}`; expected some of {}",
                FILE_KINDS.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

pub(crate) fn parse_options(options: &LitStr) -> Result<Vec<(String, String)>> {
    let text = options.value();
    let mut parsed = Vec::new();
    for option in text.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let Some((value, label)) = option.split_once('=') else {
            return Err(Error::new(
                options.span(),
                format!("option `{option}`: write each option as `value=Label`, apart by commas"),
            ));
        };
        parsed.push((value.trim().to_owned(), label.trim().to_owned()));
    }
    if parsed.is_empty() {
        return Err(Error::new(options.span(), "`options` declares no option"));
    }
    Ok(parsed)
}

/// The largest value `key` takes.
fn bound_of(key: &str) -> u64 {
    match key {
        "rows" => u64::from(u8::MAX),
        _ => u64::from(u32::MAX),
    }
}

fn is_url_segment(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A step named after its struct, in snake case: `CompanyDetails` is
/// `company_details`, as serde's `rename_all = "snake_case"` would write it.
fn default_step_name(ident: &Ident) -> Result<LitStr> {
    let rust = ident.to_string();
    let name = RenameRule::Snake.apply(&words_of_variant(rust.strip_prefix("r#").unwrap_or(&rust)));
    if !is_url_segment(&name) {
        return Err(Error::new(
            ident.span(),
            format!(
                "`{name}` cannot be this step's URL segment: give one with #[step(name = \"...\")] (lowercase letters, digits, `-` or `_`)"
            ),
        ));
    }
    Ok(LitStr::new(&name, ident.span()))
}

/// Whether a choice's model makes sense: an enum without generic
/// parameters, of unit variants, at least one of them on the form.
pub(crate) fn choice(model: &ChoiceModel) -> Result<()> {
    if !model.is_enum {
        return Err(Error::new(
            model.ident.span(),
            "#[derive(Choice)] takes an enum of unit variants",
        ));
    }
    if let Some(span) = model.generics {
        return Err(Error::new(
            span,
            "#[derive(Choice)] takes an enum without generic parameters",
        ));
    }
    if let Some(span) = model.variants.iter().find_map(|variant| variant.data) {
        return Err(Error::new(
            span,
            "a choice is a unit variant: it carries no data",
        ));
    }
    if model.variants.iter().all(|variant| variant.skipped) {
        return Err(Error::new(
            model.ident.span(),
            "a choice needs at least one variant",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{read_choice, read_step};
    use syn::parse_quote;

    fn refusal(input: syn::DeriveInput) -> String {
        let model = read_step(&input).unwrap_or_else(|e| panic!("read: {e}"));
        match step(&model) {
            Ok(_) => panic!("checked without an error"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn a_step_resolves_its_name_and_the_kinds_of_its_fields() {
        let model = read_step(&parse_quote! {
            #[step(title = "Company details")]
            struct CompanyDetails {
                #[field(kind = "tel")]
                phone: String,
                #[serde(skip)]
                cache: String,
                name: String,
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let checked = step(&model).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.name.value(), "company_details");
        let kinds: Vec<_> = checked
            .fields
            .iter()
            .map(|(field, kind)| {
                (
                    field.rust_name.as_str(),
                    kind.as_ref().map(Ident::to_string),
                )
            })
            .collect();
        assert_eq!(kinds, [("phone", Some("Telephone".into())), ("name", None)]);
    }

    #[test]
    fn what_does_not_make_sense_together_is_refused() {
        assert_eq!(
            refusal(
                parse_quote! { #[step(name = "Bad Name", title = "T")] struct S { a: String } }
            ),
            "a step's name is its URL segment: lowercase letters, digits, `-` or `_`"
        );
        assert_eq!(
            refusal(parse_quote! { #[step(name = "s")] struct S { a: String } }),
            "#[derive(Step)] needs #[step(title = \"...\")] on the struct"
        );
        assert_eq!(
            refusal(
                parse_quote! { #[step(title = "T")] struct S { #[field(width = 7)] a: String } }
            ),
            "a width is 2, 3, 4, 5, 10, 20 or 30 characters"
        );
        assert_eq!(
            refusal(
                parse_quote! { #[step(title = "T")] struct S { #[field(uppercase, lowercase)] a: String } }
            ),
            "a field is normalised one way: `uppercase` or `lowercase`, not both"
        );
        assert_eq!(
            refusal(parse_quote! { #[step(title = "T")] struct S(String); }),
            "#[derive(Step)] takes a struct with named fields"
        );
    }

    #[test]
    fn a_choice_of_only_skipped_variants_is_refused() {
        let model = read_choice(&parse_quote! {
            enum Plan { #[serde(skip)] Free }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let refused = choice(&model).err().map(|e| e.to_string());
        assert_eq!(
            refused.as_deref(),
            Some("a choice needs at least one variant")
        );
    }
}
