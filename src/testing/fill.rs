//! The pairs a browser sends for a step's form filled with a typed value.

use serde_json::Value;

use crate::field::{FieldSpec, Kind};
use crate::step::Step;

/// The value a ticked single checkbox sends.
pub(crate) const TICKED: &str = "yes";

/// What a browser would send for `step`'s form filled in as `step` says:
/// for each declared field, in order, its text (secrets included), a
/// repeated key per ticked box of a group, the box's value when a single
/// checkbox is ticked (nothing when not), the three parts of a date, an
/// empty text for an empty input and nothing for an unchosen radio group.
/// Fields the step does not declare follow the same rules by their JSON
/// shape.
///
/// # Panics
///
/// When the step does not serialize to a map of plain values (a nested
/// struct is not a form field): send pairs yourself then.
pub(crate) fn pairs_of<S: Step>(step: &S) -> Vec<(String, String)> {
    let Ok(Value::Object(fields)) = serde_json::to_value(step) else {
        panic!(
            "step {:?} does not serialize to a map of fields; send its pairs by hand",
            S::NAME
        );
    };
    let mut pairs = Vec::new();
    for (name, value) in &fields {
        let spec = S::FIELDS.iter().find(|f| f.name == name);
        add_field(&mut pairs, name, spec, value, S::NAME);
    }
    pairs
}

fn add_field(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    spec: Option<&FieldSpec>,
    value: &Value,
    step: &str,
) {
    let kind = spec.map(|s| s.kind);
    let mut push = |key: String, text: String| pairs.push((key, text));
    match (kind, value) {
        (Some(Kind::Date), Value::String(iso)) => {
            let parts: Vec<&str> = iso.splitn(3, '-').collect();
            // A person types "5", not "05".
            let typed = |p: &str| p.trim_start_matches('0').to_owned();
            if let [year, month, day] = parts[..] {
                push(format!("{name}-day"), typed(day));
                push(format!("{name}-month"), typed(month));
                push(format!("{name}-year"), year.to_owned());
            }
        }
        (Some(Kind::Date), _) => {
            for part in crate::date::DATE_PARTS {
                push(format!("{name}-{part}"), String::new());
            }
        }
        (_, Value::Bool(true)) => push(name.to_owned(), TICKED.to_owned()),
        (_, Value::Bool(false)) => {}
        (Some(Kind::Radios | Kind::Checkbox | Kind::Checkboxes), Value::Null) => {}
        (_, Value::Null) => push(name.to_owned(), String::new()),
        (_, Value::Array(items)) => {
            for item in items {
                push(name.to_owned(), plain(item, name, step));
            }
        }
        (_, other) => push(name.to_owned(), plain(other, name, step)),
    }
}

fn plain(value: &Value, name: &str, step: &str) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(true) => TICKED.to_owned(),
        Value::Bool(false) | Value::Null => String::new(),
        Value::Array(_) | Value::Object(_) => {
            panic!("field {name:?} of step {step:?} is not a plain value; send its pairs by hand")
        }
    }
}
