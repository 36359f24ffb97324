//! Drawing the arguments of operations: strings, pods, volumes, exec sessions, DB configs.
//!
//! Every draw mixes the likely (a template, something believed stored) with the broken (empty
//! or NUL strings, foreign namespaces, fields the call must ignore) in fixed proportions.

use std::collections::VecDeque;

use podstate_api::{
    ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, PodState, Volume, VolumeConfig,
    VolumeState,
};
use proptest::prelude::RngExt;
use proptest::test_runner::TestRng;

use super::shadow::Shadow;
use super::universe::{Universe, pick};
use crate::checker::ops::Op;
use crate::factory::Capabilities;

/// The follow-ups waiting to be drawn, each with the handle it runs on (queued and drained in
/// `revisit.rs`).
pub(super) type Revisits = VecDeque<(usize, Op)>;

/// The generator's working state for one case: the random source, the pools, what the store
/// can do, the shadow.
pub(super) struct Gen<'a> {
    pub(super) rng: &'a mut TestRng,
    pub(super) u: &'a Universe,
    pub(super) caps: Capabilities,
    pub(super) shadow: Shadow,
    /// Follow-ups of earlier changes, waiting to be drawn.
    pub(super) revisits: Revisits,
}

impl<'a> Gen<'a> {
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    // ----- strings ---------------------------------------------------------------------------

    /// An invalid key: empty or holding a NUL.
    pub(super) fn bad_string(&mut self) -> String {
        if self.chance(0.5) {
            String::new()
        } else {
            "a\0b".into()
        }
    }

    /// A name from the pool.
    pub(super) fn name(&mut self) -> String {
        pick(self.rng, &self.u.names).clone()
    }

    /// A string for an exact-ID getter: mostly a pool ID, sometimes a name, prefix or junk.
    pub(super) fn exact_id(&mut self) -> String {
        match self.rng.random_range(0..100) {
            0..40 => self.stored_id(),
            40..75 => pick(self.rng, &self.u.ids).clone(),
            75..85 => self.name(),
            85..92 => self.prefix(),
            92..97 => "zz9".into(),
            _ => self.bad_string(),
        }
    }

    /// The IDs of the containers and pods believed stored.
    pub(super) fn stored_ids(&self) -> Vec<&'a str> {
        let ctrs = self.shadow.ctrs.iter().map(|&i| self.u.ctrs[i].id.as_str());
        let pods = self.shadow.pods.iter().map(|&i| self.u.pods[i].id.as_str());
        ctrs.chain(pods).collect()
    }

    /// A namespace holding something believed stored (`""` if nothing is).
    pub(super) fn stored_namespace(&mut self) -> String {
        let ctrs = self
            .shadow
            .ctrs
            .iter()
            .map(|&i| self.u.ctrs[i].namespace.as_str());
        let pods = self
            .shadow
            .pods
            .iter()
            .map(|&i| self.u.pods[i].namespace.as_str());
        let used: Vec<&str> = ctrs.chain(pods).filter(|n| !n.is_empty()).collect();
        if used.is_empty() {
            return String::new();
        }
        (*pick(self.rng, &used)).to_owned()
    }

    /// The ID of a container or pod believed stored (a pool ID if there is none).
    pub(super) fn stored_id(&mut self) -> String {
        let stored = self.stored_ids();
        if stored.is_empty() {
            return pick(self.rng, &self.u.ids).clone();
        }
        (*pick(self.rng, &stored)).to_owned()
    }

    /// A proper or full prefix of a pool ID, mostly of a stored one.
    pub(super) fn prefix(&mut self) -> String {
        let id = if self.chance(0.6) {
            self.stored_id()
        } else {
            pick(self.rng, &self.u.ids).clone()
        };
        self.cut(&id)
    }

    /// A non-empty prefix of `s`, cut at a character boundary.
    pub(super) fn cut(&mut self, s: &str) -> String {
        let ends: Vec<usize> = s
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain([s.len()])
            .collect();
        s[..*pick(self.rng, &ends)].to_owned()
    }

    /// A stored ID that is a proper prefix of another stored ID (exact match and prefix match
    /// then compete, across namespaces too), or any pool ID if there is none.
    pub(super) fn shadowing_id(&mut self) -> String {
        let stored: Vec<&str> = self.stored_ids();
        let shadowing: Vec<&str> = stored
            .iter()
            .copied()
            .filter(|a| stored.iter().any(|b| b.len() > a.len() && b.starts_with(a)))
            .collect();
        if shadowing.is_empty() {
            return pick(self.rng, &self.u.ids).clone();
        }
        (*pick(self.rng, &shadowing)).to_owned()
    }

    /// A pair of stored containers whose IDs compete in a lookup from namespace `ns`: the
    /// shorter ID is exact but invisible in `ns` (another namespace), the longer one extends it
    /// and is visible. With `ns` empty, any namespace of the longer one will do. Returns the
    /// shorter ID and the longer one's namespace.
    pub(super) fn namespace_trap(&mut self, ns: &str) -> Option<(String, String)> {
        let stored: Vec<&ContainerConfig> =
            self.shadow.ctrs.iter().map(|&i| &self.u.ctrs[i]).collect();
        let traps: Vec<(String, String)> = stored
            .iter()
            .flat_map(|short| {
                stored.iter().filter_map(move |long| {
                    let competes = long.id.len() > short.id.len()
                        && long.id.starts_with(&short.id)
                        && long.namespace != short.namespace
                        && !long.namespace.is_empty()
                        && (ns.is_empty() || long.namespace == ns);
                    competes.then(|| (short.id.clone(), long.namespace.clone()))
                })
            })
            .collect();
        if traps.is_empty() {
            return None;
        }
        Some(pick(self.rng, &traps).clone())
    }

    /// A string for a lookup: full IDs, names and prefixes of pool IDs.
    pub(super) fn lookup_string(&mut self) -> String {
        // From a namespace, an invisible exact ID shadowing visible prefix matches is the case
        // to try most.
        let ns = self.ns().to_owned();
        if !ns.is_empty()
            && self.chance(0.4)
            && let Some((shorter, _)) = self.namespace_trap(&ns)
        {
            return shorter;
        }
        match self.rng.random_range(0..100) {
            0..15 => self.stored_id(),
            15..25 => self.shadowing_id(),
            25..35 => match self.namespace_trap(&ns) {
                Some((shorter, _)) => shorter,
                None => self.shadowing_id(),
            },
            35..55 => self.name(),
            55..92 => self.prefix(),
            92..96 => "zz9".into(),
            _ => self.bad_string(),
        }
    }

    pub(super) fn volume_name(&mut self) -> String {
        match self.rng.random_range(0..100) {
            0..90 => pick(self.rng, &self.u.volumes).clone(),
            90..95 => "nope".into(),
            _ => self.bad_string(),
        }
    }

    pub(super) fn network(&mut self) -> String {
        if self.chance(0.03) {
            self.bad_string()
        } else {
            pick(self.rng, &self.u.networks).clone()
        }
    }

    pub(super) fn aliases(&mut self) -> Vec<String> {
        let mut aliases: Vec<String> = (0..self.rng.random_range(0..=2))
            .map(|_| pick(self.rng, &self.u.aliases).clone())
            .collect();
        if self.chance(0.03) {
            aliases.push(self.bad_string());
        }
        aliases
    }

    pub(super) fn other_namespace(&mut self, than: &str) -> String {
        let others: Vec<&String> = self.u.namespaces.iter().filter(|n| *n != than).collect();
        (*pick(self.rng, &others)).clone()
    }

    // ----- pods ------------------------------------------------------------------------------

    pub(super) fn pod_index(&mut self) -> Option<usize> {
        if self.u.pods.is_empty() {
            return None;
        }
        if !self.shadow.pods.is_empty() && self.chance(0.75) {
            let stored: Vec<usize> = self.shadow.pods.iter().copied().collect();
            return Some(*pick(self.rng, &stored));
        }
        Some(self.rng.random_range(0..self.u.pods.len()))
    }

    pub(super) fn pod_state(&mut self) -> PodState {
        PodState {
            cgroup_path: format!("/sys/fs/cgroup/pod{}", self.rng.random_range(0..3)),
            infra_container_id: pick(self.rng, &self.u.ids).clone(),
            payload: self.u.payload(self.rng),
        }
    }

    pub(super) fn pod_from(&mut self, cfg: PodConfig) -> Pod {
        let mut p = Pod::new(cfg);
        if self.chance(0.5) {
            p.state = self.pod_state();
        }
        p
    }

    /// A passed pod from a template; sometimes a bad ID or a foreign namespace.
    pub(super) fn passed_pod(&mut self) -> Pod {
        let cfg = match self.pod_index() {
            Some(i) => self.u.pods[i].clone(),
            None => PodConfig::new(pick(self.rng, &self.u.ids).clone(), "p"),
        };
        let mut p = self.pod_from(cfg);
        match self.rng.random_range(0..100) {
            0..5 => p.config.id = self.bad_string(),
            5..10 => p.config.namespace = self.other_namespace(&p.config.namespace),
            // The passed name is ignored.
            10..14 => p.config.name = self.name(),
            _ => {}
        }
        p
    }

    /// The pod a member template names (a template if there is one), else a passed pod.
    pub(super) fn pod_of(&mut self, ctr: &ContainerConfig) -> Pod {
        let template = ctr
            .pod
            .as_ref()
            .and_then(|id| self.u.pods.iter().find(|p| p.id == *id).cloned());
        match template {
            Some(cfg) if self.chance(0.92) => self.pod_from(cfg),
            _ => self.passed_pod(),
        }
    }

    // ----- volumes ---------------------------------------------------------------------------

    pub(super) fn volume(&mut self) -> Volume {
        let name = if self.chance(0.03) {
            self.bad_string()
        } else if !self.shadow.volumes.is_empty() && self.chance(0.6) {
            let stored: Vec<String> = self.shadow.volumes.iter().cloned().collect();
            pick(self.rng, &stored).clone()
        } else {
            self.volume_name()
        };
        let mut v = Volume::new(VolumeConfig {
            name,
            lock_id: self.rng.random_range(0..10),
            created: podstate_api::Timestamp::new(1_650_000_000, 42).unwrap_or_default(),
            payload: self.u.payload(self.rng),
        });
        if self.chance(0.5) {
            v.state = VolumeState {
                mount_count: self.rng.random_range(0..4),
                payload: self.u.payload(self.rng),
            };
        }
        v
    }

    // ----- exec sessions ---------------------------------------------------------------------

    pub(super) fn session_id(&mut self) -> String {
        if self.chance(0.04) {
            self.bad_string()
        } else {
            pick(self.rng, &self.u.sessions).clone()
        }
    }

    /// A session to remove: mostly one believed registered, sometimes naming the wrong container.
    pub(super) fn known_session(&mut self) -> ExecSession {
        if !self.shadow.sessions.is_empty() && self.chance(0.65) {
            let mut s = pick(self.rng, &self.shadow.sessions).clone();
            if self.chance(0.15) {
                s.container_id = pick(self.rng, &self.u.ids).clone();
            }
            return s;
        }
        ExecSession::new(self.session_id(), pick(self.rng, &self.u.ids).clone())
    }

    pub(super) fn db_config(&mut self) -> DbConfig {
        let mut cfg = DbConfig::default();
        for (name, value) in cfg.fields_mut() {
            if self.rng.random_bool(0.6) {
                continue;
            }
            *value = if name == "graph_driver" {
                pick(self.rng, &["overlay", "vfs"]).to_string()
            } else {
                format!("/{name}/{}", pick(self.rng, &["a", "b"]))
            };
        }
        cfg
    }

    /// A volume name for the getters: a pool name or a prefix of one.
    pub(super) fn volume_lookup(&mut self) -> String {
        if self.chance(0.3) {
            let name = pick(self.rng, &self.u.volumes).clone();
            return self.cut(&name);
        }
        self.volume_name()
    }

    pub(super) fn new_pod(&mut self) -> Pod {
        let cfg = if self.u.pods.is_empty() {
            PodConfig::new(pick(self.rng, &self.u.ids).clone(), self.name())
        } else {
            let unstored: Vec<usize> = (0..self.u.pods.len())
                .filter(|i| !self.shadow.pods.contains(i))
                .filter(|&i| self.ns().is_empty() || self.ns() == self.u.pods[i].namespace)
                .collect();
            let i = if !unstored.is_empty() && self.chance(0.8) {
                *pick(self.rng, &unstored)
            } else {
                self.rng.random_range(0..self.u.pods.len())
            };
            self.shadow.pods.insert(i);
            self.u.pods[i].clone()
        };
        let mut pod = self.pod_from(cfg);
        match self.rng.random_range(0..100) {
            0..2 => pod.config.id = self.bad_string(),
            2..4 => pod.config.name = self.bad_string(),
            4..7 => pod.config.namespace = self.other_namespace(&pod.config.namespace),
            7..10 => pod.config.name = self.name(),
            _ => {}
        }
        pod
    }

    pub(super) fn forget_pod(&mut self, id: &str) {
        if let Some(i) = self.u.pods.iter().position(|p| p.id == id) {
            self.shadow.pods.remove(&i);
        }
    }
}
