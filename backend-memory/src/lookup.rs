//! Finding objects: exact gets, prefix range scans, the shared ID/name spaces, and the steps 2-4
//! that every call on a passed container or pod goes through.

use std::collections::BTreeMap;
use std::ops::Bound;

use podstate_api::rules::{self, visible};
use podstate_api::{Container, ContainerConfig, ErrorKind, Pod, Result, StateError};

use crate::store::{Data, HolderKind, StoredContainer, StoredPod, StoredVolume};

/// What a prefix scan found among the visible keys.
pub(crate) enum PrefixMatch<'a> {
    None,
    One(&'a str),
    /// Two of the matches (the scan stops at the second).
    Several(&'a str, &'a str),
}

/// The keys of `map` that start with `prefix` and whose value passes `keep`, as a range scan of
/// the ordered map: only keys sharing the prefix are visited, and the scan stops at the second
/// match.
pub(crate) fn prefix_match<'a, V>(
    map: &'a BTreeMap<String, V>,
    prefix: &str,
    keep: impl Fn(&V) -> bool,
) -> PrefixMatch<'a> {
    let mut found = map
        .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(|(key, _)| key.starts_with(prefix))
        .filter(|(_, value)| keep(value))
        .map(|(key, _)| key.as_str());
    match (found.next(), found.next()) {
        (None, _) => PrefixMatch::None,
        (Some(one), None) => PrefixMatch::One(one),
        (Some(first), Some(second)) => PrefixMatch::Several(first, second),
    }
}

impl StoredContainer {
    /// An independent copy of config and state.
    pub(crate) fn to_container(&self) -> Container {
        Container {
            config: self.config.clone(),
            state: self.state.clone(),
        }
    }
}

impl StoredPod {
    /// An independent copy of config and state.
    pub(crate) fn to_pod(&self) -> Pod {
        Pod {
            config: self.config.clone(),
            state: self.state.clone(),
        }
    }
}

impl Data {
    /// The container with exactly this ID, in any namespace.
    pub(crate) fn find_container(&self, id: &str) -> Result<&StoredContainer> {
        self.containers
            .get(id)
            .ok_or_else(|| StateError::no_such_ctr(id))
    }

    /// The pod with exactly this ID, in any namespace.
    pub(crate) fn find_pod(&self, id: &str) -> Result<&StoredPod> {
        self.pods.get(id).ok_or_else(|| StateError::no_such_pod(id))
    }

    /// The volume with exactly this name.
    pub(crate) fn find_volume(&self, name: &str) -> Result<&StoredVolume> {
        self.volumes
            .get(name)
            .ok_or_else(|| StateError::no_such_volume(name))
    }

    /// Steps 2-4 for a passed container in a call that honours namespaces: its strings, its
    /// namespace against the handle's, its existence, the stored namespace against the handle's.
    pub(crate) fn passed_container(&self, ns: &str, ctr: &Container) -> Result<&StoredContainer> {
        rules::check_passed_container(ctr)?;
        let id = ctr.id();
        rules::check_visible(ns, "container", id, &ctr.config.namespace)?;
        let stored = self.find_container(id)?;
        rules::check_visible(ns, "container", id, &stored.config.namespace)?;
        Ok(stored)
    }

    /// Steps 2-4 for a passed pod, as [`Data::passed_container`].
    pub(crate) fn passed_pod(&self, ns: &str, pod: &Pod) -> Result<&StoredPod> {
        rules::check_passed_pod(pod)?;
        let id = pod.id();
        rules::check_visible(ns, "pod", id, &pod.config.namespace)?;
        let stored = self.find_pod(id)?;
        rules::check_visible(ns, "pod", id, &stored.config.namespace)?;
        Ok(stored)
    }

    /// `CtrExists`/`PodExists` when the new object's ID or name is taken in the shared spaces
    /// (the ID first), the kind naming the holder.
    pub(crate) fn check_id_and_name_free(&self, what: &str, id: &str, name: &str) -> Result<()> {
        if self.containers.contains_key(id) {
            return Err(exists(
                HolderKind::Container,
                format!("cannot add {what} {id:?}: the ID is held by a container"),
            ));
        }
        if self.pods.contains_key(id) {
            return Err(exists(
                HolderKind::Pod,
                format!("cannot add {what} {id:?}: the ID is held by a pod"),
            ));
        }
        if let Some(holder) = self.names.get(name) {
            let holder_what = holder_name(holder.kind);
            return Err(exists(
                holder.kind,
                format!(
                    "cannot add {what} {id:?}: the name {name:?} is held by {holder_what} {:?}",
                    holder.id
                ),
            ));
        }
        Ok(())
    }

    /// Resolves a container string: exact visible ID, exact visible name, unique visible prefix.
    fn resolve_container(&self, ns: &str, s: &str) -> Result<&StoredContainer> {
        rules::check_key("container ID or name", s)?;
        let is_visible = |c: &StoredContainer| visible(ns, &c.config.namespace);
        if let Some(c) = self.containers.get(s).filter(|c| is_visible(c)) {
            return Ok(c);
        }
        let by_name = self
            .names
            .get(s)
            .filter(|h| h.kind == HolderKind::Container);
        if let Some(c) = by_name
            .and_then(|h| self.containers.get(&h.id))
            .filter(|c| is_visible(c))
        {
            return Ok(c);
        }
        match prefix_match(&self.containers, s, is_visible) {
            PrefixMatch::One(id) => self.find_container(id),
            PrefixMatch::Several(a, b) => Err(StateError::new(
                ErrorKind::Ambiguous,
                format!("container ID prefix {s:?} matches several containers ({a:?}, {b:?}, ...)"),
            )),
            PrefixMatch::None => Err(StateError::new(
                ErrorKind::NoSuchCtr,
                if self.names_visible_pod(ns, s) {
                    format!("{s:?} is a pod, not a container")
                } else {
                    format!("no container with name or ID {s:?} found")
                },
            )),
        }
    }

    /// Resolves a pod string: exact visible ID, exact visible name, unique visible prefix.
    fn resolve_pod(&self, ns: &str, s: &str) -> Result<&StoredPod> {
        rules::check_key("pod ID or name", s)?;
        let is_visible = |p: &StoredPod| visible(ns, &p.config.namespace);
        if let Some(p) = self.pods.get(s).filter(|p| is_visible(p)) {
            return Ok(p);
        }
        let by_name = self.names.get(s).filter(|h| h.kind == HolderKind::Pod);
        if let Some(p) = by_name
            .and_then(|h| self.pods.get(&h.id))
            .filter(|p| is_visible(p))
        {
            return Ok(p);
        }
        match prefix_match(&self.pods, s, is_visible) {
            PrefixMatch::One(id) => self.find_pod(id),
            PrefixMatch::Several(a, b) => Err(StateError::new(
                ErrorKind::Ambiguous,
                format!("pod ID prefix {s:?} matches several pods ({a:?}, {b:?}, ...)"),
            )),
            PrefixMatch::None => Err(StateError::new(
                ErrorKind::NoSuchPod,
                format!("no pod with name or ID {s:?} found"),
            )),
        }
    }

    /// Whether `s` is the ID or the name of a pod visible in `ns` (for the `NoSuchCtr` message).
    fn names_visible_pod(&self, ns: &str, s: &str) -> bool {
        let by_id = self.pods.get(s);
        let by_name = self
            .names
            .get(s)
            .filter(|h| h.kind == HolderKind::Pod)
            .and_then(|h| self.pods.get(&h.id));
        by_id
            .into_iter()
            .chain(by_name)
            .any(|p| visible(ns, &p.config.namespace))
    }

    /// A container by exact ID, `NsMismatch` when it is in another namespace.
    fn exact_container(&self, ns: &str, id: &str) -> Result<&StoredContainer> {
        rules::check_key("container ID", id)?;
        let stored = self.find_container(id)?;
        rules::check_visible(ns, "container", id, &stored.config.namespace)?;
        Ok(stored)
    }

    /// `get_name`.
    pub(crate) fn get_name(&self, ns: &str, id: &str) -> Result<String> {
        rules::check_key("ID", id)?;
        let ctr_name = self
            .containers
            .get(id)
            .filter(|c| visible(ns, &c.config.namespace))
            .map(|c| &c.config.name);
        let pod_name = || {
            self.pods
                .get(id)
                .filter(|p| visible(ns, &p.config.namespace))
                .map(|p| &p.config.name)
        };
        ctr_name.or_else(pod_name).cloned().ok_or_else(|| {
            StateError::new(
                ErrorKind::NoSuchCtr,
                format!("no container or pod with ID {id:?} found"),
            )
        })
    }

    /// `container`.
    pub(crate) fn container(&self, ns: &str, id: &str) -> Result<Container> {
        self.exact_container(ns, id)
            .map(StoredContainer::to_container)
    }

    /// `get_container_config`.
    pub(crate) fn get_container_config(&self, ns: &str, id: &str) -> Result<ContainerConfig> {
        self.exact_container(ns, id).map(|c| c.config.clone())
    }

    /// `has_container`.
    pub(crate) fn has_container(&self, ns: &str, id: &str) -> Result<bool> {
        rules::check_key("container ID", id)?;
        Ok(self
            .containers
            .get(id)
            .is_some_and(|c| visible(ns, &c.config.namespace)))
    }

    /// `lookup_container_id`.
    pub(crate) fn lookup_container_id(&self, ns: &str, s: &str) -> Result<String> {
        self.resolve_container(ns, s).map(|c| c.config.id.clone())
    }

    /// `lookup_container`.
    pub(crate) fn lookup_container(&self, ns: &str, s: &str) -> Result<Container> {
        self.resolve_container(ns, s)
            .map(StoredContainer::to_container)
    }

    /// `pod`.
    pub(crate) fn pod(&self, ns: &str, id: &str) -> Result<Pod> {
        rules::check_key("pod ID", id)?;
        let stored = self.find_pod(id)?;
        rules::check_visible(ns, "pod", id, &stored.config.namespace)?;
        Ok(stored.to_pod())
    }

    /// `has_pod`.
    pub(crate) fn has_pod(&self, ns: &str, id: &str) -> Result<bool> {
        rules::check_key("pod ID", id)?;
        Ok(self
            .pods
            .get(id)
            .is_some_and(|p| visible(ns, &p.config.namespace)))
    }

    /// `lookup_pod`.
    pub(crate) fn lookup_pod(&self, ns: &str, s: &str) -> Result<Pod> {
        self.resolve_pod(ns, s).map(StoredPod::to_pod)
    }
}

/// The noun for a holder kind, for messages.
pub(crate) fn holder_name(kind: HolderKind) -> &'static str {
    match kind {
        HolderKind::Container => "container",
        HolderKind::Pod => "pod",
    }
}

/// `CtrExists` or `PodExists`, after the holder.
fn exists(kind: HolderKind, message: String) -> StateError {
    let kind = match kind {
        HolderKind::Container => ErrorKind::CtrExists,
        HolderKind::Pod => ErrorKind::PodExists,
    };
    StateError::new(kind, message)
}
