//! The one mapping from SQLite's and the record codec's errors to [`StateError`]: a storage
//! failure is `Io`, damage or a record that breaks an invariant is `Corrupt`, and every message
//! names the database file.

use std::path::Path;
use std::time::Duration;

use podstate_api::{ErrorKind, StateError};
use rusqlite::ErrorCode;

use crate::locks;

/// Whether `e` is SQLite saying another connection holds a lock it needs (`SQLITE_BUSY`, or
/// `SQLITE_LOCKED` for a lock inside this process). These are waited out up to the lock
/// timeout and never reach a caller as such.
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Maps an error of SQLite on database `path` to the contract's kinds. `timeout` is the lock
/// timeout, for the message of a lock that was not released in time, which names the
/// processes holding the lock now.
pub(crate) fn sqlite(path: &Path, timeout: Duration, e: rusqlite::Error) -> StateError {
    sqlite_waited(path, timeout, || holders_text(path), e)
}

/// As [`sqlite`], for a call whose wait knows more of the lock's holder: a lock timeout names
/// `holder()` ([`LockClock::holder`](crate::busy::LockClock::holder): also a holder seen
/// during the wait that has let go since).
pub(crate) fn sqlite_waited(
    path: &Path,
    timeout: Duration,
    holder: impl FnOnce() -> Option<String>,
    e: rusqlite::Error,
) -> StateError {
    let file = path.display();
    let (kind, message) = match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            (ErrorKind::Io, lock_timeout_message(path, holder(), timeout))
        }
        Some(ErrorCode::NotADatabase) => (
            ErrorKind::Corrupt,
            format!("{file} is not a podstate database (not an SQLite database file): {e}"),
        ),
        Some(ErrorCode::DatabaseCorrupt) => (
            ErrorKind::Corrupt,
            format!("SQLite database {file} is damaged: {e}"),
        ),
        // Every write was checked first, so a constraint the schema enforces can only fail when
        // the stored data already broke an invariant.
        Some(ErrorCode::ConstraintViolation) => (
            ErrorKind::Corrupt,
            format!("SQLite database {file} breaks an invariant its schema enforces: {e}"),
        ),
        _ => match e {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::Utf8Error(..)
            | rusqlite::Error::IntegralValueOutOfRange(..) => (
                ErrorKind::Corrupt,
                format!("SQLite database {file} holds a value of the wrong type: {e}"),
            ),
            _ => (ErrorKind::Io, format!("SQLite database {file} failed: {e}")),
        },
    };
    StateError::new(kind, message).with_source(e)
}

/// `Corrupt`: the stored JSON of `what` in database `path` does not decode.
pub(crate) fn record(path: &Path, what: &str, e: serde_json::Error) -> StateError {
    StateError::new(
        ErrorKind::Corrupt,
        format!(
            "SQLite database {}: the stored {what} does not decode: {e}",
            path.display()
        ),
    )
    .with_source(e)
}

/// `Corrupt`: database `path` is not a podstate database, for the reason given.
pub(crate) fn foreign(path: &Path, why: &str) -> StateError {
    StateError::new(
        ErrorKind::Corrupt,
        format!("{} is not a podstate database: {why}", path.display()),
    )
}

/// The message of a lock not released within `timeout`: names the file and `who` held the lock
/// (`"process 4711"`, as [`holders_text`] finds it), or "another connection" when nobody was
/// found.
pub(crate) fn lock_timeout_message(path: &Path, who: Option<String>, timeout: Duration) -> String {
    let who = who.unwrap_or_else(|| "another connection".to_owned());
    format!(
        "the lock on SQLite database {} is held by {who}: gave up after waiting {:.1?}",
        path.display(),
        timeout
    )
}

/// The other processes holding write locks on the database (`"process 4711, 4712"`), as far
/// as [`locks::write_lock_holders`] finds them; `None` when it finds none.
pub(crate) fn holders_text(path: &Path) -> Option<String> {
    let holders = locks::write_lock_holders(path);
    if holders.is_empty() {
        return None;
    }
    let pids: Vec<String> = holders.iter().map(u32::to_string).collect();
    Some(format!("process {}", pids.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_errors_become_io_naming_the_file_and_the_lock() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(is_busy(&busy));
        let e = sqlite(Path::new("/x/state.db"), Duration::from_secs(100), busy);
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.message().contains("/x/state.db"), "{e}");
        assert!(e.message().contains("lock"), "{e}");
    }
}
