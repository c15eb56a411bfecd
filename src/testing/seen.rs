//! What a visitor sees: a response, read from its HTML as a browser and
//! a person would read it.

use std::fmt::Write as _;

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use scraper::{ElementRef, Html, Selector};

use crate::field::FieldRef;

/// One page (or other response) as the visitor got it, after following
/// redirects.
///
/// Everything is read from the response itself, so a page that drops an
/// error message or a value fails the test that expects it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub(crate) status: StatusCode,
    pub(crate) url: String,
    pub(crate) redirects: Vec<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
    pub(crate) html: Html,
    /// The wizard's base path, to tell its step pages.
    pub(crate) base: String,
}

/// A CSS selector the kit writes itself.
fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|error| panic!("selector {css:?}: {error}"))
}

/// `text` with runs of whitespace made one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_of(element: ElementRef<'_>) -> String {
    let mut text = String::new();
    for node in element.descendants() {
        let Some(words) = node.value().as_text() else {
            continue;
        };
        // A closed `<dialog>` (the timeout warning) says nothing yet.
        let closed = node
            .ancestors()
            .take_while(|above| above.id() != element.id())
            .filter_map(|above| above.value().as_element())
            .any(|above| above.name() == "dialog" && above.attr("open").is_none());
        if !closed {
            text.push_str(words);
        }
    }
    collapse(&text)
}

/// `value` quoted for a CSS attribute selector.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One link of the error summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLink {
    /// The id the link jumps to (`email`, `account_type`, `dob-month`).
    pub target: String,
    /// The message, as the visitor reads it.
    pub message: String,
}

impl Seen {
    /// The response's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The path (and query) the visitor ended on, after redirects.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `Location`s followed to get here, in order (empty when the
    /// response came straight back).
    pub fn redirects(&self) -> &[String] {
        &self.redirects
    }

    /// Whether the visitor was sent here by a redirect.
    pub fn was_redirected(&self) -> bool {
        !self.redirects.is_empty()
    }

    /// A response header, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as sent.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The body as a JSON document, when it is one.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The step this page is, by its URL: `Some("profile")` on
    /// `/signup/profile`; `None` elsewhere (the completion page, a problem
    /// page at another URL).
    ///
    /// On an item's step (`/claim/expenses/{item}/expense`) it is the item
    /// step's name (`expense`), and [`Seen::item`] names the item.
    pub fn step(&self) -> Option<&str> {
        let name = self.within_run()?;
        if let Some((_, _, step)) = self.item_path() {
            return (step != crate::repeat::REMOVE_SEGMENT).then_some(step);
        }
        (!name.is_empty() && !name.contains('/') && name != crate::declaration::COMPLETE_SEGMENT)
            .then_some(name)
    }

    /// On an item's page (one of its steps, or its remove page), the
    /// item's id in its URLs.
    pub fn item(&self) -> Option<&str> {
        self.item_path().map(|(_, item, _)| item)
    }

    /// `{list}/{item}/{step}` within the run.
    fn item_path(&self) -> Option<(&str, &str, &str)> {
        let mut parts = self.within_run()?.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(list), Some(item), Some(step), None) => Some((list, item, step)),
            _ => None,
        }
    }

    /// On a list page, each item as listed: its name, and its detail (or
    /// "Not finished").
    pub fn items(&self) -> Vec<(String, String)> {
        self.html
            .select(&selector("main .summary-list__row"))
            .filter(|row| row.select(&selector("a[href$='/remove']")).next().is_some())
            .map(|row| {
                let key = row
                    .select(&selector("dt"))
                    .next()
                    .map(text_of)
                    .unwrap_or_default();
                let value = row
                    .select(&selector(".summary-list__value"))
                    .next()
                    .map(text_of)
                    .unwrap_or_default();
                (key, value)
            })
            .collect()
    }

    /// The address of a link whose text (visually hidden words included)
    /// is `text`, as the page writes it.
    pub fn link(&self, text: &str) -> Option<String> {
        self.html
            .select(&selector("a"))
            .find(|a| text_of(*a) == text)
            .and_then(|a| a.value().attr("href").map(str::to_owned))
    }

    /// Whether this is the wizard's completion page.
    pub fn is_complete(&self) -> bool {
        self.status.is_success() && self.within_run() == Some(crate::declaration::COMPLETE_SEGMENT)
    }

    /// The page's path within its run: after the base, and with runs per
    /// tab after the run's `r/{key}` too.
    fn within_run(&self) -> Option<&str> {
        Some(self.run_path()?.1.trim_end_matches('/'))
    }

    /// With runs per tab, the key of the run this page belongs to
    /// (`/signup/r/{key}/account`).
    pub fn run_key(&self) -> Option<&str> {
        self.run_path()?.0.filter(|key| !key.is_empty())
    }

    /// The URL's path after the base, split into the tab run's key (with
    /// runs per tab) and the rest.
    fn run_path(&self) -> Option<(Option<&str>, &str)> {
        let path = self.url.split(['?', '#']).next().unwrap_or("");
        let rest = path.strip_prefix(&self.base)?.strip_prefix('/')?;
        let tabbed = rest
            .strip_prefix(crate::run::TAB_SEGMENT)
            .and_then(|r| r.strip_prefix('/'));
        Some(match tabbed {
            Some(tabbed) => match tabbed.split_once('/') {
                Some((key, inner)) => (Some(key), inner),
                None => (Some(tabbed), ""),
            },
            None => (None, rest),
        })
    }

    /// The page's main heading (`<h1>`).
    pub fn heading(&self) -> Option<String> {
        self.html.select(&selector("h1")).next().map(text_of)
    }

    /// The document's `<title>`.
    pub fn title(&self) -> Option<String> {
        self.html.select(&selector("title")).next().map(text_of)
    }

    /// The progress line ("Step 2 of 4"), as written.
    pub fn progress(&self) -> Option<String> {
        self.html.select(&selector(".progress")).next().map(text_of)
    }

    /// The notice at the top of the page (answers expired, questions
    /// changed), if any.
    pub fn notice(&self) -> Option<String> {
        self.html.select(&selector(".notice")).next().map(text_of)
    }

    /// The message shown beside a field (without the visually hidden
    /// "Error:" prefix), if any. Takes the field's name or its typed name
    /// (`Account::EMAIL`).
    pub fn error(&self, field: impl FieldRef) -> Option<String> {
        let id = format!("{}-error", field.field_name());
        let element = self
            .html
            .select(&selector(&format!("[id={}]", quoted(&id))))
            .next()?;
        Some(without_prefix(element))
    }

    /// Every field's message, in page order, as (field, message).
    pub fn errors(&self) -> Vec<(String, String)> {
        self.html
            .select(&selector("[id$=\"-error\"]"))
            .filter_map(|element| {
                let id = element.value().id()?;
                Some((
                    id.strip_suffix("-error")?.to_owned(),
                    without_prefix(element),
                ))
            })
            .collect()
    }

    /// The links of the error summary, in order (empty when there is no
    /// summary).
    ///
    /// ```no_run
    /// # fn example(page: &actix_wizard::testing::Seen) {
    /// let targets: Vec<String> = page.summary().into_iter().map(|link| link.target).collect();
    /// assert_eq!(targets, ["email", "account_type"]);
    /// # }
    /// ```
    pub fn summary(&self) -> Vec<SummaryLink> {
        self.html
            .select(&selector(".error-summary a[href^=\"#\"]"))
            .map(|link| SummaryLink {
                target: link
                    .value()
                    .attr("href")
                    .unwrap_or("#")
                    .trim_start_matches('#')
                    .to_owned(),
                message: text_of(link),
            })
            .collect()
    }

    /// What the form shows for a field: the text of an input or textarea,
    /// the ticked radio's or the selected option's value, the first ticked
    /// checkbox's value. `None` when the form has no such control, or
    /// nothing is chosen.
    pub fn value(&self, field: impl FieldRef) -> Option<String> {
        self.values(field).into_iter().next()
    }

    /// Every value the form shows for a field: all ticked checkboxes of a
    /// group, in order. Empty text counts as a value (`""`).
    pub fn values(&self, field: impl FieldRef) -> Vec<String> {
        let name = quoted(field.field_name());
        let mut values = Vec::new();
        for control in self.html.select(&selector(&format!("form [name={name}]"))) {
            values.extend(shown_value(control));
        }
        values
    }

    /// The check-answers rows, as (question, answer), in order.
    ///
    /// ```no_run
    /// # fn example(page: &actix_wizard::testing::Seen) {
    /// assert!(page.answers().contains(&("Email address".into(), "ann@example.com".into())));
    /// # }
    /// ```
    pub fn answers(&self) -> Vec<(String, String)> {
        let key = selector(".summary-list__key");
        let value = selector(".summary-list__value");
        self.html
            .select(&selector(".summary-list__row"))
            .filter_map(|row| {
                Some((
                    text_of(row.select(&key).next()?),
                    text_of(row.select(&value).next()?),
                ))
            })
            .collect()
    }

    /// Fails unless the check-answers list has each `(label, answer)` row
    /// of `rows`, saying which is missing and what the list has.
    ///
    /// ```no_run
    /// # fn example(page: &actix_wizard::testing::Seen) {
    /// page.assert_answers(&[("Email address", "ann@example.com"), ("Plan", "Team")]);
    /// # }
    /// ```
    pub fn assert_answers(&self, rows: &[(&str, &str)]) -> &Self {
        let answers = self.answers();
        for (label, answer) in rows {
            let has = answers.iter().any(|(l, a)| l == label && a == answer);
            assert!(has, "the row ({label:?}, {answer:?}) is not in {answers:?}");
        }
        self
    }

    /// The text of the page's `<main>` (the whole body when there is
    /// none), whitespace collapsed: what a completion or problem page
    /// says.
    pub fn text(&self) -> String {
        self.html
            .select(&selector("main"))
            .next()
            .or_else(|| self.html.select(&selector("body")).next())
            .map(text_of)
            .unwrap_or_else(|| collapse(&self.body))
    }

    /// The form's buttons, as (value, label): not a button that belongs
    /// to another form (a held file's Remove).
    pub fn buttons(&self) -> Vec<(String, String)> {
        self.html
            .select(&selector("form button[name=\"action\"]:not([form])"))
            .map(|b| (b.value().attr("value").unwrap_or("").to_owned(), text_of(b)))
            .collect()
    }

    /// Seconds from the page's rendering until its run expires, as its
    /// timeout warning says ([`crate::WizardConfig::timeout_warning`]):
    /// `None` when the page has no warning (nothing stored yet, or the
    /// warning off).
    pub fn expires_in(&self) -> Option<u64> {
        let id = crate::render::TIMEOUT_DIALOG_ID;
        self.html
            .select(&selector(&format!("dialog#{id}")))
            .next()?
            .value()
            .attr("data-expires-in")?
            .parse()
            .ok()
    }

    /// The form's hidden CSRF token, as the page carries it (to build a
    /// malformed body that still passes the token check).
    pub fn csrf_token(&self) -> Option<String> {
        let name = quoted(crate::csrf::CSRF_FIELD);
        self.html
            .select(&selector(&format!("form input[name={name}]")))
            .next()
            .and_then(|input| input.value().attr("value"))
            .map(str::to_owned)
    }

    /// The form's hidden inputs but the CSRF token, as (name, value): what
    /// a browser sends with every press of a button.
    pub(crate) fn hidden_pairs(&self) -> Vec<(String, String)> {
        self.html
            .select(&selector("form input[type=\"hidden\"][name]"))
            .filter_map(|input| {
                let name = input.value().attr("name")?;
                (name != crate::csrf::CSRF_FIELD).then(|| {
                    let value = input.value().attr("value").unwrap_or("");
                    (name.to_owned(), value.to_owned())
                })
            })
            .collect()
    }

    /// Where the form posts (its own URL when it says nothing).
    pub(crate) fn form_action(&self) -> Option<String> {
        let form = self.html.select(&selector("form")).next()?;
        Some(
            form.value()
                .attr("action")
                .filter(|a| !a.is_empty())
                .unwrap_or(&self.url)
                .to_owned(),
        )
    }

    /// What the form would send as it stands (without the token and the
    /// buttons): each control's name and shown value.
    pub(crate) fn form_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for control in self.html.select(&selector("form [name]")) {
            let element = control.value();
            let Some(name) = element.attr("name") else {
                continue;
            };
            let hidden = element.name() == "input" && element.attr("type") == Some("hidden");
            if hidden || element.name() == "button" {
                continue;
            }
            for value in shown_value(control) {
                pairs.push((name.to_owned(), value));
            }
        }
        pairs
    }

    /// A description for a failed assertion: where the visitor is, the
    /// errors the page shows, and its text.
    pub fn describe(&self) -> String {
        let mut out = format!("{} at {}", self.status, self.url);
        if let Some(step) = self.step() {
            let _ = write!(out, " (step {step:?})");
        }
        if !self.redirects.is_empty() {
            let _ = write!(out, ", redirected via {:?}", self.redirects);
        }
        let errors = self.errors();
        if !errors.is_empty() {
            out.push_str("\nfield errors:");
            for (field, message) in errors {
                let _ = write!(out, "\n  {field}: {message}");
            }
        }
        let summary = self.summary();
        if !summary.is_empty() {
            out.push_str("\nerror summary:");
            for link in summary {
                let _ = write!(out, "\n  #{} {}", link.target, link.message);
            }
        }
        let text = self.text();
        let shown: String = text.chars().take(1500).collect();
        let _ = write!(out, "\npage text: {shown}");
        if shown.len() < text.len() {
            out.push_str(" …");
        }
        out
    }

    /// Asserts that this is step `name`'s page.
    #[track_caller]
    pub fn assert_step(&self, name: &str) -> &Self {
        assert!(
            self.step() == Some(name)
                && (self.status.is_success() || self.status == StatusCode::UNPROCESSABLE_ENTITY),
            "expected step {name:?}, got {}",
            self.describe()
        );
        self
    }

    /// Asserts the response's status.
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected status {status}, got {}",
            self.describe()
        );
        self
    }

    /// Asserts that the page shows no error.
    #[track_caller]
    pub fn assert_no_errors(&self) -> &Self {
        assert!(
            self.errors().is_empty() && self.summary().is_empty(),
            "expected no errors, got {}",
            self.describe()
        );
        self
    }

    /// Asserts that `field` shows `message` beside it and in the error
    /// summary.
    #[track_caller]
    pub fn assert_error(&self, field: impl FieldRef, message: &str) -> &Self {
        let name = field.field_name();
        assert_eq!(
            self.error(name).as_deref(),
            Some(message),
            "the message beside {name:?}, on {}",
            self.describe()
        );
        assert!(
            self.summary().iter().any(|link| link.message == message),
            "{message:?} is not in the error summary of {}",
            self.describe()
        );
        self
    }

    /// Asserts that this is the completion page.
    #[track_caller]
    pub fn assert_complete(&self) -> &Self {
        assert!(
            self.is_complete(),
            "expected the completion page, got {}",
            self.describe()
        );
        self
    }
}

/// The message of an error element, without its hidden prefix.
fn without_prefix(element: ElementRef<'_>) -> String {
    let hidden = selector(".visually-hidden");
    let prefix: String = element.select(&hidden).map(text_of).collect();
    let text = text_of(element);
    text.strip_prefix(&prefix)
        .map(str::trim_start)
        .unwrap_or(&text)
        .to_owned()
}

/// What a browser would send for this control as the page shows it.
fn shown_value(control: ElementRef<'_>) -> Vec<String> {
    let element = control.value();
    match element.name() {
        "textarea" => vec![control.text().collect::<String>()],
        "select" => {
            let value = |o: ElementRef<'_>| o.value().attr("value").unwrap_or("").to_owned();
            let chosen: Vec<String> = control
                .select(&selector("option[selected]"))
                .map(value)
                .collect();
            if chosen.is_empty() {
                // Nothing marked: a browser sends the first option.
                control
                    .select(&selector("option"))
                    .next()
                    .map(value)
                    .into_iter()
                    .collect()
            } else {
                chosen
            }
        }
        "input" => match element.attr("type").unwrap_or("text") {
            "radio" | "checkbox" => element
                .attr("checked")
                .map(|_| vec![element.attr("value").unwrap_or("on").to_owned()])
                .unwrap_or_default(),
            "submit" | "button" | "image" | "reset" | "file" => Vec::new(),
            _ => vec![element.attr("value").unwrap_or("").to_owned()],
        },
        _ => Vec::new(),
    }
}
