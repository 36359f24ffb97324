//! One call's wait for its turn to write: the time it spends queued in its group counts
//! toward its lock timeout (SPEC §3), and so does what was seen of the write lock's holder
//! meanwhile.

use std::time::{Duration, Instant};

/// A write call's wait for the engine's write lock, from the moment it asked for its turn
/// (queued behind the other calls of its group, then in the engine's begin) until its
/// deadline: what a backend needs to answer a lock timeout that names the holder and the whole
/// time waited (SPEC §3).
#[derive(Debug, Clone)]
pub struct TurnWait {
    since: Instant,
    deadline: Instant,
    /// The write lock's holder as last seen during this wait (by this call, or by the call
    /// ahead of it in its group), and when.
    seen: Option<(Instant, String)>,
}

impl TurnWait {
    /// A wait that began at `since` and gives up at `deadline`.
    pub fn new(since: Instant, deadline: Instant) -> TurnWait {
        TurnWait {
            since,
            deadline,
            seen: None,
        }
    }

    /// A wait that begins now and gives up `timeout` from now (a write outside any group).
    pub fn from_now(timeout: Duration) -> TurnWait {
        let now = Instant::now();
        TurnWait::new(now, deadline_after(now, timeout))
    }

    /// When the call began to wait.
    pub fn since(&self) -> Instant {
        self.since
    }

    /// When the call gives up.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// What is left of the lock timeout (zero once the deadline has passed).
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// How long the call has waited so far, its time queued in its group included.
    pub fn waited(&self) -> Duration {
        self.since.elapsed()
    }

    /// Records a look at the write lock's holder: `holder` when the look found one. Answers the
    /// holder to name: the one found now, else the last one seen during this wait (the holder
    /// may have let go between the moment the lock was refused and the look), `None` when
    /// nobody was ever seen.
    pub fn holder(&mut self, holder: Option<String>) -> Option<String> {
        if let Some(found) = holder {
            self.seen = Some((Instant::now(), found));
        }
        self.seen.as_ref().map(|(_, who)| who.clone())
    }

    /// The holder this wait saw, with the moment it was seen.
    pub(super) fn seen(&self) -> Option<&(Instant, String)> {
        self.seen.as_ref()
    }

    /// Takes over a holder seen elsewhere (by the call ahead in the group, or by the engine's
    /// own wait for the lock), if it was seen during this wait (and later than what this one
    /// saw itself).
    pub fn learn(&mut self, seen: &(Instant, String)) {
        let newer = self.seen.as_ref().is_none_or(|(at, _)| *at < seen.0);
        if seen.0 >= self.since && newer {
            self.seen = Some(seen.clone());
        }
    }
}

/// How far a lock timeout longer than `Instant` can count reaches: a hundred years, for ever
/// to any caller.
const FOR_EVER: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// The moment a wait that began at `from` gives up: `timeout` later, or (for a timeout past
/// what `Instant` can count, such as `Duration::MAX`, meaning "wait for ever") a hundred years
/// later, never a panic.
pub fn deadline_after(from: Instant, timeout: Duration) -> Instant {
    from.checked_add(timeout)
        .or_else(|| from.checked_add(FOR_EVER))
        .unwrap_or(from)
}
