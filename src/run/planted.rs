//! What the testing kit plants: a run at any step, with the cookies
//! that own it.

use actix_web::HttpResponse;
use serde_json::value::RawValue;

use super::{RunKey, Runs};
use crate::state::WizardState;
use crate::visitor::{HolderCookie, Ticket};

/// A run planted by the testing kit: the session entry that holds it, and
/// the response headers that give a browser the cookies that own it.
pub(crate) struct Planted {
    pub entry: (String, String),
    pub cookies: actix_web::http::header::HeaderMap,
}

impl Runs {
    /// The session entry (its name, and its JSON as the session keeps it)
    /// of a new run that has answered `answers` (step name → the step's
    /// JSON), sealed as [`Runs::answer`] seals a state, and the visitor
    /// cookie (its name and value) that owns it: what a testing kit
    /// plants to start a run at any step.
    /// `base` is the wizard's base on the run's resource
    /// (`/bookings/7/change` for a wizard at `/bookings/{booking}/change`).
    pub fn planted(
        &self,
        base: &str,
        version: u32,
        answers: Vec<(&'static str, Box<RawValue>)>,
    ) -> Result<Planted, String> {
        let key = if self.mount.is_fixed() {
            self.fixed_key.clone()
        } else {
            let pattern = actix_web::dev::ResourceDef::new(self.mount.pattern());
            let mut path = actix_web::dev::Path::new(base.to_owned());
            if !pattern.capture_match_info(&mut path) {
                return Err(format!(
                    "{base} is not a resource of a wizard at {}",
                    self.mount.pattern()
                ));
            }
            match RunKey::resource_from(path.iter()) {
                Some(resource) => RunKey::new(self.id, &resource),
                None => self.fixed_key.clone(),
            }
        };
        let mut visitor = Ticket::new_run().storing();
        let holder = HolderCookie::new_holder();
        if self.per_tab {
            visitor.holder.clear();
        } else {
            visitor.holder = holder.clone();
        }
        let mut state = WizardState::new(version, visitor.run.clone(), self.now());
        for (name, json) in answers {
            state.step_mut(name).answers = Some(json);
        }
        let kept = self
            .stored_form(&state, &key, &holder)
            .map_err(|error| format!("the answers do not fit the state: {error:?}"))?;
        let request = actix_web::test::TestRequest::default().to_http_request();
        let mut cookies = HttpResponse::Ok().finish();
        self.visitor
            .write(&request, &visitor, base, &self.cipher, &mut cookies);
        if self.per_tab {
            self.holder_cookie.write(&request, &holder, &mut cookies);
        }
        Ok(Planted {
            entry: (key.0.state_entry.clone(), kept.get().to_owned()),
            cookies: cookies.headers().clone(),
        })
    }
}
