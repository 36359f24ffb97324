//! What a backend reads inside one transaction: [`StoreRead`] for the checks, [`StoreLoad`] for
//! the objects the retrieval calls return.

use std::collections::BTreeMap;

use crate::{Container, ContainerConfig, ContainerState, DbConfig, Pod, Result, Volume};

/// Which kind of object holds an ID or a name of the shared container/pod spaces (SPEC §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HolderKind {
    /// A container.
    Container,
    /// A pod.
    Pod,
}

impl HolderKind {
    /// The noun for messages: `"container"` or `"pod"`.
    pub fn noun(self) -> &'static str {
        match self {
            HolderKind::Container => "container",
            HolderKind::Pod => "pod",
        }
    }
}

/// The holder of a name in the shared container/pod name space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Container or pod.
    pub kind: HolderKind,
    /// The holder's ID.
    pub id: String,
}

/// An object of the shared container/pod spaces found by its name: what a lookup by name needs
/// of it (see [`StoreRead::named_object`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedObject {
    /// The object's ID.
    pub id: String,
    /// Its stored libpod namespace (`""` = none).
    pub namespace: String,
}

/// The identity of a stored container or pod, as the checks need it: everything but the
/// config's lists and payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectMeta {
    /// The stored name.
    pub name: String,
    /// The stored libpod namespace (`""` = none).
    pub namespace: String,
    /// For a container, the pod it is a member of; always `None` for a pod.
    pub pod: Option<String>,
}

/// What stops a container from being removed (SPEC §4, step 5 of the removals): its first
/// registered exec session and its first dependent, each the least ID in byte order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blockers {
    /// An exec session registered to the container.
    pub session: Option<String>,
    /// A container that depends on it.
    pub dependent: Option<String>,
}

/// Every read the backend-neutral checks of [`check`](super::check) make, over one
/// transaction's consistent view of the store.
///
/// Each method answers owned values and a `Result`, because a persistent backend's read can fail
/// (`Io`, or `Corrupt` for a record that does not decode). Methods that take `ns` see only what
/// a handle in namespace `ns` sees (`""` sees everything, see [`visible`](super::rules::visible));
/// the others ignore namespaces.
pub trait StoreRead {
    /// The stored container with exactly this ID, in any namespace.
    fn container_meta(&self, id: &str) -> Result<Option<ObjectMeta>>;

    /// The stored config of the container with exactly this ID, in any namespace.
    fn container_config(&self, id: &str) -> Result<Option<ContainerConfig>>;

    /// The stored pod with exactly this ID, in any namespace.
    fn pod_meta(&self, id: &str) -> Result<Option<ObjectMeta>>;

    /// The stored namespace of the container with exactly this ID, in any namespace: all that
    /// the lookups and the exact-ID getters read of an object. The default asks
    /// [`container_meta`](StoreRead::container_meta); a backend that can answer without
    /// reading or copying the name and pod overrides it (a lookup makes up to three of these
    /// reads).
    fn container_namespace(&self, id: &str) -> Result<Option<String>> {
        Ok(self.container_meta(id)?.map(|m| m.namespace))
    }

    /// As [`container_namespace`](StoreRead::container_namespace), for pods.
    fn pod_namespace(&self, id: &str) -> Result<Option<String>> {
        Ok(self.pod_meta(id)?.map(|m| m.namespace))
    }

    /// Who holds `id` in the shared container/pod ID space. The default asks
    /// [`container_meta`](StoreRead::container_meta), then [`pod_meta`](StoreRead::pod_meta); a
    /// backend with one table for both spaces answers in one probe.
    fn id_holder(&self, id: &str) -> Result<Option<HolderKind>> {
        if self.container_meta(id)?.is_some() {
            return Ok(Some(HolderKind::Container));
        }
        Ok(self.pod_meta(id)?.map(|_| HolderKind::Pod))
    }

    /// Who holds `name` in the shared container/pod name space.
    fn name_holder(&self, name: &str) -> Result<Option<Holder>>;

    /// The object of `kind` named exactly `name`, in any namespace, with its stored namespace;
    /// `None` when no object, or one of the other kind, holds the name. The default asks
    /// [`name_holder`](StoreRead::name_holder), then the holder's namespace; a backend that
    /// keeps the namespace beside the name answers in one probe (every lookup by name asks).
    fn named_object(&self, kind: HolderKind, name: &str) -> Result<Option<NamedObject>> {
        let Some(holder) = self.name_holder(name)? else {
            return Ok(None);
        };
        if holder.kind != kind {
            return Ok(None);
        }
        let namespace = match kind {
            HolderKind::Container => self.container_namespace(&holder.id)?,
            HolderKind::Pod => self.pod_namespace(&holder.id)?,
        };
        Ok(namespace.map(|namespace| NamedObject {
            id: holder.id,
            namespace,
        }))
    }

    /// The first two IDs, in byte order, of containers visible in `ns` that start with
    /// `prefix` (fewer when fewer match). Every byte of `prefix` is literal.
    fn container_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>>;

    /// As [`container_id_prefix`](StoreRead::container_id_prefix), for pods.
    fn pod_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>>;

    /// Whether a volume is named exactly `name`.
    fn volume_exists(&self, name: &str) -> Result<bool>;

    /// The first two volume names, in byte order, that start with `prefix`.
    fn volume_name_prefix(&self, prefix: &str) -> Result<Vec<String>>;

    /// The networks container `id` is connected to now, each with its aliases (sorted, no
    /// duplicates); empty for an unknown container.
    fn networks(&self, id: &str) -> Result<BTreeMap<String, Vec<String>>>;

    /// The IDs of the containers that depend on container `id`, sorted.
    fn dependents(&self, id: &str) -> Result<Vec<String>>;

    /// The IDs of the members of pod `id`, sorted.
    fn pod_members(&self, id: &str) -> Result<Vec<String>>;

    /// The IDs of the stored containers whose config names volume `name`, sorted.
    fn volume_users(&self, name: &str) -> Result<Vec<String>>;

    /// The IDs of the exec sessions registered to container `id`, sorted.
    fn container_exec_sessions(&self, id: &str) -> Result<Vec<String>>;

    /// What stops container `id` from being removed. The default reads both lists; a backend
    /// that can ask both in one probe, or stop at the first entry, overrides it (every removal
    /// asks).
    fn removal_blockers(&self, id: &str) -> Result<Blockers> {
        Ok(Blockers {
            session: self.container_exec_sessions(id)?.into_iter().next(),
            dependent: self.dependents(id)?.into_iter().next(),
        })
    }

    /// The stored container with exactly this ID, in any namespace, with what stops its
    /// removal: what `remove_container` reads. The default asks
    /// [`container_meta`](StoreRead::container_meta), then
    /// [`removal_blockers`](StoreRead::removal_blockers); a backend that reads all of it in one
    /// probe overrides it.
    fn container_for_removal(&self, id: &str) -> Result<Option<(ObjectMeta, Blockers)>> {
        match self.container_meta(id)? {
            None => Ok(None),
            Some(meta) => Ok(Some((meta, self.removal_blockers(id)?))),
        }
    }

    /// The container exec session `id` is registered to.
    fn exec_session_owner(&self, id: &str) -> Result<Option<String>>;

    /// The pinned DB config (empty fields where unpinned).
    fn db_config(&self) -> Result<DbConfig>;
}

/// The whole objects the retrieval calls return, read in the same transaction as their checks.
/// Every answer is an independent copy; lists are sorted by ID (volumes by name).
pub trait StoreLoad {
    /// The container with exactly this ID, config and state.
    fn load_container(&self, id: &str) -> Result<Option<Container>>;

    /// The state of the container with exactly this ID.
    fn load_container_state(&self, id: &str) -> Result<Option<ContainerState>>;

    /// The pod with exactly this ID.
    fn load_pod(&self, id: &str) -> Result<Option<Pod>>;

    /// The volume named exactly `name`.
    fn load_volume(&self, name: &str) -> Result<Option<Volume>>;

    /// Every container visible in `ns`.
    fn load_all_containers(&self, ns: &str) -> Result<Vec<Container>>;

    /// Every pod visible in `ns`.
    fn load_all_pods(&self, ns: &str) -> Result<Vec<Pod>>;

    /// Every volume.
    fn load_all_volumes(&self) -> Result<Vec<Volume>>;
}
