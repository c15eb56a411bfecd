//! Reading a catalogue from Fluent's text (feature `translations`).

use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentError, FluentResource};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use super::{Catalogue, CatalogueError, Entry, intern};

impl Catalogue {
    /// The words of language `lang` (a BCP 47 tag: `cy`) in Fluent's
    /// syntax, keyed as the [module](crate::catalogue) says.
    ///
    /// # Errors
    ///
    /// With every mistake and its line: text Fluent cannot read, a
    /// message given twice, a word that does not resolve (a reference to
    /// a message or term the file does not have, or a variable: a word
    /// takes none), or a tag that is not one.
    ///
    /// ```
    /// use actix_wizard::catalogue::Catalogue;
    ///
    /// let welsh = Catalogue::fluent("cy", "claimant = Eich manylion\n").expect("read");
    /// assert_eq!(welsh.lang(), "cy");
    /// let broken = Catalogue::fluent("cy", "claimant = { $name }\n").unwrap_err();
    /// assert!(broken.to_string().contains("claimant"));
    /// ```
    pub fn fluent(lang: &str, source: &str) -> Result<Catalogue, CatalogueError> {
        let mut mistakes = Vec::new();
        let tag: LanguageIdentifier = lang.parse().unwrap_or_else(|_| {
            mistakes.push(format!("`{lang}` is not a language tag"));
            LanguageIdentifier::default()
        });
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                for error in errors {
                    let line = line_of(source, error.pos.start);
                    mistakes.push(format!("line {line}: {error}"));
                }
                resource
            }
        };
        let resource = Arc::new(resource);
        let mut bundle = FluentBundle::new_concurrent(vec![tag]);
        bundle.set_use_isolating(false);
        if let Err(errors) = bundle.add_resource(Arc::clone(&resource)) {
            mistakes.extend(errors.iter().map(FluentError::to_string));
        }
        let mut entries = Vec::new();
        for entry in resource.entries() {
            let ast::Entry::Message(message) = entry else {
                continue;
            };
            let id = message.id.name;
            entries.push((intern::text(id), resolved(&bundle, id, &mut mistakes)));
        }
        if mistakes.is_empty() {
            Ok(Catalogue::from_entries(lang, entries))
        } else {
            Err(CatalogueError { mistakes })
        }
    }
}

/// Message `id`'s value and attributes, each formatted once.
fn resolved(
    bundle: &FluentBundle<Arc<FluentResource>>,
    id: &str,
    mistakes: &mut Vec<String>,
) -> Entry {
    let Some(message) = bundle.get_message(id) else {
        return Entry::default();
    };
    let mut word = |pattern, name: &str| {
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, None, &mut errors);
        for error in &errors {
            mistakes.push(format!("message `{name}`: {error}"));
        }
        intern::text(&text)
    };
    let value = message.value().map(|pattern| word(pattern, id));
    let attributes = message
        .attributes()
        .map(|attribute| {
            let name = attribute.id();
            let text = word(attribute.value(), &format!("{id}.{name}"));
            (intern::text(name), text)
        })
        .collect();
    Entry { value, attributes }
}

/// The line (from 1) of byte `at` of `source`.
fn line_of(source: &str, at: usize) -> usize {
    let at = at.min(source.len());
    source.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_resolve_once_without_isolation_marks() {
        let source = "-service = Hawlio treuliau\n\
                      claimant = Eich manylion – { -service }\n    .button = Parhau\n\
                      claimant-name = Enw llawn\n    .hint = { claimant-name }, fel ar eich pasbort\n";
        let welsh = Catalogue::fluent("cy", source).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            welsh.value("claimant"),
            Some("Eich manylion – Hawlio treuliau")
        );
        assert_eq!(welsh.attribute("claimant", "button"), Some("Parhau"));
        assert_eq!(
            welsh.attribute("claimant-name", "hint"),
            Some("Enw llawn, fel ar eich pasbort")
        );
        assert!(welsh.entry("-service").is_none(), "a term is not a word");
        let hint = welsh.attribute("claimant-name", "hint").unwrap_or("");
        assert!(!hint.contains('\u{2068}') && !hint.contains('\u{2069}'));
    }

    #[test]
    fn each_mistake_is_named_with_its_line_or_message() {
        let source = "ok = Iawn\nno equals sign here\nref = { missing }\nok = Eto\n";
        let error = Catalogue::fluent("cy", source).unwrap_err();
        let all = error.to_string();
        assert!(all.contains("line 2"), "{all}");
        assert!(all.contains("message `ref`"), "{all}");
        assert!(all.contains("ok"), "{all}");
        let tag = Catalogue::fluent("not a tag!", "a = b\n").unwrap_err();
        assert!(tag.to_string().contains("not a language tag"), "{tag}");
    }
}
