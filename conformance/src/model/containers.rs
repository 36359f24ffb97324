//! Container calls (SPEC §5 Containers), each as the numbered steps of SPEC §4. Step 1 (closed)
//! is the handle's.

use std::collections::{BTreeMap, BTreeSet};

use podstate_api::{Container, ContainerConfig, ContainerState, ErrorKind, Result, StateError};

use super::checks;
use super::data::{ModelData, StoredContainer, dependencies, visible, volume_names};

/// `add_container`.
pub(super) fn add(data: &mut ModelData, ns: &str, ctr: &Container) -> Result<()> {
    let cfg = &ctr.config;
    // 2. Argument shape: the whole new config, and no pod.
    checks::new_container_config(cfg)?;
    checks::pod_unset(cfg)?;
    // 3. The new container's namespace against the handle's.
    checks::passed_namespace(ns, "container", &cfg.id, &cfg.namespace)?;
    // 4. No stored target.
    // 5. Own rules.
    new_container_rules(data, cfg, None)?;
    insert(data, ctr);
    Ok(())
}

/// The rules `add_container` and `add_container_to_pod` share after their pod rules (SPEC §5):
/// ID, name, aliases only for listed networks, each dependency in sorted order through all its
/// rules, each named volume in sorted order. `pod` is the pod the new container joins: outside a
/// pod a dependency must be outside every pod; inside one it must be a member of the same pod.
pub(super) fn new_container_rules(
    data: &ModelData,
    cfg: &ContainerConfig,
    pod: Option<&str>,
) -> Result<()> {
    checks::id_free(data, &cfg.id)?;
    checks::name_free(data, &cfg.name)?;
    for net in cfg.network_aliases.keys() {
        if !cfg.networks.contains(net) {
            return Err(StateError::invalid(format!(
                "container {:?} has aliases for network {net:?}, which it does not join",
                cfg.id
            )));
        }
    }
    for dep in dependencies(cfg) {
        if dep == cfg.id {
            return Err(StateError::invalid(format!(
                "container {dep:?} depends on itself"
            )));
        }
        let Some(stored) = data.containers.get(&dep) else {
            return Err(StateError::new(
                ErrorKind::NoSuchCtr,
                format!(
                    "dependency {dep:?} of container {:?} is not a container",
                    cfg.id
                ),
            ));
        };
        if stored.namespace() != cfg.namespace {
            return Err(StateError::new(
                ErrorKind::NsMismatch,
                format!(
                    "dependency {dep:?} is in namespace {:?}, container {:?} in {:?}",
                    stored.namespace(),
                    cfg.id,
                    cfg.namespace
                ),
            ));
        }
        if stored.pod() != pod {
            return Err(StateError::invalid(format!(
                "dependency {dep:?} is in pod {:?}, container {:?} in pod {pod:?}",
                stored.pod(),
                cfg.id
            )));
        }
    }
    for vol in volume_names(cfg) {
        checks::existing_volume(data, &vol)?;
    }
    Ok(())
}

/// Stores a new container; its current networks and aliases start as the config's.
pub(super) fn insert(data: &mut ModelData, ctr: &Container) {
    let cfg = &ctr.config;
    let networks: BTreeMap<String, BTreeSet<String>> = cfg
        .networks
        .iter()
        .map(|net| {
            let aliases = cfg.network_aliases.get(net).cloned().unwrap_or_default();
            (net.clone(), aliases.into_iter().collect())
        })
        .collect();
    let stored = StoredContainer {
        container: ctr.clone(),
        networks,
    };
    data.containers.insert(cfg.id.clone(), stored);
}

/// The InUse rules of `remove_container` and `remove_container_from_pod`: registered exec
/// sessions, then dependents.
pub(super) fn removable(data: &ModelData, id: &str) -> Result<()> {
    let sessions = data.sessions_of(id);
    if !sessions.is_empty() {
        return Err(StateError::new(
            ErrorKind::InUse,
            format!("container {id:?} has exec sessions {sessions:?}"),
        ));
    }
    let dependents = data.dependents(id);
    if !dependents.is_empty() {
        return Err(StateError::new(
            ErrorKind::InUse,
            format!("containers {dependents:?} depend on container {id:?}"),
        ));
    }
    Ok(())
}

/// `remove_container`.
pub(super) fn remove(data: &mut ModelData, ns: &str, ctr: &Container) -> Result<()> {
    let id = ctr.id();
    // 2. Argument shape, and no pod on the passed container.
    checks::passed_container(ctr)?;
    checks::pod_unset(&ctr.config)?;
    // 3. Passed namespace.
    checks::passed_namespace(ns, "container", id, &ctr.config.namespace)?;
    // 4. Exists, stored namespace, no pod on the stored container.
    let stored = checks::existing_container(data, id)?;
    checks::stored_namespace(ns, "container", id, stored.namespace())?;
    checks::pod_unset(&stored.container.config)?;
    // 5. Exec sessions, then dependents.
    removable(data, id)?;
    data.drop_container(id);
    Ok(())
}

/// Steps 2 to 4 shared by every call that only reads or writes a passed container: ID,
/// namespace and pod strings; passed namespace; existence; stored namespace.
pub(super) fn target<'a>(
    data: &'a ModelData,
    ns: &str,
    ctr: &Container,
) -> Result<&'a StoredContainer> {
    checks::passed_container(ctr)?;
    checks::passed_namespace(ns, "container", ctr.id(), &ctr.config.namespace)?;
    let stored = checks::existing_container(data, ctr.id())?;
    checks::stored_namespace(ns, "container", ctr.id(), stored.namespace())?;
    Ok(stored)
}

/// `update_container`: the stored state (the caller's object is assigned only on success).
pub(super) fn update(data: &ModelData, ns: &str, ctr: &Container) -> Result<ContainerState> {
    Ok(target(data, ns, ctr)?.container.state.clone())
}

/// `save_container`: stores the passed state, never the config.
pub(super) fn save(data: &mut ModelData, ns: &str, ctr: &Container) -> Result<()> {
    target(data, ns, ctr)?;
    if let Some(stored) = data.containers.get_mut(ctr.id()) {
        stored.container.state = ctr.state.clone();
    }
    Ok(())
}

/// `container_in_use`: the dependents.
pub(super) fn in_use(data: &ModelData, ns: &str, ctr: &Container) -> Result<Vec<String>> {
    target(data, ns, ctr)?;
    Ok(data.dependents(ctr.id()))
}

/// `all_containers`: every visible container, by ID.
pub(super) fn all(data: &ModelData, ns: &str) -> Result<Vec<Container>> {
    Ok(data
        .containers
        .values()
        .filter(|c| visible(ns, c.namespace()))
        .map(|c| c.container.clone())
        .collect())
}

/// `rewrite_container_config`.
pub(super) fn rewrite(
    data: &mut ModelData,
    ns: &str,
    ctr: &Container,
    cfg: &ContainerConfig,
) -> Result<()> {
    // 2. The passed container's strings, then the new config whole.
    checks::passed_container(ctr)?;
    checks::new_container_config(cfg)?;
    // 3. Passed namespace.
    checks::passed_namespace(ns, "container", ctr.id(), &ctr.config.namespace)?;
    // 4. Exists, stored namespace.
    let stored = checks::existing_container(data, ctr.id())?;
    checks::stored_namespace(ns, "container", ctr.id(), stored.namespace())?;
    // 5. Identity kept: id, name, pod, namespace, dependency set, named-volume name set.
    let old = &stored.container.config;
    let kept = [
        ("id", old.id == cfg.id),
        ("name", old.name == cfg.name),
        ("pod", old.pod == cfg.pod),
        ("namespace", old.namespace == cfg.namespace),
        ("dependencies", dependencies(old) == dependencies(cfg)),
        ("named volumes", volume_names(old) == volume_names(cfg)),
    ];
    if let Some((field, _)) = kept.iter().find(|(_, same)| !same) {
        return Err(StateError::invalid(format!(
            "rewriting container {:?} may not change its {field}",
            ctr.id()
        )));
    }
    if let Some(stored) = data.containers.get_mut(ctr.id()) {
        stored.container.config = cfg.clone();
    }
    Ok(())
}
