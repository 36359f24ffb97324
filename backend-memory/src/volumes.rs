//! Volumes: keyed by name, outside every namespace; users come from stored container configs.

use std::collections::BTreeSet;

use podstate_api::{ErrorKind, Result, StateError, Volume, VolumeConfig, VolumeState, rules};

use crate::lookup::{PrefixMatch, prefix_match};
use crate::store::{Data, StoredVolume};

impl StoredVolume {
    /// An independent copy of config and state.
    pub(crate) fn to_volume(&self) -> Volume {
        Volume {
            config: self.config.clone(),
            state: self.state.clone(),
        }
    }
}

impl Data {
    /// Steps 2 and 4 for a passed volume (volumes ignore namespaces).
    fn passed_volume(&self, vol: &Volume) -> Result<&StoredVolume> {
        rules::check_passed_volume(vol)?;
        self.find_volume(vol.name())
    }

    /// `volume`.
    pub(crate) fn volume(&self, name: &str) -> Result<Volume> {
        rules::check_key("volume name", name)?;
        self.find_volume(name).map(StoredVolume::to_volume)
    }

    /// `has_volume`.
    pub(crate) fn has_volume(&self, name: &str) -> Result<bool> {
        rules::check_key("volume name", name)?;
        Ok(self.volumes.contains_key(name))
    }

    /// `lookup_volume`: exact name, then unique name prefix.
    pub(crate) fn lookup_volume(&self, s: &str) -> Result<Volume> {
        rules::check_key("volume name", s)?;
        if let Some(vol) = self.volumes.get(s) {
            return Ok(vol.to_volume());
        }
        match prefix_match(&self.volumes, s, |_| true) {
            PrefixMatch::One(name) => self.volume(name),
            PrefixMatch::Several(a, b) => Err(StateError::new(
                ErrorKind::Ambiguous,
                format!("volume name prefix {s:?} matches several volumes ({a:?}, {b:?}, ...)"),
            )),
            PrefixMatch::None => Err(StateError::new(
                ErrorKind::NoSuchVolume,
                format!("no volume with name or name prefix {s:?} found"),
            )),
        }
    }

    /// `volume_in_use`.
    pub(crate) fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>> {
        Ok(self.passed_volume(vol)?.users.iter().cloned().collect())
    }

    /// `add_volume`.
    pub(crate) fn add_volume(&mut self, vol: &Volume) -> Result<()> {
        rules::check_new_volume(&vol.config)?;
        let name = vol.name();
        if self.volumes.contains_key(name) {
            return Err(StateError::new(
                ErrorKind::VolumeExists,
                format!("a volume named {name:?} already exists"),
            ));
        }
        self.volumes.insert(
            name.to_owned(),
            StoredVolume {
                config: vol.config.clone(),
                state: vol.state.clone(),
                users: BTreeSet::new(),
            },
        );
        Ok(())
    }

    /// `remove_volume`.
    pub(crate) fn remove_volume(&mut self, vol: &Volume) -> Result<()> {
        let stored = self.passed_volume(vol)?;
        let name = vol.name();
        if let Some(user) = stored.users.first() {
            return Err(StateError::new(
                ErrorKind::InUse,
                format!(
                    "volume {name:?} is used by {} container(s) (e.g. {user:?})",
                    stored.users.len()
                ),
            ));
        }
        self.volumes.remove(name);
        Ok(())
    }

    /// `update_volume`: the stored state, for the caller to put into its object.
    pub(crate) fn volume_state(&self, vol: &Volume) -> Result<VolumeState> {
        Ok(self.passed_volume(vol)?.state.clone())
    }

    /// `save_volume`.
    pub(crate) fn save_volume(&mut self, vol: &Volume) -> Result<()> {
        self.passed_volume(vol)?;
        if let Some(stored) = self.volumes.get_mut(vol.name()) {
            stored.state = vol.state.clone();
        }
        Ok(())
    }

    /// `all_volumes`.
    pub(crate) fn all_volumes(&self) -> Vec<Volume> {
        self.volumes.values().map(StoredVolume::to_volume).collect()
    }

    /// `rewrite_volume_config`.
    pub(crate) fn rewrite_volume_config(&mut self, vol: &Volume, cfg: &VolumeConfig) -> Result<()> {
        rules::check_passed_volume(vol)?;
        rules::check_new_volume(cfg)?;
        self.passed_volume(vol)?;
        let name = vol.name();
        if cfg.name != name {
            return Err(StateError::invalid(format!(
                "the new config of volume {name:?} renames it to {:?}",
                cfg.name
            )));
        }
        if let Some(stored) = self.volumes.get_mut(name) {
            stored.config = cfg.clone();
        }
        Ok(())
    }
}
