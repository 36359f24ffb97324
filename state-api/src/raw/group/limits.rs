//! How large and how long one group may grow.

use std::time::Duration;

/// The caps of a [`WriteGroup`](super::WriteGroup): a group commits once it holds this many
/// calls or has been open this long, whoever is queued behind it. A group holds the engine's
/// write lock from its first call to its commit, so the caps bound how long a writer of another
/// process waits for its turn even when it cannot announce itself; one that can (the backends'
/// turn locks) ends the group at once (see
/// [`Transactions::others_waiting`](super::Transactions::others_waiting)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupLimits {
    max_calls: usize,
    max_open: Duration,
    /// The tooth of the power-cut runs: calls acknowledged before their group's commit.
    #[cfg(feature = "testing")]
    acknowledge_early: bool,
}

impl GroupLimits {
    /// At most 32 calls, open at most 10 ms: far more than the writer threads of a runtime
    /// service, and a wait of the order of one commit for a writer elsewhere.
    pub const fn new() -> GroupLimits {
        GroupLimits {
            max_calls: 32,
            max_open: Duration::from_millis(10),
            #[cfg(feature = "testing")]
            acknowledge_early: false,
        }
    }

    /// No grouping: every call commits on its own (a group of one call).
    pub const fn off() -> GroupLimits {
        GroupLimits::new().max_calls(1)
    }

    /// At most `calls` calls per group (at least one).
    pub const fn max_calls(mut self, calls: usize) -> GroupLimits {
        self.max_calls = if calls == 0 { 1 } else { calls };
        self
    }

    /// A group commits at its next call once it has been open `open`.
    pub const fn max_open(mut self, open: Duration) -> GroupLimits {
        self.max_open = open;
        self
    }

    /// The most calls one group holds.
    pub const fn calls(&self) -> usize {
        self.max_calls
    }

    /// How long a group may stay open before its next call commits it.
    pub const fn open(&self) -> Duration {
        self.max_open
    }

    /// A **broken** group, for the tooth of the power-cut runs only: a call that leaves the
    /// commit to the calls queued behind it is answered at once, before its group's commit is
    /// durable. A power cut then loses acknowledged calls, which the runs must notice.
    #[cfg(feature = "testing")]
    pub const fn acknowledging_before_commit(mut self) -> GroupLimits {
        self.acknowledge_early = true;
        self
    }

    /// Whether calls are acknowledged before their commit (never outside the tooth).
    pub(super) const fn acknowledges_early(&self) -> bool {
        #[cfg(feature = "testing")]
        return self.acknowledge_early;
        #[cfg(not(feature = "testing"))]
        false
    }
}

impl Default for GroupLimits {
    fn default() -> GroupLimits {
        GroupLimits::new()
    }
}
