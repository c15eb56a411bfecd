//! Where a visitor stands: which steps apply, which are done, which may be
//! visited. Built from the stored state on every request.

use serde_json::value::RawValue;

use crate::state::{Notice, StepRecord, WizardState};
use crate::steps::Steps;
use crate::wizard::Wizard;

/// A visitor's stored state together with the typed answers it holds.
pub(crate) struct Journey<W> {
    /// The stored state; `None` before the first answer or draft.
    pub state: Option<WizardState>,
    /// The id a state created during this request takes (the visitor's
    /// run, named in its cookie since its first page).
    pub new_run_id: String,
    /// The wizard's struct, filled with every stored step's answers.
    pub answers: W,
    active: Vec<bool>,
    /// The state differs from what is stored and must be written (or, when
    /// `state` is `None`, removed).
    pub changed: bool,
    /// The stored state expired or could not be read during this request.
    pub lapsed: bool,
}

/// What the session held for this wizard.
pub(crate) enum Stored {
    Nothing,
    State(WizardState),
    Unreadable,
}

impl<W: Wizard> Journey<W> {
    /// Loads the journey: drops a state idle for longer than `idle_secs`,
    /// fills the typed answers, and drops answers that no longer decode
    /// (the step's type changed) or whose step no longer applies.
    pub fn load(steps: &Steps<W>, stored: Stored, now: u64, idle_secs: u64, version: u32) -> Self {
        let mut journey = Self {
            state: None,
            new_run_id: String::new(),
            answers: W::default(),
            active: Vec::new(),
            changed: false,
            lapsed: false,
        };
        match stored {
            Stored::Nothing => {}
            Stored::Unreadable => {
                journey.changed = true;
                journey.lapsed = true;
            }
            Stored::State(state) if now.saturating_sub(state.seen) > idle_secs => {
                journey.changed = true;
                // A run with nothing typed in it lapses without a notice.
                journey.lapsed = !state.steps.is_empty();
            }
            Stored::State(mut state) => {
                journey.changed |= upgrade(steps, &mut state, version);
                for slot in &steps.slots {
                    let Some(record) = state.steps.get_mut(slot.name()) else {
                        continue;
                    };
                    if let Some(answers) = &record.answers {
                        if slot.load(&mut journey.answers, answers).is_err() {
                            // Written by an older definition (a renamed or
                            // retyped field): this step is asked again.
                            record.answers = None;
                            state.notice = Some(Notice::QuestionsChanged);
                            journey.changed = true;
                        }
                    }
                }
                journey.state = Some(state);
            }
        }
        journey.settle(steps);
        journey
    }

    /// Recomputes which steps apply, dropping the answers and drafts of
    /// steps that no longer do. Repeats until stable, since dropping one
    /// step can switch off a step whose condition read it.
    pub fn settle(&mut self, steps: &Steps<W>) {
        loop {
            self.active = steps
                .slots
                .iter()
                .map(|slot| slot.applies(&self.answers))
                .collect();
            let mut dropped = false;
            for (slot, active) in steps.slots.iter().zip(&self.active) {
                if *active {
                    continue;
                }
                if let Some(state) = &mut self.state {
                    if state.steps.remove(slot.name()).is_some() {
                        slot.clear(&mut self.answers);
                        dropped = true;
                    }
                }
            }
            if !dropped {
                return;
            }
            self.changed = true;
        }
    }

    /// The stored record of a step.
    pub fn record(&self, name: &str) -> Option<&StepRecord> {
        self.state.as_ref().and_then(|s| s.steps.get(name))
    }

    /// The state, created for a new run if there is none yet.
    pub fn state_mut(&mut self, version: u32, now: u64) -> &mut WizardState {
        self.changed = true;
        let run = &self.new_run_id;
        self.state
            .get_or_insert_with(|| WizardState::new(version, run.clone(), now))
    }

    /// Starts the run from `answers` ([`Wizard::prefill`]): every step
    /// that applies to them is stored as answered.
    pub fn prefill(&mut self, steps: &Steps<W>, mut answers: W, version: u32, now: u64) {
        for slot in &steps.slots {
            if !slot.applies(&answers) {
                continue;
            }
            if let Some(json) = slot.stored_json(&mut answers) {
                self.state_mut(version, now).step_mut(slot.name()).answers = Some(json);
            }
        }
        self.answers = answers;
        self.settle(steps);
    }

    /// Stores a step's validated answers, clearing its draft and errors.
    pub fn store_answers(
        &mut self,
        steps: &Steps<W>,
        index: usize,
        answers: Box<RawValue>,
        version: u32,
        now: u64,
    ) {
        let name = steps.slots[index].name();
        let record = self.state_mut(version, now).step_mut(name);
        record.answers = Some(answers);
        record.draft = None;
        record.errors = Default::default();
        self.settle(steps);
    }

    /// Whether step `index` applies to this visitor.
    pub fn is_active(&self, index: usize) -> bool {
        self.active.get(index).copied().unwrap_or(false)
    }

    fn is_complete(&self, steps: &Steps<W>, index: usize) -> bool {
        self.record(steps.slots[index].name())
            .is_some_and(|r| r.answers.is_some() && r.errors.is_empty())
    }

    fn active_indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.active
            .iter()
            .enumerate()
            .filter(|(_, a)| **a)
            .map(|(i, _)| i)
    }

    /// Whether every applying step before `index` is done.
    pub fn reachable(&self, steps: &Steps<W>, index: usize) -> bool {
        self.active_indices()
            .take_while(|i| *i < index)
            .all(|i| self.is_complete(steps, i))
    }

    /// The step the visitor should be on: the first applying step not done,
    /// else the last applying step.
    pub fn resume(&self, steps: &Steps<W>) -> usize {
        self.active_indices()
            .find(|i| !self.is_complete(steps, *i))
            .or_else(|| self.active_indices().last())
            .unwrap_or(0)
    }

    /// The applying step before `index`.
    pub fn previous(&self, index: usize) -> Option<usize> {
        self.active_indices().take_while(|i| *i < index).last()
    }

    /// The applying step after `index`.
    pub fn next(&self, index: usize) -> Option<usize> {
        self.active_indices().find(|i| *i > index)
    }

    /// The applying steps before `index` that are done.
    pub fn completed_before(&self, steps: &Steps<W>, index: usize) -> Vec<usize> {
        self.active_indices()
            .take_while(|i| *i < index)
            .filter(|i| self.is_complete(steps, *i))
            .collect()
    }

    /// The applying steps, in order.
    pub fn active_steps(&self) -> Vec<usize> {
        self.active_indices().collect()
    }

    /// `index`'s position among applying steps (from 1) and their number.
    pub fn position(&self, index: usize) -> (usize, usize) {
        let current = self.active_indices().take_while(|i| *i <= index).count();
        (current, self.active_indices().count())
    }
}

/// Brings a state written by another version of the declaration up to
/// this one: records of steps no longer declared are dropped, and the
/// version is updated. Whether anything changed.
fn upgrade<W: Wizard>(steps: &Steps<W>, state: &mut WizardState, version: u32) -> bool {
    let declared = |name: &str| steps.slots.iter().any(|slot| slot.name() == name);
    let before = state.steps.len();
    state.steps.retain(|name, _| declared(name));
    let dropped = state.steps.len() != before;
    let outdated = state.version != version;
    state.version = version;
    dropped || outdated
}
