//! Volume calls (SPEC §5 Volumes). Volumes have no namespace: every call ignores the handle's.
//! Step 1 (closed) is the handle's.

use podstate_api::{ErrorKind, Result, StateError, Volume, VolumeConfig, VolumeState};

use super::checks;
use super::data::ModelData;

/// Steps 2 and 4 of every call on a passed volume.
fn target<'a>(data: &'a ModelData, vol: &Volume) -> Result<&'a Volume> {
    checks::passed_volume(vol)?;
    checks::existing_volume(data, vol.name())
}

/// `volume`: exact name.
pub(super) fn get(data: &ModelData, name: &str) -> Result<Volume> {
    checks::ident("volume name", name)?;
    checks::existing_volume(data, name).cloned()
}

/// `has_volume`.
pub(super) fn has(data: &ModelData, name: &str) -> Result<bool> {
    checks::ident("volume name", name)?;
    Ok(data.volumes.contains_key(name))
}

/// `lookup_volume`: exact name, then unique name prefix.
pub(super) fn lookup(data: &ModelData, name: &str) -> Result<Volume> {
    checks::ident("volume name", name)?;
    if let Some(vol) = data.volumes.get(name) {
        return Ok(vol.clone());
    }
    let matches: Vec<&Volume> = data
        .volumes
        .values()
        .filter(|v| v.name().starts_with(name))
        .collect();
    match matches.as_slice() {
        [] => Err(StateError::no_such_volume(name)),
        [only] => Ok((*only).clone()),
        many => {
            let names: Vec<&str> = many.iter().map(|v| v.name()).collect();
            Err(StateError::new(
                ErrorKind::Ambiguous,
                format!("{name:?} is a prefix of volumes {names:?}"),
            ))
        }
    }
}

/// `volume_in_use`: every stored container using it, whatever the handle's namespace.
pub(super) fn in_use(data: &ModelData, vol: &Volume) -> Result<Vec<String>> {
    target(data, vol)?;
    Ok(data.volume_users(vol.name()))
}

/// `add_volume`.
pub(super) fn add(data: &mut ModelData, vol: &Volume) -> Result<()> {
    checks::new_volume_config(&vol.config)?;
    if data.volumes.contains_key(vol.name()) {
        return Err(StateError::new(
            ErrorKind::VolumeExists,
            format!("volume {:?} exists", vol.name()),
        ));
    }
    data.volumes.insert(vol.name().to_owned(), vol.clone());
    Ok(())
}

/// `remove_volume`: refused while a stored container uses it.
pub(super) fn remove(data: &mut ModelData, vol: &Volume) -> Result<()> {
    target(data, vol)?;
    let users = data.volume_users(vol.name());
    if !users.is_empty() {
        return Err(StateError::new(
            ErrorKind::InUse,
            format!("volume {:?} is used by containers {users:?}", vol.name()),
        ));
    }
    data.volumes.remove(vol.name());
    Ok(())
}

/// `update_volume`: the stored state (the caller's object is assigned only on success).
pub(super) fn update(data: &ModelData, vol: &Volume) -> Result<VolumeState> {
    Ok(target(data, vol)?.state.clone())
}

/// `save_volume`: stores the passed state, never the config.
pub(super) fn save(data: &mut ModelData, vol: &Volume) -> Result<()> {
    target(data, vol)?;
    if let Some(stored) = data.volumes.get_mut(vol.name()) {
        stored.state = vol.state.clone();
    }
    Ok(())
}

/// `all_volumes`, by name.
pub(super) fn all(data: &ModelData) -> Result<Vec<Volume>> {
    Ok(data.volumes.values().cloned().collect())
}

/// `rewrite_volume_config`: the name is kept.
pub(super) fn rewrite(data: &mut ModelData, vol: &Volume, cfg: &VolumeConfig) -> Result<()> {
    // 2. Both names.
    checks::passed_volume(vol)?;
    checks::new_volume_config(cfg)?;
    // 4. Exists.
    target(data, vol)?;
    // 5. Name kept.
    if cfg.name != vol.name() {
        return Err(StateError::invalid(format!(
            "rewriting volume {:?} may not rename it to {:?}",
            vol.name(),
            cfg.name
        )));
    }
    if let Some(stored) = data.volumes.get_mut(vol.name()) {
        stored.config = cfg.clone();
    }
    Ok(())
}
