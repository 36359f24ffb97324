//! The check orders of the pod calls and of pod membership.

use super::containers::{new_container, removable};
use super::targets::{existing_container, existing_pod, id_and_name_free, passed_pod, target_pod};
use crate::raw::rules::{self, check_visible};
use crate::raw::{NewContainer, StoreRead};
use crate::{Container, ErrorKind, Pod, PodConfig, Result, StateError};

/// `add_pod`.
pub fn add_pod(view: &(impl StoreRead + ?Sized), ns: &str, pod: &Pod) -> Result<()> {
    let cfg = &pod.config;
    rules::check_new_pod(cfg)?;
    check_visible(ns, "pod", &cfg.id, &cfg.namespace)?;
    id_and_name_free(view, "pod", &cfg.id, &cfg.name)
}

/// `remove_pod`: the pod must be empty.
pub fn remove_pod(view: &(impl StoreRead + ?Sized), ns: &str, pod: &Pod) -> Result<()> {
    passed_pod(view, ns, pod)?;
    let members = view.pod_members(pod.id())?;
    match members.first() {
        None => Ok(()),
        Some(member) => Err(StateError::new(
            ErrorKind::InUse,
            format!(
                "pod {:?} still has {} container(s) (e.g. {member:?})",
                pod.id(),
                members.len()
            ),
        )),
    }
}

/// `pod_containers_by_id`, `pod_containers` and `remove_pod_containers`: the members' IDs.
/// Removing them all at once never needs `InUse`: by SPEC §2.2 only members depend on members.
pub fn pod_members(view: &(impl StoreRead + ?Sized), ns: &str, pod: &Pod) -> Result<Vec<String>> {
    passed_pod(view, ns, pod)?;
    view.pod_members(pod.id())
}

/// `pod_has_container`.
pub fn pod_has_container(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    pod: &Pod,
    ctr_id: &str,
) -> Result<bool> {
    rules::check_key("container ID", ctr_id)?;
    passed_pod(view, ns, pod)?;
    let member = view.container_meta(ctr_id)?;
    Ok(member.is_some_and(|m| m.pod.as_deref() == Some(pod.id())))
}

/// `add_container_to_pod`: the pod is the target; then the add order of `add_container`, with
/// every dependency in the same pod. What storing the container needs.
pub fn add_container_to_pod(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    pod: &Pod,
    ctr: &Container,
) -> Result<NewContainer> {
    let cfg = &ctr.config;
    let pod_id = pod.id();
    rules::check_passed_pod(pod)?;
    rules::check_new_container(cfg)?;
    rules::pod_is(&cfg.id, cfg.pod.as_deref(), pod_id)?;
    check_visible(ns, "pod", pod_id, &pod.config.namespace)?;
    check_visible(ns, "container", &cfg.id, &cfg.namespace)?;
    let stored_pod = existing_pod(view, pod_id)?;
    check_visible(ns, "pod", pod_id, &stored_pod.namespace)?;
    if cfg.namespace != stored_pod.namespace {
        return Err(StateError::new(
            ErrorKind::NsMismatch,
            format!(
                "container {:?} is in namespace {:?} but pod {pod_id:?} is in {:?}",
                cfg.id, cfg.namespace, stored_pod.namespace
            ),
        ));
    }
    new_container(view, cfg, Some(pod_id))
}

/// `remove_container_from_pod`: both the passed and the stored container must name the pod;
/// then the removal rules of `remove_container`.
pub fn remove_container_from_pod(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    pod: &Pod,
    ctr: &Container,
) -> Result<()> {
    let pod_id = pod.id();
    let id = ctr.id();
    rules::check_passed_pod(pod)?;
    rules::check_passed_container(ctr)?;
    rules::pod_is(id, ctr.config.pod.as_deref(), pod_id)?;
    check_visible(ns, "pod", pod_id, &pod.config.namespace)?;
    check_visible(ns, "container", id, &ctr.config.namespace)?;
    let stored_pod = existing_pod(view, pod_id)?;
    let stored = existing_container(view, id)?;
    check_visible(ns, "pod", pod_id, &stored_pod.namespace)?;
    check_visible(ns, "container", id, &stored.namespace)?;
    rules::pod_is(id, stored.pod.as_deref(), pod_id)?;
    removable(view, id)
}

/// `rewrite_pod_config`: `cfg` must keep the stored ID, name and namespace.
pub fn rewrite_pod_config(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    pod: &Pod,
    cfg: &PodConfig,
) -> Result<()> {
    rules::check_passed_pod(pod)?;
    rules::check_new_pod(cfg)?;
    let stored = target_pod(view, ns, pod)?;
    let changed = if pod.id() != cfg.id {
        Some("ID")
    } else if stored.name != cfg.name {
        Some("name")
    } else if stored.namespace != cfg.namespace {
        Some("namespace")
    } else {
        None
    };
    match changed {
        None => Ok(()),
        Some(field) => Err(StateError::invalid(format!(
            "the new config of pod {:?} changes its {field}",
            pod.id()
        ))),
    }
}
