//! [`Steps`]: a wizard's ordered steps, each behind a slot that decodes,
//! checks, shows and re-checks its step with the step's type erased.

use actix_web::HttpRequest;
use futures_util::future::LocalBoxFuture;
use serde_json::value::RawValue;

use crate::check_answers::Answer;
use crate::date::DateProblem;
use crate::exit::Exit;
use crate::field::{FieldSpec, Kind, humanize};
use crate::field_errors::FieldErrors;
use crate::field_errors::type_message;
use crate::form::{Mismatch, RawForm, Shape, decode, shape_of};
use crate::render::Page;
pub(crate) use crate::slot::{Again, Slot, Submitted};
use crate::step::Step;
use crate::text_input::{normalised, text_problems};
use crate::texts::Texts;

/// The ordered steps of a wizard, declared once in [`crate::Wizard::steps`].
///
/// Each step is reached through an accessor into the wizard's struct.
/// Mistakes (a step type the form decoder cannot fill here; a duplicate,
/// malformed or reserved name when the wizard service is built) panic with
/// a clear message at start-up, never at request time.
pub struct Steps<W> {
    pub(crate) slots: Vec<Box<dyn Slot<W>>>,
    /// Whether a slot is a list ([`crate::Repeat`]): a wizard without one
    /// never looks for items.
    pub(crate) has_lists: bool,
    /// Where some steps' answers lead instead of on ([`Steps::exit_if`]).
    pub(crate) exits: Vec<ExitRule<W>>,
}

impl<W: 'static> Default for Steps<W> {
    fn default() -> Self {
        Self::new()
    }
}

impl<W: 'static> Steps<W> {
    /// No steps yet.
    pub fn new() -> Self {
        Self {
            slots: Vec::new(),
            has_lists: false,
            exits: Vec::new(),
        }
    }

    /// A step every visitor answers.
    pub fn step<S: Step>(self, at: fn(&mut W) -> &mut S) -> Self {
        self.push::<S>(Access::Always(at), None)
    }

    /// A step that applies only while `when` holds. `when` reads the typed
    /// answers of earlier steps; a step it deactivates loses its answers.
    pub fn step_if<S: Step>(self, at: fn(&mut W) -> &mut Option<S>, when: fn(&W) -> bool) -> Self {
        self.push::<S>(Access::When(at, when), None)
    }

    /// A step every visitor answers, with a rule that reads the answers of
    /// the other steps as well as this one's: it runs once the step's own
    /// rules pass, when the step is sent and again at the finish, and its
    /// errors stand beside this step's fields. For an item's step
    /// ([`crate::Repeat::step_checked`]) `W` is the item.
    ///
    /// ```
    /// use actix_wizard::{FieldErrors, Step, Steps};
    /// # use serde::{Deserialize, Serialize};
    /// # use validator::Validate;
    /// # #[derive(Default, Serialize, Deserialize, Validate, Step)]
    /// # #[step(title = "Cover")]
    /// # struct Cover { #[field(label = "Value")] value: u32 }
    /// # #[derive(Default, Serialize, Deserialize, Validate, Step)]
    /// # #[step(title = "Excess")]
    /// # struct Excess { #[field(label = "Excess")] excess: u32 }
    /// # #[derive(Default)]
    /// # struct Quote { cover: Cover, excess: Excess }
    /// fn below_the_value(quote: &Quote, excess: &Excess) -> FieldErrors {
    ///     let mut errors = FieldErrors::new();
    ///     if excess.excess > quote.cover.value {
    ///         errors.add("excess", "The excess must be less than the value of the car");
    ///     }
    ///     errors
    /// }
    /// let steps = Steps::<Quote>::new()
    ///     .step(|q| &mut q.cover)
    ///     .step_checked(|q| &mut q.excess, below_the_value);
    /// # let _ = steps;
    /// ```
    pub fn step_checked<S: Step>(
        self,
        at: fn(&mut W) -> &mut S,
        rule: fn(&W, &S) -> FieldErrors,
    ) -> Self {
        self.push::<S>(Access::Always(at), Some(rule))
    }

    fn push<S: Step>(
        mut self,
        access: Access<W, S>,
        across: Option<fn(&W, &S) -> FieldErrors>,
    ) -> Self {
        let name = S::NAME;
        let shape = match shape_of::<S>() {
            Ok(shape) => shape,
            Err(e) => panic!("wizard step `{name}` cannot be read from a form: {e}"),
        };
        if let Err(mistake) = cross_check::<S>(&shape) {
            panic!("wizard step `{name}`: {mistake}");
        }
        self.slots.push(Box::new(StepSlot {
            access,
            shape,
            across,
        }));
        self
    }

    /// How many steps are declared.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no step is declared.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// An exit of a step: where its answers lead when `when` holds.
pub(crate) struct ExitRule<W> {
    /// The step's index.
    pub step: usize,
    pub when: fn(&W) -> bool,
    pub exit: Exit,
}

impl<W: 'static> Steps<W> {
    /// Routes the step declared just before to `exit` when its valid
    /// answers make `when` hold (`when` reads the wizard's answers, the
    /// step's just sent among them): the visitor goes (303) to the exit
    /// page, and the answers are not stored.
    ///
    /// ```
    /// # use actix_wizard::{Exit, Step, Steps};
    /// # #[derive(Default, serde::Serialize, serde::Deserialize, validator::Validate, Step)]
    /// # #[step(title = "Are you 18 or over?")]
    /// # struct Age { #[field(label = "Are you 18 or over?", subject = "whether you are 18 or over")] adult: bool }
    /// # #[derive(Default)] struct Form { age: Age }
    /// let steps = Steps::<Form>::new()
    ///     .step(|f| &mut f.age)
    ///     .exit_if(
    ///         |f| !f.age.adult,
    ///         Exit::new("too-young", "You cannot use this service", "You must be 18 or over."),
    ///     );
    /// # let _ = steps;
    /// ```
    ///
    /// # Panics
    ///
    /// When no step is declared before it.
    pub fn exit_if(mut self, when: fn(&W) -> bool, exit: Exit) -> Self {
        let Some(step) = self.slots.len().checked_sub(1) else {
            panic!("exit `{}` is declared before any step", exit.segment());
        };
        self.exits.push(ExitRule { step, when, exit });
        self
    }
}

enum Access<W, S> {
    Always(fn(&mut W) -> &mut S),
    When(fn(&mut W) -> &mut Option<S>, fn(&W) -> bool),
}

struct StepSlot<W, S> {
    access: Access<W, S>,
    shape: Shape,
    /// Its rule across the wizard's answers ([`Steps::step_checked`]).
    across: Option<fn(&W, &S) -> FieldErrors>,
}

impl<W, S: Step> StepSlot<W, S> {
    /// Its rule across the wizard's answers, again at the finish, on the
    /// stored value (a copy, since the rule reads the wizard that holds
    /// it).
    fn across_again(&self, answers: &mut W) -> FieldErrors {
        let Some(across) = self.across else {
            return FieldErrors::new();
        };
        let copy = self
            .get(answers)
            .and_then(|value| serde_json::to_value(&*value).ok())
            .and_then(|json| serde_json::from_value::<S>(json).ok());
        let Some(copy) = copy else {
            return FieldErrors::new();
        };
        let mut errors = across(answers, &copy);
        errors.sort_by_fields(self.shape.fields);
        errors
    }
}

impl<W, S> StepSlot<W, S> {
    fn get<'w>(&self, answers: &'w mut W) -> Option<&'w mut S> {
        match self.access {
            Access::Always(at) => Some(at(answers)),
            Access::When(at, _) => at(answers).as_mut(),
        }
    }

    fn set(&self, answers: &mut W, value: S) {
        match self.access {
            Access::Always(at) => *at(answers) = value,
            Access::When(at, _) => *at(answers) = Some(value),
        }
    }
}

/// A choice answered with a value none of its options has: an option
/// declared on a field of a plain type (`options = "0=None, 100=£100"`)
/// is checked here, since its type would take any value.
fn unknown_options(
    fields: &'static [FieldSpec],
    form: &RawForm,
    errors: &mut FieldErrors,
    texts: &Texts,
) {
    let choices = fields.iter().filter(|spec| {
        !spec.options.is_empty()
            && matches!(spec.kind, Kind::Radios | Kind::Select | Kind::Checkboxes)
    });
    for spec in choices {
        let known = |value: &str| spec.options.iter().any(|choice| choice.value == value);
        let unknown = form
            .values(spec.name)
            .any(|value| !value.is_empty() && !known(value));
        if unknown && errors.find(spec.name).is_none() {
            let message = crate::texts::fill(&texts.choice, &[("label", spec.named())]);
            errors.add_coded(
                spec.name.to_owned(),
                None,
                message,
                Some("type:choice".into()),
            );
        }
    }
}

/// A number's answer as its field declares it: with thousands separators,
/// and its prefix and suffix ("£12,000", "75 kg"). Other answers, and an
/// answer that is not given, as they are.
fn as_declared(spec: &FieldSpec, value: String, texts: &Texts) -> String {
    // An option declared on the field reads as its label.
    if let Some(choice) = spec.options.iter().find(|choice| choice.value == value) {
        return choice.label.to_owned();
    }
    let number = spec.kind == Kind::Number
        && value.parse::<f64>().is_ok()
        && value.bytes().any(|b| b.is_ascii_digit());
    if !number {
        return value;
    }
    let mut shown = String::with_capacity(value.len() + 8);
    if let Some(prefix) = spec.prefix {
        shown.push_str(prefix);
    }
    shown.push_str(&crate::field_errors::readable_number(&value, texts));
    if let Some(suffix) = spec.suffix {
        shown.push(' ');
        shown.push_str(suffix);
    }
    shown
}

/// validator's rules and the type errors, as one list in field order,
/// keyed by the form's names.
/// `fields` are the step's in the request's language.
fn rule_errors<S: Step>(
    value: &S,
    mut errors: FieldErrors,
    shape: &Shape,
    (fields, texts): (&[FieldSpec], &Texts),
) -> FieldErrors {
    if let Err(failed) = value.validate() {
        errors.add_rules(&failed, fields, texts);
    }
    errors.sort_by_fields(shape.fields);
    errors
}

/// The message of a value of the wrong type: the step's own, the field's
/// declared one, or the table's with the field's label.
fn type_error_of<S: Step>(
    field: &str,
    mismatch: Mismatch,
    fields: &[FieldSpec],
    texts: &Texts,
) -> String {
    if let Some(message) = S::type_error(field, mismatch) {
        return message;
    }
    let spec = fields.iter().find(|f| f.name == field);
    if let Some(message) = spec.and_then(|s| s.type_error) {
        return message.to_owned();
    }
    let label = spec.map_or_else(|| humanize(field), |s| s.named().to_owned());
    type_message(mismatch, &label, texts)
}

/// The declaration against what serde reads: the same fields, and each
/// choice's value one the type accepts. A mistake found at start-up.
fn cross_check<S: Step>(shape: &Shape) -> Result<(), String> {
    let reserved = [
        crate::csrf::CSRF_FIELD,
        "action",
        crate::render::REVISION_FIELD,
    ];
    if let Some(field) = shape.fields.iter().find(|f| reserved.contains(f)) {
        return Err(format!(
            "field `{field}` has a name the wizard's forms use themselves ({})",
            reserved.join(", ")
        ));
    }
    if S::FIELDS.is_empty() {
        return Ok(());
    }
    for spec in S::FIELDS {
        if !shape.fields.contains(&spec.name) {
            return Err(format!(
                "field `{}` is declared but serde does not read a field of that name (read: {})",
                spec.name,
                shape.fields.join(", ")
            ));
        }
        let needs_options = matches!(spec.kind, Kind::Radios | Kind::Checkboxes | Kind::Select);
        if needs_options && spec.options.is_empty() {
            return Err(format!(
                "field `{}` is asked as a choice but has no options (derive Choice on its enum)",
                spec.name
            ));
        }
        for choice in spec.options {
            let mut form = RawForm::default();
            form.push(spec.name, choice.value);
            let decoded = decode::<S>(&form).map_err(|e| e.to_string())?;
            if decoded.mismatches.iter().any(|(f, _)| *f == spec.name) {
                return Err(format!(
                    "field `{}`: the choice value `{}` is not one serde accepts",
                    spec.name, choice.value
                ));
            }
        }
    }
    if let Some(missing) = shape
        .fields
        .iter()
        .find(|f| !S::FIELDS.iter().any(|spec| spec.name == **f))
    {
        return Err(format!(
            "serde reads field `{missing}`, which is not declared"
        ));
    }
    Ok(())
}

impl<W: 'static, S: Step> Slot<W> for StepSlot<W, S> {
    fn name(&self) -> &'static str {
        S::NAME
    }

    fn title(&self) -> &'static str {
        S::TITLE
    }

    fn shape(&self) -> &Shape {
        &self.shape
    }

    fn fields(&self) -> &'static [FieldSpec] {
        S::FIELDS
    }

    fn button(&self) -> Option<&'static str> {
        S::BUTTON
    }

    fn checks_placement(&self) -> bool {
        S::CHECK_PLACEMENT
    }

    #[cfg(feature = "testing")]
    fn conditional(&self) -> bool {
        matches!(self.access, Access::When(..))
    }

    fn applies(&self, answers: &W) -> bool {
        match self.access {
            Access::Always(_) => true,
            Access::When(_, when) => when(answers),
        }
    }

    fn load(&self, answers: &mut W, stored: &RawValue) -> Result<(), serde_json::Error> {
        let value: S = serde_json::from_str(stored.get())?;
        self.set(answers, value);
        Ok(())
    }

    fn clear(&self, answers: &mut W) {
        if let Access::When(at, _) = self.access {
            *at(answers) = None;
        }
    }

    fn submit<'a>(
        &'a self,
        form: &'a RawForm,
        answers: &'a mut W,
        request: &'a HttpRequest,
        check: bool,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, Result<Submitted, String>> {
        Box::pin(async move {
            // Revealed fields whose option is not chosen are cleared.
            let cleared = crate::reveal::cleared(S::FIELDS, form);
            let form = cleared.as_ref().unwrap_or(form);
            let decoded = decode::<S>(&normalised::<S>(form)).map_err(|e| e.to_string())?;
            let mut errors = FieldErrors::new();
            let fields = crate::translate::fields(texts, S::NAME, S::FIELDS);
            crate::files::refusal_errors(fields, form, &mut errors, texts);
            for (field, problem) in text_problems::<S>(form, self.shape.fields) {
                let mismatch = Mismatch::Text(problem);
                let message = type_error_of::<S>(field, mismatch, fields, texts);
                let code = format!("type:{}", mismatch.code());
                errors.add_coded(field.to_owned(), None, message, Some(code));
            }
            for (field, mismatch) in decoded.mismatches {
                // A date's error links to its first wrong part; with
                // nothing entered, to the date as a whole.
                let part = match mismatch {
                    Mismatch::Date(DateProblem::Missing) => None,
                    Mismatch::Date(problem) => problem.marked_parts(),
                    _ => None,
                };
                let message = type_error_of::<S>(field, mismatch, fields, texts);
                let code = format!("type:{}", mismatch.code());
                errors.add_coded(field.to_owned(), part.as_deref(), message, Some(code));
            }
            unknown_options(fields, form, &mut errors, texts);
            let mut errors = rule_errors(&decoded.value, errors, &self.shape, (fields, texts));
            if cleared.is_some() {
                crate::reveal::settle_errors(fields, form, &mut errors, texts);
                errors.sort_by_fields(self.shape.fields);
            }
            if let Some(across) = self.across.filter(|_| errors.is_empty()) {
                errors = across(answers, &decoded.value);
                errors.reword(fields);
                errors.sort_by_fields(self.shape.fields);
            }
            if errors.is_empty() && check {
                errors = decoded.value.check(request).await;
                errors.reword(fields);
                errors.sort_by_fields(self.shape.fields);
            }
            if !errors.is_empty() {
                return Ok(Submitted::Invalid(errors));
            }
            let stored =
                serde_json::value::to_raw_value(&decoded.value).map_err(|e| e.to_string())?;
            self.set(answers, decoded.value);
            Ok(Submitted::Valid(stored))
        })
    }

    fn recheck<'a>(
        &'a self,
        answers: &'a mut W,
        request: &'a HttpRequest,
        again: Again,
        texts: &'a Texts,
    ) -> LocalBoxFuture<'a, FieldErrors> {
        Box::pin(async move {
            let Some(value) = self.get(answers) else {
                return FieldErrors::new();
            };
            let (rules, check) = match again {
                Again::JustSubmitted => (false, true),
                Again::AtFinish => (true, S::CHECK_AT_FINISH),
            };
            let fields = crate::translate::fields(texts, S::NAME, S::FIELDS);
            let mut errors = if rules {
                rule_errors(&*value, FieldErrors::new(), &self.shape, (fields, texts))
            } else {
                FieldErrors::new()
            };
            if !errors.is_empty() && S::FIELDS.iter().any(|spec| spec.revealed_by.is_some()) {
                // A field its option does not reveal was cleared: its
                // rules do not apply.
                let stored = serde_json::to_value(&*value).unwrap_or_default();
                let hidden = crate::reveal::hidden_in_answers(S::FIELDS, &stored);
                errors.retain(|error| !hidden.contains(&error.field.as_str()));
            }
            if errors.is_empty() && rules {
                errors = self.across_again(answers);
                errors.reword(fields);
            }
            let Some(value) = self.get(answers) else {
                return errors;
            };
            if errors.is_empty() && check {
                errors = value.check(request).await;
                errors.reword(fields);
                errors.sort_by_fields(self.shape.fields);
            }
            errors
        })
    }

    fn render(&self, page: &Page<'_>) -> Result<String, askama::Error> {
        S::render(page)
    }

    fn answers(&self, answers: &mut W, texts: &Texts) -> Vec<Answer> {
        let Some(step) = self.get(answers) else {
            return Vec::new();
        };
        let mut rows = step.answers(texts);
        for row in &mut rows {
            if let Some(spec) = S::FIELDS.iter().find(|spec| spec.name == row.field) {
                row.value = as_declared(spec, std::mem::take(&mut row.value), texts);
            }
        }
        let fields = crate::translate::fields(texts, S::NAME, S::FIELDS);
        let translated = !std::ptr::eq(fields, S::FIELDS);
        let revealing = S::FIELDS.iter().any(|spec| spec.revealed_by.is_some());
        // The stored answers, read once for both.
        let stored = if translated || revealing {
            serde_json::to_value(&*step).unwrap_or_default()
        } else {
            serde_json::Value::Null
        };
        if translated {
            crate::translate::rows(&mut rows, S::FIELDS, fields, &stored);
        }
        if revealing {
            // A field its option does not reveal has no row.
            let hidden = crate::reveal::hidden_in_answers(S::FIELDS, &stored);
            rows.retain(|row| !hidden.contains(&row.field.as_str()));
        }
        rows
    }

    fn stored_json(&self, answers: &mut W) -> Option<Box<RawValue>> {
        let step = self.get(answers)?;
        serde_json::value::to_raw_value(step)
            .inspect_err(|error| {
                tracing::error!(%error, step = S::NAME, "prefilled answers did not serialize");
            })
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbers_answer_is_written_with_separators_and_its_prefix_and_suffix() {
        let texts = Texts::english();
        let value = FieldSpec::new("value", "Value of the car", Kind::Number).prefix("£");
        assert_eq!(as_declared(&value, "12000".into(), texts), "£12,000");
        let weight = FieldSpec::new("weight", "Weight", Kind::Number).suffix("kg");
        assert_eq!(as_declared(&weight, "75".into(), texts), "75 kg");
        assert_eq!(
            as_declared(&weight, "Not provided".into(), texts),
            "Not provided"
        );
        let name = FieldSpec::new("name", "Name", Kind::Text).prefix("£");
        assert_eq!(as_declared(&name, "12000".into(), texts), "12000");
    }
}
