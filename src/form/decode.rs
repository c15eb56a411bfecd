//! A lenient serde deserializer from a [`RawForm`] to a step's struct.
//!
//! serde stops at the first error, which would turn `age=abc` into a failed
//! request. This deserializer never fails on a value: when a value does not
//! fit the field's type it records a [`Mismatch`] against the field and
//! hands serde a placeholder (0, `false`, the first variant), so decoding
//! goes on and every field's problem is found in one pass. The placeholder
//! is never used: a step with mismatches is re-shown, not stored.

use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

use super::RawForm;
use super::text::TextProblem;
use crate::date::{DATE_PARTS, DATE_TYPE_NAME, DateProblem, read_parts};
use crate::money::{MONEY_TYPE_NAME, MoneyProblem};
use crate::secret::SECRET_TYPE_NAME;

/// How a submitted value failed to fit its field's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// An integer field got something that is not a whole number.
    WholeNumber,
    /// An integer field got a whole number its type cannot hold.
    OutOfRange {
        /// The type's smallest value.
        min: i128,
        /// The type's largest value.
        max: i128,
    },
    /// A floating-point field got something that is not a number.
    Number,
    /// An enum field got a value that is none of its variants.
    Choice,
    /// A `bool` field got something other than a yes/no value.
    YesNo,
    /// A [`crate::Date`] field's day, month and year are not a date.
    Date(DateProblem),
    /// A text field holds characters no answer may hold.
    Text(TextProblem),
    /// A [`crate::Money`] field's text is not an amount.
    Money(MoneyProblem),
    /// A file field's value is not a file the run holds.
    File,
}

impl Mismatch {
    /// A short name of the kind of mismatch: `whole_number`,
    /// `out_of_range`, `number`, `choice`, `yes_no`, `date`, `money`,
    /// `control` or `invisible`.
    pub fn code(self) -> &'static str {
        match self {
            Self::WholeNumber => "whole_number",
            Self::OutOfRange { .. } => "out_of_range",
            Self::Number => "number",
            Self::Choice => "choice",
            Self::YesNo => "yes_no",
            Self::Date(_) => "date",
            Self::Money(_) => "money",
            Self::File => "file",
            Self::Text(problem) => problem.code(),
        }
    }

    /// The message shown when a step does not choose its own.
    pub fn default_message(self) -> String {
        match self {
            Self::WholeNumber => "Enter a whole number".to_owned(),
            Self::OutOfRange { min, max } => format!("Enter a number from {min} to {max}"),
            Self::Number => "Enter a number".to_owned(),
            Self::Choice => "Select one of the options".to_owned(),
            Self::YesNo => "Select yes or no".to_owned(),
            Self::Date(DateProblem::Missing) => "Enter a date".to_owned(),
            Self::Date(DateProblem::Incomplete(_)) => "Enter a day, month and year".to_owned(),
            Self::Date(DateProblem::YearDigits) => "Year must include 4 numbers".to_owned(),
            Self::Date(DateProblem::NotReal(_)) => "Enter a real date".to_owned(),
            Self::Text(TextProblem::Control) => {
                "Remove control characters and line breaks".to_owned()
            }
            Self::Text(TextProblem::Invisible) => "Remove invisible characters".to_owned(),
            Self::Money(MoneyProblem::Missing) => "Enter an amount".to_owned(),
            Self::Money(MoneyProblem::Signed) => "Enter an amount without a sign".to_owned(),
            Self::Money(MoneyProblem::TooManyDecimals) => {
                "Enter an amount with no more than 2 digits after the point".to_owned()
            }
            Self::Money(_) => "Enter an amount of money, like 12.50".to_owned(),
            Self::File => "Select the file again".to_owned(),
        }
    }
}

/// What the decoder learnt about a step type: its fields, in declaration
/// order, and which of them are [`crate::Secret`]s.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shape {
    pub fields: &'static [&'static str],
    pub secrets: Vec<&'static str>,
    /// The fields made of a date's three parts (`dob-day`, …).
    pub dates: Vec<&'static str>,
}

impl Shape {
    /// The shape of a form of plain fields named `fields`.
    pub fn of_names(fields: &'static [&'static str]) -> Self {
        Self {
            fields,
            secrets: Vec::new(),
            dates: Vec::new(),
        }
    }

    /// Whether the form key `name` belongs to the step: a field, or a
    /// part of a date field.
    pub fn has_key(&self, name: &str) -> bool {
        self.fields.contains(&name)
            || self.dates.iter().any(|date| {
                name.strip_prefix(date)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|part| DATE_PARTS.contains(&part))
            })
    }
}

/// The result of decoding one form into a step type.
pub(crate) struct Decoded<T> {
    pub value: T,
    pub mismatches: Vec<(&'static str, Mismatch)>,
}

/// A step type the decoder cannot handle (not a struct with named fields,
/// or a nested struct in a field). It is a mistake in the program, found
/// when the wizard is declared.
#[derive(Debug)]
pub(crate) struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl de::Error for Unsupported {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

#[derive(Default)]
struct Report {
    fields: &'static [&'static str],
    secrets: Vec<&'static str>,
    dates: Vec<&'static str>,
    mismatches: Vec<(&'static str, Mismatch)>,
}

impl Report {
    fn mismatch(&mut self, field: &'static str, kind: Mismatch) {
        if !self.mismatches.iter().any(|(f, _)| *f == field) {
            self.mismatches.push((field, kind));
        }
    }
}

/// Decodes `form` into `T`, recording every value that does not fit.
pub(crate) fn decode<T: DeserializeOwned>(form: &RawForm) -> Result<Decoded<T>, Unsupported> {
    let mut report = Report::default();
    let value = T::deserialize(StepDeserializer {
        form,
        report: &mut report,
    })?;
    Ok(Decoded {
        value,
        mismatches: report.mismatches,
    })
}

/// Finds the fields of `T` and which are secrets, by decoding an empty form
/// and a form where every field has a value (so that `Option<Secret>` is
/// seen too).
pub(crate) fn shape_of<T: DeserializeOwned>() -> Result<Shape, Unsupported> {
    let mut empty = Report::default();
    T::deserialize(StepDeserializer {
        form: &RawForm::default(),
        report: &mut empty,
    })?;
    let mut filled_form = RawForm::default();
    for field in empty.fields {
        filled_form.push(*field, "1");
    }
    let mut filled = Report::default();
    T::deserialize(StepDeserializer {
        form: &filled_form,
        report: &mut filled,
    })?;
    let mut secrets = empty.secrets;
    for secret in filled.secrets {
        if !secrets.contains(&secret) {
            secrets.push(secret);
        }
    }
    let mut dates = empty.dates;
    for date in filled.dates {
        if !dates.contains(&date) {
            dates.push(date);
        }
    }
    Ok(Shape {
        fields: empty.fields,
        secrets,
        dates,
    })
}

struct StepDeserializer<'a> {
    form: &'a RawForm,
    report: &'a mut Report,
}

impl<'de> de::Deserializer<'de> for StepDeserializer<'_> {
    type Error = Unsupported;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Unsupported> {
        Err(Unsupported(
            "a wizard step must be a struct with named fields".to_owned(),
        ))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        self.report.fields = fields;
        visitor.visit_map(FieldAccess {
            form: self.form,
            report: self.report,
            fields: fields.iter(),
            current: None,
        })
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// Hands serde every declared field, present or not, so that a missing
/// checkbox is `false`, a missing list empty and a missing optional `None`
/// without `#[serde(default)]`.
struct FieldAccess<'a> {
    form: &'a RawForm,
    report: &'a mut Report,
    fields: std::slice::Iter<'static, &'static str>,
    current: Option<&'static str>,
}

impl<'de> de::MapAccess<'de> for FieldAccess<'_> {
    type Error = Unsupported;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unsupported> {
        match self.fields.next() {
            Some(field) => {
                self.current = Some(field);
                let name: StrDeserializer<'_, Unsupported> = field.into_deserializer();
                seed.deserialize(name).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Unsupported> {
        let field = self
            .current
            .take()
            .ok_or_else(|| Unsupported("a value was asked for before its field".to_owned()))?;
        let values: Vec<&str> = self.form.values(field).collect();
        // A field made of parts (a date's day, month, year) has no value
        // under its own name: read its parts.
        let parts = if values.is_empty() {
            Some(DATE_PARTS.map(|part| self.form.first_part(field, part).unwrap_or("")))
                .filter(|parts| parts.iter().any(|p| !super::text::is_blank(p)))
        } else {
            None
        };
        seed.deserialize(ValueDeserializer {
            field,
            values: &values,
            parts,
            report: self.report,
            keep_spaces: false,
        })
    }
}

/// The values of one field. Text is trimmed, except inside a `Secret`.
struct ValueDeserializer<'a> {
    field: &'static str,
    values: &'a [&'a str],
    /// A date's day, month and year as typed, when any was given.
    parts: Option<[&'a str; 3]>,
    report: &'a mut Report,
    keep_spaces: bool,
}

impl ValueDeserializer<'_> {
    fn text(&self) -> &str {
        let first = self.values.first().copied().unwrap_or("");
        if self.keep_spaces {
            first
        } else {
            super::text::trim(first)
        }
    }

    /// A date from its parts; a stored `YYYY-MM-DD` under the field's own
    /// name (a form rebuilt from the answers) reads as well.
    fn date<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        let read = match (self.parts, self.values.first()) {
            (Some(parts), _) => read_parts(parts),
            (None, Some(stored)) => {
                crate::date::Date::parse_iso(stored.trim()).ok_or(DateProblem::NotReal([true; 3]))
            }
            (None, None) => Err(DateProblem::Missing),
        };
        let text = match read {
            Ok(date) => date.to_string(),
            Err(problem) => {
                self.report.mismatch(self.field, Mismatch::Date(problem));
                crate::date::Date::default().to_string()
            }
        };
        visitor.visit_newtype_struct(de::value::StringDeserializer::<Unsupported>::new(text))
    }

    fn is_blank(&self) -> bool {
        self.parts.is_none() && self.values.iter().all(|v| super::text::is_blank(v))
    }
}

/// A number as people type it, without the commas and spaces that group
/// its digits ("12,000", "1 500"), as GOV.UK asks forms to accept.
fn ungrouped(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(|c: char| c == ',' || c.is_whitespace()) {
        text.chars()
            .filter(|c| *c != ',' && !c.is_whitespace())
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

macro_rules! lenient_integer {
    ($($method:ident $visit:ident $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
            let text = ungrouped(self.text());
            match text.parse::<$ty>() {
                Ok(n) => visitor.$visit(n),
                Err(_) => {
                    let kind = if text.parse::<i128>().is_ok() {
                        Mismatch::OutOfRange { min: <$ty>::MIN as i128, max: <$ty>::MAX as i128 }
                    } else {
                        Mismatch::WholeNumber
                    };
                    self.report.mismatch(self.field, kind);
                    visitor.$visit(0)
                }
            }
        }
    )*};
}

macro_rules! lenient_float {
    ($($method:ident $visit:ident $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
            match ungrouped(self.text()).parse::<$ty>() {
                Ok(n) if n.is_finite() => visitor.$visit(n),
                _ => {
                    self.report.mismatch(self.field, Mismatch::Number);
                    visitor.$visit(0.0)
                }
            }
        }
    )*};
}

/// Reads a checkbox or yes/no value: `None` when it is neither.
pub(crate) fn parse_yes_no(text: &str) -> Option<bool> {
    let text = text.trim();
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if ["", "false", "no", "off", "0"].into_iter().any(is) {
        Some(false)
    } else if ["true", "yes", "on", "1"].into_iter().any(is) {
        Some(true)
    } else {
        None
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_> {
    type Error = Unsupported;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match self.values.len() {
            0 => visitor.visit_none(),
            1 => {
                let text = self.text().to_owned();
                visitor.visit_string(text)
            }
            _ => self.deserialize_seq(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        match parse_yes_no(self.text()) {
            Some(flag) => visitor.visit_bool(flag),
            None => {
                self.report.mismatch(self.field, Mismatch::YesNo);
                visitor.visit_bool(false)
            }
        }
    }

    lenient_integer! {
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128,
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64,
        deserialize_u128 visit_u128 u128,
    }

    lenient_float! {
        deserialize_f32 visit_f32 f32, deserialize_f64 visit_f64 f64,
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        let mut chars = self.text().chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => {
                self.report.mismatch(self.field, Mismatch::Choice);
                visitor.visit_char(' ')
            }
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_str(self.text())
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_string(self.text().to_owned())
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_bytes(self.text().as_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_byte_buf(self.text().as_bytes().to_vec())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        if self.is_blank() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        mut self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        if name == SECRET_TYPE_NAME {
            if !self.report.secrets.contains(&self.field) {
                self.report.secrets.push(self.field);
            }
            self.keep_spaces = true;
        }
        if name == MONEY_TYPE_NAME {
            let text = match crate::Money::parse(self.text()) {
                Ok(amount) => amount.plain(),
                Err(problem) => {
                    self.report.mismatch(self.field, Mismatch::Money(problem));
                    crate::Money::default().plain()
                }
            };
            return visitor
                .visit_newtype_struct(de::value::StringDeserializer::<Unsupported>::new(text));
        }
        if name == crate::files::UPLOAD_TYPE_NAME {
            let text = match crate::components::held_parts(self.text()) {
                Some(_) => self.text().to_owned(),
                None => {
                    self.report.mismatch(self.field, Mismatch::File);
                    crate::files::NO_FILE.to_owned()
                }
            };
            return visitor
                .visit_newtype_struct(de::value::StringDeserializer::<Unsupported>::new(text));
        }
        if name == DATE_TYPE_NAME {
            if !self.report.dates.contains(&self.field) {
                self.report.dates.push(self.field);
            }
            return self.date(visitor);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        let filled: Vec<&str> = self
            .values
            .iter()
            .copied()
            .filter(|v| !super::text::is_blank(v))
            .collect();
        visitor.visit_seq(ValuesAccess {
            field: self.field,
            values: filled.iter(),
            report: self.report,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Unsupported> {
        Err(self.nested())
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Unsupported> {
        Err(self.nested())
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsupported> {
        let text = self.text();
        let chosen = match variants.iter().find(|v| **v == text) {
            Some(variant) => *variant,
            None => {
                self.report.mismatch(self.field, Mismatch::Choice);
                variants.first().copied().ok_or_else(|| {
                    Unsupported(format!(
                        "field `{}` is an enum without variants",
                        self.field
                    ))
                })?
            }
        };
        let variant: StrDeserializer<'_, Unsupported> = chosen.into_deserializer();
        visitor.visit_enum(variant)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_str(self.text())
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsupported> {
        visitor.visit_unit()
    }
}

impl ValueDeserializer<'_> {
    fn nested(&self) -> Unsupported {
        Unsupported(format!(
            "field `{}` is a map or struct; a step's fields must be scalars, options or lists",
            self.field
        ))
    }
}

struct ValuesAccess<'a, 'v> {
    field: &'static str,
    values: std::slice::Iter<'v, &'v str>,
    report: &'a mut Report,
}

impl<'de> de::SeqAccess<'de> for ValuesAccess<'_, '_> {
    type Error = Unsupported;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unsupported> {
        match self.values.next() {
            Some(value) => seed
                .deserialize(ValueDeserializer {
                    field: self.field,
                    values: std::slice::from_ref(value),
                    parts: None,
                    report: self.report,
                    keep_spaces: false,
                })
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.values.len())
    }
}

#[cfg(test)]
mod tests;
