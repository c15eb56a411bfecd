//! Typed multi-page form wizards for actix-web.
//!
//! A wizard is a struct with one field per step; each step is a struct of
//! form fields with `serde` and `validator` derives. [`WizardService`]
//! serves each step at its own URL, keeps answers and drafts in the
//! session (through actix-session, on the embedded [`MemoryStore`] by
//! default), refuses to let anyone skip ahead, re-validates everything at
//! the end and runs [`Wizard::finish`] once.
//!
//! See the README for a complete example; `examples/signup` is a full
//! application.

#![warn(missing_docs)]

// The derives name this crate's items as `::actix_wizard::…`, here too.
extern crate self as actix_wizard;

mod body;
pub mod catalogue;
mod check_answers;
mod cipher;
mod claim_ahead;
mod components;
pub mod config;
mod csrf;
mod date;
mod declaration;
mod events;
mod exit;
pub mod field;
mod field_errors;
mod files;
pub mod form;
mod headers;
mod htmx;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals;
mod journey;
mod json;
pub mod language;
pub mod ledger;
mod money;
mod mount;
mod once;
mod pipeline;
mod problem;
mod render;
mod repeat;
mod resource;
mod reveal;
mod run;
#[cfg(feature = "save-and-return")]
pub mod save_return;
mod schema;
mod secret;
mod session;
mod setup;
mod slot;
mod state;
mod step;
mod steps;
pub mod store;
mod tabs;
#[cfg(feature = "testing")]
pub mod testing;
mod text_input;
mod texts;
mod translate;
mod untranslated;
#[cfg(feature = "uploads")]
pub mod upload;
mod visitor;
mod wizard;

pub use actix_wizard_derive::{Choice, Step};
pub use config::WizardConfig;
pub use date::Date;
pub use events::WizardEvent;
pub use exit::Exit;
pub use field_errors::{FieldError, FieldErrors};
pub use money::Money;
pub use pipeline::WizardService;
pub use render::CompletePage;
pub use repeat::Repeat;
pub use resource::ResourceKey;
pub use secret::Secret;
pub use setup::WizardSetup;
pub use slot::Summary;
pub use step::Step;
pub use steps::Steps;
pub use store::MemoryStore;
pub use wizard::{Admission, Finish, FinishError, Wizard, resource, run_of};

/// Pages: the page a step is shown on, the components it is made of, the
/// check-answers list, the layout around it and every word the crate
/// writes.
pub mod page {
    pub use crate::check_answers::{Answer, AnswerSection};
    pub use crate::render::{
        AriaAttributes, Buttons, CheckAnswers, CompletePage, ErrorMessage, ErrorSummary, Field,
        FileRemoveForms, HiddenFields, LanguageLink, LanguageSwitcher, Layout, LayoutFn, Markup,
        Page, PageTop, Progress, ProgressLine, STYLESHEET, SafeHtml, Timeout, TimeoutWarning,
        WIZARD_SCRIPT, WizardScript,
    };
    pub use crate::texts::{ProblemWords, SaveTexts, Text, Texts};
}

/// HTTP: the middleware a wizard needs (session, store outage, the claim
/// sent ahead), the security headers, and the names of the CSRF token.
pub mod http {
    pub use crate::claim_ahead::ClaimAheadService;
    pub use crate::csrf::{CSRF_FIELD, CSRF_HEADER};
    pub use crate::headers::SecurityHeaders;
    pub use crate::session::{StoreOutage, StoreOutageService, session_middleware};
    pub use crate::setup::WizardMiddleware;
}
