//! "Save and come back later" in a test: a mailer that keeps its letters
//! ([`Mailbag`]), and a visitor that saves and resumes.

use std::sync::{Arc, Mutex};

use futures_util::future::LocalBoxFuture;

use super::{Seen, Visitor};
use crate::save_return::{Letter, MailError, Mailer};

/// A mailer that keeps every letter, for a test to read: give a clone to
/// [`crate::save_return::SaveAndReturn::new`] and keep one.
///
/// ```no_run
/// # async fn example(app: &actix_wizard::testing::TestApp, mailbag: actix_wizard::testing::Mailbag) {
/// # #[derive(Default)] struct Signup;
/// # impl actix_wizard::Wizard for Signup {
/// #     const ID: &'static str = "signup"; type Outcome = ();
/// #     fn steps() -> actix_wizard::Steps<Self> { actix_wizard::Steps::new() }
/// #     async fn finish(self, _: &actix_wizard::Finish) -> Result<(), actix_wizard::FinishError> { Ok(()) }
/// #     fn render_complete(_: &(), _: &actix_wizard::page::CompletePage<'_>) -> Result<String, askama::Error> { Ok(String::new()) }
/// # }
/// let mut visitor = app.visitor::<Signup>("/signup");
/// visitor.open("/signup/details").await;
/// visitor.save_for_later("ann@example.com").await;
/// let link = mailbag.newest_link().expect("a link was sent");
/// let mut elsewhere = app.visitor::<Signup>("/signup");
/// elsewhere.resume(&link, "ann@example.com").await.assert_step("details");
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Mailbag(Arc<Mutex<Vec<Letter>>>);

impl Mailbag {
    /// An empty bag.
    pub fn new() -> Self {
        Self::default()
    }

    /// The letters sent so far, oldest first.
    pub fn letters(&self) -> Vec<Letter> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The path (`/signup/resume/…`) of the link in the newest letter.
    pub fn newest_link(&self) -> Option<String> {
        let letters = self.letters();
        let body = &letters.last()?.body;
        body.split_whitespace()
            .find(|word| word.contains("/resume/"))
            .map(|url| {
                let path = url.split_once("://").map_or(url, |(_, rest)| rest);
                let start = path.find('/').unwrap_or(0);
                path[start..].to_owned()
            })
    }
}

impl Mailer for Mailbag {
    fn send<'a>(&'a self, letter: &'a Letter) -> LocalBoxFuture<'a, Result<(), MailError>> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(letter.clone());
        Box::pin(std::future::ready(Ok(())))
    }
}

impl<W: crate::Wizard> Visitor<'_, W> {
    /// Presses "Save and come back later" on the current page (what it
    /// holds sent with it), then sends the link to `address`: the page
    /// that says where it went.
    pub async fn save_for_later(&mut self, address: &str) -> &Seen {
        self.press("save", &[]).await;
        self.submit_pairs(&[("email", address)]).await
    }

    /// Opens `link` and gives `address`: the page the run resumes on (or
    /// what refused it).
    pub async fn resume(&mut self, link: &str, address: &str) -> &Seen {
        let page = self.open(link).await;
        if page.status() != actix_web::http::StatusCode::OK {
            return self.page();
        }
        self.submit_pairs(&[("email", address)]).await
    }
}
