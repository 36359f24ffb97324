//! Argument-shape rules of SPEC §5 Strings and the pod-field rules (check-order step 2), and
//! the visibility rule of step 3: pure functions of the arguments, run before any read.
//!
//! The conformance crate's reference model does **not** use them: it implements the same rules
//! on its own so that it can catch a bug here.

use std::collections::BTreeSet;

use crate::{Container, ContainerConfig, ExecSession, Pod, PodConfig, Result, StateError, Volume};
use crate::{ErrorKind, VolumeConfig};

/// An identity or index string (ID, name, network, alias, ...): non-empty and without NUL.
pub fn check_key(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(StateError::invalid(format!("{what} must not be empty")));
    }
    check_no_nul(what, value)
}

/// A namespace: may be empty (no namespace), but never holds a NUL.
pub fn check_namespace(value: &str) -> Result<()> {
    check_no_nul("namespace", value)
}

fn check_no_nul(what: &str, value: &str) -> Result<()> {
    if value.contains('\0') {
        return Err(StateError::invalid(format!(
            "{what} {value:?} must not contain NUL"
        )));
    }
    Ok(())
}

/// The strings a call reads from a passed container: ID, namespace and, when set, pod.
pub fn check_passed_container(ctr: &Container) -> Result<()> {
    check_key("container ID", &ctr.config.id)?;
    check_namespace(&ctr.config.namespace)?;
    if let Some(pod) = &ctr.config.pod {
        check_key("pod ID of a container", pod)?;
    }
    Ok(())
}

/// The strings a call reads from a passed pod: ID and namespace.
pub fn check_passed_pod(pod: &Pod) -> Result<()> {
    check_key("pod ID", &pod.config.id)?;
    check_namespace(&pod.config.namespace)
}

/// The key of a passed volume: its name.
pub fn check_passed_volume(vol: &Volume) -> Result<()> {
    check_key("volume name", &vol.config.name)
}

/// Both IDs of an exec session.
pub fn check_exec_session(session: &ExecSession) -> Result<()> {
    check_key("exec session ID", &session.id)?;
    check_key("container ID of an exec session", &session.container_id)
}

/// Aliases passed to `network_connect`.
pub fn check_aliases(aliases: &[String]) -> Result<()> {
    aliases
        .iter()
        .try_for_each(|a| check_key("network alias", a))
}

/// Every identity and index string of a new container config, and no network listed twice.
pub fn check_new_container(cfg: &ContainerConfig) -> Result<()> {
    check_key("container ID", &cfg.id)?;
    check_key("container name", &cfg.name)?;
    check_namespace(&cfg.namespace)?;
    if let Some(pod) = &cfg.pod {
        check_key("pod ID of a container", pod)?;
    }
    for (field, value) in cfg.namespace_sharing() {
        if let Some(value) = value {
            check_key(field, value)?;
        }
    }
    cfg.depends_on
        .iter()
        .try_for_each(|d| check_key("depends_on entry", d))?;
    cfg.named_volumes
        .iter()
        .try_for_each(|v| check_key("named volume", &v.name))?;
    let mut seen = BTreeSet::new();
    for net in &cfg.networks {
        check_key("network name", net)?;
        if !seen.insert(net.as_str()) {
            return Err(StateError::invalid(format!(
                "container {:?} lists network {net:?} twice",
                cfg.id
            )));
        }
    }
    for (net, aliases) in &cfg.network_aliases {
        check_key("network name", net)?;
        check_aliases(aliases)?;
    }
    Ok(())
}

/// Every identity string of a new pod config.
pub fn check_new_pod(cfg: &PodConfig) -> Result<()> {
    check_key("pod ID", &cfg.id)?;
    check_key("pod name", &cfg.name)?;
    check_namespace(&cfg.namespace)
}

/// The key of a new volume config.
pub fn check_new_volume(cfg: &VolumeConfig) -> Result<()> {
    check_key("volume name", &cfg.name)
}

/// Pod-field misuse of `add_container` and `remove_container`: a container outside the pod
/// calls names no pod. `pod` is the passed or the stored container's pod field.
pub fn pod_unset(id: &str, pod: Option<&str>) -> Result<()> {
    match pod {
        None => Ok(()),
        Some(pod) => Err(StateError::invalid(format!(
            "container {id:?} is in pod {pod:?}: use the pod calls (add_container_to_pod, \
             remove_container_from_pod)"
        ))),
    }
}

/// Pod-field misuse of the membership calls: the container's pod field must name `pod_id`.
/// `pod` is the passed or the stored container's pod field.
pub fn pod_is(id: &str, pod: Option<&str>, pod_id: &str) -> Result<()> {
    match pod {
        Some(p) if p == pod_id => Ok(()),
        other => Err(StateError::invalid(format!(
            "container {id:?} is {} but the call is for pod {pod_id:?}",
            other.map_or("in no pod".to_owned(), |p| format!("in pod {p:?}"))
        ))),
    }
}

/// Whether an object in namespace `object_ns` is visible to a handle in `handle_ns`.
pub fn visible(handle_ns: &str, object_ns: &str) -> bool {
    handle_ns.is_empty() || handle_ns == object_ns
}

/// `NsMismatch` unless an object of `what` (`"container"`, `"pod"`) named `id` in namespace
/// `object_ns` is visible to a handle in `handle_ns`.
pub fn check_visible(handle_ns: &str, what: &str, id: &str, object_ns: &str) -> Result<()> {
    if visible(handle_ns, object_ns) {
        return Ok(());
    }
    Err(StateError::new(
        ErrorKind::NsMismatch,
        format!("{what} {id:?} is in namespace {object_ns:?}, the handle is in {handle_ns:?}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_must_be_non_empty_and_nul_free() {
        assert_eq!(
            check_key("x", "").unwrap_err().kind(),
            ErrorKind::InvalidArg
        );
        assert_eq!(
            check_key("x", "a\0b").unwrap_err().kind(),
            ErrorKind::InvalidArg
        );
        assert!(check_key("x", "a_%b").is_ok());
        assert!(check_namespace("").is_ok());
    }

    #[test]
    fn a_network_listed_twice_is_invalid() {
        let mut cfg = ContainerConfig::new("c", "n");
        cfg.networks = vec!["a".into(), "b".into(), "a".into()];
        assert_eq!(
            check_new_container(&cfg).unwrap_err().kind(),
            ErrorKind::InvalidArg
        );
    }

    #[test]
    fn an_empty_sharing_field_is_invalid() {
        let mut cfg = ContainerConfig::new("c", "n");
        cfg.uts_ns_ctr = Some(String::new());
        assert_eq!(
            check_new_container(&cfg).unwrap_err().kind(),
            ErrorKind::InvalidArg
        );
    }

    #[test]
    fn pod_fields_must_match_the_call() {
        assert!(pod_unset("c", None).is_ok());
        assert_eq!(
            pod_unset("c", Some("p")).unwrap_err().kind(),
            ErrorKind::InvalidArg
        );
        assert!(pod_is("c", Some("p"), "p").is_ok());
        assert_eq!(
            pod_is("c", Some("q"), "p").unwrap_err().kind(),
            ErrorKind::InvalidArg
        );
        assert_eq!(
            pod_is("c", None, "p").unwrap_err().kind(),
            ErrorKind::InvalidArg
        );
    }

    #[test]
    fn visibility_follows_the_handle_namespace() {
        assert!(visible("", "a"));
        assert!(visible("a", "a"));
        assert!(!visible("a", ""));
        assert_eq!(
            check_visible("a", "pod", "p", "b").unwrap_err().kind(),
            ErrorKind::NsMismatch
        );
    }
}
