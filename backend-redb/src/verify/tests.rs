//! `verify` against damage planted with redb table writes, as a broken tool or a bug in an
//! apply phase would leave it: every identity record, name, index pair (dependents, members,
//! volume users) and the per-container exec-session index must agree with the records and the
//! registry, and any one change to them is reported.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use podstate_api::State;
use podstate_api::Store;
use podstate_conformance::scenarios::fixtures::{CtrExt, PodExt, ctr, exec, pod, vol};
use proptest::prelude::*;
use redb::{Builder, ConcurrencyMode, Database, WriteTransaction};

use crate::record::{
    ContainerRecord, NameRecord, ObjectRecord, StoredKind, StoredNetworks, encode_index,
};
use crate::schema::{
    CONTAINER_EXEC_SESSIONS, CONTAINERS, DEPENDENTS, NAMES, POD_MEMBERS, PODS, Pairs, VOLUME_USERS,
};
use crate::store::RedbStore;

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
const CONTAINERS_: &[Row] = &[
    ("c1", "one", "", None, &[], &["v1"]),
    ("c2", "two", "", None, &["c1"], &["v1", "v2"]),
    ("c3", "three", "", Some("p1"), &[], &[]),
    ("c4", "four", "", Some("p1"), &["c3"], &["v2"]),
    ("c5", "five", "team", Some("p2"), &[], &[]),
    ("c6", "six", "team", None, &[], &["v1"]),
];
/// Its pods: (ID, name, namespace).
const PODS_: &[(&str, &str, &str)] = &[("p1", "pod-one", ""), ("p2", "pod-two", "team")];
const VOLUMES: &[&str] = &["v1", "v2", "v3"];

/// Fills `state` with the sound database; containers ending in 2 or 4 have an exec session.
fn fill(state: &dyn State) {
    for name in VOLUMES {
        state.add_volume(&vol(name)).unwrap();
    }
    for (id, name, ns) in PODS_ {
        state.set_namespace(ns).unwrap();
        state.add_pod(&pod(id, name).in_ns(ns)).unwrap();
    }
    for (id, name, ns, in_pod, deps, vols) in CONTAINERS_ {
        let mut c = ctr(id, name)
            .in_ns(ns)
            .with_deps(deps)
            .with_volumes(vols)
            .with_networks(&["podman"]);
        state.set_namespace(ns).unwrap();
        match in_pod {
            None => state.add_container(&c).unwrap(),
            Some(p) => {
                c = c.in_pod(p);
                let p = state.pod(p).unwrap();
                state.add_container_to_pod(&p, &c).unwrap();
            }
        }
        if id.ends_with(['2', '4']) {
            state
                .add_exec_session(&c, &exec(&format!("exec-{id}"), id))
                .unwrap();
        }
    }
    state.set_namespace("").unwrap();
}

/// A closed copy of the sound database (made once).
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sound.redb");
        let store = RedbStore::open(&path).unwrap();
        fill(&store.open_handle().unwrap());
        assert_eq!(store.verify().unwrap(), [], "the template is sound");
        drop(store);
        (dir, path)
    });
    path
}

/// Runs `damage` in one write transaction of a fresh copy of the sound database and answers
/// what `verify` then says.
fn verify_after(damage: impl FnOnce(&WriteTransaction)) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.redb");
    std::fs::copy(template(), &path).unwrap();
    {
        let mut builder = Builder::new();
        builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
        let db: Database = builder.open(&path).unwrap();
        let tx = db.begin_write().unwrap();
        damage(&tx);
        tx.commit().unwrap();
    }
    let store = RedbStore::open(&path).unwrap();
    store
        .verify()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// An identity record's bytes.
fn identity(name: &str, namespace: &str, pod: Option<&str>) -> Vec<u8> {
    let rec = ObjectRecord {
        name,
        namespace,
        pod,
    };
    encode_index(&rec, Path::new("test")).unwrap()
}

/// A container's record's bytes, on network `podman` as every container of the sound
/// database is.
fn container_identity(name: &str, namespace: &str, pod: Option<&str>) -> Vec<u8> {
    container_record(name, namespace, pod, vec![("podman", Vec::new())])
}

/// A container's record's bytes with `networks` as given, in their order.
fn container_record(
    name: &str,
    namespace: &str,
    pod: Option<&str>,
    networks: StoredNetworks<'_>,
) -> Vec<u8> {
    let rec = ContainerRecord {
        name,
        namespace,
        pod,
        networks,
    };
    encode_index(&rec, Path::new("test")).unwrap()
}

/// Adds pair `(a, b)` to `def`, or removes it if it is there.
fn toggle(tx: &WriteTransaction, def: Pairs, a: &str, b: &str) {
    let mut table = tx.open_table(def).unwrap();
    if table.remove((a, b)).unwrap().is_none() {
        table.insert((a, b), ()).unwrap();
    }
}

/// How many kinds of damage [`plant`] makes.
const DAMAGES: usize = 14;

/// Damage number `kind` on container `c` (with pod `p`, volume `v` where it needs them).
fn plant(tx: &WriteTransaction, c: usize, p: usize, v: usize, kind: usize) {
    let (id, name, ns, in_pod, _, _) = CONTAINERS_[c];
    let (pod_id, pod_name, pod_ns) = PODS_[p];
    let volume = VOLUMES[v];
    let moved = if ns == "team" { "" } else { "team" };
    let insert = |def, key: &str, value: Vec<u8>| {
        let mut table = tx.open_table(def).unwrap();
        table.insert(key, value.as_slice()).unwrap();
    };
    let remove = |def, key: &str| {
        let mut table = tx.open_table(def).unwrap();
        assert!(table.remove(key).unwrap().is_some(), "{key} is there");
    };
    match kind {
        0 => insert(CONTAINERS, id, container_identity(name, moved, in_pod)),
        1 => insert(
            PODS,
            pod_id,
            identity(pod_name, &format!("{pod_ns}x"), None),
        ),
        2 => insert(
            CONTAINERS,
            id,
            container_identity(&format!("{name}x"), ns, in_pod),
        ),
        3 => insert(
            PODS,
            pod_id,
            identity(&format!("{pod_name}x"), pod_ns, None),
        ),
        4 => {
            let other = if in_pod.is_some() { None } else { Some(pod_id) };
            insert(CONTAINERS, id, container_identity(name, ns, other));
        }
        5 => remove(CONTAINERS, id),
        6 => insert(CONTAINERS, "c9", container_identity("nine", ns, None)),
        7 => {
            let rec = NameRecord {
                kind: StoredKind::Pod,
                id,
            };
            insert(NAMES, name, encode_index(&rec, Path::new("test")).unwrap());
        }
        8 => remove(NAMES, name),
        9 => toggle(tx, DEPENDENTS, pod_id.replace('p', "c").as_str(), id),
        10 => toggle(tx, POD_MEMBERS, pod_id, id),
        11 => toggle(tx, VOLUME_USERS, volume, id),
        12 => toggle(tx, CONTAINER_EXEC_SESSIONS, id, &format!("exec-{id}")),
        _ => remove(PODS, pod_id),
    }
}

#[test]
fn the_sound_database_passes() {
    assert_eq!(verify_after(|_| {}), Vec::<String>::new());
}

#[test]
fn an_identity_namespace_that_differs_from_the_config_is_reported() {
    let found = verify_after(|tx| plant(tx, 0, 0, 0, 0));
    assert!(
        found
            .iter()
            .any(|v| v.contains("\"c1\"") && v.contains("namespace")),
        "{found:?}"
    );
}

#[test]
fn a_container_record_whose_networks_break_their_order_is_reported_naming_the_container() {
    let bad: [StoredNetworks<'static>; 4] = [
        vec![("podman", vec![]), ("back", vec![])],
        vec![("podman", vec![]), ("podman", vec![])],
        vec![("podman", vec!["web", "db"])],
        vec![("podman", vec!["db", "db"])],
    ];
    for networks in bad {
        let what = format!("{networks:?}");
        let found = verify_after(|tx| {
            let mut table = tx.open_table(CONTAINERS).unwrap();
            let bytes = container_record("three", "", Some("p1"), networks);
            table.insert("c3", bytes.as_slice()).unwrap();
        });
        assert!(
            found
                .iter()
                .any(|v| v.contains("container \"c3\"") && v.contains("out of order or repeated")),
            "{what}: {found:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64, failure_persistence: None, ..ProptestConfig::default()
    })]

    /// Any one change to an identity record, a name or an index entry of a sound database is
    /// reported.
    #[test]
    fn any_one_index_entry_changed_is_reported(
        c in 0..CONTAINERS_.len(), p in 0..PODS_.len(), v in 0..VOLUMES.len(),
        kind in 0..DAMAGES,
    ) {
        let found = verify_after(|tx| plant(tx, c, p, v, kind));
        prop_assert!(!found.is_empty(), "damage {kind} on c{} went unreported", c + 1);
    }
}
