//! The objects the boundary hands out (store, handle, answer), and the checks every pointer a
//! caller passes back goes through.

use std::ffi::{CStr, c_char};
use std::ptr;

use podstate::{Payload, State, Store};

use crate::errors::{AbiError, AbiKind};

/// A store opened by `podstate_open`: one database (or in-memory area) handing out handles.
/// Opaque to C; freed by `podstate_store_free`.
pub struct PodstateStore {
    pub(super) magic: u64,
    pub(super) store: Box<dyn Store>,
}

/// A handle opened by `podstate_open_handle`, with its own namespace and closed flag. Opaque
/// to C; freed by `podstate_handle_free`; usable from any thread, by several at once.
pub struct PodstateHandle {
    pub(super) magic: u64,
    pub(super) state: Box<dyn State>,
}

/// A borrowed run of bytes: `len` bytes at `ptr` (`ptr` may be NULL when `len` is 0).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PodstateBytes {
    /// The first byte.
    pub ptr: *const u8,
    /// How many bytes.
    pub len: usize,
}

/// Every answer of the boundary. Owned by the caller until `podstate_answer_free`; every
/// pointer inside points into the answer and lives exactly as long.
#[repr(C)]
#[derive(Debug)]
pub struct PodstateAnswer {
    /// `PODSTATE_OK` (0): `json` is the call's value; `PODSTATE_ERROR` (1): `json` is an
    /// error object `{"kind": "...", "message": "..."}`.
    pub status: i32,
    /// The error's kind as a NUL-terminated static string (`"NoSuchCtr"`), NULL when the call
    /// succeeded. Static: it outlives the answer.
    pub kind: *const c_char,
    /// The answer's JSON (UTF-8, not NUL-terminated).
    pub json: PodstateBytes,
    /// The payload texts the JSON refers to by index, with `PODSTATE_PAYLOADS_BESIDE`; NULL
    /// otherwise.
    pub payloads: *const PodstateBytes,
    /// How many payloads `payloads` holds.
    pub payload_count: usize,
}

/// The call succeeded: the answer's JSON is its value.
pub const PODSTATE_OK: i32 = 0;
/// The call failed: the answer's JSON is `{"kind": "...", "message": "..."}`.
pub const PODSTATE_ERROR: i32 = 1;

pub(super) const STORE_MAGIC: u64 = 0x7064_7374_5354_4f52; // "pdstSTOR"
pub(super) const HANDLE_MAGIC: u64 = 0x7064_7374_4841_4e44; // "pdstHAND"
const ANSWER_MAGIC: u64 = 0x7064_7374_414e_5357; // "pdstANSW"
/// Written over an object's tag just before it is freed, so that a second free of the same
/// pointer (before the allocator reuses the memory) is refused instead of freeing twice.
pub(super) const FREED: u64 = 0;

/// An answer and everything its pointers point into. `repr(C)` with the public part first, so
/// that a pointer to the box is a pointer to its [`PodstateAnswer`].
#[repr(C)]
struct AnswerBox {
    public: PodstateAnswer,
    magic: u64,
    json: Vec<u8>,
    /// Keeps the payload texts alive (each an `Arc<str>` shared with the store's answer).
    _payloads: Vec<Payload>,
    views: Vec<PodstateBytes>,
}

/// Makes the answer of `result`; the caller owns it.
pub(super) fn answer(result: Result<crate::calls::Reply, AbiError>) -> *mut PodstateAnswer {
    let (status, kind, json, payloads) = match result {
        Ok(reply) => (PODSTATE_OK, ptr::null(), reply.json, reply.payloads),
        Err(e) => (
            PODSTATE_ERROR,
            e.kind.c_name().as_ptr(),
            e.to_json().into_bytes(),
            Vec::new(),
        ),
    };
    let views: Vec<PodstateBytes> = payloads
        .iter()
        .map(|p| PodstateBytes {
            ptr: p.as_str().as_ptr(),
            len: p.as_str().len(),
        })
        .collect();
    let mut boxed = Box::new(AnswerBox {
        public: PodstateAnswer {
            status,
            kind,
            json: PodstateBytes {
                ptr: ptr::null(),
                len: 0,
            },
            payloads: ptr::null(),
            payload_count: 0,
        },
        magic: ANSWER_MAGIC,
        json,
        _payloads: payloads,
        views,
    });
    // The vectors' buffers do not move when the box is made or moved: point into them now.
    boxed.public.json = PodstateBytes {
        ptr: boxed.json.as_ptr(),
        len: boxed.json.len(),
    };
    if !boxed.views.is_empty() {
        boxed.public.payloads = boxed.views.as_ptr();
        boxed.public.payload_count = boxed.views.len();
    }
    Box::into_raw(boxed).cast::<PodstateAnswer>()
}

/// Frees an answer; NULL is a no-op, and so is a pointer that is not a live answer of this
/// library (where its tag shows it).
pub(super) fn free_answer(answer: *mut PodstateAnswer) {
    if answer.is_null() || !answer.cast::<AnswerBox>().is_aligned() {
        return;
    }
    let boxed = answer.cast::<AnswerBox>();
    // SAFETY: `answer` is non-NULL and aligned, and by the contract of `podstate_answer_free`
    // came from `answer` above (a `Box<AnswerBox>` whose first field is the public part), so
    // its `magic` field is readable; a second free is refused by the tag written below.
    let magic = unsafe { ptr::addr_of!((*boxed).magic).read() };
    if magic != ANSWER_MAGIC {
        return;
    }
    // SAFETY: as above; the tag says the box is live, and it is freed exactly once here.
    unsafe {
        ptr::addr_of_mut!((*boxed).magic).write(FREED);
        drop(Box::from_raw(boxed));
    }
}

/// The store `ptr` points to.
///
/// # Safety
/// `ptr` is NULL or was handed out by this library (a freed pointer or one to another of its
/// objects is refused where its tag shows it; any other pointer is undefined behaviour).
pub(super) unsafe fn store<'a>(ptr: *const PodstateStore) -> Result<&'a PodstateStore, AbiError> {
    if ptr.is_null() {
        return Err(AbiError::bad_pointer("the store is NULL"));
    }
    if !ptr.is_aligned() {
        return Err(AbiError::bad_pointer("the store pointer is misaligned"));
    }
    // SAFETY: non-NULL and aligned, and by this function's contract one of this library's
    // objects, each at least as large as a store: reading the tag's place is in bounds.
    let magic = unsafe { ptr::addr_of!((*ptr).magic).read() };
    if magic != STORE_MAGIC {
        return Err(AbiError::bad_pointer(
            "not a live PodstateStore (freed, or another object)",
        ));
    }
    // SAFETY: the tag says this is a live store; the caller keeps it alive for the call.
    Ok(unsafe { &*ptr })
}

/// The handle `ptr` points to.
///
/// # Safety
/// As [`store`].
pub(super) unsafe fn handle<'a>(
    ptr: *const PodstateHandle,
) -> Result<&'a PodstateHandle, AbiError> {
    if ptr.is_null() {
        return Err(AbiError::bad_pointer("the handle is NULL"));
    }
    if !ptr.is_aligned() {
        return Err(AbiError::bad_pointer("the handle pointer is misaligned"));
    }
    // SAFETY: as in `store`.
    let magic = unsafe { ptr::addr_of!((*ptr).magic).read() };
    if magic != HANDLE_MAGIC {
        return Err(AbiError::bad_pointer(
            "not a live PodstateHandle (freed, or another object)",
        ));
    }
    // SAFETY: the tag says this is a live handle; the caller keeps it alive for the call.
    Ok(unsafe { &*ptr })
}

/// The UTF-8 text of the NUL-terminated string `ptr`, or `None` for NULL when `nullable`.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that lives for the call.
pub(super) unsafe fn text<'a>(
    ptr: *const c_char,
    what: &str,
    nullable: bool,
) -> Result<Option<&'a str>, AbiError> {
    if ptr.is_null() {
        return match nullable {
            true => Ok(None),
            false => Err(AbiError::bad_pointer(format!("{what} is NULL"))),
        };
    }
    // SAFETY: non-NULL, and by this function's contract NUL-terminated and alive.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str()
        .map(Some)
        .map_err(|e| AbiError::bad_request(format!("{what} is not UTF-8: {e}")))
}

/// The `len` bytes at `ptr` (NULL is allowed when `len` is 0).
///
/// # Safety
/// `ptr` points to `len` readable bytes that live for the call, or is NULL.
pub(super) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a [u8], AbiError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(AbiError::bad_pointer(format!(
            "{what} is NULL with length {len}"
        )));
    }
    if len > isize::MAX as usize {
        return Err(AbiError::bad_request(format!(
            "{what} is longer than memory"
        )));
    }
    // SAFETY: non-NULL, no longer than isize::MAX, and by this function's contract `len`
    // readable bytes alive for the call; u8 needs no alignment.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The payload texts at `ptr`, each checked to be one JSON value.
///
/// # Safety
/// `ptr` points to `count` [`PodstateBytes`], each valid as [`bytes`] requires, or is NULL
/// with `count` 0.
pub(super) unsafe fn payloads(
    ptr: *const PodstateBytes,
    count: usize,
) -> Result<Vec<Payload>, AbiError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ptr.is_null() {
        return Err(AbiError::bad_pointer(format!(
            "the payloads are NULL with count {count}"
        )));
    }
    if !ptr.is_aligned() || count > isize::MAX as usize / size_of::<PodstateBytes>() {
        return Err(AbiError::bad_pointer(
            "the payload array is misaligned or too long",
        ));
    }
    // SAFETY: non-NULL, aligned, not too long, and by this function's contract `count`
    // readable entries alive for the call.
    let views = unsafe { std::slice::from_raw_parts(ptr, count) };
    views
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let what = format!("payload {i}");
            // SAFETY: each entry is valid as `bytes` requires, by this function's contract.
            let raw = unsafe { bytes(v.ptr, v.len, &what) }?;
            let text = std::str::from_utf8(raw)
                .map_err(|e| AbiError::bad_request(format!("{what} is not UTF-8: {e}")))?;
            Payload::from_json(text).map_err(|e| AbiError::bad_request(format!("{what}: {e}")))
        })
        .collect()
}

/// Writes `value` to the out-parameter `out` (checked non-NULL and aligned before).
///
/// # Safety
/// `out` is non-NULL, aligned and writable.
pub(super) unsafe fn put<T>(out: *mut *mut T, value: *mut T) {
    // SAFETY: by this function's contract.
    unsafe { out.write(value) };
}

/// Checks an out-parameter: non-NULL and aligned.
pub(super) fn out_param<T>(out: *mut *mut T, what: &str) -> Result<(), AbiError> {
    match (out.is_null(), out.is_aligned()) {
        (true, _) => Err(AbiError::bad_pointer(format!("{what} is NULL"))),
        (false, false) => Err(AbiError::bad_pointer(format!("{what} is misaligned"))),
        (false, true) => Ok(()),
    }
}

/// The kind of a caught panic, with its message.
pub(super) fn panicked(payload: Box<dyn std::any::Any + Send>) -> AbiError {
    let message = podstate::raw::panic_message(payload.as_ref()).to_owned();
    // Dropping a panic's payload could itself panic; it is leaked instead.
    std::mem::forget(payload);
    AbiError::new(
        AbiKind::Panic,
        format!("podstate panicked (a bug, please report it): {message}"),
    )
}
