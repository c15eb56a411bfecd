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
mod check_answers;
mod cipher;
mod claim_ahead;
mod components;
mod config;
mod csrf;
mod date;
mod declaration;
mod events;
mod field;
mod field_errors;
mod form;
mod headers;
mod htmx;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals;
mod journey;
mod json;
mod ledger;
mod mount;
mod once;
mod problem;
mod render;
mod router;
mod run;
mod schema;
mod secret;
mod session;
mod setup;
mod state;
mod step;
pub mod store;
mod tabs;
#[cfg(feature = "testing")]
pub mod testing;
mod text_input;
mod texts;
mod visitor;
mod wizard;

pub use actix_wizard_derive::{Choice, Step};
pub use check_answers::{Answer, AnswerSection};
pub use cipher::{StateCipher, StateKey};
pub use claim_ahead::ClaimAheadService;
pub use config::{Clock, StateAtRest, SystemClock, WizardConfig};
pub use csrf::CSRF_FIELD;
pub use date::{Date, DateProblem};
pub use events::WizardEvent;
pub use field::{
    Choice, Choices, FieldName, FieldRef, FieldSpec, FieldValue, Kind, Normalise, Rule, ticked,
};
pub use field_errors::{FORM_LEVEL, FieldError, FieldErrors};
pub use form::{FormLimits, MalformedForm, Mismatch, RawForm, TextProblem};
pub use headers::SecurityHeaders;
pub use json::CSRF_HEADER;
#[cfg(feature = "memcached")]
pub use ledger::MemcachedLedger;
#[cfg(feature = "redis")]
pub use ledger::RedisLedger;
pub use ledger::{Claim, RunLedger};
pub use render::{
    AriaAttributes, Buttons, CheckAnswers, CompletePage, DRAFTS_SCRIPT, DraftsScript, ErrorMessage,
    ErrorSummary, Field, HiddenFields, Layout, LayoutFn, Markup, Page, PageTop, Progress,
    ProgressLine, STYLESHEET, SafeHtml,
};
pub use router::WizardService;
pub use secret::Secret;
pub use session::{StoreOutage, StoreOutageService, session_middleware};
pub use setup::{WizardMiddleware, WizardSetup};
pub use step::Step;
#[cfg(feature = "memcached")]
pub use store::MemcachedStore;
#[cfg(feature = "redis")]
pub use store::RedisBackend;
pub use store::{MemoryStore, MemoryStoreBuilder, StoreError};
pub use texts::{ProblemWords, Text, Texts};
pub use wizard::{Admission, Finish, FinishError, Steps, Wizard, resource, run_of};
