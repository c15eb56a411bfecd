use super::*;
use crate::field::Kind;
use crate::form::FormLimits;

fn page_with<'a>(values: &'a RawForm, errors: &'a FieldErrors) -> Page<'a> {
    Page {
        title: "Your details",
        action: "/w/details".into(),
        values,
        errors,
        csrf_token: "tok<en>",
        revision: 0,
        progress: Progress {
            current: 2,
            total: 4,
        },
        notice: None,
        has_back: true,
        is_last: false,
        button: None,
        is_change: false,
        can_save: false,
        sections: &[],
        base: "/w",
        fields: FIELDS,
        texts: Texts::english(),
        layout: |layout| Ok(layout.default_document()),
        fragment: false,
        placed: None,
        timeout: None,
        switcher: Default::default(),
    }
}

const FIELDS: &[FieldSpec] = &[
    FieldSpec::new("age", "Age", Kind::Number),
    FieldSpec::new("news", "News", Kind::Checkbox),
    FieldSpec::new("dob", "Date of birth", Kind::Date),
];

#[test]
fn the_summary_links_to_the_control_that_takes_focus() {
    let values = RawForm::default();
    let mut errors = FieldErrors::new();
    errors.add_at("dob", Some("month"), "Date of birth must include a month");
    errors.add("news", "Say yes or no");
    let page = page_with(&values, &errors);
    let summary = page.error_summary().to_string();
    assert!(summary.contains(r##"href="#dob-month""##), "{summary}");
    assert!(summary.contains(r##"href="#news""##), "{summary}");
    let whole = page.render_default().unwrap();
    assert!(whole.starts_with("<!DOCTYPE html>"));
    assert!(
        whole.contains(r#"id="dob-month" name="dob-month""#),
        "{whole}"
    );
    assert!(whole.contains(r#"id="news" name="news" type="checkbox""#));
    assert!(whole.contains("<title>Error: Your details</title>"));
}

#[test]
fn an_invalid_field_is_described_by_its_message() {
    let values = RawForm::parse(b"age=abc&news=true", FormLimits::default()).unwrap();
    let mut errors = FieldErrors::new();
    errors.add("age", "Enter a whole number");
    let page = page_with(&values, &errors);
    assert_eq!(page.document_title(), "Error: Your details");
    let age = page.field("age");
    assert_eq!(age.value(), "abc");
    assert_eq!(
        age.aria().to_string(),
        r#" aria-invalid="true" aria-describedby="age-error""#
    );
    let message = age.error_message().to_string();
    assert!(message.contains(r#"id="age-error""#), "{message}");
    assert!(message.contains("Enter a whole number"));
    assert_eq!(page.field("news").aria().to_string(), "");
    assert!(page.field("news").checked("yes"));
    assert!(!page.field("news").checked("no"));

    let summary = page.error_summary().to_string();
    assert!(summary.contains(r#"role="alert""#));
    assert!(summary.contains(r##"href="#age""##));
}

#[test]
fn components_escape_what_they_show() {
    let values = RawForm::default();
    let errors = FieldErrors::new();
    let page = page_with(&values, &errors);
    assert_eq!(page.error_summary().to_string().trim(), "");
    let hidden = page.hidden_fields().to_string();
    assert!(hidden.contains(r#"name="csrf_token""#));
    assert!(hidden.contains("tok&#60;en&#62;"), "{hidden}");
    assert_eq!(
        page.progress().to_string().trim(),
        r#"<p class="progress">Step 2 of 4</p>"#
    );
}

#[test]
fn the_default_layout_ends_each_title_with_the_service_given_once() {
    let texts = Texts {
        service: "Claim your expenses".into(),
        ..Texts::default()
    };
    let layout = Layout::new("Your details", "<h1>Your details</h1>", &texts);
    let page = layout.default_document();
    assert!(
        page.contains("<title>Your details \u{2013} Claim your expenses</title>"),
        "{page}"
    );
    let plain = Texts::default();
    let page = Layout::new("Your details", "", &plain).default_document();
    assert!(page.contains("<title>Your details</title>"), "{page}");
}
