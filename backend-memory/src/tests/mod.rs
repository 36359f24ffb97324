//! Unit tests for the parts of this backend that are easiest to get subtly wrong: prefix range
//! scans under namespaces, atomicity of failed calls, refresh, index upkeep and handles. The
//! shared scenario suite lives in the conformance crate.

mod atomicity;
mod handles;
mod indexes;
mod lookups;
mod refresh;
mod whole;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use podstate_api::{Container, ContainerConfig, ErrorKind, Pod, PodConfig, Result, Volume};
use podstate_api::{NamedVolume, VolumeConfig};

use podstate_api::raw::HolderKind;

use crate::data::Data;

/// A container outside any pod, in namespace `ns`.
fn ctr(id: &str, name: &str, ns: &str) -> Container {
    let mut cfg = ContainerConfig::new(id, name);
    cfg.namespace = ns.into();
    Container::new(cfg)
}

/// A container for pod `pod`, in namespace `ns`.
fn member(id: &str, name: &str, ns: &str, pod: &str) -> Container {
    let mut c = ctr(id, name, ns);
    c.config.pod = Some(pod.into());
    c
}

/// A pod in namespace `ns`.
fn pod(id: &str, name: &str, ns: &str) -> Pod {
    let mut cfg = PodConfig::new(id, name);
    cfg.namespace = ns.into();
    Pod::new(cfg)
}

/// A volume with an empty state.
fn vol(name: &str) -> Volume {
    Volume::new(VolumeConfig::new(name))
}

/// A named-volume mount of `name`.
fn mount(name: &str, dest: &str) -> NamedVolume {
    NamedVolume {
        name: name.into(),
        dest: dest.into(),
        options: Vec::new(),
    }
}

/// Asserts that `result` failed with `kind`.
#[track_caller]
fn assert_kind<T: Debug>(result: Result<T>, kind: ErrorKind) {
    match result {
        Ok(value) => panic!("expected {kind}, got Ok({value:?})"),
        Err(err) => assert_eq!(err.kind(), kind, "unexpected error: {err}"),
    }
}

/// Rebuilds every index from the stored configs and the exec registry and compares it with the
/// one the backend maintains (invariants 1-7 as far as indexes go).
#[track_caller]
fn assert_indexes_consistent(data: &Data) {
    let mut names = BTreeMap::new();
    let mut dependents: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut members: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, c) in &data.containers {
        assert_eq!(*id, c.config.id);
        names.insert(c.config.name.clone(), (HolderKind::Container, id.clone()));
        for dep in c.config.dependencies() {
            let stored = data.containers.get(&dep).expect("dependency is stored");
            assert_eq!(stored.config.namespace, c.config.namespace);
            assert_eq!(stored.config.pod, c.config.pod);
            dependents
                .entry(stored.config.id.as_str())
                .or_default()
                .insert(id.clone());
        }
        if let Some(p) = &c.config.pod {
            let stored = data.pods.get(p).expect("pod of a member is stored");
            assert_eq!(stored.config.namespace, c.config.namespace);
            members
                .entry(stored.config.id.as_str())
                .or_default()
                .insert(id.clone());
        }
        for v in c.config.volume_names() {
            assert!(data.volumes.contains_key(&v), "volume {v} is stored");
            users.entry(v).or_default().insert(id.clone());
        }
    }
    for (id, p) in &data.pods {
        assert!(
            !data.containers.contains_key(id),
            "pod ID {id} also a container ID"
        );
        names.insert(p.config.name.clone(), (HolderKind::Pod, id.clone()));
    }
    let held: BTreeMap<_, _> = data
        .names
        .iter()
        .map(|(name, h)| (name.clone(), (h.kind, h.id.clone())))
        .collect();
    assert_eq!(held, names, "name index");
    for (id, c) in &data.containers {
        let expected = dependents.remove(id.as_str()).unwrap_or_default();
        assert_eq!(c.dependents, expected, "dependents of {id}");
        let sessions: BTreeSet<String> = data
            .exec_sessions
            .iter()
            .filter(|(_, owner)| *owner == id)
            .map(|(s, _)| s.clone())
            .collect();
        assert_eq!(c.exec_sessions, sessions, "exec sessions of {id}");
    }
    for owner in data.exec_sessions.values() {
        assert!(
            data.containers.contains_key(owner),
            "exec owner {owner} is stored"
        );
    }
    for (id, p) in &data.pods {
        let expected = members.remove(id.as_str()).unwrap_or_default();
        assert_eq!(p.members, expected, "members of pod {id}");
    }
    for (name, v) in &data.volumes {
        let expected = users.remove(name).unwrap_or_default();
        assert_eq!(v.users, expected, "users of volume {name}");
    }
}
