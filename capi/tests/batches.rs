//! Batches through the C functions (`podstate_batch_begin`, `_commit`, `_rollback`, and
//! `podstate_call` / `podstate_close` / `podstate_handle_free` on a batch), each misuse a C
//! caller can make answered with its kind. The batch scenarios of the conformance suite run
//! through the same functions (`tests/conformance.rs`, by way of `AbiHandle::batch`).

#![allow(unsafe_code)]

use std::ffi::CStr;
use std::ptr;
use std::sync::Arc;

use podstate::{
    Capabilities, Container, ContainerConfig, ErrorKind, Layered, Result, State, StateError,
    StateLayer, Store,
};
use podstate_capi::ffi::caller::{self, Answer, HandlePtr, StorePtr};
use podstate_capi::ffi::{
    PodstateAnswer, PodstateHandle, podstate_answer_free, podstate_batch_begin,
    podstate_batch_commit, podstate_batch_rollback, podstate_handle_free, podstate_open,
    podstate_open_handle, podstate_store_free,
};

/// The arguments of a call taking container `id`.
fn ctr(id: &str) -> Vec<u8> {
    let c = Container::new(ContainerConfig::new(id, format!("name-{id}")));
    format!(r#"{{"ctr":{}}}"#, serde_json::to_string(&c).unwrap()).into_bytes()
}

fn add(h: &HandlePtr, id: &str) -> Answer {
    h.call(c"add_container", &ctr(id), None)
}

fn has(h: &HandlePtr, id: &str) -> bool {
    let answer = h.call(
        c"has_container",
        format!(r#"{{"id":"{id}"}}"#).as_bytes(),
        None,
    );
    match answer.json() {
        b"true" => true,
        b"false" => false,
        other => panic!("has_container: {}", String::from_utf8_lossy(other)),
    }
}

#[track_caller]
fn assert_ok(answer: Answer) {
    assert!(
        answer.is_ok(),
        "expected success, got {}",
        String::from_utf8_lossy(answer.json())
    );
}

#[track_caller]
fn assert_kind(answer: Answer, kind: &str) {
    assert_eq!(
        answer.kind(),
        Some(kind),
        "{}",
        String::from_utf8_lossy(answer.json())
    );
}

/// A fresh store of `backend` (in a directory that lives as long as the store is used).
fn store(backend: &str, dir: &tempfile::TempDir) -> StorePtr {
    let url = match backend {
        "memory" => "memory:".to_owned(),
        _ => format!("{backend}:{}", dir.path().join("state.db").display()),
    };
    // A short lock timeout: a lock a batch failed to release shows as `Io`, not as a hang.
    caller::open(&url, Some(r#"{"lock_timeout_ms": 2000}"#)).unwrap()
}

/// On a persistent store another handle reads the state of the last commit while a batch is
/// open (the memory store's reads wait for the batch, so it is left out here: this thread must
/// finish the batch).
#[test]
fn a_batch_is_seen_by_other_handles_only_once_committed() {
    for backend in ["sqlite", "redb"] {
        let dir = tempfile::tempdir().unwrap();
        let s = store(backend, &dir);
        let (h, other) = (s.open_handle(None).unwrap(), s.open_handle(None).unwrap());
        let batch = h.begin_batch().unwrap();
        assert_ok(add(&batch, "c1"));
        assert_ok(add(&batch, "c2"));
        assert!(
            has(&batch, "c1"),
            "{backend}: the batch reads its own writes"
        );
        assert!(!has(&other, "c1"), "{backend}: seen before the commit");
        assert_ok(batch.commit());
        assert!(has(&other, "c1") && has(&other, "c2"), "{backend}");
    }
}

#[test]
fn a_rolled_back_batch_leaves_nothing() {
    for backend in ["memory", "sqlite", "redb"] {
        let dir = tempfile::tempdir().unwrap();
        let s = store(backend, &dir);
        let h = s.open_handle(None).unwrap();
        assert_ok(add(&h, "c0"));
        let batch = h.begin_batch().unwrap();
        assert_ok(add(&batch, "c1"));
        assert_ok(batch.call(c"remove_container", &ctr("c0"), None));
        assert_ok(batch.rollback());
        drop(batch);
        assert!(has(&h, "c0") && !has(&h, "c1"), "{backend}");
    }
}

#[test]
fn a_failing_call_inside_a_batch_changes_nothing_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = store("sqlite", &dir);
    let h = s.open_handle(None).unwrap();
    let batch = h.begin_batch().unwrap();
    assert_ok(add(&batch, "c1"));
    assert_kind(add(&batch, "c1"), "CtrExists");
    assert_kind(
        batch.call(c"remove_container", &ctr("gone"), None),
        "NoSuchCtr",
    );
    assert_kind(batch.call(c"no_such_call", b"{}", None), "UnknownCall");
    assert_kind(batch.call(c"add_container", b"{", None), "BadRequest");
    assert_ok(add(&batch, "c2"));
    assert_ok(batch.commit());
    assert!(has(&h, "c1") && has(&h, "c2"));
}

#[test]
fn a_finished_batch_answers_db_closed_to_everything_but_free() {
    let s = store("memory", &tempfile::tempdir().unwrap());
    let h = s.open_handle(None).unwrap();
    for commit in [true, false] {
        let batch = h.begin_batch().unwrap();
        assert_ok(match commit {
            true => batch.commit(),
            false => batch.rollback(),
        });
        assert_kind(add(&batch, "late"), "DbClosed");
        assert_kind(batch.call(c"all_containers", b"", None), "DbClosed");
        assert_kind(batch.commit(), "DbClosed");
        assert_kind(batch.rollback(), "DbClosed");
        assert_kind(batch.close(), "DbClosed");
        let said = batch.commit();
        let message = String::from_utf8_lossy(said.json()).into_owned();
        let how = if commit { "committed" } else { "rolled back" };
        assert!(message.contains(how), "{message}");
    }
    // The store's lock is free again, and nothing late was written.
    assert_ok(add(&h, "after"));
    assert!(!has(&h, "late"));
}

#[test]
fn handle_calls_inside_a_batch_are_invalid_arg_and_batches_do_not_nest() {
    let s = store("memory", &tempfile::tempdir().unwrap());
    let h = s.open_handle(Some("ns1")).unwrap();
    let batch = h.begin_batch().unwrap();
    assert_kind(batch.close(), "InvalidArg");
    assert_kind(batch.call(c"close", b"{}", None), "InvalidArg");
    assert_kind(
        batch.call(c"set_namespace", br#"{"ns":"x"}"#, None),
        "InvalidArg",
    );
    let nested = batch.begin_batch().unwrap_err();
    assert_eq!(nested.kind.name(), "InvalidArg", "{nested}");
    // The handle's namespace holds inside its batch, and the batch still commits.
    let outside = Container::new(ContainerConfig::new("c0", "no-ns"));
    let outside = format!(r#"{{"ctr":{}}}"#, serde_json::to_string(&outside).unwrap());
    assert_kind(
        batch.call(c"add_container", outside.as_bytes(), None),
        "NsMismatch",
    );
    assert_ok(batch.commit());
    assert_ok(h.call(c"all_containers", b"", None));
}

#[test]
fn a_handle_is_not_a_batch() {
    let s = store("memory", &tempfile::tempdir().unwrap());
    let h = s.open_handle(None).unwrap();
    assert_kind(h.commit(), "InvalidArg");
    assert_kind(h.rollback(), "InvalidArg");
    assert_ok(add(&h, "c1"));
}

#[test]
fn a_batch_on_a_closed_handle_is_db_closed_and_gives_no_batch() {
    let s = store("memory", &tempfile::tempdir().unwrap());
    let h = s.open_handle(None).unwrap();
    assert_ok(h.close());
    let err = h.begin_batch().unwrap_err();
    assert_eq!(err.kind.name(), "DbClosed", "{err}");
}

#[test]
fn freeing_an_unfinished_batch_rolls_it_back_and_releases_the_lock() {
    for backend in ["memory", "sqlite", "redb"] {
        let dir = tempfile::tempdir().unwrap();
        let s = store(backend, &dir);
        let (h, other) = (s.open_handle(None).unwrap(), s.open_handle(None).unwrap());
        let batch = h.begin_batch().unwrap();
        assert_ok(add(&batch, "c1"));
        drop(batch); // podstate_handle_free
        // A lock still held would make this write wait out its 2 s and answer `Io`.
        assert_ok(add(&other, "c2"));
        assert!(!has(&other, "c1") && has(&h, "c2"), "{backend}");
    }
}

#[test]
fn a_batch_outlives_the_handle_it_was_begun_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = store("sqlite", &dir);
    let h = s.open_handle(None).unwrap();
    let batch = h.begin_batch().unwrap();
    drop(h);
    assert_ok(add(&batch, "c1"));
    assert_ok(batch.commit());
    assert!(has(&s.open_handle(None).unwrap(), "c1"));
}

#[test]
fn several_threads_make_calls_on_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let s = store("sqlite", &dir);
    let h = s.open_handle(None).unwrap();
    let batch = Arc::new(h.begin_batch().unwrap());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let batch = Arc::clone(&batch);
            std::thread::spawn(move || {
                for i in 0..10 {
                    assert_ok(add(&batch, &format!("t{t}c{i}")));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_ok(batch.commit());
    let all = h.call(c"all_containers", b"", None);
    let all: Vec<serde_json::Value> = serde_json::from_slice(all.json()).unwrap();
    assert_eq!(all.len(), 40);
}

#[test]
fn null_pointers_are_bad_pointer() {
    let kind = |answer: *mut PodstateAnswer| {
        // SAFETY: an answer of the boundary, read then freed once.
        let kind = unsafe { CStr::from_ptr((*answer).kind) }
            .to_str()
            .unwrap()
            .to_owned();
        // SAFETY: as above.
        unsafe { podstate_answer_free(answer) };
        kind
    };
    let (mut store, mut h) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: a NUL-terminated URL, NULL options, writable out-parameters; the answers are
    // freed once each.
    unsafe {
        podstate_answer_free(podstate_open(c"memory:".as_ptr(), ptr::null(), &mut store));
        podstate_answer_free(podstate_open_handle(store, ptr::null(), &mut h));
    }
    let mut batch: *mut PodstateHandle = ptr::dangling_mut();
    // SAFETY: a NULL handle on purpose; a writable out-parameter.
    assert_eq!(
        kind(unsafe { podstate_batch_begin(ptr::null(), &mut batch) }),
        "BadPointer"
    );
    assert!(batch.is_null(), "the out-parameter is NULL on error");
    // SAFETY: a live handle; a NULL out-parameter on purpose.
    assert_eq!(
        kind(unsafe { podstate_batch_begin(h, ptr::null_mut()) }),
        "BadPointer"
    );
    // SAFETY: NULL on purpose.
    assert_eq!(
        kind(unsafe { podstate_batch_commit(ptr::null()) }),
        "BadPointer"
    );
    // SAFETY: NULL on purpose.
    assert_eq!(
        kind(unsafe { podstate_batch_rollback(ptr::null()) }),
        "BadPointer"
    );
    // SAFETY: a store where a batch belongs, on purpose (its tag is checked).
    assert_eq!(
        kind(unsafe { podstate_batch_commit(store.cast()) }),
        "BadPointer"
    );
    // SAFETY: live objects, freed once each.
    unsafe {
        podstate_handle_free(h);
        podstate_store_free(store);
    }
}

/// A handle whose batches fail after their closure ran, as when the commit meets a full disk
/// or a call inside doomed the batch: nothing of them may remain.
#[derive(Debug)]
struct FailingBatches(Box<dyn State>);

impl StateLayer for FailingBatches {
    fn inner(&self) -> &dyn State {
        self.0.as_ref()
    }

    fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> {
        self.0.batch(&mut |tx| {
            let _ = f(tx);
            Err(StateError::new(ErrorKind::Io, "the disk is full"))
        })
    }
}

/// A memory store whose handles are [`FailingBatches`].
#[derive(Debug)]
struct FailingStore(podstate_memory::MemoryStore);

impl Store for FailingStore {
    fn backend(&self) -> &'static str {
        "memory"
    }
    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }
    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(Layered(FailingBatches(Store::open_handle(
            &self.0,
        )?))))
    }
    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>> {
        Err(StateError::invalid("not reopened in this test"))
    }
    fn snapshot(&self) -> Result<podstate::snapshot::Snapshot> {
        self.0.snapshot()
    }
    fn restore(&self, snapshot: &podstate::snapshot::Snapshot) -> Result<()> {
        self.0.restore(snapshot)
    }
    fn verify(&self) -> Result<Vec<podstate::verify::Violation>> {
        self.0.verify()
    }
}

#[test]
fn a_failed_commit_or_a_doomed_rollback_answers_io_and_leaves_nothing() {
    let s = caller::adopt(Box::new(FailingStore(podstate_memory::MemoryStore::new())));
    let h = s.open_handle(None).unwrap();
    for commit in [true, false] {
        let batch = h.begin_batch().unwrap();
        assert_ok(add(&batch, "c1"));
        assert_kind(
            match commit {
                true => batch.commit(),
                false => batch.rollback(),
            },
            "Io",
        );
        assert_kind(add(&batch, "c2"), "DbClosed");
        assert_kind(batch.commit(), "DbClosed");
        drop(batch);
        assert!(!has(&h, "c1"));
    }
}
