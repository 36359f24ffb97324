//! The check orders of the volume calls (volumes ignore namespaces).

use super::targets::passed_volume;
use crate::raw::StoreRead;
use crate::raw::rules;
use crate::{ErrorKind, Result, StateError, Volume, VolumeConfig};

/// `add_volume`.
pub fn add_volume(view: &(impl StoreRead + ?Sized), vol: &Volume) -> Result<()> {
    rules::check_new_volume(&vol.config)?;
    let name = vol.name();
    if view.volume_exists(name)? {
        return Err(StateError::new(
            ErrorKind::VolumeExists,
            format!("a volume named {name:?} already exists"),
        ));
    }
    Ok(())
}

/// `remove_volume`: no stored container may use it.
pub fn remove_volume(view: &(impl StoreRead + ?Sized), vol: &Volume) -> Result<()> {
    let users = volume_in_use(view, vol)?;
    match users.first() {
        None => Ok(()),
        Some(user) => Err(StateError::new(
            ErrorKind::InUse,
            format!(
                "volume {:?} is used by {} container(s) (e.g. {user:?})",
                vol.name(),
                users.len()
            ),
        )),
    }
}

/// `volume_in_use`: the IDs of every stored container using it.
pub fn volume_in_use(view: &(impl StoreRead + ?Sized), vol: &Volume) -> Result<Vec<String>> {
    passed_volume(view, vol)?;
    view.volume_users(vol.name())
}

/// `rewrite_volume_config`: `cfg` must keep the name.
pub fn rewrite_volume_config(
    view: &(impl StoreRead + ?Sized),
    vol: &Volume,
    cfg: &VolumeConfig,
) -> Result<()> {
    rules::check_passed_volume(vol)?;
    rules::check_new_volume(cfg)?;
    super::targets::existing_volume(view, vol.name())?;
    if cfg.name != vol.name() {
        return Err(StateError::invalid(format!(
            "the new config of volume {:?} renames it to {:?}",
            vol.name(),
            cfg.name
        )));
    }
    Ok(())
}
