//! Files that are not podstate databases, or damaged ones: opening answers `Corrupt` or `Io`
//! naming the file, never panics or hangs, and never writes to a file that is not a podstate
//! database.

use std::path::{Path, PathBuf};

use podstate_api::State;
use podstate_api::{Container, ContainerConfig, ErrorKind, Payload, StateError};
use podstate_sqlite::SqliteStore;
use podstate_sqlite::schema::SCHEMA_VERSION;

/// A file `name` in a fresh temporary directory holding `bytes`.
fn file_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// The names in the directory of `path`, to show that opening left no file behind.
fn listing(path: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Opening `path` fails with `kind`, names the file, and changes no byte of it nor its directory.
fn refused_untouched(path: &Path, kind: ErrorKind) -> StateError {
    let before = (std::fs::read(path).unwrap(), listing(path));
    let err = SqliteStore::open(path).unwrap_err();
    assert_eq!(err.kind(), kind, "{err}");
    assert!(err.message().contains(&path.display().to_string()), "{err}");
    assert_eq!((std::fs::read(path).unwrap(), listing(path)), before);
    err
}

/// Deterministic noise (xorshift), so a failure reproduces.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn another_applications_sqlite_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let other = rusqlite::Connection::open(&path).unwrap();
        other
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (42);")
            .unwrap();
    }
    let err = refused_untouched(&path, ErrorKind::Corrupt);
    assert!(err.message().contains("another application"), "{err}");

    // One in WAL mode: reading it through SQLite must leave no -wal or -shm behind either.
    let wal_dir = tempfile::tempdir().unwrap();
    let wal = wal_dir.path().join("wal.db");
    {
        let other = rusqlite::Connection::open(&wal).unwrap();
        other
            .execute_batch(
                "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);",
            )
            .unwrap();
    }
    refused_untouched(&wal, ErrorKind::Corrupt);

    let tagged = dir.path().join("tagged.db");
    {
        let other = rusqlite::Connection::open(&tagged).unwrap();
        other.execute_batch("PRAGMA application_id = 7;").unwrap();
    }
    refused_untouched(&tagged, ErrorKind::Corrupt);
}

#[test]
fn files_that_are_not_sqlite_are_refused_and_left_alone() {
    let mut redb = b"redb\x1A\x0A\xA9\x0D\x0A".to_vec();
    redb.extend(noise(8192, 7));
    let cases: [(&str, Vec<u8>); 4] = [
        ("random bytes", noise(64 * 1024, 1)),
        ("a redb header", redb),
        ("text", b"not a database at all\n".repeat(300)),
        ("a short file", b"SQLite".to_vec()),
    ];
    for (what, bytes) in cases {
        let (_dir, path) = file_with(&bytes);
        let err = refused_untouched(&path, ErrorKind::Corrupt);
        assert!(
            err.message().contains("not a podstate database"),
            "{what}: {err}"
        );
    }
}

#[test]
fn an_empty_file_is_a_new_database() {
    // SQLite itself treats a zero-length file as an empty database, and a process that died
    // between creating the file and laying it out leaves exactly that.
    let (_dir, path) = file_with(b"");
    let store = SqliteStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    state
        .add_container(&Container::new(ContainerConfig::new("c1", "one")))
        .unwrap();
    assert_eq!(state.all_containers().unwrap().len(), 1);
}

#[test]
fn a_newer_schema_version_is_refused_naming_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    drop(SqliteStore::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!("PRAGMA user_version = {};", SCHEMA_VERSION + 1))
            .unwrap();
    }
    let err = refused_untouched(&path, ErrorKind::Io);
    let newer = format!("version {}", SCHEMA_VERSION + 1);
    let ours = format!("version {SCHEMA_VERSION}");
    assert!(
        err.message().contains(&newer) && err.message().contains(&ours),
        "{err}"
    );
}

#[test]
fn a_podstate_file_missing_one_of_its_tables_or_indexes_is_refused_as_damaged() {
    // What an operator may do with `sqlite3` on the file. Each change moves SQLite's schema
    // cookie on, so the open reads the schema's names again however it was laid out.
    for (what, sql) in [
        ("object_pods", "DROP INDEX object_pods;"),
        ("exec_session", "DROP TABLE exec_session;"),
        (
            "an extra index",
            "CREATE INDEX extra ON object (namespace);",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        drop(SqliteStore::open(&path).unwrap());
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(sql).unwrap();
        }
        let err = refused_untouched(&path, ErrorKind::Corrupt);
        assert!(
            err.message().contains("damaged") && err.message().contains("its schema holds"),
            "{what}: {err}"
        );
    }
}

#[test]
fn a_vacuumed_file_opens_as_before() {
    // VACUUM moves the schema cookie on without changing the schema: the names are read and
    // match, and what the file holds is kept.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        let state = store.open_handle().unwrap();
        state
            .add_container(&Container::new(ContainerConfig::new("c1", "one")))
            .unwrap();
    }
    let cookie = |path: &Path| -> i32 {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.query_row("PRAGMA schema_version", [], |r| r.get(0))
            .unwrap()
    };
    let before = cookie(&path);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("VACUUM;")
        .unwrap();
    assert_ne!(cookie(&path), before, "VACUUM moves the cookie on");
    let store = SqliteStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    assert_eq!(state.lookup_container("one").unwrap().config.id, "c1");
}

/// A podstate database with `n` podman-sized containers, closed.
fn filled_database(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = SqliteStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    let payload = Payload::from_json(format!("{{\"spec\":\"{}\"}}", "x".repeat(7000))).unwrap();
    for i in 0..n {
        let mut cfg = ContainerConfig::new(format!("{i:064x}"), format!("ctr-{i}"));
        cfg.payload = payload.clone();
        state.add_container(&Container::new(cfg)).unwrap();
    }
    (dir, path)
}

/// What a store on `path` answers: the error of opening it, or of listing everything.
fn first_error(path: &Path) -> Option<StateError> {
    let store = match SqliteStore::open(path) {
        Ok(store) => store,
        Err(e) => return Some(e),
    };
    let state = match store.open_handle() {
        Ok(state) => state,
        Err(e) => return Some(e),
    };
    state
        .all_containers()
        .err()
        .or_else(|| store.check_integrity().err())
}

#[test]
fn a_truncated_database_is_corrupt_naming_the_file() {
    let (_dir, path) = filled_database(40);
    let whole = std::fs::read(&path).unwrap();
    for len in [whole.len() / 2, 3 * 4096, 4096 + 100, 4096, 1000, 100, 50] {
        std::fs::write(&path, &whole[..len]).unwrap();
        let err = first_error(&path)
            .unwrap_or_else(|| panic!("a database cut to {len} bytes answered everything"));
        assert!(
            matches!(err.kind(), ErrorKind::Corrupt | ErrorKind::Io),
            "{len} bytes: {err}"
        );
        assert!(err.message().contains(&path.display().to_string()), "{err}");
    }
}

#[test]
fn damaged_pages_answer_corrupt_not_a_panic() {
    let (_dir, path) = filled_database(40);
    let whole = std::fs::read(&path).unwrap();
    let pages = whole.len() / 4096;
    for page in 1..pages {
        let mut damaged = whole.clone();
        let start = page * 4096;
        damaged[start..start + 4096].copy_from_slice(&noise(4096, page as u64 + 1));
        std::fs::write(&path, &damaged).unwrap();
        let err = first_error(&path)
            .unwrap_or_else(|| panic!("damage to page {} went unnoticed", page + 1));
        assert_eq!(err.kind(), ErrorKind::Corrupt, "page {}: {err}", page + 1);
        assert!(err.message().contains(&path.display().to_string()), "{err}");
    }
}

#[test]
fn a_path_that_cannot_be_a_database_file_is_io_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for path in [
        dir.path().to_owned(),
        dir.path().join("missing/dir/state.db"),
    ] {
        let err = SqliteStore::open(&path).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        assert!(err.message().contains(&path.display().to_string()), "{err}");
    }
}

#[test]
fn a_missing_file_or_a_directory_is_named_as_such_read_only_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.db");
    let err = SqliteStore::open_read_only(&missing).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("does not exist"), "{err}");
    assert!(
        !err.message().contains("file:") && !err.message().contains("immutable"),
        "an internal URI leaked: {err}"
    );
    assert!(!missing.exists(), "a read-only open created the file");

    let sub = dir.path().join("adir");
    std::fs::create_dir(&sub).unwrap();
    for err in [
        SqliteStore::open_read_only(&sub).unwrap_err(),
        SqliteStore::open(&sub).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        assert!(err.message().contains("is a directory"), "{err}");
        assert!(err.message().contains(&sub.display().to_string()), "{err}");
    }
}
