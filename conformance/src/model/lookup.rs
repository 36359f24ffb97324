//! Names and lookups of containers and pods (SPEC §5 Names and lookups). Step 1 (closed) is the
//! handle's.
//!
//! Two families: exact-ID getters (`container`, `pod`, `get_container_config`) find the object
//! first and then answer `NsMismatch` if it is invisible; lookups (`get_name`, `has_*`,
//! `lookup_*`) only ever see visible objects, so an invisible one is simply not there.

use podstate_api::{Container, ErrorKind, Pod, Result, StateError};

use super::checks;
use super::data::{ModelData, visible};

/// What resolving a string against (ID, name) candidates found: exact ID, then exact name, then
/// unique ID prefix. Names are never prefix-matched.
enum Resolved {
    /// Exactly one object: its ID.
    Found(String),
    /// Several IDs start with the string.
    Ambiguous(Vec<String>),
    /// Nothing matched.
    Nothing,
}

fn resolve<'a>(candidates: impl Iterator<Item = (&'a str, &'a str)> + Clone, s: &str) -> Resolved {
    if let Some((id, _)) = candidates.clone().find(|(id, _)| *id == s) {
        return Resolved::Found(id.to_owned());
    }
    if let Some((id, _)) = candidates.clone().find(|(_, name)| *name == s) {
        return Resolved::Found(id.to_owned());
    }
    let prefixed: Vec<String> = candidates
        .filter(|(id, _)| id.starts_with(s))
        .map(|(id, _)| id.to_owned())
        .collect();
    match prefixed.len() {
        0 => Resolved::Nothing,
        1 => Resolved::Found(prefixed[0].clone()),
        _ => Resolved::Ambiguous(prefixed),
    }
}

fn visible_containers<'a>(
    data: &'a ModelData,
    ns: &'a str,
) -> impl Iterator<Item = (&'a str, &'a str)> + Clone {
    data.containers
        .values()
        .filter(move |c| visible(ns, c.namespace()))
        .map(|c| {
            (
                c.container.config.id.as_str(),
                c.container.config.name.as_str(),
            )
        })
}

fn visible_pods<'a>(
    data: &'a ModelData,
    ns: &'a str,
) -> impl Iterator<Item = (&'a str, &'a str)> + Clone {
    data.pods
        .values()
        .filter(move |p| visible(ns, &p.config.namespace))
        .map(|p| (p.config.id.as_str(), p.config.name.as_str()))
}

/// `get_name`: the name of the visible container or pod with exactly this ID; `NoSuchCtr` for
/// both kinds of object.
pub(super) fn get_name(data: &ModelData, ns: &str, id: &str) -> Result<String> {
    checks::ident("ID", id)?;
    let mut everything = visible_containers(data, ns).chain(visible_pods(data, ns));
    everything
        .find(|(candidate, _)| *candidate == id)
        .map(|(_, name)| name.to_owned())
        .ok_or_else(|| StateError::no_such_ctr(id))
}

/// `container` and `get_container_config`: exact ID, `NsMismatch` when invisible.
pub(super) fn container(data: &ModelData, ns: &str, id: &str) -> Result<Container> {
    checks::ident("container ID", id)?;
    let stored = checks::existing_container(data, id)?;
    checks::stored_namespace(ns, "container", id, stored.namespace())?;
    Ok(stored.container.clone())
}

/// `has_container`: exact ID of a visible container.
pub(super) fn has_container(data: &ModelData, ns: &str, id: &str) -> Result<bool> {
    checks::ident("container ID", id)?;
    Ok(visible_containers(data, ns).any(|(candidate, _)| candidate == id))
}

/// `lookup_container_id`.
pub(super) fn lookup_container_id(data: &ModelData, ns: &str, s: &str) -> Result<String> {
    checks::ident("container ID or name", s)?;
    match resolve(visible_containers(data, ns), s) {
        Resolved::Found(id) => Ok(id),
        Resolved::Ambiguous(ids) => Err(StateError::new(
            ErrorKind::Ambiguous,
            format!("{s:?} is a prefix of containers {ids:?}"),
        )),
        Resolved::Nothing => {
            let names_pod = visible_pods(data, ns).any(|(id, name)| id == s || name == s);
            let hint = if names_pod { " (it names a pod)" } else { "" };
            Err(StateError::new(
                ErrorKind::NoSuchCtr,
                format!("no container matches {s:?}{hint}"),
            ))
        }
    }
}

/// `lookup_container`.
pub(super) fn lookup_container(data: &ModelData, ns: &str, s: &str) -> Result<Container> {
    let id = lookup_container_id(data, ns, s)?;
    Ok(checks::existing_container(data, &id)?.container.clone())
}

/// `pod`: exact ID, `NsMismatch` when invisible.
pub(super) fn pod(data: &ModelData, ns: &str, id: &str) -> Result<Pod> {
    checks::ident("pod ID", id)?;
    let stored = checks::existing_pod(data, id)?;
    checks::stored_namespace(ns, "pod", id, &stored.config.namespace)?;
    Ok(stored.clone())
}

/// `has_pod`: exact ID of a visible pod.
pub(super) fn has_pod(data: &ModelData, ns: &str, id: &str) -> Result<bool> {
    checks::ident("pod ID", id)?;
    Ok(visible_pods(data, ns).any(|(candidate, _)| candidate == id))
}

/// `lookup_pod`.
pub(super) fn lookup_pod(data: &ModelData, ns: &str, s: &str) -> Result<Pod> {
    checks::ident("pod ID or name", s)?;
    match resolve(visible_pods(data, ns), s) {
        Resolved::Found(id) => Ok(checks::existing_pod(data, &id)?.clone()),
        Resolved::Ambiguous(ids) => Err(StateError::new(
            ErrorKind::Ambiguous,
            format!("{s:?} is a prefix of pods {ids:?}"),
        )),
        Resolved::Nothing => Err(StateError::new(
            ErrorKind::NoSuchPod,
            format!("no pod matches {s:?}"),
        )),
    }
}
