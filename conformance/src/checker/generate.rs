//! The generator: a proptest [`Strategy`] of operation sequences biased toward interesting states.
//!
//! A case first draws a [`Universe`] (pools and templates), then its operations one by one. The
//! generator keeps a rough *shadow* of what it has tried to add, only to bias later choices
//! (remove what was added, register sessions on stored containers, ...); it never filters: every
//! operation is legal anywhere, and errors are outcomes like any other. Adds outweigh removals so
//! that state grows.
//!
//! `close` appears only in two shapes: immediately followed by `reopen`, or as the start of the
//! *closing tail* that ends some cases: `close`, then every call once in a random order, each of
//! which must answer `DbClosed` (`close` itself stays `Ok`). Without that tail no call could reach
//! its `DbClosed` outcome.

use std::collections::BTreeSet;

use podstate_api::{
    Container, ContainerConfig, ContainerState, ContainerStatus, DbConfig, ExecSession, Pod,
    PodConfig, PodState, Volume, VolumeConfig, VolumeState,
};
use proptest::prelude::RngExt;
use proptest::strategy::{NewTree, Strategy};
use proptest::test_runner::{TestRng, TestRunner};

use super::ops::Op;
use super::shrink::OpsTree;
use super::universe::{CaseClass, Universe, pick, set_dependency};
use crate::calls::Call;

/// Generates sequences of exactly `len` operations (shrinking may remove any of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpsStrategy {
    /// Operations per generated case.
    pub len: usize,
}

impl Strategy for OpsStrategy {
    type Tree = OpsTree;
    type Value = Vec<Op>;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        Ok(OpsTree::new(generate(runner.rng(), self.len)))
    }
}

/// Draws one case of `len` operations from `rng`.
pub fn generate(rng: &mut TestRng, len: usize) -> Vec<Op> {
    let class = if rng.random_bool(0.7) {
        CaseClass::Small
    } else {
        CaseClass::Large
    };
    let universe = Universe::generate(rng, class);
    let mut g = Gen {
        rng,
        u: &universe,
        shadow: Shadow::default(),
    };
    let tail = if len >= 2 * Call::ALL.len() && g.chance(0.18) {
        Call::ALL.len() + 1
    } else {
        0
    };
    let mut ops = Vec::with_capacity(len);
    while ops.len() + tail < len {
        let call = g.weighted_call();
        ops.extend(g.make(call));
    }
    ops.truncate(len - tail);
    if tail > 0 {
        ops.push(Op::Close);
        let mut calls = Call::ALL.to_vec();
        for i in (1..calls.len()).rev() {
            let j = g.rng.random_range(0..=i);
            calls.swap(i, j);
        }
        // `make(Close)` is close-then-reopen; the tail wants the bare (idempotent) close.
        ops.extend(calls.into_iter().map(|c| match c {
            Call::Close => Op::Close,
            c => g.make(Some(c)).swap_remove(0),
        }));
    }
    ops
}

/// What the generator believes it has added, for biasing only.
#[derive(Debug, Default)]
struct Shadow {
    ctrs: BTreeSet<usize>,
    pods: BTreeSet<usize>,
    volumes: BTreeSet<String>,
    sessions: Vec<ExecSession>,
    /// The handle's namespace after the last `set_namespace`/`reopen`.
    ns: String,
}

struct Gen<'a> {
    rng: &'a mut TestRng,
    u: &'a Universe,
    shadow: Shadow,
}

/// Relative weights of the calls (adds outweigh removals; `None` is `reopen`).
fn weight(call: Option<Call>, class: CaseClass) -> u32 {
    let grow = match class {
        CaseClass::Small => 1,
        CaseClass::Large => 3,
    };
    let Some(call) = call else { return 2 };
    match call {
        Call::AddContainer => 12 * grow,
        Call::AddContainerToPod => 8 * grow,
        Call::AddPod => 5 * grow,
        Call::AddVolume => 5 * grow,
        Call::AddExecSession => 5,
        Call::SetNamespace => 6,
        Call::NetworkConnect | Call::SaveContainer => 4,
        Call::RemoveContainer
        | Call::RemoveExecSession
        | Call::NetworkDisconnect
        | Call::RewriteContainerConfig
        | Call::LookupContainerId
        | Call::LookupContainer
        | Call::LookupPod
        | Call::LookupVolume
        | Call::ValidateDbConfig
        | Call::SavePod
        | Call::SaveVolume
        | Call::UpdateContainer
        | Call::GetName
        | Call::Container
        | Call::RemoveContainerFromPod
        | Call::RewritePodConfig => 3,
        Call::Close => 1,
        _ => 2,
    }
}

impl Gen<'_> {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn weighted_call(&mut self) -> Option<Call> {
        let class = self.u.class;
        let choices = Call::ALL.iter().map(|c| Some(*c)).chain([None]);
        let total: u32 = choices.clone().map(|c| weight(c, class)).sum();
        let mut roll = self.rng.random_range(0..total);
        for c in choices {
            let w = weight(c, class);
            if roll < w {
                return c;
            }
            roll -= w;
        }
        None
    }

    // ----- strings ---------------------------------------------------------------------------

    /// An invalid key: empty or holding a NUL.
    fn bad_string(&mut self) -> String {
        if self.chance(0.5) {
            String::new()
        } else {
            "a\0b".into()
        }
    }

    /// A name from the pool.
    fn name(&mut self) -> String {
        pick(self.rng, &self.u.names).clone()
    }

    /// A string for an exact-ID getter: mostly a pool ID, sometimes a name, prefix or junk.
    fn exact_id(&mut self) -> String {
        match self.rng.random_range(0..100) {
            0..40 => self.stored_id(),
            40..75 => pick(self.rng, &self.u.ids).clone(),
            75..85 => self.name(),
            85..92 => self.prefix(),
            92..97 => "zz9".into(),
            _ => self.bad_string(),
        }
    }

    /// The ID of a container or pod believed stored (a pool ID if there is none).
    fn stored_id(&mut self) -> String {
        let mut stored: Vec<&str> = self
            .shadow
            .ctrs
            .iter()
            .map(|&i| self.u.ctrs[i].id.as_str())
            .collect();
        stored.extend(self.shadow.pods.iter().map(|&i| self.u.pods[i].id.as_str()));
        if stored.is_empty() {
            return pick(self.rng, &self.u.ids).clone();
        }
        (*pick(self.rng, &stored)).to_owned()
    }

    /// A proper or full prefix of a pool ID, mostly of a stored one.
    fn prefix(&mut self) -> String {
        let id = if self.chance(0.6) {
            self.stored_id()
        } else {
            pick(self.rng, &self.u.ids).clone()
        };
        self.cut(&id)
    }

    /// A non-empty prefix of `s`, cut at a character boundary.
    fn cut(&mut self, s: &str) -> String {
        let ends: Vec<usize> = s
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain([s.len()])
            .collect();
        s[..*pick(self.rng, &ends)].to_owned()
    }

    /// A string for a lookup: full IDs, names and prefixes of pool IDs.
    fn lookup_string(&mut self) -> String {
        match self.rng.random_range(0..100) {
            0..20 => self.stored_id(),
            20..35 => pick(self.rng, &self.u.ids).clone(),
            35..55 => self.name(),
            55..92 => self.prefix(),
            92..96 => "zz9".into(),
            _ => self.bad_string(),
        }
    }

    fn volume_name(&mut self) -> String {
        match self.rng.random_range(0..100) {
            0..90 => pick(self.rng, &self.u.volumes).clone(),
            90..95 => "nope".into(),
            _ => self.bad_string(),
        }
    }

    fn network(&mut self) -> String {
        if self.chance(0.03) {
            self.bad_string()
        } else {
            pick(self.rng, &self.u.networks).clone()
        }
    }

    fn aliases(&mut self) -> Vec<String> {
        let mut aliases: Vec<String> = (0..self.rng.random_range(0..=2))
            .map(|_| pick(self.rng, &self.u.aliases).clone())
            .collect();
        if self.chance(0.03) {
            aliases.push(self.bad_string());
        }
        aliases
    }

    fn other_namespace(&mut self, than: &str) -> String {
        let others: Vec<&String> = self.u.namespaces.iter().filter(|n| *n != than).collect();
        (*pick(self.rng, &others)).clone()
    }

    // ----- containers ------------------------------------------------------------------------

    /// A container template index, mostly one believed stored.
    fn ctr_index(&mut self) -> Option<usize> {
        if self.u.ctrs.is_empty() {
            return None;
        }
        if !self.shadow.ctrs.is_empty() && self.chance(0.75) {
            let stored: Vec<usize> = self.shadow.ctrs.iter().copied().collect();
            return Some(*pick(self.rng, &stored));
        }
        Some(self.rng.random_range(0..self.u.ctrs.len()))
    }

    /// A template index for a new container: `in_pod` says which kind; prefers templates not
    /// believed stored whose dependencies are.
    fn new_ctr_index(&mut self, in_pod: bool) -> Option<usize> {
        let fitting: Vec<usize> = (0..self.u.ctrs.len())
            .filter(|&i| self.u.ctrs[i].pod.is_some() == in_pod)
            .collect();
        if fitting.is_empty() {
            return None;
        }
        let ready: Vec<usize> = fitting
            .iter()
            .copied()
            .filter(|&i| !self.shadow.ctrs.contains(&i) && self.ready(&self.u.ctrs[i]))
            .collect();
        if !ready.is_empty() && self.chance(0.85) {
            return Some(*pick(self.rng, &ready));
        }
        Some(*pick(self.rng, &fitting))
    }

    /// Whether adding `cfg` now would likely succeed: visible to the handle, its pod, its
    /// dependencies and its volumes believed stored.
    fn ready(&self, cfg: &ContainerConfig) -> bool {
        let stored_ctr = |id: &str| {
            let i = self.u.ctrs.iter().position(|c| c.id == id);
            i.is_some_and(|i| self.shadow.ctrs.contains(&i))
        };
        let stored_pod = |id: &str| {
            let i = self.u.pods.iter().position(|p| p.id == id);
            i.is_some_and(|i| self.shadow.pods.contains(&i))
        };
        (self.shadow.ns.is_empty() || self.shadow.ns == cfg.namespace)
            && cfg.pod.as_deref().is_none_or(stored_pod)
            && cfg.dependencies().iter().all(|d| stored_ctr(d))
            && cfg
                .volume_names()
                .iter()
                .all(|v| self.shadow.volumes.contains(v))
    }

    fn state(&mut self) -> ContainerState {
        const STATUSES: [ContainerStatus; 8] = [
            ContainerStatus::Unknown,
            ContainerStatus::Configured,
            ContainerStatus::Created,
            ContainerStatus::Running,
            ContainerStatus::Stopped,
            ContainerStatus::Paused,
            ContainerStatus::Exited,
            ContainerStatus::Removing,
        ];
        let mut s = ContainerState {
            status: *pick(self.rng, &STATUSES),
            pid: self.rng.random_range(0..5000),
            conmon_pid: self.rng.random_range(0..5000),
            mountpoint: format!("/mnt/root{}", self.rng.random_range(0..3)),
            mounted: self.chance(0.5),
            stopped_by_user: self.chance(0.3),
            restart_policy_match: self.chance(0.3),
            restart_count: self.rng.random_range(0..4),
            exit_code: self.rng.random_range(-1..3),
            exited: self.chance(0.3),
            oom_killed: self.chance(0.1),
            payload: self.u.payload(self.rng),
            ..ContainerState::default()
        };
        if self.chance(0.4) {
            let id = pick(self.rng, &self.u.sessions).clone();
            s.exec_sessions.insert(id, self.u.payload(self.rng));
        }
        if self.chance(0.3) {
            s.bind_mounts
                .insert("/etc/hosts".into(), "/run/x/hosts".into());
        }
        if self.chance(0.5) {
            s.started_at = Some(podstate_api::Timestamp::new(1_700_000_000, 5).unwrap_or_default());
            let finished =
                podstate_api::Timestamp::new(1_700_000_100, self.rng.random_range(0..1000));
            s.finished_at = self.chance(0.5).then(|| finished.unwrap_or_default());
            s.netns_path = Some("/run/netns/cni-1".into());
        }
        s
    }

    /// A passed container built from a template, with a fresh state; sometimes with a bad ID, a
    /// foreign namespace or a wrong pod, to reach the step-2 and step-3 errors.
    fn passed_ctr(&mut self) -> Container {
        let Some(i) = self.ctr_index() else {
            return Container::new(ContainerConfig::new("zz9", "zz9"));
        };
        let mut c = Container::new(self.u.ctrs[i].clone());
        if self.chance(0.6) {
            c.state = self.state();
        }
        match self.rng.random_range(0..100) {
            0..3 => c.config.id = self.bad_string(),
            3..8 => c.config.namespace = self.other_namespace(&c.config.namespace),
            8..10 => c.config.pod = self.toggled_pod(c.config.pod.take()),
            10 => c.config.namespace = "n\0s".into(),
            // Fields a passed container carries but the call must ignore (SPEC §3): the
            // stored name, dependencies, volumes and networks are what count.
            11..14 => c.config.name = self.name(),
            14..20 => {
                c.config.depends_on.clear();
                c.config.named_volumes.clear();
                c.config.networks.clear();
                c.config.network_aliases.clear();
                for (_, slot) in sharing_fields_mut(&mut c.config) {
                    *slot = None;
                }
            }
            20..24 => {
                let dep = pick(self.rng, &self.u.ids).clone();
                set_dependency(self.rng, &mut c.config, dep);
                let name = pick(self.rng, &self.u.volumes).clone();
                c.config.named_volumes.push(podstate_api::NamedVolume {
                    name,
                    ..Default::default()
                });
            }
            _ => {}
        }
        c
    }

    fn toggled_pod(&mut self, pod: Option<String>) -> Option<String> {
        match pod {
            Some(_) if self.chance(0.5) => None,
            _ if self.u.pods.is_empty() => Some(pick(self.rng, &self.u.ids).clone()),
            _ => Some(pick(self.rng, &self.u.pods).id.clone()),
        }
    }

    /// A new container: a template (with its state), sometimes broken in one string or rule.
    fn new_ctr(&mut self, in_pod: bool) -> Container {
        let Some(i) = self.new_ctr_index(in_pod).or_else(|| self.ctr_index()) else {
            return Container::new(ContainerConfig::new("zz9", "zz9"));
        };
        let mut c = Container::new(self.u.ctrs[i].clone());
        if self.ready(&c.config) {
            self.shadow.ctrs.insert(i);
        }
        if self.chance(0.3) {
            c.state = self.state();
        }
        let cfg = &mut c.config;
        match self.rng.random_range(0..100) {
            0..2 => cfg.id = self.bad_string(),
            2..4 => cfg.name = self.bad_string(),
            4..6 => cfg.pod = self.toggled_pod(cfg.pod.take()),
            6 => cfg.depends_on.push(self.bad_string()),
            7 => cfg.named_volumes.push(Default::default()),
            8 => {
                let net = pick(self.rng, &self.u.networks).clone();
                cfg.networks.extend([net.clone(), net]);
            }
            9 => {
                cfg.network_aliases
                    .insert("net_unlisted".into(), vec!["al".into()]);
            }
            10 => cfg.namespace = self.other_namespace(&cfg.namespace),
            11 => {
                let own = cfg.id.clone();
                cfg.depends_on.push(own);
            }
            12 => {
                let dep = pick(self.rng, &self.u.ids).clone();
                set_dependency(self.rng, cfg, dep);
            }
            13 => cfg.name = self.name(),
            _ => return c,
        }
        // Broken on purpose: it will most likely not be stored.
        self.shadow.ctrs.remove(&i);
        c
    }

    /// A config for `rewrite_container_config`: usually the template with everything the state
    /// ignores changed (identity kept, dependencies possibly moved between fields); sometimes a
    /// change of identity.
    fn rewritten_config(&mut self, base: &ContainerConfig) -> ContainerConfig {
        let mut cfg = base.clone();
        cfg.payload = self.u.payload(self.rng);
        cfg.lock_id = self.rng.random_range(0..10);
        for v in &mut cfg.named_volumes {
            v.dest = "/elsewhere".into();
        }
        if self.chance(0.3) {
            cfg.networks.clear();
            cfg.network_aliases.clear();
        }
        if self.chance(0.3) {
            // Same derived dependency set, spelled differently.
            let deps = cfg.dependencies();
            for (_, slot) in sharing_fields_mut(&mut cfg) {
                *slot = None;
            }
            cfg.depends_on = deps.into_iter().rev().collect();
        }
        match self.rng.random_range(0..100) {
            0..5 => cfg.name = self.name(),
            5..9 => cfg.namespace = self.other_namespace(&cfg.namespace),
            9..12 => cfg.pod = self.toggled_pod(cfg.pod.take()),
            12..16 => {
                let dep = pick(self.rng, &self.u.ids).clone();
                set_dependency(self.rng, &mut cfg, dep);
            }
            16..19 => {
                let name = pick(self.rng, &self.u.volumes).clone();
                cfg.named_volumes.push(podstate_api::NamedVolume {
                    name,
                    ..Default::default()
                });
            }
            19..21 => cfg.id = pick(self.rng, &self.u.ids).clone(),
            21..23 => cfg.name = self.bad_string(),
            _ => {}
        }
        cfg
    }

    // ----- pods ------------------------------------------------------------------------------

    fn pod_index(&mut self) -> Option<usize> {
        if self.u.pods.is_empty() {
            return None;
        }
        if !self.shadow.pods.is_empty() && self.chance(0.75) {
            let stored: Vec<usize> = self.shadow.pods.iter().copied().collect();
            return Some(*pick(self.rng, &stored));
        }
        Some(self.rng.random_range(0..self.u.pods.len()))
    }

    fn pod_state(&mut self) -> PodState {
        PodState {
            cgroup_path: format!("/sys/fs/cgroup/pod{}", self.rng.random_range(0..3)),
            infra_container_id: pick(self.rng, &self.u.ids).clone(),
            payload: self.u.payload(self.rng),
        }
    }

    fn pod_from(&mut self, cfg: PodConfig) -> Pod {
        let mut p = Pod::new(cfg);
        if self.chance(0.5) {
            p.state = self.pod_state();
        }
        p
    }

    /// A passed pod from a template; sometimes a bad ID or a foreign namespace.
    fn passed_pod(&mut self) -> Pod {
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
    fn pod_of(&mut self, ctr: &ContainerConfig) -> Pod {
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

    fn volume(&mut self) -> Volume {
        let name = if !self.shadow.volumes.is_empty() && self.chance(0.6) {
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

    fn session_id(&mut self) -> String {
        if self.chance(0.04) {
            self.bad_string()
        } else {
            pick(self.rng, &self.u.sessions).clone()
        }
    }

    /// A session to remove: mostly one believed registered, sometimes naming the wrong container.
    fn known_session(&mut self) -> ExecSession {
        if !self.shadow.sessions.is_empty() && self.chance(0.65) {
            let mut s = pick(self.rng, &self.shadow.sessions).clone();
            if self.chance(0.15) {
                s.container_id = pick(self.rng, &self.u.ids).clone();
            }
            return s;
        }
        ExecSession::new(self.session_id(), pick(self.rng, &self.u.ids).clone())
    }

    fn db_config(&mut self) -> DbConfig {
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

    // ----- one call --------------------------------------------------------------------------

    /// The operations for one draw of `call` (`None` = reopen): one op, or close + reopen.
    fn make(&mut self, call: Option<Call>) -> Vec<Op> {
        let Some(call) = call else {
            self.shadow.ns.clear();
            return vec![Op::Reopen];
        };
        let op = match call {
            Call::Close => {
                self.shadow.ns.clear();
                return vec![Op::Close, Op::Reopen];
            }
            Call::Refresh => {
                self.shadow.sessions.clear();
                Op::Refresh
            }
            Call::GetDbConfig => Op::GetDbConfig,
            Call::ValidateDbConfig => Op::ValidateDbConfig {
                cfg: self.db_config(),
            },
            Call::SetNamespace => {
                // A foreign namespace hides most of the state: do not linger in one.
                let home = if self.shadow.ns.is_empty() { 70 } else { 80 };
                let ns = match self.rng.random_range(0..100) {
                    n if n < home => String::new(),
                    0..92 => pick(self.rng, &self.u.namespaces).clone(),
                    92..95 => "ns_unused".into(),
                    _ => "n\0s".into(),
                };
                if !ns.contains('\0') {
                    self.shadow.ns = ns.clone();
                }
                Op::SetNamespace { ns }
            }
            Call::GetName => Op::GetName {
                id: self.exact_id(),
            },
            Call::Container => Op::Container {
                id: self.exact_id(),
            },
            Call::LookupContainerId => Op::LookupContainerId {
                id_or_name: self.lookup_string(),
            },
            Call::LookupContainer => Op::LookupContainer {
                id_or_name: self.lookup_string(),
            },
            Call::HasContainer => Op::HasContainer {
                id: self.exact_id(),
            },
            Call::GetContainerConfig => Op::GetContainerConfig {
                id: self.exact_id(),
            },
            Call::AddContainer => Op::AddContainer {
                ctr: self.new_ctr(false),
            },
            Call::RemoveContainer => {
                let ctr = self.passed_ctr();
                self.forget_ctr(ctr.id());
                Op::RemoveContainer { ctr }
            }
            Call::UpdateContainer => Op::UpdateContainer {
                ctr: self.passed_ctr(),
            },
            Call::SaveContainer => {
                let mut ctr = self.passed_ctr();
                ctr.state = self.state();
                Op::SaveContainer { ctr }
            }
            Call::ContainerInUse => Op::ContainerInUse {
                ctr: self.passed_ctr(),
            },
            Call::AllContainers => Op::AllContainers,
            Call::RewriteContainerConfig => {
                let ctr = self.passed_ctr();
                let base = self
                    .u
                    .ctrs
                    .iter()
                    .find(|c| c.id == ctr.config.id)
                    .cloned()
                    .unwrap_or_else(|| ctr.config.clone());
                let cfg = self.rewritten_config(&base);
                Op::RewriteContainerConfig { ctr, cfg }
            }
            Call::GetNetworks => Op::GetNetworks {
                ctr: self.passed_ctr(),
            },
            Call::GetNetworkAliases => Op::GetNetworkAliases {
                ctr: self.passed_ctr(),
                network: self.network(),
            },
            Call::GetAllNetworkAliases => Op::GetAllNetworkAliases {
                ctr: self.passed_ctr(),
            },
            Call::NetworkConnect => Op::NetworkConnect {
                ctr: self.passed_ctr(),
                network: self.network(),
                aliases: self.aliases(),
            },
            Call::NetworkDisconnect => Op::NetworkDisconnect {
                ctr: self.passed_ctr(),
                network: self.network(),
            },
            Call::AddExecSession => {
                let ctr = self.passed_ctr();
                let container_id = match self.rng.random_range(0..100) {
                    0..88 => ctr.config.id.clone(),
                    88..97 => pick(self.rng, &self.u.ids).clone(),
                    _ => self.bad_string(),
                };
                let session = ExecSession::new(self.session_id(), container_id);
                self.shadow.sessions.push(session.clone());
                Op::AddExecSession { ctr, session }
            }
            Call::GetExecSession => Op::GetExecSession {
                id: self.session_id(),
            },
            Call::RemoveExecSession => {
                let session = self.known_session();
                self.shadow.sessions.retain(|s| s.id != session.id);
                Op::RemoveExecSession { session }
            }
            Call::GetContainerExecSessions => Op::GetContainerExecSessions {
                ctr: self.passed_ctr(),
            },
            Call::RemoveContainerExecSessions => {
                let ctr = self.passed_ctr();
                self.shadow
                    .sessions
                    .retain(|s| s.container_id != ctr.config.id);
                Op::RemoveContainerExecSessions { ctr }
            }
            Call::Pod => Op::Pod {
                id: self.exact_id(),
            },
            Call::LookupPod => Op::LookupPod {
                id_or_name: self.lookup_string(),
            },
            Call::HasPod => Op::HasPod {
                id: self.exact_id(),
            },
            Call::PodHasContainer => {
                let pod = self.passed_pod();
                let members: Vec<&ContainerConfig> = self
                    .u
                    .ctrs
                    .iter()
                    .filter(|c| c.pod.as_deref() == Some(pod.id()))
                    .collect();
                let ctr_id = if !members.is_empty() && self.chance(0.6) {
                    pick(self.rng, &members).id.clone()
                } else {
                    self.exact_id()
                };
                Op::PodHasContainer { pod, ctr_id }
            }
            Call::PodContainersById => Op::PodContainersById {
                pod: self.passed_pod(),
            },
            Call::PodContainers => Op::PodContainers {
                pod: self.passed_pod(),
            },
            Call::AddPod => Op::AddPod {
                pod: self.new_pod(),
            },
            Call::RemovePod => {
                let pod = self.passed_pod();
                self.forget_pod(pod.id());
                Op::RemovePod { pod }
            }
            Call::RemovePodContainers => {
                let pod = self.passed_pod();
                let id = pod.id().to_owned();
                let members: Vec<usize> = (0..self.u.ctrs.len())
                    .filter(|&i| self.u.ctrs[i].pod.as_deref() == Some(id.as_str()))
                    .collect();
                for i in members {
                    self.shadow.ctrs.remove(&i);
                }
                Op::RemovePodContainers { pod }
            }
            Call::AddContainerToPod => {
                let ctr = self.new_ctr(true);
                let pod = self.pod_of(&ctr.config);
                let pod_index = self.u.pods.iter().position(|p| p.id == pod.config.id);
                if let Some(i) = pod_index
                    && !self.shadow.pods.contains(&i)
                    && self.chance(0.7)
                {
                    // The member's pod first, so members get stored too.
                    self.shadow.pods.insert(i);
                    return vec![
                        Op::AddPod { pod: pod.clone() },
                        Op::AddContainerToPod { pod, ctr },
                    ];
                }
                Op::AddContainerToPod { pod, ctr }
            }
            Call::RemoveContainerFromPod => {
                let ctr = self.passed_member();
                let pod = self.pod_of(&ctr.config);
                self.forget_ctr(ctr.id());
                Op::RemoveContainerFromPod { pod, ctr }
            }
            Call::UpdatePod => Op::UpdatePod {
                pod: self.passed_pod(),
            },
            Call::SavePod => {
                let mut pod = self.passed_pod();
                pod.state = self.pod_state();
                Op::SavePod { pod }
            }
            Call::AllPods => Op::AllPods,
            Call::RewritePodConfig => {
                let pod = self.passed_pod();
                let mut cfg = pod.config.clone();
                cfg.payload = self.u.payload(self.rng);
                cfg.lock_id = self.rng.random_range(0..10);
                match self.rng.random_range(0..100) {
                    0..8 => cfg.name = self.name(),
                    8..14 => cfg.namespace = self.other_namespace(&cfg.namespace),
                    14..17 => cfg.id = pick(self.rng, &self.u.ids).clone(),
                    17..19 => cfg.name = self.bad_string(),
                    _ => {}
                }
                Op::RewritePodConfig { pod, cfg }
            }
            Call::Volume => Op::Volume {
                name: self.volume_lookup(),
            },
            Call::LookupVolume => Op::LookupVolume {
                name: self.volume_lookup(),
            },
            Call::HasVolume => Op::HasVolume {
                name: self.volume_lookup(),
            },
            Call::VolumeInUse => Op::VolumeInUse { vol: self.volume() },
            Call::AddVolume => {
                let mut vol = self.volume();
                let unstored: Vec<&String> = self
                    .u
                    .volumes
                    .iter()
                    .filter(|v| !self.shadow.volumes.contains(*v))
                    .collect();
                if !unstored.is_empty() && self.chance(0.75) {
                    vol.config.name = (*pick(self.rng, &unstored)).clone();
                }
                self.shadow.volumes.insert(vol.config.name.clone());
                Op::AddVolume { vol }
            }
            Call::RemoveVolume => {
                let vol = self.volume();
                self.shadow.volumes.remove(vol.name());
                Op::RemoveVolume { vol }
            }
            Call::UpdateVolume => Op::UpdateVolume { vol: self.volume() },
            Call::SaveVolume => Op::SaveVolume { vol: self.volume() },
            Call::AllVolumes => Op::AllVolumes,
            Call::RewriteVolumeConfig => {
                let vol = self.volume();
                let mut cfg = vol.config.clone();
                cfg.payload = self.u.payload(self.rng);
                cfg.lock_id = self.rng.random_range(0..10);
                match self.rng.random_range(0..100) {
                    0..12 => cfg.name = self.volume_name(),
                    12..15 => cfg.name = self.bad_string(),
                    _ => {}
                }
                Op::RewriteVolumeConfig { vol, cfg }
            }
        };
        vec![op]
    }

    /// A volume name for the getters: a pool name or a prefix of one.
    fn volume_lookup(&mut self) -> String {
        if self.chance(0.3) {
            let name = pick(self.rng, &self.u.volumes).clone();
            return self.cut(&name);
        }
        self.volume_name()
    }

    fn new_pod(&mut self) -> Pod {
        let cfg = if self.u.pods.is_empty() {
            PodConfig::new(pick(self.rng, &self.u.ids).clone(), self.name())
        } else {
            let unstored: Vec<usize> = (0..self.u.pods.len())
                .filter(|i| !self.shadow.pods.contains(i))
                .filter(|&i| {
                    self.shadow.ns.is_empty() || self.shadow.ns == self.u.pods[i].namespace
                })
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

    /// A passed container that is usually a pod member.
    fn passed_member(&mut self) -> Container {
        let members: Vec<usize> = (0..self.u.ctrs.len())
            .filter(|&i| self.u.ctrs[i].pod.is_some())
            .collect();
        if members.is_empty() || self.chance(0.1) {
            return self.passed_ctr();
        }
        let stored: Vec<usize> = members
            .iter()
            .copied()
            .filter(|i| self.shadow.ctrs.contains(i))
            .collect();
        let i = if !stored.is_empty() && self.chance(0.8) {
            *pick(self.rng, &stored)
        } else {
            *pick(self.rng, &members)
        };
        let mut c = Container::new(self.u.ctrs[i].clone());
        match self.rng.random_range(0..100) {
            0..4 => c.config.pod = self.toggled_pod(c.config.pod.take()),
            4..7 => c.config.namespace = self.other_namespace(&c.config.namespace),
            7..9 => c.config.id = self.bad_string(),
            _ => {}
        }
        c
    }

    fn forget_ctr(&mut self, id: &str) {
        if let Some(i) = self.u.ctrs.iter().position(|c| c.id == id) {
            self.shadow.ctrs.remove(&i);
        }
    }

    fn forget_pod(&mut self, id: &str) {
        if let Some(i) = self.u.pods.iter().position(|p| p.id == id) {
            self.shadow.pods.remove(&i);
        }
    }
}

fn sharing_fields_mut(cfg: &mut ContainerConfig) -> [(&'static str, &mut Option<String>); 7] {
    [
        ("ipc_ns_ctr", &mut cfg.ipc_ns_ctr),
        ("mount_ns_ctr", &mut cfg.mount_ns_ctr),
        ("net_ns_ctr", &mut cfg.net_ns_ctr),
        ("pid_ns_ctr", &mut cfg.pid_ns_ctr),
        ("user_ns_ctr", &mut cfg.user_ns_ctr),
        ("uts_ns_ctr", &mut cfg.uts_ns_ctr),
        ("cgroup_ns_ctr", &mut cfg.cgroup_ns_ctr),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::RngAlgorithm;

    fn rng(seed: u8) -> TestRng {
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32])
    }

    #[test]
    fn the_same_seed_gives_the_same_case() {
        // Plain asserts: a failing assert_eq! would print two 200-op cases.
        assert!(generate(&mut rng(7), 200) == generate(&mut rng(7), 200));
        assert!(generate(&mut rng(7), 200) != generate(&mut rng(8), 200));
    }

    #[test]
    fn cases_have_the_requested_length_and_close_only_before_reopen_or_as_the_tail() {
        let mut tails = 0;
        for seed in 0..40 {
            let ops = generate(&mut rng(seed), 200);
            assert_eq!(ops.len(), 200);
            let bare_close = (0..ops.len())
                .find(|&i| ops[i] == Op::Close && ops.get(i + 1) != Some(&Op::Reopen));
            let Some(start) = bare_close else { continue };
            if start + 1 == ops.len() {
                continue;
            }
            // The closing tail: every call once after the close.
            let tail: BTreeSet<Call> = ops[start + 1..].iter().filter_map(Op::call).collect();
            assert_eq!(ops.len() - start - 1, Call::ALL.len(), "seed {seed}");
            assert_eq!(tail.len(), Call::ALL.len(), "seed {seed}");
            tails += 1;
        }
        assert!(tails > 0, "no case ended with a closing tail");
    }

    #[test]
    fn generated_cases_survive_a_json_round_trip() {
        for seed in 0..5 {
            let ops = generate(&mut rng(seed), 200);
            let json = serde_json::to_string(&ops).expect("serializes");
            let back: Vec<Op> = serde_json::from_str(&json).expect("deserializes");
            assert!(back == ops, "seed {seed} changed in a round trip");
        }
    }

    #[test]
    fn every_call_is_generated_over_a_few_cases() {
        let mut seen = BTreeSet::new();
        for seed in 0..10 {
            seen.extend(generate(&mut rng(seed), 300).iter().filter_map(Op::call));
        }
        let missing: Vec<_> = Call::ALL.iter().filter(|c| !seen.contains(c)).collect();
        assert!(missing.is_empty(), "never generated: {missing:?}");
    }
}
