//! The places of a list ([`crate::Repeat`]) in a run: its page's and its
//! items' URLs, which item an id names (a stored one, or the one the run
//! makes next), and the item steps that apply.

use actix_web::HttpRequest;

use super::Inner;
use crate::repeat::REMOVE_SEGMENT;
use crate::run::Run;
use crate::slot::List;
use crate::wizard::Wizard;

/// What an address under a list names, past `{base}/{list}/`.
pub(super) enum ItemPath {
    /// `{item}/{step}`: item step `step`.
    Step { id: String, step: usize },
    /// `{item}/remove`.
    Remove { id: String },
}

impl ItemPath {
    /// Reads `rest` (`{item}/{step}` or `{item}/remove`); `None` for
    /// anything else.
    pub(super) fn parse<W>(list: &dyn List<W>, rest: &str) -> Option<Self> {
        let (id, last) = rest.split_once('/')?;
        let well_formed = id.len() == ITEM_ID_CHARS
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return None;
        }
        let id = id.to_owned();
        if last == REMOVE_SEGMENT {
            return Some(Self::Remove { id });
        }
        list.step_named(last).map(|step| Self::Step { id, step })
    }
}

/// An item id's length: the 96-bit tag in base64url.
const ITEM_ID_CHARS: usize = 16;

/// An item step: the list at `.0`, the item's id and which item it is,
/// the item step.
pub(super) type ItemStepAt<'i> = (usize, &'i str, Item, usize);

/// Which item an id names.
#[derive(Clone, Copy)]
pub(super) enum Item {
    /// A stored item, at this position.
    Stored(usize),
    /// The item the run makes next.
    New,
}

impl<W: Wizard> Inner<W> {
    /// What `request`'s path names under the list at `index`.
    pub(super) fn item_at(&self, index: usize, request: &HttpRequest) -> Option<ItemPath> {
        let base = self.runs.base_of(request);
        let rest = request.path().strip_prefix(&*base)?;
        let rest = rest
            .strip_prefix('/')?
            .strip_prefix(self.steps.slots[index].name())?;
        ItemPath::parse(self.list_at(index).ok()?, rest.strip_prefix('/')?)
    }

    /// `{base}/{list}`.
    pub(super) fn list_url(&self, base: &str, index: usize) -> String {
        format!("{base}/{}", self.steps.slots[index].name())
    }

    /// `{base}/{list}/{item}/{step}`, with `?change` when the visitor came
    /// from the check page.
    pub(super) fn item_url(
        &self,
        base: &str,
        index: usize,
        id: &str,
        step: usize,
        change: bool,
    ) -> String {
        let list = self.steps.slots[index].list();
        let step = list.map_or("", |list| list.step(step).name);
        let name = self.steps.slots[index].name();
        let query = if change { "?change" } else { "" };
        format!("{base}/{name}/{id}/{step}{query}")
    }

    /// Where the list at `index` starts: its page, or with no item yet a
    /// new item's first step.
    pub(super) fn list_entry_url(&self, run: &Run<W>, index: usize) -> String {
        let name = self.steps.slots[index].name();
        if run.journey().items(name).is_empty() {
            let id = self.runs.next_item_id(run, name);
            return self.item_url(run.base(), index, &id, 0, false);
        }
        self.list_url(run.base(), index)
    }

    pub(super) fn item_of(&self, run: &Run<W>, index: usize, id: &str) -> Option<Item> {
        let name = self.steps.slots[index].name();
        let items = run.journey().items(name);
        if let Some(position) = items.iter().position(|item| item.id == id) {
            return Some(Item::Stored(position));
        }
        self.runs.offers_item_id(run, name, id).then_some(Item::New)
    }

    /// Every applying step of every item of the lists among `active`: the
    /// list, the item's position and id, the step.
    pub(super) fn item_steps_of(
        &self,
        run: &Run<W>,
        active: &[usize],
    ) -> Vec<(usize, usize, String, usize)> {
        let journey = run.journey();
        let mut steps = Vec::new();
        for &index in active {
            if self.steps.slots[index].list().is_none() {
                continue;
            }
            for (position, item) in journey
                .items(self.steps.slots[index].name())
                .iter()
                .enumerate()
            {
                for step in journey.item_steps(index, position) {
                    steps.push((index, position, item.id.clone(), step));
                }
            }
        }
        steps
    }
}

/// An item step to check again: its list, the item's position and id,
/// the step.
pub(super) type ItemStepOf = (usize, usize, String, usize);
