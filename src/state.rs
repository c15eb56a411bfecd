//! What the wizard keeps in the session for one visitor: the answers of
//! completed steps, drafts, errors found at finish, version and times.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::field_errors::FieldErrors;
use crate::form::RawForm;

/// One wizard run's stored state. Field names are short: this is written
/// to the store on every step.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct WizardState {
    /// The wizard declaration's version when the state was written.
    #[serde(rename = "v")]
    pub version: u32,
    /// The run's id, handed to the finish handler.
    pub run: String,
    /// When the run started (Unix seconds).
    #[serde(rename = "t0")]
    pub started: u64,
    /// When the visitor was last seen (Unix seconds); idle expiry counts
    /// from here.
    #[serde(rename = "t")]
    pub seen: u64,
    /// Per step, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<String, StepRecord>,
}

/// What is stored for one step.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct StepRecord {
    /// The validated answers, as the step type serializes them.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Value>,
    /// What was last typed and not saved (after Back or a failed
    /// validation), secrets left out.
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<RawForm>,
    /// Errors found when finishing; the step must be answered again.
    #[serde(rename = "e", default, skip_serializing_if = "FieldErrors::is_empty")]
    pub errors: FieldErrors,
}

impl StepRecord {
    fn is_empty(&self) -> bool {
        self.answers.is_none() && self.draft.is_none() && self.errors.is_empty()
    }
}

/// The state could not be written.
#[derive(Debug)]
pub(crate) enum EncodeError {
    /// Larger than the configured cap (bytes of JSON).
    TooLarge {
        size: usize,
        cap: usize,
    },
    Json(serde_json::Error),
}

impl WizardState {
    pub fn new(version: u32, run: String, now: u64) -> Self {
        Self {
            version,
            run,
            started: now,
            seen: now,
            steps: BTreeMap::new(),
        }
    }

    /// The step's record, created empty if needed.
    pub fn step_mut(&mut self, name: &str) -> &mut StepRecord {
        self.steps.entry(name.to_owned()).or_default()
    }

    /// Drops records that hold nothing.
    pub fn prune(&mut self) {
        self.steps.retain(|_, record| !record.is_empty());
    }

    /// Serializes once, checks the size cap, and hands back JSON that the
    /// session stores verbatim.
    pub fn encode(&self, cap: usize) -> Result<Box<RawValue>, EncodeError> {
        let json = serde_json::to_string(self).map_err(EncodeError::Json)?;
        if json.len() > cap {
            return Err(EncodeError::TooLarge {
                size: json.len(),
                cap,
            });
        }
        RawValue::from_string(json).map_err(EncodeError::Json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FormLimits;

    #[test]
    fn encodes_compactly_and_decodes_back() {
        let mut state = WizardState::new(3, "r1".into(), 100);
        state.step_mut("account").answers = Some(serde_json::json!({"email": "a@b.c"}));
        state.step_mut("profile").draft =
            Some(RawForm::parse(b"age=abc", FormLimits::default()).unwrap());
        state.step_mut("empty");
        state.prune();
        let json = state.encode(1000).unwrap();
        assert_eq!(
            json.get(),
            r#"{"v":3,"run":"r1","t0":100,"t":100,"steps":{"account":{"a":{"email":"a@b.c"}},"profile":{"d":[["age","abc"]]}}}"#
        );
        let back: WizardState = serde_json::from_str(json.get()).unwrap();
        assert_eq!(back.version, 3);
        assert_eq!(
            back.steps["profile"]
                .draft
                .as_ref()
                .and_then(|d| d.first("age")),
            Some("abc")
        );
    }

    #[test]
    fn refuses_state_over_the_cap() {
        let mut state = WizardState::new(1, "r".into(), 0);
        state.step_mut("s").answers = Some(Value::String("x".repeat(500)));
        assert!(matches!(
            state.encode(100),
            Err(EncodeError::TooLarge { cap: 100, .. })
        ));
    }

    #[test]
    fn tolerates_missing_optional_parts() {
        let state: WizardState = serde_json::from_str(r#"{"v":1,"run":"r","t0":1,"t":2}"#).unwrap();
        assert!(state.steps.is_empty());
    }
}
