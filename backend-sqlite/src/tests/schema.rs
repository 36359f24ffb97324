//! The schema as SQLite stores it, snapshot-tested, and the constraints it enforces on its own.

use podstate_api::{Container, ContainerConfig, ErrorKind, Pod, PodConfig};
use podstate_api::{State, Store};

use super::with_conn;
use crate::SqliteStore;
use crate::schema::{APPLICATION_ID, LAID_OUT_COOKIE, SCHEMA_VERSION, current_in_wal};

#[test]
fn schema_as_stored_by_sqlite() {
    let store = SqliteStore::temporary().unwrap();
    let text = with_conn(&store, |conn| {
        let header: (i32, i32, String) = conn
            .sql
            .query_row(
                "SELECT (SELECT application_id FROM pragma_application_id), \
                 (SELECT user_version FROM pragma_user_version), \
                 (SELECT journal_mode FROM pragma_journal_mode)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let mut stmt = conn
            .sql
            .prepare("SELECT type, name, coalesce(sql, '(automatic)') FROM sqlite_schema ORDER BY tbl_name, type DESC, name")
            .unwrap();
        let objects: Vec<String> = stmt
            .query_map([], |r| {
                Ok(format!(
                    "-- {} {}\n{};",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        format!(
            "-- application_id {:#x}, user_version {}, journal_mode {}\n\n{}\n",
            header.0,
            header.1,
            header.2,
            objects.join("\n\n")
        )
    });
    // SQLite keeps each statement's text as written and parses it on every connection's first
    // statement: comments inside a statement would cost every open (schema.sql keeps them
    // outside). The snapshot's own `--` lines are its headers.
    for (line, number) in text.lines().zip(1..) {
        assert!(
            line.starts_with("-- ") || !line.contains("--"),
            "line {number} of the stored schema holds a comment: {line}"
        );
    }
    assert!(text.contains(&format!("application_id {APPLICATION_ID:#x}")));
    // An open reads the schema's names only when the cookie is not the one a new file has.
    let cookie: i32 = with_conn(&store, |conn| {
        conn.sql
            .query_row("PRAGMA schema_version", [], |r| r.get(0))
            .unwrap()
    });
    assert_eq!(cookie, LAID_OUT_COOKIE, "the schema cookie of a new file");
    assert!(text.contains(&format!("user_version {SCHEMA_VERSION}")));
    insta::assert_snapshot!(text);
}

/// A raw statement on the store's connection, inside a transaction that is rolled back.
fn refused(store: &SqliteStore, sql: &str) -> bool {
    with_conn(store, |conn| {
        conn.sql.execute_batch("BEGIN").unwrap();
        let answer = conn.sql.execute_batch(sql);
        let commit = answer.and_then(|()| conn.sql.execute_batch("COMMIT"));
        if commit.is_err() {
            conn.sql.execute_batch("ROLLBACK").unwrap();
        }
        commit.is_err()
    })
}

#[test]
fn the_schema_refuses_what_breaks_an_invariant() {
    let store = SqliteStore::temporary().unwrap();
    let state = store.open_handle().unwrap();
    state
        .add_pod(&Pod::new(PodConfig::new("p1", "pod")))
        .unwrap();
    state
        .add_container(&Container::new(ContainerConfig::new("c1", "one")))
        .unwrap();
    let obj = "INSERT INTO object (id, kind, name, namespace, networks, config, \
               config_payload, state, state_payload) VALUES";
    let rest = "'{}', '{}', 'null', '{}', 'null')";
    // One ID space and one name space for containers and pods.
    assert!(refused(
        &store,
        &format!("{obj} ('p1', 'container', 'x', '', {rest}")
    ));
    assert!(refused(
        &store,
        &format!("{obj} ('x', 'container', 'pod', '', {rest}")
    ));
    // Keys are non-empty and NUL-free; kinds are known.
    assert!(refused(
        &store,
        &format!("{obj} ('', 'container', 'x', '', {rest}")
    ));
    assert!(refused(
        &store,
        &format!("{obj} ('a' || char(0), 'container', 'x', '', {rest}")
    ));
    assert!(refused(
        &store,
        &format!("{obj} ('x', 'volume', 'x', '', {rest}")
    ));
    // A container has networks (an object, maybe empty), a pod neither networks nor a pod; a
    // member's pod is stored.
    assert!(refused(
        &store,
        "INSERT INTO object (id, kind, name, namespace, config, config_payload, state, \
         state_payload) VALUES ('c9', 'container', 'n9', '', '{}', 'null', '{}', 'null')"
    ));
    assert!(refused(
        &store,
        &format!("{obj} ('c9', 'container', 'n9', '', '[]', '{{}}', 'null', '{{}}', 'null')")
    ));
    assert!(refused(
        &store,
        &format!("{obj} ('p9', 'pod', 'n9', '', {rest}")
    ));
    assert!(refused(
        &store,
        "INSERT INTO object (id, kind, name, namespace, pod, networks, config, config_payload, \
         state, state_payload) \
         VALUES ('c9', 'container', 'n9', '', 'nope', '{}', '{}', 'null', '{}', 'null')"
    ));
    // Index rows never dangle: dependencies, volume users, exec sessions, aliases.
    assert!(refused(
        &store,
        "INSERT INTO dependency (ctr, dep) VALUES ('c1', 'nope')"
    ));
    assert!(refused(
        &store,
        "INSERT INTO dependency (ctr, dep) VALUES ('c1', 'c1')"
    ));
    assert!(refused(
        &store,
        "INSERT INTO volume_user (volume, ctr) VALUES ('nope', 'c1')"
    ));
    assert!(refused(
        &store,
        "INSERT INTO exec_session (id, ctr) VALUES ('e1', 'nope')"
    ));
    // A pod with members cannot go.
    let member = Container::new(ContainerConfig {
        pod: Some("p1".into()),
        ..ContainerConfig::new("c2", "two")
    });
    state
        .add_container_to_pod(&Pod::new(PodConfig::new("p1", "pod")), &member)
        .unwrap();
    assert!(refused(&store, "DELETE FROM object WHERE id = 'p1'"));
    // And what the checks allow, the schema allows.
    assert!(!refused(
        &store,
        "UPDATE object SET networks = '{\"net\":[\"a\"]}' WHERE id = 'c1'"
    ));
    assert_eq!(state.all_containers().unwrap().len(), 2);
    assert_eq!(
        state
            .remove_pod(&Pod::new(PodConfig::new("p1", "pod")))
            .unwrap_err()
            .kind(),
        ErrorKind::InUse
    );
}

#[test]
fn removing_a_container_leaves_no_index_row_behind() {
    use podstate_api::{ExecSession, NamedVolume, Volume, VolumeConfig};

    let store = SqliteStore::temporary().unwrap();
    let state = store.open_handle().unwrap();
    state
        .add_volume(&Volume::new(VolumeConfig::new("v1")))
        .unwrap();
    let base = Container::new(ContainerConfig::new("base", "base"));
    state.add_container(&base).unwrap();
    let mut cfg = ContainerConfig::new("c1", "one");
    cfg.depends_on = vec!["base".into()];
    cfg.networks = vec!["net".into()];
    cfg.network_aliases
        .insert("net".into(), vec!["alias".into()]);
    cfg.named_volumes = vec![NamedVolume {
        name: "v1".into(),
        ..NamedVolume::default()
    }];
    let ctr = Container::new(cfg);
    state.add_container(&ctr).unwrap();
    state
        .add_exec_session(&ctr, &ExecSession::new("e1", "c1"))
        .unwrap();
    state.remove_container_exec_sessions(&ctr).unwrap();
    state.remove_container(&ctr).unwrap();
    let rows: i64 = with_conn(&store, |conn| {
        conn.sql
            .query_row(
                "SELECT (SELECT count(*) FROM dependency) + (SELECT count(*) FROM volume_user) \
                 + (SELECT count(*) FROM exec_session) \
                 + (SELECT count(*) FROM object WHERE id = 'c1')",
                [],
                |r| r.get(0),
            )
            .unwrap()
    });
    assert_eq!(rows, 0);
    assert_eq!(store.verify().unwrap(), []);
}

#[test]
fn a_damaged_record_answers_corrupt_naming_it() {
    let store = SqliteStore::temporary().unwrap();
    let state = store.open_handle().unwrap();
    for id in ["c1", "c2"] {
        state
            .add_container(&Container::new(ContainerConfig::new(id, format!("n-{id}"))))
            .unwrap();
    }
    let damage = |sql: &str| with_conn(&store, |conn| conn.sql.execute_batch(sql).unwrap());
    // A record that holds another container's config.
    damage(
        "UPDATE object SET config = (SELECT config FROM object WHERE id = 'c2') WHERE id = 'c1'",
    );
    let err = state.container("c1").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(
        err.message().contains("\"c1\"") && err.message().contains("\"c2\""),
        "{err}"
    );
    // A record that is not JSON.
    damage("UPDATE object SET state = '{' WHERE id = 'c2'");
    let err = state.container("c2").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(err.message().contains("state of container \"c2\""), "{err}");
    assert!(
        err.message().contains(&store.path().display().to_string()),
        "{err}"
    );
}

/// An open of a file laid out by this build reads its identity and journal mode in one read
/// transaction; anything else (another version, a schema changed since) sends the open the
/// long way, which refuses it as before.
#[test]
fn an_open_checks_the_common_case_in_one_read_transaction() {
    let store = SqliteStore::temporary().unwrap();
    let fast = with_conn(&store, |conn| {
        let fast = current_in_wal(conn).unwrap();
        assert!(conn.sql.is_autocommit(), "the read transaction was ended");
        fast
    });
    assert!(fast, "a new file is this build's, in WAL mode");
    drop(SqliteStore::open(store.path()).unwrap());

    // A newer schema version: not the common case, and refused as newer.
    let version = |v: i32| {
        with_conn(&store, |conn| {
            conn.sql
                .execute_batch(&format!("PRAGMA user_version = {v}"))
                .unwrap();
            current_in_wal(conn).unwrap()
        })
    };
    assert!(!version(SCHEMA_VERSION + 1));
    let err = SqliteStore::open(store.path()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("newer"), "{err}");
    assert!(version(SCHEMA_VERSION));

    // A schema changed since it was laid out (its cookie moved): the names are read, and a
    // missing index makes the file damaged.
    let dropped = with_conn(&store, |conn| {
        conn.sql.execute_batch("DROP INDEX object_pods").unwrap();
        current_in_wal(conn).unwrap()
    });
    assert!(!dropped);
    let err = SqliteStore::open(store.path()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(err.message().contains("object_pods"), "{err}");
}

/// A file an operator switched out of WAL mode with `sqlite3` (`PRAGMA journal_mode = DELETE`,
/// with nothing else holding it) is not the common case: a read-only open reads it as it is,
/// and the next writable open switches it back to WAL.
#[test]
fn an_open_switches_a_file_taken_out_of_wal_mode_back() {
    use crate::SqliteOptions;
    use rusqlite::Connection;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.db");
    let state = SqliteStore::open(&file).unwrap().open_handle().unwrap();
    state
        .add_container(&Container::new(ContainerConfig::new("c1", "one")))
        .unwrap();
    drop(state);
    let mode = || -> String {
        Connection::open(&file)
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap()
    };
    let set: String = Connection::open(&file)
        .unwrap()
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .unwrap();
    assert_eq!(set, "delete");

    let reader = SqliteStore::open_with(&file, SqliteOptions::new().read_only(true)).unwrap();
    let found = reader
        .open_handle()
        .unwrap()
        .lookup_container("one")
        .unwrap();
    assert_eq!(found.config.id, "c1");
    drop(reader);
    assert_eq!(mode(), "delete", "a read-only open changes nothing");

    let writer = SqliteStore::open(&file).unwrap();
    let conn_mode = with_conn(&writer, |conn| {
        conn.sql
            .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .unwrap()
    });
    assert_eq!(conn_mode, "wal");
    drop(writer);
    assert_eq!(mode(), "wal");
}
