//! Templates: the one config each container and pod ID of a case's pool gets, so that every later
//! operation on that ID means the same object (same namespace, pod, dependencies, volumes,
//! networks). Their odds decide which structures a class of case reaches: members with volumes,
//! dependencies across the pod rule, IDs that extend others from another namespace.

use podstate_api::{ContainerConfig, NamedVolume, PodConfig};
use proptest::prelude::RngExt;
use proptest::test_runner::TestRng;

use super::universe::{CaseClass, Universe, pick};

impl Universe {
    pub(super) fn pod_templates(&self, rng: &mut TestRng) -> Vec<PodConfig> {
        let share = match self.class {
            CaseClass::Small | CaseClass::Revisit => 0.4,
            CaseClass::Large => 0.15,
            // Fewer pods, so each gathers more members for `pod_containers`.
            CaseClass::Bulk => 0.05,
        };
        let mut pods = Vec::new();
        for (i, id) in self.ids.iter().enumerate() {
            if !rng.random_bool(share) {
                continue;
            }
            pods.push(PodConfig {
                id: id.clone(),
                name: self.template_name(rng, id),
                namespace: self.template_namespace(rng),
                lock_id: 1000 + u32::try_from(i).unwrap_or(0),
                created: Self::timestamp(rng),
                payload: self.payload(rng),
            });
        }
        pods
    }

    pub(super) fn ctr_templates(&self, rng: &mut TestRng) -> Vec<ContainerConfig> {
        let (share, member_chance, dep_chance, volume_chance) = match self.class {
            CaseClass::Small => (0.8, 0.35, 0.45, 0.3),
            // Members with volumes, dependencies and sessions are what removals get wrong.
            CaseClass::Revisit => (0.8, 0.45, 0.45, 0.5),
            CaseClass::Large => (0.85, 0.35, 0.2, 0.3),
            CaseClass::Bulk => (0.92, 0.2, 0.15, 0.2),
        };
        let mut ctrs: Vec<ContainerConfig> = Vec::new();
        for (i, id) in self.ids.iter().enumerate() {
            // Mostly one kind per ID: an ID held by a pod template blocks the container forever.
            let pod_holds_it = self.pods.iter().any(|p| p.id == *id);
            if !rng.random_bool(share) || (pod_holds_it && rng.random_bool(0.8)) {
                continue;
            }
            let mut cfg = ContainerConfig::new(id.clone(), self.template_name(rng, id));
            cfg.lock_id = u32::try_from(i).unwrap_or(0);
            cfg.created = Self::timestamp(rng);
            cfg.payload = self.payload(rng);
            if !self.pods.is_empty() && rng.random_bool(member_chance) {
                let pod = pick(rng, &self.pods);
                cfg.pod = Some(pod.id.clone());
                cfg.namespace = if rng.random_bool(0.9) {
                    pod.namespace.clone()
                } else {
                    pick(rng, &self.namespaces).clone()
                };
            } else {
                cfg.namespace = self.template_namespace(rng);
                let shadowed = ctrs
                    .iter()
                    .find(|c| c.pod.is_none() && id.starts_with(&c.id));
                let trap = if self.class == CaseClass::Revisit {
                    0.8
                } else {
                    0.5
                };
                if let Some(short) = shadowed
                    && rng.random_bool(trap)
                {
                    // An ID extending another in a different namespace: from this namespace the
                    // shorter one is an invisible exact match that must not stop a lookup.
                    let others: Vec<&String> = self.namespaces[1..]
                        .iter()
                        .filter(|n| **n != short.namespace)
                        .collect();
                    if !others.is_empty() {
                        cfg.namespace = (*pick(rng, &others)).clone();
                    }
                }
            }
            if rng.random_bool(dep_chance) {
                self.add_dependencies(rng, &mut cfg, &ctrs);
            }
            if rng.random_bool(volume_chance) {
                for _ in 0..rng.random_range(1..=2) {
                    cfg.named_volumes.push(NamedVolume {
                        name: pick(rng, &self.volumes).clone(),
                        dest: format!("/mnt/{}", rng.random_range(0..3)),
                        options: if rng.random_bool(0.5) {
                            vec!["ro".into()]
                        } else {
                            vec![]
                        },
                    });
                }
            }
            if rng.random_bool(0.45) {
                self.add_networks(rng, &mut cfg);
            }
            ctrs.push(cfg);
        }
        ctrs
    }

    /// Dependencies, mostly on earlier templates that can legally be depended on (same pod, same
    /// namespace), so they often exist; sometimes on an earlier template across the pod rule
    /// (a member from outside its pod, or the other way round) or any pool ID, rarely the
    /// container itself.
    fn add_dependencies(
        &self,
        rng: &mut TestRng,
        cfg: &mut ContainerConfig,
        earlier: &[ContainerConfig],
    ) {
        let fitting: Vec<&ContainerConfig> = earlier
            .iter()
            .filter(|c| c.pod == cfg.pod && c.namespace == cfg.namespace)
            .collect();
        let across: Vec<&ContainerConfig> = earlier
            .iter()
            .filter(|c| c.pod != cfg.pod && c.namespace == cfg.namespace)
            .collect();
        for _ in 0..rng.random_range(1..=2) {
            let dep = if rng.random_bool(0.03) {
                cfg.id.clone()
            } else if !across.is_empty() && rng.random_bool(0.15) {
                pick(rng, &across).id.clone()
            } else if !fitting.is_empty() && rng.random_bool(0.92) {
                pick(rng, &fitting).id.clone()
            } else {
                pick(rng, &self.ids).clone()
            };
            set_dependency(rng, cfg, dep);
        }
    }

    fn add_networks(&self, rng: &mut TestRng, cfg: &mut ContainerConfig) {
        let count = rng.random_range(1..=2);
        let chosen: Vec<&String> = self
            .networks
            .iter()
            .filter(|_| rng.random_bool(0.5))
            .collect();
        for net in chosen.into_iter().take(count) {
            cfg.networks.push(net.clone());
            if rng.random_bool(0.5) {
                let aliases = (0..rng.random_range(1..=2))
                    .map(|_| pick(rng, &self.aliases).clone())
                    .collect();
                cfg.network_aliases.insert(net.clone(), aliases);
            }
        }
    }
}

/// Records `dep` as a dependency, either in `depends_on` or in one of the sharing fields.
pub fn set_dependency(rng: &mut TestRng, cfg: &mut ContainerConfig, dep: String) {
    // An `i32` draw, as always: another type would draw other numbers for the same seed.
    let i: i32 = rng.random_range(0..9);
    let field = usize::try_from(i).ok();
    if let Some((_, slot)) = field.and_then(|i| cfg.namespace_sharing_mut().into_iter().nth(i))
        // Keep an occupied field: the dependency goes to `depends_on` instead.
        && slot.is_none()
    {
        *slot = Some(dep);
        return;
    }
    cfg.depends_on.push(dep);
}
