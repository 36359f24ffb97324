//! Two writes of one store queued behind each other, both meeting a write lock they cannot
//! get: what the tests of a write that opens the file for writing check (SPEC §3: the lock
//! timeout is per call, the time queued included).

use std::thread;
use std::time::{Duration, Instant};

use podstate_api::{ErrorKind, State, StateError};
use podstate_conformance::scenarios::fixtures::vol;
use podstate_redb::RedbState;

/// Each handle adds the volume of the name beside it on a thread of its own, each a quarter
/// of `timeout` after the one before (well inside its wait, so it queues behind it); every
/// add must fail. Answers each error and how long its call took, in order.
pub fn failing_queued_adds(
    calls: Vec<(RedbState, &'static str)>,
    timeout: Duration,
) -> Vec<(StateError, Duration)> {
    let writers: Vec<_> = calls
        .into_iter()
        .map(|(state, name)| {
            let writer = thread::spawn(move || {
                let started = Instant::now();
                let err = state.add_volume(&vol(name)).unwrap_err();
                (err, started.elapsed())
            });
            thread::sleep(timeout / 4);
            writer
        })
        .collect();
    writers.into_iter().map(|w| w.join().unwrap()).collect()
}

/// `err` is the write lock's timeout, met within about one lock timeout `timeout` of its
/// call's start (`took`), with room for a slow machine: the old code took about two.
pub fn assert_gave_up_in_one_timeout(err: &StateError, took: Duration, timeout: Duration) {
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("the write lock"), "{err}");
    assert!(
        took < timeout * 3 / 2,
        "a write with a lock timeout of {timeout:?} gave up only after {took:?}: {err}"
    );
}
