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
//! | `PodstateHandle *` | a handle on a store, in a namespace (`podstate_open_handle`), or a batch on a handle (`podstate_batch_begin`) | `podstate_handle_free` |
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
//! - **Threads.** Stores, handles and batches may be used from any thread, by several threads
//!   at once (calls on one handle share its namespace, SPEC §3; calls on one batch are served
//!   one at a time, in its one transaction). Only freeing an object (and `podstate_reopen`,
//!   which consumes its store) needs it to be unused by other threads.
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
//! ## Batches
//!
//! A batch (SPEC §3 Batches: several calls in one transaction, one durable commit, all or
//! nothing) is begun on a handle and is a handle itself, so every call goes through the same
//! entry point:
//!
//! ```c
//! PodstateHandle *tx;
//! PodstateAnswer *a = podstate_batch_begin(h, &tx);   /* waits for the write lock */
//! if (a->status == PODSTATE_OK) {
//!     podstate_answer_free(podstate_call(tx, "add_container", ...));
//!     podstate_answer_free(podstate_call(tx, "network_connect", ...));
//!     podstate_answer_free(podstate_batch_commit(tx));  /* or podstate_batch_rollback */
//!     podstate_handle_free(tx);                          /* unfinished: rolled back */
//! }
//! podstate_answer_free(a);
//! ```
//!
//! A call that fails inside the batch changes nothing and the batch goes on; `close` and
//! `set_namespace` on a batch answer `InvalidArg`, a batch begun on a batch too; once committed
//! or rolled back, a batch answers `DbClosed` to everything but `podstate_handle_free`. The
//! batch holds the write lock until it is finished, so a C caller must finish every batch it
//! begins, and must not wait, on the thread that finishes it, for calls on the handle it was
//! begun on (they wait for the batch). In Rust a batch is a closure (`State::batch`); each C
//! batch runs that closure on a thread of its own, which serves the calls sent to the batch
//! (the crate's `batch` module says why).
//!
//! Batches added functions and nothing else: the request and answer forms, the payload modes
//! and the error kinds are those of every call, so [`PODSTATE_ABI_VERSION`](ffi::PODSTATE_ABI_VERSION)
//! stays 1 (it only rises when an existing function changes; unknown flag bits are refused, so
//! a new flag is never silently ignored by an old library).
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

mod batch;
pub mod calls;
mod client;
pub mod errors;
pub mod ffi;
pub mod wire;

pub use client::{AbiHandle, AbiStore};
pub use errors::{AbiError, AbiKind};
