//! A lock timeout names the process that held the lock while the call waited, also when that
//! process lets go after the wait's last try and before anything looks at who holds the lock.
//! In the stress runs with stopped processes, a writer stopped (SIGSTOP) inside its transaction
//! was let go (SIGCONT) just as another process's write gave up on it; the look at the lock's
//! holders after the timeout found nobody any more, and the answer named no one ("held by
//! another connection"). Here the holder is a child process, killed at that very moment by a
//! hook the busy handler runs when it gives up.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use podstate_api::{Container, ContainerConfig, ErrorKind, State, StateError};

use crate::busy::ON_GIVE_UP;
use crate::{SqliteOptions, SqliteStore, WAIT_SUFFIX};

/// The database the child holds the write lock of.
const DB: &str = "PODSTATE_SQLITE_TEST_HOLDER_DB";

/// Not a test of its own: the body of the child process that holds the write lock (does
/// nothing when run without a database). It begins a write transaction, says so by creating
/// `DB.holding`, and keeps it until it is killed.
#[test]
fn lock_holder_process() {
    let Ok(db) = std::env::var(DB) else {
        return;
    };
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.busy_timeout(Duration::from_secs(60)).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
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

/// A child holding the write lock of `db`; killed when dropped, also when the test fails.
struct Holder(Child);

impl Holder {
    fn start(db: &Path) -> Holder {
        let child = Command::new(std::env::current_exe().unwrap())
            .args([
                "tests::holder::lock_holder_process",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DB, db)
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

fn ctr(id: &str) -> Container {
    Container::new(ContainerConfig::new(id, format!("name-{id}")))
}

/// A store on a new database with one container, whose calls wait at most `timeout`.
fn store(dir: &Path, timeout: Duration) -> Arc<SqliteStore> {
    let options = SqliteOptions::for_tests().lock_timeout(timeout);
    let store = SqliteStore::open_with(dir.join("state.db"), options).unwrap();
    store
        .open_handle()
        .unwrap()
        .add_container(&ctr("before"))
        .unwrap();
    Arc::new(store)
}

fn assert_names(err: &StateError, pid: u32) {
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("gave up after waiting"), "{err}");
    assert!(
        err.message().contains(&format!("process {pid}")),
        "{err} does not name the holder, process {pid}"
    );
}

#[test]
fn a_holder_that_lets_go_as_the_wait_gives_up_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path(), Duration::from_millis(300));
    let holder = Arc::new(Mutex::new(Holder::start(store.path())));
    let pid = holder.lock().unwrap().0.id();

    let releasing = Arc::clone(&holder);
    ON_GIVE_UP.with(|hook| {
        *hook.borrow_mut() = Some(Box::new(move || releasing.lock().unwrap().let_go()));
    });
    let err = store.open_handle().unwrap().add_container(&ctr("blocked"));
    ON_GIVE_UP.with(|hook| hook.borrow_mut().take());
    assert_names(&err.unwrap_err(), pid);
    // It is gone now: the next write gets in.
    store
        .open_handle()
        .unwrap()
        .add_container(&ctr("later"))
        .unwrap();
}

/// Whether a writer announces itself on the `-wait` file (its `BEGIN IMMEDIATE` waits).
fn announced(db: &Path) -> bool {
    let mut name = db.as_os_str().to_owned();
    name.push(WAIT_SUFFIX);
    let Ok(file) = std::fs::File::open(&name) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(_) => true,
    }
}

/// A write queued behind another write of its store (group commit) that gives up while the one
/// ahead is still in its `BEGIN`, just as the holder lets go: it names the holder the one ahead
/// saw during its wait.
#[test]
fn a_write_queued_behind_its_group_names_the_holder_that_let_go() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path(), Duration::from_millis(500));
    let holder = Arc::new(Mutex::new(Holder::start(store.path())));
    let pid = holder.lock().unwrap().0.id();

    let (queued_tx, queued_rx) = mpsc::channel::<StateError>();
    let ahead = {
        let store = Arc::clone(&store);
        let holder = Arc::clone(&holder);
        thread::spawn(move || {
            // When the call ahead gives up, the holder lets go, and the call ahead stays in its
            // `BEGIN` (holding its group's turn) until the queued call has answered.
            let queued = Arc::new(Mutex::new(None));
            let answered = Arc::clone(&queued);
            ON_GIVE_UP.with(|hook| {
                *hook.borrow_mut() = Some(Box::new(move || {
                    holder.lock().unwrap().let_go();
                    let answer = queued_rx.recv_timeout(Duration::from_secs(120));
                    *answered.lock().unwrap() = answer.ok();
                }));
            });
            let err = store.open_handle().unwrap().add_container(&ctr("ahead"));
            let queued = queued.lock().unwrap().take();
            (err.unwrap_err(), queued)
        })
    };
    let start = Instant::now();
    while !announced(store.path()) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the call ahead never waited"
        );
        thread::sleep(Duration::from_millis(1));
    }
    let queued = {
        let store = Arc::clone(&store);
        thread::spawn(move || {
            let err = store.open_handle().unwrap().add_container(&ctr("queued"));
            queued_tx.send(err.unwrap_err()).unwrap();
        })
    };
    queued.join().unwrap();
    let (ahead, queued) = ahead.join().unwrap();
    let queued = queued.expect("the queued call answered while the call ahead waited");
    assert_names(&ahead, pid);
    assert_names(&queued, pid);
}
