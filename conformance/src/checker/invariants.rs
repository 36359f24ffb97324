//! The global invariants of SPEC §2, checked through the public API.
//!
//! The checks run on a handle in namespace `""` (so everything is visible) other than the one the
//! case drives. They start from a [`dump`](crate::dump::dump), which already answers every
//! per-object query: the records and what the calls report of them go through
//! `podstate_api::verify::violations`, the one implementation of the invariants that
//! `Store::verify` also runs on a backend's own tables. Then come what only the API shows:
//! sorted lists, every connected network a key of `get_all_network_aliases`, exec sessions
//! probed by the IDs the case used, and the exact-ID and name lookups of every stored object.

use std::collections::{BTreeMap, BTreeSet};

use podstate_api::verify::{Indexes, Inventory, violations};
use podstate_api::{ErrorKind, State, StateError};

use super::answer::unsorted_keys;
use crate::dump::{ContainerDump, Dump, dump};

/// Checks every invariant on `state` (a handle in namespace `""`) and returns the dump it took.
/// `sessions` are exec session IDs to probe (invariant 5 cannot list the registry otherwise).
pub fn check(state: &dyn State, sessions: &BTreeSet<String>) -> Result<Dump, String> {
    let d = dump(state).map_err(|e| failed("dump", &e))?;
    sorted_lists(&d)?;
    if let Some(first) = violations(&inventory(&d)).first() {
        return Err(first.to_string());
    }
    let ctrs: BTreeMap<&str, &ContainerDump> =
        d.containers.iter().map(|c| (c.container.id(), c)).collect();
    networks(&d)?;
    exec_sessions(state, &ctrs, sessions)?;
    lookups(state, &d)?;
    Ok(d)
}

/// What the public API shows of the store, as the records and indexes the invariant checks of
/// `podstate-api` read (the same checks `Store::verify` runs on a backend's own tables):
/// dependents, members, volume users and a container's sessions as the calls answer them.
fn inventory(d: &Dump) -> Inventory {
    let mut inv = Inventory::default();
    let mut idx = Indexes::default();
    for c in &d.containers {
        let id = c.container.id().to_owned();
        inv.containers.insert(id.clone(), c.container.clone());
        inv.networks
            .insert(id.clone(), c.networks.iter().cloned().collect());
        let aliases = c
            .aliases
            .iter()
            .map(|(net, a)| (net.clone(), a.iter().cloned().collect()))
            .collect();
        inv.aliases.insert(id.clone(), aliases);
        for session in &c.exec_sessions {
            inv.exec_sessions.insert(session.clone(), id.clone());
        }
        idx.dependents
            .insert(id.clone(), c.dependents.iter().cloned().collect());
        idx.container_sessions
            .insert(id, c.exec_sessions.iter().cloned().collect());
    }
    for p in &d.pods {
        let id = p.pod.id().to_owned();
        inv.pods.insert(id.clone(), p.pod.clone());
        idx.members.insert(id, p.members.iter().cloned().collect());
    }
    for v in &d.volumes {
        let name = v.volume.name().to_owned();
        inv.volumes.insert(name.clone(), v.volume.clone());
        idx.volume_users
            .insert(name, v.users.iter().cloned().collect());
    }
    inv.indexes = Some(idx);
    inv
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
