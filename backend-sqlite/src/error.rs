//! The one mapping from SQLite's and the record codec's errors to [`StateError`]: a storage
//! failure is `Io`, damage or a record that breaks an invariant is `Corrupt`, and every message
//! names the database file.

use std::path::Path;
use std::time::Duration;

use podstate_api::{ErrorKind, StateError};
use rusqlite::ErrorCode;

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
/// timeout, for the message of a lock that was not released in time.
pub(crate) fn sqlite(path: &Path, timeout: Duration, e: rusqlite::Error) -> StateError {
    let file = path.display();
    let (kind, message) = match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            (ErrorKind::Io, lock_timeout_message(path, timeout))
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

/// The message of a lock not released within the lock timeout: names the file and, on Linux,
/// the processes holding write locks on it (read from `/proc/locks`, which never opens the
/// database file itself).
fn lock_timeout_message(path: &Path, timeout: Duration) -> String {
    let who = holders_text(path).unwrap_or_else(|| "another connection".to_owned());
    format!(
        "the lock on SQLite database {} is held by {who}: gave up after waiting {:.1?}",
        path.display(),
        timeout
    )
}

/// The other processes holding write locks on the database (`"process 4711, 4712"`), as far
/// as [`lock_holders`] finds them; `None` when it finds none.
pub(crate) fn holders_text(path: &Path) -> Option<String> {
    let holders = lock_holders(path);
    if holders.is_empty() {
        return None;
    }
    let pids: Vec<String> = holders.iter().map(u32::to_string).collect();
    Some(format!("process {}", pids.join(", ")))
}

/// The IDs of the processes holding POSIX write locks on the database file or its WAL index
/// (`-shm`), where SQLite keeps its write lock in WAL mode. Best effort: empty when unknown.
#[cfg(target_os = "linux")]
fn lock_holders(path: &Path) -> Vec<u32> {
    use std::os::unix::fs::MetadataExt;

    let shm = {
        let mut name = path.as_os_str().to_owned();
        name.push("-shm");
        std::path::PathBuf::from(name)
    };
    // `stat` reads the directory entry only: no descriptor of the database file is opened, so
    // no POSIX lock of this process can be dropped by closing one.
    let inodes: Vec<u64> = [path, shm.as_path()]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.ino())
        .collect();
    let mut pids: Vec<u32> = Vec::new();
    for _ in 0..LISTING_PASSES {
        let Some(locks) = read_listing(Path::new("/proc/locks")) else {
            break;
        };
        pids.extend(
            locks
                .lines()
                .filter_map(parse_lock)
                .filter(|lock| lock.write && inodes.contains(&lock.inode))
                .map(|lock| lock.pid)
                .filter(|pid| *pid != std::process::id()),
        );
    }
    pids.sort_unstable();
    pids.dedup();
    pids
}

/// How often `/proc/locks` is read for one message. The kernel builds the listing a page at a
/// time and each `read` resumes by position in a list that other processes' locking may have
/// shifted meanwhile, so one pass can skip a lock held all along (seen under load, with the
/// same line listed twice). A lock held throughout shows in the union of a few passes.
#[cfg(target_os = "linux")]
const LISTING_PASSES: usize = 3;

/// The whole of a `/proc` listing, in as few `read` calls as the kernel allows (one, while
/// it fits a page), so that it changes as little as possible while it is read.
#[cfg(target_os = "linux")]
fn read_listing(path: &Path) -> Option<String> {
    use std::io::Read;

    let mut file = std::fs::File::open(path).ok()?;
    let mut listing = Vec::new();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => return String::from_utf8(listing).ok(),
            Ok(n) => listing.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn lock_holders(_path: &Path) -> Vec<u32> {
    Vec::new()
}

/// One line of `/proc/locks`, as far as the message needs it.
#[cfg(target_os = "linux")]
struct ProcLock {
    write: bool,
    pid: u32,
    inode: u64,
}

/// Parses `1: POSIX  ADVISORY  WRITE 4711 08:01:123456 120 120` (blocked requests, marked
/// `->`, are skipped: they wait, they do not hold).
#[cfg(target_os = "linux")]
fn parse_lock(line: &str) -> Option<ProcLock> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.get(1) == Some(&"->") {
        return None;
    }
    let write = *fields.get(3)? == "WRITE";
    let pid = fields.get(4)?.parse().ok()?;
    let inode = fields.get(5)?.rsplit(':').next()?.parse().ok()?;
    Some(ProcLock { write, pid, inode })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn proc_locks_lines_parse_and_waiters_are_skipped() {
        let held = parse_lock("1: POSIX  ADVISORY  WRITE 4711 08:01:123456 120 120").unwrap();
        assert!(held.write);
        assert_eq!((held.pid, held.inode), (4711, 123_456));
        assert!(parse_lock("1: -> POSIX  ADVISORY  WRITE 99 08:01:123456 120 120").is_none());
        let read = parse_lock("2: POSIX  ADVISORY  READ 12 fd:00:77 128 128").unwrap();
        assert!(!read.write);
    }

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
