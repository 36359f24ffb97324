//! Pods: add, remove, membership, state, listing and config rewrite.

use std::collections::BTreeSet;

use podstate_api::rules::{self, visible};
use podstate_api::{Container, ErrorKind, Pod, PodConfig, PodState, Result, StateError};

use crate::store::{Data, Holder, HolderKind, StoredContainer, StoredPod};

impl Data {
    /// `pod_has_container`.
    pub(crate) fn pod_has_container(&self, ns: &str, pod: &Pod, ctr_id: &str) -> Result<bool> {
        rules::check_key("container ID", ctr_id)?;
        Ok(self.passed_pod(ns, pod)?.members.contains(ctr_id))
    }

    /// `pod_containers_by_id`.
    pub(crate) fn pod_containers_by_id(&self, ns: &str, pod: &Pod) -> Result<Vec<String>> {
        Ok(self.passed_pod(ns, pod)?.members.iter().cloned().collect())
    }

    /// `pod_containers`.
    pub(crate) fn pod_containers(&self, ns: &str, pod: &Pod) -> Result<Vec<Container>> {
        let members = &self.passed_pod(ns, pod)?.members;
        Ok(members
            .iter()
            .filter_map(|id| self.containers.get(id))
            .map(StoredContainer::to_container)
            .collect())
    }

    /// `add_pod`.
    pub(crate) fn add_pod(&mut self, ns: &str, pod: &Pod) -> Result<()> {
        let cfg = &pod.config;
        rules::check_new_pod(cfg)?;
        rules::check_visible(ns, "pod", &cfg.id, &cfg.namespace)?;
        self.check_id_and_name_free("pod", &cfg.id, &cfg.name)?;
        self.names.insert(
            cfg.name.clone(),
            Holder {
                kind: HolderKind::Pod,
                id: cfg.id.clone(),
            },
        );
        self.pods.insert(
            cfg.id.clone(),
            StoredPod {
                config: cfg.clone(),
                state: pod.state.clone(),
                members: BTreeSet::new(),
            },
        );
        Ok(())
    }

    /// `remove_pod`.
    pub(crate) fn remove_pod(&mut self, ns: &str, pod: &Pod) -> Result<()> {
        let stored = self.passed_pod(ns, pod)?;
        let id = pod.id();
        if let Some(member) = stored.members.first() {
            return Err(StateError::new(
                ErrorKind::InUse,
                format!(
                    "pod {id:?} still has {} container(s) (e.g. {member:?})",
                    stored.members.len()
                ),
            ));
        }
        if let Some(removed) = self.pods.remove(id)
            && self
                .names
                .get(&removed.config.name)
                .is_some_and(|h| h.id == id)
        {
            self.names.remove(&removed.config.name);
        }
        Ok(())
    }

    /// `remove_pod_containers`: every member goes at once. By invariant 2 only members depend on
    /// members, so dropping all of them leaves no dangling edge and never needs `InUse`.
    pub(crate) fn remove_pod_containers(&mut self, ns: &str, pod: &Pod) -> Result<()> {
        let members = self.passed_pod(ns, pod)?.members.clone();
        for member in &members {
            self.drop_container(member);
        }
        Ok(())
    }

    /// `add_container_to_pod`.
    pub(crate) fn add_container_to_pod(
        &mut self,
        ns: &str,
        pod: &Pod,
        ctr: &Container,
    ) -> Result<()> {
        let cfg = &ctr.config;
        let pod_id = pod.id();
        rules::check_passed_pod(pod)?;
        rules::check_new_container(cfg)?;
        check_member_pod_field(ctr, pod_id)?;
        rules::check_visible(ns, "pod", pod_id, &pod.config.namespace)?;
        rules::check_visible(ns, "container", &cfg.id, &cfg.namespace)?;
        let stored_pod = self.find_pod(pod_id)?;
        let pod_ns = &stored_pod.config.namespace;
        rules::check_visible(ns, "pod", pod_id, pod_ns)?;
        if cfg.namespace != *pod_ns {
            return Err(StateError::new(
                ErrorKind::NsMismatch,
                format!(
                    "container {:?} is in namespace {:?} but pod {pod_id:?} is in {pod_ns:?}",
                    cfg.id, cfg.namespace
                ),
            ));
        }
        self.check_new_container(cfg, Some(pod_id))?;
        self.insert_container(ctr);
        Ok(())
    }

    /// `remove_container_from_pod`.
    pub(crate) fn remove_container_from_pod(
        &mut self,
        ns: &str,
        pod: &Pod,
        ctr: &Container,
    ) -> Result<()> {
        let pod_id = pod.id();
        let id = ctr.id();
        rules::check_passed_pod(pod)?;
        rules::check_passed_container(ctr)?;
        check_member_pod_field(ctr, pod_id)?;
        rules::check_visible(ns, "pod", pod_id, &pod.config.namespace)?;
        rules::check_visible(ns, "container", id, &ctr.config.namespace)?;
        let stored_pod = self.find_pod(pod_id)?;
        let stored = self.find_container(id)?;
        rules::check_visible(ns, "pod", pod_id, &stored_pod.config.namespace)?;
        rules::check_visible(ns, "container", id, &stored.config.namespace)?;
        if stored.config.pod.as_deref() != Some(pod_id) {
            return Err(StateError::invalid(format!(
                "stored container {id:?} is {}, not in pod {pod_id:?}",
                stored
                    .config
                    .pod
                    .as_ref()
                    .map_or("in no pod".to_owned(), |p| format!("in pod {p:?}"))
            )));
        }
        Self::check_removable(stored)?;
        self.drop_container(id);
        Ok(())
    }

    /// `update_pod`: the stored state, for the caller to put into its object.
    pub(crate) fn pod_state(&self, ns: &str, pod: &Pod) -> Result<PodState> {
        Ok(self.passed_pod(ns, pod)?.state.clone())
    }

    /// `save_pod`.
    pub(crate) fn save_pod(&mut self, ns: &str, pod: &Pod) -> Result<()> {
        self.passed_pod(ns, pod)?;
        if let Some(stored) = self.pods.get_mut(pod.id()) {
            stored.state = pod.state.clone();
        }
        Ok(())
    }

    /// `all_pods`.
    pub(crate) fn all_pods(&self, ns: &str) -> Vec<Pod> {
        self.pods
            .values()
            .filter(|p| visible(ns, &p.config.namespace))
            .map(StoredPod::to_pod)
            .collect()
    }

    /// `rewrite_pod_config`.
    pub(crate) fn rewrite_pod_config(
        &mut self,
        ns: &str,
        pod: &Pod,
        cfg: &PodConfig,
    ) -> Result<()> {
        rules::check_passed_pod(pod)?;
        rules::check_new_pod(cfg)?;
        let stored = &self.passed_pod(ns, pod)?.config;
        let changed = if stored.id != cfg.id {
            Some("ID")
        } else if stored.name != cfg.name {
            Some("name")
        } else if stored.namespace != cfg.namespace {
            Some("namespace")
        } else {
            None
        };
        if let Some(field) = changed {
            return Err(StateError::invalid(format!(
                "the new config of pod {:?} changes its {field}",
                pod.id()
            )));
        }
        if let Some(stored) = self.pods.get_mut(pod.id()) {
            stored.config = cfg.clone();
        }
        Ok(())
    }
}

/// `InvalidArg` unless the container's `pod` field names `pod_id` (step 2 pod-field misuse).
fn check_member_pod_field(ctr: &Container, pod_id: &str) -> Result<()> {
    match ctr.config.pod.as_deref() {
        Some(p) if p == pod_id => Ok(()),
        other => Err(StateError::invalid(format!(
            "container {:?} names {} but the call is for pod {pod_id:?}",
            ctr.id(),
            other.map_or("no pod".to_owned(), |p| format!("pod {p:?}"))
        ))),
    }
}
