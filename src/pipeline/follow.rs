//! For a JSON client, which never meets a redirect: the document the
//! redirect leads to.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LOCATION, HeaderValue, LOCATION, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse};

use super::Inner;
use super::item_pages::show_item;
use super::pages::{complete, entry, show};
use super::places::ItemPath;
use crate::declaration::COMPLETE_SEGMENT;
use crate::problem::Problem;
use crate::wizard::Wizard;

/// For a JSON client, an answer is the document it leads to rather than a
/// redirect: the next step's (200, with its URL in the document and in
/// `Content-Location`) or the completion document. The cookies the
/// redirect set are kept.
pub(super) async fn follow<W: Wizard>(
    mut answer: Result<HttpResponse, Problem>,
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let base = wizard.runs.base_of(request);
    // The entry redirects once more, to the step to be on.
    for _ in 0..2 {
        let Ok(redirect) = &answer else {
            return answer;
        };
        let location = redirect
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let Some(location) = location.filter(|_| redirect.status() == StatusCode::SEE_OTHER) else {
            return answer;
        };
        let path = location.split(['?', '#']).next().unwrap_or("");
        let Some(segment) = path.strip_prefix(&*base) else {
            return answer;
        };
        let cookies: Vec<HeaderValue> = redirect.headers().get_all(SET_COOKIE).cloned().collect();
        let Some(next) = page_at(segment, request, session, wizard).await else {
            return answer;
        };
        answer = next.map(|mut response| {
            let headers = response.headers_mut();
            let set_later: Vec<HeaderValue> = headers.get_all(SET_COOKIE).cloned().collect();
            headers.remove(SET_COOKIE);
            for cookie in cookies.into_iter().chain(set_later) {
                headers.append(SET_COOKIE, cookie);
            }
            if let Ok(value) = HeaderValue::try_from(location.as_str()) {
                headers.insert(CONTENT_LOCATION, value);
            }
            response
        });
    }
    answer
}

/// The page at `segment` (a path under the wizard's base), as a `GET`
/// would answer it; `None` for a path that is none of the wizard's pages.
async fn page_at<W: Wizard>(
    segment: &str,
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Option<Result<HttpResponse, Problem>> {
    if segment.is_empty() {
        return Some(entry(request, session, wizard).await);
    }
    let name = segment.strip_prefix('/')?;
    if name == COMPLETE_SEGMENT {
        return Some(complete(request, session, wizard).await);
    }
    let slots = &wizard.steps.slots;
    if let Some(index) = slots.iter().position(|slot| slot.name() == name) {
        return Some(show(index, request, session, wizard).await);
    }
    if let Some((index, item)) = wizard.item_path(segment) {
        return Some(Box::pin(show_item(index, item, request, session, wizard)).await);
    }
    #[cfg(feature = "save-and-return")]
    match name {
        crate::declaration::SAVE_SEGMENT => return Some(wizard.ask_where(request, session)),
        crate::declaration::SAVED_SEGMENT => return Some(wizard.link_sent(request, session)),
        _ => {}
    }
    let exits = &wizard.steps.exits;
    let exit = exits.iter().position(|rule| rule.exit.segment() == name)?;
    Some(wizard.exit_page(exit, request))
}

impl<W: Wizard> Inner<W> {
    /// The list and item a path under the base names (`/{list}/{item}/…`).
    pub(super) fn item_path(&self, segment: &str) -> Option<(usize, ItemPath)> {
        let rest = segment.strip_prefix('/')?;
        let (name, rest) = rest.split_once('/')?;
        let index = self
            .steps
            .slots
            .iter()
            .position(|slot| slot.name() == name)?;
        let list = self.steps.slots[index].list()?;
        Some((index, ItemPath::parse(list, rest)?))
    }
}
