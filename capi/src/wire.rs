//! The objects as they cross the boundary: the serde form of `podstate-api`'s types, with each
//! payload either inline (raw JSON, as the types' own serde writes it) or beside the JSON (an
//! index into a table of payload texts that travel as pointer + length).
//!
//! The mirrors below have exactly the fields of the types they mirror, in the same order and
//! with the same names; the conversions destructure every field by name, so a field added to a
//! type of `podstate-api` stops this crate from compiling until the mirror has it, and the test
//! `inline_mirrors_write_the_api_serde_form` proves both write the same JSON. Unlike the API
//! types they refuse unknown fields: a misspelt optional field (`"pdo"`) is a `BadRequest`,
//! not a silent `None`.

use std::collections::BTreeMap;

use podstate::{
    Container, ContainerConfig, ContainerState, ContainerStatus, NamedVolume, Payload, Pod,
    PodConfig, PodState, Timestamp, Volume, VolumeConfig, VolumeState,
};
use serde::{Deserialize, Serialize};

use crate::errors::AbiError;

/// How payloads travel in one request or answer.
pub trait Payloads {
    /// What stands in a payload's place in the JSON (read with `Deserialize`, written with
    /// `Serialize`, where the direction needs it).
    type Slot;

    /// The payload a slot of the JSON being read stands for.
    ///
    /// # Errors
    /// `BadRequest` for an index past the payloads given.
    fn take(&self, slot: Self::Slot) -> Result<Payload, AbiError>;

    /// The slot to write for `payload` in the JSON being written.
    fn give(&mut self, payload: Payload) -> Self::Slot;
}

/// Payloads inline: each one is the raw JSON it is, inside the request or answer JSON (the
/// serde form of `Payload`). Writing one checks its text again (`Payload`'s `Serialize`).
#[derive(Debug, Default)]
pub struct Inline;

impl Payloads for Inline {
    type Slot = Payload;

    fn take(&self, slot: Payload) -> Result<Payload, AbiError> {
        Ok(slot)
    }

    fn give(&mut self, payload: Payload) -> Payload {
        payload
    }
}

/// Payloads beside the JSON: each payload's place holds its index in a table of texts.
#[derive(Debug, Default)]
pub struct Beside {
    /// The payloads of the JSON being read, by index.
    pub incoming: Vec<Payload>,
    /// The payloads of the JSON being written, by index.
    pub outgoing: Vec<Payload>,
}

impl Payloads for Beside {
    type Slot = usize;

    fn take(&self, slot: usize) -> Result<Payload, AbiError> {
        self.incoming.get(slot).cloned().ok_or_else(|| {
            AbiError::bad_request(format!(
                "payload index {slot} is past the {} payloads given",
                self.incoming.len()
            ))
        })
    }

    fn give(&mut self, payload: Payload) -> usize {
        self.outgoing.push(payload);
        self.outgoing.len() - 1
    }
}

/// A [`ContainerConfig`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `ContainerConfig`
pub struct WireContainerConfig<S> {
    pub id: String,
    pub name: String,
    pub pod: Option<String>,
    pub namespace: String,
    pub lock_id: u32,
    pub ipc_ns_ctr: Option<String>,
    pub mount_ns_ctr: Option<String>,
    pub net_ns_ctr: Option<String>,
    pub pid_ns_ctr: Option<String>,
    pub user_ns_ctr: Option<String>,
    pub uts_ns_ctr: Option<String>,
    pub cgroup_ns_ctr: Option<String>,
    pub depends_on: Vec<String>,
    pub named_volumes: Vec<NamedVolume>,
    pub networks: Vec<String>,
    pub network_aliases: BTreeMap<String, Vec<String>>,
    pub created: Timestamp,
    pub payload: S,
}

/// A [`ContainerState`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `ContainerState`
pub struct WireContainerState<S> {
    pub status: ContainerStatus,
    pub pid: u32,
    pub conmon_pid: u32,
    pub mountpoint: String,
    pub mounted: bool,
    pub exec_sessions: BTreeMap<String, S>,
    pub bind_mounts: BTreeMap<String, String>,
    pub stopped_by_user: bool,
    pub restart_policy_match: bool,
    pub restart_count: u32,
    pub exit_code: i32,
    pub exited: bool,
    pub oom_killed: bool,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub netns_path: Option<String>,
    pub payload: S,
}

/// A [`Container`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `Container`
pub struct WireContainer<S> {
    pub config: WireContainerConfig<S>,
    pub state: WireContainerState<S>,
}

/// A [`PodConfig`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `PodConfig`
pub struct WirePodConfig<S> {
    pub id: String,
    pub name: String,
    pub namespace: String,
    pub lock_id: u32,
    pub created: Timestamp,
    pub payload: S,
}

/// A [`PodState`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `PodState`
pub struct WirePodState<S> {
    pub cgroup_path: String,
    pub infra_container_id: String,
    pub payload: S,
}

/// A [`Pod`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `Pod`
pub struct WirePod<S> {
    pub config: WirePodConfig<S>,
    pub state: WirePodState<S>,
}

/// A [`VolumeConfig`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `VolumeConfig`
pub struct WireVolumeConfig<S> {
    pub name: String,
    pub lock_id: u32,
    pub created: Timestamp,
    pub payload: S,
}

/// A [`VolumeState`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `VolumeState`
pub struct WireVolumeState<S> {
    pub mount_count: u32,
    pub payload: S,
}

/// A [`Volume`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // the fields are those of `Volume`
pub struct WireVolume<S> {
    pub config: WireVolumeConfig<S>,
    pub state: WireVolumeState<S>,
}

/// A type of `podstate-api` and its mirror on the wire, converted both ways.
pub trait Wire: Sized {
    /// The mirror, with payload slots of type `S`.
    type On<S>;

    /// Onto the wire, handing each payload to `p`.
    fn to_wire<P: Payloads>(self, p: &mut P) -> Self::On<P::Slot>;

    /// Off the wire, taking each payload from `p`.
    ///
    /// # Errors
    /// `BadRequest` for a payload slot `p` cannot fill.
    fn from_wire<P: Payloads>(w: Self::On<P::Slot>, p: &P) -> Result<Self, AbiError>;
}

impl Wire for ContainerConfig {
    type On<S> = WireContainerConfig<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WireContainerConfig<P::Slot> {
        let ContainerConfig {
            id,
            name,
            pod,
            namespace,
            lock_id,
            ipc_ns_ctr,
            mount_ns_ctr,
            net_ns_ctr,
            pid_ns_ctr,
            user_ns_ctr,
            uts_ns_ctr,
            cgroup_ns_ctr,
            depends_on,
            named_volumes,
            networks,
            network_aliases,
            created,
            payload,
        } = self;
        WireContainerConfig {
            id,
            name,
            pod,
            namespace,
            lock_id,
            ipc_ns_ctr,
            mount_ns_ctr,
            net_ns_ctr,
            pid_ns_ctr,
            user_ns_ctr,
            uts_ns_ctr,
            cgroup_ns_ctr,
            depends_on,
            named_volumes,
            networks,
            network_aliases,
            created,
            payload: p.give(payload),
        }
    }

    fn from_wire<P: Payloads>(w: WireContainerConfig<P::Slot>, p: &P) -> Result<Self, AbiError> {
        let WireContainerConfig {
            id,
            name,
            pod,
            namespace,
            lock_id,
            ipc_ns_ctr,
            mount_ns_ctr,
            net_ns_ctr,
            pid_ns_ctr,
            user_ns_ctr,
            uts_ns_ctr,
            cgroup_ns_ctr,
            depends_on,
            named_volumes,
            networks,
            network_aliases,
            created,
            payload,
        } = w;
        Ok(ContainerConfig {
            id,
            name,
            pod,
            namespace,
            lock_id,
            ipc_ns_ctr,
            mount_ns_ctr,
            net_ns_ctr,
            pid_ns_ctr,
            user_ns_ctr,
            uts_ns_ctr,
            cgroup_ns_ctr,
            depends_on,
            named_volumes,
            networks,
            network_aliases,
            created,
            payload: p.take(payload)?,
        })
    }
}

impl Wire for ContainerState {
    type On<S> = WireContainerState<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WireContainerState<P::Slot> {
        let ContainerState {
            status,
            pid,
            conmon_pid,
            mountpoint,
            mounted,
            exec_sessions,
            bind_mounts,
            stopped_by_user,
            restart_policy_match,
            restart_count,
            exit_code,
            exited,
            oom_killed,
            started_at,
            finished_at,
            netns_path,
            payload,
        } = self;
        WireContainerState {
            status,
            pid,
            conmon_pid,
            mountpoint,
            mounted,
            exec_sessions: exec_sessions
                .into_iter()
                .map(|(id, s)| (id, p.give(s)))
                .collect(),
            bind_mounts,
            stopped_by_user,
            restart_policy_match,
            restart_count,
            exit_code,
            exited,
            oom_killed,
            started_at,
            finished_at,
            netns_path,
            payload: p.give(payload),
        }
    }

    fn from_wire<P: Payloads>(w: WireContainerState<P::Slot>, p: &P) -> Result<Self, AbiError> {
        let WireContainerState {
            status,
            pid,
            conmon_pid,
            mountpoint,
            mounted,
            exec_sessions,
            bind_mounts,
            stopped_by_user,
            restart_policy_match,
            restart_count,
            exit_code,
            exited,
            oom_killed,
            started_at,
            finished_at,
            netns_path,
            payload,
        } = w;
        Ok(ContainerState {
            status,
            pid,
            conmon_pid,
            mountpoint,
            mounted,
            exec_sessions: exec_sessions
                .into_iter()
                .map(|(id, s)| Ok((id, p.take(s)?)))
                .collect::<Result<_, AbiError>>()?,
            bind_mounts,
            stopped_by_user,
            restart_policy_match,
            restart_count,
            exit_code,
            exited,
            oom_killed,
            started_at,
            finished_at,
            netns_path,
            payload: p.take(payload)?,
        })
    }
}

impl Wire for Container {
    type On<S> = WireContainer<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WireContainer<P::Slot> {
        let Container { config, state } = self;
        WireContainer {
            config: config.to_wire(p),
            state: state.to_wire(p),
        }
    }

    fn from_wire<P: Payloads>(w: WireContainer<P::Slot>, p: &P) -> Result<Self, AbiError> {
        Ok(Container {
            config: ContainerConfig::from_wire(w.config, p)?,
            state: ContainerState::from_wire(w.state, p)?,
        })
    }
}

impl Wire for PodConfig {
    type On<S> = WirePodConfig<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WirePodConfig<P::Slot> {
        let PodConfig {
            id,
            name,
            namespace,
            lock_id,
            created,
            payload,
        } = self;
        WirePodConfig {
            id,
            name,
            namespace,
            lock_id,
            created,
            payload: p.give(payload),
        }
    }

    fn from_wire<P: Payloads>(w: WirePodConfig<P::Slot>, p: &P) -> Result<Self, AbiError> {
        let WirePodConfig {
            id,
            name,
            namespace,
            lock_id,
            created,
            payload,
        } = w;
        Ok(PodConfig {
            id,
            name,
            namespace,
            lock_id,
            created,
            payload: p.take(payload)?,
        })
    }
}

impl Wire for PodState {
    type On<S> = WirePodState<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WirePodState<P::Slot> {
        let PodState {
            cgroup_path,
            infra_container_id,
            payload,
        } = self;
        WirePodState {
            cgroup_path,
            infra_container_id,
            payload: p.give(payload),
        }
    }

    fn from_wire<P: Payloads>(w: WirePodState<P::Slot>, p: &P) -> Result<Self, AbiError> {
        let WirePodState {
            cgroup_path,
            infra_container_id,
            payload,
        } = w;
        Ok(PodState {
            cgroup_path,
            infra_container_id,
            payload: p.take(payload)?,
        })
    }
}

impl Wire for Pod {
    type On<S> = WirePod<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WirePod<P::Slot> {
        let Pod { config, state } = self;
        WirePod {
            config: config.to_wire(p),
            state: state.to_wire(p),
        }
    }

    fn from_wire<P: Payloads>(w: WirePod<P::Slot>, p: &P) -> Result<Self, AbiError> {
        Ok(Pod {
            config: PodConfig::from_wire(w.config, p)?,
            state: PodState::from_wire(w.state, p)?,
        })
    }
}

impl Wire for VolumeConfig {
    type On<S> = WireVolumeConfig<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WireVolumeConfig<P::Slot> {
        let VolumeConfig {
            name,
            lock_id,
            created,
            payload,
        } = self;
        WireVolumeConfig {
            name,
            lock_id,
            created,
            payload: p.give(payload),
        }
    }

    fn from_wire<P: Payloads>(w: WireVolumeConfig<P::Slot>, p: &P) -> Result<Self, AbiError> {
        let WireVolumeConfig {
            name,
            lock_id,
            created,
            payload,
        } = w;
        Ok(VolumeConfig {
            name,
            lock_id,
            created,
            payload: p.take(payload)?,
        })
    }
}

impl Wire for VolumeState {
    type On<S> = WireVolumeState<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WireVolumeState<P::Slot> {
        let VolumeState {
            mount_count,
            payload,
        } = self;
        WireVolumeState {
            mount_count,
            payload: p.give(payload),
        }
    }

    fn from_wire<P: Payloads>(w: WireVolumeState<P::Slot>, p: &P) -> Result<Self, AbiError> {
        Ok(VolumeState {
            mount_count: w.mount_count,
            payload: p.take(w.payload)?,
        })
    }
}

impl Wire for Volume {
    type On<S> = WireVolume<S>;

    fn to_wire<P: Payloads>(self, p: &mut P) -> WireVolume<P::Slot> {
        let Volume { config, state } = self;
        WireVolume {
            config: config.to_wire(p),
            state: state.to_wire(p),
        }
    }

    fn from_wire<P: Payloads>(w: WireVolume<P::Slot>, p: &P) -> Result<Self, AbiError> {
        Ok(Volume {
            config: VolumeConfig::from_wire(w.config, p)?,
            state: VolumeState::from_wire(w.state, p)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use podstate::ContainerStatus;

    use super::*;

    fn payload(text: &str) -> Payload {
        Payload::from_json(text).unwrap()
    }

    /// A container with every field set to something other than its default.
    pub(crate) fn full_container() -> Container {
        let mut cfg = ContainerConfig::new("c1", "web");
        cfg.pod = Some("p1".into());
        cfg.namespace = "ns".into();
        cfg.lock_id = 7;
        cfg.ipc_ns_ctr = Some("a".into());
        cfg.mount_ns_ctr = Some("b".into());
        cfg.net_ns_ctr = Some("c".into());
        cfg.pid_ns_ctr = Some("d".into());
        cfg.user_ns_ctr = Some("e".into());
        cfg.uts_ns_ctr = Some("f".into());
        cfg.cgroup_ns_ctr = Some("g".into());
        cfg.depends_on = vec!["h".into(), "h".into()];
        cfg.named_volumes = vec![NamedVolume {
            name: "v".into(),
            dest: "/d".into(),
            options: vec!["ro".into()],
        }];
        cfg.networks = vec!["net".into()];
        cfg.network_aliases = BTreeMap::from([("net".into(), vec!["x".into()])]);
        cfg.created = Timestamp::new(-3, 5).unwrap();
        cfg.payload = payload(r#"{ "spec" : [1, 2.50] }"#);
        let mut c = Container::new(cfg);
        c.state.status = ContainerStatus::Exited;
        c.state.pid = 1;
        c.state.conmon_pid = 2;
        c.state.mountpoint = "/m".into();
        c.state.mounted = true;
        c.state.exec_sessions = BTreeMap::from([("s".into(), payload(" [] "))]);
        c.state.bind_mounts = BTreeMap::from([("/a".into(), "/b".into())]);
        c.state.stopped_by_user = true;
        c.state.restart_policy_match = true;
        c.state.restart_count = 3;
        c.state.exit_code = -1;
        c.state.exited = true;
        c.state.oom_killed = true;
        c.state.started_at = Some(Timestamp::new(1, 2).unwrap());
        c.state.finished_at = Some(Timestamp::new(3, 4).unwrap());
        c.state.netns_path = Some("/run/netns/x".into());
        c.state.payload = payload("\"<&>\"");
        c
    }

    fn full_pod() -> Pod {
        let mut cfg = PodConfig::new("p1", "pod");
        cfg.namespace = "ns".into();
        cfg.lock_id = 9;
        cfg.created = Timestamp::new(10, 11).unwrap();
        cfg.payload = payload("[1]");
        let mut pod = Pod::new(cfg);
        pod.state.cgroup_path = "/cg".into();
        pod.state.infra_container_id = "c1".into();
        pod.state.payload = payload("{\"u\":\"\\u00e9\"}");
        pod
    }

    fn full_volume() -> Volume {
        let mut cfg = VolumeConfig::new("v");
        cfg.lock_id = 4;
        cfg.created = Timestamp::new(5, 6).unwrap();
        cfg.payload = payload("1e3");
        let mut vol = Volume::new(cfg);
        vol.state.mount_count = 2;
        vol.state.payload = payload("null");
        vol
    }

    fn inline_json<T: Wire + Clone>(value: &T) -> String
    where
        T::On<Payload>: Serialize,
    {
        serde_json::to_string(&value.clone().to_wire(&mut Inline)).unwrap()
    }

    #[test]
    fn inline_mirrors_write_the_api_serde_form() {
        let (c, pod, vol) = (full_container(), full_pod(), full_volume());
        assert_eq!(inline_json(&c), serde_json::to_string(&c).unwrap());
        assert_eq!(inline_json(&pod), serde_json::to_string(&pod).unwrap());
        assert_eq!(inline_json(&vol), serde_json::to_string(&vol).unwrap());
        // And read the API's form back as the same objects.
        let back: WireContainer<Payload> =
            serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(Container::from_wire(back, &Inline).unwrap(), c);
    }

    #[test]
    fn payloads_beside_travel_as_indexes_and_come_back_byte_for_byte() {
        let c = full_container();
        let mut beside = Beside::default();
        let json = serde_json::to_string(&c.clone().to_wire(&mut beside)).unwrap();
        assert_eq!(beside.outgoing.len(), 3);
        assert!(json.contains(r#""payload":0"#) && json.contains(r#""s":1"#));
        let read = Beside {
            incoming: beside.outgoing,
            outgoing: Vec::new(),
        };
        let back: WireContainer<usize> = serde_json::from_str(&json).unwrap();
        assert_eq!(Container::from_wire(back, &read).unwrap(), c);
    }

    #[test]
    fn an_index_past_the_table_or_an_unknown_field_is_a_bad_request() {
        let json = serde_json::to_string(&full_volume().to_wire(&mut Beside::default())).unwrap();
        let back: WireVolume<usize> = serde_json::from_str(&json).unwrap();
        let err = Volume::from_wire(back, &Beside::default()).unwrap_err();
        assert_eq!(err.kind, crate::errors::AbiKind::BadRequest);
        let typo =
            r#"{"name":"v","lock_id":0,"created":{"secs":0,"nanos":0},"payload":{},"pdo":1}"#;
        assert!(serde_json::from_str::<WireVolumeConfig<Payload>>(typo).is_err());
    }
}
