//! Why a case failed, and on which side: what the run, its judge and the whole-store checks
//! answer.

use std::fmt;

use crate::calls::Outcome;

/// Which store an observation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The backend under test.
    Backend,
    /// The reference model.
    Model,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Backend => "backend",
            Side::Model => "model",
        })
    }
}

/// Why a case failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A store could not be created or opened.
    Setup(String),
    /// The backend and the model answered differently.
    Answers,
    /// A store answered an outcome SPEC does not allow for the call.
    NotAllowed(Side, Outcome),
    /// The backend returned a list that is not sorted without duplicates (SPEC §2.8).
    Unsorted(String),
    /// A global invariant of SPEC §2 does not hold on this store after the step.
    Invariant(Side, String),
    /// The backend's dump differs from the model's after the step.
    Dumps(String),
    /// A whole-store operation (snapshot, verify, restore) went wrong at the end of the case.
    WholeStore(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Setup(why) => write!(f, "setting up the stores failed: {why}"),
            Reason::Answers => f.write_str("the backend and the model answered differently"),
            Reason::NotAllowed(side, outcome) => {
                write!(
                    f,
                    "the {side:?} answered {outcome}, which SPEC does not allow this call"
                )
            }
            Reason::Unsorted(why) => write!(f, "the backend returned an unsorted list: {why}"),
            Reason::Invariant(side, why) => {
                write!(f, "an invariant of SPEC §2 broke in the {side}: {why}")
            }
            Reason::Dumps(diff) => write!(f, "the stores now differ:\n{diff}"),
            Reason::WholeStore(why) => write!(f, "at the end of the case: {why}"),
        }
    }
}
