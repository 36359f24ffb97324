//! Each invariant of SPEC §2 broken once, on purpose, in records and in indexes.

use super::*;
use crate::snapshot::SnapshotContainer;
use crate::{ContainerConfig, ExecSession, NamedVolume, PodConfig, VolumeConfig};

fn ctr(id: &str, name: &str) -> SnapshotContainer {
    SnapshotContainer {
        container: Container::new(ContainerConfig::new(id, name)),
        networks: BTreeMap::new(),
    }
}

/// The invariants the violations of `snapshot` break, sorted, without duplicates.
/// By clause number, 0 for a finding that is not one clause.
fn broken(snapshot: &Snapshot) -> Vec<u8> {
    let mut found: Vec<u8> = violations(&Inventory::from(snapshot))
        .iter()
        .map(|v| v.invariant.clause().unwrap_or(0))
        .collect();
    found.dedup();
    found
}

fn sound() -> Snapshot {
    let mut db = ctr("c1", "db");
    db.container.config.pod = Some("p1".into());
    db.container.config.named_volumes.push(NamedVolume {
        name: "data".into(),
        ..NamedVolume::default()
    });
    db.networks.insert("net".into(), vec!["alias".into()]);
    let mut app = ctr("c2", "app");
    app.container.config.pod = Some("p1".into());
    app.container.config.depends_on = vec!["c1".into()];
    Snapshot {
        volumes: vec![Volume::new(VolumeConfig::new("data"))],
        pods: vec![Pod::new(PodConfig::new("p1", "pod"))],
        containers: vec![db, app],
        exec_sessions: vec![ExecSession::new("e1", "c2")],
        ..Snapshot::default()
    }
}

#[test]
fn a_sound_snapshot_has_no_violation() {
    assert_eq!(violations(&Inventory::from(&sound())), []);
}

#[test]
fn each_broken_rule_is_named_by_its_invariant() {
    let mut s = sound();
    s.containers[1].container.config.name = "pod".into();
    assert_eq!(broken(&s), [1], "a name held by a pod and a container");

    let mut s = sound();
    s.containers[1].container.config.depends_on = vec!["gone".into()];
    assert_eq!(broken(&s), [2], "a dependency on a missing container");

    let mut s = sound();
    s.containers[0].container.config.depends_on = vec!["c2".into()];
    assert_eq!(broken(&s), [2], "a dependency cycle");

    let mut s = sound();
    s.pods.clear();
    assert_eq!(broken(&s), [3], "members of a missing pod");

    let mut s = sound();
    s.volumes.clear();
    assert_eq!(broken(&s), [4], "a named volume that is not stored");

    let mut s = sound();
    s.exec_sessions.push(ExecSession::new("e2", "nobody"));
    assert_eq!(broken(&s), [5], "a session of a missing container");

    let mut inv = Inventory::from(&sound());
    let db = inv
        .containers
        .get_mut("c1")
        .expect("c1 is in the sound snapshot");
    db.config.id = "c9".into();
    let found = violations(&inv);
    assert_eq!(
        found[0].invariant,
        Invariant::SharedSpaces,
        "a record under another key: {found:?}"
    );
    assert_eq!(found[0].objects, ["c1", "c9"]);
}

#[test]
fn indexes_must_say_what_the_records_say() {
    let mut inv = Inventory::from(&sound());
    let names = [
        ("db", HolderKind::Container, "c1"),
        ("app", HolderKind::Container, "c2"),
        ("pod", HolderKind::Pod, "p1"),
    ];
    let mut idx = Indexes {
        names: Some(
            names
                .into_iter()
                .map(|(name, kind, id)| (name.to_owned(), (kind, id.to_owned())))
                .collect(),
        ),
        ..Indexes::default()
    };
    idx.dependents.insert("c1".into(), ["c2".into()].into());
    idx.members
        .insert("p1".into(), ["c1".into(), "c2".into()].into());
    idx.volume_users.insert("data".into(), ["c1".into()].into());
    idx.container_sessions
        .insert("c2".into(), ["e1".into()].into());
    inv.indexes = Some(idx.clone());
    assert_eq!(violations(&inv), []);

    // A reverse edge left behind by a removal dangles (SPEC §2.7).
    let mut stale = idx.clone();
    stale
        .dependents
        .insert("c1".into(), ["c2".into(), "c3".into()].into());
    inv.indexes = Some(stale);
    let found = violations(&inv);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].invariant, Invariant::NothingDangles);
    assert!(found[0].objects.contains(&"c3".to_owned()));

    // A name the index lost hides the object from lookups (SPEC §2.1).
    let mut lost = idx;
    if let Some(names) = lost.names.as_mut() {
        names.remove("app");
    }
    inv.indexes = Some(lost);
    assert_eq!(violations(&inv)[0].invariant, Invariant::SharedSpaces);
}

#[test]
fn an_unreadable_record_is_not_called_missing_by_what_refers_to_it() {
    // c1 (a pod member using volume "data", a dependency of c2) is stored but does not decode;
    // so are pod p1's and volume data's records in the second round.
    let mut inv = Inventory::from(&sound());
    inv.containers.remove("c1");
    inv.unread.containers.insert("c1".into());
    inv.unreadable
        .push(Violation::unreadable("container \"c1\"", "bad JSON"));
    let mut idx = Indexes::default();
    idx.dependents.insert("c1".into(), ["c2".into()].into());
    idx.members
        .insert("p1".into(), ["c1".into(), "c2".into()].into());
    idx.volume_users.insert("data".into(), ["c1".into()].into());
    idx.container_sessions
        .insert("c2".into(), ["e1".into()].into());
    inv.indexes = Some(idx);
    let found = violations(&inv);
    assert_eq!(found.len(), 1, "only the unreadable record: {found:?}");

    inv.pods.clear();
    inv.unread.pods.insert("p1".into());
    inv.volumes.clear();
    inv.unread.volumes.insert("data".into());
    let found = violations(&inv);
    assert_eq!(found.len(), 1, "only the unreadable record: {found:?}");
}

/// The sound snapshot's records with an identity index (as SQLite's `object` table) that
/// copies every identity field.
fn with_identity_index() -> Inventory {
    let mut inv = Inventory::from(&sound());
    let mut entries = BTreeMap::new();
    for (id, c) in &inv.containers {
        let entry = IndexedIdentity {
            kind: HolderKind::Container,
            name: Some(c.config.name.clone()),
            namespace: Some(c.config.namespace.clone()),
            pod: Some(c.config.pod.clone()),
        };
        entries.insert(id.clone(), entry);
    }
    for (id, p) in &inv.pods {
        let entry = IndexedIdentity {
            kind: HolderKind::Pod,
            name: Some(p.config.name.clone()),
            namespace: Some(p.config.namespace.clone()),
            pod: None,
        };
        entries.insert(id.clone(), entry);
    }
    let mut idx = Indexes::default();
    idx.dependents.insert("c1".into(), ["c2".into()].into());
    idx.members
        .insert("p1".into(), ["c1".into(), "c2".into()].into());
    idx.volume_users.insert("data".into(), ["c1".into()].into());
    idx.container_sessions
        .insert("c2".into(), ["e1".into()].into());
    idx.identities.push(IdentityIndex {
        place: "object".into(),
        kinds: vec![HolderKind::Container, HolderKind::Pod],
        entries,
    });
    inv.indexes = Some(idx);
    inv
}

#[test]
fn an_identity_index_must_copy_its_records_exactly() {
    assert_eq!(violations(&with_identity_index()), []);
    let entry = |inv: &mut Inventory, id: &str| -> IndexedIdentity {
        let idx = inv.indexes.as_mut().unwrap();
        idx.identities[0].entries.remove(id).unwrap()
    };
    let put = |inv: &mut Inventory, id: &str, e: IndexedIdentity| {
        let idx = inv.indexes.as_mut().unwrap();
        idx.identities[0].entries.insert(id.into(), e);
    };
    type Change = fn(&mut IndexedIdentity);
    let changes: [(&str, &str, Change); 6] = [
        ("c1", "namespace", |e| e.namespace = Some("x".into())),
        ("p1", "namespace", |e| e.namespace = Some("x".into())),
        ("c2", "name", |e| e.name = Some("renamed".into())),
        ("c2", "pod", |e| e.pod = Some(None)),
        ("c1", "kind", |e| e.kind = HolderKind::Pod),
        ("p1", "kind", |e| e.kind = HolderKind::Container),
    ];
    for (id, field, change) in changes {
        let mut inv = with_identity_index();
        let mut e = entry(&mut inv, id);
        change(&mut e);
        put(&mut inv, id, e);
        let found = violations(&inv);
        assert!(
            found.iter().any(|v| v.objects.contains(&id.to_owned())),
            "{id}'s {field} changed in the index: {found:?}"
        );
    }
    // An entry for nothing stored dangles; a record without its entry is hidden.
    let mut inv = with_identity_index();
    let e = entry(&mut inv, "c1");
    put(&mut inv, "c9", e);
    let found = violations(&inv);
    assert!(
        found.iter().any(|v| v.objects.contains(&"c9".to_owned())),
        "{found:?}"
    );
    assert!(
        found.iter().any(|v| v.objects.contains(&"c1".to_owned())),
        "{found:?}"
    );
}
