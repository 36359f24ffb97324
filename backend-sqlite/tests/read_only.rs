//! A read-only open by a user who may read the database but not write it (SPEC §3), of the
//! files a killed writer leaves: it reads the last committed state, at once, and changes no
//! byte. SQLite itself cannot read two such leftovers without writing: a WAL holding only its
//! 32-byte header beside the `-shm` (its private recovery for an unwritable `-shm` retries for
//! ten seconds, then answers "locking protocol"), and a WAL without `-shm` (the writer died
//! while closing, between removing the one and the other: "unable to open database file").
//! The files are built here as the writer leaves them. Run as root (as in CI), the look runs
//! in a child process as `nobody`; otherwise the files and the directory are made read-only.

use std::fs;
use std::io::{BufRead, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use podstate_api::State;
use podstate_conformance::scenarios::fixtures::ctr;
use podstate_sqlite::SqliteStore;
use tempfile::TempDir;

/// The variables a child reads its orders from.
const ROLE: &str = "PODSTATE_SQLITE_READ_ONLY_ROLE";
const DB: &str = "PODSTATE_SQLITE_READ_ONLY_DB";
/// The user the look runs as when this test runs as root.
const NOBODY: u32 = 65534;
/// The length of a WAL's header: a WAL this long holds no frame.
const WAL_HEADER: usize = 32;

/// Not a test of its own: the child that looks (does nothing when run without a role). It
/// opens the database read-only and answers each line on its stdin with the names of the
/// containers it reads then (or the error), one line each.
#[test]
fn child() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    assert_eq!(role, "look");
    let path = PathBuf::from(std::env::var(DB).unwrap());
    let store = SqliteStore::open_read_only(&path);
    let state = store.and_then(|s| s.open_handle().map(|state| (s, state)));
    for _line in std::io::stdin().lock().lines() {
        let answer = match &state {
            Ok((_, state)) => names(state).unwrap_or_else(|e| format!("error {e}")),
            Err(e) => format!("error {e}"),
        };
        println!("@@ {answer}");
    }
}

/// A look at the database by a user who cannot write it (see the module docs).
struct Look {
    child: std::process::Child,
}

impl Look {
    /// Starts the looking child on `path`: as `nobody` when root, with the files and their
    /// directory read-only otherwise (until [`done`](Look::done)).
    fn start(path: &Path) -> Look {
        let dir = path.parent().unwrap();
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["child", "--exact", "--nocapture", "--test-threads=1"])
            .env(ROLE, "look")
            .env(DB, path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if rustix::process::geteuid().is_root() {
            // The files are root's, 0644: nobody reads them and writes nothing.
            command.uid(NOBODY).gid(NOBODY);
        } else {
            set_modes(dir, 0o555, 0o444);
        }
        Look {
            child: command.spawn().unwrap(),
        }
    }

    /// What the child reads now: the container names, comma-separated, or `error ...`.
    fn read(&mut self) -> String {
        let input = self.child.stdin.as_mut().unwrap();
        writeln!(input, "read").unwrap();
        input.flush().unwrap();
        let mut out = std::io::BufReader::new(self.child.stdout.as_mut().unwrap());
        loop {
            let mut line = String::new();
            assert!(out.read_line(&mut line).unwrap() > 0, "the child ended");
            if let Some((_, answer)) = line.split_once("@@ ") {
                return answer.trim_end().to_owned();
            }
        }
    }

    /// Ends the child and gives the directory its modes back.
    fn done(mut self, dir: &Path) {
        drop(self.child.stdin.take());
        assert!(self.child.wait().unwrap().success());
        set_modes(dir, 0o755, 0o644);
    }
}

/// Gives `dir` mode `dir_mode` and its files mode `file_mode`.
fn set_modes(dir: &Path, dir_mode: u32, file_mode: u32) {
    for file in files(dir) {
        fs::set_permissions(file, fs::Permissions::from_mode(file_mode)).unwrap();
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(dir_mode)).unwrap();
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Every file of `dir` with its bytes.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn names(state: &dyn State) -> podstate_api::Result<String> {
    let mut names: Vec<String> = state
        .all_containers()?
        .into_iter()
        .map(|c| c.config.name)
        .collect();
    names.sort();
    Ok(names.join(","))
}

fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A database with containers `one` and `two`, closed cleanly (no `-wal`, no `-shm`), and the
/// WAL its writer had just before closing (its frames, all checkpointed at the close).
fn closed_database() -> (TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join("state.db");
    let store = SqliteStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c1", "one")).unwrap();
    state.add_container(&ctr("c2", "two")).unwrap();
    // The WAL only: SQLite keeps no lock on it, so reading it drops none of this process's.
    let wal = fs::read(side_file(&path, "-wal")).unwrap();
    assert!(wal.len() > WAL_HEADER, "the commits are in the WAL");
    drop((state, store));
    assert!(!side_file(&path, "-wal").exists(), "closed cleanly");
    (dir, path, wal)
}

/// Looks at `path` as a user who cannot write it: the names read, and that no byte changed.
fn look_once(path: &Path) -> String {
    let dir = path.parent().unwrap();
    let before = contents(dir);
    let mut look = Look::start(path);
    let seen = look.read();
    look.done(dir);
    assert!(contents(dir) == before, "the look changed a file");
    seen
}

#[test]
fn a_wal_holding_only_its_header_beside_the_shm_reads_the_last_commit() {
    let (_dir, path, wal) = closed_database();
    // The writer was killed after writing a new WAL's header, before its first frame; its
    // `-shm` stays (its content does not matter: nobody holds it, so a reader rebuilds it).
    fs::write(side_file(&path, "-wal"), &wal[..WAL_HEADER]).unwrap();
    fs::write(side_file(&path, "-shm"), vec![0_u8; 32 * 1024]).unwrap();
    assert_eq!(look_once(&path), "one,two");
}

#[test]
fn a_wal_without_its_shm_reads_the_last_commit() {
    let (_dir, path, wal) = closed_database();
    // The writer died while closing: it had checkpointed every frame and removed the `-shm`,
    // not yet the WAL.
    fs::write(side_file(&path, "-wal"), &wal).unwrap();
    assert_eq!(look_once(&path), "one,two");
}

#[test]
fn an_empty_wal_without_its_shm_reads_the_last_commit() {
    let (_dir, path, _) = closed_database();
    // The writer died while opening: it had made the WAL, not yet the `-shm`.
    fs::write(side_file(&path, "-wal"), b"").unwrap();
    assert_eq!(look_once(&path), "one,two");
}

#[test]
fn a_read_only_store_on_a_dead_writers_files_sees_later_commits() {
    let (dir, path, wal) = closed_database();
    fs::write(side_file(&path, "-wal"), &wal[..WAL_HEADER]).unwrap();
    fs::write(side_file(&path, "-shm"), vec![0_u8; 32 * 1024]).unwrap();
    let before = contents(dir.path());
    let mut look = Look::start(&path);
    assert_eq!(look.read(), "one,two");
    assert!(contents(dir.path()) == before, "the look changed a file");
    // A writer comes back (it may write: root, or the modes given back) and commits while the
    // reader's store stays open; then it closes cleanly.
    if !rustix::process::geteuid().is_root() {
        set_modes(dir.path(), 0o755, 0o644);
    }
    let writer = SqliteStore::open(&path).unwrap();
    let state = writer.open_handle().unwrap();
    state.add_container(&ctr("c3", "three")).unwrap();
    assert_eq!(look.read(), "one,three,two");
    drop((state, writer));
    assert_eq!(look.read(), "one,three,two");
    look.done(dir.path());
}
