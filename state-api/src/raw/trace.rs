//! What a store tells a [`tracing`] subscriber: one span per call, and events for lock waits,
//! retries and repairs. Nothing is measured or formatted unless a subscriber wants it: with no
//! subscriber (or one that filters these out), a call pays one relaxed load of `tracing`'s
//! global level filter.
//!
//! * **The call span** (`DEBUG`, name `call`), opened by [`Handle`](super::Handle) around each
//!   of the 53 calls, for every backend: `call` (the call's name, as in
//!   [`State`](crate::State)), `backend` ([`Engine::BACKEND`](super::Engine::BACKEND)),
//!   `namespace` (the handle's), and when the call returns `outcome` (`"ok"` or the error kind
//!   of SPEC §4, as [`ErrorKind::name`](crate::ErrorKind::name) spells it), `error` (the message of a failure) and
//!   `duration_us`. A call that fails with `Io` or `Corrupt` (the storage failed, not the
//!   caller) also emits a `WARN` event inside its span.
//! * **Lock waits** (`INFO`; `WARN` when the wait ran out): [`lock_wait`], from a backend whose
//!   call waited at least [`LOCK_WAIT_REPORTED`] for a lock another handle or process held,
//!   with the lock, the file, the time waited and the holder when the backend could find it.
//!   [`LockWait`] is the bookkeeping a backend's wait loop needs for it.
//! * **Retries and repairs** (`INFO`, `WARN` for what follows a failure): each backend emits
//!   its own under its crate's target (a redb file repaired through an overlay, a database
//!   object opened anew after an I/O error, a SQLite connection replaced).
//!
//! Every target starts with `podstate` (the crates' names), so `RUST_LOG=podstate=debug`
//! selects all of them.

use std::path::Path;
use std::time::{Duration, Instant};

use tracing::Span;
use tracing::field::Empty;

use crate::Result;

/// A lock wait shorter than this is not reported: a few milliseconds is what a write waits
/// for another's commit on a busy but healthy database.
pub const LOCK_WAIT_REPORTED: Duration = Duration::from_millis(5);

/// Runs `body`, one call of the [`State`](crate::State) API on `backend`, inside its span (see
/// the module docs). `body` gets the span, to record the handle's `namespace` once it knows it.
///
/// [`Handle`](super::Handle) and [`whole`](super::whole) open it for every call they run; a
/// backend opens it itself only for a whole-store operation of its own, such as
/// [`Store::inventory`](crate::Store::inventory), so that a subscriber sees those too.
pub fn call<T>(
    call: &'static str,
    backend: &'static str,
    body: impl FnOnce(&Span) -> Result<T>,
) -> Result<T> {
    let span = tracing::debug_span!(
        "call",
        call,
        backend,
        namespace = Empty,
        outcome = Empty,
        error = Empty,
        duration_us = Empty,
    );
    if span.is_disabled() {
        // The hot path without a subscriber: no clock, no formatting.
        return body(&span);
    }
    let started = Instant::now();
    let answer = span.in_scope(|| body(&span));
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    span.record("duration_us", micros);
    match &answer {
        Ok(_) => {
            span.record("outcome", "ok");
        }
        Err(e) => {
            span.record("outcome", e.kind().name());
            span.record("error", e.message());
            if e.kind().is_fault() {
                span.in_scope(|| {
                    tracing::warn!(
                        call,
                        backend,
                        kind = e.kind().name(),
                        error = e.message(),
                        "call failed in storage"
                    );
                });
            }
        }
    }
    answer
}

/// Reports a lock wait of at least [`LOCK_WAIT_REPORTED`] (shorter ones are ignored): `backend`
/// waited `waited` for `lock` on `file`, held by `holder` when known (`"process 4711 (podman)"`),
/// and then got it (`acquired`) or gave up at the lock timeout.
pub fn lock_wait(
    backend: &'static str,
    file: &Path,
    lock: &str,
    waited: Duration,
    holder: Option<&str>,
    acquired: bool,
) {
    if waited < LOCK_WAIT_REPORTED {
        return;
    }
    let waited_ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
    let holder = holder.unwrap_or("unknown");
    let file = file.display();
    if acquired {
        tracing::info!(backend, %file, lock, waited_ms, holder, "waited for a lock");
    } else {
        tracing::warn!(backend, %file, lock, waited_ms, holder, "gave up waiting for a lock");
    }
}

/// Whether a subscriber wants [`lock_wait`]'s events: a backend looks for a lock's holder (which
/// can be slow) only then, or when it must name it in an error.
pub fn lock_waits_wanted() -> bool {
    tracing::enabled!(tracing::Level::INFO)
}

/// The bookkeeping of one wait for a lock, for a backend's wait loop: when it began, and the
/// holder, looked up once the wait has lasted [`LOCK_WAIT_REPORTED`] (while the holder still
/// holds it) and only when a subscriber wants the event.
///
/// ```
/// use podstate_api::raw::trace::LockWait;
/// # use std::path::Path;
/// let mut wait = LockWait::begin();
/// // ... in the loop, after each failed try:
/// if wait.wants_holder() {
///     wait.set_holder("process 4711 (podman)".to_owned());
/// }
/// // ... once the lock is had (or the timeout has passed):
/// wait.end("sqlite", Path::new("state.db"), "the write lock", true);
/// ```
#[derive(Debug)]
pub struct LockWait {
    started: Instant,
    holder: Option<String>,
    looked: bool,
}

impl LockWait {
    /// A wait beginning now.
    pub fn begin() -> LockWait {
        LockWait::since(Instant::now())
    }

    /// A wait that began at `started`.
    pub fn since(started: Instant) -> LockWait {
        LockWait {
            started,
            holder: None,
            looked: false,
        }
    }

    /// How long it has lasted.
    pub fn waited(&self) -> Duration {
        self.started.elapsed()
    }

    /// True once, when the wait has lasted [`LOCK_WAIT_REPORTED`] and a subscriber wants lock
    /// waits: the moment to look up the holder and give it to [`set_holder`](Self::set_holder).
    pub fn wants_holder(&mut self) -> bool {
        if self.looked || self.waited() < LOCK_WAIT_REPORTED || !lock_waits_wanted() {
            return false;
        }
        self.looked = true;
        true
    }

    /// Records who held the lock.
    pub fn set_holder(&mut self, holder: String) {
        self.holder = Some(holder);
    }

    /// Ends the wait: reports it through [`lock_wait`] if it lasted long enough.
    pub fn end(self, backend: &'static str, file: &Path, lock: &str, acquired: bool) {
        lock_wait(
            backend,
            file,
            lock,
            self.waited(),
            self.holder.as_deref(),
            acquired,
        );
    }
}
