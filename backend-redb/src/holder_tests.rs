//! A lock timeout names the process that held the lock while the call waited, also when that
//! process lets go after the wait's last try and before anything looks at who holds the lock
//! (SPEC §3). A writer stopped (SIGSTOP) inside its transaction and let go (SIGCONT) just as
//! another process's write gave up on it used to be named by nobody ("an unknown process"):
//! the holder was looked up only after the wait had given up. Here the holder is a child
//! process, killed at that very moment by a hook the back-off runs when it gives up.
//!
//! The same child holders show that a write waits at most its lock timeout in all, also when
//! it meets one held lock after another (the write lock in its begin, then the header lock), and
//! so does a store's open (the header lock for its reader, then the write lock to upgrade).

use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use podstate_api::{ErrorKind, State, StateError};
use podstate_conformance::scenarios::fixtures::vol;
use redb::backends::FileBackend;
use redb::{Builder, ConcurrencyMode, StorageBackend};

use crate::backoff::ON_GIVE_UP;
use crate::{RedbOptions, RedbState, RedbStore};

/// The database the child holds a lock of.
const DB: &str = "PODSTATE_REDB_TEST_HOLDER_DB";
/// Which lock the child holds: `write` (redb's write lock) or `header` (its header lock).
const LOCK: &str = "PODSTATE_REDB_TEST_HOLDER_LOCK";

/// Not a test of its own: the body of the child process that holds a lock (does nothing when
/// run without a database). It takes the lock, says so by creating `DB.holding`, and keeps it
/// until it is killed.
#[test]
fn lock_holder_process() {
    let Ok(db) = std::env::var(DB) else {
        return;
    };
    let _held: Box<dyn std::any::Any> = match std::env::var(LOCK).unwrap().as_str() {
        "write" => {
            let mut builder = Builder::new();
            builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
            let db = builder.open(&db).unwrap();
            let tx = db.begin_write().unwrap();
            Box::new((tx, db))
        }
        "header" => {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&db)
                .unwrap();
            let backend = FileBackend::new(file).unwrap();
            backend
                .lock_range(Bound::Included(0), Bound::Excluded(320))
                .unwrap();
            Box::new(backend)
        }
        other => panic!("unknown lock {other}"),
    };
    std::fs::write(holding(Path::new(&db)), b"").unwrap();
    loop {
        thread::sleep(Duration::from_secs(1));
    }
}

/// The file by which the child says it holds the lock.
fn holding(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".holding");
    PathBuf::from(name)
}

/// A child holding a lock of `db`; killed when dropped, also when the test fails.
struct Holder(Child);

impl Holder {
    fn start(db: &Path, lock: &str) -> Holder {
        // A holder started earlier on the same file said so with the same file.
        let _ = std::fs::remove_file(holding(db));
        let child = Command::new(std::env::current_exe().unwrap())
            .args([
                "holder_tests::lock_holder_process",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DB, db)
            .env(LOCK, lock)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let holder = Holder(child);
        let start = Instant::now();
        while !holding(db).exists() {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "the holder never began"
            );
            thread::sleep(Duration::from_millis(1));
        }
        holder
    }

    /// Kills the child and waits until it is gone, and its locks with it.
    fn let_go(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.let_go();
    }
}

/// A store in `dir` with lock timeout `timeout` whose writable side is open (one write made),
/// its file and a handle.
fn written_store(dir: &Path, timeout: Duration) -> (RedbStore, PathBuf, RedbState) {
    let file = dir.join("state.redb");
    let store = RedbStore::open_with(&file, RedbOptions::default().lock_timeout(timeout)).unwrap();
    let state = store.open_handle().unwrap();
    state.add_volume(&vol("before")).unwrap();
    (store, file, state)
}

/// A write of a store whose writable side is open, while a child holds `lock` and is killed
/// the moment the write's wait gives up: its answer.
fn write_as_the_holder_lets_go(lock: &str) -> (StateError, u32) {
    let dir = tempfile::tempdir().unwrap();
    let (_store, file, state) = written_store(dir.path(), Duration::from_millis(300));
    let holder = Arc::new(Mutex::new(Holder::start(&file, lock)));
    let pid = holder.lock().unwrap().0.id();
    let releasing = Arc::clone(&holder);
    ON_GIVE_UP.with(|hook| {
        *hook.borrow_mut() = Some(Box::new(move || releasing.lock().unwrap().let_go()));
    });
    let err = state.add_volume(&vol("blocked"));
    ON_GIVE_UP.with(|hook| hook.borrow_mut().take());
    // It is gone now: the next write gets in.
    state.add_volume(&vol("later")).unwrap();
    (err.unwrap_err(), pid)
}

fn assert_names(err: &StateError, lock: &str, pid: u32) {
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains(lock), "{err} does not name {lock}");
    assert!(
        err.message().contains(&format!("process {pid}")),
        "{err} does not name the holder, process {pid}"
    );
}

#[test]
fn a_write_lock_holder_that_lets_go_as_the_wait_gives_up_is_named() {
    let (err, pid) = write_as_the_holder_lets_go("write");
    assert_names(&err, "the write lock", pid);
}

#[test]
fn a_header_lock_holder_that_lets_go_as_the_wait_gives_up_is_named() {
    let (err, pid) = write_as_the_holder_lets_go("header");
    assert_names(&err, "the header lock", pid);
}

/// A write queued behind another write of its store (group commit) that gives up while the one
/// ahead is still opening the file for writing, just as the holder of the write lock lets go: it
/// names the holder the one ahead saw during its wait (not "another call of this process").
#[test]
fn a_write_queued_behind_an_open_names_the_holder_that_let_go() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.redb");
    let timeout = Duration::from_millis(300);
    let store = Arc::new(
        RedbStore::open_with(&file, RedbOptions::default().lock_timeout(timeout)).unwrap(),
    );
    let holder = Arc::new(Mutex::new(Holder::start(&file, "write")));
    let pid = holder.lock().unwrap().0.id();

    let (queued_tx, queued_rx) = std::sync::mpsc::channel::<StateError>();
    let ahead = {
        let store = Arc::clone(&store);
        let holder = Arc::clone(&holder);
        thread::spawn(move || {
            // When the call ahead gives up opening the file, the holder lets go, and the call
            // ahead keeps its group's turn until the queued call has answered.
            let queued = Arc::new(Mutex::new(None));
            let answered = Arc::clone(&queued);
            ON_GIVE_UP.with(|hook| {
                *hook.borrow_mut() = Some(Box::new(move || {
                    holder.lock().unwrap().let_go();
                    let answer = queued_rx.recv_timeout(Duration::from_secs(10));
                    *answered.lock().unwrap() = answer.ok();
                }));
            });
            let err = store.open_handle().unwrap().add_volume(&vol("ahead"));
            let queued = queued.lock().unwrap().take();
            (err.unwrap_err(), queued)
        })
    };
    // The queued call begins well inside the wait of the call ahead.
    thread::sleep(timeout / 3);
    let queued = {
        let store = Arc::clone(&store);
        thread::spawn(move || {
            let err = store.open_handle().unwrap().add_volume(&vol("queued"));
            // The call ahead stopped listening if this answer came too late.
            let _ = queued_tx.send(err.unwrap_err());
        })
    };
    queued.join().unwrap();
    let (ahead, queued) = ahead.join().unwrap();
    let queued = queued.expect("the queued call did not answer while the call ahead waited");
    assert_names(&ahead, "the write lock", pid);
    assert_names(&queued, "the write lock", pid);
}

/// A write that waited most of its lock timeout for the write lock, then meets a header lock
/// held by another process, gives up at its deadline: the later lock's wait does not start a
/// lock timeout of its own (that wait used to take up to twice the timeout).
#[test]
fn a_write_that_meets_a_second_held_lock_gives_up_at_its_own_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let timeout = Duration::from_millis(1000);
    let (_store, file, state) = written_store(dir.path(), timeout);
    let mut writer = Holder::start(&file, "write");
    let started = Instant::now();
    let write = thread::spawn(move || {
        let answer = state.add_volume(&vol("blocked"));
        (answer, started.elapsed())
    });
    // Well inside the write's wait, another process takes the header lock, then the write
    // lock's holder lets go: the write gets the write lock and needs the header lock next.
    thread::sleep(timeout / 2);
    let _header = Holder::start(&file, "header");
    writer.let_go();
    let (answer, took) = write.join().unwrap();
    let err = answer.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(
        took < timeout * 3 / 2,
        "gave up after {took:?}, against a lock timeout of {timeout:?}: {err}"
    );
}

/// A database in `dir` of format 1 (redb's networks still in tables of their own, empty here):
/// a writable open upgrades it, and so needs the write lock.
fn format_1_file(dir: &Path) -> PathBuf {
    use crate::schema::{FORMAT_KEY, META};
    use redb::TableDefinition;
    let file = dir.join("state.redb");
    drop(RedbStore::open(&file).unwrap());
    let mut builder = Builder::new();
    builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
    let db = builder.open(&file).unwrap();
    let tx = db.begin_write().unwrap();
    tx.open_table(META)
        .unwrap()
        .insert(FORMAT_KEY, b"1".as_slice())
        .unwrap();
    let networks: TableDefinition<(&str, &str), ()> = TableDefinition::new("networks");
    let aliases: TableDefinition<(&str, &str, &str), ()> = TableDefinition::new("network_aliases");
    drop(tx.open_table(networks).unwrap());
    drop(tx.open_table(aliases).unwrap());
    tx.commit().unwrap();
    file
}

/// A store's open is one call: an open that meets the header lock held by one process (as it
/// opens its reader), then the write lock held by another (as it opens the file writable to
/// upgrade it), gives up a lock timeout after it began. Each of those waits used to have a
/// whole lock timeout of its own.
#[test]
fn an_open_that_meets_a_second_held_lock_gives_up_at_its_own_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let timeout = Duration::from_millis(1000);
    let file = format_1_file(dir.path());
    let writer = Holder::start(&file, "write");
    let mut header = Holder::start(&file, "header");
    let options = RedbOptions::default().lock_timeout(timeout);
    let started = Instant::now();
    let opening = file.clone();
    let open = thread::spawn(move || {
        let answer = RedbStore::open_with(&opening, options).map(drop);
        (answer, started.elapsed())
    });
    // Well inside the open's wait for the header lock, its holder lets go: the open reads the
    // file, finds format 1 and needs the write lock next.
    thread::sleep(timeout / 2);
    header.let_go();
    let (answer, took) = open.join().unwrap();
    let err = answer.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.to_string().contains("write lock"), "{err}");
    assert!(
        took < timeout * 3 / 2,
        "gave up after {took:?}, against a lock timeout of {timeout:?}: {err}"
    );
    // Once the write lock's holder is gone, the same open upgrades the file.
    drop(writer);
    let store = RedbStore::open_with(&file, options).unwrap();
    store.open_handle().unwrap().close().unwrap();
}
