//! The layout, snapshot-tested: the table definitions, and every table's raw content after a
//! small story, so that any change to what lands on disk shows up in review (and bumps
//! [`FORMAT`]).

use std::fmt::Write as _;
use std::path::Path;

use podstate_api::Store;
use podstate_api::{DbConfig, State};
use podstate_conformance::scenarios::fixtures::{CtrExt, ctr, exec, pod, vol};
use redb::{
    Builder, ConcurrencyMode, ReadOnlyDatabase, ReadableDatabase, ReadableTable, TableHandle,
};

use crate::record::{ContainerRecord, NameRecord, ObjectRecord, object_from_parts, object_parts};
use crate::schema::{
    CONTAINER_CONFIGS, CONTAINER_EXEC_SESSIONS, CONTAINER_STATES, CONTAINERS, DEPENDENTS,
    EXEC_SESSIONS, FORMAT, META, NAMES, POD_CONFIGS, POD_MEMBERS, POD_STATES, PODS, Pairs, Records,
    VOLUME_CONFIGS, VOLUME_STATES, VOLUME_USERS, layout,
};
use crate::store::RedbStore;

#[test]
fn table_definitions() {
    let mut text = format!("podstate-redb format {FORMAT}\n");
    for t in layout() {
        writeln!(text, "{:<24} {} -> {}: {}", t.name, t.key, t.value, t.holds).unwrap();
    }
    insta::assert_snapshot!("table_definitions", text);
}

#[test]
fn a_new_file_has_exactly_the_tables_of_the_layout() {
    let store = RedbStore::temporary().unwrap();
    let db = read_only(store.path());
    let tx = db.begin_read().unwrap();
    let mut present: Vec<String> = tx
        .list_tables()
        .unwrap()
        .map(|t| t.name().to_owned())
        .collect();
    let mut expected: Vec<String> = layout().into_iter().map(|t| t.name).collect();
    present.sort();
    expected.sort();
    assert_eq!(present, expected);
}

/// A read-only view of the file, beside the store's own objects.
fn read_only(path: &Path) -> ReadOnlyDatabase {
    let mut builder = Builder::new();
    builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
    builder.open_read_only(path).unwrap()
}

#[test]
fn table_contents_after_a_small_story() {
    let store = RedbStore::temporary().unwrap();
    let state = store.open_handle().unwrap();
    state.add_volume(&vol("data")).unwrap();
    state.add_pod(&pod("p1", "pod1")).unwrap();
    let web = ctr("c1", "web")
        .in_pod("p1")
        .with_volumes(&["data"])
        .with_networks(&["net1", "net2"])
        .with_aliases("net1", &["w", "www"]);
    state
        .add_container_to_pod(&pod("p1", "pod1"), &web)
        .unwrap();
    let db = ctr("c2", "db").in_pod("p1").with_deps(&["c1"]);
    state.add_container_to_pod(&pod("p1", "pod1"), &db).unwrap();
    state.add_exec_session(&web, &exec("e1", "c1")).unwrap();
    let pinned = DbConfig {
        libpod_root: "/var/lib/containers".into(),
        ..DbConfig::default()
    };
    state.validate_db_config(&pinned).unwrap();
    drop(state);
    let path = store.path().to_owned();
    let store = std::sync::Arc::new(store).reopen().unwrap();
    insta::assert_snapshot!("table_contents", raw_dump(&path));
    drop(store);
}

/// Renders one stored value.
type Show = fn(&[u8]) -> String;

/// Every row of every table, values decoded just enough to read.
fn raw_dump(path: &Path) -> String {
    let db = read_only(path);
    let tx = db.begin_read().unwrap();
    let mut out = String::new();
    let records: [(Records, Show); 10] = [
        (META, show_meta),
        (CONTAINERS, show_container),
        (CONTAINER_CONFIGS, show_object),
        (CONTAINER_STATES, show_object),
        (PODS, show_identity),
        (POD_CONFIGS, show_object),
        (POD_STATES, show_object),
        (VOLUME_CONFIGS, show_object),
        (VOLUME_STATES, show_object),
        (NAMES, show_name),
    ];
    for (def, show) in records {
        writeln!(out, "[{}]", def.name()).unwrap();
        for row in tx.open_table(def).unwrap().iter().unwrap() {
            let (k, v) = row.unwrap();
            writeln!(out, "  {:?} = {}", k.value(), show(v.value())).unwrap();
        }
    }
    let pairs: [Pairs; 4] = [
        DEPENDENTS,
        POD_MEMBERS,
        VOLUME_USERS,
        CONTAINER_EXEC_SESSIONS,
    ];
    for def in pairs {
        writeln!(out, "[{}]", def.name()).unwrap();
        for row in tx.open_table(def).unwrap().iter().unwrap() {
            writeln!(out, "  {:?}", row.unwrap().0.value()).unwrap();
        }
    }
    writeln!(out, "[{}]", EXEC_SESSIONS.name()).unwrap();
    for row in tx.open_table(EXEC_SESSIONS).unwrap().iter().unwrap() {
        let (k, v) = row.unwrap();
        writeln!(out, "  {:?} = {:?}", k.value(), v.value()).unwrap();
    }
    out
}

fn show_meta(bytes: &[u8]) -> String {
    match object_parts(bytes) {
        Some(parts) => show_parts(bytes.len(), parts),
        None => format!("{:?}", String::from_utf8_lossy(bytes)),
    }
}

fn show_object(bytes: &[u8]) -> String {
    show_parts(bytes.len(), object_parts(bytes).expect("an object record"))
}

fn show_parts(len: usize, (json, payloads): (String, Vec<String>)) -> String {
    format!("({len} bytes) json {json} payloads {payloads:?}")
}

fn show_identity(bytes: &[u8]) -> String {
    let rec: ObjectRecord = postcard::from_bytes(bytes).unwrap();
    format!("{rec:?} ({} bytes)", bytes.len())
}

fn show_container(bytes: &[u8]) -> String {
    let rec: ContainerRecord = postcard::from_bytes(bytes).unwrap();
    format!("{rec:?} ({} bytes)", bytes.len())
}

fn show_name(bytes: &[u8]) -> String {
    let rec: NameRecord = postcard::from_bytes(bytes).unwrap();
    format!("{rec:?} ({} bytes)", bytes.len())
}

#[test]
fn a_container_whose_config_is_damaged_outside_its_links_can_be_removed() {
    // Removing reads only the dependency and volume fields of the stored config: a config that
    // no longer decodes as a whole (its `created` gone) still names its volume users.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.redb");
    let web = ctr("c1", "web").with_volumes(&["data"]);
    {
        let store = RedbStore::open(&path).unwrap();
        let state = store.open_handle().unwrap();
        state.add_volume(&vol("data")).unwrap();
        state.add_container(&web).unwrap();
    }
    {
        let mut builder = Builder::new();
        builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
        let db = builder.open(&path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let mut configs = tx.open_table(CONTAINER_CONFIGS).unwrap();
            let stored = configs.get("c1").unwrap().unwrap().value().to_vec();
            let (json, payloads) = object_parts(&stored).unwrap();
            let mut config: serde_json::Value = serde_json::from_str(&json).unwrap();
            config.as_object_mut().unwrap().remove("created");
            let damaged = object_from_parts(&config.to_string(), &payloads);
            configs.insert("c1", damaged.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let store = RedbStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    let err = state.container("c1").unwrap_err();
    assert_eq!(err.kind(), podstate_api::ErrorKind::Corrupt, "{err}");
    state.remove_container(&web).unwrap();
    assert_eq!(
        state.volume_in_use(&vol("data")).unwrap(),
        Vec::<String>::new()
    );
    assert!(store.verify().unwrap().is_empty());
}

#[test]
fn a_container_record_whose_networks_break_their_order_is_corrupt_naming_the_container() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.redb");
    let web = ctr("c1", "web").with_networks(&["net1"]);
    {
        let store = RedbStore::open(&path).unwrap();
        store.open_handle().unwrap().add_container(&web).unwrap();
    }
    {
        let mut builder = Builder::new();
        builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
        let db = builder.open(&path).unwrap();
        let tx = db.begin_write().unwrap();
        {
            let rec = ContainerRecord {
                name: "web",
                namespace: "",
                pod: None,
                networks: vec![("net1", vec!["b", "a"]), ("net0", vec![])],
            };
            let bytes = postcard::to_allocvec(&rec).unwrap();
            let mut containers = tx.open_table(CONTAINERS).unwrap();
            containers.insert("c1", bytes.as_slice()).unwrap();
        }
        tx.commit().unwrap();
    }
    let store = RedbStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    let calls: [(&str, podstate_api::Result<()>); 3] = [
        (
            "get_all_network_aliases",
            state.get_all_network_aliases(&web).map(drop),
        ),
        ("network_connect", state.network_connect(&web, "net2", &[])),
        ("network_disconnect", state.network_disconnect(&web, "net1")),
    ];
    for (call, result) in calls {
        let err = result.unwrap_err();
        assert_eq!(
            err.kind(),
            podstate_api::ErrorKind::Corrupt,
            "{call}: {err}"
        );
        assert!(err.message().contains("container \"c1\""), "{call}: {err}");
    }
    // The lookups read only the identity fields in front of the networks.
    assert_eq!(state.lookup_container_id("web").unwrap(), "c1");
}
