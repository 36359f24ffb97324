//! The indexes a backend keeps apart from its records must say exactly what the records say:
//! an entry the records do not back is dangling (SPEC §2.7), a missing one hides an object from
//! the calls that read the index (SPEC §2.1, 2.3-2.5).

use std::collections::{BTreeMap, BTreeSet};

use super::{Indexes, Invariant, Inventory, Violation};

use crate::raw::HolderKind;

/// Pushes every disagreement between `idx` and the records of `inv`.
pub(super) fn check(inv: &Inventory, idx: &Indexes, found: &mut Vec<Violation>) {
    if let Some(names_index) = &idx.names {
        names(inv, names_index, found);
    }
    let mut dependents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, c) in &inv.containers {
        for dep in c.config.dependencies() {
            dependents.entry(dep).or_default().insert(id.clone());
        }
        if let Some(pod) = &c.config.pod {
            members.entry(pod.clone()).or_default().insert(id.clone());
        }
        for name in c.config.volume_names() {
            users.entry(name).or_default().insert(id.clone());
        }
    }
    let mut sessions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (session, owner) in &inv.exec_sessions {
        sessions
            .entry(owner.clone())
            .or_default()
            .insert(session.clone());
    }
    let unread = &inv.unread;
    // An entry that refers to a record stored but unreadable is not reported as dangling: the
    // record is listed as unreadable, and what it would back is unknown.
    let by_container = |key: &str, value: &str| {
        unread.containers.contains(key) || unread.containers.contains(value)
    };
    let by_pod =
        |key: &str, value: &str| unread.pods.contains(key) || unread.containers.contains(value);
    let by_volume =
        |key: &str, value: &str| unread.volumes.contains(key) || unread.containers.contains(value);
    let by_owner = |key: &str, _: &str| unread.containers.contains(key);
    let indexes = [
        (
            Invariant::NothingDangles,
            "dependents of",
            &idx.dependents,
            &dependents,
            &by_container as &Skip,
        ),
        (
            Invariant::Pods,
            "members of pod",
            &idx.members,
            &members,
            &by_pod,
        ),
        (
            Invariant::Volumes,
            "users of volume",
            &idx.volume_users,
            &users,
            &by_volume,
        ),
        (
            Invariant::ExecSessions,
            "exec sessions of",
            &idx.container_sessions,
            &sessions,
            &by_owner,
        ),
    ];
    for (invariant, what, stored, expected, unread) in indexes {
        compare(invariant, what, stored, expected, unread, found);
    }
}

/// Whether an index entry (key, value) refers to a record that is stored but unreadable.
type Skip<'a> = dyn Fn(&str, &str) -> bool + 'a;

/// Invariant 1: the name index holds exactly the records' names, each by its holder.
fn names(
    inv: &Inventory,
    index: &BTreeMap<String, (HolderKind, String)>,
    found: &mut Vec<Violation>,
) {
    let mut expected: BTreeMap<&str, (HolderKind, &str)> = BTreeMap::new();
    for c in inv.containers.values() {
        expected.insert(&c.config.name, (HolderKind::Container, &c.config.id));
    }
    for p in inv.pods.values() {
        expected.insert(&p.config.name, (HolderKind::Pod, &p.config.id));
    }
    for (name, (kind, id)) in index {
        if inv.unread.object(id) {
            continue;
        }
        if expected.get(name.as_str()) != Some(&(*kind, id.as_str())) {
            found.push(Violation::new(
                Invariant::SharedSpaces,
                &[name, id],
                format!(
                    "the name index gives {name:?} to {} {id:?}, whose record does not hold it",
                    kind.noun()
                ),
            ));
        }
    }
    for (name, (kind, id)) in expected {
        if !index.contains_key(name) {
            found.push(Violation::new(
                Invariant::SharedSpaces,
                &[name, id],
                format!(
                    "{} {id:?} holds name {name:?}, which the name index lacks",
                    kind.noun()
                ),
            ));
        }
    }
}

/// One index against what the records say it must be.
fn compare(
    invariant: Invariant,
    what: &str,
    stored: &BTreeMap<String, BTreeSet<String>>,
    expected: &BTreeMap<String, BTreeSet<String>>,
    unread: &Skip<'_>,
    found: &mut Vec<Violation>,
) {
    let empty = BTreeSet::new();
    let keys: BTreeSet<&String> = stored.keys().chain(expected.keys()).collect();
    for key in keys {
        let have = stored.get(key).unwrap_or(&empty);
        let want = expected.get(key).unwrap_or(&empty);
        for extra in have.difference(want).filter(|extra| !unread(key, extra)) {
            found.push(Violation::new(
                Invariant::NothingDangles,
                &[key, extra],
                format!(
                    "the index of {what} {key:?} lists {extra:?}, which the records do not back"
                ),
            ));
        }
        for missing in want.difference(have) {
            found.push(Violation::new(
                invariant,
                &[key, missing],
                format!("the index of {what} {key:?} lacks {missing:?}"),
            ));
        }
    }
}
