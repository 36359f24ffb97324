//! Checking what a store holds against the global invariants of SPEC §2, written once.
//!
//! A backend's `Store::verify` walks its own stored data (not the API), puts what it read into an
//! [`Inventory`] (recording every record it could not read instead of stopping at the first),
//! and [`violations`] lists everything that breaks SPEC §2: the records' own rules (one ID and
//! one name space, dependencies, memberships, volumes, exec registrations, aliases) and, when the
//! backend keeps indexes beside its records, every index entry that disagrees with the records
//! (a dangling reverse edge, a name held by nobody). `import` checks a snapshot the same way
//! before it writes anything, and the conformance checker runs the record rules on what the
//! public API shows.

mod identities;
mod indexes;
mod invariant;
mod records;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::raw::HolderKind;
use crate::snapshot::Snapshot;
use crate::{Container, Pod, Volume};

pub use invariant::Invariant;

/// Everything a store holds, as read from its storage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    /// Container records, by the key they are stored under.
    pub containers: BTreeMap<String, Container>,
    /// Pod records, by key.
    pub pods: BTreeMap<String, Pod>,
    /// Volume records, by key.
    pub volumes: BTreeMap<String, Volume>,
    /// The networks each container (by ID) is connected to now.
    pub networks: BTreeMap<String, BTreeSet<String>>,
    /// The aliases stored per container and network (a network absent from
    /// [`networks`](Inventory::networks) is a violation).
    pub aliases: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// The exec registry: session ID -> container ID.
    pub exec_sessions: BTreeMap<String, String>,
    /// The indexes the backend keeps beside its records, if it keeps any apart.
    pub indexes: Option<Indexes>,
    /// Records that could not be read or decoded, described.
    pub unreadable: Vec<Violation>,
    /// The keys of those records, where known: they are stored, so nothing that refers to them
    /// is reported as referring to a missing object.
    pub unread: Unread,
}

/// The keys of records that are stored but could not be read or decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unread {
    /// Container IDs.
    pub containers: BTreeSet<String>,
    /// Pod IDs.
    pub pods: BTreeSet<String>,
    /// Volume names.
    pub volumes: BTreeSet<String>,
}

impl Unread {
    /// Whether a container or pod with this ID is stored but unreadable.
    pub fn object(&self, id: &str) -> bool {
        self.containers.contains(id) || self.pods.contains(id)
    }
}

/// The indexes a backend keeps apart from its records; each must agree with the records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Indexes {
    /// The shared container/pod name space: name -> (holder kind, holder ID); `None` when the
    /// names are known only from the records (as through the public API).
    pub names: Option<BTreeMap<String, (HolderKind, String)>>,
    /// Reverse dependency edges: container ID -> IDs of the containers that depend on it.
    pub dependents: BTreeMap<String, BTreeSet<String>>,
    /// Pod ID -> member IDs.
    pub members: BTreeMap<String, BTreeSet<String>>,
    /// Volume name -> IDs of the containers using it.
    pub volume_users: BTreeMap<String, BTreeSet<String>>,
    /// Container ID -> IDs of the exec sessions registered to it.
    pub container_sessions: BTreeMap<String, BTreeSet<String>>,
    /// Indexes that keep copies of identity fields beside the records (a table of IDs with
    /// names, namespaces or pods, read by lookups and list calls).
    pub identities: Vec<IdentityIndex>,
}

/// An index that copies identity fields out of the records, so that lookups and list calls
/// need not decode them (SQLite's `object` table and its `namespace` and `pod` columns, redb's
/// `containers` and `pods` tables). Every field it keeps must equal the record's, and it must
/// list every object of the kinds it indexes: a copy that differs makes a handle see an object
/// its record puts elsewhere (another namespace, pod or name).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdentityIndex {
    /// Where it is stored (a table, a column), for messages.
    pub place: String,
    /// The kinds of object it must list, every stored one.
    pub kinds: Vec<HolderKind>,
    /// Its entries, by the ID they are stored under.
    pub entries: BTreeMap<String, IndexedIdentity>,
}

/// One entry of an [`IdentityIndex`]: the fields it keeps (`None`: a field it does not keep).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedIdentity {
    /// The kind of object the entry says the ID belongs to.
    pub kind: HolderKind,
    /// The name.
    pub name: Option<String>,
    /// The libpod namespace.
    pub namespace: Option<String>,
    /// The pod a container is a member of (`Some(None)`: in no pod).
    pub pod: Option<Option<String>>,
}

/// One thing wrong with a store, naming the objects involved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Violation {
    /// The clause of SPEC §2 it breaks, or [`Invariant::Unreadable`] for a record that cannot
    /// be read (and the other findings [`Invariant`] names).
    pub invariant: Invariant,
    /// The objects involved (IDs, names, `table:key` for records).
    pub objects: Vec<String>,
    /// What is wrong.
    pub message: String,
}

impl Violation {
    /// A violation of `invariant` involving `objects`.
    pub fn new(invariant: Invariant, objects: &[&str], message: impl Into<String>) -> Violation {
        Violation {
            invariant,
            objects: objects.iter().map(|o| (*o).to_owned()).collect(),
            message: message.into(),
        }
    }

    /// A record at `place` (e.g. `"container c1"`) that could not be read.
    pub fn unreadable(place: impl Into<String>, why: impl fmt::Display) -> Violation {
        let place = place.into();
        Violation {
            invariant: Invariant::Unreadable,
            message: format!("{place} cannot be read: {why}"),
            objects: vec![place],
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.invariant.clause() {
            Some(_) => write!(f, "{}: {}", self.invariant, self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

/// Every violation of SPEC §2 in `inventory`, sorted by invariant, then objects; its unreadable
/// records first.
pub fn violations(inventory: &Inventory) -> Vec<Violation> {
    let mut found = inventory.unreadable.clone();
    records::check(inventory, &mut found);
    if let Some(indexes) = &inventory.indexes {
        indexes::check(inventory, indexes, &mut found);
        identities::check(inventory, indexes, &mut found);
    }
    found.sort();
    found.dedup();
    found
}

impl From<&Snapshot> for Inventory {
    /// The records of a snapshot (it has no indexes): what [`violations`] checks before a
    /// snapshot is restored.
    fn from(snapshot: &Snapshot) -> Inventory {
        let mut inv = Inventory::default();
        let mut duplicate = |what: &str, key: &str| {
            inv.unreadable.push(Violation::new(
                Invariant::SharedSpaces,
                &[key],
                format!("the snapshot lists {what} {key:?} twice"),
            ));
        };
        let mut containers = BTreeMap::new();
        let mut networks = BTreeMap::new();
        let mut aliases = BTreeMap::new();
        for c in &snapshot.containers {
            let id = c.container.id().to_owned();
            if containers.insert(id.clone(), c.container.clone()).is_some() {
                duplicate("container", &id);
            }
            networks.insert(id.clone(), c.networks.keys().cloned().collect());
            let stored: BTreeMap<String, BTreeSet<String>> = c
                .networks
                .iter()
                .map(|(net, a)| (net.clone(), a.iter().cloned().collect()))
                .collect();
            aliases.insert(id, stored);
        }
        let mut pods = BTreeMap::new();
        for p in &snapshot.pods {
            if pods.insert(p.id().to_owned(), p.clone()).is_some() {
                duplicate("pod", p.id());
            }
        }
        let mut volumes = BTreeMap::new();
        for v in &snapshot.volumes {
            if volumes.insert(v.name().to_owned(), v.clone()).is_some() {
                duplicate("volume", v.name());
            }
        }
        let mut exec_sessions = BTreeMap::new();
        for s in &snapshot.exec_sessions {
            if exec_sessions
                .insert(s.id.clone(), s.container_id.clone())
                .is_some()
            {
                duplicate("exec session", &s.id);
            }
        }
        inv.containers = containers;
        inv.networks = networks;
        inv.aliases = aliases;
        inv.pods = pods;
        inv.volumes = volumes;
        inv.exec_sessions = exec_sessions;
        inv
    }
}
