//! [`Money`]: an amount in pounds and pence, read as a person writes it
//! and kept as a whole number of pence, never a float.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The name under which [`Money`] presents itself to serde: the form
/// decoder recognises it and reads what was typed as an amount.
pub(crate) const MONEY_TYPE_NAME: &str = "actix_wizard::Money";

/// An amount of money, in pence: a field type asked with a text input
/// behind a `£` (`inputmode="decimal"`), read as a person writes it
/// ("£1,200.50", "12.5", "1,200", "0.99") and shown as `£1,200.50`.
///
/// What cannot be an amount is a field error beside the input, never a
/// 400: a minus or plus sign, more than two digits after the point,
/// commas out of place, letters. It is stored and sent to JSON clients
/// as its decimal text (`"1200.50"`); the published schema says so.
///
/// ```
/// use actix_wizard::Money;
///
/// let taxi = Money::parse("£1,200.5").unwrap();
/// assert_eq!(taxi.pence(), 120_050);
/// assert_eq!(taxi.to_string(), "£1,200.50");
/// assert_eq!(taxi.plain(), "1200.50");
/// assert!(Money::parse("12.505").is_err());
/// let total: Money = [taxi, Money::from_pence(50)].into_iter().sum();
/// assert_eq!(total.to_string(), "£1,201.00");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money {
    pence: u64,
}

/// Why text is not an amount of money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyProblem {
    /// Nothing was entered.
    Missing,
    /// It is not a number of pounds and pence ("twelve", "1,20").
    NotAnAmount,
    /// It has a minus or plus sign.
    Signed,
    /// It has more than two digits after the point.
    TooManyDecimals,
    /// It is more than a whole number of pence can hold.
    TooLarge,
}

impl Money {
    /// The amount of `pence` pence.
    pub const fn from_pence(pence: u64) -> Self {
        Self { pence }
    }

    /// The amount of `pounds` whole pounds, if it fits.
    pub const fn from_pounds(pounds: u64) -> Option<Self> {
        match pounds.checked_mul(100) {
            Some(pence) => Some(Self { pence }),
            None => None,
        }
    }

    /// The amount in pence.
    pub const fn pence(self) -> u64 {
        self.pence
    }

    /// Whether the amount is nothing at all.
    pub const fn is_zero(self) -> bool {
        self.pence == 0
    }

    /// The amount as plain decimal text, without a sign or separators:
    /// `1200.50`. This is how it is stored and sent as JSON.
    pub fn plain(self) -> String {
        format!("{}.{:02}", self.pence / 100, self.pence % 100)
    }

    /// The sum, if it fits.
    pub const fn checked_add(self, other: Money) -> Option<Money> {
        match self.pence.checked_add(other.pence) {
            Some(pence) => Some(Self { pence }),
            None => None,
        }
    }

    /// Reads an amount as a person writes it: an optional `£`, pounds
    /// with or without commas between thousands, and up to two digits of
    /// pence after a point. Spaces around it are ignored.
    pub fn parse(text: &str) -> Result<Self, MoneyProblem> {
        let text = text.trim();
        let text = text.strip_prefix('£').map_or(text, str::trim_start);
        if text.is_empty() {
            return Err(MoneyProblem::Missing);
        }
        if text.starts_with(['-', '+', '−']) {
            return Err(MoneyProblem::Signed);
        }
        let (pounds, pence) = match text.split_once('.') {
            Some((pounds, pence)) => (pounds, Some(pence)),
            None => (text, None),
        };
        let pounds = whole_pounds(pounds)?;
        let pence = match pence {
            None | Some("") if pounds.is_empty() => return Err(MoneyProblem::NotAnAmount),
            None | Some("") => 0,
            Some(digits) if !digits.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(MoneyProblem::NotAnAmount);
            }
            Some(digits) if digits.len() > 2 => return Err(MoneyProblem::TooManyDecimals),
            Some(digits) => {
                let value: u64 = digits.parse().map_err(|_| MoneyProblem::NotAnAmount)?;
                if digits.len() == 1 { value * 10 } else { value }
            }
        };
        let pounds: u64 = match pounds.is_empty() {
            true => 0,
            false => pounds.parse().map_err(|_| MoneyProblem::TooLarge)?,
        };
        pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .map(Self::from_pence)
            .ok_or(MoneyProblem::TooLarge)
    }

    /// The amount written with `separator` between thousands and two
    /// digits of pence, after a `£`.
    pub(crate) fn written(self, separator: &str) -> String {
        let pounds = (self.pence / 100).to_string();
        let mut out = String::with_capacity(pounds.len() + 8);
        out.push('£');
        for (i, digit) in pounds.chars().enumerate() {
            if i > 0 && (pounds.len() - i) % 3 == 0 {
                out.push_str(separator);
            }
            out.push(digit);
        }
        out.push_str(&format!(".{:02}", self.pence % 100));
        out
    }
}

/// The digits of whole pounds, commas between thousands removed: `""`
/// when there are none (".50").
fn whole_pounds(text: &str) -> Result<String, MoneyProblem> {
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(MoneyProblem::NotAnAmount);
    }
    if text.contains(',') {
        // Commas between thousands only: "1,200", "12,345,678".
        let mut groups = text.split(',');
        let first = groups.next().unwrap_or("");
        let grouped = (1..=3).contains(&first.len()) && groups.all(|group| group.len() == 3);
        if !grouped {
            return Err(MoneyProblem::NotAnAmount);
        }
    }
    Ok(text.replace(',', ""))
}

impl fmt::Display for Money {
    /// `£1,200.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written(","))
    }
}

impl std::iter::Sum for Money {
    /// The total; it stops at the largest amount rather than wrap.
    fn sum<I: Iterator<Item = Money>>(amounts: I) -> Money {
        Money::from_pence(amounts.fold(0u64, |sum, m| sum.saturating_add(m.pence)))
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(MONEY_TYPE_NAME, &self.plain())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MoneyVisitor;
        impl<'de> serde::de::Visitor<'de> for MoneyVisitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of money as text, like 1200.50")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Money, E> {
                Money::parse(text).map_err(|problem| E::custom(format!("{problem:?}")))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                inner: D,
            ) -> Result<Money, D::Error> {
                let text = String::deserialize(inner)?;
                self.visit_str(&text)
            }
        }
        deserializer.deserialize_newtype_struct(MONEY_TYPE_NAME, MoneyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::{Money, MoneyProblem};

    fn pence(text: &str) -> Result<u64, MoneyProblem> {
        Money::parse(text).map(Money::pence)
    }

    #[test]
    fn an_amount_is_read_as_a_person_means_it() {
        assert_eq!(pence("£12.50"), Ok(1250));
        assert_eq!(pence("12.5"), Ok(1250));
        assert_eq!(pence("1,200"), Ok(120_000));
        assert_eq!(pence(" £ 1,200.00 "), Ok(120_000));
        assert_eq!(pence("12,345,678.9"), Ok(1_234_567_890));
        assert_eq!(pence("0.99"), Ok(99));
        assert_eq!(pence(".5"), Ok(50));
        assert_eq!(pence("7."), Ok(700));
        assert_eq!(pence("0"), Ok(0));
    }

    #[test]
    fn what_is_not_an_amount_says_why() {
        assert_eq!(pence(""), Err(MoneyProblem::Missing));
        assert_eq!(pence(" £ "), Err(MoneyProblem::Missing));
        assert_eq!(pence("-5"), Err(MoneyProblem::Signed));
        assert_eq!(pence("£-5"), Err(MoneyProblem::Signed));
        assert_eq!(pence("+5"), Err(MoneyProblem::Signed));
        assert_eq!(pence("12.505"), Err(MoneyProblem::TooManyDecimals));
        for wrong in [
            "twelve", "1,20", "12,0000", ",100", "1.2.3", "12.5a", "£", ".", "1 200", "1e3",
        ] {
            assert!(
                matches!(
                    pence(wrong),
                    Err(MoneyProblem::NotAnAmount | MoneyProblem::Missing)
                ),
                "{wrong:?} read as {:?}",
                pence(wrong)
            );
        }
        assert_eq!(pence("184467440737095516.16"), Err(MoneyProblem::TooLarge));
        assert_eq!(pence("99999999999999999999"), Err(MoneyProblem::TooLarge));
    }

    #[test]
    fn it_is_shown_with_pounds_grouped_and_two_digits_of_pence() {
        assert_eq!(Money::from_pence(0).to_string(), "£0.00");
        assert_eq!(Money::from_pence(5).to_string(), "£0.05");
        assert_eq!(Money::from_pence(120_050).to_string(), "£1,200.50");
        assert_eq!(Money::from_pence(100_000_000).to_string(), "£1,000,000.00");
        assert_eq!(Money::from_pence(99_999).to_string(), "£999.99");
        assert_eq!(Money::from_pence(120_050).plain(), "1200.50");
    }

    #[test]
    fn it_is_kept_as_its_decimal_text() {
        let amount = Money::from_pence(120_050);
        let json = serde_json::to_string(&amount).unwrap_or_default();
        assert_eq!(json, "\"1200.50\"");
        let back: Money = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, amount);
        assert!(serde_json::from_str::<Money>("\"-1\"").is_err());
    }
}
