//! The invariants of SPEC §2, checked through the public API on a handle in namespace `""`.
//! (The conformance checker keeps its own copy private; this one needs only the dump.)

use std::collections::{BTreeMap, BTreeSet};

use podstate_api::State;
use podstate_conformance::{Dump, dump};

/// Fails with a description unless `cond`.
fn ensure(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what()) }
}

/// Whether `list` is sorted ascending without duplicates (SPEC §2.8).
fn sorted<T: Ord>(list: &[T]) -> bool {
    list.windows(2).all(|w| w[0] < w[1])
}

/// Checks every invariant over a dump of `state`; `sessions` are exec session IDs to probe
/// (the registry cannot be listed). Answers the dump.
pub fn check(state: &dyn State, sessions: &BTreeSet<String>) -> Result<Dump, String> {
    let d = dump(state).map_err(|e| format!("dump: {e}"))?;
    let ctrs: BTreeMap<&str, _> = d.containers.iter().map(|c| (c.container.id(), c)).collect();
    let pods: BTreeMap<&str, _> = d
        .pods
        .iter()
        .map(|p| (p.pod.config.id.as_str(), p))
        .collect();
    let ids: Vec<&str> = d.containers.iter().map(|c| c.container.id()).collect();
    ensure(sorted(&ids), || "all_containers unsorted".into())?;
    let pod_ids: Vec<&str> = pods.keys().copied().collect();
    ensure(sorted(&pod_ids) && pods.len() == d.pods.len(), || {
        "all_pods unsorted".into()
    })?;

    // 1: one ID space and one name space for containers and pods.
    let names: Vec<&str> = d
        .containers
        .iter()
        .map(|c| c.container.config.name.as_str())
        .chain(d.pods.iter().map(|p| p.pod.config.name.as_str()))
        .collect();
    let unique_names: BTreeSet<&str> = names.iter().copied().collect();
    ensure(unique_names.len() == names.len(), || {
        "a name is held twice".into()
    })?;
    let shared: Vec<&&str> = ids.iter().filter(|id| pods.contains_key(**id)).collect();
    ensure(shared.is_empty(), || {
        format!("IDs held by a container and a pod: {shared:?}")
    })?;

    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut members: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut users: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for c in &d.containers {
        let cfg = &c.container.config;
        // 2: dependencies are stored, in the same namespace and pod, never the container itself.
        for dep in cfg.dependencies() {
            let stored = ctrs.get(dep.as_str()).map(|d| &d.container.config);
            ensure(
                stored.is_some_and(|s| {
                    s.namespace == cfg.namespace && s.pod == cfg.pod && s.id != cfg.id
                }),
                || format!("{:?} has a bad dependency {dep:?}", cfg.id),
            )?;
            dependents
                .entry(ctrs[dep.as_str()].container.id())
                .or_default()
                .push(&cfg.id);
        }
        // 3: a member's pod is stored, in the same namespace.
        if let Some(pod) = &cfg.pod {
            let stored = pods.get(pod.as_str()).map(|p| &p.pod.config);
            ensure(stored.is_some_and(|p| p.namespace == cfg.namespace), || {
                format!("{:?} is in a bad pod {pod:?}", cfg.id)
            })?;
            members
                .entry(pods[pod.as_str()].pod.config.id.as_str())
                .or_default()
                .push(&cfg.id);
        }
        // 4: named volumes are stored.
        for vol in cfg.volume_names() {
            users.entry(vol).or_default().push(&cfg.id);
        }
        // 6: aliases only for connected networks, every connected network a key.
        let keys: Vec<&String> = c.aliases.keys().collect();
        let nets: Vec<&String> = c.networks.iter().collect();
        ensure(keys == nets && sorted(&c.networks), || {
            format!("{:?}: networks {nets:?} vs alias keys {keys:?}", cfg.id)
        })?;
        ensure(c.aliases.values().all(|a| sorted(a)), || {
            format!("{:?}: aliases", cfg.id)
        })?;
        // 5: the container's sessions point back at it.
        for session in &c.exec_sessions {
            ensure(
                state.get_exec_session(session).as_deref() == Ok(cfg.id.as_str()),
                || format!("session {session:?} of {:?}", cfg.id),
            )?;
        }
        ensure(sorted(&c.exec_sessions), || {
            format!("{:?}: sessions unsorted", cfg.id)
        })?;
    }
    // 7 and 8: every reverse index is exactly what the configs say, sorted.
    for c in &d.containers {
        let want = dependents.remove(c.container.id()).unwrap_or_default();
        ensure(c.dependents == want, || {
            format!("dependents of {:?}", c.container.id())
        })?;
    }
    for p in &d.pods {
        let want = members.remove(p.pod.config.id.as_str()).unwrap_or_default();
        ensure(p.members == want, || {
            format!("members of {:?}", p.pod.config.id)
        })?;
    }
    for v in &d.volumes {
        let want = users.remove(&v.volume.config.name).unwrap_or_default();
        ensure(v.users == want, || {
            format!("users of {:?}", v.volume.config.name)
        })?;
    }
    ensure(users.is_empty(), || {
        format!("missing volumes {:?}", users.keys())
    })?;
    // 5: every probed session that is registered points at a stored container listing it.
    for session in sessions {
        if let Ok(owner) = state.get_exec_session(session) {
            let listed = ctrs
                .get(owner.as_str())
                .is_some_and(|c| c.exec_sessions.contains(session));
            ensure(listed, || {
                format!("session {session:?} points at {owner:?}")
            })?;
        }
    }
    Ok(d)
}
