//! Leftover files: a process killed while creating a database leaves its hidden draft
//! (`.NAME.PID.NANOS.new` beside the database); the next writable open removes the drafts of
//! this database's name whose creator is dead, and nothing else.

mod support;

use std::fs;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use podstate_api::{ErrorKind, State};
use podstate_conformance::scenarios::fixtures::vol;
use podstate_redb::{RedbOptions, RedbStore, StorageHook};
use redb::{BackendError, StorageBackend};
use support::{Child, assert_one_line_naming, role};

/// The roles of the child processes.
#[test]
fn child() {
    let Some((role, file)) = role() else {
        return;
    };
    match role.as_str() {
        // Dies (SIGABRT) at the first sync of the draft while creating `file`.
        "die-while-creating" => {
            let _ = RedbStore::open_with_storage(&file, RedbOptions::default(), Arc::new(Dying));
            panic!("the creation finished");
        }
        other => panic!("unknown role {other}"),
    }
}

#[derive(Debug)]
struct Dying;

impl StorageHook for Dying {
    fn wrap(&self, _file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend> {
        Box::new(DieAtSync(storage))
    }
}

#[derive(Debug)]
struct DieAtSync(Box<dyn StorageBackend>);

impl StorageBackend for DieAtSync {
    fn len(&self) -> std::io::Result<u64> {
        self.0.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.0.read(offset, out)
    }
    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.0.set_len(len)
    }
    fn sync_data(&self) -> std::io::Result<()> {
        std::process::abort()
    }
    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        self.0.write(offset, data)
    }
    fn close(&self) -> std::io::Result<()> {
        self.0.close()
    }
    fn try_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.0.try_lock_range(s, e)
    }
    fn try_lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.0.try_lock_shared_range(s, e)
    }
    fn lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.0.lock_range(s, e)
    }
    fn lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.0.lock_shared_range(s, e)
    }
    fn unlock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.0.unlock_range(s, e)
    }
    fn query_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.0.query_lock_range(s, e)
    }
}

/// The hidden files in `dir`, sorted.
fn hidden(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// Runs a child that dies creating `file`; answers its draft's name and its (dead) PID.
fn die_creating(file: &Path) -> (String, u32) {
    let dir = file.parent().unwrap();
    let before = hidden(dir);
    let child = Child::start("die-while-creating", file);
    let pid = child.pid();
    let status = child.wait_exit();
    assert!(!status.success(), "the child survived its creation");
    let drafts: Vec<String> = hidden(dir)
        .into_iter()
        .filter(|n| !before.contains(n))
        .collect();
    assert_eq!(drafts.len(), 1, "the killed creation left {drafts:?}");
    (drafts[0].clone(), pid)
}

#[test]
fn a_writable_open_removes_the_drafts_of_dead_creators_of_its_database_only() {
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("state.redb");
    let (dead, dead_pid) = die_creating(&file);
    assert!(
        dead.starts_with(&format!(".state.redb.{dead_pid}.")),
        "{dead}"
    );
    assert!(!file.exists());

    // Drafts that must stay: a live process's (this one's), another database's, and a name
    // that is not a draft's.
    let live = format!(".state.redb.{}.1.new", std::process::id());
    let other = format!(".other.redb.{dead_pid}.1.new");
    let odd = ".state.redb.x.1.new".to_owned();
    for name in [&live, &other, &odd] {
        fs::write(dir.path().join(name), b"draft").unwrap();
    }

    // A read-only open changes nothing (and there is no database yet).
    let err = RedbStore::open_read_only(&file).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_one_line_naming(&err, &file);
    assert!(hidden(dir.path()).contains(&dead));

    let store = RedbStore::open(&file).unwrap();
    store.open_handle().unwrap().add_volume(&vol("v1")).unwrap();
    let mut kept = vec![live, other, odd];
    kept.sort();
    assert_eq!(hidden(dir.path()), kept);
}
