//! The reads of one transaction: point look-ups and index range scans, each a cached statement.

use std::collections::BTreeMap;

use podstate_api::raw::{
    Blockers, Holder, HolderKind, NamedObject, ObjectMeta, StoreLoad, StoreRead,
};
use podstate_api::{
    Container, ContainerConfig, ContainerState, DbConfig, ErrorKind, Pod, PodConfig, Result,
    StateError, Volume, VolumeConfig,
};
use rusqlite::{Params, Row, ToSql};

use crate::error;
use crate::record::{self, Record};
use crate::store::SqliteTx;

/// The holder of a name in the shared container/pod name space, and its namespace: one
/// statement for the collision checks and the lookups by name.
const BY_NAME: &str = "SELECT kind, id, namespace FROM object WHERE name = ?1";

/// The first two IDs of one kind starting with a prefix, visible in a namespace: a range scan
/// of the `object` primary key from the prefix to [`prefix_end`], stopping at the second match.
/// `?1` = prefix, `?2` = end, `?3` = namespace (`''` sees all), `?4` = kind.
pub(crate) const ID_PREFIX: &str = "SELECT id FROM object \
     WHERE id >= ?1 AND id < ?2 AND kind = ?4 AND (?3 = '' OR namespace = ?3) \
     ORDER BY id LIMIT 2";

/// [`ID_PREFIX`] for a prefix that has no end (made only of U+10FFFF): every ID from the
/// prefix on starts with it. `?1` = prefix, `?2` = namespace, `?3` = kind.
pub(crate) const ID_PREFIX_OPEN: &str = "SELECT id FROM object \
     WHERE id >= ?1 AND kind = ?3 AND (?2 = '' OR namespace = ?2) \
     ORDER BY id LIMIT 2";

/// The first two volume names starting with a prefix, as [`ID_PREFIX`].
pub(crate) const VOLUME_PREFIX: &str =
    "SELECT name FROM volume WHERE name >= ?1 AND name < ?2 ORDER BY name LIMIT 2";

/// [`VOLUME_PREFIX`] for a prefix that has no end.
pub(crate) const VOLUME_PREFIX_OPEN: &str =
    "SELECT name FROM volume WHERE name >= ?1 ORDER BY name LIMIT 2";

/// Every container visible in a namespace, in ID order.
pub(crate) const ALL_CONTAINERS: &str = "SELECT id, config, config_payload, state, state_payload \
     FROM object WHERE kind = 'container' AND (?1 = '' OR namespace = ?1) ORDER BY id";

/// Every pod visible in a namespace, in ID order: a walk of the `object_pods` index, which
/// holds only pods.
pub(crate) const ALL_PODS: &str = "SELECT id, config, config_payload, state, state_payload \
     FROM object WHERE kind = 'pod' AND (?1 = '' OR namespace = ?1) ORDER BY id";

/// The least string above every string that starts with `prefix`, so that a string starts with
/// `prefix` exactly when it is `>= prefix` and `<` this bound, in byte order (SQLite's BINARY).
///
/// Incrementing the last byte could make invalid UTF-8, which SQLite would not compare as text;
/// incrementing the last *character* (skipping the surrogate gap) keeps the bound a valid
/// string, and byte order of UTF-8 is code-point order. A last character U+10FFFF has no next:
/// it is dropped and the one before it is incremented. `None` when every character is U+10FFFF
/// (then every string from `prefix` on starts with it).
pub(crate) fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            c => char::from_u32(u32::from(c) + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

impl SqliteTx<'_> {
    /// The first row `sql` answers, mapped, or `None`.
    pub(crate) fn one<T>(
        &self,
        sql: &str,
        params: impl Params,
        map: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let conn = &*self.conn;
        let mut stmt = conn.sql.prepare_cached(sql).map_err(|e| conn.err(e))?;
        let mut rows = stmt.query(params).map_err(|e| conn.err(e))?;
        match rows.next().map_err(|e| conn.err(e))? {
            Some(row) => map(row).map(Some),
            None => Ok(None),
        }
    }

    /// Every row `sql` answers, mapped.
    pub(crate) fn all<T>(
        &self,
        sql: &str,
        params: impl Params,
        mut map: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let conn = &*self.conn;
        let mut stmt = conn.sql.prepare_cached(sql).map_err(|e| conn.err(e))?;
        let mut rows = stmt.query(params).map_err(|e| conn.err(e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| conn.err(e))? {
            out.push(map(row)?);
        }
        Ok(out)
    }

    /// Every string in the first column of what `sql` answers.
    fn strings(&self, sql: &str, params: impl Params) -> Result<Vec<String>> {
        self.all(sql, params, |row| self.text(row, 0))
    }

    /// Column `idx` of `row` as an owned string.
    pub(crate) fn text(&self, row: &Row<'_>, idx: usize) -> Result<String> {
        row.get(idx).map_err(|e| self.conn.err(e))
    }

    /// Column `idx` of `row` as text, without a copy.
    fn text_ref<'r>(&self, row: &'r Row<'_>, idx: usize) -> Result<&'r str> {
        let value = row.get_ref(idx).map_err(|e| self.conn.err(e))?;
        value.as_str().map_err(|e| {
            let e = rusqlite::Error::FromSqlConversionFailure(idx, value.data_type(), Box::new(e));
            self.conn.err(e)
        })
    }

    /// The record stored in columns `idx` (JSON) and `idx + 1` (its payload) of `row`; `what`
    /// names it in an error.
    fn record<R: Record>(&self, row: &Row<'_>, idx: usize, what: impl Fn() -> String) -> Result<R> {
        let json = self.text_ref(row, idx)?;
        let payload = self.text_ref(row, idx + 1)?;
        record::decode(json, payload).map_err(|e| error::record(&self.conn.path, &what(), e))
    }

    /// `Corrupt` unless the record found under key `key` is the one it names (`stored`).
    fn same_key(&self, noun: &str, key: &str, stored: &str) -> Result<()> {
        if key == stored {
            return Ok(());
        }
        Err(StateError::new(
            ErrorKind::Corrupt,
            format!(
                "SQLite database {}: the record of {noun} {key:?} holds {noun} {stored:?}",
                self.conn.path.display()
            ),
        ))
    }

    /// The first two keys that start with `prefix` (see [`prefix_end`]): `bounded` takes the
    /// prefix, its end and `more`; `open`, for a prefix without an end, the prefix and `more`.
    fn first_two(
        &self,
        bounded: &str,
        open: &str,
        prefix: &str,
        more: &[&dyn ToSql],
    ) -> Result<Vec<String>> {
        let end = prefix_end(prefix);
        let mut params: Vec<&dyn ToSql> = vec![&prefix];
        let sql = match &end {
            Some(end) => {
                params.push(end);
                bounded
            }
            None => open,
        };
        params.extend_from_slice(more);
        self.strings(sql, params.as_slice())
    }

    /// The blockers in columns `idx` (an exec session) and `idx + 1` (a dependent) of `row`.
    fn blockers(&self, row: &Row<'_>, idx: usize) -> Result<Blockers> {
        let column = |idx| row.get(idx).map_err(|e| self.conn.err(e));
        Ok(Blockers {
            session: column(idx)?,
            dependent: column(idx + 1)?,
        })
    }

    /// A container stored in columns `idx..idx + 4` of `row`, under ID `id`.
    pub(crate) fn container_row(&self, row: &Row<'_>, idx: usize, id: &str) -> Result<Container> {
        let config: ContainerConfig =
            self.record(row, idx, || format!("config of container {id:?}"))?;
        self.same_key("container", id, &config.id)?;
        let state = self.record(row, idx + 2, || format!("state of container {id:?}"))?;
        Ok(Container { config, state })
    }

    /// A pod stored in columns `idx..idx + 4` of `row`, under ID `id`.
    pub(crate) fn pod_row(&self, row: &Row<'_>, idx: usize, id: &str) -> Result<Pod> {
        let config: PodConfig = self.record(row, idx, || format!("config of pod {id:?}"))?;
        self.same_key("pod", id, &config.id)?;
        let state = self.record(row, idx + 2, || format!("state of pod {id:?}"))?;
        Ok(Pod { config, state })
    }

    /// A volume stored in columns `idx..idx + 4` of `row`, under name `name`.
    pub(crate) fn volume_row(&self, row: &Row<'_>, idx: usize, name: &str) -> Result<Volume> {
        let config: VolumeConfig =
            self.record(row, idx, || format!("config of volume {name:?}"))?;
        self.same_key("volume", name, &config.name)?;
        let state = self.record(row, idx + 2, || format!("state of volume {name:?}"))?;
        Ok(Volume { config, state })
    }
}

impl StoreRead for SqliteTx<'_> {
    fn container_meta(&self, id: &str) -> Result<Option<ObjectMeta>> {
        self.one(
            "SELECT name, namespace, pod FROM object WHERE id = ?1 AND kind = 'container'",
            [id],
            |row| {
                Ok(ObjectMeta {
                    name: self.text(row, 0)?,
                    namespace: self.text(row, 1)?,
                    pod: row.get(2).map_err(|e| self.conn.err(e))?,
                })
            },
        )
    }

    fn container_config(&self, id: &str) -> Result<Option<ContainerConfig>> {
        self.one(
            "SELECT config, config_payload FROM object WHERE id = ?1 AND kind = 'container'",
            [id],
            |row| {
                let config: ContainerConfig =
                    self.record(row, 0, || format!("config of container {id:?}"))?;
                self.same_key("container", id, &config.id)?;
                Ok(config)
            },
        )
    }

    fn pod_meta(&self, id: &str) -> Result<Option<ObjectMeta>> {
        self.one(
            "SELECT name, namespace FROM object WHERE id = ?1 AND kind = 'pod'",
            [id],
            |row| {
                Ok(ObjectMeta {
                    name: self.text(row, 0)?,
                    namespace: self.text(row, 1)?,
                    pod: None,
                })
            },
        )
    }

    fn container_namespace(&self, id: &str) -> Result<Option<String>> {
        // One probe of the `object` key, reading no more of the row than its namespace.
        self.one(
            "SELECT namespace FROM object WHERE id = ?1 AND kind = 'container'",
            [id],
            |row| self.text(row, 0),
        )
    }

    fn pod_namespace(&self, id: &str) -> Result<Option<String>> {
        self.one(
            "SELECT namespace FROM object WHERE id = ?1 AND kind = 'pod'",
            [id],
            |row| self.text(row, 0),
        )
    }

    fn id_holder(&self, id: &str) -> Result<Option<HolderKind>> {
        self.one("SELECT kind FROM object WHERE id = ?1", [id], |row| {
            kind(self, row)
        })
    }

    fn name_holder(&self, name: &str) -> Result<Option<Holder>> {
        self.one(BY_NAME, [name], |row| {
            Ok(Holder {
                kind: kind(self, row)?,
                id: self.text(row, 1)?,
            })
        })
    }

    fn named_object(&self, wanted: HolderKind, name: &str) -> Result<Option<NamedObject>> {
        // The row the name's key leads to holds the namespace too: one probe, not two.
        let found = self.one(BY_NAME, [name], |row| {
            if kind(self, row)? != wanted {
                return Ok(None);
            }
            Ok(Some(NamedObject {
                id: self.text(row, 1)?,
                namespace: self.text(row, 2)?,
            }))
        })?;
        Ok(found.flatten())
    }

    fn container_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        self.first_two(ID_PREFIX, ID_PREFIX_OPEN, prefix, &[&ns, &"container"])
    }

    fn pod_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        self.first_two(ID_PREFIX, ID_PREFIX_OPEN, prefix, &[&ns, &"pod"])
    }

    fn volume_exists(&self, name: &str) -> Result<bool> {
        let found = self.one("SELECT 1 FROM volume WHERE name = ?1", [name], |_| Ok(()))?;
        Ok(found.is_some())
    }

    fn volume_name_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        self.first_two(VOLUME_PREFIX, VOLUME_PREFIX_OPEN, prefix, &[])
    }

    fn networks(&self, id: &str) -> Result<BTreeMap<String, Vec<String>>> {
        let stored = self.one(
            "SELECT networks FROM object WHERE id = ?1 AND kind = 'container'",
            [id],
            |row| {
                let json = self.text_ref(row, 0)?;
                record::decode_networks(&self.conn.path, id, json)
            },
        )?;
        Ok(stored.unwrap_or_default())
    }

    fn dependents(&self, id: &str) -> Result<Vec<String>> {
        self.strings(
            "SELECT ctr FROM dependency WHERE dep = ?1 ORDER BY ctr",
            [id],
        )
    }

    fn pod_members(&self, id: &str) -> Result<Vec<String>> {
        self.strings("SELECT id FROM object WHERE pod = ?1 ORDER BY id", [id])
    }

    fn volume_users(&self, name: &str) -> Result<Vec<String>> {
        self.strings(
            "SELECT ctr FROM volume_user WHERE volume = ?1 ORDER BY ctr",
            [name],
        )
    }

    fn container_exec_sessions(&self, id: &str) -> Result<Vec<String>> {
        self.strings(
            "SELECT id FROM exec_session WHERE ctr = ?1 ORDER BY id",
            [id],
        )
    }

    fn removal_blockers(&self, id: &str) -> Result<Blockers> {
        // Both first entries in one statement: a probe of each child index.
        let found = self.one(
            "SELECT (SELECT id FROM exec_session WHERE ctr = ?1 ORDER BY id LIMIT 1), \
             (SELECT ctr FROM dependency WHERE dep = ?1 ORDER BY ctr LIMIT 1)",
            [id],
            |row| self.blockers(row, 0),
        )?;
        Ok(found.unwrap_or_default())
    }

    fn container_for_removal(&self, id: &str) -> Result<Option<(ObjectMeta, Blockers)>> {
        // The identity and both blockers in one statement.
        self.one(
            "SELECT name, namespace, pod, \
             (SELECT id FROM exec_session WHERE ctr = ?1 ORDER BY id LIMIT 1), \
             (SELECT ctr FROM dependency WHERE dep = ?1 ORDER BY ctr LIMIT 1) \
             FROM object WHERE id = ?1 AND kind = 'container'",
            [id],
            |row| {
                let meta = ObjectMeta {
                    name: self.text(row, 0)?,
                    namespace: self.text(row, 1)?,
                    pod: row.get(2).map_err(|e| self.conn.err(e))?,
                };
                Ok((meta, self.blockers(row, 3)?))
            },
        )
    }

    fn exec_session_owner(&self, id: &str) -> Result<Option<String>> {
        self.one("SELECT ctr FROM exec_session WHERE id = ?1", [id], |row| {
            self.text(row, 0)
        })
    }

    fn db_config(&self) -> Result<DbConfig> {
        let stored = self.one(
            "SELECT config FROM db_config WHERE singleton = 1",
            [],
            |row| record::decode_plain(&self.conn.path, "DB config", self.text_ref(row, 0)?),
        )?;
        Ok(stored.unwrap_or_default())
    }
}

/// The `kind` column of `row` (column 0).
fn kind(tx: &SqliteTx<'_>, row: &Row<'_>) -> Result<HolderKind> {
    let kind: String = tx.text(row, 0)?;
    match kind.as_str() {
        "container" => Ok(HolderKind::Container),
        "pod" => Ok(HolderKind::Pod),
        other => Err(StateError::new(
            ErrorKind::Corrupt,
            format!(
                "SQLite database {}: object kind {other:?} is neither container nor pod",
                tx.conn.path.display()
            ),
        )),
    }
}

impl StoreLoad for SqliteTx<'_> {
    fn load_container(&self, id: &str) -> Result<Option<Container>> {
        self.one(
            "SELECT config, config_payload, state, state_payload FROM object \
             WHERE id = ?1 AND kind = 'container'",
            [id],
            |row| self.container_row(row, 0, id),
        )
    }

    fn load_container_state(&self, id: &str) -> Result<Option<ContainerState>> {
        self.one(
            "SELECT state, state_payload FROM object WHERE id = ?1 AND kind = 'container'",
            [id],
            |row| self.record(row, 0, || format!("state of container {id:?}")),
        )
    }

    fn load_pod(&self, id: &str) -> Result<Option<Pod>> {
        self.one(
            "SELECT config, config_payload, state, state_payload FROM object \
             WHERE id = ?1 AND kind = 'pod'",
            [id],
            |row| self.pod_row(row, 0, id),
        )
    }

    fn load_volume(&self, name: &str) -> Result<Option<Volume>> {
        self.one(
            "SELECT config, config_payload, state, state_payload FROM volume WHERE name = ?1",
            [name],
            |row| self.volume_row(row, 0, name),
        )
    }

    fn load_all_containers(&self, ns: &str) -> Result<Vec<Container>> {
        self.all(ALL_CONTAINERS, [ns], |row| {
            self.container_row(row, 1, self.text_ref(row, 0)?)
        })
    }

    fn load_all_pods(&self, ns: &str) -> Result<Vec<Pod>> {
        self.all(ALL_PODS, [ns], |row| {
            self.pod_row(row, 1, self.text_ref(row, 0)?)
        })
    }

    fn load_all_volumes(&self) -> Result<Vec<Volume>> {
        self.all(
            "SELECT name, config, config_payload, state, state_payload FROM volume ORDER BY name",
            [],
            |row| self.volume_row(row, 1, self.text_ref(row, 0)?),
        )
    }
}
