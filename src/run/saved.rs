//! A run copied out of the session and back ("save and come back
//! later"): sealed for its saved record, whatever the store keeps in the
//! session; and adopted, on resume, by a new session under its own id.

use actix_session::Session;
use actix_web::HttpRequest;

use super::{Run, Runs};
use crate::csrf::random_id;
use crate::journey::{Journey, Stored};
use crate::state::{EncodeError, WizardState};
use crate::steps::Steps;
use crate::visitor::{HolderCookie, Stage, Ticket};
use crate::wizard::Wizard;

/// What a saved copy is sealed with besides the key: the wizard and the
/// run, so that a copy moved to another record does not open.
fn saved_context(wizard: &str, run: &str) -> Vec<u8> {
    format!("{wizard}:saved:{run}").into_bytes()
}

impl Runs {
    /// The run's state sealed for its saved record (always encrypted).
    pub fn seal_saved<W: Wizard>(&self, run: &Run<W>) -> Result<String, EncodeError> {
        let Some(state) = &run.journey.state else {
            return Err(EncodeError::TooLarge { size: 0, cap: 0 });
        };
        state.seal(&self.cipher, &saved_context(self.id, run.id()), usize::MAX)
    }

    /// The state sealed for the saved record of run `run`.
    pub fn open_saved(&self, run: &str, sealed: &str) -> Option<WizardState> {
        WizardState::open(sealed, &self.cipher, &saved_context(self.id, run))
            .filter(|state| state.run == run)
    }

    /// A keyed hash of `value` for `purpose`: what a saved record keeps of
    /// a token or an address.
    pub fn keyed_hash(&self, value: &str, purpose: &str) -> String {
        self.cipher
            .tag(value, format!("{}:{purpose}", self.id).as_bytes())
    }

    /// Run `state` (opened from its saved record) as this request's run,
    /// under its own id, in a session renewed for it: a new visitor cookie
    /// and holder, a new CSRF token; everything is written with the
    /// response.
    pub fn adopt<W: Wizard>(
        &self,
        request: &HttpRequest,
        session: &Session,
        steps: &Steps<W>,
        mut state: WizardState,
    ) -> Run<W> {
        let mut run = self.load(request, session, steps);
        let now = run.now();
        state.seen = now;
        let id = state.run.clone();
        run.journey = Journey::load(steps, Stored::State(state), now, self.idle_secs, W::VERSION);
        run.journey.changed = true;
        run.journey.new_run_id = id.clone();
        run.visitor = Ticket {
            run: id,
            csrf: random_id(16),
            holder: random_id(16),
            stage: Stage::Answering,
        };
        if run.shared_holder {
            run.visitor.holder.clear();
            if run.browser_holder.is_empty() {
                run.browser_holder = HolderCookie::new_holder();
                run.write_holder = true;
            }
        }
        run.renew_session = true;
        run.stored = true;
        run
    }
}
