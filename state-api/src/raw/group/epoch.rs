//! One group's outcome, which the calls that left their commit to others wait for.

use std::sync::{Condvar, Mutex, PoisonError};

use crate::{ErrorKind, StateError};

/// The outcome of one group (one transaction): settled once, by whoever ends it (its commit,
/// its abort after a failed call, or a panic), and read by every call of it that waits.
#[derive(Debug, Default)]
pub(super) struct Epoch {
    outcome: Mutex<Option<Outcome>>,
    settled: Condvar,
}

/// How a group ended: committed, or failed with the reason given to every waiting call.
pub(super) type Outcome = std::result::Result<(), String>;

impl Epoch {
    /// Settles the outcome (the first settlement wins) and wakes every call waiting for it.
    pub(super) fn settle(&self, outcome: Outcome) {
        let mut slot = self.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        slot.get_or_insert(outcome);
        drop(slot);
        self.settled.notify_all();
    }

    /// Waits until the group has ended; `Io` naming the reason when it failed.
    pub(super) fn wait(&self) -> Result<(), StateError> {
        let mut slot = self.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match slot.as_ref() {
                Some(Ok(())) => return Ok(()),
                Some(Err(why)) => {
                    return Err(StateError::new(
                        ErrorKind::Io,
                        format!(
                            "the transaction this call shared with other calls (group commit) \
                             did not commit, so the call changed nothing: {why}"
                        ),
                    ));
                }
                None => {
                    slot = self
                        .settled
                        .wait(slot)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
    }
}
