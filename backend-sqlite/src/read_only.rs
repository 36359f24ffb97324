//! How a read-only connection opens the database, so that it needs nothing but read access and
//! writes nothing (SPEC §3), also after its last writer was killed.
//!
//! SQLite's own read-only open works while a connection is open, and after a killed writer
//! whose WAL holds frames: for a `-shm` it may not write it rebuilds the WAL index in private
//! memory. It fails on two leftovers of a writer that died without closing:
//!
//! - a WAL holding only its 32-byte header (the writer died between writing the header of a
//!   new WAL and its first frame) beside the `-shm`: the private rebuild reads the WAL's salts
//!   only from a WAL longer than its header, then finds them differing from the file's and
//!   retries for about ten seconds before it answers "locking protocol";
//! - a WAL without `-shm` (the writer died while closing, between removing the one and the
//!   other, or while opening, between making the one and the other): it cannot make the
//!   `-shm`, "unable to open database file". The same for a `-shm` without WAL.
//!
//! In each of them the database file alone holds the last commit: a header-only or empty WAL
//! has no frame; SQLite removes the `-shm` of a closing connection only after a checkpoint
//! that copied every frame into the file and synced it, and makes the `-shm` only after the
//! WAL. So when no process holds a lock on the files (see [`locks::anyone_holds`]: every open
//! WAL connection does), a read-only connection opens the database file alone, as SQLite's
//! `immutable`, which reads it without locks and touches nothing beside it; as for a database
//! closed cleanly, which has neither file. An immutable connection does not notice other
//! connections' commits, so it remembers what `stat` showed of the three files before it
//! opened, and the store replaces it at the start of a call once they changed
//! ([`Leftovers::changed`]): a read-only store left open sees what writers that come back
//! commit.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::locks;

/// The length of a WAL's header: a WAL no longer holds no frame.
const WAL_HEADER: u64 = 32;

/// One file's identity and last change, as `stat` shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    /// `path`'s stamp, `None` when there is no such file (or it cannot be looked at).
    fn of(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(|m| Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }
}

/// The database file, its WAL and its `-shm` as `stat` showed them at one moment: the
/// database's files as a connection that reads the database file alone found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Leftovers {
    db: Option<Stamp>,
    wal: Option<Stamp>,
    shm: Option<Stamp>,
}

impl Leftovers {
    /// What `stat` shows of the files of database `path` now (never opens them).
    fn look(path: &Path) -> Leftovers {
        Leftovers {
            db: Stamp::of(path),
            wal: Stamp::of(&side_file(path, "-wal")),
            shm: Stamp::of(&side_file(path, "-shm")),
        }
    }

    /// The files of database `path` when its database file alone holds its last commit and no
    /// connection has it open (see the module docs); `None` when SQLite's own read-only open
    /// is the way (another connection is open, or the WAL may hold commits).
    pub(crate) fn file_alone(path: &Path) -> Option<Leftovers> {
        // Looked at before asking who holds the files: whatever a writer that comes meanwhile
        // does to them shows as a change.
        let files = Leftovers::look(path);
        match (&files.wal, &files.shm) {
            (None, None) => return Some(files),
            (Some(wal), Some(_)) if wal.len > WAL_HEADER => return None,
            _ => {}
        }
        (!locks::anyone_holds(path)).then_some(files)
    }

    /// Whether the files of `path` changed since these were looked at (a writer came).
    pub(crate) fn changed(&self, path: &Path) -> bool {
        Leftovers::look(path) != *self
    }
}

/// `path` with `suffix` appended to its file name (SQLite's `-wal` and `-shm`).
fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The URI of `path` opened read-only and immutable, its path percent-encoded where a URI
/// would read a character otherwise.
pub(crate) fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'%' | b'?' | b'#' | 0..=0x20 | 0x7f..=0xff => uri.push_str(&format!("%{byte:02X}")),
            _ => uri.push(char::from(*byte)),
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}
