//! Short builders for the objects scenarios store, so that each scenario reads as a story.
//!
//! Every builder fills the opaque payloads with JSON text whose whitespace and key order a
//! re-encoding backend would change (`{ "b":1,  "a" :[2] }`-style), and the timestamps with
//! nanoseconds, so that any scenario comparing a returned object with the one it stored also checks
//! that payloads and times round-trip byte for byte.
//!
//! ```
//! use podstate_conformance::scenarios::fixtures::*;
//!
//! let db = ctr("c1", "web-db").in_pod("p1").with_deps(&["c0"]).with_volumes(&["data"]);
//! assert_eq!(db.config.pod.as_deref(), Some("p1"));
//! assert_eq!(db.config.dependencies(), ["c0"]);
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use podstate_api::{
    Container, ContainerConfig, ContainerStatus, ExecSession, NamedVolume, Payload, Pod, PodConfig,
    Timestamp, Volume, VolumeConfig,
};

/// The exec session IDs scenarios use. The harness probes each of them with `get_exec_session`
/// before and after a failing call, because the registry cannot be listed through the API; a
/// scenario that registers a session under another ID would leave that entry unprobed.
pub const SESSION_IDS: &[&str] = &["e1", "e2", "e3", "e_1", "e%1", "c1", "x"];

thread_local! {
    /// Every container/pod ID and name the builders made on this thread since the last
    /// [`forget_keys`]: the harness proves each one not held by a stored object is still free
    /// after a failed call.
    static KEYS: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// The IDs and names of the containers and pods built on this thread since [`forget_keys`].
pub fn built_keys() -> BTreeSet<String> {
    KEYS.with(|k| k.borrow().clone())
}

/// Starts a new scenario's record of [`built_keys`].
pub fn forget_keys() {
    KEYS.with(|k| k.borrow_mut().clear());
}

fn remember(id: &str, name: &str) {
    KEYS.with(|k| k.borrow_mut().extend([id.to_owned(), name.to_owned()]));
}

/// A JSON payload with odd spacing and unsorted keys, tagged so that payloads of different objects
/// differ: a backend that parses and re-encodes payloads, or mixes them up, fails the comparison.
pub fn odd_payload(tag: &str) -> Payload {
    let tag = serde_json::to_string(tag).expect("a string always encodes");
    let text = format!("{{ \"z\":1,  \"tag\" :[ {tag} ] ,\"a\":{{}} }}");
    Payload::from_json(text).expect("fixture payloads are valid JSON")
}

/// A timestamp with nanoseconds, distinct per `n`.
pub fn at(n: i64) -> Timestamp {
    Timestamp::new(1_600_000_000 + n, 123_456_789).expect("nanoseconds below one second")
}

/// A container outside any pod and namespace, with odd payloads and a creation time.
pub fn ctr(id: &str, name: &str) -> Container {
    remember(id, name);
    let mut config = ContainerConfig::new(id, name);
    config.payload = odd_payload(&format!("config of {id}"));
    config.created = at(1);
    config.lock_id = 7;
    let mut c = Container::new(config);
    c.state.payload = odd_payload(&format!("state of {id}"));
    c
}

/// A pod outside any namespace, with odd payloads and a creation time.
pub fn pod(id: &str, name: &str) -> Pod {
    remember(id, name);
    let mut config = PodConfig::new(id, name);
    config.payload = odd_payload(&format!("config of pod {id}"));
    config.created = at(2);
    config.lock_id = 3;
    let mut p = Pod::new(config);
    p.state.payload = odd_payload(&format!("state of pod {id}"));
    p
}

/// A volume with odd payloads and a creation time.
pub fn vol(name: &str) -> Volume {
    let mut config = VolumeConfig::new(name);
    config.payload = odd_payload(&format!("config of volume {name}"));
    config.created = at(3);
    config.lock_id = 5;
    let mut v = Volume::new(config);
    v.state.payload = odd_payload(&format!("state of volume {name}"));
    v
}

/// Exec session `id` for container `ctr_id`.
pub fn exec(id: &str, ctr_id: &str) -> ExecSession {
    ExecSession::new(id, ctr_id)
}

/// Owned strings from string literals.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Builder steps for containers.
pub trait CtrExt: Sized {
    /// Member of pod `pod_id`.
    fn in_pod(self, pod_id: &str) -> Self;
    /// In libpod namespace `ns`.
    fn in_ns(self, ns: &str) -> Self;
    /// Adds generic dependencies (`depends_on`).
    fn with_deps(self, deps: &[&str]) -> Self;
    /// Joins the network namespace of `dep` (a dependency through a sharing field).
    fn with_net_ns(self, dep: &str) -> Self;
    /// Mounts the named volumes.
    fn with_volumes(self, names: &[&str]) -> Self;
    /// Joins the networks at creation.
    fn with_networks(self, nets: &[&str]) -> Self;
    /// Gives aliases on `net` at creation (does not join `net`).
    fn with_aliases(self, net: &str, aliases: &[&str]) -> Self;
    /// Sets the status.
    fn with_status(self, status: ContainerStatus) -> Self;
    /// Changes the ID only (name and everything else kept), e.g. for a passed object.
    fn with_id(self, id: &str) -> Self;
    /// Changes the name only.
    fn with_name(self, name: &str) -> Self;
}

impl CtrExt for Container {
    fn in_pod(mut self, pod_id: &str) -> Self {
        self.config.pod = Some(pod_id.to_owned());
        self
    }

    fn in_ns(mut self, ns: &str) -> Self {
        self.config.namespace = ns.to_owned();
        self
    }

    fn with_deps(mut self, deps: &[&str]) -> Self {
        self.config.depends_on.extend(strings(deps));
        self
    }

    fn with_net_ns(mut self, dep: &str) -> Self {
        self.config.net_ns_ctr = Some(dep.to_owned());
        self
    }

    fn with_volumes(mut self, names: &[&str]) -> Self {
        self.config
            .named_volumes
            .extend(names.iter().map(|n| NamedVolume {
                name: (*n).to_owned(),
                dest: format!("/mnt/{n}"),
                options: strings(&["rw", "z"]),
            }));
        self
    }

    fn with_networks(mut self, nets: &[&str]) -> Self {
        self.config.networks.extend(strings(nets));
        self
    }

    fn with_aliases(mut self, net: &str, aliases: &[&str]) -> Self {
        self.config
            .network_aliases
            .insert(net.to_owned(), strings(aliases));
        self
    }

    fn with_status(mut self, status: ContainerStatus) -> Self {
        self.state.status = status;
        self
    }

    fn with_id(mut self, id: &str) -> Self {
        self.config.id = id.to_owned();
        self
    }

    fn with_name(mut self, name: &str) -> Self {
        self.config.name = name.to_owned();
        self
    }
}

/// Builder steps for pods.
pub trait PodExt: Sized {
    /// In libpod namespace `ns`.
    fn in_ns(self, ns: &str) -> Self;
}

impl PodExt for Pod {
    fn in_ns(mut self, ns: &str) -> Self {
        self.config.namespace = ns.to_owned();
        self
    }
}

/// An alias map from `(network, aliases)` pairs, as `get_all_network_aliases` answers.
pub fn alias_map(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    entries
        .iter()
        .map(|(net, aliases)| ((*net).to_owned(), strings(aliases)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_keep_their_odd_spacing_and_differ_per_object() {
        let a = ctr("a", "n");
        assert!(a.config.payload.as_str().contains(",\"a\":{} }"));
        assert_ne!(a.config.payload, ctr("b", "n").config.payload);
        assert_ne!(a.config.payload, a.state.payload);
    }

    #[test]
    fn builders_set_what_they_say() {
        let c = ctr("c", "n")
            .in_ns("ns")
            .with_net_ns("d")
            .with_deps(&["e", "d"])
            .with_networks(&["net"])
            .with_aliases("net", &["x"]);
        assert_eq!(c.config.namespace, "ns");
        assert_eq!(c.config.dependencies(), ["d", "e"]);
        assert_eq!(c.config.network_aliases["net"], ["x"]);
    }
}
