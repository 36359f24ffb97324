//! The golden files: databases of both backends and an export file, each written by one format
//! version and checked in under `tests/golden/vN/`, must open in every later build, pass
//! `check` (`Store::verify`) and hold exactly what `tests/snapshots/golden__v1_dump.snap` says
//! (every version's files hold the same objects, made by [`fill`]). A change that breaks one of
//! them changes the format: it needs a new version and an upgrade step (README, "Format
//! versions and upgrades"), never an edit of these files.
//!
//! * `v1/`: the SQLite database (schema version 1), the redb database (format 1) and the
//!   export file (still at its version 1, the current one). A writable open (and `podstate
//!   upgrade`) upgrades either database to version 2 in place; a read-only open refuses it with
//!   one line naming `podstate upgrade`.
//! * `v2/`: the SQLite database of schema version 2 and the redb database of format 2 (the
//!   export file's format did not change).
//!
//! The upgrade path also starts from a synthetic version 0 (version 1's layout stamped 0, see
//! `podstate_sqlite::schema::OLDEST_VERSION` and `podstate_redb::OLDEST_FORMAT`), made from the
//! v1 files at test time.
//!
//! The golden files are made by [`regenerate_golden_files`], an ignored test, only when a new
//! format version is introduced (then under a new directory, `v3/`, keeping the others, and
//! only the files whose format changed). It makes only the files of the newest version that
//! are not there yet, and never rewrites a checked-in one:
//! `cargo test -p podstate --features sqlite,redb --test golden -- --ignored regenerate`.
#![cfg(all(feature = "sqlite", feature = "redb"))]

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use podstate::{
    Container, ContainerConfig, ContainerStatus, DbConfig, ErrorKind, ExecSession, NamedVolume,
    OpenOptions, Pod, PodConfig, State, Store, StoreConfig, Volume, VolumeConfig,
};
use support::{at, podstate, stderr, stdout};

/// The golden files of format version `version`.
fn golden(version: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/v{version}"))
}

/// The three golden files of version 1, as (what, file name, store URL scheme; `None` for the
/// export).
const FILES: [(&str, &str, Option<&str>); 3] = [
    ("SQLite database", "state.db", Some("sqlite")),
    ("redb database", "state.redb", Some("redb")),
    ("export file", "export.json", None),
];

/// The golden files of version 2: the formats whose version 2 exists.
const V2_FILES: [(&str, &str, Option<&str>); 2] = [
    ("SQLite database", "state.db", Some("sqlite")),
    ("redb database", "state.redb", Some("redb")),
];

/// The newest version of the format of `scheme`, which this build writes.
fn current(scheme: &str) -> u32 {
    match scheme {
        "sqlite" => podstate_sqlite::schema::SCHEMA_VERSION as u32,
        "redb" => podstate_redb::FORMAT,
        _ => 1,
    }
}

/// `file` of version `version` copied into a new temporary directory (the checked-in file is
/// never opened).
fn copy_of(version: u32, file: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join(file);
    fs::copy(golden(version).join(file), &copy).unwrap();
    (dir, copy)
}

/// Opens the store at `path` of `scheme`.
fn open(scheme: &str, path: &Path, read_only: bool) -> Result<Box<dyn Store>, podstate::OpenError> {
    let config: StoreConfig = format!("{scheme}:{}", path.display()).parse().unwrap();
    podstate::open_with(&config, OpenOptions::new().read_only(read_only))
}

/// The store's dump: its export file, as text.
fn dump(store: &dyn Store) -> String {
    let mut file = Vec::new();
    podstate::export::write(&mut file, &store.snapshot().unwrap()).unwrap();
    String::from_utf8(file).unwrap()
}

/// The expected dump of every golden file.
fn expected_dump() -> String {
    fs::read_to_string(golden(1).join("export.json")).unwrap()
}

/// Checks the store opened from a golden file: `check` passes, the dump is the expected one,
/// and a lookup and the DB config answer through the API.
fn assert_golden(what: &str, store: &dyn Store) {
    assert_eq!(
        store.verify().unwrap(),
        [],
        "{what}: check finds violations"
    );
    insta::assert_snapshot!("v1_dump", dump(store));
    assert_eq!(dump(store), expected_dump(), "{what}");
    // Through the API too, not only the whole-store dump.
    let state = store.open_handle().unwrap();
    assert_eq!(state.lookup_container_id("web-app").unwrap().len(), 64);
    assert_eq!(state.get_db_config().unwrap(), db_config(), "{what}");
}

#[test]
fn the_golden_files_of_version_1_open_pass_check_and_hold_the_expected_dump() {
    for (what, file, scheme) in FILES {
        let (_dir, copy) = copy_of(1, file);
        let store = match scheme {
            // An older file: a writable open upgrades it in place.
            Some(scheme) => open(scheme, &copy, current(scheme) == 1).unwrap(),
            None => {
                let store = podstate::open("memory:").unwrap();
                let bytes = fs::read(&copy).unwrap();
                store
                    .restore(&podstate::export::read(&bytes).unwrap())
                    .unwrap();
                store
            }
        };
        assert_golden(what, store.as_ref());
        drop(store);
        if let Some(scheme) = scheme {
            assert_eq!(stamped(scheme, &copy), current(scheme), "{what}");
            let store = open(scheme, &copy, true).unwrap();
            assert_golden(what, store.as_ref());
        }
    }
}

#[test]
fn the_golden_files_of_version_2_open_pass_check_and_hold_the_expected_dump() {
    for (what, file, scheme) in V2_FILES {
        let scheme = scheme.unwrap();
        let (_dir, copy) = copy_of(2, file);
        let store = open(scheme, &copy, true).unwrap();
        assert_golden(what, store.as_ref());
        drop(store);
        assert_eq!(stamped(scheme, &copy), 2, "{what}");
    }
}

#[test]
fn an_upgraded_version_1_database_has_the_layout_of_a_new_one() {
    let (_dir, copy) = copy_of(1, "state.db");
    drop(open("sqlite", &copy, false).unwrap());
    let fresh = copy.with_file_name("fresh.db");
    drop(open("sqlite", &fresh, false).unwrap());
    let schema = |path: &Path| -> Vec<(String, Option<String>)> {
        let sql = rusqlite::Connection::open(path).unwrap();
        let mut stmt = sql
            .prepare("SELECT name, sql FROM sqlite_schema ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert_eq!(schema(&copy), schema(&fresh));
    let sql = rusqlite::Connection::open(&copy).unwrap();
    let problems: Vec<String> = sql
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(problems, ["ok"]);
    let dangling: i64 = sql
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0);
}

#[test]
fn a_damaged_version_1_database_is_not_upgraded_and_left_as_it_was() {
    // An object row without its record (a broken tool's delete): the step to version 2 would
    // drop the object, so the upgrade is refused and rolled back.
    let (_dir, copy) = copy_of(1, "state.db");
    let sql = rusqlite::Connection::open(&copy).unwrap();
    // Its rows that refer to the record go too, so that only the record is missing (rows
    // left referring to it are refused by the foreign-key check, in the test below).
    let record = "(SELECT id FROM object WHERE name = 'solo-1')";
    sql.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF; \
         DELETE FROM network_alias WHERE ctr IN {record}; \
         DELETE FROM network WHERE ctr IN {record}; \
         DELETE FROM volume_user WHERE ctr IN {record}; \
         DELETE FROM exec_session WHERE ctr IN {record}; \
         DELETE FROM dependency WHERE ctr IN {record} OR dep IN {record}; \
         DELETE FROM container WHERE id IN {record}",
    ))
    .unwrap();
    drop(sql);
    let err = open("sqlite", &copy, false).map(drop).unwrap_err();
    assert!(
        matches!(err, podstate::OpenError::Store(ref e) if e.kind() == ErrorKind::Corrupt),
        "{err}"
    );
    assert!(err.to_string().contains("no record"), "{err}");
    assert_eq!(stamped("sqlite", &copy), 1);
    let sql = rusqlite::Connection::open(&copy).unwrap();
    let tables: i64 = sql
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('container', 'network_alias')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 2, "the version 1 tables are still there");
}

#[test]
fn a_version_1_database_of_another_shape_is_refused_as_damaged_and_left_as_it_was() {
    // Damage the step to version 2 would carry over or trip on halfway: rows its joins would
    // drop, an index it drops missing, an object it does not know (which would leave a file
    // every later open refuses).
    let damage = [
        (
            "a network of no stored container",
            "PRAGMA foreign_keys = OFF; \
             INSERT INTO network (ctr, network) VALUES ('gone', 'podman')",
            "refer to rows that are not there",
        ),
        (
            "an index missing",
            "DROP INDEX container_pod",
            "version 1 has",
        ),
        (
            "a table of another tool",
            "CREATE TABLE notes (text TEXT)",
            "version 1 has",
        ),
        // Version 2 deletes a container's volume uses by the volume names of its config: a use
        // its config does not name would outlive the container and hold the volume in use.
        (
            "a volume use its container's config does not name",
            "INSERT INTO volume_user (volume, ctr) \
             VALUES ('data', (SELECT id FROM object WHERE name = 'web-app'))",
            "volume \"data\" used by container",
        ),
        (
            "a volume use of no stored container",
            "PRAGMA foreign_keys = OFF; \
             INSERT INTO volume_user (volume, ctr) VALUES ('data', 'gone')",
            "refer to rows that are not there",
        ),
    ];
    for (what, sql_text, says) in damage {
        let (_dir, copy) = copy_of(1, "state.db");
        let sql = rusqlite::Connection::open(&copy).unwrap();
        sql.execute_batch(sql_text).unwrap();
        drop(sql);
        let err = open("sqlite", &copy, false).map(drop).unwrap_err();
        assert!(
            matches!(err, podstate::OpenError::Store(ref e) if e.kind() == ErrorKind::Corrupt),
            "{what}: {err}"
        );
        assert!(err.to_string().contains(says), "{what}: {err}");
        assert_eq!(stamped("sqlite", &copy), 1, "{what}");
    }
}

/// The names of the tables of the redb file at `path`, sorted.
fn redb_tables(path: &Path) -> Vec<String> {
    use redb::{ReadableDatabase as _, TableHandle as _};
    let db = redb::Database::open(path).unwrap();
    let tx = db.begin_read().unwrap();
    let mut names: Vec<String> = tx
        .list_tables()
        .unwrap()
        .map(|t| t.name().to_owned())
        .collect();
    names.sort();
    names
}

/// Format 1's table of current networks: (container, network).
const REDB_V1_NETWORKS: redb::TableDefinition<(&str, &str), ()> =
    redb::TableDefinition::new("networks");
/// Format 1's table of aliases: (container, network, alias).
const REDB_V1_ALIASES: redb::TableDefinition<(&str, &str, &str), ()> =
    redb::TableDefinition::new("network_aliases");

#[test]
fn an_upgraded_version_1_redb_file_has_the_tables_of_a_new_one() {
    let (_dir, copy) = copy_of(1, "state.redb");
    let before = redb_tables(&copy);
    assert!(before.contains(&"network_aliases".to_owned()), "{before:?}");
    drop(open("redb", &copy, false).unwrap());
    let fresh = copy.with_file_name("fresh.redb");
    drop(open("redb", &fresh, false).unwrap());
    assert_eq!(redb_tables(&copy), redb_tables(&fresh));
}

#[test]
fn a_version_1_redb_file_with_network_rows_format_2_cannot_hold_is_refused_and_left_as_it_was() {
    // Format 2 keeps a container's networks in its record: rows of a container without one,
    // or aliases on a network the container is not on, would be dropped by the step to 2.
    type Damage = fn(&redb::WriteTransaction, &str);
    let damage: [(&str, Damage, &str); 3] = [
        (
            "a network of no stored container",
            |tx, _| {
                let mut t = tx.open_table(REDB_V1_NETWORKS).unwrap();
                t.insert(("gone", "podman"), ()).unwrap();
            },
            "container \"gone\", which has no record",
        ),
        (
            "an alias on a network the container is not on",
            |tx, ctr| {
                let mut t = tx.open_table(REDB_V1_ALIASES).unwrap();
                t.insert((ctr, "elsewhere", "x"), ()).unwrap();
            },
            "on network \"elsewhere\", a network it is not on",
        ),
        (
            "a table of format 1 missing",
            |tx, _| {
                tx.delete_table(REDB_V1_ALIASES).unwrap();
            },
            "table network_aliases of podstate-redb format 1 is missing",
        ),
    ];
    for (what, plant, says) in damage {
        let (_dir, copy) = copy_of(1, "state.redb");
        {
            use redb::{ReadableDatabase as _, ReadableTable as _};
            let db = redb::Database::open(&copy).unwrap();
            let ctr = {
                let tx = db.begin_read().unwrap();
                let def: redb::TableDefinition<&str, &[u8]> =
                    redb::TableDefinition::new("containers");
                let table = tx.open_table(def).unwrap();
                let (first, _) = table.first().unwrap().unwrap();
                first.value().to_owned()
            };
            let tx = db.begin_write().unwrap();
            plant(&tx, &ctr);
            tx.commit().unwrap();
        }
        let before = redb_tables(&copy);
        let err = open("redb", &copy, false).map(drop).unwrap_err();
        assert!(
            matches!(err, podstate::OpenError::Store(ref e) if e.kind() == ErrorKind::Corrupt),
            "{what}: {err}"
        );
        assert!(err.to_string().contains(says), "{what}: {err}");
        assert_eq!(stamped("redb", &copy), 1, "{what}");
        assert_eq!(
            redb_tables(&copy),
            before,
            "{what}: the tables are as they were"
        );
    }
}

#[test]
fn podstate_check_passes_on_the_golden_databases() {
    for (version, files) in [(1, &FILES[..]), (2, &V2_FILES[..])] {
        for (what, file, scheme) in files {
            let Some(scheme) = scheme else { continue };
            let (dir, copy) = copy_of(version, file);
            let url = format!("{scheme}:{}", copy.display());
            if version < current(scheme) {
                let out = podstate(dir.path(), &["upgrade", &url]);
                assert!(out.status.success(), "{what}: {}", stderr(&out));
            }
            let out = podstate(dir.path(), &["check", &url]);
            assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        }
    }
}

/// Stamps the database at `path` with format version `version`, as an older podstate would
/// have written it (version 0 is version 1's layout stamped 0).
fn stamp(scheme: &str, path: &Path, version: u32) {
    match scheme {
        "sqlite" => {
            let sql = rusqlite::Connection::open(path).unwrap();
            sql.execute_batch(&format!("PRAGMA user_version = {version};"))
                .unwrap();
        }
        _ => {
            let db = redb::Database::open(path).unwrap();
            let tx = db.begin_write().unwrap();
            let meta: redb::TableDefinition<&str, &[u8]> =
                redb::TableDefinition::new("podstate_meta");
            tx.open_table(meta)
                .unwrap()
                .insert("format", version.to_string().as_bytes())
                .unwrap();
            tx.commit().unwrap();
        }
    }
}

/// The version the database at `path` is stamped with.
fn stamped(scheme: &str, path: &Path) -> u32 {
    match scheme {
        "sqlite" => rusqlite::Connection::open(path)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap(),
        _ => {
            use redb::ReadableDatabase as _;
            let db = redb::Database::open(path).unwrap();
            let tx = db.begin_read().unwrap();
            let meta: redb::TableDefinition<&str, &[u8]> =
                redb::TableDefinition::new("podstate_meta");
            let table = tx.open_table(meta).unwrap();
            let value = table.get("format").unwrap().unwrap();
            std::str::from_utf8(value.value()).unwrap().parse().unwrap()
        }
    }
}

#[test]
fn an_older_file_is_refused_read_only_with_the_command_and_upgraded_by_a_writable_open() {
    let expected = expected_dump();
    // Every older version of each format: the synthetic 0 of both (v1's files stamped 0) and
    // the version 1 of both.
    for (what, file, scheme, old) in [
        ("SQLite database v0", "state.db", "sqlite", 0),
        ("SQLite database v1", "state.db", "sqlite", 1),
        ("redb database v0", "state.redb", "redb", 0),
        ("redb database v1", "state.redb", "redb", 1),
    ] {
        let (dir, copy) = copy_of(1, file);
        stamp(scheme, &copy, old);
        let url = format!("{scheme}:{}", copy.display());

        let refused = open(scheme, &copy, true).map(drop).unwrap_err();
        let message = refused.to_string();
        assert_eq!(message.lines().count(), 1, "{what}: {message}");
        assert!(
            message.contains(&format!("`podstate upgrade {url}`")),
            "{what}: names the command: {message}"
        );
        assert!(matches!(refused, podstate::OpenError::Store(ref e) if e.kind() == ErrorKind::Io));
        assert_eq!(
            stamped(scheme, &copy),
            old,
            "{what}: a read-only open wrote"
        );

        let out = podstate(dir.path(), &["inspect", &url]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("podstate upgrade"),
            "{}",
            stderr(&out)
        );

        let out = podstate(dir.path(), &["upgrade", &url]);
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        assert_eq!(
            stamped(scheme, &copy),
            current(scheme),
            "{what}: upgraded in place"
        );
        let store = open(scheme, &copy, true).unwrap();
        assert_eq!(store.verify().unwrap(), [], "{what}");
        assert_eq!(
            dump(store.as_ref()),
            expected,
            "{what}: the data is unchanged"
        );
        drop(store);

        // A writable open (what a runtime does) upgrades too.
        let (_dir, copy) = copy_of(1, file);
        stamp(scheme, &copy, old);
        let store = open(scheme, &copy, false).unwrap();
        assert_eq!(dump(store.as_ref()), expected, "{what}");
        assert_eq!(store.verify().unwrap(), [], "{what}");
        drop(store);
        assert_eq!(stamped(scheme, &copy), current(scheme), "{what}");
    }
}

#[test]
fn a_file_of_a_newer_version_is_refused_and_left_as_it_was() {
    for (what, file, scheme) in FILES {
        let Some(scheme) = scheme else { continue };
        let (_dir, copy) = copy_of(1, file);
        let newer = current(scheme) + 1;
        stamp(scheme, &copy, newer);
        for read_only in [true, false] {
            let message = open(scheme, &copy, read_only)
                .map(drop)
                .unwrap_err()
                .to_string();
            assert!(message.contains("newer"), "{what}: {message}");
        }
        assert_eq!(stamped(scheme, &copy), newer, "{what}");
    }
}

// ----- the generator ------------------------------------------------------------------------

/// The pinned DB config of the golden files.
fn db_config() -> DbConfig {
    DbConfig {
        libpod_root: "/var/lib/containers/storage/libpod".into(),
        libpod_tmp: "/run/libpod".into(),
        storage_root: "/var/lib/containers/storage".into(),
        storage_tmp: "/run/containers/storage".into(),
        graph_driver: "overlay".into(),
        volume_path: "/var/lib/containers/storage/volumes".into(),
    }
}

/// A 64-character ID made of `seed`.
fn id(seed: &str) -> String {
    seed.repeat(64).chars().take(64).collect()
}

/// A few dozen objects with every feature of the format: the pinned DB config, volumes, pods
/// in three namespaces, containers in and out of pods with dependencies, named volumes,
/// networks with aliases, exec sessions, every status and non-ASCII names.
fn fill(state: &dyn State) {
    state.validate_db_config(&db_config()).unwrap();
    for (n, name) in ["data", "cache", "logs", "données"].into_iter().enumerate() {
        let mut cfg = VolumeConfig::new(name);
        cfg.created = at(n as i64);
        let mut vol = Volume::new(cfg);
        vol.state.mount_count = n as u32;
        state.add_volume(&vol).unwrap();
    }
    let namespaces = ["", "team", "ci"];
    let statuses = [
        ContainerStatus::Created,
        ContainerStatus::Running,
        ContainerStatus::Exited,
        ContainerStatus::Paused,
        ContainerStatus::Stopped,
    ];
    let mut minute = 10;
    for (p, ns) in namespaces.into_iter().enumerate() {
        let mut pod = PodConfig::new(id(&format!("b0{p}d")), format!("pod-{p}"));
        pod.namespace = ns.into();
        pod.created = at(minute);
        let pod = Pod::new(pod);
        state.add_pod(&pod).unwrap();
        // Three members: db <- app <- proxy, on two networks with aliases.
        let mut previous: Option<String> = None;
        for (c, role) in ["db", "app", "proxy"].into_iter().enumerate() {
            minute += 1;
            let name = if p == 0 && role == "app" {
                "web-app".to_owned()
            } else {
                format!("{role}-{p}")
            };
            let mut cfg = ContainerConfig::new(id(&format!("c{p}{c}e")), name);
            cfg.namespace = ns.into();
            cfg.created = at(minute);
            cfg.pod = Some(pod.id().into());
            cfg.depends_on = previous.iter().cloned().collect();
            cfg.networks = vec!["podman".into(), format!("net-{p}")];
            cfg.network_aliases
                .insert("podman".into(), vec![role.into(), format!("{role}.{p}")]);
            if role == "db" {
                cfg.named_volumes.push(NamedVolume {
                    name: "data".into(),
                    dest: format!("/var/lib/db{p}"),
                    options: vec!["rw".into()],
                });
            }
            let mut ctr = Container::new(cfg);
            ctr.state.status = statuses[(p + c) % statuses.len()];
            if ctr.state.status == ContainerStatus::Exited {
                ctr.state.exit_code = 137;
                ctr.state.exited = true;
            }
            state.add_container_to_pod(&pod, &ctr).unwrap();
            for e in 0..c {
                state
                    .add_exec_session(
                        &ctr,
                        &ExecSession::new(id(&format!("e{p}{c}{e}")), ctr.id()),
                    )
                    .unwrap();
            }
            previous = Some(ctr.id().to_owned());
        }
    }
    // Containers outside pods, one per namespace, using two volumes, on a network without
    // aliases; and one depending on another, with a non-ASCII name and volume.
    for (n, ns) in namespaces.into_iter().enumerate() {
        minute += 1;
        let mut cfg = ContainerConfig::new(id(&format!("f{n}ee")), format!("solo-{n}"));
        cfg.namespace = ns.into();
        cfg.created = at(minute);
        cfg.networks = vec!["podman".into()];
        cfg.named_volumes = ["cache", "logs"]
            .map(|name| NamedVolume {
                name: name.into(),
                dest: format!("/{name}"),
                options: vec![],
            })
            .into();
        state.add_container(&Container::new(cfg)).unwrap();
    }
    let mut cfg = ContainerConfig::new(id("dec0de"), "nachtjob-ü");
    cfg.created = at(minute + 1);
    cfg.depends_on = vec![id("f0ee")];
    cfg.named_volumes.push(NamedVolume {
        name: "données".into(),
        dest: "/mnt".into(),
        options: vec![],
    });
    state.add_container(&Container::new(cfg)).unwrap();
}

/// Rebuilds the golden files of the newest version (`tests/golden/v2/`, [`V2_FILES`]) from
/// [`fill`]: only when a format version changes (then as a new directory, keeping the older
/// ones, with the files whose format changed). The expected dump stays `golden__v1_dump.snap`
/// as long as [`fill`] does not change.
#[test]
#[ignore = "rebuilds the checked-in golden files"]
fn regenerate_golden_files() {
    let dir = golden(2);
    fs::create_dir_all(&dir).unwrap();
    for (_, file, scheme) in V2_FILES {
        let path = dir.join(file);
        // A checked-in golden file is never rewritten: only a missing one is made.
        let Some(scheme) = scheme.filter(|_| !path.exists()) else {
            continue;
        };
        let store = open(scheme, &path, false).unwrap();
        fill(store.open_handle().unwrap().as_ref());
        drop(store);
        if scheme == "sqlite" {
            // No free pages; the last connection removed the -wal and -shm files.
            rusqlite::Connection::open(&path)
                .unwrap()
                .execute_batch("VACUUM")
                .unwrap();
            // The file SQLite's writers take turns on: not part of the database.
            let _ = fs::remove_file(dir.join(format!("{file}-wait")));
        } else {
            // redb: no free pages either.
            let mut db = redb::Database::open(&path).unwrap();
            db.compact().unwrap();
        }
    }
}
