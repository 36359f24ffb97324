//! Stories that pin the tricky points of SPEC on the reference model: the oracle must be right
//! before it can judge anyone. Each story quotes the clause it checks.

mod containers;
mod exec_networks;
mod lifecycle;
mod lookups;
mod namespaces;
mod pods;

use podstate_api::{
    Container, ContainerConfig, ErrorKind, NamedVolume, Pod, PodConfig, Result, Volume,
    VolumeConfig,
};
use podstate_conformance::model::{ModelState, ModelStore};

/// A fresh store and one handle on it.
fn fresh() -> (ModelStore, ModelState) {
    let store = ModelStore::new();
    let state = store.open();
    (store, state)
}

/// A container outside any pod, in namespace "".
fn ctr(id: &str, name: &str) -> Container {
    Container::new(ContainerConfig::new(id, name))
}

/// A container in namespace `ns`.
fn ctr_in(ns: &str, id: &str, name: &str) -> Container {
    let mut c = ctr(id, name);
    c.config.namespace = ns.into();
    c
}

/// A container that depends on `deps` through `depends_on`.
fn ctr_with_deps(id: &str, name: &str, deps: &[&str]) -> Container {
    let mut c = ctr(id, name);
    c.config.depends_on = deps.iter().map(|d| d.to_string()).collect();
    c
}

/// A container for pod `pod_id`, in namespace "".
fn member(pod_id: &str, id: &str, name: &str) -> Container {
    let mut c = ctr(id, name);
    c.config.pod = Some(pod_id.into());
    c
}

/// A pod in namespace "".
fn pod(id: &str, name: &str) -> Pod {
    Pod::new(PodConfig::new(id, name))
}

/// A pod in namespace `ns`.
fn pod_in(ns: &str, id: &str, name: &str) -> Pod {
    let mut p = pod(id, name);
    p.config.namespace = ns.into();
    p
}

/// A volume.
fn vol(name: &str) -> Volume {
    Volume::new(VolumeConfig::new(name))
}

/// Mounts volume `name` in `c`.
fn with_volume(mut c: Container, name: &str) -> Container {
    c.config.named_volumes.push(NamedVolume {
        name: name.into(),
        ..NamedVolume::default()
    });
    c
}

/// The kind of a call's error; a success fails the story.
fn err<T: std::fmt::Debug>(result: Result<T>) -> ErrorKind {
    match result {
        Ok(value) => panic!("expected an error, got Ok({value:?})"),
        Err(e) => e.kind(),
    }
}

/// Strings for expected lists.
fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The model's data must keep every SPEC §2 invariant after a story.
fn assert_invariants(store: &ModelStore) {
    assert_eq!(store.invariant_violations(), Vec::<String>::new());
}
