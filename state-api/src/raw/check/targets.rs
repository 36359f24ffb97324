//! Steps 3 and 4 for the objects a call names, and the collision order of the shared ID and name
//! spaces: the building blocks every call's check order is made of.

use crate::raw::rules::{self, check_visible};
use crate::raw::{HolderKind, ObjectMeta, StoreRead};
use crate::{Container, ErrorKind, Pod, Result, StateError, Volume};

/// Step 4 existence: the stored container `id`, or `NoSuchCtr`.
pub fn existing_container(view: &(impl StoreRead + ?Sized), id: &str) -> Result<ObjectMeta> {
    view.container_meta(id)?
        .ok_or_else(|| StateError::no_such_ctr(id))
}

/// Step 4 existence: the stored pod `id`, or `NoSuchPod`.
pub fn existing_pod(view: &(impl StoreRead + ?Sized), id: &str) -> Result<ObjectMeta> {
    view.pod_meta(id)?
        .ok_or_else(|| StateError::no_such_pod(id))
}

/// Step 4 existence: volume `name` is stored, or `NoSuchVolume`.
pub fn existing_volume(view: &(impl StoreRead + ?Sized), name: &str) -> Result<()> {
    if view.volume_exists(name)? {
        return Ok(());
    }
    Err(StateError::no_such_volume(name))
}

/// Steps 3 and 4 for a passed container whose strings passed step 2: its namespace against the
/// handle's, its existence, the stored namespace against the handle's.
pub fn target_container(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
) -> Result<ObjectMeta> {
    let id = ctr.id();
    check_visible(ns, "container", id, &ctr.config.namespace)?;
    let stored = existing_container(view, id)?;
    check_visible(ns, "container", id, &stored.namespace)?;
    Ok(stored)
}

/// Steps 3 and 4 for a passed pod whose strings passed step 2, as [`target_container`].
pub fn target_pod(view: &(impl StoreRead + ?Sized), ns: &str, pod: &Pod) -> Result<ObjectMeta> {
    let id = pod.id();
    check_visible(ns, "pod", id, &pod.config.namespace)?;
    let stored = existing_pod(view, id)?;
    check_visible(ns, "pod", id, &stored.namespace)?;
    Ok(stored)
}

/// Steps 2 to 4 for a passed container in a call that honours namespaces and has no rule of
/// its own before step 5.
pub fn passed_container(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
) -> Result<ObjectMeta> {
    rules::check_passed_container(ctr)?;
    target_container(view, ns, ctr)
}

/// Steps 2 to 4 for a passed pod, as [`passed_container`].
pub fn passed_pod(view: &(impl StoreRead + ?Sized), ns: &str, pod: &Pod) -> Result<ObjectMeta> {
    rules::check_passed_pod(pod)?;
    target_pod(view, ns, pod)
}

/// Steps 2 and 4 for a passed container in the exec calls that ignore namespaces.
pub fn exec_container(view: &(impl StoreRead + ?Sized), ctr: &Container) -> Result<ObjectMeta> {
    rules::check_passed_container(ctr)?;
    existing_container(view, ctr.id())
}

/// Steps 2 and 4 for a passed volume (volumes ignore namespaces).
pub fn passed_volume(view: &(impl StoreRead + ?Sized), vol: &Volume) -> Result<()> {
    rules::check_passed_volume(vol)?;
    existing_volume(view, vol.name())
}

/// SPEC §2.1, the collision order of every add to the shared spaces: the new object's ID, then
/// its name, must be free; the kind (`CtrExists`, `PodExists`) names the holder, not the call.
/// `what` is the noun of the object being added.
pub fn id_and_name_free(
    view: &(impl StoreRead + ?Sized),
    what: &str,
    id: &str,
    name: &str,
) -> Result<()> {
    if let Some(kind) = view.id_holder(id)? {
        return Err(exists(
            kind,
            format!(
                "cannot add {what} {id:?}: the ID is held by a {}",
                kind.noun()
            ),
        ));
    }
    if let Some(holder) = view.name_holder(name)? {
        return Err(exists(
            holder.kind,
            format!(
                "cannot add {what} {id:?}: the name {name:?} is held by {} {:?}",
                holder.kind.noun(),
                holder.id
            ),
        ));
    }
    Ok(())
}

/// `CtrExists` or `PodExists`, after the holder.
fn exists(kind: HolderKind, message: String) -> StateError {
    let kind = match kind {
        HolderKind::Container => ErrorKind::CtrExists,
        HolderKind::Pod => ErrorKind::PodExists,
    };
    StateError::new(kind, message)
}
