//! Waiting out other connections' locks, up to the lock timeout of SPEC §3.
//!
//! Each connection has one [`LockClock`]. Every call (and every open) starts it with
//! [`LockClock::start`]; SQLite's busy handler then sleeps and retries while the call's deadline
//! has not passed, and [`LockClock::retry`] does the same for the few `SQLITE_BUSY` answers
//! SQLite gives without asking the busy handler (it may, to avoid a deadlock). The timeout is
//! per call, not per lock: a call that meets several locks waits at most the timeout in all.
//!
//! A lock timeout names the processes that held the lock (SPEC §3). They are looked up while
//! the call waits, every [`HOLDER_LOOK_EVERY`] (the interval every backend uses; some tens of
//! microseconds a look of `/proc/locks`) and once more when it gives up, and the last ones
//! found are kept ([`LockClock::holder`]): a look made only after the wait gave up can
//! find nobody, because the holder let go between the wait's last try and the look (a writer
//! stopped inside its transaction and let go just then: its waiter would name no one).
//!
//! A call that waited at least
//! [`LOCK_WAIT_REPORTED`](podstate_api::raw::trace::LOCK_WAIT_REPORTED) is reported to
//! `tracing` when it ends ([`LockClock::finish`]), with the processes that held the lock when
//! the wait reached that length (looked up only when a subscriber wants the event).

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use podstate_api::raw::group::deadline_after;
use podstate_api::raw::holder_watch::HOLDER_LOOK_EVERY;
use podstate_api::raw::trace::LockWait;
use rusqlite::Connection;

use crate::error::{holders_text, is_busy};
use crate::turn::Turn;

/// The first sleep between two tries; each later sleep doubles, up to the poll interval.
const FIRST_SLEEP: Duration = Duration::from_micros(50);

/// When the current call of one connection gives up waiting for a lock.
#[derive(Debug)]
pub(crate) struct LockClock {
    /// The instant deadlines are counted from.
    origin: Instant,
    /// The current call's deadline, in nanoseconds after `origin`.
    deadline: AtomicU64,
    /// The lock timeout of every call.
    timeout: Duration,
    /// The longest sleep between two tries.
    poll: Duration,
    /// The connection's turns among writers, told of every wait.
    turn: Option<Arc<Turn>>,
    /// The database file, whose lock holders a long wait names.
    path: Arc<Path>,
    /// The current call's wait, from its first busy answer until [`finish`](LockClock::finish).
    wait: Mutex<Option<CallWait>>,
    /// Whether `wait` holds one: a call that never waited does not take the mutex.
    waited: AtomicBool,
    /// When the current call began, in nanoseconds after `origin`.
    since: AtomicU64,
    /// When the current call's wait last looked up the lock's holders (or began), in
    /// nanoseconds after `origin`.
    looked: AtomicU64,
    /// The lock's holders as the last look that found any found them, and when; kept across
    /// calls (a call names them only when they were seen since it began).
    seen: Mutex<Option<(Instant, String)>>,
}

/// One call's wait for locks.
#[derive(Debug)]
struct CallWait {
    wait: LockWait,
    /// The deadline passed: the call gave up.
    gave_up: bool,
}

impl LockClock {
    /// A clock for calls on the database at `path` that each wait at most `timeout`, sleeping
    /// at most `poll` at a time; each wait is told to `turn`.
    pub(crate) fn new(
        path: &Arc<Path>,
        timeout: Duration,
        poll: Duration,
        turn: Option<Arc<Turn>>,
    ) -> Arc<LockClock> {
        let clock = Arc::new(LockClock {
            origin: Instant::now(),
            deadline: AtomicU64::new(0),
            timeout,
            poll: poll.max(FIRST_SLEEP),
            turn,
            path: Arc::clone(path),
            wait: Mutex::new(None),
            waited: AtomicBool::new(false),
            since: AtomicU64::new(0),
            looked: AtomicU64::new(0),
            seen: Mutex::new(None),
        });
        clock.start();
        clock
    }

    /// Starts a call: its waits end `timeout` from now.
    pub(crate) fn start(&self) {
        self.start_until(deadline_after(Instant::now(), self.timeout));
    }

    /// Starts a call whose waits end at `deadline` (a write that already waited for its turn
    /// among the store's writers: the timeout is per call, not per lock).
    pub(crate) fn start_until(&self, deadline: Instant) {
        let deadline = deadline.saturating_duration_since(self.origin);
        let nanos = u64::try_from(deadline.as_nanos()).unwrap_or(u64::MAX);
        self.deadline.store(nanos, Ordering::Relaxed);
        let now = self.now();
        self.since.store(now, Ordering::Relaxed);
        self.looked.store(now, Ordering::Relaxed);
        // A wait of a call that never finished (it panicked) is not this call's.
        if self.waited.swap(false, Ordering::Relaxed) {
            self.wait_slot().take();
        }
    }

    /// Ends a call's waits for `lock`: reports them to `tracing` when they lasted at least
    /// [`LOCK_WAIT_REPORTED`](podstate_api::raw::trace::LOCK_WAIT_REPORTED).
    pub(crate) fn finish(&self, lock: &str) {
        if !self.waited.swap(false, Ordering::Relaxed) {
            return;
        }
        if let Some(CallWait { wait, gave_up }) = self.wait_slot().take() {
            wait.end("sqlite", &self.path, lock, !gave_up);
        }
    }

    fn wait_slot(&self) -> std::sync::MutexGuard<'_, Option<CallWait>> {
        self.wait.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Notes a wait of the current call: its start, its holder once it lasts, its end.
    fn note_wait(&self, gave_up: bool) {
        let mut slot = self.wait_slot();
        self.waited.store(true, Ordering::Relaxed);
        let call = slot.get_or_insert_with(|| CallWait {
            wait: LockWait::begin(),
            gave_up: false,
        });
        call.gave_up |= gave_up;
        if call.wait.wants_holder() {
            let holders = self.holder();
            call.wait
                .set_holder(holders.unwrap_or_else(|| "another connection".to_owned()));
        }
    }

    /// Nanoseconds since `origin`.
    fn now(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Looks up the lock's holders at `now` (nanoseconds after `origin`) and keeps them when
    /// there are any.
    fn look(&self, now: u64) {
        self.looked.store(now, Ordering::Relaxed);
        if let Some(holders) = holders_text(&self.path) {
            *self.seen.lock().unwrap_or_else(PoisonError::into_inner) =
                Some((Instant::now(), holders));
        }
    }

    /// The lock's holders as last found by a wait of this connection, and when (the write
    /// connection's, for the calls queued behind it in its group).
    pub(crate) fn seen(&self) -> Option<(Instant, String)> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Who to name as the lock's holder in the current call's lock timeout: the processes
    /// holding it now, else those last seen holding it since the call began (they let go
    /// after the wait's last try); `None` when nobody was found.
    pub(crate) fn holder(&self) -> Option<String> {
        holders_text(&self.path).or_else(|| {
            let since = self.origin + Duration::from_nanos(self.since.load(Ordering::Relaxed));
            self.seen()
                .filter(|(at, _)| *at >= since)
                .map(|(_, holders)| holders)
        })
    }

    /// Whether the current call gave up waiting for a lock (its deadline passed).
    pub(crate) fn gave_up(&self) -> bool {
        self.waited.load(Ordering::Relaxed) && self.wait_slot().as_ref().is_some_and(|w| w.gave_up)
    }

    /// The lock timeout.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The current call's deadline.
    pub(crate) fn deadline(&self) -> Instant {
        self.origin + Duration::from_nanos(self.deadline.load(Ordering::Relaxed))
    }

    /// Sleeps before try number `attempt + 1` and answers true, or answers false once the
    /// deadline has passed.
    fn wait(&self, attempt: u32) -> bool {
        let now = self.now();
        let deadline = self.deadline.load(Ordering::Relaxed);
        let giving_up = now >= deadline;
        #[cfg(test)]
        if giving_up {
            run_give_up_hook();
        }
        let every = u64::try_from(HOLDER_LOOK_EVERY.as_nanos()).unwrap_or(u64::MAX);
        if giving_up || now.saturating_sub(self.looked.load(Ordering::Relaxed)) >= every {
            self.look(now);
        }
        self.note_wait(giving_up);
        if giving_up {
            return false;
        }
        if let Some(turn) = &self.turn {
            turn.waiting();
        }
        let backoff = FIRST_SLEEP.saturating_mul(1 << attempt.min(16));
        let left = Duration::from_nanos(deadline - now);
        std::thread::sleep(backoff.min(self.poll).min(left));
        true
    }

    /// Installs the busy handler of `conn`, which waits on this clock.
    pub(crate) fn install(self: &Arc<Self>, conn: &mut Connection) -> rusqlite::Result<()> {
        let clock = Arc::clone(self);
        conn.busy_handler(Some(move |count: i32| {
            clock.wait(u32::try_from(count).unwrap_or(u32::MAX))
        }))
    }

    /// Runs `op` until it answers something other than "busy", or the deadline passes (then
    /// the last busy error is the answer). For statements whose failure leaves nothing to undo:
    /// `BEGIN`, `COMMIT`, the first read of a transaction, and the steps of opening.
    pub(crate) fn retry<T>(
        &self,
        mut op: impl FnMut() -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let mut attempt = 0;
        loop {
            match op() {
                Err(e) if is_busy(&e) && self.wait(attempt) => attempt = attempt.saturating_add(1),
                other => return other,
            }
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Run by the next wait of this thread that gives up, first thing: a test's holder lets go
    /// of the lock right then, after the wait's last try and before anything looks at who
    /// holds the lock.
    pub(crate) static ON_GIVE_UP: std::cell::RefCell<Option<Box<dyn FnOnce()>>> =
        const { std::cell::RefCell::new(None) };
}

#[cfg(test)]
fn run_give_up_hook() {
    if let Some(hook) = ON_GIVE_UP.with(|hook| hook.borrow_mut().take()) {
        hook();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_gives_up_with_the_busy_error_after_the_deadline() {
        let path: Arc<Path> = Arc::from(Path::new("/nonexistent/state.db"));
        let clock = LockClock::new(
            &path,
            Duration::from_millis(5),
            Duration::from_millis(1),
            None,
        );
        let mut tries = 0;
        let busy = || {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                None,
            )
        };
        let answer: rusqlite::Result<()> = clock.retry(|| {
            tries += 1;
            Err(busy())
        });
        assert!(is_busy(&answer.unwrap_err()));
        assert!(tries > 1, "retried {tries} times");

        clock.start();
        let mut left = 3;
        let answer = clock.retry(|| {
            left -= 1;
            if left == 0 { Ok(7) } else { Err(busy()) }
        });
        assert_eq!(answer.unwrap(), 7);
    }
}
