//! The run marker: a small cookie naming the run a browser is on, so that
//! a run whose state expired (which actix-session cannot tell from a new
//! visitor) gets the "your answers expired" notice.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse};

/// How the marker cookie of one wizard is named and scoped.
pub(crate) struct RunMarker {
    name: String,
    path: String,
    secure: bool,
}

impl RunMarker {
    /// The marker of wizard `id` mounted at `base`.
    pub fn new(id: &str, base: &str, secure: bool) -> Self {
        Self {
            name: format!("{id}_run"),
            path: if base.is_empty() {
                "/".to_owned()
            } else {
                base.to_owned()
            },
            secure,
        }
    }

    /// The run the browser names, if any.
    pub fn read(&self, request: &HttpRequest) -> Option<String> {
        request
            .cookie(&self.name)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn cookie(&self, value: String) -> Cookie<'static> {
        Cookie::build(self.name.clone(), value)
            .path(self.path.clone())
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(30))
            .finish()
    }

    /// Names `run` in the response, unless the browser already sent it.
    pub fn set(&self, request: &HttpRequest, run: &str, response: &mut HttpResponse) {
        if self.read(request).as_deref() != Some(run) {
            let _ = response.add_cookie(&self.cookie(run.to_owned()));
        }
    }

    /// Clears the marker in the browser.
    pub fn remove(&self, response: &mut HttpResponse) {
        let mut removal = self.cookie(String::new());
        removal.make_removal();
        let _ = response.add_cookie(&removal);
    }
}
