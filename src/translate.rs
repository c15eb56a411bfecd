//! A declaration's words in the language a request is answered in: the
//! English of the declaration, with what the language's
//! [`Catalogue`](crate::catalogue::Catalogue) gives in its place, and the
//! crate's own yes/no options from the language's [`Texts`]. A wizard in
//! one language, without a catalogue, gets its declarations back as they
//! are.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use serde_json::Value;

use crate::catalogue::Catalogue;
use crate::catalogue::intern::{self, Kept};
use crate::check_answers::Answer;
use crate::exit::Exit;
use crate::field::{Choice, FieldSpec};
use crate::texts::Texts;

/// The options of the crate's own yes/no questions (a list's "add
/// another", a remove page's): their labels are the language's
/// [`Texts::yes`] and [`Texts::no`].
pub(crate) static YES_NO: [Choice; 2] = [Choice::new("yes", "Yes"), Choice::new("no", "No")];

/// The attributes a field's message may have besides `option-*` and
/// `message-*`: its declared words, then the two units, which are
/// translated when given and not asked for when not.
pub(crate) const FIELD_WORDS: [&str; 4] = ["hint", "subject", "checkbox", "type-error"];
pub(crate) const UNITS: [&str; 2] = ["prefix", "suffix"];
/// The prefixes of an option's and a message's attribute.
pub(crate) const OPTION: &str = "option-";
pub(crate) const MESSAGE: &str = "message-";

/// A step's (or a list's) title.
pub(crate) fn title(texts: &Texts, step: &str, english: &'static str) -> &'static str {
    texts.catalogue.value(step).unwrap_or(english)
}

/// A step's own button, when it declares one.
pub(crate) fn button(
    texts: &Texts,
    step: &str,
    english: Option<&'static str>,
) -> Option<&'static str> {
    english.map(|label| texts.catalogue.attribute(step, "button").unwrap_or(label))
}

/// What one item of list `list` is called.
pub(crate) fn noun(texts: &Texts, list: &str, english: &'static str) -> &'static str {
    texts.catalogue.attribute(list, "noun").unwrap_or(english)
}

/// An exit page with its words in the language.
pub(crate) fn exit(texts: &Texts, exit: &Exit) -> Exit {
    let segment = exit.segment();
    let title = texts.catalogue.value(segment).unwrap_or(exit.title());
    let body = texts
        .catalogue
        .attribute(segment, "body")
        .unwrap_or(exit.body_text());
    Exit::new(segment, title, body)
}

/// The key of a field's message: `{step}-{field}`.
pub(crate) fn field_id(step: &str, field: &str) -> String {
    format!("{step}-{field}")
}

static FIELDS: Kept<[FieldSpec]> = Kept::new();
static CHOICES: Kept<[Choice]> = Kept::new();
static MESSAGES: Kept<[(&'static str, &'static str)]> = Kept::new();

/// Fields already translated, by catalogue and declaration.
type Done = RwLock<HashMap<(u64, usize), &'static [FieldSpec]>>;
static DONE: OnceLock<Done> = OnceLock::new();

/// Step `step`'s fields with their words in the language.
pub(crate) fn fields(
    texts: &Texts,
    step: &str,
    english: &'static [FieldSpec],
) -> &'static [FieldSpec] {
    let yes_no = english
        .iter()
        .any(|spec| std::ptr::eq(spec.options, &YES_NO[..]));
    let catalogue = &texts.catalogue;
    if catalogue.is_empty() && !yes_no {
        return english;
    }
    if catalogue.is_empty() {
        return translated(catalogue, texts, step, english);
    }
    let key = (catalogue.serial(), english.as_ptr() as usize);
    let done = DONE.get_or_init(Done::default);
    let kept = done.read().map(|done| done.get(&key).copied());
    if let Ok(Some(kept)) = kept {
        return kept;
    }
    let made = translated(catalogue, texts, step, english);
    if let Ok(mut done) = done.write() {
        done.insert(key, made);
    }
    made
}

fn translated(
    catalogue: &Catalogue,
    texts: &Texts,
    step: &str,
    english: &'static [FieldSpec],
) -> &'static [FieldSpec] {
    let specs = english
        .iter()
        .map(|spec| field(catalogue, texts, step, spec))
        .collect();
    intern_fields(specs)
}

fn field(catalogue: &Catalogue, texts: &Texts, step: &str, spec: &FieldSpec) -> FieldSpec {
    let id = field_id(step, spec.name);
    let word = |name: &str, english: Option<&'static str>| {
        english.map(|text| catalogue.attribute(&id, name).unwrap_or(text))
    };
    FieldSpec {
        label: catalogue.value(&id).unwrap_or(spec.label),
        hint: word("hint", spec.hint),
        subject: word("subject", spec.subject),
        checkbox: word("checkbox", spec.checkbox),
        type_error: word("type-error", spec.type_error),
        prefix: word("prefix", spec.prefix),
        suffix: word("suffix", spec.suffix),
        options: options(catalogue, texts, &id, spec.options),
        messages: messages(catalogue, &id, spec.messages),
        ..*spec
    }
}

fn options(
    catalogue: &Catalogue,
    texts: &Texts,
    id: &str,
    english: &'static [Choice],
) -> &'static [Choice] {
    if std::ptr::eq(english, &YES_NO[..]) {
        let [yes, no] = &YES_NO;
        let yes = Choice::new(yes.value, intern::text(&texts.yes));
        let no = Choice::new(no.value, intern::text(&texts.no));
        return CHOICES.keep(&[yes, no], || Box::new([yes, no]));
    }
    if english.is_empty() || catalogue.entry(id).is_none() {
        return english;
    }
    let choices: Vec<Choice> = english
        .iter()
        .map(|choice| {
            let key = format!("{OPTION}{}", choice.value);
            let hint = choice.hint.map(|hint| {
                let key = format!("{key}-hint");
                catalogue.attribute(id, &key).unwrap_or(hint)
            });
            Choice {
                label: catalogue.attribute(id, &key).unwrap_or(choice.label),
                hint,
                ..*choice
            }
        })
        .collect();
    CHOICES.keep(&choices, || choices.clone().into_boxed_slice())
}

/// The declared messages in the language, and any other `message-{code}`
/// the catalogue gives the field (the codes of checks and custom rules).
fn messages(
    catalogue: &Catalogue,
    id: &str,
    english: &'static [(&'static str, &'static str)],
) -> &'static [(&'static str, &'static str)] {
    let Some(entry) = catalogue.entry(id) else {
        return english;
    };
    let mut all: Vec<(&'static str, &'static str)> = english
        .iter()
        .map(|(code, text)| {
            let key = format!("{MESSAGE}{code}");
            (*code, catalogue.attribute(id, &key).unwrap_or(text))
        })
        .collect();
    for (name, text) in &entry.attributes {
        let Some(code) = name.strip_prefix(MESSAGE) else {
            continue;
        };
        if !all.iter().any(|(declared, _)| *declared == code) {
            all.push((code, text));
        }
    }
    MESSAGES.keep(&all, || all.clone().into_boxed_slice())
}

/// Check-answers rows in the language: a row labelled as its field
/// declares gets the translated label, and a choice's answer the
/// translated options' labels, read from the step's `stored` answers.
pub(crate) fn rows(
    rows: &mut [Answer],
    english: &[FieldSpec],
    translated: &[FieldSpec],
    stored: &Value,
) {
    for row in rows {
        let at = english.iter().position(|spec| spec.name == row.field);
        let Some((declared, spec)) = at.map(|at| (&english[at], &translated[at])) else {
            continue;
        };
        if row.label == declared.label {
            row.label = spec.label.to_owned();
        }
        if spec.options.is_empty() {
            continue;
        }
        let label = |value: &Value| {
            let value = value.as_str()?;
            spec.options
                .iter()
                .find(|c| c.value == value)
                .map(|c| c.label)
        };
        let chosen: Option<Vec<&str>> = match stored.get(spec.name) {
            Some(Value::Array(values)) => values.iter().map(label).collect(),
            Some(value @ Value::String(_)) => label(value).map(|one| vec![one]),
            _ => None,
        };
        if let Some(chosen) = chosen.filter(|chosen| !chosen.is_empty()) {
            row.value = chosen.join(", ");
        }
    }
}

fn intern_fields(specs: Vec<FieldSpec>) -> &'static [FieldSpec] {
    FIELDS.keep(&specs, || specs.clone().into_boxed_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Entry;
    use crate::field::Kind;

    static PLAN: [Choice; 2] = [
        Choice::new("free", "Free"),
        Choice::new("team", "Team").with_hint("Up to 20 people"),
    ];
    static DECLARED: [FieldSpec; 2] = [
        FieldSpec::new("name", "Full name", Kind::Text)
            .hint("As on your passport")
            .messages(&[("length", "Enter your full name")]),
        FieldSpec::new("plan", "Plan", Kind::Radios).options(&PLAN),
    ];

    fn welsh() -> Texts {
        let entry = |value, attributes: &[(&'static str, &'static str)]| Entry {
            value: Some(value),
            attributes: attributes.to_vec(),
        };
        let catalogue = Catalogue::from_entries(
            "cy",
            vec![
                ("about", entry("Amdanoch chi", &[("button", "Ymlaen")])),
                (
                    "about-name",
                    entry(
                        "Enw llawn",
                        &[
                            ("message-length", "Rhowch eich enw llawn"),
                            ("message-taken", "Mae'r enw wedi'i gymryd"),
                        ],
                    ),
                ),
                (
                    "about-plan",
                    entry(
                        "Cynllun",
                        &[("option-team", "Tîm"), ("option-team-hint", "Hyd at 20")],
                    ),
                ),
            ],
        );
        Texts::WELSH.with_catalogue(catalogue)
    }

    #[test]
    fn a_catalogue_gives_its_words_and_the_declaration_the_rest() {
        let texts = welsh();
        let fields = fields(&texts, "about", &DECLARED);
        assert_eq!(fields[0].label, "Enw llawn");
        assert_eq!(
            fields[0].hint,
            Some("As on your passport"),
            "not given: English"
        );
        assert_eq!(fields[0].message("length"), Some("Rhowch eich enw llawn"));
        assert_eq!(fields[0].message("taken"), Some("Mae'r enw wedi'i gymryd"));
        assert_eq!(fields[1].options[0].label, "Free");
        assert_eq!(fields[1].options[1].label, "Tîm");
        assert_eq!(fields[1].options[1].hint, Some("Hyd at 20"));
        assert!(
            std::ptr::eq(fields, super::fields(&texts, "about", &DECLARED)),
            "kept once"
        );
        assert_eq!(title(&texts, "about", "About you"), "Amdanoch chi");
        assert_eq!(button(&texts, "about", None), None);
        assert_eq!(button(&texts, "about", Some("Next")), Some("Ymlaen"));
    }

    #[test]
    fn without_a_catalogue_the_declaration_is_given_back_and_yes_no_follow_the_texts() {
        let english = Texts::english();
        assert!(std::ptr::eq(
            fields(english, "about", &DECLARED),
            &DECLARED[..]
        ));
        static QUESTION: [FieldSpec; 1] =
            [FieldSpec::new("add_another", "Add another?", Kind::Radios).options(&YES_NO)];
        let welsh = fields(&Texts::WELSH, "list", &QUESTION);
        assert_eq!(welsh[0].options[0].label, Texts::WELSH.yes);
        assert_eq!(welsh[0].options[1].label, Texts::WELSH.no);
    }
}
