//! Naming a lock's holder when a wait for the lock gives up (SPEC §3: a lock timeout names the
//! holder when the backend can find it), for a backend's wait loop.
//!
//! A wait that looks up who holds the lock only once it has given up can find nobody: the holder
//! may let go between the wait's last try and the look (a writer stopped inside its transaction
//! and let go just then), and the timeout would name no one. So a waiting call looks the holder
//! up while it waits, every [`HOLDER_LOOK_EVERY`] (later when a look is slow: redb's reads every
//! process's open files), once more when it gives up, and names the holder found then, else the
//! one last seen during its wait.
//!
//! ```
//! use podstate_api::raw::holder_watch::HolderWatch;
//! let mut watch = HolderWatch::begin();
//! // ... in the loop, after each failed try:
//! watch.look_if_due(|| Some("process 4711 (podman)".to_owned()));
//! // ... once the timeout has passed (here the holder let go just before this look, so the
//! // timeout names it if a look during the wait found it):
//! let holder = watch.give_up(|| None);
//! # let _ = holder;
//! ```

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often a waiting call looks up the lock's holders, at most: a wait shorter than this
/// looks only when it gives up.
pub const HOLDER_LOOK_EVERY: Duration = Duration::from_millis(10);

/// A look may take at most one part in this many of a wait's time: a slower look is spaced
/// further apart than [`HOLDER_LOOK_EVERY`].
const LOOK_SHARE: u32 = 10;

/// What one wait for a lock has seen of the lock's holder (see the module docs).
#[derive(Debug, Clone)]
pub struct HolderWatch {
    /// When the next look is due.
    next: Instant,
    /// The holder as the last look that found one found it, and when.
    seen: Option<(Instant, String)>,
}

impl HolderWatch {
    /// A wait beginning now: its first look is due [`HOLDER_LOOK_EVERY`] from now.
    pub fn begin() -> HolderWatch {
        HolderWatch::since(Instant::now())
    }

    /// A wait that began at `started`.
    pub fn since(started: Instant) -> HolderWatch {
        HolderWatch {
            next: started + HOLDER_LOOK_EVERY,
            seen: None,
        }
    }

    /// Looks the holder up with `look` (`None` when it finds nobody) if a look is due, and
    /// keeps what it finds.
    pub fn look_if_due(&mut self, look: impl FnOnce() -> Option<String>) {
        let now = Instant::now();
        if now >= self.next {
            self.look(now, look);
        }
    }

    /// The wait gives up: looks the holder up once more, and answers whom its timeout names:
    /// the holder found now, else the one last seen during the wait, `None` when nobody was
    /// ever found.
    pub fn give_up(&mut self, look: impl FnOnce() -> Option<String>) -> Option<String> {
        self.look(Instant::now(), look);
        self.seen.as_ref().map(|(_, who)| who.clone())
    }

    /// The holder last seen during the wait, and when (for a caller that passes it on, e.g.
    /// [`TurnWait::learn`](crate::raw::group::TurnWait::learn)).
    pub fn seen(&self) -> Option<&(Instant, String)> {
        self.seen.as_ref()
    }

    fn look(&mut self, started: Instant, look: impl FnOnce() -> Option<String>) {
        let found = look();
        let done = Instant::now();
        let spent = done.saturating_duration_since(started);
        self.next = done + HOLDER_LOOK_EVERY.max(spent * (LOOK_SHARE - 1));
        if let Some(who) = found {
            self.seen = Some((done, who));
        }
    }
}

/// The lock's holder as last seen by any wait of the writes of one store (the waits' own
/// [`HolderWatch`]es offer what they see): for a call queued behind the one waiting, which gives
/// up meanwhile and must name whoever kept the queue waiting
/// ([`TurnWait::learn`](crate::raw::group::TurnWait::learn) takes it when it was seen during
/// that call's own wait).
#[derive(Debug, Default)]
pub struct LastSeenHolder(Mutex<Option<(Instant, String)>>);

impl LastSeenHolder {
    /// Keeps `seen` (a holder and when it was seen) if it is newer than what is kept.
    pub fn offer(&self, seen: Option<&(Instant, String)>) {
        let Some(seen) = seen else {
            return;
        };
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_none_or(|(at, _)| *at < seen.0) {
            *slot = Some(seen.clone());
        }
    }

    /// The holder last seen, and when.
    pub fn get(&self) -> Option<(Instant, String)> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_names_the_holder_found_now_else_the_last_one_seen() {
        // A wait that began a look interval ago: its first look is due.
        let mut watch = HolderWatch::since(Instant::now() - HOLDER_LOOK_EVERY);
        watch.look_if_due(|| Some("process 1 (a)".to_owned()));
        assert_eq!(
            watch.clone().give_up(|| Some("process 2 (b)".to_owned())),
            Some("process 2 (b)".to_owned())
        );
        // The holder let go before the last look: the one seen during the wait.
        assert_eq!(watch.give_up(|| None), Some("process 1 (a)".to_owned()));
        assert_eq!(HolderWatch::begin().give_up(|| None), None);
    }

    #[test]
    fn the_last_seen_holder_is_the_newest_offered() {
        let last = LastSeenHolder::default();
        let now = Instant::now();
        let later = now + Duration::from_millis(1);
        last.offer(Some(&(later, "b".to_owned())));
        last.offer(Some(&(now, "a".to_owned())));
        last.offer(None);
        assert_eq!(last.get(), Some((later, "b".to_owned())));
    }
}
