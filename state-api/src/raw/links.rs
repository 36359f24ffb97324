//! What a stored container links to, read from its stored config without decoding the rest:
//! the index entries removing it must delete. A backend that keeps a container's config as the
//! JSON text serde makes of [`ContainerConfig`] (SQLite's `config` column, redb's envelope)
//! reads only the dependency and named-volume fields here, skipping the rest of the text, where
//! decoding the whole config would build every string and map of it for two lists.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::ContainerConfig;

/// The dependencies and named volumes of a stored container, as [`ContainerConfig::dependencies`]
/// and [`ContainerConfig::volume_names`] answer them (sorted, without duplicates).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerLinks {
    /// The containers it depends on (SPEC §1).
    pub dependencies: Vec<String>,
    /// The named volumes it uses.
    pub volumes: Vec<String>,
}

/// The fields of a config's JSON that [`ContainerLinks`] needs; serde skips every other field.
#[derive(Deserialize)]
struct LinkFields {
    ipc_ns_ctr: Option<String>,
    mount_ns_ctr: Option<String>,
    net_ns_ctr: Option<String>,
    pid_ns_ctr: Option<String>,
    user_ns_ctr: Option<String>,
    uts_ns_ctr: Option<String>,
    cgroup_ns_ctr: Option<String>,
    depends_on: Vec<String>,
    named_volumes: Vec<VolumeName>,
}

/// A named volume's name; its other fields are skipped.
#[derive(Deserialize)]
struct VolumeName {
    name: String,
}

impl ContainerLinks {
    /// The links of a config stored as `json` (the JSON serde makes of a [`ContainerConfig`]).
    ///
    /// # Errors
    /// When `json` is not a JSON object holding the dependency and named-volume fields of a
    /// config with their types. Other fields are not looked at, so a config that fails to
    /// decode elsewhere still answers its links.
    pub fn from_config_json(json: &str) -> serde_json::Result<ContainerLinks> {
        let f: LinkFields = serde_json::from_str(json)?;
        let shared = [
            f.ipc_ns_ctr,
            f.mount_ns_ctr,
            f.net_ns_ctr,
            f.pid_ns_ctr,
            f.user_ns_ctr,
            f.uts_ns_ctr,
            f.cgroup_ns_ctr,
        ];
        let dependencies: BTreeSet<String> =
            shared.into_iter().flatten().chain(f.depends_on).collect();
        let volumes: BTreeSet<String> = f.named_volumes.into_iter().map(|v| v.name).collect();
        Ok(ContainerLinks {
            dependencies: dependencies.into_iter().collect(),
            volumes: volumes.into_iter().collect(),
        })
    }

    /// The links of `cfg`.
    pub fn of(cfg: &ContainerConfig) -> ContainerLinks {
        ContainerLinks {
            dependencies: cfg.dependencies(),
            volumes: cfg.volume_names(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NamedVolume, Payload};

    fn config() -> ContainerConfig {
        let mut cfg = ContainerConfig::new("c1", "one");
        cfg.depends_on = vec!["d2".into(), "d1".into(), "d2".into()];
        cfg.net_ns_ctr = Some("d1".into());
        cfg.pid_ns_ctr = Some("d0".into());
        cfg.named_volumes = ["vb", "va", "vb"]
            .iter()
            .map(|name| NamedVolume {
                name: (*name).into(),
                dest: format!("/{name}"),
                options: vec!["ro".into()],
            })
            .collect();
        cfg.networks = vec!["podman".into()];
        cfg.payload = Payload::from_json(r#"{"spec":{"process":{"args":["sh"]}}}"#).unwrap();
        cfg
    }

    #[test]
    fn links_read_from_the_json_are_those_of_the_config() {
        let cfg = config();
        let json = serde_json::to_string(&cfg).unwrap();
        let links = ContainerLinks::from_config_json(&json).unwrap();
        assert_eq!(links, ContainerLinks::of(&cfg));
        assert_eq!(links.dependencies, ["d0", "d1", "d2"]);
        assert_eq!(links.volumes, ["va", "vb"]);
    }

    #[test]
    fn a_config_broken_outside_the_links_still_answers_them() {
        let json = serde_json::to_string(&config()).unwrap();
        let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
        value["created"] = serde_json::json!("not a timestamp");
        value.as_object_mut().unwrap().remove("name");
        let broken = value.to_string();
        assert!(serde_json::from_str::<ContainerConfig>(&broken).is_err());
        let links = ContainerLinks::from_config_json(&broken).unwrap();
        assert_eq!(links.volumes, ["va", "vb"]);
    }

    #[test]
    fn text_that_is_no_config_is_an_error() {
        for bad in [
            "",
            "{",
            "[]",
            r#"{"depends_on":[]}"#,
            r#"{"named_volumes":[{"dest":"/x"}]}"#,
        ] {
            assert!(ContainerLinks::from_config_json(bad).is_err(), "{bad:?}");
        }
    }
}
