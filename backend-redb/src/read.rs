//! The reads of one transaction: key look-ups and range scans over the tables of
//! [`schema`](crate::schema), written once for read and write transactions.

use std::collections::BTreeMap;
use std::path::Path;

use podstate_api::raw::rules::visible;
use podstate_api::raw::{Blockers, Holder, HolderKind, ObjectMeta, StoreLoad, StoreRead};
use podstate_api::{
    Container, ContainerConfig, ContainerState, DbConfig, Pod, Result, StateError, Volume,
};
use redb::{
    Key, ReadOnlyTable, ReadTransaction, ReadableTable, Table, TableDefinition, TableError,
    TableHandle, Value, WriteTransaction,
};

use crate::error::{bad_layout, fault};
use crate::record::{
    Lifted, NameRecord, ObjectRecord, decode_container, decode_index, decode_object,
};
use crate::schema::{
    CONTAINER_CONFIGS, CONTAINER_EXEC_SESSIONS, CONTAINER_STATES, CONTAINERS, DB_CONFIG_KEY,
    DEPENDENTS, EXEC_SESSIONS, META, NAMES, POD_CONFIGS, POD_MEMBERS, POD_STATES, PODS, Pairs,
    Records, VOLUME_CONFIGS, VOLUME_STATES, VOLUME_USERS,
};

/// A redb transaction whose tables can be read: [`ReadTransaction`] and [`WriteTransaction`]
/// open their tables as different types, this names both.
pub trait Tx {
    /// The table type the transaction opens.
    type Table<'t, K: Key + 'static, V: Value + 'static>: ReadableTable<K, V>
    where
        Self: 't;

    /// Opens table `def`.
    ///
    /// # Errors
    /// redb's, for a missing table or one of other types.
    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> std::result::Result<Self::Table<'_, K, V>, TableError>;
}

impl Tx for ReadTransaction {
    type Table<'t, K: Key + 'static, V: Value + 'static> = ReadOnlyTable<K, V>;

    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> std::result::Result<ReadOnlyTable<K, V>, TableError> {
        self.open_table(def)
    }
}

impl Tx for WriteTransaction {
    type Table<'t, K: Key + 'static, V: Value + 'static> = Table<'t, K, V>;

    fn open<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> std::result::Result<Table<'_, K, V>, TableError> {
        self.open_table(def)
    }
}

/// One transaction's view of the database at `file`: what the engine hands the checks and the
/// apply phase. Each method opens the tables it needs and drops them before returning, so that a
/// write transaction never has one table open twice.
pub struct View<'a, T> {
    pub(crate) tx: T,
    pub(crate) file: &'a Path,
}

/// The upper bound of every pair key whose first element is `first`: no string lies between
/// `first` and `first + "\0"`, and NUL never occurs in a stored string (SPEC §5 Strings).
pub(crate) fn after(first: &str) -> String {
    format!("{first}\0")
}

impl<T: Tx> View<'_, T> {
    /// Opens table `def`.
    pub(crate) fn table<K: Key + 'static, V: Value + 'static>(
        &self,
        def: TableDefinition<'static, K, V>,
    ) -> Result<T::Table<'_, K, V>> {
        self.tx.open(def).map_err(|e| fault(self.file, e))
    }

    /// Maps any redb error of this transaction.
    pub(crate) fn fault(&self, err: impl Into<redb::Error>) -> StateError {
        fault(self.file, err)
    }

    /// Hands the record at `key` of `def`, if any, to `decode`.
    fn record<R>(
        &self,
        def: Records,
        key: &str,
        decode: impl FnOnce(&[u8]) -> Result<R>,
    ) -> Result<Option<R>> {
        let table = self.table(def)?;
        let guard = table.get(key).map_err(|e| self.fault(e))?;
        guard.map(|g| decode(g.value())).transpose()
    }

    /// Whether `def` has `key`.
    fn contains<V: Value + 'static>(
        &self,
        def: TableDefinition<'static, &'static str, V>,
        key: &str,
    ) -> Result<bool> {
        let table = self.table(def)?;
        Ok(table.get(key).map_err(|e| self.fault(e))?.is_some())
    }

    /// The config or state record at `key` of `def`.
    pub(crate) fn object_at<D: Lifted>(&self, def: Records, key: &str) -> Result<Option<D>> {
        self.record(def, key, |bytes| {
            decode_object(bytes, self.file, def.name(), key)
        })
    }

    /// The identity record of a container or pod.
    fn identity(&self, def: Records, id: &str) -> Result<Option<ObjectMeta>> {
        self.record(def, id, |bytes| {
            let rec: ObjectRecord = decode_index(bytes, self.file, def.name(), id)?;
            Ok(ObjectMeta {
                name: rec.name.to_owned(),
                namespace: rec.namespace.to_owned(),
                pod: rec.pod.map(str::to_owned),
            })
        })
    }

    /// The namespace in the identity record of a container or pod, without copying the rest.
    fn namespace(&self, def: Records, id: &str) -> Result<Option<String>> {
        self.record(def, id, |bytes| {
            let rec: ObjectRecord = decode_index(bytes, self.file, def.name(), id)?;
            Ok(rec.namespace.to_owned())
        })
    }

    /// The second elements of every pair of `def` whose first element is `first`, in order.
    pub(crate) fn seconds(&self, def: Pairs, first: &str) -> Result<Vec<String>> {
        let table = self.table(def)?;
        let end = after(first);
        let range = table
            .range((first, "")..(end.as_str(), ""))
            .map_err(|e| self.fault(e))?;
        range
            .map(|entry| {
                let (key, _) = entry.map_err(|e| self.fault(e))?;
                Ok(key.value().1.to_owned())
            })
            .collect()
    }

    /// The second element of the first pair of `def` whose first element is `first`.
    fn first_second(&self, def: Pairs, first: &str) -> Result<Option<String>> {
        let table = self.table(def)?;
        let end = after(first);
        let mut range = table
            .range((first, "")..(end.as_str(), ""))
            .map_err(|e| self.fault(e))?;
        match range.next() {
            None => Ok(None),
            Some(entry) => {
                let (key, _) = entry.map_err(|e| self.fault(e))?;
                Ok(Some(key.value().1.to_owned()))
            }
        }
    }

    /// The first two keys of `def` that start with `prefix` (every byte literal) and whose
    /// record passes `keep`: a range scan from `prefix` that stops at the first key without it,
    /// or at the second match.
    fn first_two(
        &self,
        def: Records,
        prefix: &str,
        keep: impl Fn(&str, &[u8]) -> Result<bool>,
    ) -> Result<Vec<String>> {
        let table = self.table(def)?;
        let mut found = Vec::with_capacity(2);
        for entry in table.range(prefix..).map_err(|e| self.fault(e))? {
            let (key, value) = entry.map_err(|e| self.fault(e))?;
            let key = key.value();
            if !key.starts_with(prefix) {
                break;
            }
            if keep(key, value.value())? {
                found.push(key.to_owned());
                if found.len() == 2 {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// [`first_two`](View::first_two) over containers or pods visible in `ns`.
    fn first_two_visible(&self, def: Records, prefix: &str, ns: &str) -> Result<Vec<String>> {
        self.first_two(def, prefix, |id, bytes| {
            if ns.is_empty() {
                return Ok(true);
            }
            let rec: ObjectRecord = decode_index(bytes, self.file, def.name(), id)?;
            Ok(visible(ns, rec.namespace))
        })
    }

    /// Config and state of every object of a kind, in key order: the two tables scanned in
    /// step, and the identity table beside them when `only` names one and a namespace.
    fn load_all<C: Lifted, S: Lifted>(
        &self,
        configs: Records,
        states: Records,
        only: Option<(Records, &str)>,
    ) -> Result<Vec<(C, S)>> {
        let config_table = self.table(configs)?;
        let state_table = self.table(states)?;
        let ident_table = only.map(|(def, _)| self.table(def)).transpose()?;
        let ns = only.map_or("", |(_, ns)| ns);
        let mut state_rows = state_table.iter().map_err(|e| self.fault(e))?;
        let mut ident_rows = match &ident_table {
            Some(t) => Some(t.iter().map_err(|e| self.fault(e))?),
            None => None,
        };
        let out_of_step = |table: &str, id: &str| {
            bad_layout(
                self.file,
                format!("{} and {table} are out of step at {id:?}", configs.name()),
            )
        };
        let mut all = Vec::new();
        for entry in config_table.iter().map_err(|e| self.fault(e))? {
            let (key, config) = entry.map_err(|e| self.fault(e))?;
            let id = key.value();
            let (state_key, state) = state_rows
                .next()
                .ok_or_else(|| out_of_step(states.name(), id))?
                .map_err(|e| self.fault(e))?;
            if state_key.value() != id {
                return Err(out_of_step(states.name(), id));
            }
            if let (Some(rows), Some((ident, _))) = (ident_rows.as_mut(), only) {
                let (ident_key, rec) = rows
                    .next()
                    .ok_or_else(|| out_of_step(ident.name(), id))?
                    .map_err(|e| self.fault(e))?;
                if ident_key.value() != id {
                    return Err(out_of_step(ident.name(), id));
                }
                let rec: ObjectRecord = decode_index(rec.value(), self.file, ident.name(), id)?;
                if !visible(ns, rec.namespace) {
                    continue;
                }
            }
            all.push((
                decode_object(config.value(), self.file, configs.name(), id)?,
                decode_object(state.value(), self.file, states.name(), id)?,
            ));
        }
        if let Some(extra) = state_rows.next() {
            let (key, _) = extra.map_err(|e| self.fault(e))?;
            return Err(out_of_step(states.name(), key.value()));
        }
        Ok(all)
    }

    /// Config and state of one object, which must have both or neither.
    fn load_one<C: Lifted, S: Lifted>(
        &self,
        configs: Records,
        states: Records,
        key: &str,
    ) -> Result<Option<(C, S)>> {
        match (self.object_at(configs, key)?, self.object_at(states, key)?) {
            (Some(config), Some(state)) => Ok(Some((config, state))),
            (None, None) => Ok(None),
            _ => Err(bad_layout(
                self.file,
                format!(
                    "{key:?} is in only one of {} and {}",
                    configs.name(),
                    states.name()
                ),
            )),
        }
    }
}

impl<T: Tx> StoreRead for View<'_, T> {
    fn container_meta(&self, id: &str) -> Result<Option<ObjectMeta>> {
        self.identity(CONTAINERS, id)
    }

    fn container_config(&self, id: &str) -> Result<Option<ContainerConfig>> {
        self.object_at(CONTAINER_CONFIGS, id)
    }

    fn pod_meta(&self, id: &str) -> Result<Option<ObjectMeta>> {
        self.identity(PODS, id)
    }

    fn container_namespace(&self, id: &str) -> Result<Option<String>> {
        self.namespace(CONTAINERS, id)
    }

    fn pod_namespace(&self, id: &str) -> Result<Option<String>> {
        self.namespace(PODS, id)
    }

    fn id_holder(&self, id: &str) -> Result<Option<HolderKind>> {
        if self.contains(CONTAINERS, id)? {
            return Ok(Some(HolderKind::Container));
        }
        Ok(self.contains(PODS, id)?.then_some(HolderKind::Pod))
    }

    fn name_holder(&self, name: &str) -> Result<Option<Holder>> {
        self.record(NAMES, name, |bytes| {
            let rec: NameRecord = decode_index(bytes, self.file, NAMES.name(), name)?;
            Ok(Holder {
                kind: rec.kind.into(),
                id: rec.id.to_owned(),
            })
        })
    }

    fn container_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        self.first_two_visible(CONTAINERS, prefix, ns)
    }

    fn pod_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        self.first_two_visible(PODS, prefix, ns)
    }

    fn volume_exists(&self, name: &str) -> Result<bool> {
        self.contains(VOLUME_CONFIGS, name)
    }

    fn volume_name_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        self.first_two(VOLUME_CONFIGS, prefix, |_, _| Ok(true))
    }

    fn networks(&self, id: &str) -> Result<BTreeMap<String, Vec<String>>> {
        let networks = self.record(CONTAINERS, id, |bytes| {
            Ok(decode_container(bytes, self.file, id)?.networks_map())
        })?;
        Ok(networks.unwrap_or_default())
    }

    fn dependents(&self, id: &str) -> Result<Vec<String>> {
        self.seconds(DEPENDENTS, id)
    }

    fn pod_members(&self, id: &str) -> Result<Vec<String>> {
        self.seconds(POD_MEMBERS, id)
    }

    fn volume_users(&self, name: &str) -> Result<Vec<String>> {
        self.seconds(VOLUME_USERS, name)
    }

    fn container_exec_sessions(&self, id: &str) -> Result<Vec<String>> {
        self.seconds(CONTAINER_EXEC_SESSIONS, id)
    }

    fn removal_blockers(&self, id: &str) -> Result<Blockers> {
        Ok(Blockers {
            session: self.first_second(CONTAINER_EXEC_SESSIONS, id)?,
            dependent: self.first_second(DEPENDENTS, id)?,
        })
    }

    fn exec_session_owner(&self, id: &str) -> Result<Option<String>> {
        let table = self.table(EXEC_SESSIONS)?;
        let guard = table.get(id).map_err(|e| self.fault(e))?;
        Ok(guard.map(|g| g.value().to_owned()))
    }

    fn db_config(&self) -> Result<DbConfig> {
        Ok(self.object_at(META, DB_CONFIG_KEY)?.unwrap_or_default())
    }
}

impl<T: Tx> StoreLoad for View<'_, T> {
    fn load_container(&self, id: &str) -> Result<Option<Container>> {
        let loaded = self.load_one(CONTAINER_CONFIGS, CONTAINER_STATES, id)?;
        Ok(loaded.map(|(config, state)| Container { config, state }))
    }

    fn load_container_state(&self, id: &str) -> Result<Option<ContainerState>> {
        self.object_at(CONTAINER_STATES, id)
    }

    fn load_pod(&self, id: &str) -> Result<Option<Pod>> {
        let loaded = self.load_one(POD_CONFIGS, POD_STATES, id)?;
        Ok(loaded.map(|(config, state)| Pod { config, state }))
    }

    fn load_volume(&self, name: &str) -> Result<Option<Volume>> {
        let loaded = self.load_one(VOLUME_CONFIGS, VOLUME_STATES, name)?;
        Ok(loaded.map(|(config, state)| Volume { config, state }))
    }

    fn load_all_containers(&self, ns: &str) -> Result<Vec<Container>> {
        let only = (!ns.is_empty()).then_some((CONTAINERS, ns));
        let all = self.load_all(CONTAINER_CONFIGS, CONTAINER_STATES, only)?;
        Ok(all
            .into_iter()
            .map(|(config, state)| Container { config, state })
            .collect())
    }

    fn load_all_pods(&self, ns: &str) -> Result<Vec<Pod>> {
        let only = (!ns.is_empty()).then_some((PODS, ns));
        let all = self.load_all(POD_CONFIGS, POD_STATES, only)?;
        Ok(all
            .into_iter()
            .map(|(config, state)| Pod { config, state })
            .collect())
    }

    fn load_all_volumes(&self) -> Result<Vec<Volume>> {
        let all = self.load_all(VOLUME_CONFIGS, VOLUME_STATES, None)?;
        Ok(all
            .into_iter()
            .map(|(config, state)| Volume { config, state })
            .collect())
    }
}
