//! SPEC §2 over the records themselves: what must hold whatever indexes a backend keeps.

use std::collections::BTreeMap;

use super::{Invariant, Inventory, Violation};
use crate::raw::rules;

/// Pushes every violation the records of `inv` show.
pub(super) fn check(inv: &Inventory, found: &mut Vec<Violation>) {
    keys_and_strings(inv, found);
    shared_spaces(inv, found);
    dependencies(inv, found);
    cycles(inv, found);
    memberships(inv, found);
    volumes(inv, found);
    exec_sessions(inv, found);
    networks(inv, found);
}

/// Every record sits under its own key, and its identity strings follow SPEC §5 Strings.
fn keys_and_strings(inv: &Inventory, found: &mut Vec<Violation>) {
    for (key, c) in &inv.containers {
        if c.config.id != *key {
            found.push(Violation::new(
                Invariant::SharedSpaces,
                &[key, &c.config.id],
                format!("container record {key:?} holds container {:?}", c.config.id),
            ));
        }
        if let Err(e) = rules::check_new_container(&c.config) {
            found.push(Violation::new(
                Invariant::SharedSpaces,
                &[key],
                format!("container {key:?}: {e}"),
            ));
        }
    }
    for (key, p) in &inv.pods {
        if p.config.id != *key {
            found.push(Violation::new(
                Invariant::SharedSpaces,
                &[key, &p.config.id],
                format!("pod record {key:?} holds pod {:?}", p.config.id),
            ));
        }
        if let Err(e) = rules::check_new_pod(&p.config) {
            found.push(Violation::new(
                Invariant::SharedSpaces,
                &[key],
                format!("pod {key:?}: {e}"),
            ));
        }
    }
    for (key, v) in &inv.volumes {
        if v.config.name != *key {
            found.push(Violation::new(
                Invariant::Volumes,
                &[key, &v.config.name],
                format!("volume record {key:?} holds volume {:?}", v.config.name),
            ));
        }
        if let Err(e) = rules::check_new_volume(&v.config) {
            found.push(Violation::new(
                Invariant::Volumes,
                &[key],
                format!("volume {key:?}: {e}"),
            ));
        }
    }
}

/// Invariant 1: one ID space and one name space for containers and pods.
fn shared_spaces(inv: &Inventory, found: &mut Vec<Violation>) {
    for id in inv
        .containers
        .keys()
        .filter(|id| inv.pods.contains_key(*id))
    {
        found.push(Violation::new(
            Invariant::SharedSpaces,
            &[id],
            format!("ID {id:?} is held by a container and a pod"),
        ));
    }
    let mut holders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let names = (inv
        .containers
        .values()
        .map(|c| (&c.config.name, &c.config.id)))
    .chain(inv.pods.values().map(|p| (&p.config.name, &p.config.id)));
    for (name, id) in names {
        holders.entry(name).or_default().push(id);
    }
    for (name, ids) in holders.iter().filter(|(_, ids)| ids.len() > 1) {
        let mut objects = vec![*name];
        objects.extend(ids.iter().copied());
        found.push(Violation::new(
            Invariant::SharedSpaces,
            &objects,
            format!("name {name:?} is held by {} objects: {ids:?}", ids.len()),
        ));
    }
}

/// Invariant 2: dependencies are stored containers of the same namespace and pod, never self.
fn dependencies(inv: &Inventory, found: &mut Vec<Violation>) {
    for (id, c) in &inv.containers {
        for dep in c.config.dependencies() {
            let problem = if dep == *id {
                Some("depends on itself".to_owned())
            } else {
                match inv.containers.get(&dep) {
                    // Stored, but unreadable: listed as such, not as missing.
                    None if inv.unread.containers.contains(&dep) => None,
                    None => Some(format!(
                        "depends on {dep:?}, which is not a stored container"
                    )),
                    Some(d) if d.config.namespace != c.config.namespace => Some(format!(
                        "depends on {dep:?} of namespace {:?}, itself in {:?}",
                        d.config.namespace, c.config.namespace
                    )),
                    Some(d) if d.config.pod != c.config.pod => Some(format!(
                        "depends on {dep:?} of pod {:?}, itself of pod {:?}",
                        d.config.pod, c.config.pod
                    )),
                    Some(_) => None,
                }
            };
            if let Some(problem) = problem {
                found.push(Violation::new(
                    Invariant::Dependencies,
                    &[id, &dep],
                    format!("container {id:?} {problem}"),
                ));
            }
        }
    }
}

/// Invariant 2, beyond each edge: dependencies form no cycle (no sequence of calls can build
/// one, since a container's dependencies are stored before it).
fn cycles(inv: &Inventory, found: &mut Vec<Violation>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    for start in inv.containers.keys() {
        // Iterative depth-first search: (container, its dependencies, next index).
        let mut stack: Vec<(&str, Vec<String>, usize)> = Vec::new();
        if marks.contains_key(start.as_str()) {
            continue;
        }
        marks.insert(start, Mark::Open);
        stack.push((start, inv.containers[start].config.dependencies(), 0));
        while let Some((id, deps, next)) = stack.last_mut() {
            let Some(dep) = deps.get(*next).cloned() else {
                marks.insert(id, Mark::Done);
                stack.pop();
                continue;
            };
            *next += 1;
            let Some((key, _)) = inv.containers.get_key_value(&dep) else {
                continue;
            };
            match marks.get(key.as_str()) {
                Some(Mark::Open) if key != id => found.push(Violation::new(
                    Invariant::Dependencies,
                    &[id, key],
                    format!("containers {id:?} and {key:?} depend on each other in a cycle"),
                )),
                Some(_) => {}
                None => {
                    marks.insert(key, Mark::Open);
                    let deps = inv.containers[key].config.dependencies();
                    stack.push((key, deps, 0));
                }
            }
        }
    }
}

/// Invariant 3: a member names a stored pod of its namespace.
fn memberships(inv: &Inventory, found: &mut Vec<Violation>) {
    for (id, c) in &inv.containers {
        let Some(pod) = &c.config.pod else { continue };
        match inv.pods.get(pod) {
            None if inv.unread.pods.contains(pod) => {}
            None => found.push(Violation::new(
                Invariant::Pods,
                &[id, pod],
                format!("container {id:?} is a member of {pod:?}, which is not a stored pod"),
            )),
            Some(p) if p.config.namespace != c.config.namespace => found.push(Violation::new(
                Invariant::Pods,
                &[id, pod],
                format!(
                    "container {id:?} of namespace {:?} is a member of pod {pod:?} of {:?}",
                    c.config.namespace, p.config.namespace
                ),
            )),
            Some(_) => {}
        }
    }
}

/// Invariant 4: every named volume of a stored container is a stored volume.
fn volumes(inv: &Inventory, found: &mut Vec<Violation>) {
    for (id, c) in &inv.containers {
        for name in c.config.volume_names() {
            if !inv.volumes.contains_key(&name) && !inv.unread.volumes.contains(&name) {
                found.push(Violation::new(
                    Invariant::Volumes,
                    &[id, &name],
                    format!("container {id:?} uses volume {name:?}, which is not stored"),
                ));
            }
        }
    }
}

/// Invariant 5: every registered exec session points at a stored container.
fn exec_sessions(inv: &Inventory, found: &mut Vec<Violation>) {
    for (session, owner) in &inv.exec_sessions {
        if session.is_empty() || session.contains('\0') {
            found.push(Violation::new(
                Invariant::ExecSessions,
                &[session],
                "an exec session ID is empty or holds a NUL",
            ));
        }
        if !inv.containers.contains_key(owner) && !inv.unread.containers.contains(owner) {
            found.push(Violation::new(
                Invariant::ExecSessions,
                &[session, owner],
                format!("exec session {session:?} is registered to {owner:?}, which is not stored"),
            ));
        }
    }
}

/// Invariants 6 and 7 for networks: aliases only for connected networks, and networks only for
/// stored containers.
fn networks(inv: &Inventory, found: &mut Vec<Violation>) {
    for id in inv.networks.keys().chain(inv.aliases.keys()) {
        if !inv.containers.contains_key(id) && !inv.unread.containers.contains(id) {
            found.push(Violation::new(
                Invariant::NothingDangles,
                &[id],
                format!("networks are stored for {id:?}, which is not a stored container"),
            ));
        }
    }
    for (id, by_network) in &inv.aliases {
        let connected = inv.networks.get(id);
        for (net, aliases) in by_network {
            let is_connected = connected.is_some_and(|c| c.contains(net));
            if !is_connected && !aliases.is_empty() {
                found.push(Violation::new(
                    Invariant::Aliases,
                    &[id, net],
                    format!(
                        "container {id:?} has aliases on {net:?}, which it is not connected to"
                    ),
                ));
            }
        }
    }
    let strings = (inv.networks.values().flatten())
        .chain(inv.aliases.values().flat_map(|m| m.keys()))
        .chain(inv.aliases.values().flat_map(|m| m.values().flatten()));
    for s in strings.filter(|s| s.is_empty() || s.contains('\0')) {
        found.push(Violation::new(
            Invariant::Aliases,
            &[s],
            "a network or alias is empty or holds a NUL",
        ));
    }
}
