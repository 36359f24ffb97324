//! The check orders of the container calls, and the add order shared with
//! `add_container_to_pod`.

use std::collections::BTreeMap;

use super::targets::{id_and_name_free, passed_container, target_container};
use crate::raw::rules::{self, check_visible};
use crate::raw::{Blockers, NewContainer, StoreRead};
use crate::{Container, ContainerConfig, ErrorKind, Result, StateError};

/// `add_container`: what storing it needs.
pub fn add_container(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
) -> Result<NewContainer> {
    let cfg = &ctr.config;
    rules::check_new_container(cfg)?;
    rules::pod_unset(&cfg.id, cfg.pod.as_deref())?;
    check_visible(ns, "container", &cfg.id, &cfg.namespace)?;
    new_container(view, cfg, None)
}

/// `remove_container`.
pub fn remove_container(view: &(impl StoreRead + ?Sized), ns: &str, ctr: &Container) -> Result<()> {
    let id = ctr.id();
    rules::check_passed_container(ctr)?;
    rules::pod_unset(id, ctr.config.pod.as_deref())?;
    // The steps of `target_container`, with the blockers of step 5 read in the same probe.
    check_visible(ns, "container", id, &ctr.config.namespace)?;
    let (stored, blockers) = view
        .container_for_removal(id)?
        .ok_or_else(|| StateError::no_such_ctr(id))?;
    check_visible(ns, "container", id, &stored.namespace)?;
    rules::pod_unset(id, stored.pod.as_deref())?;
    unblocked(id, blockers)
}

/// `container_in_use`: the IDs of the dependents.
pub fn container_in_use(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
) -> Result<Vec<String>> {
    passed_container(view, ns, ctr)?;
    view.dependents(ctr.id())
}

/// `rewrite_container_config`: `cfg` must keep the stored identity, dependency set and
/// named-volume name set.
pub fn rewrite_container_config(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
    cfg: &ContainerConfig,
) -> Result<()> {
    rules::check_passed_container(ctr)?;
    rules::check_new_container(cfg)?;
    target_container(view, ns, ctr)?;
    let stored = view
        .container_config(ctr.id())?
        .ok_or_else(|| StateError::no_such_ctr(ctr.id()))?;
    let changed = if stored.id != cfg.id {
        Some("ID")
    } else if stored.name != cfg.name {
        Some("name")
    } else if stored.pod != cfg.pod {
        Some("pod")
    } else if stored.namespace != cfg.namespace {
        Some("namespace")
    } else if stored.dependencies() != cfg.dependencies() {
        Some("dependencies")
    } else if stored.volume_names() != cfg.volume_names() {
        Some("named volumes")
    } else {
        None
    };
    match changed {
        None => Ok(()),
        Some(field) => Err(StateError::invalid(format!(
            "the new config of container {:?} changes its {field}",
            ctr.id()
        ))),
    }
}

/// The removal rules of step 5, shared by `remove_container` and `remove_container_from_pod`:
/// no registered exec sessions, then no dependents (`InUse`).
pub fn removable(view: &(impl StoreRead + ?Sized), id: &str) -> Result<()> {
    unblocked(id, view.removal_blockers(id)?)
}

/// The removal rules of step 5 on what was read of container `id`.
fn unblocked(id: &str, blockers: Blockers) -> Result<()> {
    if let Some(session) = blockers.session {
        return Err(StateError::new(
            ErrorKind::InUse,
            format!("container {id:?} has registered exec sessions (e.g. {session:?})"),
        ));
    }
    if let Some(dependent) = blockers.dependent {
        return Err(StateError::new(
            ErrorKind::InUse,
            format!("container {id:?} has dependents (e.g. {dependent:?})"),
        ));
    }
    Ok(())
}

/// The add order after the pod rule and the namespace checks (step 5): ID and name free,
/// aliases only for listed networks, each dependency in sorted order through all its rules,
/// each named volume. `pod` is the pod the container joins, if any.
pub(super) fn new_container(
    view: &(impl StoreRead + ?Sized),
    cfg: &ContainerConfig,
    pod: Option<&str>,
) -> Result<NewContainer> {
    let id = cfg.id.as_str();
    id_and_name_free(view, "container", id, &cfg.name)?;
    aliases_for_listed_networks(cfg)?;
    let dependencies = cfg.dependencies();
    for dep in &dependencies {
        dependency(view, cfg, dep, pod)?;
    }
    let volumes = cfg.volume_names();
    for name in &volumes {
        if !view.volume_exists(name)? {
            return Err(StateError::new(
                ErrorKind::NoSuchVolume,
                format!("container {id:?} uses volume {name:?}, which does not exist"),
            ));
        }
    }
    Ok(NewContainer {
        dependencies,
        volumes,
        networks: initial_networks(cfg),
    })
}

/// `InvalidArg` for an alias key that is not one of the config's networks.
fn aliases_for_listed_networks(cfg: &ContainerConfig) -> Result<()> {
    match cfg
        .network_aliases
        .keys()
        .find(|net| !cfg.networks.contains(net))
    {
        None => Ok(()),
        Some(net) => Err(StateError::invalid(format!(
            "container {:?} has aliases for network {net:?}, which it does not join",
            cfg.id
        ))),
    }
}

/// One dependency `dep` of the new container `cfg` through all its rules: not itself, a stored
/// container, in the same namespace, and in the same pod as `cfg` (outside pods when `pod` is
/// `None`).
fn dependency(
    view: &(impl StoreRead + ?Sized),
    cfg: &ContainerConfig,
    dep: &str,
    pod: Option<&str>,
) -> Result<()> {
    let id = cfg.id.as_str();
    if dep == id {
        return Err(StateError::invalid(format!(
            "container {id:?} cannot depend on itself"
        )));
    }
    let Some(stored) = view.container_meta(dep)? else {
        return Err(StateError::new(
            ErrorKind::NoSuchCtr,
            format!("dependency {dep:?} of container {id:?} is not a container"),
        ));
    };
    if stored.namespace != cfg.namespace {
        return Err(StateError::new(
            ErrorKind::NsMismatch,
            format!(
                "dependency {dep:?} of container {id:?} is in namespace {:?}, the container in {:?}",
                stored.namespace, cfg.namespace
            ),
        ));
    }
    let dep_pod = stored.pod.as_deref();
    match (pod, dep_pod) {
        (None, None) => Ok(()),
        (None, Some(p)) => Err(StateError::invalid(format!(
            "container {id:?} is not in a pod but its dependency {dep:?} is in pod {p:?}"
        ))),
        (Some(p), _) if dep_pod == Some(p) => Ok(()),
        (Some(p), _) => Err(StateError::invalid(format!(
            "container {id:?} is in pod {p:?} but its dependency {dep:?} is {}",
            dep_pod.map_or("not in a pod".to_owned(), |d| format!("in pod {d:?}"))
        ))),
    }
}

/// The current networks a new container starts with: the config's, each with its aliases
/// collapsed and sorted.
fn initial_networks(cfg: &ContainerConfig) -> BTreeMap<String, Vec<String>> {
    cfg.networks
        .iter()
        .map(|net| {
            let aliases = cfg
                .network_aliases
                .get(net)
                .map(Vec::as_slice)
                .unwrap_or_default();
            (net.clone(), sorted_unique(aliases))
        })
        .collect()
}

/// `strings` sorted by bytes, duplicates collapsed (SPEC §2.8).
pub(super) fn sorted_unique(strings: &[String]) -> Vec<String> {
    let mut out = strings.to_vec();
    out.sort_unstable();
    out.dedup();
    out
}
