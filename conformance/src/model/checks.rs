//! Steps 2 to 4 of the SPEC §4 check order, as small named checks the calls compose.
//!
//! Step 2 (argument shape), as SPEC §4 step 2 reads it: a *passed* object has only the strings
//! the call reads checked (a container's ID, namespace and pod when set; a pod's ID and namespace;
//! a volume's name; both IDs of an exec session), while a *new* config is checked whole.

use std::collections::BTreeSet;

use podstate_api::{
    Container, ContainerConfig, ErrorKind, ExecSession, Pod, PodConfig, Result, StateError, Volume,
    VolumeConfig,
};

use super::data::{ModelData, StoredContainer};

// ----- step 2: strings ---------------------------------------------------------------------------

/// SPEC §5 Strings: an identity or index string is non-empty and holds no NUL.
pub(super) fn ident(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(StateError::invalid(format!("{what} must not be empty")));
    }
    no_nul(what, value)
}

/// A namespace may be empty (= none) but holds no NUL.
pub(super) fn no_nul(what: &str, value: &str) -> Result<()> {
    if value.contains('\0') {
        return Err(StateError::invalid(format!("{what} {value:?} holds a NUL")));
    }
    Ok(())
}

/// A passed container: its ID, namespace and pod (when set).
pub(super) fn passed_container(ctr: &Container) -> Result<()> {
    let cfg = &ctr.config;
    ident("container ID", &cfg.id)?;
    no_nul("container namespace", &cfg.namespace)?;
    if let Some(pod) = &cfg.pod {
        ident("container pod", pod)?;
    }
    Ok(())
}

/// A passed pod: its ID and namespace.
pub(super) fn passed_pod(pod: &Pod) -> Result<()> {
    ident("pod ID", &pod.config.id)?;
    no_nul("pod namespace", &pod.config.namespace)
}

/// A passed volume: its name.
pub(super) fn passed_volume(vol: &Volume) -> Result<()> {
    ident("volume name", &vol.config.name)
}

/// A passed exec session: both its IDs.
pub(super) fn passed_session(session: &ExecSession) -> Result<()> {
    ident("exec session ID", &session.id)?;
    ident("exec session container ID", &session.container_id)
}

/// A new container config, whole: every identity and index string, and no network twice.
pub(super) fn new_container_config(cfg: &ContainerConfig) -> Result<()> {
    ident("container ID", &cfg.id)?;
    ident("container name", &cfg.name)?;
    no_nul("container namespace", &cfg.namespace)?;
    if let Some(pod) = &cfg.pod {
        ident("container pod", pod)?;
    }
    let sharing = [
        ("ipc_ns_ctr", &cfg.ipc_ns_ctr),
        ("mount_ns_ctr", &cfg.mount_ns_ctr),
        ("net_ns_ctr", &cfg.net_ns_ctr),
        ("pid_ns_ctr", &cfg.pid_ns_ctr),
        ("user_ns_ctr", &cfg.user_ns_ctr),
        ("uts_ns_ctr", &cfg.uts_ns_ctr),
        ("cgroup_ns_ctr", &cfg.cgroup_ns_ctr),
    ];
    for (field, value) in sharing {
        if let Some(value) = value {
            ident(field, value)?;
        }
    }
    for dep in &cfg.depends_on {
        ident("depends_on entry", dep)?;
    }
    for vol in &cfg.named_volumes {
        ident("named volume name", &vol.name)?;
    }
    let mut seen = BTreeSet::new();
    for net in &cfg.networks {
        ident("network name", net)?;
        if !seen.insert(net.as_str()) {
            return Err(StateError::invalid(format!(
                "container {:?} lists network {net:?} twice",
                cfg.id
            )));
        }
    }
    for (net, aliases) in &cfg.network_aliases {
        ident("alias network", net)?;
        for alias in aliases {
            ident("network alias", alias)?;
        }
    }
    Ok(())
}

/// A new pod config, whole: ID, name, namespace.
pub(super) fn new_pod_config(cfg: &PodConfig) -> Result<()> {
    ident("pod ID", &cfg.id)?;
    ident("pod name", &cfg.name)?;
    no_nul("pod namespace", &cfg.namespace)
}

/// A new volume config, whole: its name.
pub(super) fn new_volume_config(cfg: &VolumeConfig) -> Result<()> {
    ident("volume name", &cfg.name)
}

/// Pod-field misuse of `add_container` / `remove_container`: the passed `pod` must be unset.
pub(super) fn pod_unset(ctr: &ContainerConfig) -> Result<()> {
    match &ctr.pod {
        None => Ok(()),
        Some(pod) => Err(StateError::invalid(format!(
            "container {:?} names pod {pod:?}; use the pod calls",
            ctr.id
        ))),
    }
}

/// Pod-field misuse of the membership calls: the passed `pod` must be the pod's ID.
pub(super) fn pod_is(ctr: &ContainerConfig, pod_id: &str) -> Result<()> {
    if ctr.pod.as_deref() == Some(pod_id) {
        return Ok(());
    }
    Err(StateError::invalid(format!(
        "container {:?} names pod {:?}, not {pod_id:?}",
        ctr.id, ctr.pod
    )))
}

// ----- step 3: passed namespaces -----------------------------------------------------------------

/// With a namespace set, a passed object must carry the handle's namespace.
pub(super) fn passed_namespace(handle_ns: &str, what: &str, id: &str, ns: &str) -> Result<()> {
    namespace_matches(handle_ns, what, id, ns)
}

// ----- step 4: targets ---------------------------------------------------------------------------

/// The stored container `id`, or `NoSuchCtr`.
pub(super) fn existing_container<'a>(data: &'a ModelData, id: &str) -> Result<&'a StoredContainer> {
    data.containers
        .get(id)
        .ok_or_else(|| StateError::no_such_ctr(id))
}

/// The stored pod `id`, or `NoSuchPod`.
pub(super) fn existing_pod<'a>(data: &'a ModelData, id: &str) -> Result<&'a Pod> {
    data.pods.get(id).ok_or_else(|| StateError::no_such_pod(id))
}

/// The stored volume `name`, or `NoSuchVolume`.
pub(super) fn existing_volume<'a>(data: &'a ModelData, name: &str) -> Result<&'a Volume> {
    data.volumes
        .get(name)
        .ok_or_else(|| StateError::no_such_volume(name))
}

/// With a namespace set, a stored target must be in it.
pub(super) fn stored_namespace(handle_ns: &str, what: &str, id: &str, ns: &str) -> Result<()> {
    namespace_matches(handle_ns, what, id, ns)
}

/// A pod and its members share a namespace (SPEC §2.3): strict equality, `""` included.
pub(super) fn same_namespace_as_pod(ctr: &ContainerConfig, pod: &PodConfig) -> Result<()> {
    if ctr.namespace == pod.namespace {
        return Ok(());
    }
    Err(StateError::new(
        ErrorKind::NsMismatch,
        format!(
            "container {:?} is in namespace {:?}, pod {:?} in {:?}",
            ctr.id, ctr.namespace, pod.id, pod.namespace
        ),
    ))
}

fn namespace_matches(handle_ns: &str, what: &str, id: &str, ns: &str) -> Result<()> {
    if handle_ns.is_empty() || handle_ns == ns {
        return Ok(());
    }
    Err(StateError::new(
        ErrorKind::NsMismatch,
        format!("{what} {id:?} is in namespace {ns:?}, the handle in {handle_ns:?}"),
    ))
}

// ----- step 5: the shared ID and name spaces -----------------------------------------------------

/// SPEC §2.1: `id` must be free among container and pod IDs; the kind names the holder.
pub(super) fn id_free(data: &ModelData, id: &str) -> Result<()> {
    if data.containers.contains_key(id) {
        return Err(StateError::new(
            ErrorKind::CtrExists,
            format!("ID {id:?} is held by a container"),
        ));
    }
    if data.pods.contains_key(id) {
        return Err(StateError::new(
            ErrorKind::PodExists,
            format!("ID {id:?} is held by a pod"),
        ));
    }
    Ok(())
}

/// SPEC §2.1: `name` must be free among container and pod names; the kind names the holder.
pub(super) fn name_free(data: &ModelData, name: &str) -> Result<()> {
    if let Some(c) = data
        .containers
        .values()
        .find(|c| c.container.config.name == name)
    {
        return Err(StateError::new(
            ErrorKind::CtrExists,
            format!(
                "name {name:?} is held by container {:?}",
                c.container.config.id
            ),
        ));
    }
    if let Some(p) = data.pods.values().find(|p| p.config.name == name) {
        return Err(StateError::new(
            ErrorKind::PodExists,
            format!("name {name:?} is held by pod {:?}", p.config.id),
        ));
    }
    Ok(())
}
