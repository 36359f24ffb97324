//! The one call entry point's dispatch: a call's name and its arguments as JSON in, the
//! answer as JSON out, for all 53 calls of `State`.
//!
//! The arguments are one JSON object whose keys are the parameter names of the Rust method
//! (`{"ctr": {...}, "network": "podman", "aliases": ["web"]}`), each value in the serde form of
//! its Rust type; a call without parameters takes `{}` or nothing. The answer is the serde form
//! of what the method returns: `null` for `()`, `true`, `"id"`, `[...]`, an object. The three
//! `update_*` calls answer the stored state (the `state` half of the object), which is all that
//! the Rust method changes in the object it is given.

use std::collections::BTreeMap;

use podstate::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Payload, Pod, PodConfig,
    PodState, State, Volume, VolumeConfig, VolumeState,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::errors::{AbiError, AbiKind};
use crate::wire::{
    Beside, Inline, Payloads, Wire, WireContainer, WireContainerConfig, WirePod, WirePodConfig,
    WireVolume, WireVolumeConfig,
};

/// The 53 calls, by the name the entry point takes (SPEC §5, in snake case).
pub const CALLS: [&str; 53] = [
    "close",
    "refresh",
    "get_db_config",
    "validate_db_config",
    "set_namespace",
    "get_name",
    "container",
    "lookup_container_id",
    "lookup_container",
    "has_container",
    "get_container_config",
    "add_container",
    "remove_container",
    "update_container",
    "save_container",
    "container_in_use",
    "all_containers",
    "rewrite_container_config",
    "get_networks",
    "get_network_aliases",
    "get_all_network_aliases",
    "network_connect",
    "network_disconnect",
    "add_exec_session",
    "get_exec_session",
    "remove_exec_session",
    "get_container_exec_sessions",
    "remove_container_exec_sessions",
    "pod",
    "lookup_pod",
    "has_pod",
    "pod_has_container",
    "pod_containers_by_id",
    "pod_containers",
    "add_pod",
    "remove_pod",
    "remove_pod_containers",
    "add_container_to_pod",
    "remove_container_from_pod",
    "update_pod",
    "save_pod",
    "all_pods",
    "rewrite_pod_config",
    "volume",
    "lookup_volume",
    "has_volume",
    "volume_in_use",
    "add_volume",
    "remove_volume",
    "update_volume",
    "save_volume",
    "all_volumes",
    "rewrite_volume_config",
];

/// A call's answer: its JSON, and the payloads beside it (empty when they are inline).
#[derive(Debug, Default)]
pub struct Reply {
    /// The serde form of what the call returned.
    pub json: Vec<u8>,
    /// The payloads the JSON refers to by index, when they travel beside it.
    pub payloads: Vec<Payload>,
}

/// Runs call `name` on `state` with `args` (JSON). `beside` holds the payloads of the request
/// when they travel beside the JSON (and then the answer's travel beside it too); `None` when
/// every payload is inline.
///
/// # Errors
/// `UnknownCall`; `BadRequest` for arguments that cannot be read; the call's own error.
pub fn call(
    state: &dyn State,
    name: &str,
    args: &[u8],
    beside: Option<Vec<Payload>>,
) -> Result<Reply, AbiError> {
    match beside {
        None => Ok(Reply {
            json: dispatch(state, name, args, &mut Inline)?,
            payloads: Vec::new(),
        }),
        Some(incoming) => {
            let mut p = Beside {
                incoming,
                outgoing: Vec::new(),
            };
            let json = dispatch(state, name, args, &mut p)?;
            Ok(Reply {
                json,
                payloads: p.outgoing,
            })
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoArgs {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdOrName {
    id_or_name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Name {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ns {
    ns: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cfg {
    cfg: DbConfig,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ctr<S> {
    ctr: WireContainer<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CtrNetwork<S> {
    ctr: WireContainer<S>,
    network: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CtrConnect<S> {
    ctr: WireContainer<S>,
    network: String,
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CtrSession<S> {
    ctr: WireContainer<S>,
    session: ExecSession,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Session {
    session: ExecSession,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CtrCfg<S> {
    ctr: WireContainer<S>,
    cfg: WireContainerConfig<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PodArg<S> {
    pod: WirePod<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PodCtrId<S> {
    pod: WirePod<S>,
    ctr_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PodCtr<S> {
    pod: WirePod<S>,
    ctr: WireContainer<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PodCfg<S> {
    pod: WirePod<S>,
    cfg: WirePodConfig<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Vol<S> {
    vol: WireVolume<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VolCfg<S> {
    vol: WireVolume<S>,
    cfg: WireVolumeConfig<S>,
}

/// The arguments of `call`, read from `args` (nothing at all reads as `{}`).
fn read<T: DeserializeOwned>(call: &str, args: &[u8]) -> Result<T, AbiError> {
    let args = if args.is_empty() { b"{}" } else { args };
    serde_json::from_slice(args)
        .map_err(|e| AbiError::bad_request(format!("the arguments of {call}: {e}")))
}

/// The JSON of a plain answer.
fn json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, AbiError> {
    serde_json::to_vec(value).map_err(|e| {
        // Only a stored payload that is not JSON could fail here: the store is damaged.
        AbiError::new(
            AbiKind::State(podstate::ErrorKind::Corrupt),
            format!("the answer cannot be written as JSON: {e}"),
        )
    })
}

/// The JSON of an answer holding objects with payloads.
fn objects<T: Wire, P: Payloads>(p: &mut P, values: Vec<T>) -> Result<Vec<u8>, AbiError>
where
    T::On<P::Slot>: Serialize,
{
    let wire: Vec<_> = values.into_iter().map(|v| v.to_wire(p)).collect();
    json(&wire)
}

/// The JSON of an answer holding one object with payloads.
fn object<T: Wire, P: Payloads>(p: &mut P, value: T) -> Result<Vec<u8>, AbiError>
where
    T::On<P::Slot>: Serialize,
{
    json(&value.to_wire(p))
}

/// The one place that knows every call: its arguments, the method, its answer.
fn dispatch<P: Payloads>(
    s: &dyn State,
    name: &str,
    args: &[u8],
    p: &mut P,
) -> Result<Vec<u8>, AbiError>
where
    P::Slot: Serialize + DeserializeOwned,
{
    let ctr = |w: WireContainer<P::Slot>, p: &P| Container::from_wire(w, p);
    let pod = |w: WirePod<P::Slot>, p: &P| Pod::from_wire(w, p);
    let vol = |w: WireVolume<P::Slot>, p: &P| Volume::from_wire(w, p);
    match name {
        // ----- lifecycle
        "close" => read::<NoArgs>(name, args).and_then(|_| json(&s.close()?)),
        "refresh" => read::<NoArgs>(name, args).and_then(|_| json(&s.refresh()?)),
        "get_db_config" => read::<NoArgs>(name, args).and_then(|_| json(&s.get_db_config()?)),
        "validate_db_config" => {
            let a: Cfg = read(name, args)?;
            json(&s.validate_db_config(&a.cfg)?)
        }
        "set_namespace" => json(&s.set_namespace(&read::<Ns>(name, args)?.ns)?),
        // ----- names and container lookups
        "get_name" => json(&s.get_name(&read::<Id>(name, args)?.id)?),
        "container" => {
            let found = s.container(&read::<Id>(name, args)?.id)?;
            object(p, found)
        }
        "lookup_container_id" => {
            json(&s.lookup_container_id(&read::<IdOrName>(name, args)?.id_or_name)?)
        }
        "lookup_container" => {
            let found = s.lookup_container(&read::<IdOrName>(name, args)?.id_or_name)?;
            object(p, found)
        }
        "has_container" => json(&s.has_container(&read::<Id>(name, args)?.id)?),
        "get_container_config" => {
            let found = s.get_container_config(&read::<Id>(name, args)?.id)?;
            object(p, found)
        }
        // ----- containers
        "add_container" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            json(&s.add_container(&ctr(a.ctr, p)?)?)
        }
        "remove_container" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            json(&s.remove_container(&ctr(a.ctr, p)?)?)
        }
        "update_container" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            let mut c = ctr(a.ctr, p)?;
            s.update_container(&mut c)?;
            object::<ContainerState, P>(p, c.state)
        }
        "save_container" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            json(&s.save_container(&ctr(a.ctr, p)?)?)
        }
        "container_in_use" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            json(&s.container_in_use(&ctr(a.ctr, p)?)?)
        }
        "all_containers" => {
            read::<NoArgs>(name, args)?;
            let all = s.all_containers()?;
            objects(p, all)
        }
        "rewrite_container_config" => {
            let a: CtrCfg<P::Slot> = read(name, args)?;
            let cfg = ContainerConfig::from_wire(a.cfg, p)?;
            json(&s.rewrite_container_config(&ctr(a.ctr, p)?, &cfg)?)
        }
        // ----- networks
        "get_networks" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            json(&s.get_networks(&ctr(a.ctr, p)?)?)
        }
        "get_network_aliases" => {
            let a: CtrNetwork<P::Slot> = read(name, args)?;
            json(&s.get_network_aliases(&ctr(a.ctr, p)?, &a.network)?)
        }
        "get_all_network_aliases" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            let all: BTreeMap<String, Vec<String>> = s.get_all_network_aliases(&ctr(a.ctr, p)?)?;
            json(&all)
        }
        "network_connect" => {
            let a: CtrConnect<P::Slot> = read(name, args)?;
            json(&s.network_connect(&ctr(a.ctr, p)?, &a.network, &a.aliases)?)
        }
        "network_disconnect" => {
            let a: CtrNetwork<P::Slot> = read(name, args)?;
            json(&s.network_disconnect(&ctr(a.ctr, p)?, &a.network)?)
        }
        // ----- exec sessions
        "add_exec_session" => {
            let a: CtrSession<P::Slot> = read(name, args)?;
            json(&s.add_exec_session(&ctr(a.ctr, p)?, &a.session)?)
        }
        "get_exec_session" => json(&s.get_exec_session(&read::<Id>(name, args)?.id)?),
        "remove_exec_session" => {
            json(&s.remove_exec_session(&read::<Session>(name, args)?.session)?)
        }
        "get_container_exec_sessions" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            json(&s.get_container_exec_sessions(&ctr(a.ctr, p)?)?)
        }
        "remove_container_exec_sessions" => {
            let a: Ctr<P::Slot> = read(name, args)?;
            json(&s.remove_container_exec_sessions(&ctr(a.ctr, p)?)?)
        }
        // ----- pods
        "pod" => {
            let found = s.pod(&read::<Id>(name, args)?.id)?;
            object(p, found)
        }
        "lookup_pod" => {
            let found = s.lookup_pod(&read::<IdOrName>(name, args)?.id_or_name)?;
            object(p, found)
        }
        "has_pod" => json(&s.has_pod(&read::<Id>(name, args)?.id)?),
        "pod_has_container" => {
            let a: PodCtrId<P::Slot> = read(name, args)?;
            json(&s.pod_has_container(&pod(a.pod, p)?, &a.ctr_id)?)
        }
        "pod_containers_by_id" => {
            let a: PodArg<P::Slot> = read(name, args)?;
            json(&s.pod_containers_by_id(&pod(a.pod, p)?)?)
        }
        "pod_containers" => {
            let a: PodArg<P::Slot> = read(name, args)?;
            let members = s.pod_containers(&pod(a.pod, p)?)?;
            objects(p, members)
        }
        "add_pod" => {
            let a: PodArg<P::Slot> = read(name, args)?;
            json(&s.add_pod(&pod(a.pod, p)?)?)
        }
        "remove_pod" => {
            let a: PodArg<P::Slot> = read(name, args)?;
            json(&s.remove_pod(&pod(a.pod, p)?)?)
        }
        "remove_pod_containers" => {
            let a: PodArg<P::Slot> = read(name, args)?;
            json(&s.remove_pod_containers(&pod(a.pod, p)?)?)
        }
        "add_container_to_pod" => {
            let a: PodCtr<P::Slot> = read(name, args)?;
            json(&s.add_container_to_pod(&pod(a.pod, p)?, &ctr(a.ctr, p)?)?)
        }
        "remove_container_from_pod" => {
            let a: PodCtr<P::Slot> = read(name, args)?;
            json(&s.remove_container_from_pod(&pod(a.pod, p)?, &ctr(a.ctr, p)?)?)
        }
        "update_pod" => {
            let a: PodArg<P::Slot> = read(name, args)?;
            let mut found = pod(a.pod, p)?;
            s.update_pod(&mut found)?;
            object::<PodState, P>(p, found.state)
        }
        "save_pod" => {
            let a: PodArg<P::Slot> = read(name, args)?;
            json(&s.save_pod(&pod(a.pod, p)?)?)
        }
        "all_pods" => {
            read::<NoArgs>(name, args)?;
            let all = s.all_pods()?;
            objects(p, all)
        }
        "rewrite_pod_config" => {
            let a: PodCfg<P::Slot> = read(name, args)?;
            let cfg = PodConfig::from_wire(a.cfg, p)?;
            json(&s.rewrite_pod_config(&pod(a.pod, p)?, &cfg)?)
        }
        // ----- volumes
        "volume" => {
            let found = s.volume(&read::<Name>(name, args)?.name)?;
            object(p, found)
        }
        "lookup_volume" => {
            let found = s.lookup_volume(&read::<Name>(name, args)?.name)?;
            object(p, found)
        }
        "has_volume" => json(&s.has_volume(&read::<Name>(name, args)?.name)?),
        "volume_in_use" => {
            let a: Vol<P::Slot> = read(name, args)?;
            json(&s.volume_in_use(&vol(a.vol, p)?)?)
        }
        "add_volume" => {
            let a: Vol<P::Slot> = read(name, args)?;
            json(&s.add_volume(&vol(a.vol, p)?)?)
        }
        "remove_volume" => {
            let a: Vol<P::Slot> = read(name, args)?;
            json(&s.remove_volume(&vol(a.vol, p)?)?)
        }
        "update_volume" => {
            let a: Vol<P::Slot> = read(name, args)?;
            let mut found = vol(a.vol, p)?;
            s.update_volume(&mut found)?;
            object::<VolumeState, P>(p, found.state)
        }
        "save_volume" => {
            let a: Vol<P::Slot> = read(name, args)?;
            json(&s.save_volume(&vol(a.vol, p)?)?)
        }
        "all_volumes" => {
            read::<NoArgs>(name, args)?;
            let all = s.all_volumes()?;
            objects(p, all)
        }
        "rewrite_volume_config" => {
            let a: VolCfg<P::Slot> = read(name, args)?;
            let cfg = VolumeConfig::from_wire(a.cfg, p)?;
            json(&s.rewrite_volume_config(&vol(a.vol, p)?, &cfg)?)
        }
        other => Err(AbiError::new(
            AbiKind::UnknownCall,
            format!(
                "no call named {other:?}: the {} calls are those of State, in snake case \
                 (add_container, lookup_container_id, ...)",
                CALLS.len()
            ),
        )),
    }
}
