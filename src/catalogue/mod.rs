//! [`Catalogue`]: a wizard's own words — titles, labels, hints, options,
//! messages, exit pages — in one more language, read from a Fluent file
//! (feature `translations`). The English in the declarations stays the
//! source and the default; a catalogue gives the other language's words
//! by step and field:
//!
//! ```text
//! # A step, by its name: its title, and its button when it declares one.
//! claimant = Eich manylion
//!     .button = Parhau
//! # A field, as `{step}-{field}`: its label, then what it declares.
//! claimant-full_name = Enw llawn
//!     .hint = Fel y mae ar eich pasbort
//!     .subject = eich enw llawn
//!     .message-length = Rhowch eich enw llawn
//! # A choice's options, by their values.
//! claimant-contact = Sut ddylem ni gysylltu â chi?
//!     .option-email = E-bost
//!     .option-phone = Ffôn
//!     .option-phone-hint = Rhwng 9am a 5pm
//! # A list: its page's title and what one item is called; its question
//! # is its field `add_another`.
//! expenses = Eich treuliau
//!     .noun = Traul
//! # An exit page, by its URL segment.
//! not-eligible = Ni allwch ddefnyddio'r gwasanaeth hwn
//!     .body = Dim ond os ydych yn gweithio i ni y gallwch hawlio treuliau.
//! ```
//!
//! The attributes of a field are `hint`, `subject`, `checkbox`,
//! `type-error`, `prefix`, `suffix`, `option-{value}`,
//! `option-{value}-hint` and `message-{code}` (validator's code of a rule,
//! or the code a check or a custom function gives its error). Words are
//! resolved once, when the catalogue is read, through Fluent's concurrent
//! bundle with Unicode isolation marks off (terms and references to other
//! messages work; a word takes no variables); requests read a map.
//!
//! At start-up the wizard lists each word of its declaration that a
//! language's catalogue lacks, and each word a catalogue has that no
//! declaration does: a server logs them as warnings, and the testing kit
//! fails.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

#[cfg(feature = "translations")]
mod fluent;
pub(crate) mod intern;

/// A wizard's words in one language, by key: see the [module](self).
/// Give it to the language's [`Texts`](crate::page::Texts) with
/// [`Texts::with_catalogue`](crate::page::Texts::with_catalogue).
/// Cheap to clone (shared); two catalogues are equal when they are the
/// same one.
#[derive(Clone, Default)]
pub struct Catalogue(Option<Arc<Loaded>>);

/// A message of the catalogue: its value and attributes, resolved.
#[derive(Debug, Default)]
pub(crate) struct Entry {
    pub value: Option<&'static str>,
    pub attributes: Vec<(&'static str, &'static str)>,
}

struct Loaded {
    /// A number no other catalogue of the process has, for caches.
    serial: u64,
    lang: String,
    entries: HashMap<&'static str, Entry>,
}

impl Catalogue {
    /// No words: every word is the declaration's.
    pub const NONE: Catalogue = Catalogue(None);

    /// A catalogue of language `lang` from its entries, each resolved.
    #[cfg(any(feature = "translations", test))]
    pub(crate) fn from_entries(lang: &str, entries: Vec<(&'static str, Entry)>) -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static SERIALS: AtomicU64 = AtomicU64::new(1);
        Self(Some(Arc::new(Loaded {
            serial: SERIALS.fetch_add(1, Ordering::Relaxed),
            lang: lang.to_owned(),
            entries: entries.into_iter().collect(),
        })))
    }

    /// Whether it has no words.
    pub fn is_empty(&self) -> bool {
        self.0
            .as_ref()
            .is_none_or(|loaded| loaded.entries.is_empty())
    }

    /// Its language's tag, as it was read with (`cy`); empty for
    /// [`Catalogue::NONE`].
    pub fn lang(&self) -> &str {
        self.0.as_ref().map_or("", |loaded| &loaded.lang)
    }

    /// The message `id`, when the catalogue has it.
    pub(crate) fn entry(&self, id: &str) -> Option<&Entry> {
        self.0.as_ref()?.entries.get(id)
    }

    /// Every message, by id, in no order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&'static str, &Entry)> {
        self.0
            .iter()
            .flat_map(|loaded| loaded.entries.iter().map(|(id, entry)| (*id, entry)))
    }

    /// Message `id`'s value.
    pub(crate) fn value(&self, id: &str) -> Option<&'static str> {
        self.entry(id)?.value
    }

    /// Message `id`'s attribute `name`.
    pub(crate) fn attribute(&self, id: &str, name: &str) -> Option<&'static str> {
        let entry = self.entry(id)?;
        entry
            .attributes
            .iter()
            .find(|(attribute, _)| *attribute == name)
            .map(|(_, text)| *text)
    }

    /// A number that names this catalogue in the process (0 for none),
    /// for caches.
    pub(crate) fn serial(&self) -> u64 {
        self.0.as_ref().map_or(0, |loaded| loaded.serial)
    }
}

impl PartialEq for Catalogue {
    fn eq(&self, other: &Self) -> bool {
        self.serial() == other.serial()
    }
}

impl Eq for Catalogue {}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words = self.0.as_ref().map_or(0, |loaded| loaded.entries.len());
        f.debug_struct("Catalogue")
            .field("lang", &self.lang())
            .field("messages", &words)
            .finish()
    }
}

/// Why a catalogue could not be read: each mistake with its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueError {
    /// Each mistake, as `line N: what`.
    pub mistakes: Vec<String>,
}

impl fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the catalogue could not be read: {}",
            self.mistakes.join("; ")
        )
    }
}

impl std::error::Error for CatalogueError {}

/// What the start-up check of a wizard's words finds in one language: a
/// word of the declaration the language's catalogue lacks, or a word the
/// catalogue has that no declaration does (a typo, or a field since
/// renamed). Keys read `id` or `id.attribute`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The language's tag.
    pub lang: String,
    /// The word's key.
    pub key: String,
    /// The declaration's English, when the catalogue lacks the word;
    /// `None` when no declaration has it.
    pub english: Option<&'static str>,
}

impl Finding {
    /// Whether the catalogue lacks the word (else it has one too many).
    pub fn is_missing(&self) -> bool {
        self.english.is_some()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.english {
            Some(english) => write!(
                f,
                "{}: `{}` is missing (the declaration says {english:?})",
                self.lang, self.key
            ),
            None => write!(
                f,
                "{}: `{}` is in the catalogue, but no declaration has it",
                self.lang, self.key
            ),
        }
    }
}
