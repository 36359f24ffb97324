//! Who holds a lock on the database file: the processes named in a lock-timeout message
//! (SPEC §3 asks for the holder wherever the backend can find it).
//!
//! redb's locks are open-file-description (OFD) locks, which `/proc/locks` lists with PID -1:
//! they belong to an open file, not to a process. The kernel lists each open file's own locks
//! in `/proc/PID/fdinfo/FD` (`lock:` lines), so the holder is found by reading the fdinfo of
//! every process this user may inspect, for a lock on the same file (device and inode) that
//! overlaps the wanted range and conflicts with the wanted kind. Slow (every descriptor of every
//! process: a few milliseconds), so it runs only while a call waits for a lock: every
//! [`HOLDER_LOOK_EVERY`](podstate_api::raw::holder_watch::HOLDER_LOOK_EVERY) or more seldom (a
//! look takes at most a tenth of the wait, see
//! [`HolderWatch`](podstate_api::raw::holder_watch::HolderWatch)), once more when the wait
//! times out, and once a wait has lasted
//! [`LOCK_WAIT_REPORTED`](podstate_api::raw::trace::LOCK_WAIT_REPORTED) while a `tracing`
//! subscriber wants lock waits; never on the path of a call that does not wait.

use std::fmt;
use std::fs;
use std::ops::Bound;

/// A file's identity: what the kernel prints for it in a lock listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileId {
    major: u64,
    minor: u64,
    inode: u64,
}

impl FileId {
    /// The identity of the open file `meta` describes.
    #[cfg(unix)]
    pub(crate) fn of(meta: &fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;

        let dev = meta.dev();
        // glibc's gnu_dev_major and gnu_dev_minor.
        FileId {
            major: ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff),
            minor: (dev & 0xff) | ((dev >> 12) & !0xff),
            inode: meta.ino(),
        }
    }

    /// No identity where the platform has none to give: no holder is then ever found.
    #[cfg(not(unix))]
    pub(crate) fn of(_meta: &fs::Metadata) -> FileId {
        FileId {
            major: u64::MAX,
            minor: u64::MAX,
            inode: u64::MAX,
        }
    }
}

/// A process holding a lock: its ID and, where readable, its command name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Holder {
    pid: u32,
    comm: Option<String>,
}

/// The lock a waiter wants: a byte range of the file, shared or exclusive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wanted {
    /// First byte.
    pub(crate) start: u64,
    /// Last byte (inclusive), `None` for "to the end of any file".
    pub(crate) last: Option<u64>,
    /// Exclusive (conflicts with every lock) or shared (conflicts with write locks only).
    pub(crate) exclusive: bool,
}

impl Wanted {
    /// The range between `start` and `end`, as redb's storage calls give it.
    pub(crate) fn range(start: Bound<u64>, end: Bound<u64>, exclusive: bool) -> Wanted {
        let start = match start {
            Bound::Included(s) => s,
            Bound::Excluded(s) => s.saturating_add(1),
            Bound::Unbounded => 0,
        };
        let last = match end {
            Bound::Included(e) => Some(e),
            Bound::Excluded(e) => Some(e.saturating_sub(1)),
            Bound::Unbounded => None,
        };
        Wanted {
            start,
            last,
            exclusive,
        }
    }
}

/// An open file to leave out of the search: the waiter's own (its locks never block it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Own {
    pub(crate) pid: u32,
    pub(crate) fd: i32,
}

/// The processes holding a lock on `file` that conflicts with `wanted`, sorted, each once.
/// Empty when none can be found (none holds one, or the holder is a process this user may
/// not inspect).
pub(crate) fn find(file: FileId, wanted: Wanted, skip: Option<Own>) -> Vec<Holder> {
    let mut holders: Vec<Holder> = Vec::new();
    let Ok(processes) = fs::read_dir("/proc") else {
        return holders;
    };
    for process in processes.flatten() {
        let Some(pid) = process
            .file_name()
            .to_str()
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = fs::read_dir(process.path().join("fdinfo")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            let number = fd.file_name().to_str().and_then(|n| n.parse::<i32>().ok());
            if skip.is_some_and(|own| own.pid == pid && Some(own.fd) == number) {
                return false;
            }
            fs::read_to_string(fd.path()).is_ok_and(|info| {
                info.lines()
                    .filter_map(parse_lock)
                    .any(|lock| lock.blocks(file, wanted))
            })
        });
        if holds {
            let comm = fs::read_to_string(process.path().join("comm"))
                .ok()
                .map(|c| c.trim_end().to_owned())
                .filter(|c| !c.is_empty());
            holders.push(Holder { pid, comm });
        }
    }
    holders.sort();
    holders.dedup();
    holders
}

/// Who holds the lock, for a message: `process 4711 (podman)`, `processes 1 (a), 2 (b)`, or `an
/// unknown process` when none could be found.
pub(crate) fn describe(holders: &[Holder]) -> String {
    match holders {
        [] => "an unknown process".to_owned(),
        [one] => format!("process {one}"),
        many => {
            let each: Vec<String> = many.iter().map(Holder::to_string).collect();
            format!("processes {}", each.join(", "))
        }
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.comm {
            Some(comm) => write!(f, "{} ({comm})", self.pid),
            None => write!(f, "{}", self.pid),
        }
    }
}

/// One `lock:` line of an fdinfo file, as far as the search needs it.
#[derive(Debug, PartialEq, Eq)]
struct ListedLock {
    /// A byte-range lock (`POSIX` or `OFDLCK`); `FLOCK` whole-file locks never block range
    /// locks on Linux.
    range_lock: bool,
    write: bool,
    file: FileId,
    start: u64,
    last: Option<u64>,
}

impl ListedLock {
    fn blocks(&self, file: FileId, wanted: Wanted) -> bool {
        let overlaps = self.last.is_none_or(|last| last >= wanted.start)
            && wanted.last.is_none_or(|last| last >= self.start);
        self.range_lock && self.file == file && overlaps && (wanted.exclusive || self.write)
    }
}

/// Parses `lock:\t1: OFDLCK ADVISORY  WRITE -1 fe:00:10142234 4611686018427387904 EOF`.
/// Requests still waiting (marked `->`) hold nothing and are skipped.
fn parse_lock(line: &str) -> Option<ListedLock> {
    let fields: Vec<&str> = line.strip_prefix("lock:")?.split_whitespace().collect();
    if fields.get(1) == Some(&"->") {
        return None;
    }
    let kind = *fields.get(1)?;
    let write = match *fields.get(3)? {
        "WRITE" => true,
        "READ" => false,
        _ => return None,
    };
    let mut id = fields.get(5)?.split(':');
    let major = u64::from_str_radix(id.next()?, 16).ok()?;
    let minor = u64::from_str_radix(id.next()?, 16).ok()?;
    let inode = id.next()?.parse().ok()?;
    let start = fields.get(6)?.parse().ok()?;
    let last = match *fields.get(7)? {
        "EOF" => None,
        last => Some(last.parse().ok()?),
    };
    Some(ListedLock {
        range_lock: matches!(kind, "POSIX" | "OFDLCK"),
        write,
        file: FileId {
            major,
            minor,
            inode,
        },
        start,
        last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: FileId = FileId {
        major: 0xfe,
        minor: 0,
        inode: 10_142_234,
    };

    #[test]
    fn fdinfo_lock_lines_parse() {
        let header = parse_lock("lock:\t2: OFDLCK ADVISORY  READ -1 fe:00:10142234 0 319").unwrap();
        assert_eq!(
            header,
            ListedLock {
                range_lock: true,
                write: false,
                file: FILE,
                start: 0,
                last: Some(319),
            }
        );
        let tail = parse_lock("lock:\t3: OFDLCK ADVISORY  READ -1 fe:00:10142234 88 EOF").unwrap();
        assert_eq!(tail.last, None);
        let flock = parse_lock("lock:\t1: FLOCK  ADVISORY  READ 27978 fe:00:10142234 0 EOF");
        assert!(!flock.unwrap().range_lock);
        assert!(parse_lock("lock:\t1: -> OFDLCK ADVISORY  WRITE -1 fe:00:1 0 0").is_none());
        assert!(parse_lock("pos:\t0").is_none());
    }

    #[test]
    fn only_conflicting_overlapping_range_locks_of_the_same_file_block() {
        let read = parse_lock("lock:\t2: OFDLCK ADVISORY  READ -1 fe:00:10142234 0 319").unwrap();
        let header = Wanted::range(Bound::Included(0), Bound::Excluded(320), true);
        assert!(read.blocks(FILE, header));
        let shared = Wanted::range(Bound::Included(0), Bound::Excluded(320), false);
        assert!(
            !read.blocks(FILE, shared),
            "two shared locks never conflict"
        );
        let beyond = Wanted::range(Bound::Included(320), Bound::Included(320), true);
        assert!(!read.blocks(FILE, beyond));
        let other = FileId { inode: 1, ..FILE };
        assert!(!read.blocks(other, header));
        let tail = parse_lock("lock:\t3: OFDLCK ADVISORY  WRITE -1 fe:00:10142234 500 EOF");
        let everything = Wanted::range(Bound::Unbounded, Bound::Unbounded, false);
        assert!(tail.unwrap().blocks(FILE, everything));
    }

    #[test]
    fn holders_read_as_a_phrase() {
        let named = |pid, comm: &str| Holder {
            pid,
            comm: Some(comm.to_owned()),
        };
        assert_eq!(describe(&[]), "an unknown process");
        assert_eq!(describe(&[named(4711, "podman")]), "process 4711 (podman)");
        let nameless = Holder { pid: 9, comm: None };
        assert_eq!(describe(&[named(1, "a"), nameless]), "processes 1 (a), 9");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_found_holding_a_lock_and_left_out_through_its_own_file() {
        use redb::StorageBackend;
        use std::os::fd::AsRawFd;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locked");
        fs::write(&path, b"x").unwrap();
        let file = fs::File::open(&path).unwrap();
        let fd = file.as_raw_fd();
        let backend = redb::backends::FileBackend::new(file).unwrap();
        assert!(
            backend
                .try_lock_shared_range(Bound::Included(5), Bound::Included(9))
                .unwrap()
        );
        let id = FileId::of(&fs::metadata(&path).unwrap());
        let me = std::process::id();
        let wanted = Wanted::range(Bound::Included(9), Bound::Included(9), true);
        // Other tests of this binary may be spawning a child, which holds a copy of the open
        // file (and so of its lock) until it execs: only this process is looked for.
        let has_me = |holders: Vec<Holder>| holders.iter().any(|h| h.pid == me);
        assert!(has_me(find(id, wanted, None)));
        assert!(!has_me(find(id, wanted, Some(Own { pid: me, fd }))));
        let shared = Wanted::range(Bound::Included(9), Bound::Included(9), false);
        assert!(!has_me(find(id, shared, None)));
    }
}
