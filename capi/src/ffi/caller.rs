//! The caller's side of the boundary, in safe Rust: owned pointers that free themselves, and
//! calls that pass the C functions exactly what a C caller would. Everything above this module
//! (the [`AbiStore`](crate::AbiStore) client, the tests, the bench) goes through here, so the
//! functions it exercises are the ones C and Go call.

use std::ffi::{CStr, CString};
use std::ptr::{self, NonNull};

use podstate::Store;

use super::objects::{PodstateAnswer, PodstateBytes, PodstateHandle, PodstateStore};
use super::{PODSTATE_OK, PODSTATE_PAYLOADS_BESIDE};
use crate::errors::AbiError;

/// An answer, freed with `podstate_answer_free` when dropped.
#[derive(Debug)]
pub struct Answer(NonNull<PodstateAnswer>);

impl Answer {
    fn new(raw: *mut PodstateAnswer) -> Answer {
        // The boundary answers a non-NULL pointer every time (an allocation failure aborts).
        Answer(NonNull::new(raw).unwrap_or_else(|| std::process::abort()))
    }

    fn public(&self) -> &PodstateAnswer {
        // SAFETY: the pointer came from the boundary and lives until `drop`.
        unsafe { self.0.as_ref() }
    }

    /// Whether the call succeeded.
    pub fn is_ok(&self) -> bool {
        self.public().status == PODSTATE_OK
    }

    /// The error kind's name (`None` on success), read from the static C string.
    pub fn kind(&self) -> Option<&'static str> {
        let kind = self.public().kind;
        if kind.is_null() {
            return None;
        }
        // SAFETY: a non-NULL kind is one of the boundary's static NUL-terminated literals.
        unsafe { CStr::from_ptr(kind) }.to_str().ok()
    }

    /// The answer's JSON.
    pub fn json(&self) -> &[u8] {
        let b = self.public().json;
        // SAFETY: the boundary's answer points `json` into itself; it lives as long as `self`.
        unsafe { view(b) }
    }

    /// The payload texts beside the JSON.
    pub fn payloads(&self) -> Vec<&[u8]> {
        let a = self.public();
        if a.payloads.is_null() {
            return Vec::new();
        }
        // SAFETY: the answer's `payloads` points to `payload_count` entries inside the answer.
        let views = unsafe { std::slice::from_raw_parts(a.payloads, a.payload_count) };
        // SAFETY: each entry points into the answer, which lives as long as `self`.
        views.iter().map(|v| unsafe { view(*v) }).collect()
    }

    /// `Ok(self)` on success, the error it carries otherwise.
    ///
    /// # Errors
    /// The answer's error.
    pub fn ok(self) -> Result<Answer, AbiError> {
        match self.is_ok() {
            true => Ok(self),
            false => Err(AbiError::from_json(self.json())),
        }
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        // SAFETY: the pointer came from the boundary and is freed exactly once.
        unsafe { super::podstate_answer_free(self.0.as_ptr()) }
    }
}

/// The bytes of a view into an answer.
///
/// # Safety
/// `b` points into a live answer.
unsafe fn view<'a>(b: PodstateBytes) -> &'a [u8] {
    if b.len == 0 {
        return &[];
    }
    // SAFETY: by this function's contract.
    unsafe { std::slice::from_raw_parts(b.ptr, b.len) }
}

/// A store, freed with `podstate_store_free` when dropped.
#[derive(Debug)]
pub struct StorePtr(NonNull<PodstateStore>);

// SAFETY: the store inside is `Send + Sync` (a `Box<dyn Store>`), and the boundary lets any
// thread use it; the pointer is only freed by `drop`, which has the value to itself.
unsafe impl Send for StorePtr {}
// SAFETY: as above.
unsafe impl Sync for StorePtr {}

/// A handle, freed with `podstate_handle_free` when dropped.
#[derive(Debug)]
pub struct HandlePtr(NonNull<PodstateHandle>);

// SAFETY: the state inside is `Send + Sync` (a `Box<dyn State>`), and the boundary lets any
// thread call it, several at once; the pointer is only freed by `drop`.
unsafe impl Send for HandlePtr {}
// SAFETY: as above.
unsafe impl Sync for HandlePtr {}

/// `text` as a C string; a NUL inside is a `BadRequest` (C cannot carry it).
fn c_string(text: &str, what: &str) -> Result<CString, AbiError> {
    CString::new(text).map_err(|_| AbiError::bad_request(format!("{what} holds a NUL")))
}

/// Opens the store `url` names with `options` (JSON, or `None`), through `podstate_open`.
///
/// # Errors
/// The boundary's answer.
pub fn open(url: &str, options: Option<&str>) -> Result<StorePtr, AbiError> {
    let url = c_string(url, "the URL")?;
    let options = options.map(|o| c_string(o, "the options")).transpose()?;
    let mut store = ptr::null_mut();
    let options_ptr = options.as_ref().map_or(ptr::null(), |o| o.as_ptr());
    // SAFETY: both strings are NUL-terminated and live for the call; `store` is writable.
    let answer =
        Answer::new(unsafe { super::podstate_open(url.as_ptr(), options_ptr, &mut store) });
    answer.ok()?;
    NonNull::new(store)
        .map(StorePtr)
        .ok_or_else(|| AbiError::bad_pointer("podstate_open succeeded without a store"))
}

/// Hands an already opened store to the boundary, as `podstate_open` would have opened it: for
/// Rust callers that make their stores themselves (a test's temporary database).
pub fn adopt(store: Box<dyn Store>) -> StorePtr {
    StorePtr(NonNull::new(super::boxed_store(store)).unwrap_or_else(|| std::process::abort()))
}

impl StorePtr {
    /// `podstate_store_info`.
    pub fn info(&self) -> Answer {
        // SAFETY: a live store.
        Answer::new(unsafe { super::podstate_store_info(self.0.as_ptr()) })
    }

    /// `podstate_open_handle`, in `ns` when given.
    ///
    /// # Errors
    /// The boundary's answer.
    pub fn open_handle(&self, ns: Option<&str>) -> Result<HandlePtr, AbiError> {
        let ns = ns.map(|n| c_string(n, "the namespace")).transpose()?;
        let mut handle = ptr::null_mut();
        let ns_ptr = ns.as_ref().map_or(ptr::null(), |n| n.as_ptr());
        // SAFETY: a live store, a NUL-terminated string or NULL, a writable out-parameter.
        let answer = Answer::new(unsafe {
            super::podstate_open_handle(self.0.as_ptr(), ns_ptr, &mut handle)
        });
        answer.ok()?;
        NonNull::new(handle)
            .map(HandlePtr)
            .ok_or_else(|| AbiError::bad_pointer("podstate_open_handle succeeded without a handle"))
    }

    /// `podstate_snapshot`.
    pub fn snapshot(&self) -> Answer {
        // SAFETY: a live store.
        Answer::new(unsafe { super::podstate_snapshot(self.0.as_ptr()) })
    }

    /// `podstate_restore`.
    pub fn restore(&self, json: &[u8]) -> Answer {
        // SAFETY: a live store and `json.len()` readable bytes.
        Answer::new(unsafe { super::podstate_restore(self.0.as_ptr(), json.as_ptr(), json.len()) })
    }

    /// `podstate_verify`.
    pub fn verify(&self) -> Answer {
        // SAFETY: a live store.
        Answer::new(unsafe { super::podstate_verify(self.0.as_ptr()) })
    }

    /// `podstate_reopen`: this store is consumed in every case.
    ///
    /// # Errors
    /// The boundary's answer.
    pub fn reopen(self) -> Result<StorePtr, AbiError> {
        let raw = self.0.as_ptr();
        std::mem::forget(self); // podstate_reopen takes it over
        let mut fresh = ptr::null_mut();
        // SAFETY: a live store given away (never used again here), a writable out-parameter.
        let answer = Answer::new(unsafe { super::podstate_reopen(raw, &mut fresh) });
        answer.ok()?;
        NonNull::new(fresh)
            .map(StorePtr)
            .ok_or_else(|| AbiError::bad_pointer("podstate_reopen succeeded without a store"))
    }
}

impl Drop for StorePtr {
    fn drop(&mut self) {
        // SAFETY: a live store, freed exactly once.
        unsafe { super::podstate_store_free(self.0.as_ptr()) }
    }
}

impl HandlePtr {
    /// `podstate_call` of `call` with `args`; with `payloads` (the texts the arguments refer
    /// to by index) the payloads travel beside the JSON both ways.
    pub fn call(&self, call: &CStr, args: &[u8], payloads: Option<&[&str]>) -> Answer {
        let views: Vec<PodstateBytes> = payloads
            .unwrap_or_default()
            .iter()
            .map(|p| PodstateBytes {
                ptr: p.as_ptr(),
                len: p.len(),
            })
            .collect();
        let flags = match payloads {
            Some(_) => PODSTATE_PAYLOADS_BESIDE,
            None => 0,
        };
        // SAFETY: a live handle, a NUL-terminated name, `args.len()` readable bytes and
        // `views.len()` entries each pointing to readable text; all outlive the call.
        Answer::new(unsafe {
            super::podstate_call(
                self.0.as_ptr(),
                call.as_ptr(),
                args.as_ptr(),
                args.len(),
                views.as_ptr(),
                views.len(),
                flags,
            )
        })
    }

    /// `podstate_close`.
    pub fn close(&self) -> Answer {
        // SAFETY: a live handle.
        Answer::new(unsafe { super::podstate_close(self.0.as_ptr()) })
    }

    /// `podstate_batch_begin`: a batch on this handle, freed (and so rolled back, unless
    /// finished) when dropped.
    ///
    /// # Errors
    /// The boundary's answer.
    pub fn begin_batch(&self) -> Result<HandlePtr, AbiError> {
        let mut batch = ptr::null_mut();
        // SAFETY: a live handle and a writable out-parameter.
        let answer =
            Answer::new(unsafe { super::podstate_batch_begin(self.0.as_ptr(), &mut batch) });
        answer.ok()?;
        NonNull::new(batch)
            .map(HandlePtr)
            .ok_or_else(|| AbiError::bad_pointer("podstate_batch_begin succeeded without a batch"))
    }

    /// `podstate_batch_commit`.
    pub fn commit(&self) -> Answer {
        // SAFETY: a live handle.
        Answer::new(unsafe { super::podstate_batch_commit(self.0.as_ptr()) })
    }

    /// `podstate_batch_rollback`.
    pub fn rollback(&self) -> Answer {
        // SAFETY: a live handle.
        Answer::new(unsafe { super::podstate_batch_rollback(self.0.as_ptr()) })
    }
}

impl Drop for HandlePtr {
    fn drop(&mut self) {
        // SAFETY: a live handle, freed exactly once.
        unsafe { super::podstate_handle_free(self.0.as_ptr()) }
    }
}
