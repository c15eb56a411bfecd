//! With runs per tab: the session's runs of a wizard, listed, and the
//! oldest dropped when a new one would go over the cap.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse};

use super::{Run, RunKey, Runs, TAB_PARAM, TabRun};
use crate::journey::{Journey, Stored};
use crate::state::{Notice, WizardState};
use crate::steps::Steps;
use crate::wizard::Wizard;

impl Runs {
    /// With runs per tab: the session's unfinished runs of this wizard on
    /// the resource `request` names (its own path parameters, the tab's
    /// key aside), the most recently used first. Expired and unreadable
    /// runs are left out.
    pub fn tab_runs<W: Wizard>(
        &self,
        request: &HttpRequest,
        session: &Session,
        steps: &Steps<W>,
    ) -> Vec<TabRun> {
        let resource = RunKey::resource_from(
            request
                .match_info()
                .iter()
                .filter(|(name, _)| *name != TAB_PARAM),
        )
        .unwrap_or_default();
        let prefix = format!("wizard.{}{resource}:{TAB_PARAM}=", self.id);
        let mut runs: Vec<TabRun> = self
            .sibling_states(
                session,
                &prefix,
                &self.holder_cookie.read(request).unwrap_or_default(),
            )
            .into_iter()
            .filter_map(|(key, state)| {
                let journey = Journey::load(
                    steps,
                    Stored::State(state),
                    self.now(),
                    self.idle_secs,
                    W::VERSION,
                );
                let (seen, order) = journey.state.as_ref().map(|s| (s.seen, s.order))?;
                let (current, total) = journey.position(journey.resume(steps));
                Some(TabRun {
                    key,
                    current,
                    total,
                    seen,
                    order,
                })
            })
            .collect();
        runs.sort_by_key(|run| std::cmp::Reverse((run.order, run.seen)));
        runs
    }

    /// The states the session holds under entries named `prefix{key}`,
    /// by key.
    fn sibling_states(
        &self,
        session: &Session,
        prefix: &str,
        holder: &str,
    ) -> Vec<(String, WizardState)> {
        let entries = session.entries();
        entries
            .iter()
            .filter_map(|(name, value)| {
                let key = name.strip_prefix(prefix)?;
                if key.is_empty() || key.contains('.') || key.contains(':') {
                    return None;
                }
                let state = if self.encrypt {
                    let sealed: String = serde_json::from_str(value).ok()?;
                    let context = format!("{}:state:{holder}", name.strip_prefix("wizard.")?);
                    WizardState::open(&sealed, &self.cipher, context.as_bytes())?
                } else {
                    serde_json::from_str::<WizardState>(value).ok()?
                };
                Some((key.to_owned(), state))
            })
            .collect()
    }

    /// With runs per tab, before a run's first answers are stored: when
    /// the session already holds [`WizardConfig::max_runs`] unfinished
    /// runs, the oldest go (their visitor cookies too, so that their pages
    /// start afresh), and this run's next page says so.
    pub(super) fn make_room<W>(
        &self,
        session: &Session,
        run: &mut Run<W>,
        response: &mut HttpResponse,
    ) {
        let entry = &run.key.0.state_entry;
        let Some(at) = entry.rfind(&format!(":{TAB_PARAM}=")) else {
            return;
        };
        // This run's base ends in its own key; another run's differs there.
        let runs_base = run.base.rsplit_once('/').map_or("", |(runs, _)| runs);
        let prefix = &entry[..at + TAB_PARAM.len() + 2];
        let mut others = self.sibling_states(session, prefix, run.holder());
        others.retain(|(key, _)| entry[prefix.len()..] != **key);
        if others.len() < self.max_runs {
            return;
        }
        others.sort_by_key(|(_, state)| (state.order, state.seen));
        let surplus = others.len() + 1 - self.max_runs;
        for (key, state) in others.into_iter().take(surplus) {
            run.dropped.push(state.run.clone());
            session.remove(&format!("{prefix}{key}"));
            session.remove(&format!("{prefix}{key}.outcome"));
            self.visitor.expire(&format!("{runs_base}/{key}"), response);
        }
        if let Some(state) = &mut run.journey.state {
            state.notice = Some(Notice::OldestDropped);
        }
    }
}
