//! What the explorer knows of a wizard before it walks: its pages as
//! declared (steps, lists and their item steps, exit pages), each with its
//! fields and whether a condition guards it.

use crate::field::FieldSpec;
use crate::steps::Steps;

/// One page a visitor answers: a step, a list's page or an item step.
#[derive(Clone, Debug)]
pub(crate) struct PageModel {
    /// `claimant`, `expenses`, or `expenses/expense` for an item step.
    pub key: String,
    pub fields: &'static [FieldSpec],
    /// Whether a condition decides if it is asked.
    pub conditional: bool,
    /// A list's page: its bounds.
    pub list: Option<(usize, usize)>,
}

/// A wizard's pages in declaration order, and its exit pages by the key
/// of the step that leads to them.
#[derive(Debug, Default)]
pub(crate) struct Model {
    pub pages: Vec<PageModel>,
    pub exits: Vec<(String, String)>,
}

impl Model {
    pub(crate) fn of<W: 'static>(steps: &Steps<W>) -> Self {
        let mut model = Model::default();
        for slot in &steps.slots {
            let Some(list) = slot.list() else {
                model.pages.push(PageModel {
                    key: slot.name().to_owned(),
                    fields: slot.fields(),
                    conditional: slot.conditional(),
                    list: None,
                });
                continue;
            };
            model.pages.push(PageModel {
                key: slot.name().to_owned(),
                fields: slot.fields(),
                conditional: false,
                list: Some((list.min(), list.max())),
            });
            for step in 0..list.step_count() {
                let item = list.step(step);
                model.pages.push(PageModel {
                    key: format!("{}/{}", slot.name(), item.name),
                    fields: item.fields,
                    conditional: list.conditional(step),
                    list: None,
                });
            }
        }
        for rule in &steps.exits {
            let from = steps.slots[rule.step].name().to_owned();
            model.exits.push((rule.exit.segment().to_owned(), from));
        }
        model
    }

    pub(crate) fn page(&self, key: &str) -> Option<&PageModel> {
        self.pages.iter().find(|page| page.key == key)
    }

    pub(crate) fn is_exit(&self, segment: &str) -> bool {
        self.exits.iter().any(|(exit, _)| exit == segment)
    }
}
