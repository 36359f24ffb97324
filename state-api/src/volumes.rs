//! Volumes: keyed by name, outside every namespace.

use serde::{Deserialize, Serialize};

use crate::{Payload, Timestamp};

/// A volume's configuration: immutable after `add_volume`, except through `rewrite_volume_config`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeConfig {
    /// The key; volumes have no ID and no namespace.
    pub name: String,
    /// Lock number in the runtime's lock manager (carried, never interpreted).
    pub lock_id: u32,
    /// Creation time.
    pub created: Timestamp,
    /// Everything else the runtime keeps (driver, labels, options, ...), never read by the state.
    pub payload: Payload,
}

impl VolumeConfig {
    /// A config with the given name and nothing else set.
    pub fn new(name: impl Into<String>) -> Self {
        VolumeConfig {
            name: name.into(),
            ..VolumeConfig::default()
        }
    }
}

/// A volume's mutable state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VolumeState {
    /// How many times the volume is mounted; zeroed by `refresh`.
    pub mount_count: u32,
    /// Everything else the runtime keeps, never read by the state.
    pub payload: Payload,
}

/// A volume: config plus current state. Every retrieval returns an independent copy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Volume {
    /// The configuration.
    pub config: VolumeConfig,
    /// The current state.
    pub state: VolumeState,
}

impl Volume {
    /// A volume with `config` and an empty state.
    pub fn new(config: VolumeConfig) -> Self {
        Volume {
            config,
            state: VolumeState::default(),
        }
    }

    /// The volume's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }
}
