//! The runtime paths a database is pinned to.

use serde::{Deserialize, Serialize};

/// Runtime paths and settings pinned in the database by `validate_db_config`. Empty = unpinned.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DbConfig {
    /// Libpod's root directory (static dir).
    pub libpod_root: String,
    /// Libpod's temporary directory.
    pub libpod_tmp: String,
    /// The storage graph root.
    pub storage_root: String,
    /// The storage run root.
    pub storage_tmp: String,
    /// The storage graph driver.
    pub graph_driver: String,
    /// Where volumes live.
    pub volume_path: String,
}

impl DbConfig {
    /// Each field with its name, in the order of SPEC §1 (the order `validate_db_config` checks).
    pub fn fields(&self) -> [(&'static str, &str); 6] {
        [
            ("libpod_root", &self.libpod_root),
            ("libpod_tmp", &self.libpod_tmp),
            ("storage_root", &self.storage_root),
            ("storage_tmp", &self.storage_tmp),
            ("graph_driver", &self.graph_driver),
            ("volume_path", &self.volume_path),
        ]
    }

    /// Mutable access to each field with its name, in the order of [`DbConfig::fields`].
    pub fn fields_mut(&mut self) -> [(&'static str, &mut String); 6] {
        [
            ("libpod_root", &mut self.libpod_root),
            ("libpod_tmp", &mut self.libpod_tmp),
            ("storage_root", &mut self.storage_root),
            ("storage_tmp", &mut self.storage_tmp),
            ("graph_driver", &mut self.graph_driver),
            ("volume_path", &mut self.volume_path),
        ]
    }
}
