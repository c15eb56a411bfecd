//! A step's fields as declared: what each one is called, how it is asked
//! and how its answer reads. `#[derive(Step)]` writes these declarations
//! from the struct; the page renderer, the check-answers list and the
//! error messages read them.

use std::fmt;
use std::marker::PhantomData;

use crate::date::Date;
pub use crate::date::DateProblem;
pub use crate::money::MoneyProblem;
use crate::secret::Secret;
use crate::texts::Texts;

/// The key validator uses for errors of the whole struct (schema checks),
/// and [`crate::FieldErrors`] for errors of no one field.
pub const FORM_LEVEL: &str = "__all__";

/// The control a field is asked with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A one-line text input.
    Text,
    /// A text input for an email address (`type="email"`, no spellcheck).
    Email,
    /// A text input for a telephone number (`type="tel"`).
    Telephone,
    /// A password input, never filled in again.
    Password,
    /// A text input for a number (`inputmode="numeric"`, not
    /// `type="number"`, which mangles what is typed).
    Number,
    /// A multi-line text area.
    Textarea,
    /// One choice among several, as radio buttons.
    Radios,
    /// Any number of choices, as checkboxes.
    Checkboxes,
    /// A single yes/no checkbox.
    Checkbox,
    /// One choice among several, as a drop-down list.
    Select,
    /// A date, as day, month and year inputs.
    Date,
    /// A file the visitor uploads (feature `uploads`: `actix_wizard::upload::Upload`).
    File,
    /// Several files, from one input that takes many (`Vec<Upload>`): each
    /// post adds to those held, each held file has its own Remove button,
    /// and validator's `length` rule bounds how many (10 when it does not).
    Files,
    /// An amount of money ([`crate::Money`]): a text input behind a `£`
    /// (`inputmode="decimal"`, no spellcheck) unless the field gives a
    /// prefix of its own.
    Money,
}

impl Kind {
    /// Whether the field's answer is text as typed: a text input of any
    /// sort, a password or a text area.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Self::Text | Self::Email | Self::Telephone | Self::Password | Self::Textarea
        )
    }

    /// Whether the visitor answers by choosing, not typing: radios,
    /// checkboxes, a checkbox, a drop-down.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            Self::Radios | Self::Checkboxes | Self::Checkbox | Self::Select
        )
    }

    /// Whether the visitor answers with a file, or several.
    pub fn is_file(self) -> bool {
        matches!(self, Self::File | Self::Files)
    }

    /// Whether the field is a group of controls inside a `<fieldset>`.
    pub fn is_group(self) -> bool {
        matches!(
            self,
            Self::Radios | Self::Checkboxes | Self::Checkbox | Self::Date
        )
    }
}

/// How a text answer is normalised before it is checked and stored
/// (surrounding spaces are always trimmed, except in a [`Secret`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Normalise {
    /// Kept as typed (trimmed).
    AsTyped,
    /// In capitals: `gb123` → `GB123`.
    Uppercase,
    /// In small letters: `Ann@Example.com` → `ann@example.com`.
    Lowercase,
}

/// One option of a radio group, a checkbox group or a select.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Choice {
    /// What the form sends: the variant's serde name.
    pub value: &'static str,
    /// What the visitor reads, on the form and on the check-answers list.
    pub label: &'static str,
    /// A line under the option, if any.
    pub hint: Option<&'static str>,
}

impl Choice {
    /// An option without a hint.
    pub const fn new(value: &'static str, label: &'static str) -> Self {
        Self {
            value,
            label,
            hint: None,
        }
    }

    /// The same option with a hint under it.
    pub const fn with_hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
}

/// The options of a unit enum: `#[derive(Choice)]` writes this.
///
/// ```
/// use actix_wizard::{Choice, field::Choices};
///
/// #[derive(serde::Serialize, serde::Deserialize, Choice)]
/// #[serde(rename_all = "lowercase")]
/// enum Plan {
///     #[choice(label = "Free, for one person")]
///     Free,
///     #[choice(label = "Team", hint = "Up to 20 people")]
///     Team,
/// }
/// assert_eq!(Plan::CHOICES[0].value, "free");
/// assert_eq!(Plan::Team.choice().label, "Team");
/// ```
pub trait Choices: Sized + 'static {
    /// Every option, in declaration order.
    const CHOICES: &'static [Choice];
    /// This value's option.
    fn choice(&self) -> &'static Choice;
}

/// What a field's Rust type says about its control and its answer.
///
/// Implemented for text, numbers, `bool`, [`Secret`], [`Date`], the enums
/// of `#[derive(Choice)]`, and `Option`s and `Vec`s of them. Implement it
/// for a type of your own to use it as a field.
pub trait FieldValue {
    /// The control the type is asked with when the field does not say.
    const KIND: Kind;
    /// Whether the visitor may leave it empty (an `Option`).
    const OPTIONAL: bool = false;
    /// The options, for a choice.
    const OPTIONS: &'static [Choice] = &[];
    /// The answer as the check-answers list shows it; `None` leaves the
    /// row out (a secret).
    fn display(&self, texts: &Texts) -> Option<String>;
}

macro_rules! shown_as_text {
    ($kind:expr => $($ty:ty),*) => {$(
        impl FieldValue for $ty {
            const KIND: Kind = $kind;
            fn display(&self, texts: &Texts) -> Option<String> {
                let text = self.to_string();
                Some(if text.is_empty() { texts.not_provided.to_string() } else { text })
            }
        }
    )*};
}

shown_as_text!(Kind::Text => String, char);
shown_as_text!(Kind::Number => u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64);

impl FieldValue for bool {
    const KIND: Kind = Kind::Checkbox;
    fn display(&self, texts: &Texts) -> Option<String> {
        Some(if *self { &texts.yes } else { &texts.no }.to_string())
    }
}

impl FieldValue for Secret {
    const KIND: Kind = Kind::Password;
    fn display(&self, _texts: &Texts) -> Option<String> {
        None
    }
}

impl FieldValue for Date {
    const KIND: Kind = Kind::Date;
    fn display(&self, texts: &Texts) -> Option<String> {
        Some(self.long_form_in(texts))
    }
}

impl FieldValue for crate::Money {
    const KIND: Kind = Kind::Money;
    fn display(&self, texts: &Texts) -> Option<String> {
        Some(self.written(&texts.thousands_separator))
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    const KIND: Kind = T::KIND;
    const OPTIONAL: bool = true;
    const OPTIONS: &'static [Choice] = T::OPTIONS;
    fn display(&self, texts: &Texts) -> Option<String> {
        match self {
            Some(value) => value.display(texts),
            None if T::KIND == Kind::Password => None,
            None => Some(texts.not_provided.to_string()),
        }
    }
}

impl<T: FieldValue> FieldValue for Vec<T> {
    const KIND: Kind = match T::KIND {
        Kind::File | Kind::Files => Kind::Files,
        _ if T::OPTIONS.is_empty() => Kind::Text,
        _ => Kind::Checkboxes,
    };
    const OPTIONS: &'static [Choice] = T::OPTIONS;
    fn display(&self, texts: &Texts) -> Option<String> {
        let shown: Vec<String> = self.iter().filter_map(|v| v.display(texts)).collect();
        Some(if shown.is_empty() {
            texts.not_provided.to_string()
        } else {
            shown.join(", ")
        })
    }
}

/// One field of a step, as declared: `#[derive(Step)]` writes one per
/// struct field; a hand-written [`crate::Step`] may list its own in
/// [`crate::Step::FIELDS`].
///
/// ```
/// use actix_wizard::{field::FieldSpec, field::Kind};
///
/// const EMAIL: FieldSpec = FieldSpec::new("email", "Email address", Kind::Email)
///     .hint("We will send your receipt here")
///     .autocomplete("email");
/// assert_eq!(EMAIL.label, "Email address");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    /// The form's name for it (serde's name), also the control's `id`.
    pub name: &'static str,
    /// The Rust field's name, under which `validator` reports its errors.
    pub rust_name: &'static str,
    /// The question, as the label or legend and on the check-answers list.
    pub label: &'static str,
    /// A line that helps answer it.
    pub hint: Option<&'static str>,
    /// The control.
    pub kind: Kind,
    /// Whether it may be left empty: the form's label says "(optional)",
    /// the check-answers list does not.
    pub optional: bool,
    /// The options of a choice.
    pub options: &'static [Choice],
    /// A single checkbox's own text ("I accept the terms"); the label is
    /// then the group's legend.
    pub checkbox: Option<&'static str>,
    /// The `autocomplete` attribute (WCAG 1.3.5).
    pub autocomplete: Option<&'static str>,
    /// The `inputmode` attribute.
    pub inputmode: Option<&'static str>,
    /// The `spellcheck` attribute, when set.
    pub spellcheck: Option<bool>,
    /// The input's width in characters (2, 3, 4, 5, 10, 20 or 30).
    pub width: Option<u8>,
    /// A unit shown before the input ("£"); the label must name it too.
    pub prefix: Option<&'static str>,
    /// A unit shown after the input ("kg").
    pub suffix: Option<&'static str>,
    /// A textarea's rows.
    pub rows: u8,
    /// A textarea's character count limit, shown under it.
    pub max_chars: Option<usize>,
    /// How a text answer is normalised.
    pub normalise: Normalise,
    /// The message for a value of the wrong type, instead of the table's.
    pub type_error: Option<&'static str>,
    /// Its validator rules, for the published JSON Schema (the derive
    /// reads them from `#[validate]`; validation itself is validator's).
    pub rules: &'static [Rule],
    /// The messages its rules declare, by validator's code
    /// (`("length", "Enter your name")`): the derive reads them from
    /// `#[validate(...(message = "..."))]`, and a translation rewords them
    /// ([`FieldSpec::message`]).
    pub messages: &'static [(&'static str, &'static str)],
    /// The option that reveals it beneath itself, as `field=value`
    /// ([`FieldSpec::reveal`]).
    pub revealed_by: Option<&'static str>,
    /// What its messages and the check page's hidden Change text call it
    /// ("your date of birth"), when the label is a question
    /// ([`FieldSpec::subject`]).
    pub subject: Option<&'static str>,
    /// A file field's kinds of file, by name ([`FieldSpec::accept`]).
    pub accept: Option<&'static str>,
    /// A file field's largest file, in bytes ([`FieldSpec::max_size`]).
    pub max_size: Option<u64>,
}

/// A validator rule of a field, as `#[derive(Step)]` reads it from
/// `#[validate(...)]`, for the JSON Schema the wizard publishes. Rules a
/// schema cannot state (a `regex` given by path, `must_match`, a custom
/// function), and bounds that are not integer literals, are
/// [`Rule::Other`] with validator's name of the rule.
///
/// ```
/// use actix_wizard::{field::FieldSpec, field::Kind, field::Rule};
///
/// const AGE: FieldSpec = FieldSpec::new("age", "Age", Kind::Number)
///     .rules(&[Rule::Required, Rule::Range { min: Some(13), max: Some(120) }]);
/// assert_eq!(AGE.rules.len(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// `required`: an optional value must be given.
    Required,
    /// `length`: characters of a text, or items of a list.
    Length {
        /// At least.
        min: Option<i64>,
        /// At most.
        max: Option<i64>,
        /// Exactly.
        equal: Option<i64>,
    },
    /// `range`: the number's bounds.
    Range {
        /// At least.
        min: Option<i64>,
        /// At most.
        max: Option<i64>,
    },
    /// `email`.
    Email,
    /// `url`.
    Url,
    /// `custom(function = "actix_wizard::field::ticked")`: the box must be ticked.
    Ticked,
    /// Any other rule, by validator's name (`"regex"`, `"must_match"`,
    /// `"custom"`).
    Other(&'static str),
}

impl FieldSpec {
    /// A field named `name` (in the form and in Rust), with its label and
    /// control.
    pub const fn new(name: &'static str, label: &'static str, kind: Kind) -> Self {
        Self {
            name,
            rust_name: name,
            label,
            hint: None,
            kind,
            optional: false,
            options: &[],
            checkbox: None,
            autocomplete: None,
            inputmode: None,
            spellcheck: None,
            width: None,
            prefix: None,
            suffix: None,
            rows: 5,
            max_chars: None,
            normalise: Normalise::AsTyped,
            type_error: None,
            rules: &[],
            messages: &[],
            revealed_by: None,
            subject: None,
            accept: None,
            max_size: None,
        }
    }

    /// A file field's kinds of file, by name, apart by commas (`"pdf,
    /// jpeg, png"`, the default); the file's content decides, never its
    /// name.
    pub const fn accept(mut self, kinds: &'static str) -> Self {
        self.accept = Some(kinds);
        self
    }

    /// A file field's largest file, in bytes (default: the upload
    /// configuration's, 10 MiB).
    pub const fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = Some(bytes);
        self
    }

    /// What the field's default messages and the check page's hidden
    /// Change text call it, in place of its label: a question makes a poor
    /// subject ("Enter how many years have you held a licence?").
    ///
    /// ```
    /// use actix_wizard::field::{FieldSpec, Kind};
    /// const YEARS: FieldSpec =
    ///     FieldSpec::new("years", "How many years have you held a licence?", Kind::Number)
    ///         .subject("the years you have held a licence");
    /// assert_eq!(YEARS.named(), "the years you have held a licence");
    /// ```
    pub const fn subject(mut self, subject: &'static str) -> Self {
        self.subject = Some(subject);
        self
    }

    /// What messages call the field: its subject, else its label.
    pub fn named(&self) -> &'static str {
        match self.subject {
            Some(subject) => subject,
            None => self.label,
        }
    }

    /// Shown only beneath option `value` of field `field` of the same step,
    /// written `"field=value"` (GOV.UK's conditional reveal): not chosen,
    /// the field is cleared before the rules and its answer dropped;
    /// chosen, it must be answered unless declared optional.
    ///
    /// ```
    /// use actix_wizard::field::{FieldSpec, Kind};
    /// const PHONE: FieldSpec = FieldSpec::new("phone", "Phone number", Kind::Telephone)
    ///     .revealed_by("contact=phone");
    /// assert_eq!(PHONE.reveal(), Some(("contact", "phone")));
    /// ```
    pub const fn revealed_by(mut self, option: &'static str) -> Self {
        self.revealed_by = Some(option);
        self
    }

    /// The field and option value that reveal this one, if any.
    pub fn reveal(&self) -> Option<(&'static str, &'static str)> {
        self.revealed_by?.split_once('=')
    }

    /// Its validator rules ([`Rule`]), for the published JSON Schema.
    pub const fn rules(mut self, rules: &'static [Rule]) -> Self {
        self.rules = rules;
        self
    }

    /// The messages its rules give, by validator's code.
    ///
    /// ```
    /// use actix_wizard::field::{FieldSpec, Kind};
    /// const NAME: FieldSpec = FieldSpec::new("name", "Full name", Kind::Text)
    ///     .messages(&[("length", "Enter your full name")]);
    /// assert_eq!(NAME.message("length"), Some("Enter your full name"));
    /// assert_eq!(NAME.message("email"), None);
    /// ```
    pub const fn messages(mut self, messages: &'static [(&'static str, &'static str)]) -> Self {
        self.messages = messages;
        self
    }

    /// The message for an error of validator's code `code`, when the
    /// field gives one.
    pub fn message(&self, code: &str) -> Option<&'static str> {
        self.messages
            .iter()
            .find(|(declared, _)| *declared == code)
            .map(|(_, text)| *text)
    }

    /// The Rust field's name, when serde renames it for the form.
    pub const fn rust_name(mut self, rust_name: &'static str) -> Self {
        self.rust_name = rust_name;
        self
    }

    /// A hint under the label.
    pub const fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Whether the field may be left empty.
    pub const fn optional(mut self, optional: bool) -> Self {
        self.optional = optional;
        self
    }

    /// The options of a choice.
    pub const fn options(mut self, options: &'static [Choice]) -> Self {
        self.options = options;
        self
    }

    /// A single checkbox's own text.
    pub const fn checkbox(mut self, text: &'static str) -> Self {
        self.checkbox = Some(text);
        self
    }

    /// The `autocomplete` attribute.
    pub const fn autocomplete(mut self, value: &'static str) -> Self {
        self.autocomplete = Some(value);
        self
    }

    /// The `inputmode` attribute.
    pub const fn inputmode(mut self, value: &'static str) -> Self {
        self.inputmode = Some(value);
        self
    }

    /// The `spellcheck` attribute.
    pub const fn spellcheck(mut self, on: bool) -> Self {
        self.spellcheck = Some(on);
        self
    }

    /// The input's width in characters.
    pub const fn width(mut self, chars: u8) -> Self {
        self.width = Some(chars);
        self
    }

    /// A unit before the input.
    pub const fn prefix(mut self, text: &'static str) -> Self {
        self.prefix = Some(text);
        self
    }

    /// A unit after the input.
    pub const fn suffix(mut self, text: &'static str) -> Self {
        self.suffix = Some(text);
        self
    }

    /// A textarea's rows.
    pub const fn rows(mut self, rows: u8) -> Self {
        self.rows = rows;
        self
    }

    /// A textarea's character count limit.
    pub const fn max_chars(mut self, limit: usize) -> Self {
        self.max_chars = Some(limit);
        self
    }

    /// How a text answer is normalised.
    pub const fn normalise(mut self, how: Normalise) -> Self {
        self.normalise = how;
        self
    }

    /// The message for a value of the wrong type.
    pub const fn type_error(mut self, message: &'static str) -> Self {
        self.type_error = Some(message);
        self
    }

    /// The `id` of the control an error-summary link should focus: the
    /// field's own id (the first control of a group has it), or a date's
    /// `part`.
    pub fn target_id(&self, part: Option<&str>) -> String {
        match (self.kind, part) {
            // The first of the parts an error marks (`month,year`).
            (Kind::Date, Some(parts)) => {
                let first = parts.split(',').next().unwrap_or("day");
                format!("{}-{first}", self.name)
            }
            (Kind::Date, None) => format!("{}-day", self.name),
            _ => self.name.to_owned(),
        }
    }
}

/// A typed field name of step `S`, written by `#[derive(Step)]` as an
/// associated constant (`Account::EMAIL`): a misspelt field does not
/// compile.
///
/// It goes wherever a field's name does: [`crate::FieldErrors::add`],
/// [`crate::FinishError::invalid_field`], [`crate::page::Page::field`].
pub struct FieldName<S> {
    name: &'static str,
    step: PhantomData<fn() -> S>,
}

impl<S> FieldName<S> {
    /// The name of one of `S`'s fields.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            step: PhantomData,
        }
    }

    /// The field's form name.
    pub const fn as_str(&self) -> &'static str {
        self.name
    }
}

impl<S> Clone for FieldName<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for FieldName<S> {}

impl<S> fmt::Debug for FieldName<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl<S> fmt::Display for FieldName<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl<S> From<FieldName<S>> for String {
    fn from(name: FieldName<S>) -> String {
        name.name.to_owned()
    }
}

impl<S> PartialEq<str> for FieldName<S> {
    fn eq(&self, other: &str) -> bool {
        self.name == other
    }
}

/// A field named in a template: a `&str` or a typed [`FieldName`].
pub trait FieldRef {
    /// The field's form name.
    fn field_name(&self) -> &str;
}

impl FieldRef for &str {
    fn field_name(&self) -> &str {
        self
    }
}

impl<S> FieldRef for FieldName<S> {
    fn field_name(&self) -> &str {
        self.name
    }
}

/// `humanize("display_name")` → "Display name": the label of a field
/// declared without one.
pub(crate) fn humanize(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A `validator` rule for a checkbox that must be ticked ("I accept the
/// terms"): `#[validate(custom(function = "actix_wizard::field::ticked", message
/// = "Accept the terms"))]`. Without a message, the table's
/// [`Texts::rule_required`] names the field.
///
/// ```
/// assert!(actix_wizard::field::ticked(&true).is_ok());
/// assert!(actix_wizard::field::ticked(&false).is_err());
/// ```
pub fn ticked(value: &bool) -> Result<(), validator::ValidationError> {
    if *value {
        Ok(())
    } else {
        Err(validator::ValidationError::new("required"))
    }
}
