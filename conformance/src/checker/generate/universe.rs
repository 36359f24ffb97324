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

use podstate_api::{ContainerConfig, Payload, PodConfig, Timestamp};
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

/// IDs of the small class: groups sharing prefixes, with `_` and `%` (SQL LIKE wildcards) and
/// `\` (the usual LIKE escape). `Ab` differs from `ab` only in case (SQL `LIKE` folds ASCII
/// case); `é1` and `z` check byte order beyond ASCII. [`EDGE_IDS`] and two long IDs
/// ([`LONG_STEM`]) join them.
const SMALL_IDS: &[&str] = &[
    "a", "ab", "abc", "abd", "Ab", "b1", "b12", "b_1", "b%", "b\\1", "c", "cafe", "caf_%", "f",
    "f00", "f00d", "é1", "z",
];
/// The edges of a prefix range's end (SPEC §5 Strings: strings compare as bytes, exactly): `k`
/// is followed by U+D7FF and U+E000, the code points either side of the surrogate gap (a prefix
/// ending in U+D7FF must not reach U+E000); `m` by U+FFFF and U+10FFFF, the last three- and
/// four-byte code points (a bound short of the last plane misses them); a prefix made of
/// U+10FFFF only has no end at all.
const EDGE_IDS: &[&str] = &[
    "k\u{D7FF}",
    "k\u{D7FF}z",
    "k\u{E000}",
    "m\u{FFFF}",
    "m\u{10FFFF}",
    "\u{10FFFF}\u{10FFFF}",
];
/// The stem of two long IDs (1,000 bytes of two-byte characters), one ending in a digit, one in
/// U+10FFFF: keys far past any small buffer (SPEC §5 Strings: no length limit), whose prefixes
/// end on a multi-byte character.
const LONG_STEM: (&str, usize) = ("é", 500);
/// Names shared by pods and containers; some equal IDs (a name may equal any ID).
const SMALL_NAMES: &[&str] = &["web", "db", "web_1", "db%2", "a", "b1", "cache", "x"];
/// Names with the last code point and `\`.
const EDGE_NAMES: &[&str] = &["\u{10FFFF}", "web\\"];
/// Namespaces besides `""`.
const NAMESPACES: &[&str] = &["ns1", "ns_%"];
/// Volume names sharing prefixes.
const VOLUMES: &[&str] = &["v", "v1", "v12", "V1", "vol_%", "data"];
/// Volume names with the edges of [`EDGE_IDS`] after `v`.
const EDGE_VOLUMES: &[&str] = &["v\u{D7FF}", "v\u{E000}", "v\u{10FFFF}"];
/// Network names.
const NETWORKS: &[&str] = &["net0", "net1", "net_%", "net\u{FFFF}"];
/// Network aliases.
const ALIASES: &[&str] = &["al", "web", "db_%", "x", "al\u{E000}", "\\"];
/// Exec session IDs (their own space; some equal container IDs).
const SESSIONS: &[&str] = &["s1", "s2", "s_%", "a", "e9"];
/// Alphabet of large-class IDs: few characters, so short prefixes stay ambiguous, with `\`,
/// the code points either side of the surrogate gap and the last one.
const LARGE_ALPHABET: &str = "0123abcA_%\\\u{D7FF}\u{E000}\u{10FFFF}";
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
            CaseClass::Small | CaseClass::Revisit => {
                let stem = LONG_STEM.0.repeat(LONG_STEM.1);
                let long = [format!("{stem}1"), format!("{stem}\u{10FFFF}")];
                [SMALL_IDS, EDGE_IDS]
                    .concat()
                    .into_iter()
                    .map(str::to_owned)
                    .chain(long)
                    .collect()
            }
            CaseClass::Large => large_ids(rng, 100..=140, 2..=6),
            // More and longer IDs: mostly unique, a few still prefixes of others.
            CaseClass::Bulk => large_ids(rng, 160..=200, 3..=8),
        };
        let names = match class {
            CaseClass::Small | CaseClass::Revisit => strings(&[SMALL_NAMES, EDGE_NAMES].concat()),
            CaseClass::Large | CaseClass::Bulk => {
                let mut names: Vec<String> = (0..60).map(|i| format!("n{i}")).collect();
                names.extend(ids.iter().take(5).cloned());
                names
            }
        };
        let mut volumes = strings(&[VOLUMES, EDGE_VOLUMES].concat());
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
    pub(super) fn template_namespace(&self, rng: &mut TestRng) -> String {
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
    pub(super) fn template_name(&self, rng: &mut TestRng, id: &str) -> String {
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

    pub(super) fn timestamp(rng: &mut TestRng) -> Timestamp {
        let secs = 1_600_000_000 + rng.random_range(0..100_000_000i64);
        Timestamp::new(secs, rng.random_range(0..1_000_000_000u32)).unwrap_or_default()
    }

    /// A payload from the pool.
    pub fn payload(&self, rng: &mut TestRng) -> Payload {
        pick(rng, &self.payloads).clone()
    }
}

/// `count` distinct IDs over a tiny alphabet, of lengths in `lens`.
fn large_ids(
    rng: &mut TestRng,
    count: RangeInclusive<usize>,
    lens: RangeInclusive<usize>,
) -> Vec<String> {
    let alphabet: Vec<char> = LARGE_ALPHABET.chars().collect();
    let target = rng.random_range(count);
    let mut ids = std::collections::BTreeSet::new();
    while ids.len() < target {
        let len = rng.random_range(lens.clone());
        let id: String = (0..len).map(|_| *pick(rng, &alphabet)).collect();
        ids.insert(id);
    }
    let mut ids: Vec<String> = ids.into_iter().collect();
    // Shuffle so template order (which decides who may depend on whom) is not sorted order.
    for i in (1..ids.len()).rev() {
        ids.swap(i, rng.random_range(0..=i));
    }
    ids
}
