//! What happens in a run, reported as it happens to hooks the application
//! sets with [`WizardConfig::on_event`](crate::WizardConfig::on_event).
//!
//! Events carry names, ids and the messages the visitor was shown, never
//! an answer's value. Each is also a `tracing` event (target
//! `actix_wizard::funnel`, level debug) with the same fields.

use std::fmt;
use std::sync::Arc;

/// Something that happened in a run of a wizard.
///
/// New kinds of events may be added: match with a `_` arm.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardEvent<'a> {
    /// A step's page was shown (`change`: from a Change link of the check
    /// answers page).
    StepShown {
        /// The wizard's [`Wizard::ID`](crate::Wizard::ID).
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
        /// The step's name.
        step: &'static str,
        /// Whether the visitor came to change an answer.
        change: bool,
    },
    /// A run stored its first answers or draft: from here on it counts
    /// as started. Until then a visitor has only looked, under an id of
    /// its own (`shown_as`) that the run does not keep, so that whoever
    /// saw that id (a planted cookie) cannot follow the run.
    RunStarted {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id from now on.
        run: &'a str,
        /// The id the visitor's pages were shown under until now.
        shown_as: &'a str,
    },
    /// A step's answers passed its rules and were stored.
    StepSaved {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
        /// The step's name.
        step: &'static str,
    },
    /// A step's form was refused: each field that failed, with the message
    /// the visitor was shown.
    ValidationFailed {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
        /// The step's name.
        step: &'static str,
        /// The errors, in the page's order.
        errors: &'a crate::FieldErrors,
    },
    /// The visitor pressed Back on a step.
    Back {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
        /// The step's name.
        step: &'static str,
    },
    /// A step's answers led to an exit page ([`crate::Exit`]); they were
    /// not stored.
    ExitReached {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
        /// The step whose answers led there.
        step: &'static str,
        /// The exit page's segment.
        exit: &'static str,
    },
    /// An item was added to a list ([`crate::Repeat`]): its first step
    /// was saved.
    ItemAdded {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
        /// The list's name.
        list: &'static str,
        /// The item's id in its URLs.
        item: &'a str,
    },
    /// An item was removed from a list, with all it held.
    ItemRemoved {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
        /// The list's name.
        list: &'static str,
        /// The item's id in its URLs.
        item: &'a str,
    },
    /// A file was refused (feature `uploads`): not of the field's kinds
    /// (`reason` "kind"), over its limit ("too-large"), empty ("empty"),
    /// or infected ("virus"). Nothing of it was kept.
    FileRefused {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
        /// The step's name (an item's step's, for a list).
        step: &'static str,
        /// The file field's name.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// A run was saved to come back to, and its link sent
    /// ([`crate::save_return`]).
    RunSaved {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id.
        run: &'a str,
    },
    /// A saved run was resumed from its link, in a new session.
    RunResumed {
        /// The wizard's id.
        wizard: &'static str,
        /// The run's id (the same as when it was saved).
        run: &'a str,
    },
    /// A link was refused: `unknown`, `expired`, `used`, `ended`,
    /// `finished`, or `wrong-address` (an address that is not the one it
    /// was sent to).
    LinkRefused {
        /// The wizard's id.
        wizard: &'static str,
        /// Why.
        reason: &'static str,
    },
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

    /// Tells every hook (nothing to do when none is set), and `tracing`.
    pub fn report(&self, event: WizardEvent<'_>) {
        trace(&event);
        for hook in &self.0 {
            hook(&event);
        }
    }
}

/// The event as a `tracing` event with structured fields: the steps of a
/// run at debug level, what an operator may want to see at info level.
fn trace(event: &WizardEvent<'_>) {
    match *event {
        WizardEvent::StepShown {
            wizard,
            run,
            step,
            change,
        } => tracing::debug!(target: TARGET, event = "step_shown", wizard, run, step, change),
        WizardEvent::RunStarted {
            wizard,
            run,
            shown_as,
        } => tracing::debug!(target: TARGET, event = "run_started", wizard, run, shown_as),
        WizardEvent::ExitReached {
            wizard,
            run,
            step,
            exit,
        } => tracing::debug!(target: TARGET, event = "exit_reached", wizard, run, step, exit),
        WizardEvent::ItemAdded {
            wizard,
            run,
            list,
            item,
        } => tracing::debug!(target: TARGET, event = "item_added", wizard, run, list, item),
        WizardEvent::ItemRemoved {
            wizard,
            run,
            list,
            item,
        } => tracing::debug!(target: TARGET, event = "item_removed", wizard, run, list, item),
        WizardEvent::StepSaved { wizard, run, step } => {
            tracing::debug!(target: TARGET, event = "step_saved", wizard, run, step);
        }
        WizardEvent::Back { wizard, run, step } => {
            tracing::debug!(target: TARGET, event = "back", wizard, run, step);
        }
        WizardEvent::FinishRan {
            wizard,
            run,
            succeeded,
        } => tracing::debug!(target: TARGET, event = "finish_ran", wizard, run, succeeded),
        WizardEvent::ValidationFailed {
            wizard,
            run,
            step,
            errors,
        } => trace_refusal(wizard, run, step, errors),
        WizardEvent::FileRefused { .. }
        | WizardEvent::RunSaved { .. }
        | WizardEvent::RunResumed { .. }
        | WizardEvent::LinkRefused { .. } => trace_notable(event),
    }
}

/// Where `tracing` events of the funnel go.
const TARGET: &str = "actix_wizard::funnel";

/// A step's refused form: the fields and the rules' codes, never what was
/// typed.
fn trace_refusal(wizard: &str, run: &str, step: &str, errors: &crate::FieldErrors) {
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    let codes: Vec<&str> = errors
        .iter()
        .map(|e| e.code.as_deref().unwrap_or(""))
        .collect();
    tracing::debug!(
        target: TARGET,
        event = "validation_failed",
        wizard,
        run,
        step,
        fields = ?fields,
        codes = ?codes
    );
}

/// The events worth an operator's attention, at info level.
fn trace_notable(event: &WizardEvent<'_>) {
    match *event {
        WizardEvent::FileRefused {
            wizard,
            run,
            step,
            field,
            reason,
        } => {
            tracing::info!(target: TARGET, event = "file_refused", wizard, run, step, field, reason)
        }
        WizardEvent::RunSaved { wizard, run } => {
            tracing::info!(target: TARGET, event = "run_saved", wizard, run)
        }
        WizardEvent::RunResumed { wizard, run } => {
            tracing::info!(target: TARGET, event = "run_resumed", wizard, run)
        }
        WizardEvent::LinkRefused { wizard, reason } => {
            tracing::info!(target: TARGET, event = "link_refused", wizard, reason)
        }
        // Traced by `trace` itself.
        _ => {}
    }
}

impl fmt::Debug for EventHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventHooks({})", self.0.len())
    }
}
