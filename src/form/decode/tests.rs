use super::*;
use crate::{Secret, form::FormLimits};
use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Topic {
    Rust,
    Web,
}

#[derive(Debug, Deserialize)]
struct Profile {
    name: String,
    age: Option<u32>,
    height: u8,
    topics: Vec<Topic>,
    favourite: Option<Topic>,
    newsletter: bool,
    bio: Option<String>,
    password: Secret,
    pin: Option<Secret>,
}

fn form(body: &str) -> RawForm {
    RawForm::parse(body.as_bytes(), FormLimits::default()).unwrap()
}

#[test]
fn decodes_a_complete_form() {
    let decoded = decode::<Profile>(&form(
        "name=+Ann+&age=42&height=180&topics=rust&topics=web&favourite=web\
         &newsletter=yes&bio=&password=+pass+&pin=1234",
    ))
    .unwrap();
    assert!(decoded.mismatches.is_empty());
    let p = decoded.value;
    assert_eq!(p.name, "Ann");
    assert_eq!(p.age, Some(42));
    assert_eq!(p.height, 180);
    assert_eq!(p.topics, [Topic::Rust, Topic::Web]);
    assert_eq!(p.favourite, Some(Topic::Web));
    assert!(p.newsletter);
    assert_eq!(p.bio, None);
    assert_eq!(p.password.expose(), " pass ");
    assert_eq!(
        p.pin.map(|s| s.expose().to_owned()).as_deref(),
        Some("1234")
    );
}

#[test]
fn absent_fields_take_their_empty_values() {
    let p = decode::<Profile>(&form("height=1")).unwrap().value;
    assert_eq!(p.name, "");
    assert_eq!(p.age, None);
    assert!(p.topics.is_empty());
    assert!(!p.newsletter);
    assert!(p.password.is_empty());
}

#[test]
fn reports_every_wrong_type_at_once() {
    let decoded = decode::<Profile>(&form(
        "age=abc&height=300&topics=rust&topics=cobol&favourite=x&newsletter=maybe",
    ))
    .unwrap();
    assert_eq!(
        decoded.mismatches,
        [
            ("age", Mismatch::WholeNumber),
            ("height", Mismatch::OutOfRange { min: 0, max: 255 }),
            ("topics", Mismatch::Choice),
            ("favourite", Mismatch::Choice),
            ("newsletter", Mismatch::YesNo),
        ]
    );
}

#[test]
fn learns_fields_and_secrets() {
    let shape = shape_of::<Profile>().unwrap();
    assert_eq!(shape.fields.len(), 9);
    assert_eq!(shape.fields[0], "name");
    assert_eq!(shape.secrets, ["password", "pin"]);
}

#[test]
fn refuses_nested_structs() {
    #[derive(Debug, Deserialize)]
    struct Inner {
        _a: u8,
    }
    #[derive(Debug, Deserialize)]
    struct Outer {
        _inner: Inner,
    }
    assert!(shape_of::<Outer>().is_err());
}

proptest::proptest! {
    #[test]
    fn any_form_decodes_with_mismatches_only_on_declared_fields(
        pairs in proptest::collection::vec(
            (proptest::sample::select(vec!["name", "age", "height", "topics", "favourite", "newsletter", "bio", "password", "pin", "other"]), "\\PC{0,12}"),
            0..16,
        )
    ) {
        let mut form = RawForm::default();
        for (name, value) in &pairs {
            form.push(*name, value.as_str());
        }
        let decoded = decode::<Profile>(&form);
        proptest::prop_assert!(decoded.is_ok());
        let shape = shape_of::<Profile>().unwrap();
        for (field, _) in decoded.unwrap().mismatches {
            proptest::prop_assert!(shape.fields.contains(&field));
        }
    }
}

mod dates {
    use super::*;
    use crate::date::Date;
    use crate::form::FormLimits;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Born {
        date_of_birth: Date,
        moved_in: Option<Date>,
    }

    #[test]
    fn a_date_reads_its_three_parts() {
        let form = RawForm::parse(
            b"dateOfBirth-day=17&dateOfBirth-month=5&dateOfBirth-year=1990&movedIn-day=3",
            FormLimits::default(),
        )
        .unwrap();
        let decoded = decode::<Born>(&form).unwrap();
        assert_eq!(
            decoded.value.date_of_birth,
            Date::from_ymd(1990, 5, 17).unwrap()
        );
        assert_eq!(
            decoded.mismatches,
            [(
                "movedIn",
                Mismatch::Date(DateProblem::Incomplete([false, true, true]))
            )]
        );
        let empty = decode::<Born>(&RawForm::default()).unwrap();
        assert!(empty.value.moved_in.is_none());
        assert_eq!(
            empty.mismatches,
            [("dateOfBirth", Mismatch::Date(DateProblem::Missing))]
        );
    }
}

#[test]
fn numbers_are_read_with_their_digits_grouped() {
    let decoded = decode::<Profile>(&form("age=12%2C000&height=1+2+0")).unwrap();
    assert_eq!(decoded.value.age, Some(12_000));
    assert_eq!(decoded.value.height, 120);
    assert!(decoded.mismatches.is_empty(), "{:?}", decoded.mismatches);
    let wrong = decode::<Profile>(&form("age=12.000%2C5&height=1")).unwrap();
    assert_eq!(wrong.mismatches, [("age", Mismatch::WholeNumber)]);
}

#[test]
fn a_yes_or_no_is_read_in_any_case_and_with_spaces() {
    for yes in ["yes", "YES", " On ", "true", "1"] {
        assert_eq!(super::parse_yes_no(yes), Some(true), "{yes:?}");
    }
    for no in ["", "  ", "No", "FALSE", "off", "0"] {
        assert_eq!(super::parse_yes_no(no), Some(false), "{no:?}");
    }
    for neither in ["maybe", "yess", "2", "o n"] {
        assert_eq!(super::parse_yes_no(neither), None, "{neither:?}");
    }
}
