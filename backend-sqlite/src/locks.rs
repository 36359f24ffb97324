//! Who holds locks on the database file and its WAL index (`-shm`), read from `/proc/locks`
//! on Linux. `/proc/locks` is read instead of asking the kernel through a descriptor of the
//! database file, because closing any descriptor of that file would drop this process's own
//! SQLite locks on it; `stat` on the paths is all this module does to the files.

use std::path::Path;

/// The IDs of the other processes holding POSIX write locks on the database file or its WAL
/// index (`-shm`), where SQLite keeps its write lock in WAL mode. Best effort: empty when
/// unknown.
#[cfg(target_os = "linux")]
pub(crate) fn write_lock_holders(path: &Path) -> Vec<u32> {
    let inodes = inodes(path);
    let mut pids: Vec<u32> = Vec::new();
    for _ in 0..LISTING_PASSES {
        let Some(locks) = read_listing(Path::new("/proc/locks")) else {
            break;
        };
        pids.extend(
            locks
                .lines()
                .filter_map(parse_lock)
                .filter(|lock| lock.held && lock.write && inodes.contains(&lock.inode))
                .map(|lock| lock.pid)
                .filter(|pid| *pid != std::process::id()),
        );
    }
    pids.sort_unstable();
    pids.dedup();
    pids
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn write_lock_holders(_path: &Path) -> Vec<u32> {
    Vec::new()
}

/// Whether any process, this one included, holds or waits for a lock of any kind on the
/// database file or its WAL index: every SQLite connection in WAL mode keeps a shared lock on
/// both from its first read until it closes, so `false` means no connection is open (a
/// connection that has not read yet holds nothing, and cannot have written either). `true`
/// when it cannot be known (no `/proc/locks`). Files are matched by inode only: another
/// file system's file with the same inode can make the answer `true`, never `false`.
#[cfg(target_os = "linux")]
pub(crate) fn anyone_holds(path: &Path) -> bool {
    let inodes = inodes(path);
    (0..LISTING_PASSES).any(|_| {
        read_listing(Path::new("/proc/locks")).is_none_or(|locks| {
            locks
                .lines()
                .filter_map(parse_lock)
                .any(|lock| inodes.contains(&lock.inode))
        })
    })
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn anyone_holds(_path: &Path) -> bool {
    true
}

/// The inodes of the database file and its `-shm`, those that exist. `stat` reads the
/// directory entry only: no descriptor of the database file is opened, so no POSIX lock of
/// this process can be dropped by closing one.
#[cfg(target_os = "linux")]
fn inodes(path: &Path) -> Vec<u64> {
    use std::os::unix::fs::MetadataExt;

    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    [path, Path::new(&shm)]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.ino())
        .collect()
}

/// How often `/proc/locks` is read for one answer. The kernel builds the listing a page at a
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

/// One line of `/proc/locks`, as far as this module needs it.
#[cfg(target_os = "linux")]
struct ProcLock {
    /// Held, not waited for (a blocked request is listed after its blocker, marked `->`).
    held: bool,
    write: bool,
    pid: u32,
    inode: u64,
}

/// Parses `1: POSIX  ADVISORY  WRITE 4711 08:01:123456 120 120`, or a blocked request
/// `1: -> POSIX  ADVISORY  WRITE 4711 08:01:123456 120 120`. An OFD lock's process is `-1`:
/// it parses with process 0 (unknown).
#[cfg(target_os = "linux")]
fn parse_lock(line: &str) -> Option<ProcLock> {
    let mut fields: Vec<&str> = line.split_whitespace().collect();
    let held = fields.get(1) != Some(&"->");
    if !held {
        fields.remove(1);
    }
    let write = *fields.get(3)? == "WRITE";
    let pid = fields.get(4)?.parse().unwrap_or(0);
    let inode = fields.get(5)?.rsplit(':').next()?.parse().ok()?;
    Some(ProcLock {
        held,
        write,
        pid,
        inode,
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn proc_locks_lines_parse_and_waiters_are_told_apart() {
        let held = parse_lock("1: POSIX  ADVISORY  WRITE 4711 08:01:123456 120 120").unwrap();
        assert!(held.held && held.write);
        assert_eq!((held.pid, held.inode), (4711, 123_456));
        let waits = parse_lock("1: -> POSIX  ADVISORY  WRITE 99 08:01:123456 120 120").unwrap();
        assert!(!waits.held);
        assert_eq!((waits.pid, waits.inode), (99, 123_456));
        let read = parse_lock("2: POSIX  ADVISORY  READ 12 fd:00:77 128 128").unwrap();
        assert!(!read.write);
        let ofd = parse_lock("3: OFDLCK ADVISORY  READ -1 fd:00:78 128 128").unwrap();
        assert_eq!((ofd.pid, ofd.inode), (0, 78));
    }

    #[test]
    fn a_file_nobody_locks_is_held_by_nobody_and_a_locked_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        assert!(
            !anyone_holds(&path),
            "nothing is locked before the first read"
        );
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .unwrap();
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i32>(0))
            .unwrap();
        assert!(
            anyone_holds(&path),
            "an open WAL connection holds its locks"
        );
        drop(conn);
        assert!(!anyone_holds(&path), "a closed connection holds nothing");
    }
}
