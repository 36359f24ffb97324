//! A read-only open (SPEC §3): reads the last committed state of any podstate file it may read,
//! writes nothing to it, holds no writer up, and sees what writers commit later. Also when the
//! file's last writer was killed, and for a `cp` copy of a live file: redb itself refuses a
//! read-only open of such a file ("Database repair aborted") until some process repairs it.

mod support;

use std::fs;
use std::io;
use std::ops::Bound;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use podstate_api::Store;
use podstate_api::{ErrorKind, State};
use podstate_conformance::scenarios::fixtures::{ctr, vol};
use podstate_redb::{RedbOptions, RedbStore, StorageHook};
use redb::{BackendError, StorageBackend};
use support::{Child, NOBODY, assert_one_line_naming, is_root, role, say};
use tempfile::TempDir;

/// The roles of the child processes.
#[test]
fn child() {
    let Some((role, file)) = role() else {
        return;
    };
    match role.as_str() {
        // A writer that commits and then idles, with the file open, until it is killed.
        "commit-and-idle" => {
            let store = RedbStore::open(&file).expect("the database");
            let state = store.open_handle().unwrap();
            let n = state.all_containers().expect("a read").len();
            state
                .add_container(&ctr(&format!("c{n}"), &format!("ctr-{n}")))
                .expect("a write");
            state.add_volume(&vol(&format!("v{n}"))).expect("a write");
            say("committed");
            loop {
                thread::sleep(Duration::from_secs(1));
            }
        }
        // What a user who may only read the file sees of it.
        "read-only-look" => match RedbStore::open_read_only(&file) {
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Io);
                assert_one_line_naming(&e, &file);
                say(&format!("error {}", e.message()));
            }
            Ok(store) => {
                let state = store.open_handle().unwrap();
                let names: Vec<String> = state
                    .all_containers()
                    .expect("a read")
                    .into_iter()
                    .map(|c| c.config.name)
                    .collect();
                say(&format!("containers {}", names.join(",")));
                let violations = store.verify().expect("verify");
                say(&format!("violations {}", violations.len()));
                let snapshot = store.snapshot().expect("a snapshot");
                say(&format!("snapshot volumes {}", snapshot.volumes.len()));
                let err = state.add_volume(&vol("nope")).unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Io);
                assert_one_line_naming(&err, &file);
                say("done");
            }
        },
        other => panic!("unknown role {other}"),
    }
}

/// A database whose last writer was killed after committing `c0` and `v0`: redb marks the file
/// as needing repair.
fn killed_writer_file() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.redb");
    drop(RedbStore::open(&file).unwrap());
    kill_a_writer(&file);
    (dir, file)
}

/// Lets a child commit one container and one volume to `file` and kills it.
fn kill_a_writer(file: &Path) {
    let mut writer = Child::start("commit-and-idle", file);
    writer.expect("committed");
    writer.kill();
}

fn read_only() -> RedbOptions {
    RedbOptions::default().read_only(true)
}

fn container_names(state: &dyn State) -> Vec<String> {
    state
        .all_containers()
        .unwrap()
        .into_iter()
        .map(|c| c.config.name)
        .collect()
}

#[test]
fn a_read_only_open_reads_the_last_commit_of_a_killed_writer_and_writes_nothing() {
    let (_dir, file) = killed_writer_file();
    // redb itself refuses: the last writer died and only a writable open may repair the file.
    let plain = redb::Builder::new()
        .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
        .open_read_only(&file);
    assert!(
        matches!(plain, Err(redb::DatabaseError::RepairAborted)),
        "the file is not one redb refuses: {:?}",
        plain.err()
    );
    let before = fs::read(&file).unwrap();
    let store = RedbStore::open_with(&file, read_only()).unwrap();
    let state = store.open_handle().unwrap();
    assert_eq!(state.lookup_container_id("ctr-0").unwrap(), "c0");
    assert!(state.has_volume("v0").unwrap());
    assert_eq!(store.verify().unwrap(), []);
    let snapshot = store.snapshot().unwrap();
    assert_eq!(snapshot.containers.len(), 1);
    let err = state.add_volume(&vol("v1")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_one_line_naming(&err, &file);
    drop((state, store));
    assert!(
        fs::read(&file).unwrap() == before,
        "the file's bytes changed"
    );
}

#[test]
fn a_user_who_may_only_read_the_file_reads_a_killed_writers_file() {
    let (dir, file) = killed_writer_file();
    let before = fs::read(&file).unwrap();
    let facts = if is_root() {
        // The directory and file readable, not writable, by others; the check runs as nobody.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        let mut look = Child::start_as("read-only-look", &file, Some(NOBODY));
        let facts: Vec<String> = (0..4).map(|_| look.next()).collect();
        look.finish();
        facts
    } else {
        fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
        let store = RedbStore::open_read_only(&file).unwrap();
        vec![
            format!(
                "containers {}",
                container_names(&store.open_handle().unwrap()).join(",")
            ),
            format!("violations {}", store.verify().unwrap().len()),
            format!(
                "snapshot volumes {}",
                store.snapshot().unwrap().volumes.len()
            ),
            "done".to_owned(),
        ]
    };
    assert_eq!(
        facts,
        [
            "containers ctr-0",
            "violations 0",
            "snapshot volumes 1",
            "done"
        ]
    );
    assert!(
        fs::read(&file).unwrap() == before,
        "the file's bytes changed"
    );
}

#[test]
fn a_user_who_may_not_read_the_file_gets_one_line_naming_it() {
    let (dir, file) = killed_writer_file();
    let message = if is_root() {
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
        let mut look = Child::start_as("read-only-look", &file, Some(NOBODY));
        let fact = look.next();
        look.finish();
        fact.strip_prefix("error ").expect("an error").to_owned()
    } else {
        fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
        let err = RedbStore::open_read_only(&file).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io);
        err.message().to_owned()
    };
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(message.contains("ermission denied"), "{message}");
}

#[test]
fn a_read_only_open_reads_a_cp_copy_of_a_live_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.redb");
    let live = RedbStore::open(&file).unwrap();
    let state = live.open_handle().unwrap();
    state.add_container(&ctr("c1", "one")).unwrap();
    state.add_volume(&vol("v1")).unwrap();
    let copy = dir.path().join("copy.redb");
    fs::copy(&file, &copy).unwrap();
    let before = fs::read(&copy).unwrap();
    let store = RedbStore::open_with(&copy, read_only()).unwrap();
    let read = store.open_handle().unwrap();
    assert_eq!(container_names(&read), ["one"]);
    assert!(read.has_volume("v1").unwrap());
    assert_eq!(store.verify().unwrap(), []);
    // The live file goes on; the copy shows what it held when copied.
    state.add_container(&ctr("c2", "two")).unwrap();
    assert_eq!(container_names(&read), ["one"]);
    drop((read, store));
    assert!(
        fs::read(&copy).unwrap() == before,
        "the copy's bytes changed"
    );
}

/// A read-only store on a file whose writer died stays open while writers come back: it never
/// holds them up, every read sees one committed state (also while a writer reuses the pages of
/// the state the store first read), and later commits show.
#[test]
fn a_read_only_store_on_a_killed_writers_file_sees_later_commits_and_holds_no_writer_up() {
    let (_dir, file) = killed_writer_file();
    let before = fs::read(&file).unwrap();
    let reader = Arc::new(RedbStore::open_with(&file, read_only()).unwrap());
    let read = reader.open_handle().unwrap();
    assert_eq!(container_names(&read), ["ctr-0"]);
    assert!(
        fs::read(&file).unwrap() == before,
        "the read changed the file"
    );

    // A writer that must never wait long on the reader.
    let impatient = RedbOptions::default().lock_timeout(Duration::from_millis(500));
    let writer = RedbStore::open_with(&file, impatient).unwrap();
    let write = writer.open_handle().unwrap();
    write.add_container(&ctr("c1", "one")).unwrap();
    assert_eq!(container_names(&read), ["ctr-0", "one"]);

    // Churn with large records while another thread reads in a loop: each read is one committed
    // state, whatever pages the writer frees and reuses meanwhile.
    let done = Arc::new(AtomicBool::new(false));
    let looking = {
        let (reader, done) = (reader.clone(), done.clone());
        thread::spawn(move || {
            let state = reader.open_handle().unwrap();
            let mut reads = 0;
            while !done.load(Ordering::SeqCst) || reads < 20 {
                let names = container_names(&state);
                assert!(
                    names.starts_with(&["ctr-0".to_owned(), "one".to_owned()]),
                    "{names:?}"
                );
                assert_eq!(reader.verify().unwrap(), [], "a read mixed two states");
                reads += 1;
            }
            reads
        })
    };
    for i in 0..40 {
        let c = ctr(&format!("d{i:02}"), &format!("churn-{i:02}"));
        write.add_container(&c).unwrap();
        if i % 2 == 0 {
            write.remove_container(&c).unwrap();
        }
    }
    done.store(true, Ordering::SeqCst);
    assert!(looking.join().unwrap() >= 20);
    assert_eq!(container_names(&read), container_names(&write));

    // The writer closes; then another one is killed again: the store reads on.
    drop((write, writer));
    assert_eq!(container_names(&read).len(), 22);
    kill_a_writer(&file);
    assert_eq!(container_names(&read).len(), 23);
    assert!(read.has_container("c22").unwrap());
    assert_eq!(reader.verify().unwrap(), []);
}

/// Pauses the first page read (not the header) once armed, until the test lets it go.
#[derive(Debug)]
struct PauseARead {
    armed: Arc<AtomicBool>,
    paused: Arc<Barrier>,
    go: Arc<Barrier>,
}

impl StorageHook for PauseARead {
    fn wrap(&self, _file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend> {
        Box::new(Pausing {
            inner: storage,
            armed: self.armed.clone(),
            paused: self.paused.clone(),
            go: self.go.clone(),
        })
    }
}

#[derive(Debug)]
struct Pausing {
    inner: Box<dyn StorageBackend>,
    armed: Arc<AtomicBool>,
    paused: Arc<Barrier>,
    go: Arc<Barrier>,
}

impl StorageBackend for Pausing {
    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        if offset != 0 && self.armed.swap(false, Ordering::SeqCst) {
            self.paused.wait();
            self.go.wait();
        }
        self.inner.read(offset, out)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.inner.set_len(len)
    }
    fn sync_data(&self) -> io::Result<()> {
        self.inner.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.inner.write(offset, data)
    }
    fn close(&self) -> io::Result<()> {
        self.inner.close()
    }
    fn try_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_range(s, e)
    }
    fn try_lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_shared_range(s, e)
    }
    fn lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_range(s, e)
    }
    fn lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_shared_range(s, e)
    }
    fn unlock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.inner.unlock_range(s, e)
    }
    fn query_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(s, e)
    }
}

/// A read through the overlay that is paused half-way while a writer repairs the file and
/// commits again and again (freeing and reusing pages) still reads the one state it started
/// on: the pages it reads from the file are not reused under it, and the writer does not wait
/// for it.
#[test]
fn a_read_through_the_overlay_keeps_its_state_while_a_writer_reuses_pages() {
    let (_dir, file) = killed_writer_file();
    let hook = Arc::new(PauseARead {
        armed: Arc::new(AtomicBool::new(false)),
        paused: Arc::new(Barrier::new(2)),
        go: Arc::new(Barrier::new(2)),
    });
    // No page cache: every page the read needs comes from the file.
    let options = read_only().cache_size(0);
    let reader = RedbStore::open_with_storage(&file, options, hook.clone()).unwrap();
    hook.armed.store(true, Ordering::SeqCst);
    let looking = thread::spawn(move || {
        let state = reader.open_handle().unwrap();
        let names = container_names(&state);
        (names, reader.verify().unwrap())
    });
    hook.paused.wait();
    let impatient = RedbOptions::default().lock_timeout(Duration::from_millis(500));
    let writer = RedbStore::open_with(&file, impatient).unwrap();
    let write = writer.open_handle().unwrap();
    write
        .remove_container(&write.lookup_container("c0").unwrap())
        .unwrap();
    for i in 0..30 {
        let c = ctr(&format!("e{i:02}"), &format!("reused-{i:02}"));
        write.add_container(&c).unwrap();
        if i % 3 != 0 {
            write.remove_container(&c).unwrap();
        }
    }
    hook.go.wait();
    let (names, violations) = looking.join().unwrap();
    assert_eq!(names, ["ctr-0"], "the paused read left its state");
    assert_eq!(violations, [], "a later read saw a broken state");
}
