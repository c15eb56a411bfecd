//! The answers the explorer gives a field, made from its declaration: for
//! each, the ones to try in turn until the page takes them (the first the
//! likeliest), the ones that may change the path (every option of a
//! choice, both sides of a yes/no box), and one the field must refuse.

use crate::date::DATE_PARTS;
use crate::field::{FieldSpec, Kind, Rule};
use crate::testing::fill::TICKED;

/// One field's answer as a browser sends it: pairs, or a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The pairs of the field's controls (none: left empty or unticked).
    Pairs(Vec<(String, String)>),
    /// A file chosen: its name and content.
    File(String, Vec<u8>),
}

impl Answer {
    pub(crate) fn one(name: &str, value: &str) -> Self {
        Self::Pairs(vec![(name.to_owned(), value.to_owned())])
    }

    /// How an edge of the picture names it: `field=value`.
    pub(crate) fn shown(&self, field: &str) -> String {
        match self {
            Answer::Pairs(pairs) if pairs.is_empty() => format!("{field}=(none)"),
            Answer::Pairs(pairs) => {
                let values: Vec<&str> = pairs.iter().map(|(_, v)| v.as_str()).collect();
                format!("{field}={}", values.join(" "))
            }
            Answer::File(name, _) => format!("{field}={name}"),
        }
    }
}

/// An address no other answer of the walk has: what the finish keeps
/// (an account, say) may have to be new.
pub(crate) fn fresh_email() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("explorer.{n}@example.com")
}

/// A small file of a kind the field takes: a PDF, else a PNG.
fn sample_file(spec: &FieldSpec) -> Answer {
    let kinds = spec.accept.unwrap_or("pdf, jpeg, png").to_ascii_lowercase();
    if kinds.contains("pdf") {
        let pdf = b"%PDF-1.4\n% a file the explorer made\n%%EOF\n".to_vec();
        return Answer::File("explorer.pdf".to_owned(), pdf);
    }
    let png = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
    ];
    Answer::File("explorer.png".to_owned(), png)
}

fn date(name: &str, offset_days: i64) -> Answer {
    let today = crate::Date::today().value();
    let day = today
        .checked_add(time::Duration::days(offset_days))
        .unwrap_or(today);
    let parts = [
        day.day().to_string(),
        u8::from(day.month()).to_string(),
        day.year().to_string(),
    ];
    Answer::Pairs(
        DATE_PARTS
            .iter()
            .zip(parts)
            .map(|(part, value)| (format!("{name}-{part}"), value))
            .collect(),
    )
}

/// A text that fits the field's `length` rule.
fn fitting(spec: &FieldSpec, text: &str) -> String {
    let bounds = spec.rules.iter().find_map(|rule| match rule {
        Rule::Length { min, max, equal } => Some((equal.or(*min), equal.or(*max))),
        _ => None,
    });
    let Some((min, max)) = bounds else {
        return text.to_owned();
    };
    let mut fitted: String = text.to_owned();
    let min = usize::try_from(min.unwrap_or(0)).unwrap_or(0);
    while fitted.chars().count() < min {
        fitted.push('x');
    }
    if let Some(max) = max.and_then(|max| usize::try_from(max).ok()) {
        fitted = fitted.chars().take(max).collect();
    }
    fitted
}

fn has(spec: &FieldSpec, wanted: impl Fn(&Rule) -> bool) -> bool {
    spec.rules.iter().any(wanted)
}

/// The answers to try for `spec` in turn, `samples` (the author's) first.
pub(crate) fn valid(spec: &FieldSpec, samples: &[String]) -> Vec<Answer> {
    let name = spec.name;
    let mut answers: Vec<Answer> = samples
        .iter()
        .map(|sample| match spec.kind {
            Kind::Date => iso_date(name, sample).unwrap_or_else(|| Answer::one(name, sample)),
            _ => Answer::one(name, sample),
        })
        .collect();
    let required = !spec.optional || has(spec, |r| matches!(r, Rule::Required));
    let texts = |list: &[&str]| -> Vec<Answer> {
        list.iter()
            .map(|text| Answer::one(name, &fitting(spec, text)))
            .collect()
    };
    answers.extend(match spec.kind {
        Kind::Radios | Kind::Select | Kind::Checkboxes => spec
            .options
            .iter()
            .map(|choice| Answer::one(name, choice.value))
            .collect(),
        Kind::Checkbox => vec![Answer::one(name, TICKED), Answer::Pairs(Vec::new())],
        Kind::Date => vec![date(name, -30), date(name, 30)],
        Kind::File | Kind::Files if required => vec![sample_file(spec)],
        // A file, so that the walk sends one; none when it is refused.
        Kind::File | Kind::Files => vec![sample_file(spec), Answer::Pairs(Vec::new())],
        Kind::Number => number(spec),
        Kind::Money => texts(&["12.50", "1", "100"]),
        Kind::Email => texts(&[&fresh_email()]),
        Kind::Telephone => texts(&["01632 960 001", "07700 900 982"]),
        Kind::Password => texts(&["Correct-Horse-Battery-42"]),
        _ if has(spec, |r| *r == Rule::Email) => texts(&[&fresh_email()]),
        _ if has(spec, |r| *r == Rule::Url) => texts(&["https://example.com"]),
        _ => texts(&["Sample answer", "123456", "AB1 2CD", "01632 960 001"]),
    });
    answers
}

fn number(spec: &FieldSpec) -> Vec<Answer> {
    let (min, max) = spec
        .rules
        .iter()
        .find_map(|rule| match rule {
            Rule::Range { min, max } => Some((*min, *max)),
            _ => None,
        })
        .unwrap_or((None, None));
    let low = min.unwrap_or(1);
    let low = max.map_or(low, |max| low.min(max));
    let mut values = vec![low];
    if let Some(max) = max {
        values.push(max);
    }
    values
        .iter()
        .map(|n| Answer::one(spec.name, &n.to_string()))
        .collect()
}

fn iso_date(name: &str, iso: &str) -> Option<Answer> {
    let mut parts = iso.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let values = [day, month, year].map(|part| part.trim_start_matches('0').to_owned());
    Some(Answer::Pairs(
        DATE_PARTS
            .iter()
            .zip(values)
            .map(|(part, value)| (format!("{name}-{part}"), value))
            .collect(),
    ))
}

/// Whether another of `spec`'s answers may take the visitor elsewhere: a
/// choice's options, a yes/no box, and the author's samples.
pub(crate) fn branches(spec: &FieldSpec, samples: &[String]) -> bool {
    !samples.is_empty()
        || matches!(
            spec.kind,
            Kind::Radios | Kind::Select | Kind::Checkboxes | Kind::Checkbox
        )
}

/// An answer `spec` must refuse, when the declaration says of one.
pub(crate) fn wrong(spec: &FieldSpec) -> Option<Answer> {
    let name = spec.name;
    let too_long = spec.rules.iter().find_map(|rule| match rule {
        Rule::Length { max: Some(max), .. } if !spec.kind.is_file() => usize::try_from(*max).ok(),
        _ => None,
    });
    let must_have = has(spec, |r| matches!(r, Rule::Required | Rule::Ticked))
        || has(spec, |r| matches!(r, Rule::Length { min: Some(1..), .. }));
    Some(match spec.kind {
        Kind::Number | Kind::Money => Answer::one(name, "not a number"),
        Kind::Date => Answer::Pairs(
            DATE_PARTS
                .iter()
                .zip(["32", "13", "20x6"])
                .map(|(part, value)| (format!("{name}-{part}"), value.to_owned()))
                .collect(),
        ),
        Kind::Radios | Kind::Select | Kind::Checkboxes => Answer::one(name, "not-an-option"),
        Kind::Email => Answer::one(name, "not-an-email"),
        _ if has(spec, |r| *r == Rule::Email) => Answer::one(name, "not-an-email"),
        _ if too_long.is_some() => Answer::one(name, &"x".repeat(too_long? + 1)),
        Kind::Checkbox | Kind::File | Kind::Files if must_have => Answer::Pairs(Vec::new()),
        _ if must_have => Answer::one(name, ""),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Choice;

    static PLANS: [Choice; 2] = [Choice::new("free", "Free"), Choice::new("team", "Team")];

    #[test]
    fn answers_follow_the_declaration() {
        let name = FieldSpec::new("name", "Name", Kind::Text).rules(&[Rule::Length {
            min: Some(20),
            max: Some(25),
            equal: None,
        }]);
        let Answer::Pairs(pairs) = &valid(&name, &[])[0] else {
            panic!("a text is pairs");
        };
        let length = pairs[0].1.chars().count();
        assert!((20..=25).contains(&length), "{pairs:?}");
        assert_eq!(wrong(&name), Some(Answer::one("name", &"x".repeat(26))));

        let age = FieldSpec::new("age", "Age", Kind::Number).rules(&[Rule::Range {
            min: Some(18),
            max: Some(99),
        }]);
        assert_eq!(valid(&age, &[])[0], Answer::one("age", "18"));
        assert_eq!(wrong(&age), Some(Answer::one("age", "not a number")));

        let plan = FieldSpec::new("plan", "Plan", Kind::Radios).options(&PLANS);
        assert_eq!(
            valid(&plan, &[]),
            [Answer::one("plan", "free"), Answer::one("plan", "team")]
        );
        assert!(branches(&plan, &[]));
        assert!(!branches(&age, &[]));
        assert!(branches(&age, &["40".to_owned()]));

        let email = FieldSpec::new("email", "Email", Kind::Email);
        assert_ne!(
            valid(&email, &[]),
            valid(&email, &[]),
            "a new address each time"
        );
        let note = FieldSpec::new("note", "Note", Kind::Text).optional(true);
        assert_eq!(wrong(&note), None, "nothing is wrong for a free text");
        let when = FieldSpec::new("when", "When", Kind::Date);
        let Some(Answer::Pairs(parts)) = wrong(&when) else {
            panic!("a date is refused by its parts");
        };
        assert_eq!(parts[0], ("when-day".to_owned(), "32".to_owned()));
    }
}
