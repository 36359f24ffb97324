//! The global invariants of SPEC §2, checked through the public API.
//!
//! The checks run on a handle in namespace `""` (so everything is visible) other than the one the
//! case drives. They start from a [`dump`](crate::dump::dump), which already answers every
//! per-object query, then probe what a dump cannot list: exec sessions by the IDs the case used,
//! and the exact-ID and name lookups of every stored object.

use std::collections::{BTreeMap, BTreeSet};

use podstate_api::{ErrorKind, State, StateError};

use super::answer::unsorted_keys;
use crate::dump::{ContainerDump, Dump, dump};

/// Checks every invariant on `state` (a handle in namespace `""`) and returns the dump it took.
/// `sessions` are exec session IDs to probe (invariant 5 cannot list the registry otherwise).
pub fn check(state: &dyn State, sessions: &BTreeSet<String>) -> Result<Dump, String> {
    let d = dump(state).map_err(|e| failed("dump", &e))?;
    sorted_lists(&d)?;
    shared_spaces(&d)?;
    let ctrs: BTreeMap<&str, &ContainerDump> =
        d.containers.iter().map(|c| (c.container.id(), c)).collect();
    dependencies(&ctrs)?;
    memberships(&d, &ctrs)?;
    volumes(&d, &ctrs)?;
    networks(&d)?;
    exec_sessions(state, &ctrs, sessions)?;
    lookups(state, &d)?;
    Ok(d)
}

fn failed(what: &str, e: &StateError) -> String {
    format!("{what} failed on the checking handle: {e}")
}

/// Invariant 8 for every list the dump holds.
fn sorted_lists(d: &Dump) -> Result<(), String> {
    let checks = [
        unsorted_keys(
            "all_containers",
            d.containers.iter().map(|c| c.container.id()),
        ),
        unsorted_keys("all_pods", d.pods.iter().map(|p| p.pod.id())),
        unsorted_keys("all_volumes", d.volumes.iter().map(|v| v.volume.name())),
    ];
    if let Some(why) = checks.into_iter().flatten().next() {
        return Err(why);
    }
    for c in &d.containers {
        let id = c.container.id();
        let lists = [
            ("get_networks", &c.networks),
            ("container_in_use", &c.dependents),
            ("get_container_exec_sessions", &c.exec_sessions),
        ];
        for (what, list) in lists {
            if let Some(why) = unsorted_keys(what, list.iter().map(String::as_str)) {
                return Err(format!("container {id:?}: {why}"));
            }
        }
        for (net, aliases) in &c.aliases {
            if let Some(why) = unsorted_keys(net, aliases.iter().map(String::as_str)) {
                return Err(format!("container {id:?}, aliases: {why}"));
            }
        }
    }
    for p in &d.pods {
        if let Some(why) = unsorted_keys("members", p.members.iter().map(String::as_str)) {
            return Err(format!("pod {:?}: {why}", p.pod.id()));
        }
    }
    for v in &d.volumes {
        if let Some(why) = unsorted_keys("volume_in_use", v.users.iter().map(String::as_str)) {
            return Err(format!("volume {:?}: {why}", v.volume.name()));
        }
    }
    Ok(())
}

/// Invariant 1: one ID space and one name space for containers and pods.
fn shared_spaces(d: &Dump) -> Result<(), String> {
    let pod_ids: BTreeSet<&str> = d.pods.iter().map(|p| p.pod.id()).collect();
    if let Some(c) = d
        .containers
        .iter()
        .find(|c| pod_ids.contains(c.container.id()))
    {
        return Err(format!(
            "ID {:?} is held by a container and a pod",
            c.container.id()
        ));
    }
    let mut names = BTreeMap::new();
    let all_names = d
        .containers
        .iter()
        .map(|c| (c.container.config.name.as_str(), c.container.id()))
        .chain(
            d.pods
                .iter()
                .map(|p| (p.pod.config.name.as_str(), p.pod.id())),
        );
    for (name, id) in all_names {
        if let Some(other) = names.insert(name, id) {
            return Err(format!(
                "name {name:?} is held by both {other:?} and {id:?}"
            ));
        }
    }
    Ok(())
}

/// Invariant 2, plus the reverse edges `container_in_use` reports (invariant 7).
fn dependencies(ctrs: &BTreeMap<&str, &ContainerDump>) -> Result<(), String> {
    let mut dependents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (&id, c) in ctrs {
        let cfg = &c.container.config;
        for dep in cfg.dependencies() {
            let Some(target) = ctrs.get(dep.as_str()) else {
                return Err(format!(
                    "container {id:?} depends on {dep:?}, which is not stored"
                ));
            };
            let target_cfg = &target.container.config;
            if dep == id {
                return Err(format!("container {id:?} depends on itself"));
            }
            if target_cfg.namespace != cfg.namespace {
                return Err(format!(
                    "container {id:?} (namespace {:?}) depends on {dep:?} (namespace {:?})",
                    cfg.namespace, target_cfg.namespace
                ));
            }
            if target_cfg.pod != cfg.pod {
                return Err(format!(
                    "container {id:?} (pod {:?}) depends on {dep:?} (pod {:?})",
                    cfg.pod, target_cfg.pod
                ));
            }
            dependents
                .entry(target.container.id())
                .or_default()
                .insert(id);
        }
    }
    for (&id, c) in ctrs {
        let expected: Vec<&str> = dependents
            .remove(id)
            .unwrap_or_default()
            .into_iter()
            .collect();
        if c.dependents != expected {
            return Err(format!(
                "container_in_use({id:?}) = {:?}, but the stored configs say {expected:?}",
                c.dependents
            ));
        }
    }
    Ok(())
}

/// Invariant 3, both ways.
fn memberships(d: &Dump, ctrs: &BTreeMap<&str, &ContainerDump>) -> Result<(), String> {
    let pods: BTreeMap<&str, _> = d.pods.iter().map(|p| (p.pod.id(), p)).collect();
    for (&id, c) in ctrs {
        let Some(pod_id) = &c.container.config.pod else {
            continue;
        };
        let Some(pod) = pods.get(pod_id.as_str()) else {
            return Err(format!(
                "container {id:?} names pod {pod_id:?}, which is not stored"
            ));
        };
        if !pod.members.iter().any(|m| m == id) {
            return Err(format!(
                "container {id:?} names pod {pod_id:?}, which does not list it"
            ));
        }
        if pod.pod.config.namespace != c.container.config.namespace {
            return Err(format!(
                "container {id:?} and its pod {pod_id:?} differ in namespace"
            ));
        }
    }
    for p in &d.pods {
        for member in &p.members {
            let names_pod = ctrs
                .get(member.as_str())
                .is_some_and(|c| c.container.config.pod.as_deref() == Some(p.pod.id()));
            if !names_pod {
                return Err(format!(
                    "pod {:?} lists member {member:?}, which is not a stored container naming it",
                    p.pod.id()
                ));
            }
        }
    }
    Ok(())
}

/// Invariant 4, and `volume_in_use` as the reverse of the named volumes (invariant 7).
fn volumes(d: &Dump, ctrs: &BTreeMap<&str, &ContainerDump>) -> Result<(), String> {
    let mut users: BTreeMap<String, BTreeSet<&str>> = d
        .volumes
        .iter()
        .map(|v| (v.volume.name().to_owned(), BTreeSet::new()))
        .collect();
    for (&id, c) in ctrs {
        for name in c.container.config.volume_names() {
            let Some(set) = users.get_mut(&name) else {
                return Err(format!(
                    "container {id:?} uses volume {name:?}, which is not stored"
                ));
            };
            set.insert(id);
        }
    }
    for v in &d.volumes {
        let expected: Vec<&str> = users[v.volume.name()].iter().copied().collect();
        if v.users != expected {
            return Err(format!(
                "volume_in_use({:?}) = {:?}, but the stored configs say {expected:?}",
                v.volume.name(),
                v.users
            ));
        }
    }
    Ok(())
}

/// Invariant 6: aliases only for connected networks, and every connected network is a key.
fn networks(d: &Dump) -> Result<(), String> {
    for c in &d.containers {
        let keys: Vec<&String> = c.aliases.keys().collect();
        let nets: Vec<&String> = c.networks.iter().collect();
        if keys != nets {
            return Err(format!(
                "container {:?}: get_networks = {:?} but get_all_network_aliases has keys {:?}",
                c.container.id(),
                c.networks,
                keys
            ));
        }
    }
    Ok(())
}

/// Invariant 5, from both sides: what each container lists, and each probed session ID.
fn exec_sessions(
    state: &dyn State,
    ctrs: &BTreeMap<&str, &ContainerDump>,
    probes: &BTreeSet<String>,
) -> Result<(), String> {
    for (&id, c) in ctrs {
        for session in &c.exec_sessions {
            match state.get_exec_session(session) {
                Ok(owner) if owner == id => {}
                Ok(owner) => {
                    return Err(format!(
                        "container {id:?} lists exec session {session:?}, registered to {owner:?}"
                    ));
                }
                Err(e) => return Err(failed(&format!("get_exec_session({session:?})"), &e)),
            }
        }
    }
    for session in probes.iter().filter(|s| !s.is_empty() && !s.contains('\0')) {
        match state.get_exec_session(session) {
            Ok(owner) => {
                let listed = ctrs
                    .get(owner.as_str())
                    .is_some_and(|c| c.exec_sessions.contains(session));
                if !listed {
                    return Err(format!(
                        "exec session {session:?} is registered to {owner:?}, which does not \
                         list it (or is not stored)"
                    ));
                }
            }
            Err(e) if e.kind() == ErrorKind::NoSuchExecSession => {}
            Err(e) => return Err(failed(&format!("get_exec_session({session:?})"), &e)),
        }
    }
    Ok(())
}

/// Exact-ID lookups agree with the listing: nothing listed is unreachable by its key.
fn lookups(state: &dyn State, d: &Dump) -> Result<(), String> {
    let mismatch = |what: &str, key: &str, got: String| {
        format!("{what}({key:?}) answered {got} for a listed object")
    };
    for c in &d.containers {
        let (id, name) = (c.container.id(), &c.container.config.name);
        match state.get_name(id) {
            Ok(n) if n == *name => {}
            other => return Err(mismatch("get_name", id, format!("{other:?}"))),
        }
        match state.has_container(id) {
            Ok(true) => {}
            other => return Err(mismatch("has_container", id, format!("{other:?}"))),
        }
        match state.lookup_container_id(id) {
            Ok(found) if found == id => {}
            other => return Err(mismatch("lookup_container_id", id, format!("{other:?}"))),
        }
    }
    for p in &d.pods {
        let (id, name) = (p.pod.id(), &p.pod.config.name);
        match state.get_name(id) {
            Ok(n) if n == *name => {}
            other => return Err(mismatch("get_name", id, format!("{other:?}"))),
        }
        match state.has_pod(id) {
            Ok(true) => {}
            other => return Err(mismatch("has_pod", id, format!("{other:?}"))),
        }
    }
    for v in &d.volumes {
        match state.has_volume(v.volume.name()) {
            Ok(true) => {}
            other => {
                return Err(mismatch(
                    "has_volume",
                    v.volume.name(),
                    format!("{other:?}"),
                ));
            }
        }
    }
    Ok(())
}
