//! The span of every call (`podstate_api::raw::trace`): its name, backend, namespace, outcome
//! kind and duration, as a subscriber sees them.

use std::sync::{Mutex, MutexGuard, PoisonError};

use podstate_api::ErrorKind;
use podstate_api::{State, Store};
use podstate_conformance::scenarios::fixtures::ctr;
use podstate_conformance::trace::{Capture, SpanRecord};
use podstate_memory::MemoryStore;

/// The tests of this file one at a time: tracing caches each callsite's interest for every
/// thread, and a test calling with no subscriber while another installs its capture could leave
/// a callsite cached as "never" for the capture (seen: 6 runs in 30 missed every span but one).
static TURN: Mutex<()> = Mutex::new(());

fn alone() -> MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The call spans among `spans`, as (call, namespace, outcome).
fn calls(spans: &[SpanRecord]) -> Vec<(String, String, String)> {
    spans
        .iter()
        .filter(|s| s.name == "call")
        .map(|s| {
            let field = |name: &str| s.fields.get(name).cloned().unwrap_or_default();
            (field("call"), field("namespace"), field("outcome"))
        })
        .collect()
}

#[test]
fn every_call_has_a_span_with_its_name_namespace_outcome_and_duration() {
    let _turn = alone();
    let store = MemoryStore::new();
    let state = store.open_handle().unwrap();
    let capture = Capture::new();
    capture.run(|| {
        state.add_container(&ctr("c1", "web")).unwrap();
        assert_eq!(
            state.container("nope").unwrap_err().kind(),
            ErrorKind::NoSuchCtr
        );
        state.set_namespace("blue").unwrap();
        assert!(!state.has_container("c1").unwrap());
        assert_eq!(
            state.set_namespace("a\0b").unwrap_err().kind(),
            ErrorKind::InvalidArg
        );
        state.close().unwrap();
        assert_eq!(
            state.all_containers().unwrap_err().kind(),
            ErrorKind::DbClosed
        );
    });
    let spans = capture.spans();
    assert_eq!(
        calls(&spans),
        [
            ("add_container", "", "ok"),
            ("container", "", "NoSuchCtr"),
            ("set_namespace", "blue", "ok"),
            ("has_container", "blue", "ok"),
            // Refused before it changed the namespace: none recorded.
            ("set_namespace", "", "InvalidArg"),
            ("close", "", "ok"),
            // Step 1 refuses before the namespace is read.
            ("all_containers", "", "DbClosed"),
        ]
        .map(|(c, n, o)| (c.to_owned(), n.to_owned(), o.to_owned()))
    );
    for span in &spans {
        assert_eq!(span.target, "podstate_api::raw::trace", "{span:?}");
        assert_eq!(span.level, tracing::Level::DEBUG, "{span:?}");
        assert_eq!(span.fields["backend"], "memory", "{span:?}");
        let micros: u64 = span.fields["duration_us"].parse().unwrap();
        assert!(micros < 60_000_000, "{span:?}");
    }
    let failed = &spans[1];
    assert!(
        failed.fields["error"].contains("nope"),
        "the message names the object: {failed:?}"
    );
    assert!(!spans[0].fields.contains_key("error"));
    // Refusals of the contract are answers, not storage failures: no warning.
    assert!(capture.events().is_empty(), "{:?}", capture.events());
}

#[test]
fn whole_store_operations_have_spans_too() {
    let _turn = alone();
    let store = MemoryStore::new();
    store
        .open_handle()
        .unwrap()
        .add_container(&ctr("c1", "web"))
        .unwrap();
    let capture = Capture::new();
    let copy = MemoryStore::new();
    capture.run(|| {
        copy.restore(&store.snapshot().unwrap()).unwrap();
        assert_eq!(copy.inventory().unwrap().containers.len(), 1);
    });
    assert_eq!(
        calls(&capture.spans()),
        [
            ("snapshot", "", ""),
            ("restore", "", ""),
            ("inventory", "", "")
        ]
        .map(|(c, _, _)| (c.to_owned(), String::new(), "ok".to_owned()))
    );
}

#[test]
fn no_subscriber_no_span_and_the_same_answers() {
    let _turn = alone();
    // Outside `Capture::run` nothing is recorded, and the calls answer as ever.
    let capture = Capture::new();
    let store = MemoryStore::new();
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c1", "web")).unwrap();
    assert!(state.has_container("c1").unwrap());
    assert!(capture.spans().is_empty());
}
