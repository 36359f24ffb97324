//! Pod calls (SPEC §5 Pods), except membership changes (`membership.rs`). Step 1 (closed) is the
//! handle's.

use podstate_api::{Container, ErrorKind, Pod, PodConfig, PodState, Result, StateError};

use super::checks;
use super::data::{ModelData, visible};

/// Steps 2 to 4 shared by every call on a passed pod: ID and namespace strings; passed
/// namespace; existence; stored namespace.
pub(super) fn target<'a>(data: &'a ModelData, ns: &str, pod: &Pod) -> Result<&'a Pod> {
    checks::passed_pod(pod)?;
    checks::passed_namespace(ns, "pod", pod.id(), &pod.config.namespace)?;
    let stored = checks::existing_pod(data, pod.id())?;
    checks::stored_namespace(ns, "pod", pod.id(), &stored.config.namespace)?;
    Ok(stored)
}

/// `add_pod`.
pub(super) fn add(data: &mut ModelData, ns: &str, pod: &Pod) -> Result<()> {
    let cfg = &pod.config;
    // 2. The whole new config.
    checks::new_pod_config(cfg)?;
    // 3. The new pod's namespace against the handle's.
    checks::passed_namespace(ns, "pod", &cfg.id, &cfg.namespace)?;
    // 5. ID, then name, in the space shared with containers.
    checks::id_free(data, &cfg.id)?;
    checks::name_free(data, &cfg.name)?;
    data.pods.insert(cfg.id.clone(), pod.clone());
    Ok(())
}

/// `remove_pod`: only an empty pod goes.
pub(super) fn remove(data: &mut ModelData, ns: &str, pod: &Pod) -> Result<()> {
    target(data, ns, pod)?;
    let members = data.members(pod.id());
    if !members.is_empty() {
        return Err(StateError::new(
            ErrorKind::InUse,
            format!("pod {:?} still has members {members:?}", pod.id()),
        ));
    }
    data.pods.remove(pod.id());
    Ok(())
}

/// `remove_pod_containers`: every member goes at once, with its networks, aliases, volume uses
/// and exec registrations. Never `InUse`: dependencies among members do not block, and none can
/// come from outside the pod (SPEC §2.2).
pub(super) fn remove_containers(data: &mut ModelData, ns: &str, pod: &Pod) -> Result<()> {
    target(data, ns, pod)?;
    for member in data.members(pod.id()) {
        data.drop_container(&member);
    }
    Ok(())
}

/// `pod_has_container`: whether the container with exactly `ctr_id` is a member.
pub(super) fn has_container(data: &ModelData, ns: &str, pod: &Pod, ctr_id: &str) -> Result<bool> {
    // 2. Both strings before any namespace or existence check.
    checks::passed_pod(pod)?;
    checks::ident("container ID", ctr_id)?;
    target(data, ns, pod)?;
    Ok(data
        .containers
        .get(ctr_id)
        .is_some_and(|c| c.pod() == Some(pod.id())))
}

/// `pod_containers_by_id`.
pub(super) fn members_by_id(data: &ModelData, ns: &str, pod: &Pod) -> Result<Vec<String>> {
    target(data, ns, pod)?;
    Ok(data.members(pod.id()))
}

/// `pod_containers`.
pub(super) fn members(data: &ModelData, ns: &str, pod: &Pod) -> Result<Vec<Container>> {
    target(data, ns, pod)?;
    Ok(data
        .members(pod.id())
        .iter()
        .filter_map(|id| data.containers.get(id))
        .map(|c| c.container.clone())
        .collect())
}

/// `update_pod`: the stored state (the caller's object is assigned only on success).
pub(super) fn update(data: &ModelData, ns: &str, pod: &Pod) -> Result<PodState> {
    Ok(target(data, ns, pod)?.state.clone())
}

/// `save_pod`: stores the passed state, never the config.
pub(super) fn save(data: &mut ModelData, ns: &str, pod: &Pod) -> Result<()> {
    target(data, ns, pod)?;
    if let Some(stored) = data.pods.get_mut(pod.id()) {
        stored.state = pod.state.clone();
    }
    Ok(())
}

/// `all_pods`: every visible pod, by ID.
pub(super) fn all(data: &ModelData, ns: &str) -> Result<Vec<Pod>> {
    Ok(data
        .pods
        .values()
        .filter(|p| visible(ns, &p.config.namespace))
        .cloned()
        .collect())
}

/// `rewrite_pod_config`.
pub(super) fn rewrite(data: &mut ModelData, ns: &str, pod: &Pod, cfg: &PodConfig) -> Result<()> {
    // 2. The passed pod's strings, then the new config whole.
    checks::passed_pod(pod)?;
    checks::new_pod_config(cfg)?;
    // 3 and 4.
    let old = &target(data, ns, pod)?.config;
    // 5. Identity kept: id, name, namespace.
    let kept = [
        ("id", old.id == cfg.id),
        ("name", old.name == cfg.name),
        ("namespace", old.namespace == cfg.namespace),
    ];
    if let Some((field, _)) = kept.iter().find(|(_, same)| !same) {
        return Err(StateError::invalid(format!(
            "rewriting pod {:?} may not change its {field}",
            pod.id()
        )));
    }
    if let Some(stored) = data.pods.get_mut(pod.id()) {
        stored.config = cfg.clone();
    }
    Ok(())
}
