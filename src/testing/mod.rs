//! A testing kit for wizards: drive any wizard in-process, through the
//! application's real middleware and routes, as a visitor with a browser
//! would, and read what the visitor sees.
//!
//! Enable the `testing` feature in `[dev-dependencies]`:
//!
//! ```toml
//! [dev-dependencies]
//! actix-wizard = { version = "0.1", features = ["testing"] }
//! ```
//!
//! [`TestApp::new`] builds the application from a [`crate::WizardSetup`], the
//! way `HttpServer::new` would. A [`Visitor`] has its own cookie jar (a
//! [`CookieJar`] that behaves like a browser's), opens pages, submits a
//! step's form from the step's own typed value (the kit writes exactly the
//! pairs a browser would send, with the page's CSRF token), follows
//! redirects, and gives back what it sees as a [`Seen`]: the step, the
//! error beside each field and in the summary, the values the form
//! shows, the notice, the completion page's text. Every assertion that
//! fails says where the visitor is, the errors the page shows, and its
//! text.
//!
//! A visitor can also start anywhere ([`Visitor::start_with`]: a run
//! stored at any step, sealed as the pipeline seals it), and the kit's
//! [`TestClock`] moves time on without sleeping, past the idle timeout for
//! instance. [`TestApp::finishes`] counts how often the finish handler ran
//! for a run.
//!
//! ```
//! use actix_web::App;
//! use actix_wizard::testing::TestApp;
//! use actix_wizard::{
//!     CompletePage, Finish, FinishError, MemoryStore, Step, Steps, Wizard, WizardConfig, WizardSetup,
//! };
//! use serde::{Deserialize, Serialize};
//! use validator::Validate;
//!
//! #[derive(Default, Serialize, Deserialize, Validate, Step)]
//! #[step(name = "name", title = "What is your name?")]
//! struct Name {
//!     #[field(label = "Full name")]
//!     #[validate(length(min = 1, message = "Enter your full name"))]
//!     full_name: String,
//! }
//!
//! #[derive(Default)]
//! struct Hello {
//!     name: Name,
//! }
//!
//! impl Wizard for Hello {
//!     const ID: &'static str = "hello";
//!     type Outcome = String;
//!     fn steps() -> Steps<Self> {
//!         Steps::new().step(|w| &mut w.name)
//!     }
//!     async fn finish(self, _: &Finish) -> Result<String, FinishError> {
//!         Ok(self.name.full_name)
//!     }
//!     fn render_complete(name: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
//!         let _ = name; // an application would render it, escaped, with askama
//!         page.in_layout("Done", "<h1>Thank you</h1>")
//!     }
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let setup = WizardSetup::new(
//!     MemoryStore::default(),
//!     actix_web::cookie::Key::generate(),
//!     WizardConfig::default(),
//! );
//! let app = TestApp::new(setup, |setup| {
//!     App::new().wrap(setup.middleware()).service(setup.wizard::<Hello>("/hello"))
//! })
//! .await;
//! let mut visitor = app.visitor::<Hello>("/hello");
//!
//! visitor.open("/hello").await.assert_step("name");
//! let page = visitor.submit(&Name::default()).await;
//! page.assert_status(422).assert_error(Name::FULL_NAME, "Enter your full name");
//!
//! let done = visitor.submit(&Name { full_name: "Ann Smith".into() }).await;
//! done.assert_complete();
//! assert_eq!(done.heading().as_deref(), Some("Thank you"));
//! assert_eq!(app.finishes(&visitor.run_id().unwrap()), 1);
//! # });
//! ```

mod app;
mod explore;
mod fill;
mod jar;
#[cfg(feature = "save-and-return")]
mod save_return;
mod seen;
#[cfg(feature = "uploads")]
mod upload;
mod visitor;

pub use app::{Answers, ItemAnswers, Recorded, TestApp, TestClock};
pub use explore::{Condition, End, Exploration, Explorer, Path};
pub use jar::CookieJar;
#[cfg(feature = "save-and-return")]
pub use save_return::Mailbag;
pub use seen::{Seen, SummaryLink};
pub use visitor::Visitor;
