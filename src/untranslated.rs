//! The start-up check of a wizard's words in each of its languages: every
//! word its declaration has that a language's catalogue lacks, and every
//! word a catalogue has that no declaration does
//! ([`crate::catalogue::Finding`]). A server logs them; the testing kit
//! fails on them.

use std::collections::{HashMap, HashSet};

use crate::catalogue::{Catalogue, Finding};
use crate::config::WizardConfig;
use crate::field::FieldSpec;
use crate::steps::Steps;
use crate::translate::{self, FIELD_WORDS, MESSAGE, OPTION, UNITS, YES_NO};

/// A declaration's words, by message id: each attribute it asks for
/// (`None`: the value) with its English.
#[derive(Default)]
struct Declared {
    words: Vec<(String, Option<String>, &'static str)>,
    /// Field message ids: they may carry units and any `message-*`.
    fields: HashSet<String>,
}

impl Declared {
    fn value(&mut self, id: &str, english: &'static str) {
        self.words.push((id.to_owned(), None, english));
    }

    fn attribute(&mut self, id: &str, name: String, english: Option<&'static str>) {
        if let Some(english) = english {
            self.words.push((id.to_owned(), Some(name), english));
        }
    }

    /// A step's (or item step's) title, button and fields.
    fn step(
        &mut self,
        name: &str,
        title: &'static str,
        button: Option<&'static str>,
        fields: &[FieldSpec],
    ) {
        self.value(name, title);
        self.attribute(name, "button".to_owned(), button);
        for spec in fields {
            self.field(name, spec);
        }
    }

    fn field(&mut self, step: &str, spec: &FieldSpec) {
        let id = translate::field_id(step, spec.name);
        self.value(&id, spec.label);
        let declared = [spec.hint, spec.subject, spec.checkbox, spec.type_error];
        for (name, english) in FIELD_WORDS.iter().zip(declared) {
            self.attribute(&id, (*name).to_owned(), english);
        }
        // A unit with letters in it ("kg", "per month") is a word.
        for (name, unit) in UNITS.iter().zip([spec.prefix, spec.suffix]) {
            let worded = unit.filter(|unit| unit.chars().any(char::is_alphabetic));
            self.attribute(&id, (*name).to_owned(), worded);
        }
        if !std::ptr::eq(spec.options, &YES_NO[..]) {
            for choice in spec.options {
                let key = format!("{OPTION}{}", choice.value);
                self.attribute(&id, format!("{key}-hint"), choice.hint);
                self.attribute(&id, key, Some(choice.label));
            }
        }
        for (code, text) in spec.messages {
            self.attribute(&id, format!("{MESSAGE}{code}"), Some(text));
        }
        self.fields.insert(id);
    }
}

/// Every word of wizard `steps`' declaration, by key.
fn declared<W>(steps: &Steps<W>) -> Declared {
    let mut declared = Declared::default();
    for slot in &steps.slots {
        let Some(list) = slot.list() else {
            declared.step(slot.name(), slot.title(), slot.button(), slot.fields());
            continue;
        };
        declared.value(slot.name(), slot.title());
        declared.attribute(slot.name(), "noun".to_owned(), Some(list.noun()));
        for spec in slot.fields() {
            declared.field(slot.name(), spec);
        }
        for step in 0..list.step_count() {
            let item = list.step(step);
            declared.step(item.name, item.title, item.button, item.fields);
        }
    }
    for rule in &steps.exits {
        let exit = &rule.exit;
        declared.value(exit.segment(), exit.title());
        declared.attribute(exit.segment(), "body".to_owned(), Some(exit.body_text()));
    }
    declared
}

/// What the check finds in each of `config`'s languages but the one the
/// declarations are written in: missing words in declaration order, then
/// stray ones by key.
pub(crate) fn findings<W>(steps: &Steps<W>, config: &WizardConfig) -> Vec<Finding> {
    let languages = std::iter::once(&config.texts).chain(&config.languages);
    let others: Vec<_> = languages
        .filter(|texts| !texts.lang.eq_ignore_ascii_case(&config.declared_in))
        .collect();
    if others.is_empty() {
        return Vec::new();
    }
    let declared = declared(steps);
    let mut found = Vec::new();
    for texts in others {
        missing(&declared, &texts.catalogue, &texts.lang, &mut found);
        strays(&declared, &texts.catalogue, &texts.lang, &mut found);
    }
    found
}

fn missing(declared: &Declared, catalogue: &Catalogue, lang: &str, found: &mut Vec<Finding>) {
    for (id, attribute, english) in &declared.words {
        let has = match attribute {
            None => catalogue.value(id).is_some(),
            Some(name) => catalogue.attribute(id, name).is_some(),
        };
        if !has {
            let key = match attribute {
                None => id.clone(),
                Some(name) => format!("{id}.{name}"),
            };
            found.push(Finding {
                lang: lang.to_owned(),
                key,
                english: Some(english),
            });
        }
    }
}

fn strays(declared: &Declared, catalogue: &Catalogue, lang: &str, found: &mut Vec<Finding>) {
    let mut known: HashMap<&str, HashSet<Option<&str>>> = HashMap::new();
    for (id, attribute, _) in &declared.words {
        known
            .entry(id.as_str())
            .or_default()
            .insert(attribute.as_deref());
    }
    let mut stray = Vec::new();
    for (id, entry) in catalogue.entries() {
        let Some(asked) = known.get(id) else {
            stray.push(id.to_owned());
            continue;
        };
        if entry.value.is_some() && !asked.contains(&None) {
            stray.push(id.to_owned());
        }
        let field = declared.fields.contains(id);
        for (name, _) in &entry.attributes {
            let extra = field && (name.starts_with(MESSAGE) || UNITS.contains(name));
            if !extra && !asked.contains(&Some(*name)) {
                stray.push(format!("{id}.{name}"));
            }
        }
    }
    stray.sort();
    found.extend(stray.into_iter().map(|key| Finding {
        lang: lang.to_owned(),
        key,
        english: None,
    }));
}

/// Tells of what the check found: a warning per finding on a server; a
/// panic listing them all where `config` says to fail (the testing kit).
pub(crate) fn report(id: &str, found: &[Finding], config: &WizardConfig) {
    if found.is_empty() {
        return;
    }
    if config.fail_untranslated {
        let list: Vec<String> = found.iter().map(Finding::to_string).collect();
        panic!(
            "wizard `{id}`: its words and its catalogues do not match:\n  {}",
            list.join("\n  ")
        );
    }
    for finding in found {
        tracing::warn!(wizard = id, "{finding}");
    }
}
