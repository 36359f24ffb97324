//! The C functions: the boundary, and the one module of the crate allowed `unsafe`. Every
//! function here catches panics, checks each pointer it is given (NULL, alignment, the tag of
//! its object) and answers a [`PodstateAnswer`] that the caller frees with
//! [`podstate_answer_free`]. The work itself is safe Rust in [`crate::calls`].
//!
//! [`caller`] is the other side: safe Rust that calls these functions exactly as C does, for
//! the Rust client of the boundary ([`AbiStore`](crate::AbiStore)), the tests and the bench.

#![allow(unsafe_code)]

mod batches;
pub mod caller;
mod objects;

use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use podstate::{OpenOptions, Store, StoreConfig};
use serde::{Deserialize, Serialize};

use crate::calls::{self, Reply};
use crate::errors::{AbiError, panicked};
pub use batches::{podstate_batch_begin, podstate_batch_commit, podstate_batch_rollback};
use objects::{FREED, HANDLE_MAGIC, STORE_MAGIC, Target, answer, out_param, put};
pub use objects::{
    PODSTATE_ERROR, PODSTATE_OK, PodstateAnswer, PodstateBytes, PodstateHandle, PodstateStore,
};

/// The version of this ABI: the functions, their arguments, the flags and the JSON forms. A
/// release that changes any of them in a way an old caller would misread raises it; adding a
/// function, a flag or an error kind does not.
pub const PODSTATE_ABI_VERSION: u32 = 1;

/// Flag of [`podstate_call`]: payloads travel beside the JSON. Every payload place in the
/// arguments holds an index into the `payloads` array given with the call, and every payload
/// place in the answer an index into the answer's `payloads`. Without it, payloads are inline:
/// raw JSON inside the arguments and the answer.
pub const PODSTATE_PAYLOADS_BESIDE: u32 = 1;

/// Every flag this version knows; any other bit is refused, so that a flag of a later version
/// is never silently ignored.
const KNOWN_FLAGS: u32 = PODSTATE_PAYLOADS_BESIDE;

/// Runs `body`, turning a panic into a `Panic` answer.
fn guarded(body: impl FnOnce() -> Result<Reply, AbiError>) -> *mut PodstateAnswer {
    answer(catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|p| Err(panicked(p))))
}

/// The empty success answer (`null`).
fn null() -> Reply {
    Reply {
        json: b"null".to_vec(),
        payloads: Vec::new(),
    }
}

/// A success answer holding the JSON of `value`.
fn json_reply<T: Serialize>(value: &T) -> Result<Reply, AbiError> {
    let json = serde_json::to_vec(value).map_err(|e| {
        AbiError::new(
            crate::errors::AbiKind::State(podstate::ErrorKind::Corrupt),
            format!("the answer cannot be written as JSON: {e}"),
        )
    })?;
    Ok(Reply {
        json,
        payloads: Vec::new(),
    })
}

/// The options of [`podstate_open`], as JSON.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    /// Open read-only (nothing created or written; mutating calls answer `Io`).
    #[serde(default)]
    read_only: bool,
    /// The lock timeout of SPEC §3 in milliseconds (absent: the backend's, 100 s).
    #[serde(default)]
    lock_timeout_ms: Option<u64>,
}

/// What [`podstate_store_info`] answers.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoreInfo {
    /// The backend's name (`memory`, `sqlite`, `redb`).
    pub backend: String,
    /// What the store can do.
    pub capabilities: CapabilitiesJson,
}

/// The capabilities of a store, as JSON (the fields of `Capabilities`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[allow(missing_docs)] // the fields are those of `Capabilities`
pub struct CapabilitiesJson {
    pub persistent: bool,
    pub reopen: bool,
    pub shared_handles: bool,
}

/// The version of the ABI this library implements ([`PODSTATE_ABI_VERSION`]).
#[unsafe(no_mangle)]
pub extern "C" fn podstate_abi_version() -> u32 {
    PODSTATE_ABI_VERSION
}

/// Opens the store `url` names (`memory:`, `sqlite:PATH`, `redb:PATH`) and writes it to
/// `*store` (NULL there on error). `options` is NULL or a JSON object:
/// `{"read_only": false, "lock_timeout_ms": 100000}` (both optional).
///
/// Answers `null`, or an error: `BadUrl`, `BadRequest` (options), `BadPointer`, or the
/// backend's `Io` / `Corrupt`. Free the answer with [`podstate_answer_free`] and the store
/// with [`podstate_store_free`].
///
/// # Safety
/// `url` and `options` are NULL or NUL-terminated strings; `store` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_open(
    url: *const c_char,
    options: *const c_char,
    store: *mut *mut PodstateStore,
) -> *mut PodstateAnswer {
    guarded(|| {
        out_param(store, "the store out-parameter")?;
        // SAFETY: checked non-NULL and aligned; writable by this function's contract.
        unsafe { put(store, std::ptr::null_mut()) };
        // SAFETY: by this function's contract.
        let url = unsafe { objects::text(url, "the URL", false) }?.unwrap_or_default();
        // SAFETY: by this function's contract.
        let options = match unsafe { objects::text(options, "the options", true) }? {
            None => Options::default(),
            Some(text) => serde_json::from_str(text)
                .map_err(|e| AbiError::bad_request(format!("the options: {e}")))?,
        };
        let config: StoreConfig = url.parse()?;
        let mut open = OpenOptions::new().read_only(options.read_only);
        if let Some(ms) = options.lock_timeout_ms {
            open = open.lock_timeout(Duration::from_millis(ms));
        }
        let opened = podstate::open_with(&config, open)?;
        let boxed = boxed_store(opened);
        // SAFETY: checked above.
        unsafe { put(store, boxed) };
        Ok(null())
    })
}

/// Answers what the store is: `{"backend": "sqlite", "capabilities": {"persistent": true,
/// "reopen": true, "shared_handles": true}}`.
///
/// # Safety
/// `store` is NULL or a live store of this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_store_info(store: *const PodstateStore) -> *mut PodstateAnswer {
    guarded(|| {
        // SAFETY: by this function's contract.
        let s = unsafe { objects::store(store) }?;
        let caps = s.store.capabilities();
        json_reply(&StoreInfo {
            backend: s.store.backend().to_owned(),
            capabilities: CapabilitiesJson {
                persistent: caps.persistent,
                reopen: caps.reopen,
                shared_handles: caps.shared_handles,
            },
        })
    })
}

/// Opens a new handle on `store` and writes it to `*handle` (NULL there on error): in the
/// namespace `ns`, or in the empty namespace when `ns` is NULL or empty. Answers `null` or an
/// error. Free the handle with [`podstate_handle_free`]; it may outlive its store.
///
/// # Safety
/// `store` is NULL or a live store; `ns` is NULL or NUL-terminated; `handle` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_open_handle(
    store: *const PodstateStore,
    ns: *const c_char,
    handle: *mut *mut PodstateHandle,
) -> *mut PodstateAnswer {
    guarded(|| {
        out_param(handle, "the handle out-parameter")?;
        // SAFETY: checked non-NULL and aligned; writable by this function's contract.
        unsafe { put(handle, std::ptr::null_mut()) };
        // SAFETY: by this function's contract.
        let s = unsafe { objects::store(store) }?;
        // SAFETY: by this function's contract.
        let ns = unsafe { objects::text(ns, "the namespace", true) }?;
        let state = s.store.open_handle()?;
        if let Some(ns) = ns.filter(|ns| !ns.is_empty()) {
            state.set_namespace(ns)?;
        }
        let boxed = Box::into_raw(Box::new(PodstateHandle {
            magic: HANDLE_MAGIC,
            target: Target::State(Arc::from(state)),
        }));
        // SAFETY: checked above.
        unsafe { put(handle, boxed) };
        Ok(null())
    })
}

/// Runs call `call` (one of the 53 calls of `State`, by its snake-case name) on `handle` with
/// the arguments `args` (`args_len` bytes of JSON: an object keyed by the Rust parameter
/// names; empty or `{}` for a call without parameters), and answers its value as JSON or an
/// error.
///
/// `flags` is 0 or [`PODSTATE_PAYLOADS_BESIDE`]; with it, `payloads` / `payload_count` are the
/// payload texts the arguments refer to by index (each checked to be one JSON value), and the
/// answer's payloads come back the same way. Without it, `payload_count` must be 0.
///
/// `handle` may be a batch ([`podstate_batch_begin`]): the call then runs inside the batch's
/// transaction.
///
/// Errors: the call's own (SPEC §4), `UnknownCall`, `BadRequest` (UTF-8, JSON, argument shape,
/// flags, payloads), `BadPointer`, `Panic`; on a batch, `DbClosed` once it is committed or
/// rolled back, and `InvalidArg` for `close` and `set_namespace`.
///
/// # Safety
/// `handle` is NULL or a live handle; `call` is NULL or NUL-terminated; `args` points to
/// `args_len` readable bytes (or is NULL with 0); `payloads` to `payload_count` entries, each
/// pointing to `len` readable bytes. All of it only for the duration of the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_call(
    handle: *const PodstateHandle,
    call: *const c_char,
    args: *const u8,
    args_len: usize,
    payloads: *const PodstateBytes,
    payload_count: usize,
    flags: u32,
) -> *mut PodstateAnswer {
    guarded(|| {
        // SAFETY: by this function's contract.
        let h = unsafe { objects::handle(handle) }?;
        // SAFETY: by this function's contract.
        let name = unsafe { objects::text(call, "the call name", false) }?.unwrap_or_default();
        // SAFETY: by this function's contract.
        let args = unsafe { objects::bytes(args, args_len, "the arguments") }?;
        if flags & !KNOWN_FLAGS != 0 {
            return Err(AbiError::bad_request(format!(
                "unknown flags {:#x} (this library knows {KNOWN_FLAGS:#x})",
                flags & !KNOWN_FLAGS
            )));
        }
        let beside = match flags & PODSTATE_PAYLOADS_BESIDE != 0 {
            // SAFETY: by this function's contract.
            true => Some(unsafe { objects::payloads(payloads, payload_count) }?),
            false if payload_count != 0 => {
                return Err(AbiError::bad_request(
                    "payloads given without PODSTATE_PAYLOADS_BESIDE",
                ));
            }
            false => None,
        };
        match &h.target {
            Target::State(state) => calls::call(state.as_ref(), name, args, beside),
            Target::Batch(batch) => {
                // The batch's handle lives on the batch's thread: the job takes copies of what
                // the caller lent for this call only.
                let (name, args) = (name.to_owned(), args.to_vec());
                batch.run(Box::new(move |tx| calls::call(tx, &name, &args, beside)))
            }
        }
    })
}

/// Closes `handle` (the call `close`): every later call on it answers `DbClosed`; other
/// handles are not affected. The handle must still be freed with [`podstate_handle_free`].
/// On a batch it answers `InvalidArg` (a batch ends with [`podstate_batch_commit`] or
/// [`podstate_batch_rollback`]), or `DbClosed` once the batch is finished.
///
/// # Safety
/// `handle` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_close(handle: *const PodstateHandle) -> *mut PodstateAnswer {
    guarded(|| {
        // SAFETY: by this function's contract.
        let h = unsafe { objects::handle(handle) }?;
        match &h.target {
            Target::State(state) => state.close()?,
            Target::Batch(batch) => {
                batch.run(Box::new(|tx| {
                    tx.close().map(|()| null()).map_err(Into::into)
                }))?;
            }
        }
        Ok(null())
    })
}

/// Answers everything the store holds, read in one transaction: the serde form of
/// `podstate_api::snapshot::Snapshot` (payloads inline).
///
/// # Safety
/// `store` is NULL or a live store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_snapshot(store: *const PodstateStore) -> *mut PodstateAnswer {
    guarded(|| {
        // SAFETY: by this function's contract.
        let s = unsafe { objects::store(store) }?;
        json_reply(&s.store.snapshot()?)
    })
}

/// Writes the snapshot `json` (`len` bytes, as [`podstate_snapshot`] answers it) into the
/// store, which must be empty, in one transaction. Answers `null` or an error (`InvalidArg`
/// when the store is not empty or the snapshot breaks SPEC §2; `BadRequest` when it cannot be
/// read).
///
/// # Safety
/// `store` is NULL or a live store; `json` points to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_restore(
    store: *const PodstateStore,
    json: *const u8,
    len: usize,
) -> *mut PodstateAnswer {
    guarded(|| {
        // SAFETY: by this function's contract.
        let s = unsafe { objects::store(store) }?;
        // SAFETY: by this function's contract.
        let json = unsafe { objects::bytes(json, len, "the snapshot") }?;
        let snapshot = serde_json::from_slice(json)
            .map_err(|e| AbiError::bad_request(format!("the snapshot: {e}")))?;
        s.store.restore(&snapshot)?;
        Ok(null())
    })
}

/// Walks the stored data and answers every violation of SPEC §2 found, as a list of
/// `{"invariant": "Dependencies", "objects": ["c1"], "message": "..."}` (empty when the store is sound).
///
/// # Safety
/// `store` is NULL or a live store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_verify(store: *const PodstateStore) -> *mut PodstateAnswer {
    guarded(|| {
        // SAFETY: by this function's contract.
        let s = unsafe { objects::store(store) }?;
        json_reply(&s.store.verify()?)
    })
}

/// Drops the store's own hold on its data and opens the same data again, as a new process
/// would; writes the new store to `*reopened` (NULL on error). `store` is consumed in every
/// case, also on error: never use or free it again. Handles should be freed first.
///
/// # Safety
/// `store` is NULL or a live store not used by another thread; `reopened` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_reopen(
    store: *mut PodstateStore,
    reopened: *mut *mut PodstateStore,
) -> *mut PodstateAnswer {
    guarded(|| {
        out_param(reopened, "the reopened out-parameter")?;
        // SAFETY: checked non-NULL and aligned; writable by this function's contract.
        unsafe { put(reopened, std::ptr::null_mut()) };
        // SAFETY: by this function's contract.
        unsafe { objects::store(store) }?;
        // SAFETY: the tag says this is a live store, and this function's contract gives it
        // to us: it is taken out of its box exactly once, the tag cleared first.
        let owned = unsafe {
            (*store).magic = FREED;
            Box::from_raw(store)
        };
        let fresh = Arc::<dyn Store>::from(owned.store).reopen()?;
        // SAFETY: checked above.
        unsafe { put(reopened, boxed_store(fresh)) };
        Ok(null())
    })
}

/// Frees an answer. NULL is a no-op; so is a pointer that is not a live answer, where its tag
/// shows it (an answer freed twice, usually).
///
/// # Safety
/// `answer` is NULL or an answer of this library, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_answer_free(answer: *mut PodstateAnswer) {
    let _ = catch_unwind(|| objects::free_answer(answer));
}

/// Frees a handle (without closing it: other handles are not affected either way). NULL is a
/// no-op; so is a pointer that is not a live handle, where its tag shows it.
///
/// Frees a batch too: one not yet committed or rolled back is rolled back first, and this
/// returns once it is (its write lock released). A batch begun on the handle keeps what it
/// needs of it, so a handle may be freed while its batch is open.
///
/// # Safety
/// `handle` is NULL or a handle of this library that no other thread is using; not used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_handle_free(handle: *mut PodstateHandle) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: by this function's contract.
        if unsafe { objects::handle(handle) }.is_ok() {
            // SAFETY: a live handle, given to us; freed exactly once, the tag cleared first.
            unsafe {
                (*handle).magic = FREED;
                drop(Box::from_raw(handle));
            }
        }
    }));
}

/// Frees a store. Handles opened on it stay usable until they are freed. NULL is a no-op; so
/// is a pointer that is not a live store, where its tag shows it.
///
/// # Safety
/// `store` is NULL or a store of this library that no other thread is using; not used
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_store_free(store: *mut PodstateStore) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: by this function's contract.
        if unsafe { objects::store(store) }.is_ok() {
            // SAFETY: a live store, given to us; freed exactly once, the tag cleared first.
            unsafe {
                (*store).magic = FREED;
                drop(Box::from_raw(store));
            }
        }
    }));
}

/// A store of this library around `store`, as [`podstate_open`] makes one.
fn boxed_store(store: Box<dyn podstate::Store>) -> *mut PodstateStore {
    Box::into_raw(Box::new(PodstateStore {
        magic: STORE_MAGIC,
        store,
    }))
}
