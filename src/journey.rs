//! Where a visitor stands: which steps apply, which are done, which may be
//! visited. Built from the stored state on every request.

use serde_json::value::RawValue;

use crate::state::{ItemRecord, ListRecord, Notice, StepRecord, WizardState};
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
    /// Per slot that is a list, per item, per item step: whether the
    /// step applies to the item (empty for a step).
    item_active: Vec<Vec<Vec<bool>>>,
    /// The state differs from what is stored and must be written (or, when
    /// `state` is `None`, removed).
    pub changed: bool,
    /// The stored state expired or could not be read during this request.
    pub lapsed: bool,
}

/// The id of a prefilled item, by its list and position.
pub(crate) type ItemIds<'f> = dyn Fn(&str, usize) -> String + 'f;

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
            item_active: Vec::new(),
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
                journey.changed |= load_items(steps, &mut state, &mut journey.answers);
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
                    let list = state.lists.remove(slot.name()).is_some();
                    if state.steps.remove(slot.name()).is_some() || list {
                        slot.clear(&mut self.answers);
                        dropped = true;
                    }
                }
            }
            dropped |= self.settle_items(steps);
            if !dropped {
                return;
            }
            self.changed = true;
        }
    }

    /// Works out which item steps apply to each item, dropping the
    /// answers and drafts of those that no longer do. Whether any was
    /// dropped.
    fn settle_items(&mut self, steps: &Steps<W>) -> bool {
        if !steps.has_lists {
            return false;
        }
        let mut dropped = false;
        self.item_active.clear();
        for slot in &steps.slots {
            let mut per_item = Vec::new();
            if let Some(list) = slot.list() {
                for item in 0..list.len(&mut self.answers) {
                    let applying: Vec<bool> = (0..list.step_count())
                        .map(|step| list.applies(&mut self.answers, item, step))
                        .collect();
                    let record = self
                        .state
                        .as_mut()
                        .and_then(|state| state.lists.get_mut(slot.name()))
                        .and_then(|record| record.items.get_mut(item));
                    let Some(record) = record else {
                        per_item.push(applying);
                        continue;
                    };
                    for (step, applies) in applying.iter().enumerate() {
                        if !applies && record.steps.remove(list.step(step).name).is_some() {
                            list.clear_step(&mut self.answers, item, step);
                            dropped = true;
                        }
                    }
                    per_item.push(applying);
                }
            }
            self.item_active.push(per_item);
        }
        dropped
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
    /// A list's items take the ids `item_id` gives for their list and
    /// position: the same on every request until they are stored.
    pub fn prefill(
        &mut self,
        steps: &Steps<W>,
        mut answers: W,
        item_id: &ItemIds<'_>,
        version: u32,
        now: u64,
    ) {
        for slot in &steps.slots {
            if !slot.applies(&answers) {
                continue;
            }
            if let Some(list) = slot.list() {
                let items = (list, item_id);
                self.prefill_items(slot.name(), items, &mut answers, version, now);
                continue;
            }
            if let Some(json) = slot.stored_json(&mut answers) {
                self.state_mut(version, now).step_mut(slot.name()).answers = Some(json);
            }
        }
        self.answers = answers;
        self.settle(steps);
    }

    /// Stores the items of a prefilled list, each applying step answered,
    /// and the list as answered when it holds any.
    fn prefill_items(
        &mut self,
        name: &str,
        (list, item_id): (&dyn crate::slot::List<W>, &ItemIds<'_>),
        answers: &mut W,
        version: u32,
        now: u64,
    ) {
        let count = list.len(answers);
        if count == 0 {
            return;
        }
        let mut record = ListRecord::default();
        for item in 0..count {
            let mut stored = ItemRecord {
                id: item_id(name, item),
                steps: Default::default(),
            };
            for step in 0..list.step_count() {
                if !list.applies(answers, item, step) {
                    continue;
                }
                if let Some(json) = list.stored_json(answers, item, step) {
                    let step_record = stored
                        .steps
                        .entry(list.step(step).name.to_owned())
                        .or_default();
                    step_record.answers = Some(json);
                }
            }
            record.items.push(stored);
        }
        record.made = u32::try_from(count).unwrap_or(u32::MAX);
        let state = self.state_mut(version, now);
        state.lists.insert(name.to_owned(), record);
        state.step_mut(name).answers = serde_json::value::to_raw_value(
            &serde_json::json!({ crate::repeat::ADD_ANOTHER: "no" }),
        )
        .ok();
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
        let slot = &steps.slots[index];
        let answered = self
            .record(slot.name())
            .is_some_and(|r| r.answers.is_some() && r.errors.is_empty());
        match slot.list() {
            None => answered,
            Some(list) => {
                let items = self.items(slot.name());
                let done = (0..items.len())
                    .filter(|item| self.item_resume(steps, index, *item).is_none())
                    .count();
                answered && done == items.len() && done >= list.min()
            }
        }
    }

    /// The stored items of list `name`.
    pub fn items(&self, name: &str) -> &[ItemRecord] {
        self.list_record(name)
            .map_or(&[], |list| list.items.as_slice())
    }

    /// The ids of the stored items of list `name`, in order.
    pub fn item_ids(&self, name: &str) -> Vec<String> {
        self.items(name)
            .iter()
            .map(|item| item.id.clone())
            .collect()
    }

    /// The stored record of list `name`.
    pub fn list_record(&self, name: &str) -> Option<&ListRecord> {
        self.state.as_ref().and_then(|s| s.lists.get(name))
    }

    /// Whether step `step` applies to item `item` of the list at `index`.
    pub fn item_applies(&self, index: usize, item: usize, step: usize) -> bool {
        self.item_active
            .get(index)
            .and_then(|items| items.get(item))
            .and_then(|steps| steps.get(step))
            .copied()
            .unwrap_or(false)
    }

    /// The item steps that apply to item `item`, in order.
    pub fn item_steps(&self, index: usize, item: usize) -> Vec<usize> {
        let Some(steps) = self
            .item_active
            .get(index)
            .and_then(|items| items.get(item))
        else {
            return Vec::new();
        };
        (0..steps.len()).filter(|step| steps[*step]).collect()
    }

    fn item_step_done(&self, steps: &Steps<W>, index: usize, item: usize, step: usize) -> bool {
        let Some(list) = steps.slots[index].list() else {
            return false;
        };
        self.items(steps.slots[index].name())
            .get(item)
            .and_then(|record| record.steps.get(list.step(step).name))
            .is_some_and(|r| r.answers.is_some() && r.errors.is_empty())
    }

    /// The first item step of item `item` not done, `None` when the item
    /// is finished.
    pub fn item_resume(&self, steps: &Steps<W>, index: usize, item: usize) -> Option<usize> {
        self.item_steps(index, item)
            .into_iter()
            .find(|step| !self.item_step_done(steps, index, item, *step))
    }

    /// Whether every applying step of item `item` before `step` is done.
    pub fn item_reachable(&self, steps: &Steps<W>, index: usize, item: usize, step: usize) -> bool {
        self.item_resume(steps, index, item)
            .is_none_or(|first| first >= step)
    }

    /// Stores item step `step`'s valid answers for the item `id` of the
    /// list at `index`, making the item if it is new. The typed answers
    /// hold them already (a new item as the last one), as a step's form
    /// writes them.
    #[allow(clippy::too_many_arguments)]
    pub fn store_item_answers(
        &mut self,
        steps: &Steps<W>,
        index: usize,
        id: &str,
        step: usize,
        answers: Box<RawValue>,
        version: u32,
        now: u64,
    ) {
        let slot = &steps.slots[index];
        let Some(list) = slot.list() else {
            return;
        };
        let name = list.step(step).name;
        let record = self
            .state_mut(version, now)
            .lists
            .entry(slot.name().to_owned())
            .or_default();
        let item = match record.position(id) {
            Some(item) => item,
            None => {
                record.made = record.made.saturating_add(1);
                record.fresh = None;
                record.items.push(ItemRecord {
                    id: id.to_owned(),
                    steps: Default::default(),
                });
                record.items.len() - 1
            }
        };
        let step_record = record.items[item].steps.entry(name.to_owned()).or_default();
        step_record.answers = Some(answers);
        step_record.draft = None;
        step_record.errors = Default::default();
        self.settle(steps);
    }

    /// Removes item `item` of the list at `index` and all it holds.
    pub fn remove_item(&mut self, steps: &Steps<W>, index: usize, item: usize) {
        let slot = &steps.slots[index];
        let Some(list) = slot.list() else {
            return;
        };
        if let Some(record) = self
            .state
            .as_mut()
            .and_then(|s| s.lists.get_mut(slot.name()))
        {
            if item < record.items.len() {
                record.items.remove(item);
                list.remove(&mut self.answers, item);
                self.changed = true;
            }
        }
        self.settle(steps);
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

/// Fills the typed items of every list from their stored records,
/// dropping answers that no longer decode. Whether any was dropped.
fn load_items<W: Wizard>(steps: &Steps<W>, state: &mut WizardState, answers: &mut W) -> bool {
    if state.lists.is_empty() {
        return false;
    }
    let mut dropped = false;
    for slot in &steps.slots {
        let (Some(list), Some(record)) = (slot.list(), state.lists.get_mut(slot.name())) else {
            continue;
        };
        for (item, stored) in record.items.iter_mut().enumerate() {
            list.push(answers);
            for step in 0..list.step_count() {
                let Some(step_record) = stored.steps.get_mut(list.step(step).name) else {
                    continue;
                };
                let Some(json) = &step_record.answers else {
                    continue;
                };
                if list.load(answers, item, step, json).is_err() {
                    step_record.answers = None;
                    dropped = true;
                }
            }
        }
    }
    if dropped {
        state.notice = Some(Notice::QuestionsChanged);
    }
    dropped
}

/// Brings a state written by another version of the declaration up to
/// this one: records of steps no longer declared are dropped, and the
/// version is updated. Whether anything changed.
fn upgrade<W: Wizard>(steps: &Steps<W>, state: &mut WizardState, version: u32) -> bool {
    let declared = |name: &str| steps.slots.iter().any(|slot| slot.name() == name);
    let before = state.steps.len();
    state.steps.retain(|name, _| declared(name));
    let mut dropped = state.steps.len() != before;
    let lists_before = state.lists.len();
    state.lists.retain(|name, _| declared(name));
    dropped |= state.lists.len() != lists_before;
    for slot in &steps.slots {
        let (Some(list), Some(record)) = (slot.list(), state.lists.get_mut(slot.name())) else {
            continue;
        };
        for item in &mut record.items {
            let before = item.steps.len();
            item.steps.retain(|name, _| list.step_named(name).is_some());
            dropped |= item.steps.len() != before;
        }
    }
    let outdated = state.version != version;
    state.version = version;
    dropped || outdated
}
