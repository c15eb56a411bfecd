//! [`Repeat`]: a list of items in a wizard ("add another"), each item
//! answering steps of its own, and its type-erased slot ([`List`]).

use actix_web::HttpRequest;
use futures_util::future::LocalBoxFuture;
use serde_json::value::RawValue;

use crate::check_answers::Answer;
use crate::field::{FieldSpec, Kind, Rule};
use crate::field_errors::FieldErrors;
use crate::form::{RawForm, Shape};
use crate::render::Page;
use crate::slot::{Again, ItemStep, List, Slot, Submitted, Summary};
use crate::step::Step;
use crate::steps::Steps;
use crate::texts::Texts;
use crate::translate::YES_NO;

/// The form field of a list page's question ("Do you need to add
/// another?") and of a remove page's ("Are you sure…?").
pub(crate) const ADD_ANOTHER: &str = "add_another";
pub(crate) const CONFIRM: &str = "confirm";
/// The URL segment of an item's remove page (no item step may take it).
pub(crate) const REMOVE_SEGMENT: &str = "remove";

/// A list of items the visitor adds one by one, after GOV.UK's "add
/// multiple things" pattern: a wizard field `Vec<I>`, declared in
/// [`Steps::repeat`], with its own steps for each item.
///
/// The list page at `{base}/{name}` shows each item's [`Summary`] with
/// Change and Remove links and asks whether to add another; an item's
/// steps are at `{base}/{name}/{item}/{step}`, where `{item}` is an
/// opaque id, never a position. The finish receives every item, each
/// one's steps validated again.
///
/// ```
/// use actix_wizard::{Repeat, Step, Steps, Summary};
/// # use serde::{Deserialize, Serialize};
/// # use validator::Validate;
/// #[derive(Default, Serialize, Deserialize, Validate, Step)]
/// #[step(title = "Add a director")]
/// struct Director {
///     #[field(label = "Full name")]
///     #[validate(length(min = 1, message = "Enter the director's name"))]
///     name: String,
/// }
/// #[derive(Default)]
/// struct Item { director: Director }
/// #[derive(Default)]
/// struct Company { directors: Vec<Item> }
///
/// let steps = Steps::<Company>::new().repeat(
///     |c| &mut c.directors,
///     Repeat::new("directors", "Directors")
///         .noun("Director")
///         .question("Do you need to add another director?")
///         .min(1)
///         .max(20)
///         .summary(|item: &Item| Summary::new(item.director.name.clone(), ""))
///         .step(|item| &mut item.director),
/// );
/// assert_eq!(steps.len(), 1);
/// ```
pub struct Repeat<W, I> {
    name: &'static str,
    title: &'static str,
    noun: &'static str,
    question: &'static str,
    min: usize,
    max: usize,
    summary: fn(&I) -> Summary,
    steps: Steps<I>,
    /// Per item step, the condition that reads the wizard too.
    when: Vec<Option<ItemCondition<W, I>>>,
}

/// A condition of an item step: reads the item and the wizard.
type ItemCondition<W, I> = fn(&I, &W) -> bool;

fn unnamed<I>(_: &I) -> Summary {
    Summary::default()
}

fn always<I>(_: &I) -> bool {
    true
}

impl<W: 'static, I: Default + 'static> Repeat<W, I> {
    /// A list at URL segment `name` (a step name's rules), its page titled
    /// `title`. By default: no minimum, at most 50 items, items called
    /// "Item" and summarised by nothing.
    pub fn new(name: &'static str, title: &'static str) -> Self {
        Self {
            name,
            title,
            noun: "Item",
            question: "Do you need to add another?",
            min: 0,
            max: 50,
            summary: unnamed::<I>,
            steps: Steps::new(),
            when: Vec::new(),
        }
    }

    /// What one item is called, in check-answers headings ("Expense 2:
    /// Taxi") and on the list.
    pub fn noun(mut self, noun: &'static str) -> Self {
        self.noun = noun;
        self
    }

    /// The list page's question.
    pub fn question(mut self, question: &'static str) -> Self {
        self.question = question;
        self
    }

    /// The fewest finished items the visitor may go on with.
    pub fn min(mut self, min: usize) -> Self {
        self.min = min;
        self
    }

    /// The most items (at least 1).
    pub fn max(mut self, max: usize) -> Self {
        self.max = max.max(1);
        self
    }

    /// How an item is listed.
    pub fn summary(mut self, summary: fn(&I) -> Summary) -> Self {
        self.summary = summary;
        self
    }

    /// A step every item answers.
    pub fn step<S: Step>(mut self, at: fn(&mut I) -> &mut S) -> Self {
        self.steps = self.steps.step(at);
        self.when.push(None);
        self
    }

    /// A step every item answers, with a rule that reads the item's other
    /// steps as well as this one ([`Steps::step_checked`]): a receipt
    /// required when the item's amount is over a limit, say.
    pub fn step_checked<S: Step>(
        mut self,
        at: fn(&mut I) -> &mut S,
        rule: fn(&I, &S) -> crate::FieldErrors,
    ) -> Self {
        self.steps = self.steps.step_checked(at, rule);
        self.when.push(None);
        self
    }

    /// A step an item answers only while `when` holds; `when` reads the
    /// item's earlier answers and the wizard's. A step it switches off
    /// loses its answers.
    pub fn step_if<S: Step>(
        mut self,
        at: fn(&mut I) -> &mut Option<S>,
        when: fn(&I, &W) -> bool,
    ) -> Self {
        self.steps = self.steps.step_if(at, always::<I>);
        self.when.push(Some(when));
        self
    }
}

impl<W: 'static> Steps<W> {
    /// A list of items ([`Repeat`]) kept in the wizard's `Vec` at `at`.
    ///
    /// # Panics
    ///
    /// At start-up, when the list declares no item step, or its minimum
    /// is over its maximum.
    pub fn repeat<I: Default + Send + Sync + 'static>(
        mut self,
        at: fn(&mut W) -> &mut Vec<I>,
        list: Repeat<W, I>,
    ) -> Self {
        let name = list.name;
        if list.steps.is_empty() {
            panic!("wizard list `{name}` declares no step for its items");
        }
        if list.min > list.max {
            panic!(
                "wizard list `{name}`: its minimum ({}) is over its maximum ({})",
                list.min, list.max
            );
        }
        let question = FieldSpec::new(ADD_ANOTHER, list.question, Kind::Radios)
            .options(&YES_NO)
            .rules(&[Rule::Required]);
        let fields: &'static [FieldSpec] = Box::leak(Box::new([question]));
        let shape = Shape::of_names(&[ADD_ANOTHER]);
        self.has_lists = true;
        self.slots.push(Box::new(ListSlot {
            at,
            list,
            fields,
            shape,
        }));
        self
    }
}

/// The remove page's one field (its legend is the page's question).
pub(crate) static CONFIRM_FIELDS: [FieldSpec; 1] =
    [FieldSpec::new(CONFIRM, "Remove?", Kind::Radios)
        .options(&YES_NO)
        .rules(&[Rule::Required])];

struct ListSlot<W, I> {
    at: fn(&mut W) -> &mut Vec<I>,
    list: Repeat<W, I>,
    fields: &'static [FieldSpec],
    shape: Shape,
}

impl<W, I> ListSlot<W, I> {
    fn slot(&self, step: usize) -> &dyn Slot<I> {
        &*self.list.steps.slots[step]
    }
}

impl<W: 'static, I: Default + Send + Sync + 'static> List<W> for ListSlot<W, I> {
    fn noun(&self) -> &'static str {
        self.list.noun
    }

    fn min(&self) -> usize {
        self.list.min
    }

    fn max(&self) -> usize {
        self.list.max
    }

    fn step_count(&self) -> usize {
        self.list.steps.slots.len()
    }

    fn conditional(&self, step: usize) -> bool {
        self.list.when.get(step).is_some_and(Option::is_some)
    }

    fn step(&self, step: usize) -> ItemStep<'_> {
        let slot = self.slot(step);
        ItemStep {
            name: slot.name(),
            title: slot.title(),
            shape: slot.shape(),
            fields: slot.fields(),
            button: slot.button(),
            checks_placement: slot.checks_placement(),
        }
    }

    fn len(&self, answers: &mut W) -> usize {
        (self.at)(answers).len()
    }

    fn push(&self, answers: &mut W) {
        (self.at)(answers).push(I::default());
    }

    fn remove(&self, answers: &mut W, item: usize) {
        let items = (self.at)(answers);
        if item < items.len() {
            items.remove(item);
        }
    }

    fn clear(&self, answers: &mut W) {
        (self.at)(answers).clear();
    }

    fn applies(&self, answers: &mut W, item: usize, step: usize) -> bool {
        let Some(when) = self.list.when.get(step).copied().flatten() else {
            return true;
        };
        // The items are taken out for the call, so that the condition
        // can read the item and the wizard at once.
        let items = std::mem::take((self.at)(answers));
        let holds = items.get(item).is_some_and(|it| when(it, answers));
        *(self.at)(answers) = items;
        holds
    }

    fn load(
        &self,
        answers: &mut W,
        item: usize,
        step: usize,
        stored: &RawValue,
    ) -> Result<(), serde_json::Error> {
        match (self.at)(answers).get_mut(item) {
            Some(it) => self.slot(step).load(it, stored),
            None => Ok(()),
        }
    }

    fn clear_step(&self, answers: &mut W, item: usize, step: usize) {
        if let Some(it) = (self.at)(answers).get_mut(item) {
            self.slot(step).clear(it);
        }
    }

    fn summary(&self, answers: &mut W, item: usize) -> Summary {
        (self.at)(answers)
            .get(item)
            .map(self.list.summary)
            .unwrap_or_default()
    }

    fn submit<'a>(
        &'a self,
        step: usize,
        form: &'a RawForm,
        answers: &'a mut W,
        item: usize,
        request: &'a HttpRequest,
        check: bool,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, Result<Submitted, String>> {
        Box::pin(async move {
            let Some(it) = (self.at)(answers).get_mut(item) else {
                return Err(format!("no item at {item}"));
            };
            self.slot(step)
                .submit(form, it, request, check, texts)
                .await
        })
    }

    fn recheck<'a>(
        &'a self,
        step: usize,
        answers: &'a mut W,
        item: usize,
        request: &'a HttpRequest,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, FieldErrors> {
        Box::pin(async move {
            match (self.at)(answers).get_mut(item) {
                Some(it) => {
                    self.slot(step)
                        .recheck(it, request, Again::AtFinish, texts)
                        .await
                }
                None => FieldErrors::new(),
            }
        })
    }

    fn render(&self, step: usize, page: &Page<'_>) -> Result<String, askama::Error> {
        self.slot(step).render(page)
    }

    fn answers(&self, answers: &mut W, item: usize, step: usize, texts: &Texts) -> Vec<Answer> {
        match (self.at)(answers).get_mut(item) {
            Some(it) => self.slot(step).answers(it, texts),
            None => Vec::new(),
        }
    }

    fn stored_json(&self, answers: &mut W, item: usize, step: usize) -> Option<Box<RawValue>> {
        let it = (self.at)(answers).get_mut(item)?;
        self.slot(step).stored_json(it)
    }
}

/// As a slot of the wizard's steps, a list is its list page: the answers
/// of its items are reached through [`Slot::list`].
impl<W: 'static, I: Default + Send + Sync + 'static> Slot<W> for ListSlot<W, I> {
    fn name(&self) -> &'static str {
        self.list.name
    }

    fn title(&self) -> &'static str {
        self.list.title
    }

    fn shape(&self) -> &Shape {
        &self.shape
    }

    fn fields(&self) -> &'static [FieldSpec] {
        self.fields
    }

    fn button(&self) -> Option<&'static str> {
        None
    }

    fn checks_placement(&self) -> bool {
        false
    }

    fn applies(&self, _: &W) -> bool {
        true
    }

    fn load(&self, _: &mut W, _: &RawValue) -> Result<(), serde_json::Error> {
        Ok(())
    }

    fn clear(&self, answers: &mut W) {
        List::clear(self, answers);
    }

    fn submit<'a>(
        &'a self,
        _: &'a RawForm,
        _: &'a mut W,
        _: &'a HttpRequest,
        _: bool,
        _: &'a Texts,
    ) -> LocalBoxFuture<'a, Result<Submitted, String>> {
        let name = self.list.name;
        Box::pin(async move { Err(format!("list `{name}` is answered on its own page")) })
    }

    fn recheck<'a>(
        &'a self,
        _: &'a mut W,
        _: &'a HttpRequest,
        _: Again,
        _: &'a Texts,
    ) -> LocalBoxFuture<'a, FieldErrors> {
        Box::pin(async { FieldErrors::new() })
    }

    fn render(&self, _: &Page<'_>) -> Result<String, askama::Error> {
        Err(askama::Error::Custom(
            format!("list `{}` has its own page", self.list.name).into(),
        ))
    }

    fn answers(&self, _: &mut W, _: &Texts) -> Vec<Answer> {
        Vec::new()
    }

    fn stored_json(&self, _: &mut W) -> Option<Box<RawValue>> {
        None
    }

    fn list(&self) -> Option<&dyn List<W>> {
        Some(self)
    }
}
