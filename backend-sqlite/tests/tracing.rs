//! What a subscriber sees of SQLite: a call that waited for the write lock another connection
//! held reports the wait inside its span, with the time waited.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use podstate_api::State;
use podstate_conformance::scenarios::fixtures::ctr;
use podstate_conformance::trace::Capture;
use podstate_sqlite::SqliteStore;

#[test]
fn a_wait_for_the_write_lock_is_an_event_inside_the_call_span() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = SqliteStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c0", "first")).unwrap();

    // Another connection (a process using plain SQLite would do the same) holds the write lock
    // for 300 ms.
    let (locked, is_locked) = mpsc::channel();
    let holder = {
        let path = path.clone();
        thread::spawn(move || {
            let sql = rusqlite::Connection::open(&path).unwrap();
            sql.execute_batch("BEGIN IMMEDIATE").unwrap();
            locked.send(()).unwrap();
            thread::sleep(Duration::from_millis(300));
            sql.execute_batch("COMMIT").unwrap();
        })
    };
    is_locked.recv().unwrap();

    let capture = Capture::new();
    capture.run(|| state.add_container(&ctr("c1", "web")).unwrap());
    holder.join().unwrap();

    let waits: Vec<_> = capture
        .events()
        .into_iter()
        .filter(|e| e.message == "waited for a lock")
        .collect();
    assert_eq!(waits.len(), 1, "{:?}", capture.events());
    let wait = &waits[0];
    assert_eq!(wait.level, tracing::Level::INFO);
    assert_eq!(wait.fields["backend"], "sqlite");
    assert_eq!(wait.fields["lock"], "the write lock");
    assert!(wait.fields["file"].ends_with("state.db"), "{wait:?}");
    let waited: u64 = wait.fields["waited_ms"].parse().unwrap();
    assert!(waited >= 5, "{wait:?}");
    assert!(wait.fields.contains_key("holder"), "{wait:?}");
    let span = wait.span.as_ref().expect("inside the call's span");
    assert_eq!(span["call"], "add_container");
    assert_eq!(span["backend"], "sqlite");

    let calls: Vec<_> = capture
        .spans()
        .into_iter()
        .filter(|s| s.name == "call")
        .collect();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].fields["outcome"], "ok");
    let micros: u64 = calls[0].fields["duration_us"].parse().unwrap();
    assert!(
        micros >= waited * 1000,
        "the call lasted the wait: {calls:?}"
    );
}
