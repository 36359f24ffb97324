//! `verify` against damage planted with plain SQL, as an operator's `sqlite3` session or a
//! broken tool would leave it (foreign keys off, as the `sqlite3` shell has them): every column
//! that copies something out of a record (IDs, kinds, names, namespaces, pods) and every index
//! row (dependencies, volume users) must agree with the records, and any one change to them is
//! reported.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use podstate_api::Store;
use podstate_api::{
    Container, ContainerConfig, ExecSession, NamedVolume, Pod, PodConfig, State, Volume,
    VolumeConfig,
};
use podstate_sqlite::{SqliteOptions, SqliteStore};
use proptest::prelude::*;
use rusqlite::Connection;

/// A container of the sound database: (ID, name, namespace, pod, dependencies, volumes).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    &'static [&'static str],
);

/// The containers of the sound database.
const CONTAINERS: &[Row] = &[
    ("c1", "one", "", None, &[], &["v1"]),
    ("c2", "two", "", None, &["c1"], &["v1", "v2"]),
    ("c3", "three", "", Some("p1"), &[], &[]),
    ("c4", "four", "", Some("p1"), &["c3"], &["v2"]),
    ("c5", "five", "team", Some("p2"), &[], &[]),
    ("c6", "six", "team", None, &[], &["v1"]),
];
/// Its pods: (ID, name, namespace).
const PODS: &[(&str, &str, &str)] = &[("p1", "pod-one", ""), ("p2", "pod-two", "team")];
const VOLUMES: &[&str] = &["v1", "v2", "v3"];

/// Fills `state` with the sound database.
fn fill(state: &dyn State) {
    for name in VOLUMES {
        state
            .add_volume(&Volume::new(VolumeConfig::new(*name)))
            .unwrap();
    }
    let mut pods = Vec::new();
    for (id, name, ns) in PODS {
        let mut cfg = PodConfig::new(*id, *name);
        cfg.namespace = (*ns).into();
        pods.push(Pod::new(cfg));
    }
    for (id, name, ns, pod, deps, vols) in CONTAINERS {
        let mut cfg = ContainerConfig::new(*id, *name);
        cfg.namespace = (*ns).into();
        cfg.pod = pod.map(Into::into);
        cfg.depends_on = deps.iter().map(|d| (*d).to_owned()).collect();
        cfg.named_volumes = vols
            .iter()
            .map(|v| NamedVolume {
                name: (*v).into(),
                ..NamedVolume::default()
            })
            .collect();
        cfg.networks = vec!["podman".into()];
        state.set_namespace(ns).unwrap();
        let ctr = Container::new(cfg);
        match pod {
            None => state.add_container(&ctr).unwrap(),
            Some(p) => {
                let pod = pods.iter().find(|x| x.id() == *p).unwrap();
                if state.pod(p).is_err() {
                    state.add_pod(pod).unwrap();
                }
                state.add_container_to_pod(pod, &ctr).unwrap();
            }
        }
        if id.ends_with(['2', '4']) {
            let session = ExecSession::new(format!("exec-{id}"), *id);
            state.add_exec_session(&ctr, &session).unwrap();
        }
    }
    state.set_namespace("").unwrap();
}

/// A closed, checkpointed copy of the sound database (made once).
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sound.db");
        let store = SqliteStore::open_with(&path, SqliteOptions::for_tests()).unwrap();
        fill(&store.open_handle().unwrap());
        assert_eq!(store.verify().unwrap(), [], "the template is sound");
        drop(store);
        (dir, path)
    });
    path
}

/// A fresh copy of the sound database.
fn sound_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    std::fs::copy(template(), &path).unwrap();
    (dir, path)
}

/// Runs `sql` on the database at `path` as the `sqlite3` shell would (foreign keys off) and
/// answers how many rows it changed.
fn plain_sql(path: &Path, sql: &str, params: &[&str]) -> usize {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let params: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p as _).collect();
    let mut changed = 0;
    for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
        changed += conn.execute(statement, params.as_slice()).unwrap();
    }
    changed
}

/// What `verify` says about the database at `path`.
fn verify(path: &Path) -> Vec<String> {
    let store = SqliteStore::open_with(path, SqliteOptions::for_tests()).unwrap();
    store
        .verify()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_namespace_changed_in_the_index_columns_only_is_reported() {
    // The reproduction of the issue: the namespace column moved, the record's kept "".
    let (_dir, path) = sound_copy();
    let changed = plain_sql(
        &path,
        "UPDATE object SET namespace = 'x' WHERE id = ?1",
        &["c1"],
    );
    assert_eq!(changed, 1);
    let found = verify(&path);
    assert!(
        found
            .iter()
            .any(|v| v.contains("\"c1\"") && v.contains("namespace")),
        "{found:?}"
    );
}

#[test]
fn an_undecodable_record_is_reported_once_not_as_missing() {
    let (_dir, path) = sound_copy();
    plain_sql(
        &path,
        "UPDATE object SET config = '{' WHERE id = ?1",
        &["c1"],
    );
    let found = verify(&path);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("\"c1\""), "{found:?}");
}

/// How many kinds of damage [`damage`] plants.
const DAMAGES: usize = 15;

/// One change to a derived column or an index row, as SQL and its parameters: kind `kind` on
/// container `c` (with another container `o`, pod `p` and volume `v` where it needs them).
fn damage(c: usize, o: usize, p: usize, v: usize, kind: usize) -> (&'static str, Vec<String>) {
    let (id, name, ns, pod, deps, vols) = CONTAINERS[c];
    let other = CONTAINERS[if o == c {
        (o + 1) % CONTAINERS.len()
    } else {
        o
    }]
    .0;
    let (pod_id, pod_name, pod_ns) = PODS[p];
    let volume = VOLUMES[v];
    let moved_ns = if ns == "team" { "" } else { "team" };
    let s = |x: &str| x.to_owned();
    match kind {
        // A container's namespace column (the case).
        0 | 3 => (
            "UPDATE object SET namespace = ?2 WHERE id = ?1",
            vec![s(id), s(moved_ns)],
        ),
        // A pod's namespace column.
        1 => (
            "UPDATE object SET namespace = ?2 WHERE id = ?1",
            vec![s(pod_id), format!("{pod_ns}x")],
        ),
        // A container's networks column that does not decode.
        2 => (
            "UPDATE object SET networks = '{\"net\":1}' WHERE id = ?1",
            vec![s(id)],
        ),
        // A name.
        4 => (
            "UPDATE object SET name = ?2 WHERE id = ?1",
            vec![s(id), format!("{name}-x")],
        ),
        5 => (
            "UPDATE object SET name = ?2 WHERE id = ?1",
            vec![s(pod_id), format!("{pod_name}-x")],
        ),
        // A kind.
        // (The schema's CHECKs refuse a pod with networks or a pod: a kind changed alone.)
        6 => (
            "UPDATE object SET kind = 'pod', networks = NULL, pod = NULL WHERE id = ?1",
            vec![s(id)],
        ),
        // Membership, without the record: out of its pod, or into the drawn one.
        7 if pod.is_some() => ("UPDATE object SET pod = NULL WHERE id = ?1", vec![s(id)]),
        7 => (
            "UPDATE object SET pod = ?2 WHERE id = ?1",
            vec![s(id), s(pod_id)],
        ),
        // A dependency edge less, or one more.
        8 if deps.contains(&other) => (
            "DELETE FROM dependency WHERE ctr = ?1 AND dep = ?2",
            vec![s(id), s(other)],
        ),
        8 => (
            "INSERT INTO dependency (ctr, dep) VALUES (?1, ?2)",
            vec![s(id), s(other)],
        ),
        // A dependency edge moved to another container (c4 depends on c3).
        9 => (
            "UPDATE dependency SET dep = ?1 WHERE ctr = 'c4'",
            vec![s(if id == "c3" || id == "c4" { "c1" } else { id })],
        ),
        // A volume user less, or one more.
        10 if vols.contains(&volume) => (
            "DELETE FROM volume_user WHERE ctr = ?1 AND volume = ?2",
            vec![s(id), s(volume)],
        ),
        10 => (
            "INSERT INTO volume_user (volume, ctr) VALUES (?2, ?1)",
            vec![s(id), s(volume)],
        ),
        // A volume user moved to another container (c2 uses v2).
        11 => (
            "UPDATE volume_user SET ctr = ?1 WHERE volume = 'v2' AND ctr = 'c2'",
            vec![s(if id == "c2" || id == "c4" { "c1" } else { id })],
        ),
        // An ID.
        12 => (
            "UPDATE object SET id = ?2 WHERE id = ?1",
            vec![s(id), format!("{id}x")],
        ),
        // A volume user that is no stored container (no foreign key refuses it).
        13 => (
            "INSERT INTO volume_user (volume, ctr) VALUES (?2, ?1)",
            vec![format!("{id}x"), s(volume)],
        ),
        _ => (
            "UPDATE object SET id = ?2 WHERE id = ?1",
            vec![s(pod_id), format!("{pod_id}x")],
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96, failure_persistence: None, ..ProptestConfig::default()
    })]

    /// Any one change to a derived column or an index row of a sound database is reported.
    #[test]
    fn any_one_derived_column_or_index_row_changed_is_reported(
        c in 0..CONTAINERS.len(), o in 0..CONTAINERS.len(), p in 0..PODS.len(),
        v in 0..VOLUMES.len(), kind in 0..DAMAGES,
    ) {
        let (_dir, path) = sound_copy();
        let (sql, params) = damage(c, o, p, v, kind);
        let params: Vec<&str> = params.iter().map(String::as_str).collect();
        let changed = plain_sql(&path, sql, &params);
        prop_assert!(changed > 0, "{sql} {params:?} changed nothing");
        let found = verify(&path);
        prop_assert!(!found.is_empty(), "{sql} {params:?} went unreported");
    }
}

/// Volume `v1` of the sound database, as a runtime passes it.
fn v1() -> Volume {
    Volume::new(VolumeConfig::new("v1"))
}

/// The container `c6` of the sound database, as a runtime passes it to `remove_container`.
fn six() -> Container {
    let mut cfg = ContainerConfig::new("c6", "six");
    cfg.namespace = "team".into();
    Container::new(cfg)
}

#[test]
fn a_container_whose_config_is_damaged_outside_its_links_can_be_removed() {
    // Removing reads only the dependency and volume fields of the stored config: a config
    // that no longer decodes as a whole (its `created` gone) still names its volume users.
    let (_dir, path) = sound_copy();
    let changed = plain_sql(
        &path,
        "UPDATE object SET config = json_remove(config, '$.created') WHERE id = ?1",
        &["c6"],
    );
    assert_eq!(changed, 1);
    let store = SqliteStore::open_with(&path, SqliteOptions::for_tests()).unwrap();
    let state = store.open_handle().unwrap();
    let err = state.container("c6").unwrap_err();
    assert_eq!(err.kind(), podstate_api::ErrorKind::Corrupt, "{err}");
    state.remove_container(&six()).unwrap();
    assert!(
        !state
            .volume_in_use(&v1())
            .unwrap()
            .contains(&"c6".to_owned())
    );
    drop(state);
    drop(store);
    assert_eq!(verify(&path), Vec::<String>::new());
}

#[test]
fn a_container_whose_config_is_not_json_is_not_removed() {
    let (_dir, path) = sound_copy();
    plain_sql(
        &path,
        "UPDATE object SET config = '{' WHERE id = ?1",
        &["c6"],
    );
    let store = SqliteStore::open_with(&path, SqliteOptions::for_tests()).unwrap();
    let state = store.open_handle().unwrap();
    let err = state.remove_container(&six()).unwrap_err();
    assert_eq!(err.kind(), podstate_api::ErrorKind::Corrupt, "{err}");
    assert_eq!(state.volume_in_use(&v1()).unwrap(), ["c1", "c2", "c6"]);
}
