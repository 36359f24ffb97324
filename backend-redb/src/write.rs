//! The apply phase inside one write transaction: each change writes its records and every index
//! entry in step. Any failure makes the engine abort the transaction, so nothing of the call
//! stays.

use podstate_api::raw::{
    ContainerLinks, HolderKind, NewContainer, StoreRead, StoreWrite, lifecycle,
};
use podstate_api::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Pod, PodConfig, PodState,
    Result, Volume, VolumeConfig, VolumeState,
};
use redb::{ReadableTable, StorageError, Table, TableHandle, WriteTransaction};

use crate::error::bad_layout;
use crate::read::{View, after};
use crate::record::{
    ContainerRecord, Lifted, NameRecord, ObjectRecord, decode_container, decode_index,
    decode_links, decode_object, encode_index, encode_object,
};
use crate::schema::{
    CONTAINER_CONFIGS, CONTAINER_EXEC_SESSIONS, CONTAINER_STATES, CONTAINERS, DB_CONFIG_KEY,
    DEPENDENTS, EXEC_SESSIONS, META, NAMES, POD_CONFIGS, POD_MEMBERS, POD_STATES, PODS, Pairs,
    Records, VOLUME_CONFIGS, VOLUME_STATES, VOLUME_USERS,
};

/// The view a write transaction hands the apply phase.
type WriteView<'a> = View<'a, WriteTransaction>;

/// The strings of `list`, borrowed.
fn as_strs(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

/// A set of pairs open for writing.
type PairTable<'t> = Table<'t, (&'static str, &'static str), ()>;

impl WriteView<'_> {
    /// Stores `bytes` at `key` of `def`.
    fn put(&self, def: Records, key: &str, bytes: &[u8]) -> Result<()> {
        let mut table = self.table(def)?;
        table.insert(key, bytes).map_err(|e| self.fault(e))?;
        Ok(())
    }

    /// Stores the config or state `value` at `key` of `def`.
    fn put_object(&self, def: Records, key: &str, value: &impl Lifted) -> Result<()> {
        self.put(def, key, &encode_object(value, self.file)?)
    }

    /// Removes `key` from each of `defs`.
    fn remove(&self, defs: &[Records], key: &str) -> Result<()> {
        for def in defs {
            let mut table = self.table(*def)?;
            table.remove(key).map_err(|e| self.fault(e))?;
        }
        Ok(())
    }

    /// Adds every pair of `pairs` to `def`.
    fn add_pairs<'p>(
        &self,
        def: Pairs,
        pairs: impl IntoIterator<Item = (&'p str, &'p str)>,
    ) -> Result<()> {
        self.edit_pairs(def, pairs, |table, pair| table.insert(pair, ()).map(drop))
    }

    /// Removes every pair of `pairs` from `def`.
    fn remove_pairs<'p>(
        &self,
        def: Pairs,
        pairs: impl IntoIterator<Item = (&'p str, &'p str)>,
    ) -> Result<()> {
        self.edit_pairs(def, pairs, |table, pair| table.remove(pair).map(drop))
    }

    /// Applies `edit` to every pair of `pairs` in `def`.
    fn edit_pairs<'p>(
        &self,
        def: Pairs,
        pairs: impl IntoIterator<Item = (&'p str, &'p str)>,
        edit: impl Fn(&mut PairTable<'_>, (&str, &str)) -> std::result::Result<(), StorageError>,
    ) -> Result<()> {
        let mut pairs = pairs.into_iter().peekable();
        if pairs.peek().is_none() {
            // A table opened for writing costs a look-up of its root at the commit even when
            // nothing changed in it.
            return Ok(());
        }
        let mut table = self.table(def)?;
        for pair in pairs {
            edit(&mut table, pair).map_err(|e| self.fault(e))?;
        }
        Ok(())
    }

    /// Removes every pair of `def` whose first element is `first`.
    fn remove_all_pairs(&self, def: Pairs, first: &str) -> Result<()> {
        let mut table = self.table(def)?;
        let end = after(first);
        table
            .retain_in((first, "")..(end.as_str(), ""), |_, ()| false)
            .map_err(|e| self.fault(e))
    }

    /// Connects container `id` to `network` with `aliases` (sorted, unique), or disconnects
    /// it when `aliases` is `None`: a rewrite of its record.
    fn set_network(&self, id: &str, network: &str, aliases: Option<&[String]>) -> Result<()> {
        let mut table = self.table(CONTAINERS)?;
        let stored = match table.get(id).map_err(|e| self.fault(e))? {
            Some(held) => held.value().to_vec(),
            // The checks found the container in this transaction.
            None => {
                return Err(bad_layout(
                    self.file,
                    format!("container {id:?} has no record in {}", CONTAINERS.name()),
                ));
            }
        };
        let mut rec = decode_container(&stored, self.file, id)?;
        let place = rec
            .networks
            .binary_search_by(|(net, _)| (*net).cmp(network));
        match (place, aliases) {
            // The check refused a network the container is on: replaced, never twice.
            (Ok(at), Some(aliases)) => rec.networks[at].1 = as_strs(aliases),
            (Err(at), Some(aliases)) => rec.networks.insert(at, (network, as_strs(aliases))),
            (Ok(at), None) => drop(rec.networks.remove(at)),
            (Err(_), None) => return Ok(()),
        }
        let bytes = encode_index(&rec, self.file)?;
        table
            .insert(id, bytes.as_slice())
            .map_err(|e| self.fault(e))?;
        Ok(())
    }

    /// Stores the holder of `name`.
    fn claim_name(&self, name: &str, kind: HolderKind, id: &str) -> Result<()> {
        let record = NameRecord {
            kind: kind.into(),
            id,
        };
        self.put(NAMES, name, &encode_index(&record, self.file)?)
    }

    /// Drops `name` from the name space if `id` holds it: one removal, undone when another
    /// object held the name.
    fn release_name(&self, name: &str, id: &str) -> Result<()> {
        let mut names = self.table(NAMES)?;
        let Some(held) = names.remove(name).map_err(|e| self.fault(e))? else {
            return Ok(());
        };
        let bytes = held.value().to_vec();
        drop(held);
        let record: NameRecord = decode_index(&bytes, self.file, NAMES.name(), name)?;
        if record.id != id {
            names
                .insert(name, bytes.as_slice())
                .map_err(|e| self.fault(e))?;
        }
        Ok(())
    }

    /// Removes the identity record of container `id`, answering its name and pod, or `None`
    /// when there is no such container.
    fn take_identity(&self, id: &str) -> Result<Option<(String, Option<String>)>> {
        let mut table = self.table(CONTAINERS)?;
        let Some(held) = table.remove(id).map_err(|e| self.fault(e))? else {
            return Ok(None);
        };
        let rec: ObjectRecord = decode_index(held.value(), self.file, CONTAINERS.name(), id)?;
        Ok(Some((rec.name.to_owned(), rec.pod.map(str::to_owned))))
    }

    /// Removes the config of container `id`, answering its links (none when there is none).
    fn take_links(&self, id: &str) -> Result<ContainerLinks> {
        let mut table = self.table(CONTAINER_CONFIGS)?;
        let Some(held) = table.remove(id).map_err(|e| self.fault(e))? else {
            return Ok(ContainerLinks::default());
        };
        decode_links(held.value(), self.file, CONTAINER_CONFIGS.name(), id)
    }

    /// Rewrites every JSON record of `def` through `reset`, storing only those it changed.
    fn reset_all<S: Lifted>(&self, def: Records, reset: impl Fn(&mut S)) -> Result<()> {
        let mut table = self.table(def)?;
        let mut changed = Vec::new();
        for entry in table.iter().map_err(|e| self.fault(e))? {
            let (key, value) = entry.map_err(|e| self.fault(e))?;
            let mut record: S = decode_object(value.value(), self.file, def.name(), key.value())?;
            reset(&mut record);
            let bytes = encode_object(&record, self.file)?;
            if bytes != value.value() {
                changed.push((key.value().to_owned(), bytes));
            }
        }
        for (key, bytes) in changed {
            table
                .insert(key.as_str(), bytes.as_slice())
                .map_err(|e| self.fault(e))?;
        }
        Ok(())
    }
}

impl StoreWrite for WriteView<'_> {
    fn insert_container(&mut self, ctr: &Container, new: &NewContainer) -> Result<()> {
        let cfg = &ctr.config;
        let id = cfg.id.as_str();
        // The networks come sorted, each network's aliases sorted and unique (a BTreeMap of
        // `initial_networks`).
        let record = ContainerRecord {
            name: &cfg.name,
            namespace: &cfg.namespace,
            pod: cfg.pod.as_deref(),
            networks: new
                .networks
                .iter()
                .map(|(net, aliases)| (net.as_str(), as_strs(aliases)))
                .collect(),
        };
        self.put(CONTAINERS, id, &encode_index(&record, self.file)?)?;
        self.put_object(CONTAINER_CONFIGS, id, cfg)?;
        self.put_object(CONTAINER_STATES, id, &ctr.state)?;
        self.claim_name(&cfg.name, HolderKind::Container, id)?;
        self.add_pairs(
            DEPENDENTS,
            new.dependencies.iter().map(|d| (d.as_str(), id)),
        )?;
        self.add_pairs(VOLUME_USERS, new.volumes.iter().map(|v| (v.as_str(), id)))?;
        self.add_pairs(POD_MEMBERS, cfg.pod.as_deref().map(|p| (p, id)))
    }

    fn delete_container(&mut self, id: &str) -> Result<()> {
        // Each table is opened once, and only when it may hold an entry of the container: its
        // identity and config come from their own removal, the rest from those two. Its
        // networks go with its identity record.
        let Some((name, pod)) = self.take_identity(id)? else {
            return Ok(());
        };
        let links = self.take_links(id)?;
        self.remove(&[CONTAINER_STATES], id)?;
        {
            let mut dependents = self.table(DEPENDENTS)?;
            for dep in &links.dependencies {
                dependents
                    .remove((dep.as_str(), id))
                    .map_err(|e| self.fault(e))?;
            }
            // Edges to the container itself: none remain but among pod members removed
            // together.
            let end = after(id);
            dependents
                .retain_in((id, "")..(end.as_str(), ""), |_, ()| false)
                .map_err(|e| self.fault(e))?;
        }
        self.remove_pairs(VOLUME_USERS, links.volumes.iter().map(|v| (v.as_str(), id)))?;
        self.delete_container_exec_sessions(id)?;
        self.remove_pairs(POD_MEMBERS, pod.as_deref().map(|p| (p, id)))?;
        self.release_name(&name, id)
    }

    fn set_container_state(&mut self, id: &str, state: &ContainerState) -> Result<()> {
        self.put_object(CONTAINER_STATES, id, state)
    }

    fn set_container_config(&mut self, cfg: &ContainerConfig) -> Result<()> {
        self.put_object(CONTAINER_CONFIGS, &cfg.id, cfg)
    }

    fn connect_network(&mut self, id: &str, network: &str, aliases: &[String]) -> Result<()> {
        self.set_network(id, network, Some(aliases))
    }

    fn disconnect_network(&mut self, id: &str, network: &str) -> Result<()> {
        self.set_network(id, network, None)
    }

    fn insert_exec_session(&mut self, session: &ExecSession) -> Result<()> {
        let owner = session.container_id.as_str();
        let mut registry = self.table(EXEC_SESSIONS)?;
        registry
            .insert(session.id.as_str(), owner)
            .map_err(|e| self.fault(e))?;
        drop(registry);
        self.add_pairs(CONTAINER_EXEC_SESSIONS, [(owner, session.id.as_str())])
    }

    fn delete_exec_session(&mut self, id: &str) -> Result<()> {
        let mut registry = self.table(EXEC_SESSIONS)?;
        let owner = registry
            .remove(id)
            .map_err(|e| self.fault(e))?
            .map(|g| g.value().to_owned());
        drop(registry);
        self.remove_pairs(
            CONTAINER_EXEC_SESSIONS,
            owner.as_deref().map(|owner| (owner, id)),
        )
    }

    fn delete_container_exec_sessions(&mut self, id: &str) -> Result<()> {
        let sessions = self.seconds(CONTAINER_EXEC_SESSIONS, id)?;
        if sessions.is_empty() {
            // Nothing to write: the registry is not opened for writing at all.
            return Ok(());
        }
        let mut registry = self.table(EXEC_SESSIONS)?;
        for session in &sessions {
            registry
                .remove(session.as_str())
                .map_err(|e| self.fault(e))?;
        }
        drop(registry);
        self.remove_all_pairs(CONTAINER_EXEC_SESSIONS, id)
    }

    fn insert_pod(&mut self, pod: &Pod) -> Result<()> {
        let cfg = &pod.config;
        let record = ObjectRecord {
            name: &cfg.name,
            namespace: &cfg.namespace,
            pod: None,
        };
        self.put(PODS, &cfg.id, &encode_index(&record, self.file)?)?;
        self.put_object(POD_CONFIGS, &cfg.id, cfg)?;
        self.put_object(POD_STATES, &cfg.id, &pod.state)?;
        self.claim_name(&cfg.name, HolderKind::Pod, &cfg.id)
    }

    fn delete_pod(&mut self, id: &str) -> Result<()> {
        let Some(meta) = self.pod_meta(id)? else {
            return Ok(());
        };
        self.release_name(&meta.name, id)?;
        self.remove_all_pairs(POD_MEMBERS, id)?;
        self.remove(&[PODS, POD_CONFIGS, POD_STATES], id)
    }

    fn set_pod_state(&mut self, id: &str, state: &PodState) -> Result<()> {
        self.put_object(POD_STATES, id, state)
    }

    fn set_pod_config(&mut self, cfg: &PodConfig) -> Result<()> {
        self.put_object(POD_CONFIGS, &cfg.id, cfg)
    }

    fn insert_volume(&mut self, vol: &Volume) -> Result<()> {
        self.put_object(VOLUME_CONFIGS, vol.name(), &vol.config)?;
        self.put_object(VOLUME_STATES, vol.name(), &vol.state)
    }

    fn delete_volume(&mut self, name: &str) -> Result<()> {
        self.remove_all_pairs(VOLUME_USERS, name)?;
        self.remove(&[VOLUME_CONFIGS, VOLUME_STATES], name)
    }

    fn set_volume_state(&mut self, name: &str, state: &VolumeState) -> Result<()> {
        self.put_object(VOLUME_STATES, name, state)
    }

    fn set_volume_config(&mut self, cfg: &VolumeConfig) -> Result<()> {
        self.put_object(VOLUME_CONFIGS, &cfg.name, cfg)
    }

    fn set_db_config(&mut self, cfg: &DbConfig) -> Result<()> {
        self.put_object(META, DB_CONFIG_KEY, cfg)
    }

    fn refresh(&mut self) -> Result<()> {
        self.reset_all(CONTAINER_STATES, lifecycle::reset_container_state)?;
        self.reset_all(POD_STATES, lifecycle::reset_pod_state)?;
        self.reset_all(VOLUME_STATES, lifecycle::reset_volume_state)?;
        let mut registry = self.table(EXEC_SESSIONS)?;
        registry.retain(|_, _| false).map_err(|e| self.fault(e))?;
        drop(registry);
        let mut per_container = self.table(CONTAINER_EXEC_SESSIONS)?;
        per_container
            .retain(|_, ()| false)
            .map_err(|e| self.fault(e))
    }
}
