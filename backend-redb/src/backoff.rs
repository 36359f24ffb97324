//! The one back-off of this crate: polling a lock that redb would wait for without bound
//! (the write lock in [`lock`](crate::lock), the storage's byte-range locks in
//! [`bounded`](crate::bounded)) with a jittered exponential pause, 20 µs doubling to 2 ms,
//! until a timeout.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// The first pause between two tries.
const FIRST_PAUSE: Duration = Duration::from_micros(20);
/// The longest pause between two tries.
const MAX_PAUSE: Duration = Duration::from_millis(2);

/// A deadline and a growing, jittered pause: the one back-off of this crate.
pub(crate) struct Backoff {
    start: Instant,
    timeout: Duration,
    pause: Duration,
    jitter: RandomState,
}

impl Backoff {
    /// A back-off that gives up `timeout` from now.
    pub(crate) fn new(timeout: Duration) -> Backoff {
        Backoff {
            start: Instant::now(),
            timeout,
            pause: FIRST_PAUSE,
            jitter: RandomState::new(),
        }
    }

    /// Sleeps before the next try, or answers how long it waited once the timeout has passed.
    /// The pause is drawn from its upper half so that peers retrying together drift apart.
    pub(crate) fn wait(&mut self) -> Result<(), Duration> {
        let waited = self.start.elapsed();
        if waited >= self.timeout {
            #[cfg(test)]
            run_give_up_hook();
            return Err(waited);
        }
        let mut hasher = self.jitter.build_hasher();
        hasher.write_u128(waited.as_nanos());
        let half = self.pause / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX).max(1);
        let pause = half + Duration::from_nanos(hasher.finish() % nanos);
        std::thread::sleep(pause.min(self.timeout - waited));
        self.pause = (self.pause * 2).min(MAX_PAUSE);
        Ok(())
    }
}

#[cfg(test)]
thread_local! {
    /// Run by the next back-off of this thread that gives up, first thing: a test's holder lets
    /// go of the lock right then, after the wait's last try and before anything looks at who
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
