//! podstate from C, and from every language that can call C (Go through cgo: the package in
//! `capi/go`). The header is `capi/podstate.h`, generated from this crate by cbindgen.
//!
//! # The boundary
//!
//! Three opaque objects and one answer type:
//!
//! | C | what | freed by |
//! |---|---|---|
//! | `PodstateStore *` | a store, opened by URL (`podstate_open`) | `podstate_store_free` |
//! | `PodstateHandle *` | a handle on a store, in a namespace (`podstate_open_handle`) | `podstate_handle_free` |
//! | `PodstateAnswer *` | what every other function returns: `status`, `kind`, `json`, `payloads` | `podstate_answer_free` |
//!
//! The 53 calls of `State` go through **one entry point**, `podstate_call(handle, "name",
//! args, len, payloads, count, flags)`: the call's name (SPEC §5, in snake case) and its
//! arguments as one JSON object keyed by the Rust parameter names, each value in the serde form
//! of its Rust type. The answer is the serde form of what the method returns, or an error
//! `{"kind": "NoSuchCtr", "message": "..."}`. The lifecycle functions beside it: open a store
//! by URL with options (`podstate_open`), describe it (`podstate_store_info`), open a handle,
//! optionally in a namespace (`podstate_open_handle`), close one (`podstate_close`), snapshot,
//! restore and verify a store, reopen it, and the three free functions.
//!
//! ```c
//! PodstateStore *store; PodstateHandle *h;
//! podstate_answer_free(podstate_open("sqlite:/var/lib/state.db", NULL, &store));
//! podstate_answer_free(podstate_open_handle(store, NULL, &h));
//! const char *args = "{\"id_or_name\": \"web\"}";
//! PodstateAnswer *a = podstate_call(h, "lookup_container_id", (const uint8_t *)args,
//!                                   strlen(args), NULL, 0, 0);
//! if (a->status == PODSTATE_OK) printf("%.*s\n", (int)a->json.len, a->json.ptr);
//! else printf("%s\n", a->kind);   /* "NoSuchCtr", ... */
//! podstate_answer_free(a);
//! ```
//!
//! `capi/examples/pod.c` is a whole program (run by CI).
//!
//! ## Why JSON through one entry point
//!
//! The alternative, a C function and a C struct per call and per object, would be some 60
//! functions and a dozen structs with nested lists and maps whose layout every binding must
//! mirror by hand, and whose every change breaks every caller. The objects already have one
//! exact, tested wire form, their serde form, which the export file and the CLI use too; every
//! language has JSON. One entry point keeps the ABI at a dozen functions that never change
//! when the contract grows a field, makes every call's argument handling the same code
//! (`calls.rs`), and lets a binding be written as data (the Go package maps its methods to
//! call names). The price is encoding and decoding at the boundary; `cargo xtask bench`
//! measures it per call against the direct Rust call (README, "From C and Go").
//!
//! ## Payloads: inline, or beside the JSON
//!
//! SPEC §1 wants payloads back byte for byte, and they are most of the bytes a call moves
//! (a podman container config is ~7.5 KiB). Inline (flags 0), a payload is the raw JSON it is,
//! inside the arguments and the answer; that is what a C caller reading JSON by hand wants, but
//! writing an answer checks each payload's text again (`Payload`'s `Serialize` parses it to
//! embed it raw), and a caller's JSON parser then scans it once more. With
//! [`PODSTATE_PAYLOADS_BESIDE`](ffi::PODSTATE_PAYLOADS_BESIDE), every payload's place in the
//! JSON holds an index, and the texts travel beside it as pointer + length: the arguments'
//! payloads in the `payloads` array of the call (checked once, to be one JSON value, as
//! `Payload::from_json` does), the answer's in `answer->payloads`, pointing straight at the
//! store's own shared text, so an answer's payloads are neither copied nor parsed on the way
//! out. The Go package always uses it (Go's `encoding/json` would also compact and escape a
//! raw payload it writes). The objects on the wire are mirrors of the API types ([`wire`])
//! that refuse unknown fields.
//!
//! ## Rules
//!
//! - **Memory.** Each object the library hands out has exactly one free function (table
//!   above); every pointer inside an answer (`json`, `payloads`) lives until that answer is
//!   freed; `kind` is static. Everything the caller passes in is borrowed for the call only.
//!   Free functions take NULL. A handle may outlive its store.
//! - **Threads.** Stores and handles may be used from any thread, by several threads at once
//!   (calls on one handle share its namespace, SPEC §3). Only freeing an object (and
//!   `podstate_reopen`, which consumes its store) needs it to be unused by other threads.
//! - **Errors.** Every failure is an answer with `status == PODSTATE_ERROR`, a `kind` and a
//!   JSON message, never undefined behaviour where it can be detected: a NULL pointer, a
//!   misaligned one, or one to a freed object or to another of the library's object types
//!   (each object carries a tag, checked on entry and cleared on free) is `BadPointer`;
//!   invalid UTF-8, malformed JSON, a wrong argument shape, an unknown flag, a payload that is
//!   not JSON or an index past the payloads given is `BadRequest`; an unknown call name
//!   `UnknownCall`; a URL that names no backend of this build `BadUrl`. The store's own errors
//!   keep their kinds of SPEC §4. A pointer that never came from this library cannot be
//!   detected and is undefined behaviour, as in any C library.
//! - **No panic crosses the boundary**: every function catches panics and answers the kind
//!   `Panic` (a bug in podstate, never an expected answer).
//!
//! ## Adding batches later
//!
//! A batch (several calls in one transaction, `store.batch(ns, |tx| ...)`) fits beside the
//! existing functions without changing any of them: `podstate_batch(store, ns, requests, len,
//! payloads, count, flags)`, where `requests` is a JSON list of `{"call": "...", "args":
//! {...}}` in exactly the form `podstate_call` takes, answering one `PodstateAnswer` whose JSON
//! is the list of the calls' answers (or the error that rolled the batch back); or a
//! transaction object with `podstate_tx_call` taking the same arguments as `podstate_call`.
//! The request and answer forms, the payload modes and the error kinds are shared, unknown
//! flag bits are refused today (so a new flag is never silently ignored by an old library),
//! and [`PODSTATE_ABI_VERSION`](ffi::PODSTATE_ABI_VERSION) only rises when an existing
//! function changes.
//!
//! # The Rust side of the boundary
//!
//! [`AbiStore`] and [`AbiHandle`] implement `Store` and `State` by calling the C functions
//! with JSON, alternating the two payload modes call by call; the conformance suite runs
//! through them (`tests/conformance.rs`, and `cargo xtask conformance` beside the direct
//! backends), so the ABI cannot answer anything the library would not.
//!
//! # The header
//!
//! `podstate.h` is generated by cbindgen from this crate (`cbindgen.toml`) and checked in; the
//! test `tests/header.rs` regenerates it and fails when the checked-in file differs
//! (`PODSTATE_BLESS=1 cargo test -p podstate-capi --test header`, or `cargo xtask header`,
//! rewrites it).
//!
//! # `unsafe`
//!
//! The crate denies `unsafe` except in [`ffi`], the boundary itself, where every block says
//! why it is sound.

pub mod calls;
mod client;
pub mod errors;
pub mod ffi;
pub mod wire;

pub use client::{AbiHandle, AbiStore};
pub use errors::{AbiError, AbiKind};
