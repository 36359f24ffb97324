//! Lookup resolution (SPEC §5 Names and lookups): exact ID, then exact name, then unique ID
//! prefix, among the objects the handle sees; exact-ID getters; `has_*` and `get_name`.

use super::targets::existing_volume;
use crate::raw::rules::{check_key, check_visible, visible};
use crate::raw::{HolderKind, StoreRead};
use crate::{ErrorKind, Result, StateError};

/// What a resolution resolves: the one place where containers and pods differ.
#[derive(Clone, Copy)]
enum Kind {
    Container,
    Pod,
}

impl Kind {
    fn holder(self) -> HolderKind {
        match self {
            Kind::Container => HolderKind::Container,
            Kind::Pod => HolderKind::Pod,
        }
    }

    fn noun(self) -> &'static str {
        self.holder().noun()
    }

    /// What a resolved string is called in a step-2 error: a constant, because every lookup
    /// checks its argument and a message built each time was a tenth of an in-memory lookup.
    fn lookup_label(self) -> &'static str {
        match self {
            Kind::Container => "container ID or name",
            Kind::Pod => "pod ID or name",
        }
    }

    /// The stored namespace of the object of this kind with exactly this ID.
    fn namespace_of(self, view: &(impl StoreRead + ?Sized), id: &str) -> Result<Option<String>> {
        match self {
            Kind::Container => view.container_namespace(id),
            Kind::Pod => view.pod_namespace(id),
        }
    }

    fn prefix(self, view: &(impl StoreRead + ?Sized), s: &str, ns: &str) -> Result<Vec<String>> {
        match self {
            Kind::Container => view.container_id_prefix(s, ns),
            Kind::Pod => view.pod_id_prefix(s, ns),
        }
    }
}

/// Whether the object of `kind` with exactly this ID is stored and visible in `ns`.
fn visible_id(view: &(impl StoreRead + ?Sized), kind: Kind, ns: &str, id: &str) -> Result<bool> {
    Ok(kind
        .namespace_of(view, id)?
        .is_some_and(|object_ns| visible(ns, &object_ns)))
}

/// The ID of the visible object of `kind` named exactly `name`.
fn visible_name(
    view: &(impl StoreRead + ?Sized),
    kind: Kind,
    ns: &str,
    name: &str,
) -> Result<Option<String>> {
    Ok(view
        .named_object(kind.holder(), name)?
        .filter(|object| visible(ns, &object.namespace))
        .map(|object| object.id))
}

/// Exact visible ID, exact visible name, unique visible ID prefix: an invisible object is
/// skipped at every step and resolution goes on to the next.
fn resolve(view: &(impl StoreRead + ?Sized), kind: Kind, ns: &str, s: &str) -> Result<String> {
    check_key(kind.lookup_label(), s)?;
    if visible_id(view, kind, ns, s)? {
        return Ok(s.to_owned());
    }
    if let Some(id) = visible_name(view, kind, ns, s)? {
        return Ok(id);
    }
    let mut matches = kind.prefix(view, s, ns)?.into_iter();
    match (matches.next(), matches.next()) {
        (Some(id), None) => Ok(id),
        (Some(a), Some(b)) => Err(StateError::new(
            ErrorKind::Ambiguous,
            format!(
                "{noun} ID prefix {s:?} matches several {noun}s ({a:?}, {b:?}, ...)",
                noun = kind.noun()
            ),
        )),
        (None, _) => Err(not_found(view, kind, ns, s)?),
    }
}

/// The error of a resolution that found nothing; for containers it says so when `s` names a
/// visible pod.
fn not_found(
    view: &(impl StoreRead + ?Sized),
    kind: Kind,
    ns: &str,
    s: &str,
) -> Result<StateError> {
    Ok(match kind {
        Kind::Pod => StateError::new(
            ErrorKind::NoSuchPod,
            format!("no pod with name or ID {s:?} found"),
        ),
        Kind::Container => {
            let names_pod = visible_id(view, Kind::Pod, ns, s)?
                || visible_name(view, Kind::Pod, ns, s)?.is_some();
            let message = if names_pod {
                format!("{s:?} is a pod, not a container")
            } else {
                format!("no container with name or ID {s:?} found")
            };
            StateError::new(ErrorKind::NoSuchCtr, message)
        }
    })
}

/// `lookup_container_id` and `lookup_container`: the ID `s` resolves to.
pub fn lookup_container(view: &(impl StoreRead + ?Sized), ns: &str, s: &str) -> Result<String> {
    resolve(view, Kind::Container, ns, s)
}

/// `lookup_pod`: the ID `s` resolves to.
pub fn lookup_pod(view: &(impl StoreRead + ?Sized), ns: &str, s: &str) -> Result<String> {
    resolve(view, Kind::Pod, ns, s)
}

/// `lookup_volume`: exact name, then unique name prefix (volumes ignore namespaces); the name
/// `s` resolves to.
pub fn lookup_volume(view: &(impl StoreRead + ?Sized), s: &str) -> Result<String> {
    check_key("volume name", s)?;
    if view.volume_exists(s)? {
        return Ok(s.to_owned());
    }
    let mut matches = view.volume_name_prefix(s)?.into_iter();
    match (matches.next(), matches.next()) {
        (Some(name), None) => Ok(name),
        (Some(a), Some(b)) => Err(StateError::new(
            ErrorKind::Ambiguous,
            format!("volume name prefix {s:?} matches several volumes ({a:?}, {b:?}, ...)"),
        )),
        (None, _) => Err(StateError::new(
            ErrorKind::NoSuchVolume,
            format!("no volume with name or name prefix {s:?} found"),
        )),
    }
}

/// `container` and `get_container_config`: the container with exactly this ID, `NsMismatch`
/// when it is in another namespace.
pub fn container(view: &(impl StoreRead + ?Sized), ns: &str, id: &str) -> Result<()> {
    check_key("container ID", id)?;
    let stored = view
        .container_namespace(id)?
        .ok_or_else(|| StateError::no_such_ctr(id))?;
    check_visible(ns, "container", id, &stored)
}

/// `pod`: the pod with exactly this ID, `NsMismatch` when it is in another namespace.
pub fn pod(view: &(impl StoreRead + ?Sized), ns: &str, id: &str) -> Result<()> {
    check_key("pod ID", id)?;
    let stored = view
        .pod_namespace(id)?
        .ok_or_else(|| StateError::no_such_pod(id))?;
    check_visible(ns, "pod", id, &stored)
}

/// `volume`: the volume named exactly `name`.
pub fn volume(view: &(impl StoreRead + ?Sized), name: &str) -> Result<()> {
    check_key("volume name", name)?;
    existing_volume(view, name)
}

/// `has_container`.
pub fn has_container(view: &(impl StoreRead + ?Sized), ns: &str, id: &str) -> Result<bool> {
    check_key("container ID", id)?;
    visible_id(view, Kind::Container, ns, id)
}

/// `has_pod`.
pub fn has_pod(view: &(impl StoreRead + ?Sized), ns: &str, id: &str) -> Result<bool> {
    check_key("pod ID", id)?;
    visible_id(view, Kind::Pod, ns, id)
}

/// `has_volume`.
pub fn has_volume(view: &(impl StoreRead + ?Sized), name: &str) -> Result<bool> {
    check_key("volume name", name)?;
    view.volume_exists(name)
}

/// `get_name`: the name of the visible container or pod with exactly this ID (`NoSuchCtr` for
/// pods too).
pub fn get_name(view: &(impl StoreRead + ?Sized), ns: &str, id: &str) -> Result<String> {
    check_key("ID", id)?;
    let ctr = view.container_meta(id)?;
    let meta = match ctr {
        Some(c) => Some(c),
        None => view.pod_meta(id)?,
    };
    match meta {
        Some(m) if visible(ns, &m.namespace) => Ok(m.name),
        _ => Err(StateError::new(
            ErrorKind::NoSuchCtr,
            format!("no container or pod with ID {id:?} found"),
        )),
    }
}
