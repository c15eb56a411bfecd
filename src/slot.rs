//! A declared step or list with its type erased ([`Slot`], [`List`]), so
//! that the pipeline can hold a wizard's steps in one list; and what a list
//! page shows of an item ([`Summary`]).

use actix_web::HttpRequest;
use futures_util::future::LocalBoxFuture;
use serde_json::value::RawValue;

use crate::check_answers::Answer;
use crate::field::FieldSpec;
use crate::field_errors::FieldErrors;
use crate::form::{RawForm, Shape};
use crate::render::Page;
use crate::texts::Texts;

/// The outcome of submitting one step's form.
pub(crate) enum Submitted {
    /// Valid: the answers to store (also written into the wizard's struct).
    Valid(Box<RawValue>),
    /// Not valid: every field's error.
    Invalid(FieldErrors),
}

/// One declared step with its type erased, so the pipeline can hold them in
/// a list. Every method is a plain call on the typed step.
/// What validating stored answers again runs.
#[derive(Clone, Copy)]
pub(crate) enum Again {
    /// The step was just submitted and its rules passed: its check only.
    JustSubmitted,
    /// Answers stored earlier, at the finish: the rules, then the check
    /// unless the step turned it off ([`Step::CHECK_AT_FINISH`]).
    AtFinish,
}

pub(crate) trait Slot<W>: Send + Sync {
    fn name(&self) -> &'static str;
    fn title(&self) -> &'static str;
    fn shape(&self) -> &Shape;
    fn fields(&self) -> &'static [FieldSpec];
    /// The main button's own label, if the step gives one.
    fn button(&self) -> Option<&'static str>;
    /// Whether start-up checks which fields the page places.
    fn checks_placement(&self) -> bool;
    fn applies(&self, answers: &W) -> bool;
    /// Whether a condition decides if the step is asked (for the testing
    /// kit's explorer).
    #[cfg(feature = "testing")]
    fn conditional(&self) -> bool {
        false
    }
    /// Fills the step's place in `answers` from its stored JSON.
    fn load(&self, answers: &mut W, stored: &RawValue) -> Result<(), serde_json::Error>;
    /// Empties a conditional step's place.
    fn clear(&self, answers: &mut W);
    /// Decodes and validates a submitted form: type errors and rules,
    /// then (with `check`) the step's async check. Valid answers are
    /// written into `answers`.
    fn submit<'a>(
        &'a self,
        form: &'a RawForm,
        answers: &'a mut W,
        request: &'a HttpRequest,
        check: bool,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, Result<Submitted, String>>;
    /// Validates the stored answers again, as `again` says.
    fn recheck<'a>(
        &'a self,
        answers: &'a mut W,
        request: &'a HttpRequest,
        again: Again,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, FieldErrors>;
    fn render(&self, page: &Page<'_>) -> Result<String, askama::Error>;
    fn answers(&self, answers: &mut W, texts: &Texts) -> Vec<Answer>;
    /// The step's place in `answers` as the state stores it, if it has one.
    fn stored_json(&self, answers: &mut W) -> Option<Box<RawValue>>;
    /// A list of items ([`crate::Repeat`]): this slot is its list page,
    /// and its items are reached through the list.
    fn list(&self) -> Option<&dyn crate::slot::List<W>> {
        None
    }
}

/// How an item is listed: what it is ("Taxi to the airport") and a detail
/// ("£45.00"), which may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The item's name on the list, in its remove question and in its
    /// check-answers heading.
    pub name: String,
    /// A detail beside it.
    pub detail: String,
}

impl Summary {
    /// A summary of `name` and `detail`.
    ///
    /// ```
    /// let summary = actix_wizard::Summary::new("Taxi", "£45.00");
    /// assert_eq!(summary.detail, "£45.00");
    /// ```
    pub fn new(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            detail: detail.into(),
        }
    }
}

/// What the pages need of one item step, its type erased.
pub(crate) struct ItemStep<'s> {
    pub name: &'static str,
    pub title: &'static str,
    pub shape: &'s Shape,
    pub fields: &'static [FieldSpec],
    pub button: Option<&'static str>,
    /// Whether start-up checks which fields its page places.
    pub checks_placement: bool,
}

/// A declared list with its item type erased: every method is a plain
/// call on the typed items in the wizard's `Vec`, item `item` by position.
pub(crate) trait List<W>: Send + Sync {
    fn noun(&self) -> &'static str;
    fn min(&self) -> usize;
    fn max(&self) -> usize;
    fn step_count(&self) -> usize;
    /// Whether item step `step` has a condition.
    fn conditional(&self, step: usize) -> bool;
    fn step(&self, step: usize) -> ItemStep<'_>;
    /// The position of the item step named `name`.
    fn step_named(&self, name: &str) -> Option<usize> {
        (0..self.step_count()).find(|k| self.step(*k).name == name)
    }
    fn len(&self, answers: &mut W) -> usize;
    /// Adds an empty item at the end.
    fn push(&self, answers: &mut W);
    fn remove(&self, answers: &mut W, item: usize);
    fn clear(&self, answers: &mut W);
    fn applies(&self, answers: &mut W, item: usize, step: usize) -> bool;
    fn load(
        &self,
        answers: &mut W,
        item: usize,
        step: usize,
        stored: &RawValue,
    ) -> Result<(), serde_json::Error>;
    fn clear_step(&self, answers: &mut W, item: usize, step: usize);
    fn summary(&self, answers: &mut W, item: usize) -> Summary;
    #[allow(clippy::too_many_arguments)]
    fn submit<'a>(
        &'a self,
        step: usize,
        form: &'a RawForm,
        answers: &'a mut W,
        item: usize,
        request: &'a HttpRequest,
        check: bool,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, Result<Submitted, String>>;
    fn recheck<'a>(
        &'a self,
        step: usize,
        answers: &'a mut W,
        item: usize,
        request: &'a HttpRequest,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, FieldErrors>;
    fn render(&self, step: usize, page: &Page<'_>) -> Result<String, askama::Error>;
    fn answers(&self, answers: &mut W, item: usize, step: usize, texts: &Texts) -> Vec<Answer>;
    fn stored_json(&self, answers: &mut W, item: usize, step: usize) -> Option<Box<RawValue>>;
}
