//! The one mapping from redb's errors (and panics) to [`StateError`]: `Io` for the engine or the
//! file system failing, `Corrupt` for a file whose content cannot be read as a podstate database.
//! Every message names the file.

use podstate_api::raw::panic_message;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::Duration;

use podstate_api::{ErrorKind, StateError};

/// The `io::ErrorKind` the bounded lock waits of [`lock`](crate::lock) fail with, so that a
/// timeout deep inside redb still comes out as the lock-timeout message.
pub(crate) const LOCK_TIMEOUT_KIND: io::ErrorKind = io::ErrorKind::TimedOut;

/// Maps any redb error met while using the database at `file`.
pub(crate) fn fault(file: &Path, err: impl Into<redb::Error>) -> StateError {
    let err: redb::Error = err.into();
    let file = file.display();
    let (kind, what) = match &err {
        redb::Error::Io(e) if e.kind() == LOCK_TIMEOUT_KIND => (ErrorKind::Io, e.to_string()),
        // Raised by redb's header check: wrong magic number, a file cut short inside the header.
        redb::Error::Io(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
            ) =>
        {
            (
                ErrorKind::Corrupt,
                format!("not a readable redb database: {e}"),
            )
        }
        redb::Error::Corrupted(_) | redb::Error::UpgradeRequired(_) => {
            (ErrorKind::Corrupt, format!("damaged redb database: {err}"))
        }
        redb::Error::TableTypeMismatch { .. }
        | redb::Error::TableIsMultimap(_)
        | redb::Error::TableIsNotMultimap(_)
        | redb::Error::TypeDefinitionChanged { .. }
        | redb::Error::TableDoesNotExist(_) => (
            ErrorKind::Corrupt,
            format!("the tables are not podstate's layout: {err}"),
        ),
        redb::Error::DatabaseAlreadyOpen | redb::Error::LockProtocolMismatch => (
            ErrorKind::Io,
            format!(
                "another process holds the file in a mode that excludes multi-writer use: {err}"
            ),
        ),
        _ => (ErrorKind::Io, format!("redb failed: {err}")),
    };
    // One line, whatever the engine's text holds.
    let what = what.replace('\n', " ");
    StateError::new(kind, format!("redb database {file}: {what}")).with_source(err)
}

/// Whether `err` comes from an I/O error of the storage (not a lock timeout): redb has then
/// latched the database object that met it, which must be opened again.
pub(crate) fn met_io_error(err: &StateError) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        if let Some(e) = e.downcast_ref::<redb::Error>() {
            return match e {
                redb::Error::Io(io) => io.kind() != LOCK_TIMEOUT_KIND,
                redb::Error::PreviousIo => true,
                _ => false,
            };
        }
        source = e.source();
    }
    false
}

/// `Io` for a file-system call on `file` outside redb (creating, linking, reading metadata).
pub(crate) fn io_fault(file: &Path, doing: &str, err: io::Error) -> StateError {
    StateError::new(
        ErrorKind::Io,
        format!("redb database {}: {doing}: {err}", file.display()),
    )
    .with_source(err)
}

/// `Corrupt` for a record of `table` at `key` that does not decode.
pub(crate) fn undecodable(
    file: &Path,
    table: &str,
    key: &str,
    err: impl std::fmt::Display,
) -> StateError {
    StateError::new(
        ErrorKind::Corrupt,
        format!(
            "redb database {}: record {key:?} of table {table} does not decode: {err}",
            file.display()
        ),
    )
}

/// `Io` for a value that cannot be encoded for storing (a payload built with
/// `Payload::from_stored` from text that is not JSON): the write cannot be carried out.
pub(crate) fn unencodable(file: &Path, err: impl std::fmt::Display) -> StateError {
    StateError::new(
        ErrorKind::Io,
        format!(
            "redb database {}: cannot encode a record: {err}",
            file.display()
        ),
    )
}

/// `Corrupt` for a file that is readable but breaks the layout (a missing table, a record
/// without its partner, a format this build does not know).
pub(crate) fn bad_layout(file: &Path, what: impl std::fmt::Display) -> StateError {
    StateError::new(
        ErrorKind::Corrupt,
        format!("redb database {}: {what}", file.display()),
    )
}

/// `Io` for a lock that stayed taken for the whole lock timeout (SPEC §3), naming `who` holds
/// it (see [`holders`](crate::holders)). The shape of the SQLite backend's message.
pub(crate) fn lock_timeout(file: &Path, lock: &str, who: &str, waited: Duration) -> StateError {
    StateError::new(
        ErrorKind::Io,
        format!(
            "redb database {}: {lock} is held by {who}: gave up after waiting {:.1} s",
            file.display(),
            waited.as_secs_f64()
        ),
    )
}

/// Runs `work`, turning a panic into `Corrupt` naming `file`.
///
/// redb trusts a file that was shut down cleanly and panics on some damaged pages (an
/// `unreachable!` in its B-tree code) instead of answering an error; the contract never panics.
/// The panic message still goes to the process's panic hook: installing a hook is the
/// application's business, not a library's.
pub(crate) fn contain<T>(
    file: &Path,
    work: impl FnOnce() -> Result<T, StateError>,
) -> Result<T, StateError> {
    contain_with(file, work, || ())
}

/// As [`contain`], running `after_panic` (itself contained) when `work` panicked.
pub(crate) fn contain_with<T>(
    file: &Path,
    work: impl FnOnce() -> Result<T, StateError>,
    after_panic: impl FnOnce(),
) -> Result<T, StateError> {
    panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        tracing::warn!(
            file = %file.display(),
            panic = panic_message(payload.as_ref()),
            "redb panicked (a damaged page): answering Corrupt"
        );
        // The clean-up usually drops redb's database object, whose `Drop` may panic in turn on a
        // lock the first panic poisoned; its fields (the file, its locks) are dropped all the
        // same while that panic unwinds, so containing it loses nothing.
        let _ = panic::catch_unwind(AssertUnwindSafe(after_panic));
        Err(StateError::new(
            ErrorKind::Corrupt,
            format!(
                "redb database {}: the engine panicked, the file is probably damaged: {}",
                file.display(),
                panic_message(payload.as_ref())
            ),
        ))
    })
}
