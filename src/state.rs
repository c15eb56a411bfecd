//! What the wizard keeps in the session for one visitor: the answers of
//! completed steps, drafts, errors found at finish, version and times.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::cipher::StateCipher;
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
    /// When the state was last written, as an order no two writes of this
    /// process share ([`write_order`]): which of a session's runs is the
    /// most recent, however close together they were written.
    #[serde(rename = "o", default, skip_serializing_if = "is_zero")]
    pub order: u64,
    /// Per step, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<String, StepRecord>,
    /// Something to tell the visitor on the next page shown.
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// Raised by every form the visitor sends (Continue, Back), not by a
    /// draft the page's script saves: a draft typed on an older revision
    /// is dropped, so a late save never undoes a submit.
    #[serde(rename = "r", default, skip_serializing_if = "is_zero")]
    pub revision: u64,
    /// Per list of items ([`crate::Repeat`]), by name.
    #[serde(rename = "l", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lists: BTreeMap<String, ListRecord>,
}

/// What is stored for one list of items: its items in order, and how
/// many were ever made (the next item's id is signed from that count,
/// so an id once used, even of a removed item, is never new again).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ListRecord {
    #[serde(rename = "n", default)]
    pub made: u32,
    #[serde(rename = "i", default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemRecord>,
    /// The draft of the next item's first step, refused before the item
    /// was made (a file it holds is not lost); gone once an item is made.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub fresh: Option<crate::form::RawForm>,
}

/// One item of a list: its id in URLs and its steps' records.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ItemRecord {
    pub id: String,
    #[serde(rename = "s", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<String, StepRecord>,
}

impl ListRecord {
    /// The position of item `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|item| item.id == id)
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The order of a write at `now`: milliseconds since the epoch times a
/// thousand, and strictly more than the last one this process gave, so
/// that writes within one millisecond (or under a clock that stands
/// still) keep the order they were made in.
pub(crate) fn write_order(now: std::time::SystemTime) -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST: AtomicU64 = AtomicU64::new(0);
    let millis = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let floor = millis.saturating_mul(1000);
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = floor.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// A message kept in the state until a page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Notice {
    /// Some stored answers no longer fit the wizard's definition.
    QuestionsChanged,
    /// The run before this one expired; this one started afresh (from
    /// [`crate::Wizard::prefill`]).
    Expired,
    /// This run's first answers went over [`crate::WizardConfig::max_runs`]:
    /// the oldest unfinished run of the session was dropped.
    OldestDropped,
}

/// What is stored for one step.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct StepRecord {
    /// The validated answers, as the step type serializes them; kept as
    /// raw JSON so that loading a state does not build a value tree, and
    /// each step is parsed straight into its own type.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Box<RawValue>>,
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
            order: 0,
            steps: BTreeMap::new(),
            notice: None,
            revision: 0,
            lists: BTreeMap::new(),
        }
    }

    /// The step's record, created empty if needed.
    pub fn step_mut(&mut self, name: &str) -> &mut StepRecord {
        self.steps.entry(name.to_owned()).or_default()
    }

    /// Drops records that hold nothing.
    pub fn prune(&mut self) {
        self.steps.retain(|_, record| !record.is_empty());
        for list in self.lists.values_mut() {
            for item in &mut list.items {
                item.steps.retain(|_, record| !record.is_empty());
            }
        }
    }

    /// The record of step `step` of item `item` in list `list`, created
    /// empty if needed; `None` when the item is not stored.
    pub fn item_step_mut(&mut self, list: &str, item: &str, step: &str) -> Option<&mut StepRecord> {
        let list = self.lists.get_mut(list)?;
        let position = list.position(item)?;
        Some(
            list.items[position]
                .steps
                .entry(step.to_owned())
                .or_default(),
        )
    }

    /// Serializes and encrypts the state bound to `context`; refuses a
    /// result longer than `cap` bytes.
    pub fn seal(
        &self,
        cipher: &StateCipher,
        context: &[u8],
        cap: usize,
    ) -> Result<String, EncodeError> {
        let json = serde_json::to_vec(self).map_err(EncodeError::Json)?;
        let sealed = cipher.seal(&json, context);
        if sealed.len() > cap {
            return Err(EncodeError::TooLarge {
                size: sealed.len(),
                cap,
            });
        }
        Ok(sealed)
    }

    /// Decrypts and reads a sealed state; `None` when it was tampered
    /// with, sealed under another key, or is not a state.
    pub fn open(sealed: &str, cipher: &StateCipher, context: &[u8]) -> Option<Self> {
        let json = cipher.open(sealed, context)?;
        serde_json::from_slice(&json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::FormLimits;

    use crate::cipher::StateKey;

    fn cipher() -> StateCipher {
        StateCipher::new(&StateKey::random())
    }

    #[test]
    fn encodes_compactly_and_decodes_back() {
        let mut state = WizardState::new(3, "r1".into(), 100);
        state.step_mut("account").answers =
            serde_json::value::to_raw_value(&serde_json::json!({"email": "a@b.c"})).ok();
        state.step_mut("profile").draft =
            Some(RawForm::parse(b"age=abc", FormLimits::default()).unwrap());
        state.step_mut("empty");
        state.prune();
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            r#"{"v":3,"run":"r1","t0":100,"t":100,"steps":{"account":{"a":{"email":"a@b.c"}},"profile":{"d":[["age","abc"]]}}}"#
        );
        let cipher = cipher();
        let sealed = state.seal(&cipher, b"w", 1000).unwrap();
        assert!(!sealed.contains("a@b.c"));
        let back = WizardState::open(&sealed, &cipher, b"w").unwrap();
        assert_eq!(back.version, 3);
        assert_eq!(
            back.steps["profile"]
                .draft
                .as_ref()
                .and_then(|d| d.first("age")),
            Some("abc")
        );
        assert!(WizardState::open(&sealed, &cipher, b"other").is_none());
    }

    #[test]
    fn refuses_state_over_the_cap() {
        let mut state = WizardState::new(1, "r".into(), 0);
        state.step_mut("s").answers = serde_json::value::to_raw_value(&"x".repeat(500)).ok();
        assert!(matches!(
            state.seal(&cipher(), b"w", 100),
            Err(EncodeError::TooLarge { cap: 100, .. })
        ));
    }

    #[test]
    fn tolerates_missing_optional_parts() {
        let state: WizardState = serde_json::from_str(r#"{"v":1,"run":"r","t0":1,"t":2}"#).unwrap();
        assert!(state.steps.is_empty());
        assert!(state.notice.is_none());
    }

    /// What an item of a list costs in the store: a claim's travel
    /// expense (its details and its journey), sealed, added ten times.
    /// `cargo test -p actix-wizard --lib list_items_cost -- --nocapture`
    /// prints the figures.
    #[test]
    fn list_items_cost_about_two_hundred_and_fifty_bytes_each_sealed() {
        let raw = |json: serde_json::Value| serde_json::value::to_raw_value(&json).ok();
        let cipher = cipher();
        let sealed_with = |items: usize| {
            let mut state = WizardState::new(1, "r".repeat(22), 1_700_000_000);
            state.step_mut("claimant").answers = raw(serde_json::json!({
                "full_name": "Ann Example", "email": "ann@example.com", "contact": "email", "phone": null
            }));
            let list = state.lists.entry("expenses".into()).or_default();
            for n in 0..items {
                let mut item = ItemRecord {
                    id: crate::csrf::random_id(12),
                    steps: BTreeMap::new(),
                };
                item.steps.entry("expense".into()).or_default().answers = raw(serde_json::json!({
                    "date": "2026-11-02", "category": "travel",
                    "description": format!("Taxi to the airport {n}"), "amount": "45.00"
                }));
                item.steps.entry("journey".into()).or_default().answers = raw(serde_json::json!({
                    "from": "Home", "to": "Airport", "miles": 12
                }));
                list.items.push(item);
                list.made += 1;
            }
            state
                .seal(&cipher, b"claim", usize::MAX)
                .map_or(0, |sealed| sealed.len())
        };
        let (none, ten) = (sealed_with(0), sealed_with(10));
        let per_item = (ten - none) / 10;
        eprintln!("sealed: no item {none} bytes, 10 items {ten} bytes, {per_item} bytes per item");
        assert!((150..300).contains(&per_item), "{per_item} bytes per item");
    }

    #[test]
    fn a_held_file_costs_about_a_hundred_and_fifty_bytes_sealed() {
        let raw = |json: serde_json::Value| serde_json::value::to_raw_value(&json).ok();
        let cipher = cipher();
        let run = "r".repeat(22);
        let sealed_with = |files: usize| {
            let mut state = WizardState::new(1, run.clone(), 1_700_000_000);
            for n in 0..files {
                // As the run keeps a receipt: kind, size, key, name.
                let held = format!(
                    "pdf 245760 staging/{run}/{} receipt-{n}.pdf",
                    "k".repeat(16)
                );
                state.step_mut(&format!("receipt{n}")).answers = raw(serde_json::json!({
                    "receipt": held, "notes": ""
                }));
            }
            state
                .seal(&cipher, b"claim", usize::MAX)
                .map_or(0, |sealed| sealed.len())
        };
        let (none, ten) = (sealed_with(0), sealed_with(10));
        let per_file = (ten - none) / 10;
        eprintln!("sealed: no file {none} bytes, 10 files {ten} bytes, {per_file} bytes per file");
        assert!((80..200).contains(&per_file), "{per_file} bytes per file");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_sealed_text_never_opens_or_panics(text in "\\PC{0,200}") {
            proptest::prop_assert!(WizardState::open(&text, &cipher(), b"w").is_none());
        }

        #[test]
        fn any_state_seals_and_opens_back(
            drafts in proptest::collection::btree_map("[a-z]{1,6}", proptest::collection::vec(("[a-z]{1,6}", "\\PC{0,10}"), 0..4), 0..4),
            seen in 0u64..u64::MAX,
        ) {
            let mut state = WizardState::new(1, "run".into(), seen);
            for (step, fields) in &drafts {
                let mut draft = RawForm::default();
                for (k, v) in fields {
                    draft.push(k.as_str(), v.as_str());
                }
                state.step_mut(step).draft = Some(draft);
            }
            let cipher = cipher();
            let sealed = state.seal(&cipher, b"w", usize::MAX).unwrap();
            let back = WizardState::open(&sealed, &cipher, b"w").unwrap();
            proptest::prop_assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&state).unwrap());
        }
    }
}
