//! The rules of the C boundary, each tried the way a C caller can break it: NULL and foreign
//! pointers, invalid UTF-8, malformed JSON, unknown calls and flags, wrong argument shapes, a
//! panic inside the library, and payloads byte for byte in both modes.
//!
//! The calls here pass raw pointers on purpose, as C does, hence `unsafe` in this test file;
//! each block's pointers are this file's own live values unless the test is about a bad one.

#![allow(unsafe_code)]

use std::ffi::{CStr, c_char};
use std::ptr;

use podstate_capi::ffi::{
    PODSTATE_ERROR, PODSTATE_OK, PODSTATE_PAYLOADS_BESIDE, PodstateAnswer, PodstateBytes,
    PodstateHandle, PodstateStore, podstate_abi_version, podstate_answer_free, podstate_call,
    podstate_close, podstate_handle_free, podstate_open, podstate_open_handle, podstate_snapshot,
    podstate_store_free, podstate_store_info, podstate_verify,
};

/// What an answer said, read and freed.
#[derive(Debug)]
struct Said {
    ok: bool,
    kind: Option<String>,
    json: String,
    payloads: Vec<String>,
}

/// Reads `answer` and frees it.
fn said(answer: *mut PodstateAnswer) -> Said {
    assert!(!answer.is_null(), "the boundary answers every call");
    // SAFETY: a live answer of the boundary, freed below and not used after.
    let a = unsafe { &*answer };
    assert!(a.status == PODSTATE_OK || a.status == PODSTATE_ERROR);
    let bytes = |b: PodstateBytes| match b.len {
        0 => String::new(),
        // SAFETY: the answer's views point into it, alive until the free below.
        n => String::from_utf8(unsafe { std::slice::from_raw_parts(b.ptr, n) }.to_vec()).unwrap(),
    };
    let payloads = match a.payloads.is_null() {
        true => Vec::new(),
        // SAFETY: `payload_count` entries inside the live answer.
        false => unsafe { std::slice::from_raw_parts(a.payloads, a.payload_count) }
            .iter()
            .map(|b| bytes(*b))
            .collect(),
    };
    let kind = match a.kind.is_null() {
        true => None,
        // SAFETY: a static NUL-terminated kind name.
        false => Some(
            unsafe { CStr::from_ptr(a.kind) }
                .to_str()
                .unwrap()
                .to_owned(),
        ),
    };
    let out = Said {
        ok: a.status == PODSTATE_OK,
        kind,
        json: bytes(a.json),
        payloads,
    };
    // SAFETY: freed once, not used after.
    unsafe { podstate_answer_free(answer) };
    if let Some(kind) = &out.kind {
        let e: serde_json::Value = serde_json::from_str(&out.json).unwrap();
        assert_eq!(e["kind"], kind.as_str(), "the kind field matches the JSON");
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    out
}

/// Opens `url` and a handle on it.
fn open(url: &CStr) -> (*mut PodstateStore, *mut PodstateHandle) {
    let (mut store, mut handle) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: a NUL-terminated URL, NULL options, a writable out-parameter.
    assert!(said(unsafe { podstate_open(url.as_ptr(), ptr::null(), &mut store) }).ok);
    // SAFETY: the live store just opened, no namespace, a writable out-parameter.
    assert!(said(unsafe { podstate_open_handle(store, ptr::null(), &mut handle) }).ok);
    (store, handle)
}

/// Frees what [`open`] opened.
fn free(store: *mut PodstateStore, handle: *mut PodstateHandle) {
    // SAFETY: live objects of the boundary, freed once each.
    unsafe {
        podstate_handle_free(handle);
        podstate_store_free(store);
    }
}

/// `podstate_call` on `handle` with inline payloads.
fn call(handle: *const PodstateHandle, name: &CStr, args: &str) -> Said {
    // SAFETY: the caller's handle (live, or the bad pointer under test), a NUL-terminated
    // name, `args.len()` readable bytes, no payloads.
    said(unsafe {
        podstate_call(
            handle,
            name.as_ptr(),
            args.as_ptr(),
            args.len(),
            ptr::null(),
            0,
            0,
        )
    })
}

/// `podstate_call` with payloads beside the JSON.
fn call_beside(handle: *const PodstateHandle, name: &CStr, args: &str, payloads: &[&[u8]]) -> Said {
    let views: Vec<PodstateBytes> = payloads
        .iter()
        .map(|p| PodstateBytes {
            ptr: p.as_ptr(),
            len: p.len(),
        })
        .collect();
    // SAFETY: a live handle, a NUL-terminated name, readable arguments and payload views.
    said(unsafe {
        podstate_call(
            handle,
            name.as_ptr(),
            args.as_ptr(),
            args.len(),
            views.as_ptr(),
            views.len(),
            PODSTATE_PAYLOADS_BESIDE,
        )
    })
}

/// A container's arguments with its two payloads as the given slots (raw JSON or indexes).
fn ctr_args(id: &str, name: &str, config_payload: &str, state_payload: &str) -> String {
    format!(
        r#"{{"ctr":{{"config":{{"id":"{id}","name":"{name}","pod":null,"namespace":"","lock_id":0,
        "depends_on":[],"named_volumes":[],"networks":[],"network_aliases":{{}},
        "created":{{"secs":0,"nanos":0}},"payload":{config_payload}}},
        "state":{{"status":"Configured","pid":0,"conmon_pid":0,"mountpoint":"","mounted":false,
        "exec_sessions":{{}},"bind_mounts":{{}},"stopped_by_user":false,
        "restart_policy_match":false,"restart_count":0,"exit_code":0,"exited":false,
        "oom_killed":false,"payload":{state_payload}}}}}}}"#
    )
}

fn assert_kind(s: &Said, kind: &str, message_has: &str) {
    assert!(!s.ok, "expected {kind}, got success {}", s.json);
    assert_eq!(s.kind.as_deref(), Some(kind), "{}", s.json);
    assert!(
        s.json.contains(message_has),
        "{kind}: {} lacks {message_has:?}",
        s.json
    );
}

#[test]
fn a_call_answers_json_and_an_error_answers_its_kind() {
    let (store, h) = open(c"memory:");
    assert!(call(h, c"add_container", &ctr_args("c1", "web", "{}", "{}")).ok);
    let found = call(h, c"lookup_container_id", r#"{"id_or_name":"we"}"#);
    assert_kind(&found, "NoSuchCtr", "we");
    let found = call(h, c"lookup_container_id", r#"{"id_or_name":"web"}"#);
    assert!(found.ok && found.kind.is_none());
    assert_eq!(found.json, r#""c1""#);
    assert_eq!(call(h, c"has_container", r#"{"id":"c1"}"#).json, "true");
    assert_eq!(call(h, c"all_pods", "").json, "[]");
    assert_eq!(call(h, c"all_pods", "{}").json, "[]");
    let dup = call(h, c"add_container", &ctr_args("c2", "web", "{}", "{}"));
    assert_kind(&dup, "CtrExists", "web");
    assert_eq!(podstate_abi_version(), 1);
    free(store, h);
}

#[test]
fn null_and_foreign_pointers_are_bad_pointer_answers() {
    let (store, h) = open(c"memory:");
    assert_kind(&call(ptr::null(), c"all_pods", "{}"), "BadPointer", "NULL");
    // A store where a handle belongs, and a handle where a store belongs.
    assert_kind(
        &call(store.cast(), c"all_pods", "{}"),
        "BadPointer",
        "PodstateHandle",
    );
    // SAFETY: a live object of the boundary, of the wrong type on purpose.
    assert_kind(
        &said(unsafe { podstate_snapshot(h.cast()) }),
        "BadPointer",
        "PodstateStore",
    );
    // SAFETY: a misaligned pointer into a live handle, on purpose; only its address is checked.
    let misaligned = unsafe { h.cast::<u8>().add(1) }.cast::<PodstateHandle>();
    assert_kind(
        &call(misaligned, c"all_pods", "{}"),
        "BadPointer",
        "misaligned",
    );
    // SAFETY: a live handle, a NULL name, no arguments.
    let s = said(unsafe { podstate_call(h, ptr::null(), ptr::null(), 0, ptr::null(), 0, 0) });
    assert_kind(&s, "BadPointer", "call name");
    // SAFETY: NULL arguments with a length, on purpose.
    let s =
        said(unsafe { podstate_call(h, c"all_pods".as_ptr(), ptr::null(), 5, ptr::null(), 0, 0) });
    assert_kind(&s, "BadPointer", "arguments");
    // SAFETY: NULL payloads with a count, on purpose.
    let s = said(unsafe {
        podstate_call(
            h,
            c"all_pods".as_ptr(),
            ptr::null(),
            0,
            ptr::null(),
            2,
            PODSTATE_PAYLOADS_BESIDE,
        )
    });
    assert_kind(&s, "BadPointer", "payloads");
    // NULL out-parameters and NULL stores.
    // SAFETY: NULL on purpose.
    let s = said(unsafe { podstate_open(c"memory:".as_ptr(), ptr::null(), ptr::null_mut()) });
    assert_kind(&s, "BadPointer", "out-parameter");
    let mut other = ptr::null_mut();
    // SAFETY: NULL store on purpose, a writable out-parameter.
    let s = said(unsafe { podstate_open_handle(ptr::null(), ptr::null(), &mut other) });
    assert_kind(&s, "BadPointer", "store");
    assert!(other.is_null());
    // SAFETY: NULL on purpose.
    assert_kind(
        &said(unsafe { podstate_verify(ptr::null()) }),
        "BadPointer",
        "NULL",
    );
    // SAFETY: NULL on purpose.
    assert_kind(
        &said(unsafe { podstate_close(ptr::null()) }),
        "BadPointer",
        "NULL",
    );
    // SAFETY: NULL on purpose.
    assert_kind(
        &said(unsafe { podstate_store_info(ptr::null()) }),
        "BadPointer",
        "NULL",
    );
    // The free functions take NULL, and refuse an object of another type.
    // SAFETY: NULL, and live objects of the wrong type, on purpose: nothing is freed.
    unsafe {
        podstate_answer_free(ptr::null_mut());
        podstate_handle_free(ptr::null_mut());
        podstate_store_free(ptr::null_mut());
        podstate_handle_free(store.cast());
        podstate_store_free(h.cast());
    }
    // Both objects still work after the refused frees.
    assert!(call(h, c"all_pods", "{}").ok);
    // SAFETY: the live store.
    assert!(said(unsafe { podstate_store_info(store) }).ok);
    free(store, h);
}

#[test]
fn bad_utf8_bad_json_and_wrong_shapes_are_bad_requests() {
    let (store, h) = open(c"memory:");
    let bad_name = [0xff_u8, 0xfe, 0];
    // SAFETY: a NUL-terminated name that is not UTF-8, on purpose.
    let s = said(unsafe {
        podstate_call(
            h,
            bad_name.as_ptr().cast::<c_char>(),
            ptr::null(),
            0,
            ptr::null(),
            0,
            0,
        )
    });
    assert_kind(&s, "BadRequest", "UTF-8");
    let bad_args: &[u8] = b"{\"id\":\"\xff\"}";
    // SAFETY: readable bytes that are not UTF-8, on purpose.
    let s = said(unsafe {
        podstate_call(
            h,
            c"has_container".as_ptr(),
            bad_args.as_ptr(),
            bad_args.len(),
            ptr::null(),
            0,
            0,
        )
    });
    assert_kind(&s, "BadRequest", "has_container");
    for (args, why) in [
        ("{", "EOF"),
        ("[]", "expected struct"),
        (r#"{"id":1}"#, "invalid type"),
        (r#"{}"#, "missing field `id`"),
        (r#"{"id":"c1","extra":true}"#, "unknown field `extra`"),
        (r#"{"id":"c1"} trailing"#, "trailing"),
    ] {
        assert_kind(&call(h, c"has_container", args), "BadRequest", why);
    }
    assert_kind(
        &call(h, c"all_pods", r#"{"x":1}"#),
        "BadRequest",
        "unknown field",
    );
    // A misspelt optional field is refused, not read as "no pod".
    let typo = ctr_args("c1", "web", "{}", "{}").replace("\"pod\":null", "\"pdo\":null");
    assert_kind(&call(h, c"add_container", &typo), "BadRequest", "pdo");
    assert_kind(&call(h, c"frobnicate", "{}"), "UnknownCall", "frobnicate");
    // SAFETY: a live handle and an unknown flag, on purpose.
    let s = said(unsafe {
        podstate_call(h, c"all_pods".as_ptr(), ptr::null(), 0, ptr::null(), 0, 0x8)
    });
    assert_kind(&s, "BadRequest", "unknown flags");
    let one = [PodstateBytes {
        ptr: b"{}".as_ptr(),
        len: 2,
    }];
    // SAFETY: a payload given without the flag, on purpose.
    let s =
        said(unsafe { podstate_call(h, c"all_pods".as_ptr(), ptr::null(), 0, one.as_ptr(), 1, 0) });
    assert_kind(&s, "BadRequest", "PODSTATE_PAYLOADS_BESIDE");
    let args = ctr_args("c1", "web", "0", "1");
    let fine = call_beside(
        h,
        c"add_container",
        &ctr_args("c0", "ok", "0", "0"),
        &[b" {} "],
    );
    assert!(fine.ok && fine.payloads.is_empty(), "{}", fine.json);
    let back = call_beside(h, c"container", r#"{"id":"c0"}"#, &[]);
    assert_eq!(back.payloads, [" {} ", " {} "]);
    assert_eq!(
        call(h, c"remove_container", &ctr_args("c0", "ok", "{}", "{}")).json,
        "null"
    );
    assert_kind(
        &call_beside(h, c"add_container", &args, &[b"{}"]),
        "BadRequest",
        "index 1",
    );
    assert_kind(
        &call_beside(h, c"add_container", &args, &[b"{}", b"{"]),
        "BadRequest",
        "payload 1",
    );
    assert_kind(
        &call_beside(h, c"add_container", &args, &[b"{}", b"\"\xff\""]),
        "BadRequest",
        "UTF-8",
    );
    // The store's own rules keep their kinds.
    assert_kind(&call(h, c"has_container", r#"{"id":""}"#), "InvalidArg", "");
    // Nothing of the refused requests was stored.
    assert_eq!(call(h, c"all_containers", "{}").json, "[]");
    free(store, h);
}

#[test]
fn urls_and_options_are_checked_before_anything_opens() {
    let open = |url: &CStr, options: Option<&CStr>| {
        let mut store = ptr::null_mut();
        let options = options.map_or(ptr::null(), CStr::as_ptr);
        // SAFETY: NUL-terminated strings and a writable out-parameter.
        let s = said(unsafe { podstate_open(url.as_ptr(), options, &mut store) });
        assert_eq!(s.ok, !store.is_null(), "a store exactly on success");
        (s, store)
    };
    assert_kind(&open(c"bolt:/x", None).0, "BadUrl", "bolt");
    assert_kind(&open(c"state.db", None).0, "BadUrl", "SCHEME:PATH");
    assert_kind(&open(c"memory:", Some(c"{")).0, "BadRequest", "options");
    assert_kind(
        &open(c"memory:", Some(c"{\"readonly\":true}")).0,
        "BadRequest",
        "readonly",
    );
    let dir = tempfile::tempdir().unwrap();
    let missing =
        std::ffi::CString::new(format!("sqlite:{}/no/such/dir/x.db", dir.path().display()))
            .unwrap();
    assert_kind(&open(&missing, None).0, "Io", "");
    let url = std::ffi::CString::new(format!("sqlite:{}/s.db", dir.path().display())).unwrap();
    let (s, store) = open(&url, Some(c"{\"lock_timeout_ms\": 2000}"));
    assert!(s.ok, "{}", s.json);
    // SAFETY: the live store just opened.
    let info = said(unsafe { podstate_store_info(store) });
    assert!(
        info.json.contains(r#""backend":"sqlite""#) && info.json.contains(r#""persistent":true"#)
    );
    // SAFETY: freed once.
    unsafe { podstate_store_free(store) };
    // Read-only: reads work, writes answer Io.
    let (s, store) = open(&url, Some(c"{\"read_only\": true}"));
    assert!(s.ok);
    let mut h = ptr::null_mut();
    // SAFETY: the live store, a writable out-parameter.
    assert!(said(unsafe { podstate_open_handle(store, ptr::null(), &mut h) }).ok);
    assert_eq!(call(h, c"all_volumes", "{}").json, "[]");
    let vol = r#"{"vol":{"config":{"name":"v","lock_id":0,"created":{"secs":0,"nanos":0},"payload":{}},"state":{"mount_count":0,"payload":{}}}}"#;
    assert_kind(&call(h, c"add_volume", vol), "Io", "");
    free(store, h);
}

#[test]
fn a_handle_opens_in_a_namespace_and_close_closes_only_it() {
    let (store, h) = open(c"memory:");
    let mut in_ns = ptr::null_mut();
    // SAFETY: the live store, a NUL-terminated namespace, a writable out-parameter.
    assert!(said(unsafe { podstate_open_handle(store, c"team".as_ptr(), &mut in_ns) }).ok);
    let args =
        ctr_args("c1", "web", "{}", "{}").replace("\"namespace\":\"\"", "\"namespace\":\"team\"");
    assert!(call(in_ns, c"add_container", &args).ok);
    assert_kind(
        &call(in_ns, c"add_container", &ctr_args("c2", "y", "{}", "{}")),
        "NsMismatch",
        "",
    );
    // SAFETY: the live handle.
    assert!(said(unsafe { podstate_close(in_ns) }).ok);
    assert_kind(&call(in_ns, c"all_containers", "{}"), "DbClosed", "");
    assert!(call(h, c"has_container", r#"{"id":"c1"}"#).ok);
    // SAFETY: freed once each.
    unsafe { podstate_handle_free(in_ns) };
    free(store, h);
}
