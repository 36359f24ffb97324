//! [`AbiHandle`]: the 53 calls of `State`, each one JSON request through `podstate_call`.

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::sync::atomic::{AtomicU64, Ordering};

use podstate::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Payload, Pod, PodConfig,
    PodState, Result, State, Volume, VolumeConfig, VolumeState,
};
use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};

use crate::errors::AbiError;
use crate::ffi::caller::{Answer, HandlePtr};
use crate::wire::{Beside, Inline, Payloads, Wire};

/// A `State` handle of an [`AbiStore`](crate::AbiStore): each call is one JSON request through
/// `podstate_call`, its payloads inline in the JSON and beside it (pointer + length) in turn,
/// call by call, so that every run exercises both.
#[derive(Debug)]
pub struct AbiHandle {
    ptr: HandlePtr,
    /// Calls made so far: odd ones send payloads beside the JSON, even ones inline.
    calls: AtomicU64,
}

/// A payload's place in arguments the client writes: the payload itself, or its index.
enum Slot {
    Inline(Payload),
    Index(usize),
}

impl Serialize for Slot {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Slot::Inline(p) => p.serialize(s),
            Slot::Index(i) => i.serialize(s),
        }
    }
}

/// The payloads of the arguments being written, in the mode of this call.
struct Outgoing {
    beside: bool,
    payloads: Vec<Payload>,
}

impl Payloads for Outgoing {
    type Slot = Slot;

    fn take(&self, _: Slot) -> std::result::Result<Payload, AbiError> {
        Err(AbiError::bad_request(
            "the client never reads its own arguments",
        ))
    }

    fn give(&mut self, payload: Payload) -> Slot {
        match self.beside {
            false => Slot::Inline(payload),
            true => {
                self.payloads.push(payload);
                Slot::Index(self.payloads.len() - 1)
            }
        }
    }
}

/// The answer of one call, with the payloads beside it (when they were).
struct Reply {
    answer: Answer,
    beside: Option<Beside>,
}

impl Reply {
    /// The answer's value as a plain type (no payloads).
    fn plain<T: DeserializeOwned>(&self) -> std::result::Result<T, AbiError> {
        serde_json::from_slice(self.answer.json())
            .map_err(|e| AbiError::bad_request(format!("unreadable answer: {e}")))
    }

    /// The answer's value as an object with payloads.
    fn object<T: Wire>(&self) -> std::result::Result<T, AbiError>
    where
        T::On<Payload>: DeserializeOwned,
        T::On<usize>: DeserializeOwned,
    {
        match &self.beside {
            None => T::from_wire(self.plain::<T::On<Payload>>()?, &Inline),
            Some(beside) => T::from_wire(self.plain::<T::On<usize>>()?, beside),
        }
    }

    /// The answer's value as a list of objects with payloads.
    fn objects<T: Wire>(&self) -> std::result::Result<Vec<T>, AbiError>
    where
        T::On<Payload>: DeserializeOwned,
        T::On<usize>: DeserializeOwned,
    {
        match &self.beside {
            None => self
                .plain::<Vec<T::On<Payload>>>()?
                .into_iter()
                .map(|w| T::from_wire(w, &Inline))
                .collect(),
            Some(beside) => self
                .plain::<Vec<T::On<usize>>>()?
                .into_iter()
                .map(|w| T::from_wire(w, beside))
                .collect(),
        }
    }
}

/// The wire form of a container (cloned: the client is for tests and the bench).
fn ctr(c: &Container, o: &mut Outgoing) -> impl Serialize + use<> {
    c.clone().to_wire(o)
}

fn pod(p: &Pod, o: &mut Outgoing) -> impl Serialize + use<> {
    p.clone().to_wire(o)
}

fn vol(v: &Volume, o: &mut Outgoing) -> impl Serialize + use<> {
    v.clone().to_wire(o)
}

/// Serializes arguments the client built itself (strings, numbers and payloads that are
/// already JSON): nothing there can fail.
fn args<T: Serialize>(value: &T) -> std::result::Result<Vec<u8>, AbiError> {
    serde_json::to_vec(value).map_err(|e| AbiError::bad_request(format!("unwritable: {e}")))
}

impl AbiHandle {
    pub(crate) fn new(ptr: HandlePtr) -> AbiHandle {
        AbiHandle {
            ptr,
            calls: AtomicU64::new(0),
        }
    }

    /// Makes call `name` with the arguments `build` writes, in this call's payload mode, and
    /// reads the answer with `read`.
    fn run<T>(
        &self,
        name: &'static CStr,
        build: impl FnOnce(&mut Outgoing) -> std::result::Result<Vec<u8>, AbiError>,
        read: impl FnOnce(&Reply) -> std::result::Result<T, AbiError>,
    ) -> Result<T> {
        let beside = self.calls.fetch_add(1, Ordering::Relaxed) % 2 == 1;
        let mut out = Outgoing {
            beside,
            payloads: Vec::new(),
        };
        let json = build(&mut out).map_err(AbiError::into_state_error)?;
        let texts: Vec<&str> = out.payloads.iter().map(Payload::as_str).collect();
        let answer = self
            .ptr
            .call(name, &json, beside.then_some(&texts[..]))
            .ok()
            .map_err(AbiError::into_state_error)?;
        let beside = match beside {
            false => None,
            true => Some(Beside {
                incoming: answer
                    .payloads()
                    .into_iter()
                    .map(|raw| {
                        let text = std::str::from_utf8(raw).map_err(|e| {
                            AbiError::bad_request(format!("a payload is not UTF-8: {e}"))
                        })?;
                        Payload::from_json(text)
                            .map_err(|e| AbiError::bad_request(format!("a payload: {e}")))
                    })
                    .collect::<std::result::Result<_, AbiError>>()
                    .map_err(AbiError::into_state_error)?,
                outgoing: Vec::new(),
            }),
        };
        read(&Reply { answer, beside }).map_err(AbiError::into_state_error)
    }

    /// A call whose arguments are one string field.
    fn with_str<T>(
        &self,
        name: &'static CStr,
        key: &str,
        value: &str,
        read: impl FnOnce(&Reply) -> std::result::Result<T, AbiError>,
    ) -> Result<T> {
        self.run(name, |_| args(&BTreeMap::from([(key, value)])), read)
    }

    /// A call without arguments.
    fn bare<T>(
        &self,
        name: &'static CStr,
        read: impl FnOnce(&Reply) -> std::result::Result<T, AbiError>,
    ) -> Result<T> {
        self.run(name, |_| Ok(b"{}".to_vec()), read)
    }
}

/// The answer `null`.
fn unit(r: &Reply) -> std::result::Result<(), AbiError> {
    r.plain::<()>()
}

#[derive(Serialize)]
struct Ctr<C> {
    ctr: C,
}

#[derive(Serialize)]
struct CtrNetwork<'a, C> {
    ctr: C,
    network: &'a str,
}

#[derive(Serialize)]
struct CtrConnect<'a, C> {
    ctr: C,
    network: &'a str,
    aliases: &'a [String],
}

#[derive(Serialize)]
struct CtrSession<'a, C> {
    ctr: C,
    session: &'a ExecSession,
}

#[derive(Serialize)]
struct CtrCfg<C, G> {
    ctr: C,
    cfg: G,
}

#[derive(Serialize)]
struct PodArg<P> {
    pod: P,
}

#[derive(Serialize)]
struct PodCtrId<'a, P> {
    pod: P,
    ctr_id: &'a str,
}

#[derive(Serialize)]
struct PodCtr<P, C> {
    pod: P,
    ctr: C,
}

#[derive(Serialize)]
struct PodCfg<P, G> {
    pod: P,
    cfg: G,
}

#[derive(Serialize)]
struct Vol<V> {
    vol: V,
}

#[derive(Serialize)]
struct VolCfg<V, G> {
    vol: V,
    cfg: G,
}

impl State for AbiHandle {
    fn close(&self) -> Result<()> {
        self.bare(c"close", unit)
    }

    fn refresh(&self) -> Result<()> {
        self.bare(c"refresh", unit)
    }

    fn get_db_config(&self) -> Result<DbConfig> {
        self.bare(c"get_db_config", Reply::plain)
    }

    fn validate_db_config(&self, cfg: &DbConfig) -> Result<()> {
        let build = |_: &mut Outgoing| args(&BTreeMap::from([("cfg", cfg)]));
        self.run(c"validate_db_config", build, unit)
    }

    fn set_namespace(&self, ns: &str) -> Result<()> {
        self.with_str(c"set_namespace", "ns", ns, unit)
    }

    fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> {
        let tx = AbiHandle::new(self.ptr.begin_batch().map_err(AbiError::into_state_error)?);
        // A panic in `f` drops `tx`, whose `podstate_handle_free` rolls the batch back.
        match f(&tx) {
            Ok(()) => {
                tx.ptr.commit().ok().map_err(AbiError::into_state_error)?;
                Ok(())
            }
            // The closure's error, unless a call had doomed the batch: then the rollback
            // answers that call's `Io` or `Corrupt`, as `State::batch` does.
            Err(e) => match tx.ptr.rollback().ok() {
                Ok(_) => Err(e),
                Err(doomed) => Err(doomed.into_state_error()),
            },
        }
    }

    fn get_name(&self, id: &str) -> Result<String> {
        self.with_str(c"get_name", "id", id, Reply::plain)
    }

    fn container(&self, id: &str) -> Result<Container> {
        self.with_str(c"container", "id", id, Reply::object)
    }

    fn lookup_container_id(&self, id_or_name: &str) -> Result<String> {
        self.with_str(
            c"lookup_container_id",
            "id_or_name",
            id_or_name,
            Reply::plain,
        )
    }

    fn lookup_container(&self, id_or_name: &str) -> Result<Container> {
        self.with_str(c"lookup_container", "id_or_name", id_or_name, Reply::object)
    }

    fn has_container(&self, id: &str) -> Result<bool> {
        self.with_str(c"has_container", "id", id, Reply::plain)
    }

    fn get_container_config(&self, id: &str) -> Result<ContainerConfig> {
        self.with_str(c"get_container_config", "id", id, Reply::object)
    }

    fn add_container(&self, c: &Container) -> Result<()> {
        self.run(c"add_container", |o| args(&Ctr { ctr: ctr(c, o) }), unit)
    }

    fn remove_container(&self, c: &Container) -> Result<()> {
        self.run(c"remove_container", |o| args(&Ctr { ctr: ctr(c, o) }), unit)
    }

    fn update_container(&self, c: &mut Container) -> Result<()> {
        let build = |o: &mut Outgoing| args(&Ctr { ctr: ctr(c, o) });
        c.state = self.run(c"update_container", build, Reply::object::<ContainerState>)?;
        Ok(())
    }

    fn save_container(&self, c: &Container) -> Result<()> {
        self.run(c"save_container", |o| args(&Ctr { ctr: ctr(c, o) }), unit)
    }

    fn container_in_use(&self, c: &Container) -> Result<Vec<String>> {
        let build = |o: &mut Outgoing| args(&Ctr { ctr: ctr(c, o) });
        self.run(c"container_in_use", build, Reply::plain)
    }

    fn all_containers(&self) -> Result<Vec<Container>> {
        self.bare(c"all_containers", Reply::objects)
    }

    fn rewrite_container_config(&self, c: &Container, cfg: &ContainerConfig) -> Result<()> {
        let build = |o: &mut Outgoing| {
            let ctr = ctr(c, o);
            args(&CtrCfg {
                ctr,
                cfg: cfg.clone().to_wire(o),
            })
        };
        self.run(c"rewrite_container_config", build, unit)
    }

    fn get_networks(&self, c: &Container) -> Result<Vec<String>> {
        let build = |o: &mut Outgoing| args(&Ctr { ctr: ctr(c, o) });
        self.run(c"get_networks", build, Reply::plain)
    }

    fn get_network_aliases(&self, c: &Container, network: &str) -> Result<Vec<String>> {
        let build = |o: &mut Outgoing| {
            args(&CtrNetwork {
                ctr: ctr(c, o),
                network,
            })
        };
        self.run(c"get_network_aliases", build, Reply::plain)
    }

    fn get_all_network_aliases(&self, c: &Container) -> Result<BTreeMap<String, Vec<String>>> {
        let build = |o: &mut Outgoing| args(&Ctr { ctr: ctr(c, o) });
        self.run(c"get_all_network_aliases", build, Reply::plain)
    }

    fn network_connect(&self, c: &Container, network: &str, aliases: &[String]) -> Result<()> {
        let build = |o: &mut Outgoing| {
            args(&CtrConnect {
                ctr: ctr(c, o),
                network,
                aliases,
            })
        };
        self.run(c"network_connect", build, unit)
    }

    fn network_disconnect(&self, c: &Container, network: &str) -> Result<()> {
        let build = |o: &mut Outgoing| {
            args(&CtrNetwork {
                ctr: ctr(c, o),
                network,
            })
        };
        self.run(c"network_disconnect", build, unit)
    }

    fn add_exec_session(&self, c: &Container, session: &ExecSession) -> Result<()> {
        let build = |o: &mut Outgoing| {
            args(&CtrSession {
                ctr: ctr(c, o),
                session,
            })
        };
        self.run(c"add_exec_session", build, unit)
    }

    fn get_exec_session(&self, id: &str) -> Result<String> {
        self.with_str(c"get_exec_session", "id", id, Reply::plain)
    }

    fn remove_exec_session(&self, session: &ExecSession) -> Result<()> {
        let build = |_: &mut Outgoing| args(&BTreeMap::from([("session", session)]));
        self.run(c"remove_exec_session", build, unit)
    }

    fn get_container_exec_sessions(&self, c: &Container) -> Result<Vec<String>> {
        let build = |o: &mut Outgoing| args(&Ctr { ctr: ctr(c, o) });
        self.run(c"get_container_exec_sessions", build, Reply::plain)
    }

    fn remove_container_exec_sessions(&self, c: &Container) -> Result<()> {
        let build = |o: &mut Outgoing| args(&Ctr { ctr: ctr(c, o) });
        self.run(c"remove_container_exec_sessions", build, unit)
    }

    fn pod(&self, id: &str) -> Result<Pod> {
        self.with_str(c"pod", "id", id, Reply::object)
    }

    fn lookup_pod(&self, id_or_name: &str) -> Result<Pod> {
        self.with_str(c"lookup_pod", "id_or_name", id_or_name, Reply::object)
    }

    fn has_pod(&self, id: &str) -> Result<bool> {
        self.with_str(c"has_pod", "id", id, Reply::plain)
    }

    fn pod_has_container(&self, p: &Pod, ctr_id: &str) -> Result<bool> {
        let build = |o: &mut Outgoing| {
            args(&PodCtrId {
                pod: pod(p, o),
                ctr_id,
            })
        };
        self.run(c"pod_has_container", build, Reply::plain)
    }

    fn pod_containers_by_id(&self, p: &Pod) -> Result<Vec<String>> {
        let build = |o: &mut Outgoing| args(&PodArg { pod: pod(p, o) });
        self.run(c"pod_containers_by_id", build, Reply::plain)
    }

    fn pod_containers(&self, p: &Pod) -> Result<Vec<Container>> {
        let build = |o: &mut Outgoing| args(&PodArg { pod: pod(p, o) });
        self.run(c"pod_containers", build, Reply::objects)
    }

    fn add_pod(&self, p: &Pod) -> Result<()> {
        self.run(c"add_pod", |o| args(&PodArg { pod: pod(p, o) }), unit)
    }

    fn remove_pod(&self, p: &Pod) -> Result<()> {
        self.run(c"remove_pod", |o| args(&PodArg { pod: pod(p, o) }), unit)
    }

    fn remove_pod_containers(&self, p: &Pod) -> Result<()> {
        let build = |o: &mut Outgoing| args(&PodArg { pod: pod(p, o) });
        self.run(c"remove_pod_containers", build, unit)
    }

    fn add_container_to_pod(&self, p: &Pod, c: &Container) -> Result<()> {
        let build = |o: &mut Outgoing| {
            let pod = pod(p, o);
            args(&PodCtr {
                pod,
                ctr: ctr(c, o),
            })
        };
        self.run(c"add_container_to_pod", build, unit)
    }

    fn remove_container_from_pod(&self, p: &Pod, c: &Container) -> Result<()> {
        let build = |o: &mut Outgoing| {
            let pod = pod(p, o);
            args(&PodCtr {
                pod,
                ctr: ctr(c, o),
            })
        };
        self.run(c"remove_container_from_pod", build, unit)
    }

    fn update_pod(&self, p: &mut Pod) -> Result<()> {
        let build = |o: &mut Outgoing| args(&PodArg { pod: pod(p, o) });
        p.state = self.run(c"update_pod", build, Reply::object::<PodState>)?;
        Ok(())
    }

    fn save_pod(&self, p: &Pod) -> Result<()> {
        self.run(c"save_pod", |o| args(&PodArg { pod: pod(p, o) }), unit)
    }

    fn all_pods(&self) -> Result<Vec<Pod>> {
        self.bare(c"all_pods", Reply::objects)
    }

    fn rewrite_pod_config(&self, p: &Pod, cfg: &PodConfig) -> Result<()> {
        let build = |o: &mut Outgoing| {
            let pod = pod(p, o);
            args(&PodCfg {
                pod,
                cfg: cfg.clone().to_wire(o),
            })
        };
        self.run(c"rewrite_pod_config", build, unit)
    }

    fn volume(&self, name: &str) -> Result<Volume> {
        self.with_str(c"volume", "name", name, Reply::object)
    }

    fn lookup_volume(&self, name: &str) -> Result<Volume> {
        self.with_str(c"lookup_volume", "name", name, Reply::object)
    }

    fn has_volume(&self, name: &str) -> Result<bool> {
        self.with_str(c"has_volume", "name", name, Reply::plain)
    }

    fn volume_in_use(&self, v: &Volume) -> Result<Vec<String>> {
        let build = |o: &mut Outgoing| args(&Vol { vol: vol(v, o) });
        self.run(c"volume_in_use", build, Reply::plain)
    }

    fn add_volume(&self, v: &Volume) -> Result<()> {
        self.run(c"add_volume", |o| args(&Vol { vol: vol(v, o) }), unit)
    }

    fn remove_volume(&self, v: &Volume) -> Result<()> {
        self.run(c"remove_volume", |o| args(&Vol { vol: vol(v, o) }), unit)
    }

    fn update_volume(&self, v: &mut Volume) -> Result<()> {
        let build = |o: &mut Outgoing| args(&Vol { vol: vol(v, o) });
        v.state = self.run(c"update_volume", build, Reply::object::<VolumeState>)?;
        Ok(())
    }

    fn save_volume(&self, v: &Volume) -> Result<()> {
        self.run(c"save_volume", |o| args(&Vol { vol: vol(v, o) }), unit)
    }

    fn all_volumes(&self) -> Result<Vec<Volume>> {
        self.bare(c"all_volumes", Reply::objects)
    }

    fn rewrite_volume_config(&self, v: &Volume, cfg: &VolumeConfig) -> Result<()> {
        let build = |o: &mut Outgoing| {
            let vol = vol(v, o);
            args(&VolCfg {
                vol,
                cfg: cfg.clone().to_wire(o),
            })
        };
        self.run(c"rewrite_volume_config", build, unit)
    }
}
