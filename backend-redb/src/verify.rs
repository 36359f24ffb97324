//! What `RedbStore::verify` reads: every entry of every table, in one read transaction, as an
//! [`Inventory`] for the invariant checks of `podstate-api`: the records (configs and states),
//! the registries that are state of their own (exec sessions; networks and aliases, held in each
//! container's identity record), and every
//! index kept beside them (identities, names, dependents, members, volume users, each
//! container's exec sessions), which the shared checks compare with what they index. An entry
//! that does not decode is listed, not fatal, so that one damaged record does not hide the rest.

use std::collections::{BTreeMap, BTreeSet};

use podstate_api::raw::HolderKind;
use podstate_api::verify::{IdentityIndex, IndexedIdentity, Indexes, Inventory, Violation};
use podstate_api::{
    Container, ContainerConfig, DbConfig, Pod, PodConfig, Result, Volume, VolumeConfig,
};
use redb::{ReadTransaction, ReadableTable, TableHandle};

use crate::read::View;
use crate::record::{
    ContainerRecord, Lifted, NameRecord, ObjectRecord, decode_container, decode_index,
};
use crate::schema::{
    CONTAINER_CONFIGS, CONTAINER_EXEC_SESSIONS, CONTAINER_STATES, CONTAINERS, DB_CONFIG_KEY,
    DEPENDENTS, EXEC_SESSIONS, META, NAMES, POD_CONFIGS, POD_MEMBERS, POD_STATES, PODS, Pairs,
    Records, VOLUME_CONFIGS, VOLUME_STATES, VOLUME_USERS,
};

impl View<'_, ReadTransaction> {
    /// Every record and index entry, as stored.
    pub(crate) fn inventory(&self) -> Result<Inventory> {
        let mut inv = Inventory::default();
        let mut idx = Indexes {
            names: Some(BTreeMap::new()),
            ..Indexes::default()
        };
        let containers: BTreeMap<String, (ContainerConfig, _)> = self.objects(
            CONTAINER_CONFIGS,
            CONTAINER_STATES,
            &mut inv.unreadable,
            &mut inv.unread.containers,
        )?;
        inv.containers = containers
            .into_iter()
            .map(|(id, (config, state))| (id, Container { config, state }))
            .collect();
        let pods: BTreeMap<String, (PodConfig, _)> = self.objects(
            POD_CONFIGS,
            POD_STATES,
            &mut inv.unreadable,
            &mut inv.unread.pods,
        )?;
        inv.pods = pods
            .into_iter()
            .map(|(id, (config, state))| (id, Pod { config, state }))
            .collect();
        let volumes: BTreeMap<String, (VolumeConfig, _)> = self.objects(
            VOLUME_CONFIGS,
            VOLUME_STATES,
            &mut inv.unreadable,
            &mut inv.unread.volumes,
        )?;
        inv.volumes = volumes
            .into_iter()
            .map(|(name, (config, state))| (name, Volume { config, state }))
            .collect();
        for (def, kind) in [(CONTAINERS, HolderKind::Container), (PODS, HolderKind::Pod)] {
            let index = self.identities(def, kind, &mut inv)?;
            idx.identities.push(index);
        }

        for entry in self.table(NAMES)?.iter().map_err(|e| self.fault(e))? {
            let (name, value) = entry.map_err(|e| self.fault(e))?;
            let name = name.value();
            match decode_index::<NameRecord>(value.value(), self.file, NAMES.name(), name) {
                Ok(rec) => {
                    let kind = HolderKind::from(rec.kind);
                    let names = idx.names.get_or_insert_default();
                    names.insert(name.to_owned(), (kind, rec.id.to_owned()));
                }
                Err(e) => inv
                    .unreadable
                    .push(Violation::unreadable(format!("names {name:?}"), e)),
            }
        }
        for (dep, ctr) in self.pairs(DEPENDENTS)? {
            idx.dependents.entry(dep).or_default().insert(ctr);
        }
        for (pod, ctr) in self.pairs(POD_MEMBERS)? {
            idx.members.entry(pod).or_default().insert(ctr);
        }
        for (vol, ctr) in self.pairs(VOLUME_USERS)? {
            idx.volume_users.entry(vol).or_default().insert(ctr);
        }
        // The per-container index of the exec registry, checked against the registry itself.
        for (ctr, session) in self.pairs(CONTAINER_EXEC_SESSIONS)? {
            idx.container_sessions
                .entry(ctr)
                .or_default()
                .insert(session);
        }
        for entry in self
            .table(EXEC_SESSIONS)?
            .iter()
            .map_err(|e| self.fault(e))?
        {
            let (session, owner) = entry.map_err(|e| self.fault(e))?;
            inv.exec_sessions
                .insert(session.value().to_owned(), owner.value().to_owned());
        }
        if let Err(e) = self.object_at::<DbConfig>(META, DB_CONFIG_KEY) {
            inv.unreadable.push(Violation::unreadable(
                format!("{} {DB_CONFIG_KEY:?}", META.name()),
                e,
            ));
        }
        inv.indexes = Some(idx);
        Ok(inv)
    }

    /// The config and state of every object of a kind: the two tables read whole, an entry that
    /// does not decode or has no counterpart listed in `unreadable` and its key in `unread`.
    fn objects<C: Lifted, S: Lifted>(
        &self,
        configs: Records,
        states: Records,
        unreadable: &mut Vec<Violation>,
        unread: &mut BTreeSet<String>,
    ) -> Result<BTreeMap<String, (C, S)>> {
        let keys = |def: Records| -> Result<Vec<String>> {
            let table = self.table(def)?;
            let iter = table.iter().map_err(|e| self.fault(e))?;
            iter.map(|e| Ok(e.map_err(|e| self.fault(e))?.0.value().to_owned()))
                .collect()
        };
        let mut all: Vec<String> = keys(configs)?;
        all.extend(keys(states)?);
        all.sort();
        all.dedup();
        let mut out = BTreeMap::new();
        for key in all {
            let place = || format!("{} {key:?}", configs.name());
            let config = self.object_at::<C>(configs, &key);
            let state = self.object_at::<S>(states, &key);
            match (config, state) {
                (Ok(Some(c)), Ok(Some(s))) => {
                    out.insert(key, (c, s));
                }
                (Err(e), _) | (_, Err(e)) => {
                    unreadable.push(Violation::unreadable(place(), e));
                    unread.insert(key);
                }
                _ => {
                    unreadable.push(Violation::unreadable(
                        place(),
                        format!(
                            "only one of {} and {} holds it",
                            configs.name(),
                            states.name()
                        ),
                    ));
                    unread.insert(key);
                }
            }
        }
        Ok(out)
    }

    /// The identity table `def` (name, namespace and pod of each object of `kind`, copied out
    /// of its config for the checks and lookups) as an index the shared checks compare with
    /// the configs; an entry that does not decode is listed in `inv.unreadable`. A
    /// container's record also holds its current networks and aliases, a registry of its own:
    /// they go to `inv.networks` and `inv.aliases`.
    fn identities(
        &self,
        def: Records,
        kind: HolderKind,
        inv: &mut Inventory,
    ) -> Result<IdentityIndex> {
        let mut index = IdentityIndex {
            place: format!("the {} table", def.name()),
            kinds: vec![kind],
            entries: BTreeMap::new(),
        };
        for entry in self.table(def)?.iter().map_err(|e| self.fault(e))? {
            let (key, value) = entry.map_err(|e| self.fault(e))?;
            let id = key.value();
            let decoded = match kind {
                HolderKind::Container => {
                    decode_container(value.value(), self.file, id).map(|rec| {
                        list_networks(id, &rec, inv);
                        (rec.name, rec.namespace, rec.pod)
                    })
                }
                HolderKind::Pod => {
                    decode_index::<ObjectRecord>(value.value(), self.file, def.name(), id)
                        .map(|rec| (rec.name, rec.namespace, rec.pod))
                }
            };
            match decoded {
                Err(e) => {
                    let place = format!("{} {id:?}", def.name());
                    inv.unreadable.push(Violation::unreadable(place, e));
                }
                Ok((name, namespace, pod)) => {
                    let entry = IndexedIdentity {
                        kind,
                        name: Some(name.to_owned()),
                        namespace: Some(namespace.to_owned()),
                        pod: Some(pod.map(str::to_owned)),
                    };
                    index.entries.insert(id.to_owned(), entry);
                }
            }
        }
        Ok(index)
    }

    /// Every entry of a pair table.
    fn pairs(&self, def: Pairs) -> Result<Vec<(String, String)>> {
        let table = self.table(def)?;
        let iter = table.iter().map_err(|e| self.fault(e))?;
        iter.map(|entry| {
            let (key, _) = entry.map_err(|e| self.fault(e))?;
            let (a, b) = key.value();
            Ok((a.to_owned(), b.to_owned()))
        })
        .collect()
    }
}

/// Lists the current networks and aliases of container `id`, from its record `rec`.
fn list_networks(id: &str, rec: &ContainerRecord, inv: &mut Inventory) {
    for (net, aliases) in &rec.networks {
        let net = (*net).to_owned();
        inv.networks
            .entry(id.to_owned())
            .or_default()
            .insert(net.clone());
        inv.aliases
            .entry(id.to_owned())
            .or_default()
            .entry(net)
            .or_default()
            .extend(aliases.iter().map(|a| (*a).to_owned()));
    }
}

#[cfg(test)]
mod tests;
