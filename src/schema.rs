//! The JSON Schema (draft 2020-12) a wizard publishes at
//! `{base}/schema.json`, made from its declarations: for each step, the
//! body a JSON client may send (`$defs/{step}`, with the validator rules
//! and the options) and the document the server answers with
//! (`$defs/{step}.document`), and the completion document.
//!
//! The body schemas are conservative: what they refuse, the server
//! refuses too (a wrong type, an unknown option, a bound broken, a
//! required answer missing); what they accept may still be refused by a
//! rule they cannot state (`must_match`, a `regex` given by path, an
//! application's own check).

use serde_json::{Map, Value, json};

/// The text of an amount of money as [`crate::Money::parse`] reads it.
const MONEY_PATTERN: &str = r"^\s*(£\s*)?(\d{1,3}(,\d{3})+|\d*)(\.\d{0,2})?\s*$";

use crate::csrf::CSRF_FIELD;
use crate::field::FORM_LEVEL;
use crate::field::{FieldSpec, Kind, Rule};
use crate::json::kind_name;
use crate::render::REVISION_FIELD;

/// Where the schema is served, under the wizard's base.
pub(crate) const SCHEMA_SEGMENT: &str = "schema.json";

/// One step, as the schema needs it.
pub(crate) struct StepShape {
    /// The step's name; an item step's is `{list}.{step}`, an item's
    /// remove page `{list}.remove`.
    pub name: String,
    pub title: &'static str,
    pub fields: &'static [FieldSpec],
}

/// The wizard's schema document.
pub(crate) fn wizard_schema(id: &str, steps: &[StepShape]) -> Value {
    let mut defs = Map::new();
    for step in steps {
        defs.insert(step.name.clone(), body_schema(step));
        defs.insert(format!("{}.document", step.name), document_schema(step));
    }
    defs.insert(
        "complete.document".to_owned(),
        json!({
            "type": "object",
            "required": ["complete", "outcome", "start_again"],
            "properties": {
                "complete": { "const": true },
                "start_again": { "type": "string" },
            },
        }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": id,
        "description": "Each step's body ($defs/STEP) and the documents the server answers with ($defs/STEP.document, $defs/complete.document).",
        "$defs": defs,
    })
}

/// What a JSON client may send to a step.
fn body_schema(step: &StepShape) -> Value {
    let mut properties = Map::new();
    for spec in step.fields {
        properties.insert(spec.name.to_owned(), field_body(spec));
    }
    properties.insert(
        "action".into(),
        json!({ "enum": ["next", "back", "finish", "draft", "cancel"] }),
    );
    properties.insert(CSRF_FIELD.into(), json!({ "type": "string" }));
    properties.insert(
        REVISION_FIELD.into(),
        json!({ "type": ["string", "integer"] }),
    );
    let required: Vec<&str> = step
        .fields
        .iter()
        .filter(|spec| must_be_given(spec) && spec.reveal().is_none())
        .map(|spec| spec.name)
        .collect();
    // A revealed field is asked for when its option is chosen.
    let revealed: Vec<Value> = step
        .fields
        .iter()
        .filter(|spec| !spec.optional)
        .filter_map(|spec| {
            let (field, value) = spec.reveal()?;
            Some(json!({
                "if": {
                    "properties": { field: { "anyOf": [{ "const": value }, { "type": "array", "contains": { "const": value } }] } },
                    "required": [field],
                },
                "then": { "required": [spec.name] },
            }))
        })
        .collect();
    let mut then = json!({ "required": required });
    if !revealed.is_empty() {
        then["allOf"] = Value::Array(revealed);
    }
    json!({
        "title": step.title,
        "type": "object",
        "properties": properties,
        "required": ["action"],
        // Only a form sent on needs its answers: Back and a draft keep
        // whatever was typed.
        "if": { "properties": { "action": { "enum": ["next", "finish"] } } },
        "then": then,
    })
}

/// Whether leaving the field out is refused by its rules.
fn must_be_given(spec: &FieldSpec) -> bool {
    !spec.optional
        && spec.rules.iter().any(|rule| match rule {
            Rule::Required | Rule::Ticked => true,
            Rule::Length { min, equal, .. } => {
                min.is_some_and(|n| n >= 1) || equal.is_some_and(|n| n >= 1)
            }
            _ => false,
        })
}

fn field_body(spec: &FieldSpec) -> Value {
    let mut schema = value_schema(spec);
    if let Value::Object(members) = &mut schema {
        members.insert("title".into(), Value::String(spec.label.to_owned()));
        if let Some(hint) = spec.hint {
            members.insert("description".into(), Value::String(hint.to_owned()));
        }
    }
    // "Nothing" (`null` or `false`) is an answer wherever the field may
    // be left empty: an optional field, or a checkbox that need not be
    // ticked (absent is false).
    let may_be_empty =
        spec.optional || (spec.kind == Kind::Checkbox && !spec.rules.contains(&Rule::Ticked));
    if may_be_empty {
        schema = json!({ "anyOf": [schema, { "enum": [null, false] }] });
    }
    schema
}

/// What a field's value may be, by its kind and rules.
fn value_schema(spec: &FieldSpec) -> Value {
    match spec.kind {
        Kind::Number => number_body(spec),
        Kind::Radios | Kind::Select => {
            json!({ "enum": spec.options.iter().map(|c| c.value).collect::<Vec<_>>() })
        }
        Kind::Checkboxes => choices_body(spec),
        Kind::Checkbox if spec.rules.contains(&Rule::Ticked) => {
            json!({ "anyOf": [{ "const": true }, { "type": "string" }] })
        }
        Kind::Checkbox => json!({ "type": ["boolean", "string"] }),
        Kind::Money => json!({
            // As a person writes it ("£1,200.50"; the server reads it), or
            // a number of pounds with at most two decimals.
            "anyOf": [
                { "type": "string", "pattern": MONEY_PATTERN },
                { "type": "number", "minimum": 0 },
            ],
        }),
        Kind::Date => {
            let part = json!({ "type": ["string", "integer"] });
            json!({
                "type": "object",
                "properties": { "day": part, "month": part, "year": part },
            })
        }
        Kind::Text | Kind::Email | Kind::Telephone | Kind::Password | Kind::Textarea => {
            text_body(spec)
        }
        Kind::File | Kind::Files => file_body(spec.kind),
    }
}

/// A number, or the text a form would carry (checked by the server's
/// decoder): bounds apply to numbers.
fn number_body(spec: &FieldSpec) -> Value {
    let mut number = json!({ "type": ["number", "string"] });
    for rule in spec.rules {
        if let Rule::Range { min, max } = rule {
            set(&mut number, "minimum", *min);
            set(&mut number, "maximum", *max);
        }
    }
    number
}

/// Checkboxes: a list of the options, its length bounded by the rules,
/// or one option alone, as a form sends it.
fn choices_body(spec: &FieldSpec) -> Value {
    let option = json!({ "enum": spec.options.iter().map(|c| c.value).collect::<Vec<_>>() });
    let mut list = json!({ "type": "array", "items": option });
    for rule in spec.rules {
        if let Rule::Length { min, max, .. } = rule {
            set(&mut list, "minItems", *min);
            set(&mut list, "maxItems", *max);
        }
    }
    json!({ "anyOf": [list, option] })
}

/// A file field: sent as a part of a `multipart/form-data` body, not in
/// JSON.
fn file_body(kind: Kind) -> Value {
    if kind == Kind::Files {
        return json!({
            "type": "array",
            "items": {
                "type": "string",
                "contentEncoding": "binary",
            },
            "description": "files, each sent as a multipart/form-data part of this name; each post adds to those held",
        });
    }
    json!({
        "type": "string",
        "contentEncoding": "binary",
        "description": "a file, sent as a multipart/form-data part of this name",
    })
}

fn text_body(spec: &FieldSpec) -> Value {
    let mut text = json!({ "type": "string" });
    let mut max = spec.max_chars.and_then(|n| i64::try_from(n).ok());
    for rule in spec.rules {
        match rule {
            // A minimum holds for the text as sent (trimming only
            // shortens it); a maximum is of the trimmed text, so it is a
            // pattern that allows spaces around.
            Rule::Length {
                min,
                max: most,
                equal,
            } => {
                set(&mut text, "minLength", min.or(*equal));
                max = match (max, most.or(*equal)) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            Rule::Email => {
                text["format"] = json!("email");
            }
            Rule::Url => {
                text["format"] = json!("uri");
            }
            _ => {}
        }
    }
    if let Some(max) = max {
        text["pattern"] = Value::String(trimmed_at_most(max));
    }
    text
}

/// A pattern for "at most `max` characters once the spaces around are
/// trimmed".
fn trimmed_at_most(max: i64) -> String {
    match max {
        i64::MIN..=0 => r"^\s*$".to_owned(),
        1 => r"^\s*\S?\s*$".to_owned(),
        _ => format!(r"^\s*(?:\S(?:[\s\S]{{0,{}}}\S)?)?\s*$", max - 2),
    }
}

fn set(schema: &mut Value, key: &str, value: Option<i64>) {
    if let (Some(value), Value::Object(members)) = (value, schema) {
        members.insert(key.to_owned(), Value::from(value));
    }
}

/// The document the server sends for a step.
fn document_schema(step: &StepShape) -> Value {
    let fields: Vec<Value> = step.fields.iter().map(field_document).collect();
    let mut names: Vec<&str> = step.fields.iter().map(|f| f.name).collect();
    names.push(FORM_LEVEL);
    json!({
        "type": "object",
        "required": ["step", "title", "url", "progress", "notice", "fields", "errors",
                     "actions", "button", "change", "answers", "csrf_token", "revision"],
        "properties": {
            "step": { "const": step.name },
            "title": { "const": step.title },
            "url": { "type": "string" },
            "progress": {
                "type": "object",
                "required": ["current", "total"],
                "properties": {
                    "current": { "type": "integer", "minimum": 1 },
                    "total": { "type": "integer", "minimum": 1 },
                },
            },
            "notice": { "type": ["string", "null"] },
            "fields": fields_schema(fields),
            "errors": errors_schema(&names),
            "actions": {
                "type": "array",
                "items": { "enum": ["back", "next", "finish"] },
                "minItems": 1,
            },
            "button": { "type": "string" },
            "change": { "type": "boolean" },
            "answers": answers_schema(),
            "csrf_token": { "type": "string", "minLength": 1 },
            "revision": { "type": "integer", "minimum": 0 },
        },
    })
}

/// A step document's `fields`: exactly these, in order. A step without
/// fields (a check page) has none: `prefixItems` may not be empty.
fn fields_schema(fields: Vec<Value>) -> Value {
    if fields.is_empty() {
        return json!({ "type": "array", "maxItems": 0 });
    }
    json!({
        "type": "array",
        "minItems": fields.len(),
        "prefixItems": fields,
        "items": false,
    })
}

/// A step document's `errors`: each names one of `fields` (or the form).
fn errors_schema(fields: &[&str]) -> Value {
    json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["field", "message"],
            "properties": {
                "field": { "enum": fields },
                "part": { "type": ["string", "null"] },
                "message": { "type": "string" },
            },
        },
    })
}

/// A step document's `answers`: the check-answers sections and rows.
fn answers_schema() -> Value {
    json!({
        "type": "array",
        "items": {
            "type": "object",
            "required": ["title", "change", "rows"],
            "properties": {
                "title": { "type": "string" },
                "change": { "type": "string" },
                "rows": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "label", "value"],
                        "properties": {
                            "field": { "type": "string" },
                            "label": { "type": "string" },
                            "value": { "type": "string" },
                        },
                    },
                },
            },
        },
    })
}

/// A held file in a step's document (`id` in a list: what its Remove
/// action names, `remove-{field}/{id}`).
fn held_file_document() -> Value {
    json!({
        "type": "object",
        "required": ["name", "size"],
        "properties": {
            "name": { "type": "string" },
            "size": { "type": "integer", "minimum": 0 },
            "id": { "type": "string" },
        },
    })
}

fn field_document(spec: &FieldSpec) -> Value {
    let value = match spec.kind {
        // A secret is never sent back.
        Kind::Password => json!({ "type": "null" }),
        Kind::Checkboxes => json!({ "type": "array", "items": { "type": "string" } }),
        Kind::Checkbox => json!({ "type": "boolean" }),
        Kind::Date => json!({
            "type": "object",
            "required": ["day", "month", "year"],
            "properties": {
                "day": { "type": "string" },
                "month": { "type": "string" },
                "year": { "type": "string" },
            },
        }),
        // The held file: its name and size, never its key.
        Kind::File => json!({ "oneOf": [{ "type": "null" }, held_file_document()] }),
        Kind::Files => json!({ "type": "array", "items": held_file_document() }),
        // What was typed, which may not be valid yet.
        _ => json!({ "type": "string" }),
    };
    let options: Vec<Value> = spec
        .options
        .iter()
        .map(|c| json!({ "value": c.value, "label": c.label, "hint": c.hint }))
        .collect();
    json!({
        "type": "object",
        "required": ["name", "label", "hint", "kind", "optional", "options", "value", "error"],
        "properties": {
            "name": { "const": spec.name },
            "label": { "const": spec.label },
            "hint": { "const": spec.hint },
            "kind": { "const": kind_name(spec.kind) },
            "optional": { "const": spec.optional },
            "options": { "const": options },
            "value": value,
            "error": { "type": ["string", "null"] },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trimmed_maximum_allows_spaces_around_and_no_more() {
        let five = regex::Regex::new(&trimmed_at_most(5)).unwrap();
        for fits in ["", "a", "abcde", "  abcde  ", "ab de", "a\nb"] {
            assert!(five.is_match(fits), "{fits:?}");
        }
        for too_long in ["abcdef", " abc def "] {
            assert!(!five.is_match(too_long), "{too_long:?}");
        }
        let one = regex::Regex::new(&trimmed_at_most(1)).unwrap();
        assert!(one.is_match(" a ") && !one.is_match("ab"));
    }
}
