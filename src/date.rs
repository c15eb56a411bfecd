//! [`Date`]: a calendar date asked as day, month and year.

use std::fmt;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use validator::ValidationError;

use crate::texts::Texts;

/// The name under which [`Date`] presents itself to serde: the form
/// decoder recognises it and reads the field's three parts.
pub(crate) const DATE_TYPE_NAME: &str = "actix_wizard::Date";

/// The parts of a date input, in the order they are shown.
pub(crate) const DATE_PARTS: [&str; 3] = ["day", "month", "year"];

/// A calendar date, asked with three inputs (`dob-day`, `dob-month`,
/// `dob-year` for a field `dob`) and stored as `YYYY-MM-DD`. The value is
/// a [`time::Date`].
///
/// A wrong date is a field error with GOV.UK's wording ("Date of birth
/// must include a month", "must be a real date"); [`Date::in_the_past`]
/// and [`Date::in_the_future`] are rules for `#[validate(custom(...))]`.
///
/// ```
/// use actix_wizard::Date;
///
/// let date = Date::from_ymd(1990, 5, 17).unwrap();
/// assert_eq!(date.to_string(), "1990-05-17");
/// assert_eq!(date.value().year(), 1990);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Default for Date {
    /// 1 January 1970: the placeholder of a date not yet entered.
    fn default() -> Self {
        Self(time::Date::from_ordinal_date(1970, 1).unwrap_or(time::Date::MIN))
    }
}

impl Date {
    /// The date of `year`, `month` (1–12) and `day`, if it exists.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let month = time::Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day)
            .ok()
            .map(Self)
    }

    /// The [`time::Date`] itself.
    pub fn value(&self) -> time::Date {
        self.0
    }

    /// Today, in UTC.
    pub fn today() -> Self {
        Self(time::OffsetDateTime::from(SystemTime::now()).date())
    }

    /// A `validator` rule: the date is before today.
    ///
    /// ```
    /// use actix_wizard::Date;
    /// assert!(Date::in_the_past(&Date::from_ymd(1990, 5, 17).unwrap()).is_ok());
    /// ```
    pub fn in_the_past(date: &Date) -> Result<(), ValidationError> {
        if *date < Self::today() {
            Ok(())
        } else {
            Err(ValidationError::new("date_past"))
        }
    }

    /// A `validator` rule: the date is today or before (a receipt's date,
    /// say).
    ///
    /// ```
    /// use actix_wizard::Date;
    /// assert!(Date::today_or_earlier(&Date::today()).is_ok());
    /// ```
    pub fn today_or_earlier(date: &Date) -> Result<(), ValidationError> {
        if *date <= Self::today() {
            Ok(())
        } else {
            Err(ValidationError::new("date_after_today"))
        }
    }

    /// A `validator` rule: the date is after today.
    pub fn in_the_future(date: &Date) -> Result<(), ValidationError> {
        if *date > Self::today() {
            Ok(())
        } else {
            Err(ValidationError::new("date_future"))
        }
    }

    /// "17 May 1990", with the table's month names.
    pub(crate) fn long_form_in(&self, texts: &Texts) -> String {
        let month = usize::from(u8::from(self.0.month())) - 1;
        let name = texts.month_names.get(month).map_or("", |m| m.as_ref());
        format!("{} {name} {}", self.0.day(), self.0.year())
    }

    /// Parses `YYYY-MM-DD`.
    pub(crate) fn parse_iso(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Self::from_ymd(year, month, day)
    }

    /// The parts of a stored `YYYY-MM-DD` as the form shows them: day,
    /// month, year without leading zeros.
    pub(crate) fn parts_of_iso(text: &str) -> Option<[String; 3]> {
        let date = Self::parse_iso(text)?.0;
        Some([
            date.day().to_string(),
            u8::from(date.month()).to_string(),
            date.year().to_string(),
        ])
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl From<time::Date> for Date {
    fn from(date: time::Date) -> Self {
        Self(date)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(DATE_TYPE_NAME, &self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> serde::de::Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Date, E> {
                Date::parse_iso(text).ok_or_else(|| E::custom("not a date as YYYY-MM-DD"))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                inner: D,
            ) -> Result<Date, D::Error> {
                let text = String::deserialize(inner)?;
                self.visit_str(&text)
            }
        }
        deserializer.deserialize_newtype_struct(DATE_TYPE_NAME, DateVisitor)
    }
}

/// What is wrong with the three parts of a date as typed, in GOV.UK's
/// order of priority: nothing entered, parts missing, a year that is not
/// four digits, a date that does not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// No part was entered.
    Missing,
    /// These parts (day, month, year) are missing.
    Incomplete([bool; 3]),
    /// The year is not four digits.
    YearDigits,
    /// The parts are numbers but no such date exists; which part is wrong
    /// (day, month or year), as far as can be told.
    NotReal([bool; 3]),
}

impl DateProblem {
    /// The parts the error marks, after GOV.UK's date input: the missing
    /// ones ("must include a month and year": `month,year`), the year when
    /// it is not four digits, the part that makes a date not real when it
    /// can be told (month 13), and `None`, the whole date, otherwise
    /// (nothing entered).
    pub(crate) fn marked_parts(self) -> Option<String> {
        let named = |parts: [bool; 3]| {
            let parts: Vec<&str> = DATE_PARTS
                .iter()
                .zip(parts)
                .filter(|(_, marked)| *marked)
                .map(|(part, _)| *part)
                .collect();
            (!parts.is_empty()).then(|| parts.join(","))
        };
        match self {
            Self::Missing => None,
            Self::YearDigits => Some("year".to_owned()),
            Self::Incomplete(parts) | Self::NotReal(parts) => named(parts),
        }
    }
}

/// Reads the three parts (day, month, year) as typed.
pub(crate) fn read_parts(parts: [&str; 3]) -> Result<Date, DateProblem> {
    let [day, month, year] = parts.map(str::trim);
    let blank = [day.is_empty(), month.is_empty(), year.is_empty()];
    if blank == [true; 3] {
        return Err(DateProblem::Missing);
    }
    if blank.contains(&true) {
        return Err(DateProblem::Incomplete(blank));
    }
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return Err(DateProblem::YearDigits);
    }
    let day_n = day.parse::<u8>().ok();
    let month_n = month.parse::<u8>().ok().filter(|m| (1..=12).contains(m));
    let year_n = year.parse::<i32>().ok();
    match (day_n, month_n, year_n) {
        (Some(d), Some(m), Some(y)) => {
            Date::from_ymd(y, m, d).ok_or(DateProblem::NotReal([true, false, false]))
        }
        _ => Err(DateProblem::NotReal([
            day_n.is_none_or(|d| d == 0 || d > 31),
            month_n.is_none(),
            year_n.is_none(),
        ])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_read_in_govuk_order_of_priority() {
        assert_eq!(read_parts(["", " ", ""]), Err(DateProblem::Missing));
        assert_eq!(
            read_parts(["17", "", "1990"]),
            Err(DateProblem::Incomplete([false, true, false]))
        );
        assert_eq!(read_parts(["17", "5", "90"]), Err(DateProblem::YearDigits));
        assert_eq!(
            read_parts(["31", "2", "1990"]),
            Err(DateProblem::NotReal([true, false, false]))
        );
        assert_eq!(
            read_parts(["3", "13", "1990"]),
            Err(DateProblem::NotReal([false, true, false]))
        );
        assert_eq!(
            read_parts(["17", "05", "1990"]),
            Ok(Date::from_ymd(1990, 5, 17).unwrap())
        );
        assert_eq!(
            DateProblem::Incomplete([false, true, true]).marked_parts(),
            Some("month,year".to_owned())
        );
        assert_eq!(
            DateProblem::NotReal([false, true, false]).marked_parts(),
            Some("month".to_owned())
        );
        assert_eq!(DateProblem::NotReal([false; 3]).marked_parts(), None);
    }

    #[test]
    fn a_date_round_trips_through_its_stored_form() {
        let date = Date::from_ymd(2001, 2, 3).unwrap();
        let json = serde_json::to_string(&date).unwrap();
        assert_eq!(json, r#""2001-02-03""#);
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), date);
        assert_eq!(
            Date::parts_of_iso("2001-02-03"),
            Some(["3".into(), "2".into(), "2001".into()])
        );
        assert_eq!(date.long_form_in(&Texts::default()), "3 February 2001");
    }
}
