//! The field components, each written from a declaration and a form.

use super::*;
use crate::field::Choice;
use crate::form::FormLimits;

fn render(spec: &FieldSpec, form: &str, error: Option<FieldError>) -> String {
    let values = RawForm::parse(form.as_bytes(), FormLimits::default()).unwrap();
    let texts = Texts::default();
    let view = FieldView {
        spec,
        name: spec.name,
        label: spec.label,
        values: &values,
        error: error.as_ref(),
        texts: &texts,
        revealed: &[],
    };
    let mut out = String::new();
    view.write(&mut out);
    out
}

fn error(field: &str, part: Option<&str>) -> FieldError {
    FieldError {
        field: field.into(),
        message: "Wrong <here>".into(),
        part: part.map(str::to_owned),
        code: None,
    }
}

const PLANS: &[Choice] = &[
    Choice::new("free", "Free"),
    Choice::new("team", "Team").with_hint("Up to 20"),
];

#[test]
fn a_text_input_is_labelled_described_and_escaped() {
    let spec = FieldSpec::new("email", "Email address", Kind::Email)
        .hint("We reply here")
        .autocomplete("email");
    let html = render(&spec, "email=%22%3E%3Cb%3E", Some(error("email", None)));
    assert!(html.contains(r#"<label class="label" for="email">Email address</label>"#));
    assert!(html.contains(r#"value="&#34;&#62;&#60;b&#62;""#), "{html}");
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="email-hint email-error""#));
    assert!(html.contains("Wrong &#60;here&#62;"));
    assert!(html.contains(r#"type="email""#) && html.contains(r#"spellcheck="false""#));
}

#[test]
fn a_password_is_never_written_back() {
    let spec = FieldSpec::new("password", "Password", Kind::Password);
    let html = render(&spec, "password=hunter22", None);
    assert!(!html.contains("hunter22"), "{html}");
    assert!(html.contains(r#"value="""#));
}

#[test]
fn the_first_radio_has_the_fields_id_and_every_radio_is_invalid() {
    let spec = FieldSpec::new("plan", "Plan", Kind::Radios)
        .options(PLANS)
        .hint("Pick one");
    let html = render(&spec, "plan=team", Some(error("plan", None)));
    assert!(
        html.contains(r#"id="plan" name="plan" type="radio" value="free" aria-invalid="true">"#),
        "{html}"
    );
    assert!(html.contains(r#"id="plan-team" name="plan" type="radio" value="team" checked aria-invalid="true" aria-describedby="plan-team-item-hint">"#), "{html}");
    assert!(
        html.contains(r#"<fieldset class="fieldset" aria-describedby="plan-hint plan-error">"#)
    );
    assert!(!html.contains(r#"<fieldset class="fieldset" id="#));
}

#[test]
fn a_single_checkbox_takes_the_fields_id() {
    let spec = FieldSpec::new("terms", "Terms", Kind::Checkbox).checkbox("I accept");
    let html = render(&spec, "terms=true", Some(error("terms", None)));
    assert!(
        html.contains(
            r#"id="terms" name="terms" type="checkbox" value="yes" checked aria-invalid="true">"#
        ),
        "{html}"
    );
    assert!(html.contains("<legend class=\"legend\">Terms</legend>"));
}

#[test]
fn a_date_shows_its_parts_and_marks_the_wrong_one() {
    let spec = FieldSpec::new("dob", "Date of birth", Kind::Date).autocomplete("bday");
    let html = render(
        &spec,
        "dob-day=3&dob-month=&dob-year=1990",
        Some(error("dob", Some("month"))),
    );
    assert!(
        html.contains(r#"<fieldset class="fieldset" role="group" aria-describedby="dob-error">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"class="input input--error input--width-2" id="dob-month""#),
        "{html}"
    );
    // Only the part the error names is marked, in style and for a
    // screen reader alike.
    assert!(html.contains(r#"class="input input--width-2" id="dob-day" name="dob-day" type="text" inputmode="numeric" value="3" autocomplete="bday-day">"#), "{html}");
    assert!(html.contains(r#"id="dob-month" name="dob-month" type="text" inputmode="numeric" value="" autocomplete="bday-month" aria-invalid="true">"#), "{html}");
    // The whole date's error marks every part.
    let whole = render(
        &spec,
        "dob-day=31&dob-month=2&dob-year=1990",
        Some(error("dob", None)),
    );
    assert_eq!(whole.matches("input--error").count(), 3, "{whole}");
    assert_eq!(whole.matches("aria-invalid=\"true\"").count(), 3, "{whole}");
    let stored = render(&spec, "dob=1990-05-17", None);
    assert!(
        stored.contains(
            r#"id="dob-month" name="dob-month" type="text" inputmode="numeric" value="5""#
        ),
        "{stored}"
    );
}

#[test]
fn a_character_count_is_counted_on_the_server() {
    let spec = FieldSpec::new("bio", "Bio", Kind::Textarea)
        .max_chars(10)
        .optional(true);
    let html = render(&spec, "bio=abcd", None);
    assert!(html.contains("You have 6 characters remaining"), "{html}");
    assert!(html.contains(r#"aria-describedby="bio-info""#));
    assert!(html.contains("Bio (optional)"));
}
