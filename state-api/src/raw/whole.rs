//! Whole-store operations on an engine's transactions, written once: a snapshot read in one read
//! transaction, a restore into an empty store in one write transaction, and a replacement of
//! everything a live store holds in one write transaction.

use std::collections::{BTreeMap, BTreeSet};

use super::{Engine, NewContainer, StoreLoad, StoreRead, StoreWrite, trace};
use crate::snapshot::{Snapshot, SnapshotContainer};
use crate::verify::{Inventory, violations};
use crate::{DbConfig, ErrorKind, ExecSession, Result, StateError};

/// Everything `tx` holds (see [`Snapshot`]), read in its one transaction.
pub fn snapshot(tx: &(impl StoreRead + StoreLoad + ?Sized)) -> Result<Snapshot> {
    let mut containers = Vec::new();
    let mut exec_sessions = Vec::new();
    for container in tx.load_all_containers("")? {
        let id = container.id();
        exec_sessions.extend(
            tx.container_exec_sessions(id)?
                .into_iter()
                .map(|session| ExecSession::new(session, id)),
        );
        containers.push(SnapshotContainer {
            networks: tx.networks(id)?,
            container,
        });
    }
    exec_sessions.sort();
    Ok(Snapshot {
        db_config: tx.db_config()?,
        volumes: tx.load_all_volumes()?,
        pods: tx.load_all_pods("")?,
        containers,
        exec_sessions,
    })
}

/// Writes `snapshot` into the empty store of `tx`: all of it, or (on any error) nothing.
///
/// # Errors
/// `InvalidArg` when the store is not empty, or when the snapshot breaks an invariant of SPEC §2
/// (the message names the first few violations); then nothing is written. `Io` or `Corrupt`
/// from the engine, which rolls the transaction back.
pub fn restore(
    tx: &mut (impl StoreRead + StoreLoad + StoreWrite + ?Sized),
    snapshot: &Snapshot,
) -> Result<()> {
    let empty = tx.load_all_containers("")?.is_empty()
        && tx.load_all_pods("")?.is_empty()
        && tx.load_all_volumes()?.is_empty()
        && tx.db_config()? == DbConfig::default();
    if !empty {
        return Err(StateError::invalid(
            "the store to restore into is not empty",
        ));
    }
    consistent(snapshot)?;
    write(tx, snapshot)
}

/// Replaces everything `tx` holds with `snapshot`, in its one write transaction: the store is
/// emptied through [`StoreWrite`] (exec registrations, containers with their networks and
/// edges, dependents before what they depend on, then pods, volumes and the DB config), then
/// written as [`restore`] writes an empty store, then read back and compared with `snapshot`.
/// Every handle and process on the store sees the old state until the commit and the new one
/// from then on; nothing a call acknowledged is lost, since no file is swapped.
///
/// # Errors
/// `InvalidArg` when the snapshot breaks an invariant of SPEC §2 (then nothing is written);
/// `Corrupt` when the store does not read back what was written; `Io` or `Corrupt` from the
/// engine. On any error the engine rolls the transaction back: the store keeps its old state.
pub fn replace(
    tx: &mut (impl StoreRead + StoreLoad + StoreWrite + ?Sized),
    snapshot: &Snapshot,
) -> Result<()> {
    consistent(snapshot)?;
    clear(tx)?;
    write(tx, snapshot)?;
    let expected = normalized(snapshot);
    let stored = self::snapshot(tx)?;
    if stored != expected {
        return Err(StateError::new(
            ErrorKind::Corrupt,
            "the store does not read back the snapshot written into it; nothing was replaced",
        ));
    }
    Ok(())
}

/// Empties the store of `tx` through its writes, leaving nothing for an index to point at.
fn clear(tx: &mut (impl StoreRead + StoreLoad + StoreWrite + ?Sized)) -> Result<()> {
    let containers = tx.load_all_containers("")?;
    for c in &containers {
        tx.delete_container_exec_sessions(c.id())?;
    }
    // Dependents first: each round deletes the containers nothing stored depends on any more.
    let mut left: BTreeSet<String> = containers.iter().map(|c| c.id().to_owned()).collect();
    while !left.is_empty() {
        let mut free = Vec::new();
        for id in &left {
            if tx.dependents(id)?.iter().all(|d| !left.contains(d)) {
                free.push(id.clone());
            }
        }
        if free.is_empty() {
            // Only damaged data holds a cycle; its containers go together.
            free = left.iter().cloned().collect();
        }
        for id in free {
            tx.delete_container(&id)?;
            left.remove(&id);
        }
    }
    for pod in tx.load_all_pods("")? {
        tx.delete_pod(pod.id())?;
    }
    for vol in tx.load_all_volumes()? {
        tx.delete_volume(vol.name())?;
    }
    if tx.db_config()? != DbConfig::default() {
        tx.set_db_config(&DbConfig::default())?;
    }
    Ok(())
}

/// `snapshot` as a store answers it: every list sorted by key, aliases sorted without
/// duplicates.
fn normalized(snapshot: &Snapshot) -> Snapshot {
    let mut s = snapshot.clone();
    s.volumes.sort_by(|a, b| a.name().cmp(b.name()));
    s.pods.sort_by(|a, b| a.id().cmp(b.id()));
    s.containers
        .sort_by(|a, b| a.container.id().cmp(b.container.id()));
    for c in &mut s.containers {
        for aliases in c.networks.values_mut() {
            aliases.sort_unstable();
            aliases.dedup();
        }
    }
    s.exec_sessions.sort();
    s
}

/// `InvalidArg` naming the first few violations unless the snapshot keeps SPEC §2.
fn consistent(snapshot: &Snapshot) -> Result<()> {
    let found = violations(&Inventory::from(snapshot));
    if found.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = found.iter().take(3).map(ToString::to_string).collect();
    Err(StateError::invalid(format!(
        "the snapshot breaks {} of SPEC §2: {}",
        if found.len() == 1 {
            "1 rule".to_owned()
        } else {
            format!("{} rules", found.len())
        },
        shown.join("; ")
    )))
}

/// Writes the checked `snapshot` into the empty store of `tx`, in dependency order.
fn write(
    tx: &mut (impl StoreRead + StoreLoad + StoreWrite + ?Sized),
    snapshot: &Snapshot,
) -> Result<()> {
    let order = dependency_order(snapshot)?;
    for vol in &snapshot.volumes {
        tx.insert_volume(vol)?;
    }
    for pod in &snapshot.pods {
        tx.insert_pod(pod)?;
    }
    for c in order {
        let cfg = &c.container.config;
        // Aliases as every list a store answers (SPEC §2.8): sorted, duplicates collapsed,
        // whatever order a hand-made snapshot lists them in.
        let networks = c
            .networks
            .iter()
            .map(|(net, aliases)| {
                let mut aliases = aliases.clone();
                aliases.sort_unstable();
                aliases.dedup();
                (net.clone(), aliases)
            })
            .collect();
        let new = NewContainer {
            dependencies: cfg.dependencies(),
            volumes: cfg.volume_names(),
            networks,
        };
        tx.insert_container(&c.container, &new)?;
    }
    for session in &snapshot.exec_sessions {
        tx.insert_exec_session(session)?;
    }
    if snapshot.db_config != DbConfig::default() {
        tx.set_db_config(&snapshot.db_config)?;
    }
    Ok(())
}

/// The snapshot's containers, each after its dependencies; `InvalidArg` for a cycle, which no
/// sequence of calls can build.
fn dependency_order(snapshot: &Snapshot) -> Result<Vec<&SnapshotContainer>> {
    let by_id: BTreeMap<&str, &SnapshotContainer> = snapshot
        .containers
        .iter()
        .map(|c| (c.container.id(), c))
        .collect();
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut order = Vec::with_capacity(by_id.len());
    let mut pending: Vec<&SnapshotContainer> = by_id.values().copied().collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|c| {
            let ready = c
                .container
                .config
                .dependencies()
                .iter()
                .all(|d| placed.contains(d.as_str()));
            if ready {
                placed.insert(c.container.id());
                order.push(*c);
            }
            !ready
        });
        if pending.len() == before {
            let ids: Vec<&str> = pending.iter().map(|c| c.container.id()).collect();
            return Err(StateError::new(
                ErrorKind::InvalidArg,
                format!("the snapshot's containers depend on each other in a cycle: {ids:?}"),
            ));
        }
    }
    Ok(order)
}

/// [`snapshot`] in one read transaction of `engine`: what a backend's `Store::snapshot` does.
/// Runs in a span named like the calls' (see [`trace`]), `call = "snapshot"`.
pub fn snapshot_of<E: Engine>(engine: &E) -> Result<Snapshot> {
    trace::call("snapshot", E::BACKEND, |_| engine.read(|tx| snapshot(tx)))
}

/// [`restore`] in one write transaction of `engine`: what a backend's `Store::restore` does.
/// Runs in a span, `call = "restore"`.
pub fn restore_into<E: Engine>(engine: &E, snap: &Snapshot) -> Result<()> {
    trace::call("restore", E::BACKEND, |_| {
        engine.write(|tx| restore(tx, snap))
    })
}

/// [`replace`] in one write transaction of `engine`: what a backend's `Store::replace` does.
/// Runs in a span, `call = "replace"`.
pub fn replace_into<E: Engine>(engine: &E, snap: &Snapshot) -> Result<()> {
    trace::call("replace", E::BACKEND, |_| {
        engine.write(|tx| replace(tx, snap))
    })
}
