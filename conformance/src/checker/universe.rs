//! The pools one case draws from: IDs, names, namespaces, volumes, networks, exec sessions, and a
//! fixed config per container and pod ID ("templates").
//!
//! Templates are what makes a static generator reach deep states: an ID always comes with the
//! same namespace, pod, dependencies and volumes, so later operations on that ID (rewrites that
//! keep identity, removals by a passed object, members added to their pod) usually make sense,
//! while small pools make IDs, names and prefixes collide often.
//!
//! Each class of case has its own pools: a small pool that shares prefixes (ambiguity,
//! collisions), a pool of 100+ IDs with the ordinary mix of calls, and a bulk-loading class that
//! grows the store past 64 containers, where lists stop fitting whatever small-size shortcut a
//! backend might take.

use std::ops::RangeInclusive;

use podstate_api::{ContainerConfig, NamedVolume, Payload, PodConfig, Timestamp};
use proptest::prelude::RngExt;
use proptest::test_runner::TestRng;

/// The kinds of case: small pools that collide a lot, or large ID pools for large states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseClass {
    /// A dozen IDs sharing prefixes (`a`, `ab`, `abc`, ...): ambiguity, collisions, pods.
    Small,
    /// 100+ IDs with the ordinary mix of calls: many objects, fewer collisions.
    Large,
    /// 100+ mostly unique IDs and names, plain valid adds dominating and few removals: the
    /// store grows past 64 containers while lists, lookups and volume calls keep being asked.
    Bulk,
    /// The small pools, every template stored first (volumes, pods, members with their volumes
    /// and dependencies, sessions), then churn: removals weigh more, and after each change the
    /// generator goes back to the object (see `revisit.rs`).
    Revisit,
}

impl CaseClass {
    /// Draws the class of a case: 35% small, 10% large, 20% bulk (one case in five), 35%
    /// revisit.
    pub fn draw(rng: &mut TestRng) -> CaseClass {
        match rng.random_range(0..100) {
            0..35 => CaseClass::Small,
            35..45 => CaseClass::Large,
            45..65 => CaseClass::Bulk,
            _ => CaseClass::Revisit,
        }
    }
}

/// IDs of the small class: groups sharing prefixes, with `_` and `%` (SQL LIKE wildcards).
/// `Ab` differs from `ab` only in case (SQL `LIKE` folds ASCII case); `é1` and `z` check byte
/// order beyond ASCII.
const SMALL_IDS: &[&str] = &[
    "a", "ab", "abc", "abd", "Ab", "b1", "b12", "b_1", "b%", "c", "cafe", "caf_%", "f", "f00",
    "f00d", "é1", "z",
];
/// Names shared by pods and containers; some equal IDs (a name may equal any ID).
const SMALL_NAMES: &[&str] = &["web", "db", "web_1", "db%2", "a", "b1", "cache", "x"];
/// Namespaces besides `""`.
const NAMESPACES: &[&str] = &["ns1", "ns_%"];
/// Volume names sharing prefixes.
const VOLUMES: &[&str] = &["v", "v1", "v12", "V1", "vol_%", "data"];
/// Network names.
const NETWORKS: &[&str] = &["net0", "net1", "net_%"];
/// Network aliases.
const ALIASES: &[&str] = &["al", "web", "db_%", "x"];
/// Exec session IDs (their own space; some equal container IDs).
const SESSIONS: &[&str] = &["s1", "s2", "s_%", "a", "e9"];
/// Alphabet of large-class IDs: few letters, so short prefixes stay ambiguous.
const LARGE_ALPHABET: &[u8] = b"0123abcA_%";
/// Volumes a bulk case adds beyond [`VOLUMES`], so that `all_volumes` answers a long list too.
const BULK_EXTRA_VOLUMES: usize = 24;

/// The raw JSON payloads objects carry (byte-exact round trips are part of the contract).
const PAYLOADS: &[&str] = &[
    "{}",
    r#"{"image":"alpine"}"#,
    r#"{ "spec": {"args": ["sh", "-c"]},  "labels": {} }"#,
    "[1, 2.50, null]",
    r#""text with \u00e9 and \\ escapes""#,
];

/// Everything one case draws from.
#[derive(Debug, Clone)]
pub struct Universe {
    /// The kind of case.
    pub class: CaseClass,
    /// The ID pool, shared by containers and pods.
    pub ids: Vec<String>,
    /// The name pool, shared by containers and pods.
    pub names: Vec<String>,
    /// Namespaces objects live in; the first is `""`.
    pub namespaces: Vec<String>,
    /// Volume names.
    pub volumes: Vec<String>,
    /// Network names.
    pub networks: Vec<String>,
    /// Network aliases.
    pub aliases: Vec<String>,
    /// Exec session IDs.
    pub sessions: Vec<String>,
    /// Payloads.
    pub payloads: Vec<Payload>,
    /// One config per container ID of the pool that is used for containers.
    pub ctrs: Vec<ContainerConfig>,
    /// One config per pod ID of the pool that is used for pods.
    pub pods: Vec<PodConfig>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A pseudo-random element of a non-empty pool.
pub fn pick<'a, T>(rng: &mut TestRng, pool: &'a [T]) -> &'a T {
    &pool[rng.random_range(0..pool.len())]
}

impl Universe {
    /// Draws a universe of `class`.
    pub fn generate(rng: &mut TestRng, class: CaseClass) -> Universe {
        let ids = match class {
            CaseClass::Small | CaseClass::Revisit => strings(SMALL_IDS),
            CaseClass::Large => large_ids(rng, 100..=140, 2..=6),
            // More and longer IDs: mostly unique, a few still prefixes of others.
            CaseClass::Bulk => large_ids(rng, 160..=200, 3..=8),
        };
        let names = match class {
            CaseClass::Small | CaseClass::Revisit => strings(SMALL_NAMES),
            CaseClass::Large | CaseClass::Bulk => {
                let mut names: Vec<String> = (0..60).map(|i| format!("n{i}")).collect();
                names.extend(ids.iter().take(5).cloned());
                names
            }
        };
        let mut volumes = strings(VOLUMES);
        if class == CaseClass::Bulk {
            volumes.extend((0..BULK_EXTRA_VOLUMES).map(|i| format!("vb{i}")));
        }
        let extra = if rng.random_bool(0.5) { 2 } else { 1 };
        let mut namespaces = vec![String::new()];
        namespaces.extend(NAMESPACES.iter().take(extra).map(|s| (*s).to_owned()));
        let payloads = PAYLOADS
            .iter()
            .map(|p| Payload::from_json(*p).unwrap_or_default())
            .collect();
        let mut u = Universe {
            class,
            ids,
            names,
            namespaces,
            volumes,
            networks: strings(NETWORKS),
            aliases: strings(ALIASES),
            sessions: strings(SESSIONS),
            payloads,
            ctrs: Vec::new(),
            pods: Vec::new(),
        };
        u.pods = u.pod_templates(rng);
        u.ctrs = u.ctr_templates(rng);
        u
    }

    /// A namespace for a new template: often `""` (mostly, in a bulk case, whose adds a handle
    /// set to another namespace would refuse).
    fn template_namespace(&self, rng: &mut TestRng) -> String {
        let home = match self.class {
            CaseClass::Small | CaseClass::Large | CaseClass::Revisit => 0.4,
            CaseClass::Bulk => 0.7,
        };
        if rng.random_bool(home) {
            String::new()
        } else {
            pick(rng, &self.namespaces[1..]).clone()
        }
    }

    /// A name for a template: a shared pool name (collisions) or one of its own.
    fn template_name(&self, rng: &mut TestRng, id: &str) -> String {
        let shared = match self.class {
            CaseClass::Small => 0.45,
            // Fewer collisions, so that most templates can be stored at once.
            CaseClass::Revisit => 0.2,
            CaseClass::Large => 0.15,
            CaseClass::Bulk => 0.04,
        };
        if !rng.random_bool(shared) {
            return format!("{id}-n");
        }
        // A name may equal any ID (SPEC §2.1): in a revisit case half the shared names are IDs,
        // so that resolving a string meets an exact ID and an exact name at once.
        if self.class == CaseClass::Revisit && rng.random_bool(0.5) {
            pick(rng, &self.ids).clone()
        } else {
            pick(rng, &self.names).clone()
        }
    }

    fn timestamp(rng: &mut TestRng) -> Timestamp {
        let secs = 1_600_000_000 + rng.random_range(0..100_000_000i64);
        Timestamp::new(secs, rng.random_range(0..1_000_000_000u32)).unwrap_or_default()
    }

    /// A payload from the pool.
    pub fn payload(&self, rng: &mut TestRng) -> Payload {
        pick(rng, &self.payloads).clone()
    }

    fn pod_templates(&self, rng: &mut TestRng) -> Vec<PodConfig> {
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

    fn ctr_templates(&self, rng: &mut TestRng) -> Vec<ContainerConfig> {
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
    let slot = match rng.random_range(0..9) {
        0 => &mut cfg.ipc_ns_ctr,
        1 => &mut cfg.mount_ns_ctr,
        2 => &mut cfg.net_ns_ctr,
        3 => &mut cfg.pid_ns_ctr,
        4 => &mut cfg.user_ns_ctr,
        5 => &mut cfg.uts_ns_ctr,
        6 => &mut cfg.cgroup_ns_ctr,
        _ => {
            cfg.depends_on.push(dep);
            return;
        }
    };
    match slot {
        // Keep an occupied field: the dependency goes to `depends_on` instead.
        Some(_) => cfg.depends_on.push(dep),
        None => *slot = Some(dep),
    }
}

/// `count` distinct IDs over a tiny alphabet, of lengths in `lens`.
fn large_ids(
    rng: &mut TestRng,
    count: RangeInclusive<usize>,
    lens: RangeInclusive<usize>,
) -> Vec<String> {
    let target = rng.random_range(count);
    let mut ids = std::collections::BTreeSet::new();
    while ids.len() < target {
        let len = rng.random_range(lens.clone());
        let id: String = (0..len)
            .map(|_| char::from(*pick(rng, LARGE_ALPHABET)))
            .collect();
        ids.insert(id);
    }
    let mut ids: Vec<String> = ids.into_iter().collect();
    // Shuffle so template order (which decides who may depend on whom) is not sorted order.
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.random_range(0..=i));
    }
    ids
}
