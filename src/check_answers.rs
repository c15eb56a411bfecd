//! The rows of the check-answers list.

use std::any::TypeId;
use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::field::humanize;
use crate::form::shape_of;
use crate::texts::Texts;

/// One row of the check-answers list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The form field the row shows; the Change link jumps to it.
    pub field: String,
    /// What the question was, e.g. "Email address".
    pub label: String,
    /// The answer as the visitor should read it, e.g. "Business".
    pub value: String,
    /// Where its Change link goes, when not its section's (an item's
    /// rows come from several steps).
    pub change_url: Option<String>,
    /// What the hidden words after "Change" call it, for screen readers:
    /// the field's subject; the label in small letters when `None`.
    pub change_label: Option<String>,
}

impl Answer {
    /// A row for `field`.
    ///
    /// ```
    /// use actix_wizard::page::Answer;
    /// let row = Answer::new("email", "Email address", "ann@example.com");
    /// assert_eq!(row.label, "Email address");
    /// ```
    pub fn new(
        field: impl Into<String>,
        label: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            label: label.into(),
            value: value.into(),
            change_url: None,
            change_label: None,
        }
    }
}

/// The answers of one step on the check-answers list.
#[derive(Clone, Debug)]
pub struct AnswerSection {
    /// The step's title (or an item's heading, "Expense 2: Taxi").
    pub title: crate::page::Text,
    /// Where its Change links go; empty for rows without one (a total).
    pub change_url: String,
    /// Its rows.
    pub rows: Vec<Answer>,
}

/// The default rows of a step: each field but secrets, labelled from its
/// name ("display_name" → "Display name"), an empty answer shown as
/// "Not provided".
pub(crate) fn answers_of<S: Serialize + DeserializeOwned + 'static>(
    step: &S,
    texts: &Texts,
) -> Vec<Answer> {
    let secrets = secrets_of::<S>();
    let Ok(Value::Object(fields)) = serde_json::to_value(step) else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|(name, _)| !secrets.contains(&name.as_str()))
        .map(|(name, value)| Answer::new(name.as_str(), humanize(name), display(value, texts)))
        .collect()
}

/// The secret fields of `S`, found by probing its shape once per type
/// (and thread) rather than on every call.
fn secrets_of<S: DeserializeOwned + 'static>() -> Vec<&'static str> {
    thread_local! {
        static SECRETS: RefCell<HashMap<TypeId, Vec<&'static str>>> = RefCell::default();
    }
    SECRETS.with(|known| {
        known
            .borrow_mut()
            .entry(TypeId::of::<S>())
            .or_insert_with(|| shape_of::<S>().map(|s| s.secrets).unwrap_or_default())
            .clone()
    })
}

fn display(value: &Value, texts: &Texts) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::Bool(true) => texts.yes.to_string(),
        Value::Bool(false) => texts.no.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|item| display(item, texts))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => String::new(),
    };
    if text.is_empty() {
        texts.not_provided.to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize)]
    struct Sample {
        display_name: String,
        password: Secret,
        tags: Vec<String>,
        bio: Option<String>,
        news: bool,
    }

    #[test]
    fn default_rows_leave_secrets_out() {
        let rows = answers_of(
            &Sample {
                display_name: "Ann".into(),
                password: Secret::new("hunter22"),
                tags: vec!["rust".into(), "web".into()],
                bio: None,
                news: true,
            },
            &Texts::default(),
        );
        let labels: Vec<_> = rows
            .iter()
            .map(|r| (r.label.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                ("Display name", "Ann"),
                ("Tags", "rust, web"),
                ("Bio", "Not provided"),
                ("News", "Yes")
            ]
        );
    }
}
