//! One check of a whole wizard declaration, when its service is built:
//! a mistake panics at start-up with a message naming it, never at request
//! time.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use std::cell::RefCell;

use crate::field::FieldSpec;
use crate::field_errors::FieldErrors;
use crate::form::RawForm;
use crate::render::{LayoutFn, Page, Progress};
use crate::steps::Steps;
use crate::texts::Texts;

/// The URL segment of the completion page; no step may use it.
pub(crate) const COMPLETE_SEGMENT: &str = "complete";
/// The URL segment the page's timeout warning keeps the session alive at.
pub(crate) const KEEP_ALIVE_SEGMENT: &str = "keep-alive";
/// The URL segments of "save and come back later": the page that asks
/// where to send the link, the page that says it went, and the link's.
pub(crate) const SAVE_SEGMENT: &str = "save";
pub(crate) const SAVED_SEGMENT: &str = "saved";
pub(crate) const RESUME_SEGMENT: &str = "resume";
/// Segments no step or exit page may take.
const RESERVED: [&str; 5] = [
    COMPLETE_SEGMENT,
    KEEP_ALIVE_SEGMENT,
    SAVE_SEGMENT,
    SAVED_SEGMENT,
    RESUME_SEGMENT,
];

/// Whether `name` is safe in a URL segment and in a cookie's name.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Checks wizard `W`'s id and its steps' names.
///
/// # Panics
///
/// When the id is not lowercase letters, digits, `-` or `_`, or another
/// wizard type in this process uses it (their cookies and session entries
/// would collide); when there is no step, or a step name is malformed,
/// reserved or repeated.
use crate::repeat::REMOVE_SEGMENT;
use crate::slot::List;

pub(crate) fn validate<W: 'static>(id: &'static str, steps: &Steps<W>) {
    assert!(
        is_plain_name(id),
        "wizard id `{id}` must be lowercase letters, digits, `-` or `_` (it names cookies and session entries)"
    );
    claim_id::<W>(id);
    assert!(!steps.is_empty(), "wizard `{id}` declares no steps");
    let names: Vec<&str> = steps.slots.iter().map(|s| s.name()).collect();
    for (at, name) in names.iter().enumerate() {
        assert!(
            is_plain_name(name),
            "wizard step name `{name}` must be lowercase letters, digits, `-` or `_`"
        );
        assert!(
            !RESERVED.contains(name),
            "wizard step name `{name}` is reserved for the wizard's own pages ({RESERVED:?})"
        );
        assert!(
            !names[..at].contains(name),
            "wizard step name `{name}` is declared twice"
        );
    }
    for rule in &steps.exits {
        let segment = rule.exit.segment();
        let reserved = [
            COMPLETE_SEGMENT,
            KEEP_ALIVE_SEGMENT,
            SAVE_SEGMENT,
            SAVED_SEGMENT,
            RESUME_SEGMENT,
            "schema.json",
            "wizard.js",
            "r",
            "new",
        ];
        assert!(
            is_plain_name(segment) && !reserved.contains(&segment) && !names.contains(&segment),
            "wizard `{id}`: exit page `{segment}` must be lowercase letters, digits, `-` or `_`, and not a step's name or one of {reserved:?}"
        );
        assert!(
            steps.slots[rule.step].list().is_none(),
            "wizard `{id}`: exit page `{segment}` follows a list; an exit follows a step"
        );
    }
    for (at, slot) in steps.slots.iter().enumerate() {
        if let Some(list) = slot.list() {
            validate_list(id, slot.name(), list, at + 1 == steps.slots.len());
        }
    }
}

/// A list's item steps: plain names, none twice nor `remove`, the first
/// one unconditional (a new item starts there); and the list is not the
/// last step (the finish is a step's button).
fn validate_list<W>(id: &str, name: &str, list: &dyn List<W>, last: bool) {
    assert!(
        !last,
        "wizard `{id}`: list `{name}` is the last step; a step after it finishes the wizard"
    );
    assert!(
        !list.conditional(0),
        "wizard `{id}`: the first step of list `{name}`'s items is conditional; a new item starts there"
    );
    for step in 0..list.step_count() {
        let step_name = list.step(step).name;
        assert!(
            is_plain_name(step_name) && step_name != REMOVE_SEGMENT,
            "wizard `{id}`: list `{name}`'s item step name `{step_name}` must be lowercase letters, digits, `-` or `_`, and not `{REMOVE_SEGMENT}`"
        );
        assert!(
            list.step_named(step_name) == Some(step),
            "wizard `{id}`: list `{name}` declares item step `{step_name}` twice"
        );
    }
}

/// Renders each declared step's page once, with nothing entered, and
/// checks that it places every declared field and no other: a misspelt
/// name in a template, or a field left off its page, is found here.
/// Steps without declared fields, or with
/// [`crate::Step::CHECK_PLACEMENT`] off, are left out.
///
/// # Panics
///
/// With the step and the field, when a page places a field its step does
/// not have or leaves one out, or when a page does not render.
pub(crate) fn check_pages<W: 'static>(id: &str, steps: &Steps<W>, texts: &Texts, layout: LayoutFn) {
    for slot in &steps.slots {
        let Some(list) = slot.list() else {
            let declared = (slot.name(), slot.title(), slot.fields(), slot.button());
            if slot.checks_placement() {
                check_page(id, declared, texts, layout, &|page| slot.render(page));
            }
            continue;
        };
        // A list's item steps, each a page of its own.
        for step in 0..list.step_count() {
            let item = list.step(step);
            if item.checks_placement {
                let declared = (item.name, item.title, item.fields, item.button);
                check_page(id, declared, texts, layout, &|page| list.render(step, page));
            }
        }
    }
}

/// A step's declaration as its page needs it: name, title, fields, button.
type Declared = (
    &'static str,
    &'static str,
    &'static [crate::field::FieldSpec],
    Option<&'static str>,
);

/// Renders one step's page with nothing entered, and checks that it
/// places every declared field and no other.
fn check_page(
    id: &str,
    (step, title, declared, button): Declared,
    texts: &Texts,
    layout: LayoutFn,
    render: &dyn Fn(&Page<'_>) -> Result<String, askama::Error>,
) {
    if declared.is_empty() {
        return;
    }
    let (values, errors) = (RawForm::default(), FieldErrors::new());
    let placed = RefCell::new(Vec::new());
    let page = Page {
        title,
        action: String::new(),
        values: &values,
        errors: &errors,
        csrf_token: "",
        revision: 0,
        progress: Progress {
            current: 1,
            total: 1,
        },
        notice: None,
        has_back: false,
        is_last: false,
        button,
        is_change: false,
        can_save: false,
        sections: &[],
        base: "",
        fields: declared,
        texts,
        layout,
        fragment: false,
        placed: Some(&placed),
        timeout: None,
        switcher: Default::default(),
    };
    if let Err(error) = render(&page) {
        panic!("wizard `{id}`: the page of step `{step}` does not render: {error}");
    }
    check_placed(id, step, declared, &placed.into_inner());
}

/// Panics when a page placed a field its step does not declare, or left
/// out one it does.
fn check_placed(id: &str, step: &str, declared: &[FieldSpec], placed: &[String]) {
    if let Some(stray) = placed
        .iter()
        .find(|p| !declared.iter().any(|f| f.name == **p))
    {
        let known: Vec<&str> = declared.iter().map(|f| f.name).collect();
        panic!(
            "wizard `{id}`: the page of step `{step}` places field `{stray}`, which the step does not have (its fields: {})",
            known.join(", ")
        );
    }
    if let Some(missing) = declared
        .iter()
        .find(|f| !placed.iter().any(|p| p == f.name))
    {
        panic!(
            "wizard `{id}`: the page of step `{step}` never places field `{}` (set `unchecked_placement` on the step if the page places it behind a condition)",
            missing.name
        );
    }
}

/// Records that wizard type `W` uses `id`; two types may not share one.
fn claim_id<W: 'static>(id: &'static str) {
    static IDS: OnceLock<Mutex<HashMap<&'static str, TypeId>>> = OnceLock::new();
    let mut ids = IDS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let owner = *ids.entry(id).or_insert_with(TypeId::of::<W>);
    assert!(
        owner == TypeId::of::<W>(),
        "wizard id `{id}` is used by two different wizards ({})",
        std::any::type_name::<W>()
    );
}

/// Refuses, at start-up, a wizard with a file field where uploads have
/// nowhere to go.
///
/// # Panics
///
/// Naming the step and the field, when a step (or an item's step) has a
/// file field and the configuration has no uploads
/// ([`crate::WizardConfig::uploads`], feature `uploads`).
pub(crate) fn check_files<W: 'static>(id: &str, steps: &Steps<W>, config: &crate::WizardConfig) {
    #[cfg(feature = "uploads")]
    if config.uploads.is_some() {
        return;
    }
    #[cfg(not(feature = "uploads"))]
    let _ = config;
    for slot in &steps.slots {
        let mut pages = vec![(slot.name(), slot.fields())];
        if let Some(list) = slot.list() {
            pages.extend((0..list.step_count()).map(|k| (list.step(k).name, list.step(k).fields)));
        }
        for (step, fields) in pages {
            if let Some(field) = fields.iter().find(|f| f.kind.is_file()) {
                panic!(
                    "wizard `{id}`: step `{step}` has a file field (`{}`): say where files go with \
                     WizardConfig::uploads (feature `uploads`)",
                    field.name
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct One;
    struct Two;

    #[test]
    fn names_must_be_plain() {
        assert!(is_plain_name("account-2_x"));
        assert!(!is_plain_name("Account"));
        assert!(!is_plain_name("a b"));
        assert!(!is_plain_name(""));
        assert!(!is_plain_name("a;b"));
    }

    #[test]
    fn one_id_belongs_to_one_wizard_type() {
        claim_id::<One>("declaration-test");
        claim_id::<One>("declaration-test");
        let other = std::panic::catch_unwind(|| claim_id::<Two>("declaration-test"));
        assert!(other.is_err());
    }
}
