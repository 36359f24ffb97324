//! Files that are not (or no longer) podstate databases: opening or using them answers `Corrupt`
//! or `Io` naming the file, never panics, never hangs, and never writes to a file that is not a
//! podstate database.

use std::fs;
use std::path::{Path, PathBuf};

use podstate_api::{ErrorKind, State, StateError};
use podstate_conformance::scenarios::fixtures::{CtrExt, ctr, vol};
use podstate_redb::{RedbState, RedbStore};
use redb::{Database, TableDefinition};
use tempfile::TempDir;

/// A directory for one test's files.
fn dir() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Asserts that `err` is `Corrupt` or `Io` and names `file`.
fn assert_fault(err: &StateError, file: &Path) {
    assert!(
        err.kind().is_fault(),
        "expected Corrupt or Io, got {:?}: {err}",
        err.kind()
    );
    let name = file.display().to_string();
    assert!(err.message().contains(&name), "{err} does not name {name}");
}

/// Opening `file` fails with `kind`, naming the file, and leaves its bytes as they were.
fn refuses_untouched(file: &Path, kind: ErrorKind) -> StateError {
    let before = fs::read(file).expect("readable");
    let err = RedbStore::open(file).expect_err("not a podstate database");
    assert_fault(&err, file);
    assert_eq!(err.kind(), kind, "{err}");
    assert_eq!(
        fs::read(file).expect("readable"),
        before,
        "the file was written to"
    );
    err
}

/// Bytes that look random but are the same on every run.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn random_bytes_are_corrupt_and_untouched() {
    let d = dir();
    for (i, len) in [1, 100, 4096, 1 << 20].into_iter().enumerate() {
        let file = d.path().join(format!("noise-{len}"));
        fs::write(&file, noise(len, i as u64 + 7)).unwrap();
        refuses_untouched(&file, ErrorKind::Corrupt);
    }
}

/// A valid, empty SQLite 3 database of one 4 KiB page: the 100-byte file header, then the empty
/// leaf page of the schema table.
fn sqlite_file() -> Vec<u8> {
    let mut page = vec![0u8; 4096];
    page[..16].copy_from_slice(b"SQLite format 3\0");
    page[16..18].copy_from_slice(&4096u16.to_be_bytes()); // page size
    page[18] = 1; // write version: legacy
    page[19] = 1; // read version: legacy
    page[21] = 64; // max embedded payload fraction
    page[22] = 32; // min embedded payload fraction
    page[23] = 32; // leaf payload fraction
    page[24..28].copy_from_slice(&1u32.to_be_bytes()); // change counter
    page[28..32].copy_from_slice(&1u32.to_be_bytes()); // pages in the database
    page[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format
    page[56..60].copy_from_slice(&1u32.to_be_bytes()); // text encoding: UTF-8
    page[92..96].copy_from_slice(&1u32.to_be_bytes()); // version-valid-for
    page[96..100].copy_from_slice(&3_046_000u32.to_be_bytes()); // SQLite version
    page[100] = 0x0d; // leaf table b-tree page
    page[105..107].copy_from_slice(&4096u16.to_be_bytes()); // cell content area
    page
}

#[test]
fn a_sqlite_file_is_corrupt_and_untouched() {
    let d = dir();
    let file = d.path().join("state.sql");
    fs::write(&file, sqlite_file()).unwrap();
    refuses_untouched(&file, ErrorKind::Corrupt);
}

#[test]
fn an_empty_file_is_corrupt_and_stays_empty() {
    let d = dir();
    let file = d.path().join("empty");
    fs::write(&file, b"").unwrap();
    let err = refuses_untouched(&file, ErrorKind::Corrupt);
    assert!(err.message().contains("empty"), "{err}");
}

#[test]
fn another_redb_database_is_corrupt_and_untouched() {
    let d = dir();
    let file = d.path().join("other.redb");
    {
        let db = Database::create(&file).unwrap();
        let tx = db.begin_write().unwrap();
        let def: TableDefinition<&str, u64> = TableDefinition::new("counters");
        tx.open_table(def).unwrap().insert("hits", 42).unwrap();
        tx.commit().unwrap();
    }
    let err = refuses_untouched(&file, ErrorKind::Corrupt);
    assert!(err.message().contains("not a podstate"), "{err}");
}

#[test]
fn a_redb_database_with_a_foreign_podstate_meta_table_is_corrupt_and_untouched() {
    let d = dir();
    let file = d.path().join("impostor.redb");
    {
        let db = Database::create(&file).unwrap();
        let tx = db.begin_write().unwrap();
        let def: TableDefinition<u64, u64> = TableDefinition::new("podstate_meta");
        tx.open_table(def).unwrap().insert(1, 1).unwrap();
        tx.commit().unwrap();
    }
    refuses_untouched(&file, ErrorKind::Corrupt);
}

#[test]
fn a_directory_is_an_io_error() {
    let d = dir();
    let err = RedbStore::open(d.path()).expect_err("a directory");
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_fault(&err, d.path());
}

/// Rewrites the format stamp of a podstate file, as a later version of this crate would.
fn stamp_format(file: &Path, stamp: &[u8]) {
    let db = Database::open(file).unwrap();
    let tx = db.begin_write().unwrap();
    let def: TableDefinition<&str, &[u8]> = TableDefinition::new("podstate_meta");
    tx.open_table(def).unwrap().insert("format", stamp).unwrap();
    tx.commit().unwrap();
}

#[test]
fn a_newer_format_is_refused_with_a_clear_message() {
    let d = dir();
    let file = d.path().join("newer.redb");
    drop(RedbStore::open(&file).unwrap());
    let newer = (podstate_redb::FORMAT + 1).to_string();
    stamp_format(&file, newer.as_bytes());
    let err = RedbStore::open(&file).expect_err("a newer format");
    assert_eq!(err.kind(), ErrorKind::Corrupt);
    assert!(
        err.message().contains(&format!("format {newer} is newer")),
        "{err}"
    );
    assert_fault(&err, &file);
}

#[test]
fn an_unknown_format_stamp_is_refused() {
    let d = dir();
    let file = d.path().join("garbled.redb");
    drop(RedbStore::open(&file).unwrap());
    stamp_format(&file, b"one");
    let err = RedbStore::open(&file).expect_err("an unknown format");
    assert_eq!(err.kind(), ErrorKind::Corrupt);
    assert!(
        err.message().contains("unknown podstate-redb format"),
        "{err}"
    );
}

/// A podstate file with some containers and volumes, closed cleanly; answers its path.
fn populated(d: &TempDir) -> PathBuf {
    let file = d.path().join("state.redb");
    let store = RedbStore::open(&file).unwrap();
    let state = store.open_handle().unwrap();
    let big = "x".repeat(7_000);
    for i in 0..40 {
        let name = format!("v{i:02}");
        state.add_volume(&vol(&name)).unwrap();
        let mut c = ctr(&format!("{i:02}c0ffee"), &format!("ctr{i}")).with_volumes(&[&name]);
        c.config.payload =
            podstate_api::Payload::from_json(format!("{{\"pad\":\"{big}\"}}")).unwrap();
        state.add_container(&c).unwrap();
    }
    file
}

/// One call on a handle, its answer reduced to success or the error.
type Step = dyn Fn(&RedbState) -> Result<(), StateError>;

/// Everything a process might do first with a store: open, a few reads, a write. Each step
/// either works or answers a fault naming the file.
fn use_store(file: &Path) {
    let store = match RedbStore::open(file) {
        Ok(store) => store,
        Err(e) => return assert_fault(&e, file),
    };
    let state: RedbState = store.open_handle().unwrap();
    let steps: [&Step; 5] = [
        &|s| s.all_containers().map(drop),
        &|s| s.lookup_container_id("07c").map(drop),
        &|s| s.all_volumes().map(drop),
        &|s| s.lookup_container("ctr7").map(drop),
        &|s| s.add_volume(&vol("fresh")),
    ];
    for step in steps {
        match step(&state) {
            Ok(()) => {}
            // What a damaged index may answer without being a fault.
            Err(e) if matches!(e.kind(), ErrorKind::NoSuchCtr | ErrorKind::VolumeExists) => {}
            Err(e) => assert_fault(&e, file),
        }
    }
}

#[test]
fn truncated_podstate_files_answer_faults() {
    let d = dir();
    let file = populated(&d);
    let whole = fs::read(&file).unwrap();
    for cut in [1, 64, 512, 4096, whole.len() / 2, whole.len() - 1] {
        fs::write(&file, &whole[..cut]).unwrap();
        use_store(&file);
    }
}

#[test]
fn damaged_pages_answer_faults_never_panics() {
    let d = dir();
    let file = populated(&d);
    let whole = fs::read(&file).unwrap();
    // Every 4 KiB page garbled in turn, the header and the allocator state included: redb
    // itself panics on some of these (an `unreachable!` in its B-tree code).
    for (n, start) in (0..whole.len()).step_by(4096).enumerate() {
        let mut damaged = whole.clone();
        let end = (start + 4096).min(whole.len());
        damaged[start..end].copy_from_slice(&noise(end - start, n as u64 + 1));
        fs::write(&file, &damaged).unwrap();
        use_store(&file);
    }
}

/// The file the damage tests start from reads back whole.
#[test]
fn the_undamaged_file_reads_back() {
    let d = dir();
    let file = populated(&d);
    let store = RedbStore::open(&file).unwrap();
    assert_eq!(
        store.open_handle().unwrap().all_containers().unwrap().len(),
        40
    );
    assert_eq!(
        store
            .open_handle()
            .unwrap()
            .lookup_container_id("ctr7")
            .unwrap(),
        "07c0ffee"
    );
}
