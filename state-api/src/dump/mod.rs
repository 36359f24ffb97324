//! A full picture of a store, taken through the public API only, and what differs between two.
//!
//! The conformance suite takes one before and after a failing call to prove that the call changed
//! nothing, and compares a backend's with the reference model's; the `podstate migrate` command
//! compares the source's with the target's. Because a dump goes through [`State`] alone, two
//! stores of different backends compare exactly when they answer every call the same way.

mod diff;

use std::collections::BTreeMap;

use serde::Serialize;

pub use diff::{describe, fields};

use crate::{Container, DbConfig, Pod, State, StateError, Volume};

/// Everything a handle with namespace `""` can list, with every per-object query answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dump {
    /// Every container with what the state keeps about it.
    pub containers: Vec<ContainerDump>,
    /// Every pod with its members.
    pub pods: Vec<PodDump>,
    /// Every volume with its users.
    pub volumes: Vec<VolumeDump>,
    /// The pinned DB config.
    pub db_config: DbConfig,
}

/// One container and what the state keeps about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerDump {
    /// Config and state.
    pub container: Container,
    /// `get_networks`.
    pub networks: Vec<String>,
    /// `get_all_network_aliases`.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// `container_in_use`.
    pub dependents: Vec<String>,
    /// `get_container_exec_sessions`.
    pub exec_sessions: Vec<String>,
}

/// One pod and its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodDump {
    /// Config and state.
    pub pod: Pod,
    /// `pod_containers_by_id`.
    pub members: Vec<String>,
}

/// One volume and its users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeDump {
    /// Config and state.
    pub volume: Volume,
    /// `volume_in_use`.
    pub users: Vec<String>,
}

/// Dumps everything `state` sees. Pass a handle in namespace `""` to see the whole store.
pub fn dump(state: &dyn State) -> Result<Dump, StateError> {
    let containers = state
        .all_containers()?
        .into_iter()
        .map(|c| {
            Ok(ContainerDump {
                networks: state.get_networks(&c)?,
                aliases: state.get_all_network_aliases(&c)?,
                dependents: state.container_in_use(&c)?,
                exec_sessions: state.get_container_exec_sessions(&c)?,
                container: c,
            })
        })
        .collect::<Result<_, StateError>>()?;
    let pods = state
        .all_pods()?
        .into_iter()
        .map(|p| {
            Ok(PodDump {
                members: state.pod_containers_by_id(&p)?,
                pod: p,
            })
        })
        .collect::<Result<_, StateError>>()?;
    let volumes = state
        .all_volumes()?
        .into_iter()
        .map(|v| {
            Ok(VolumeDump {
                users: state.volume_in_use(&v)?,
                volume: v,
            })
        })
        .collect::<Result<_, StateError>>()?;
    Ok(Dump {
        containers,
        pods,
        volumes,
        db_config: state.get_db_config()?,
    })
}
