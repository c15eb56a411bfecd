//! The wizard for clients that ask for JSON (`Accept: application/json`):
//! a step as data, a JSON body read into the same raw form a form body
//! gives (so the rules, type errors and messages are the same), and every
//! problem as an RFC 9457 problem document. Same session and state as the
//! HTML pages: a visitor may switch between them mid-run.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderMap, HeaderValue};
use serde_json::{Map, Value, json};

use crate::components::held_parts;
use crate::csrf::CSRF_FIELD;
use crate::date::DATE_PARTS;
use crate::field::{FieldSpec, Kind};
use crate::files::file_id;
use crate::form::{FormLimits, RawForm};
use crate::render::Page;

use crate::csrf::CSRF_HEADER;

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const PROBLEM_JSON: HeaderValue = HeaderValue::from_static("application/problem+json");

/// Why a JSON body could not be read as a form.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BadJson {
    /// Not JSON, or not an object of plain values.
    Malformed,
    /// More values than the form may have.
    TooManyFields,
}

/// A JSON body as the raw form a browser would have sent: an object whose
/// values are strings, numbers, `true` (a ticked box: `yes`), `false` or
/// `null` (nothing sent), arrays of those (repeated keys: a checkbox
/// group), or one level of object (a date: `{"day": "3", "month": "7",
/// "year": "1990"}` gives `name-day` and so on).
pub(crate) fn form_of(body: &[u8], limits: FormLimits) -> Result<RawForm, BadJson> {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return Err(BadJson::Malformed);
    };
    let mut form = RawForm::default();
    let mut count = 0usize;
    let mut push = |form: &mut RawForm, name: String, value: &Value| -> Result<(), BadJson> {
        let text = match value {
            Value::Null | Value::Bool(false) => return Ok(()),
            Value::Bool(true) => "yes".to_owned(),
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Array(_) | Value::Object(_) => return Err(BadJson::Malformed),
        };
        count += 1;
        if count > limits.max_fields {
            return Err(BadJson::TooManyFields);
        }
        form.push(name, text);
        Ok(())
    };
    for (name, value) in &object {
        match value {
            Value::Array(items) => {
                for item in items {
                    push(&mut form, name.clone(), item)?;
                }
            }
            Value::Object(parts) => {
                for (part, item) in parts {
                    push(&mut form, format!("{name}-{part}"), item)?;
                }
            }
            scalar => push(&mut form, name.clone(), scalar)?,
        }
    }
    Ok(form)
}

/// Adds the `X-CSRF-Token` header's token to a form that carries none.
/// The CSRF token a request sent: the form's `csrf_token`, else the
/// `X-CSRF-Token` header.
pub(crate) fn sent_token<'a>(form: &'a RawForm, headers: &'a HeaderMap) -> Option<&'a str> {
    form.first(CSRF_FIELD)
        .or_else(|| headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))
}

pub(crate) fn take_csrf_header(form: &mut RawForm, headers: &HeaderMap) {
    if form.first(CSRF_FIELD).is_some() {
        return;
    }
    if let Some(token) = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        form.push(CSRF_FIELD, token);
    }
}

/// A JSON answer with `status`.
pub(crate) fn respond(status: StatusCode, document: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((CONTENT_TYPE, JSON))
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(document.to_string())
}

/// An RFC 9457 problem document.
pub(crate) fn problem(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: &str,
    link: Option<&str>,
) -> HttpResponse {
    let mut document = json!({
        "type": format!("urn:actix-wizard:problem:{kind}"),
        "title": title,
        "status": status.as_u16(),
        "detail": detail,
    });
    if let (Some(link), Value::Object(members)) = (link, &mut document) {
        members.insert("link".into(), Value::String(link.to_owned()));
    }
    HttpResponse::build(status)
        .insert_header((CONTENT_TYPE, PROBLEM_JSON))
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(document.to_string())
}

/// The step `name` as data: what its page shows, field by field, and the
/// moves it allows.
pub(crate) fn step_document(page: &Page<'_>, name: &str) -> Value {
    let fields: Vec<Value> = page.fields.iter().map(|spec| field(page, spec)).collect();
    let buttons = page.buttons();
    let (main, button) = buttons.main();
    let mut actions = Vec::new();
    if page.has_back {
        actions.push("back");
    }
    actions.push(main);
    if page.is_change {
        actions.push("cancel");
    }
    let answers: Vec<Value> = page
        .sections
        .iter()
        .map(|section| {
            json!({
                "title": section.title,
                "change": section.change_url,
                "rows": section.rows.iter().map(|row| json!({
                    "field": row.field,
                    "label": row.label,
                    "value": row.value,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "step": name,
        "title": page.title,
        "url": page.action,
        "progress": { "current": page.progress.current, "total": page.progress.total },
        "notice": page.notice,
        "fields": fields,
        "errors": page.errors.iter().map(|e| json!({
            "field": e.field,
            "part": e.part,
            "message": e.message,
        })).collect::<Vec<_>>(),
        "actions": actions,
        "button": button,
        "change": page.is_change,
        "answers": answers,
        "csrf_token": page.csrf_token,
        "revision": page.revision,
    })
}

fn field(page: &Page<'_>, spec: &FieldSpec) -> Value {
    let values = page.values;
    let value = match spec.kind {
        Kind::Password => Value::Null,
        Kind::Checkboxes => Value::Array(
            values
                .values(spec.name)
                .map(|v| Value::String(v.to_owned()))
                .collect(),
        ),
        Kind::Checkbox => Value::Bool(page.field(spec.name).checked("yes")),
        Kind::Date => {
            let mut parts = Map::new();
            for part in DATE_PARTS {
                let typed = values.first_part(spec.name, part).unwrap_or("");
                parts.insert(part.into(), Value::String(typed.to_owned()));
            }
            Value::Object(parts)
        }
        // The file the run holds: its name and size, never its key. A new
        // file comes as a `multipart/form-data` part of this name.
        Kind::File => match values.first(spec.name).and_then(held_parts) {
            Some(held) => json!({ "name": held.name, "size": held.size }),
            None => Value::Null,
        },
        Kind::Files => Value::Array(
            values
                .values(spec.name)
                .filter_map(held_parts)
                .map(
                    |held| json!({ "name": held.name, "size": held.size, "id": file_id(held.key) }),
                )
                .collect(),
        ),
        _ => Value::String(values.first(spec.name).unwrap_or("").to_owned()),
    };
    let error = page.errors.find(spec.name);
    json!({
        "name": spec.name,
        "label": spec.label,
        "hint": spec.hint,
        "kind": kind_name(spec.kind),
        "optional": spec.optional,
        "options": spec.options.iter().map(|c| json!({
            "value": c.value,
            "label": c.label,
            "hint": c.hint,
        })).collect::<Vec<_>>(),
        "value": value,
        "error": error.map(|e| e.message.as_str()),
    })
}

/// A kind of control as the documents (and the schema) name it.
pub(crate) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Email => "email",
        Kind::Telephone => "tel",
        Kind::Password => "password",
        Kind::Number => "number",
        Kind::Textarea => "textarea",
        Kind::Radios => "radios",
        Kind::Checkboxes => "checkboxes",
        Kind::Checkbox => "checkbox",
        Kind::Select => "select",
        Kind::Date => "date",
        Kind::Money => "money",
        Kind::File => "file",
        Kind::Files => "files",
    }
}

/// The completion document: the finish handler's outcome, as the
/// application serialised it, and where a new run starts.
pub(crate) fn complete_document(base: &str, outcome: &[u8]) -> Value {
    let outcome = serde_json::from_slice::<Value>(outcome).unwrap_or(Value::Null);
    json!({
        "complete": true,
        "outcome": outcome,
        "start_again": base,
    })
}

/// A list of items ([`crate::Repeat`]) as data: its items with their
/// addresses, and its question (absent when the list is full: `full`
/// says why), as [`step_document`] gives a step.
pub(crate) fn list_document(
    page: &Page<'_>,
    name: &str,
    rows: &[crate::render::ListRow],
    full: Option<&str>,
) -> Value {
    let mut document = step_document(page, name);
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "name": row.name,
                "detail": row.detail,
                "finished": row.finished,
                "url": row.open_url,
                "remove": row.remove_url,
            })
        })
        .collect();
    if let Value::Object(fields) = &mut document {
        fields.insert("items".to_owned(), Value::Array(items));
        if let Some(full) = full {
            fields.insert("fields".to_owned(), Value::Array(Vec::new()));
            fields.insert("full".to_owned(), Value::String(full.to_owned()));
        }
    }
    document
}

/// An exit page ([`crate::Exit`]) as data: its heading, why, and where
/// to change the answer that led there.
pub(crate) fn exit_document(exit: &crate::Exit, back: &str) -> Value {
    json!({
        "exit": exit.segment(),
        "title": exit.title(),
        "body": exit.paragraphs(),
        "back": back,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::wants_json;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            actix_web::http::header::ACCEPT,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn only_a_client_that_names_json_gets_it() {
        assert!(wants_json(&accept("application/json")));
        assert!(wants_json(&accept("text/html;q=0.5, application/json")));
        assert!(wants_json(&accept("application/problem+json")));
        assert!(!wants_json(&accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(!wants_json(&accept("application/json;q=0")));
        assert!(!wants_json(&HeaderMap::new()));
    }

    #[test]
    fn a_json_body_reads_as_the_form_a_browser_sends() {
        let body = br#"{"email":"a@b.c","age":34,"interests":["rust","web"],"newsletter":true,
            "terms":false,"bio":null,"dob":{"day":"3","month":7,"year":"1990"}}"#;
        let form = form_of(body, FormLimits::default()).unwrap();
        let pairs: Vec<(&str, Vec<&str>)> = [
            "email",
            "age",
            "interests",
            "newsletter",
            "terms",
            "bio",
            "dob-day",
            "dob-month",
            "dob-year",
        ]
        .iter()
        .map(|name| (*name, form.values(name).collect()))
        .collect();
        assert_eq!(
            pairs,
            [
                ("email", vec!["a@b.c"]),
                ("age", vec!["34"]),
                ("interests", vec!["rust", "web"]),
                ("newsletter", vec!["yes"]),
                ("terms", vec![]),
                ("bio", vec![]),
                ("dob-day", vec!["3"]),
                ("dob-month", vec!["7"]),
                ("dob-year", vec!["1990"]),
            ]
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_of_values_is_refused() {
        let limits = FormLimits::default();
        assert_eq!(form_of(b"[1,2]", limits), Err(BadJson::Malformed));
        assert_eq!(form_of(b"{\"a\":", limits), Err(BadJson::Malformed));
        assert_eq!(
            form_of(br#"{"a":[["nested"]]}"#, limits),
            Err(BadJson::Malformed)
        );
        assert_eq!(
            form_of(br#"{"a":{"b":{"c":1}}}"#, limits),
            Err(BadJson::Malformed)
        );
        let many = format!("{{\"a\":[{}]}}", vec!["1"; limits.max_fields + 1].join(","));
        assert_eq!(
            form_of(many.as_bytes(), limits),
            Err(BadJson::TooManyFields)
        );
    }
}
