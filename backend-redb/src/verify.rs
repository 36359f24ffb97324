//! What `RedbStore::verify` reads: every entry of every table, in one read transaction, as an
//! [`Inventory`] for the invariant checks of `podstate-api`. An entry that does not decode, or
//! records of one object that disagree between tables, are listed, not fatal, so that one
//! damaged record does not hide the rest.

use std::collections::BTreeMap;

use podstate_api::raw::HolderKind;
use podstate_api::verify::{Indexes, Inventory, Violation};
use podstate_api::{
    Container, ContainerConfig, DbConfig, Pod, PodConfig, Result, Volume, VolumeConfig,
};
use redb::{ReadTransaction, ReadableTable, TableHandle};

use crate::read::View;
use crate::record::{Lifted, NameRecord, ObjectRecord, decode_index};
use crate::schema::{
    CONTAINER_CONFIGS, CONTAINER_EXEC_SESSIONS, CONTAINER_STATES, CONTAINERS, DB_CONFIG_KEY,
    DEPENDENTS, EXEC_SESSIONS, META, NAMES, NETWORK_ALIASES, NETWORKS, POD_CONFIGS, POD_MEMBERS,
    POD_STATES, PODS, Pairs, Records, VOLUME_CONFIGS, VOLUME_STATES, VOLUME_USERS,
};

impl View<'_, ReadTransaction> {
    /// Every record and index entry, as stored.
    pub(crate) fn inventory(&self) -> Result<Inventory> {
        let mut inv = Inventory::default();
        let containers: BTreeMap<String, (ContainerConfig, _)> =
            self.objects(CONTAINER_CONFIGS, CONTAINER_STATES, &mut inv.unreadable)?;
        self.identities(
            CONTAINERS,
            &containers,
            |c| (&c.name, &c.namespace, c.pod.as_deref()),
            &mut inv.unreadable,
        )?;
        inv.containers = containers
            .into_iter()
            .map(|(id, (config, state))| (id, Container { config, state }))
            .collect();
        let pods: BTreeMap<String, (PodConfig, _)> =
            self.objects(POD_CONFIGS, POD_STATES, &mut inv.unreadable)?;
        self.identities(
            PODS,
            &pods,
            |p| (&p.name, &p.namespace, None),
            &mut inv.unreadable,
        )?;
        inv.pods = pods
            .into_iter()
            .map(|(id, (config, state))| (id, Pod { config, state }))
            .collect();
        let volumes: BTreeMap<String, (VolumeConfig, _)> =
            self.objects(VOLUME_CONFIGS, VOLUME_STATES, &mut inv.unreadable)?;
        inv.volumes = volumes
            .into_iter()
            .map(|(name, (config, state))| (name, Volume { config, state }))
            .collect();

        let mut idx = Indexes {
            names: Some(BTreeMap::new()),
            ..Indexes::default()
        };
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
        for (ctr, net) in self.pairs(NETWORKS)? {
            inv.networks
                .entry(ctr.clone())
                .or_default()
                .insert(net.clone());
            inv.aliases.entry(ctr).or_default().entry(net).or_default();
        }
        for entry in self
            .table(NETWORK_ALIASES)?
            .iter()
            .map_err(|e| self.fault(e))?
        {
            let (key, _) = entry.map_err(|e| self.fault(e))?;
            let (ctr, net, alias) = key.value();
            inv.aliases
                .entry(ctr.to_owned())
                .or_default()
                .entry(net.to_owned())
                .or_default()
                .insert(alias.to_owned());
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
    /// does not decode or has no counterpart listed in `unreadable`.
    fn objects<C: Lifted, S: Lifted>(
        &self,
        configs: Records,
        states: Records,
        unreadable: &mut Vec<Violation>,
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
                (Err(e), _) | (_, Err(e)) => unreadable.push(Violation::unreadable(place(), e)),
                _ => unreadable.push(Violation::unreadable(
                    place(),
                    format!(
                        "only one of {} and {} holds it",
                        configs.name(),
                        states.name()
                    ),
                )),
            }
        }
        Ok(out)
    }

    /// Each identity record of `def` against the config it must mirror (name, namespace, pod).
    fn identities<C, S>(
        &self,
        def: Records,
        objects: &BTreeMap<String, (C, S)>,
        identity: impl Fn(&C) -> (&String, &String, Option<&str>),
        unreadable: &mut Vec<Violation>,
    ) -> Result<()> {
        let table = self.table(def)?;
        let mut seen = 0;
        for entry in table.iter().map_err(|e| self.fault(e))? {
            let (key, value) = entry.map_err(|e| self.fault(e))?;
            let id = key.value();
            let place = format!("{} {id:?}", def.name());
            match decode_index::<ObjectRecord>(value.value(), self.file, def.name(), id) {
                Err(e) => unreadable.push(Violation::unreadable(place, e)),
                Ok(rec) => match objects.get(id) {
                    None => unreadable.push(Violation::unreadable(place, "it has no config")),
                    Some((config, _)) => {
                        seen += 1;
                        let (name, ns, pod) = identity(config);
                        if (rec.name, rec.namespace, rec.pod) != (name.as_str(), ns.as_str(), pod) {
                            let why = "its name, namespace or pod differs from its config";
                            unreadable.push(Violation::unreadable(place, why));
                        }
                    }
                },
            }
        }
        if seen < objects.len() {
            for id in objects.keys() {
                if table.get(id.as_str()).map_err(|e| self.fault(e))?.is_none() {
                    let place = format!("{} {id:?}", def.name());
                    unreadable.push(Violation::unreadable(place, "it has no identity record"));
                }
            }
        }
        Ok(())
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
