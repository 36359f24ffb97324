//! The C functions of batches (SPEC §3 Batches): begin one on a handle, make calls on it with
//! `podstate_call` like on any handle, commit or roll it back, free it with
//! `podstate_handle_free`. The machinery behind them is [`crate::batch`].

use std::sync::Arc;

use crate::batch::{Batch, Ending};
use crate::errors::AbiError;

use super::objects::{self, HANDLE_MAGIC, PodstateAnswer, PodstateHandle, Target, out_param, put};
use super::{guarded, null};

/// Begins a batch on `handle` and writes it to `*batch` (NULL there on error): a handle of
/// its own, whose calls (`podstate_call`) all run in one transaction
/// that becomes visible to every other handle and process at one instant, when
/// [`podstate_batch_commit`] commits it (one durable commit for the whole batch), or never,
/// after [`podstate_batch_rollback`].
///
/// Inside the batch: reads see the batch's earlier writes; a call that fails (`NoSuchCtr`,
/// `CtrExists`, ...) changes nothing and the batch goes on; `Io` or `Corrupt` dooms the batch
/// (every later call answers it, and so does the commit, which then rolls back); `close` and
/// `set_namespace` answer `InvalidArg`. The batch's namespace is the handle's when it begins.
///
/// **The batch holds the store's write lock until it is finished**: writers on other handles,
/// in this process and in others, wait for it up to their lock timeout, then answer `Io`.
/// Finish every batch promptly with [`podstate_batch_commit`] or [`podstate_batch_rollback`],
/// then free it with `podstate_handle_free` (freeing an unfinished batch rolls it back). Some
/// waits have no timeout: on SQLite, calls on the handle the batch was begun on (the batch
/// runs on that handle's connection), a second batch on it included; on a `memory:` store,
/// every call on every handle. Made from the thread that must finish the batch, such a call
/// never returns: make the calls on the batch.
///
/// Waits for the write lock like a write call. Answers `null`, or an error: `DbClosed` when
/// `handle` is closed; `InvalidArg` when `handle` is itself a batch (batches do not nest);
/// `Io` when the lock timeout ran out; `BadPointer`.
///
/// # Safety
/// `handle` is NULL or a live handle; `batch` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_batch_begin(
    handle: *const PodstateHandle,
    batch: *mut *mut PodstateHandle,
) -> *mut PodstateAnswer {
    guarded(|| {
        out_param(batch, "the batch out-parameter")?;
        // SAFETY: checked non-NULL and aligned; writable by this function's contract.
        unsafe { put(batch, std::ptr::null_mut()) };
        // SAFETY: by this function's contract.
        let h = unsafe { objects::handle(handle) }?;
        let state = match &h.target {
            Target::State(state) => Arc::clone(state),
            Target::Batch(_) => {
                return Err(AbiError::from(podstate::StateError::invalid(
                    "podstate_batch_begin on a batch: batches do not nest (make the calls on \
                     this batch)",
                )));
            }
        };
        let begun = Batch::begin(state)?;
        let boxed = Box::into_raw(Box::new(PodstateHandle {
            magic: HANDLE_MAGIC,
            target: Target::Batch(begun),
        }));
        // SAFETY: checked above.
        unsafe { put(batch, boxed) };
        Ok(null())
    })
}

/// Commits `batch`: every call that succeeded in it becomes visible at once, durably. Answers
/// `null` once committed, or an error, and then nothing of the batch remains: `Io` or
/// `Corrupt` from a call that doomed the batch or from the commit itself. Either way the batch
/// is finished and its write lock released: every later call on it, and a second commit or
/// rollback, answers `DbClosed`. It must still be freed with `podstate_handle_free`.
/// `InvalidArg` when `batch` is a handle, not a batch.
///
/// # Safety
/// `batch` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_batch_commit(
    batch: *const PodstateHandle,
) -> *mut PodstateAnswer {
    // SAFETY: by this function's contract.
    unsafe { finish(batch, Ending::Commit) }
}

/// Rolls `batch` back: nothing it did remains. Answers `null` once rolled back, or `Io` /
/// `Corrupt` when a call had doomed the batch (rolled back all the same). The batch is
/// finished as after [`podstate_batch_commit`] (later calls and endings answer `DbClosed`) and
/// must still be freed with `podstate_handle_free`. `InvalidArg` when `batch` is a handle,
/// not a batch.
///
/// # Safety
/// `batch` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn podstate_batch_rollback(
    batch: *const PodstateHandle,
) -> *mut PodstateAnswer {
    // SAFETY: by this function's contract.
    unsafe { finish(batch, Ending::Rollback) }
}

/// Ends `batch` as `ending` says.
///
/// # Safety
/// `batch` is NULL or a live handle.
unsafe fn finish(batch: *const PodstateHandle, ending: Ending) -> *mut PodstateAnswer {
    guarded(|| {
        // SAFETY: by this function's contract.
        let h = unsafe { objects::handle(batch) }?;
        match &h.target {
            Target::Batch(batch) => batch.finish(ending)?,
            Target::State(_) => {
                return Err(AbiError::from(podstate::StateError::invalid(
                    "not a batch: commit or roll back a batch begun with podstate_batch_begin",
                )));
            }
        }
        Ok(null())
    })
}
