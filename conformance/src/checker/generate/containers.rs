//! Drawing containers: new ones from templates, passed ones, rewritten configs, states.

use podstate_api::{Container, ContainerConfig, ContainerState, ContainerStatus};
use proptest::prelude::RngExt;

use super::draw::Gen;
use super::templates::set_dependency;
use super::universe::{CaseClass, pick};

impl Gen<'_> {
    // ----- containers ------------------------------------------------------------------------

    /// A container template index, mostly one believed stored.
    pub(super) fn ctr_index(&mut self) -> Option<usize> {
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
    pub(super) fn new_ctr_index(&mut self, in_pod: bool) -> Option<usize> {
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
        let fresh = if self.u.class == CaseClass::Bulk {
            0.97
        } else {
            0.85
        };
        if !ready.is_empty() && self.chance(fresh) {
            return Some(*pick(self.rng, &ready));
        }
        Some(*pick(self.rng, &fitting))
    }

    /// Whether adding `cfg` now would likely succeed: visible to the handle, its pod, its
    /// dependencies and its volumes believed stored.
    pub(super) fn ready(&self, cfg: &ContainerConfig) -> bool {
        let stored_ctr = |id: &str| {
            let i = self.u.ctrs.iter().position(|c| c.id == id);
            i.is_some_and(|i| self.shadow.ctrs.contains(&i))
        };
        let stored_pod = |id: &str| {
            let i = self.u.pods.iter().position(|p| p.id == id);
            i.is_some_and(|i| self.shadow.pods.contains(&i))
        };
        (self.ns().is_empty() || self.ns() == cfg.namespace)
            && cfg.pod.as_deref().is_none_or(stored_pod)
            && cfg.dependencies().iter().all(|d| stored_ctr(d))
            && cfg
                .volume_names()
                .iter()
                .all(|v| self.shadow.volumes.contains(v))
    }

    pub(super) fn state(&mut self) -> ContainerState {
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
    pub(super) fn passed_ctr(&mut self) -> Container {
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
                for (_, slot) in c.config.namespace_sharing_mut() {
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

    pub(super) fn toggled_pod(&mut self, pod: Option<String>) -> Option<String> {
        match pod {
            Some(_) if self.chance(0.5) => None,
            _ if self.u.pods.is_empty() => Some(pick(self.rng, &self.u.ids).clone()),
            _ => Some(pick(self.rng, &self.u.pods).id.clone()),
        }
    }

    /// A new container: a template (with its state), sometimes broken in one string or rule.
    pub(super) fn new_ctr(&mut self, in_pod: bool) -> Container {
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
        // A bulk case adds plain valid containers, so that the store grows.
        if self.u.class == CaseClass::Bulk && self.chance(0.8) {
            return c;
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
    pub(super) fn rewritten_config(&mut self, base: &ContainerConfig) -> ContainerConfig {
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
            for (_, slot) in cfg.namespace_sharing_mut() {
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

    /// A passed container that is usually a pod member.
    pub(super) fn passed_member(&mut self) -> Container {
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
        // Members with registered sessions: their removal must be refused.
        let busy: Vec<usize> = stored
            .iter()
            .copied()
            .filter(|&i| {
                self.shadow
                    .sessions
                    .iter()
                    .any(|s| s.container_id == self.u.ctrs[i].id)
            })
            .collect();
        let i = if !busy.is_empty() && self.chance(0.4) {
            *pick(self.rng, &busy)
        } else if !stored.is_empty() && self.chance(0.8) {
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

    pub(super) fn forget_ctr(&mut self, id: &str) {
        if let Some(i) = self.u.ctrs.iter().position(|c| c.id == id) {
            self.shadow.ctrs.remove(&i);
        }
    }
}
