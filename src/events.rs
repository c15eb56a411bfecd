//! What happens in a run, reported as it happens to hooks the application
//! sets with [`WizardConfig::on_event`](crate::WizardConfig::on_event).
//!
//! Events carry names and ids only, never an answer's value.

use std::fmt;
use std::sync::Arc;

/// Something that happened in a run of a wizard.
///
/// New kinds of events may be added: match with a `_` arm.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardEvent<'a> {
    /// The wizard's finish handler ran for a run and returned: once per
    /// finish, however many duplicate requests joined it.
    FinishRan {
        /// The wizard's [`Wizard::ID`](crate::Wizard::ID).
        wizard: &'static str,
        /// The run's id, as [`Finish::run`](crate::Finish::run) gives it.
        run: &'a str,
        /// Whether the handler gave an outcome (rather than an error).
        succeeded: bool,
    },
}

/// A hook that receives every event.
type Hook = Arc<dyn Fn(&WizardEvent<'_>) + Send + Sync>;

/// The hooks of a configuration, called in the order they were set.
#[derive(Clone, Default)]
pub(crate) struct EventHooks(Vec<Hook>);

impl EventHooks {
    pub fn add(&mut self, hook: Hook) {
        self.0.push(hook);
    }

    /// Tells every hook (nothing to do when none is set).
    pub fn report(&self, event: WizardEvent<'_>) {
        for hook in &self.0 {
            hook(&event);
        }
    }
}

impl fmt::Debug for EventHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventHooks({})", self.0.len())
    }
}
