//! What `SqliteStore::verify` reads: every row of every table, in one read transaction, as an
//! [`Inventory`] for the invariant checks of `podstate-api`. A row that does not decode is
//! listed, not fatal, so that one damaged record does not hide the rest.

use std::collections::BTreeMap;

use podstate_api::raw::HolderKind;
use podstate_api::verify::{IdentityIndex, IndexedIdentity, Indexes, Inventory, Violation};
use podstate_api::{DbConfig, Result};

use crate::record;
use crate::store::SqliteTx;

/// The rows of one table, each decoded or listed as unreadable (its key kept in `unread`).
fn each<T>(
    tx: &SqliteTx<'_>,
    sql: &str,
    inv: &mut Inventory,
    decode: impl Fn(&rusqlite::Row<'_>) -> Result<(String, T)>,
    mut keep: impl FnMut(String, T),
    table: &str,
) -> Result<()> {
    let rows = tx.all(sql, [], |row| {
        let key: String = tx.text(row, 0)?;
        Ok(decode(row).map_err(|e| (key, e)))
    })?;
    for row in rows {
        match row {
            Ok((key, value)) => keep(key, value),
            Err((key, e)) => {
                inv.unreadable
                    .push(Violation::unreadable(format!("{table} {key:?}"), e));
                let unread = match table {
                    "container" => &mut inv.unread.containers,
                    "pod" => &mut inv.unread.pods,
                    _ => &mut inv.unread.volumes,
                };
                unread.insert(key);
            }
        }
    }
    Ok(())
}

/// An identity index read from `sql`, whose rows are (ID, kind, name, namespace), the name
/// `NULL` where the table does not keep names. An unknown kind is listed as unreadable.
fn identities(
    tx: &SqliteTx<'_>,
    place: &str,
    kinds: &[HolderKind],
    sql: &str,
    inv: &mut Inventory,
) -> Result<IdentityIndex> {
    type Row = (String, String, Option<String>, String);
    let rows: Vec<Row> = tx.all(sql, [], |row| {
        let name = row.get(2).map_err(|e| tx.conn.err(e))?;
        Ok((tx.text(row, 0)?, tx.text(row, 1)?, name, tx.text(row, 3)?))
    })?;
    let mut index = IdentityIndex {
        place: place.to_owned(),
        kinds: kinds.to_vec(),
        entries: BTreeMap::new(),
    };
    for (id, kind, name, namespace) in rows {
        let kind = match kind.as_str() {
            "container" => HolderKind::Container,
            "pod" => HolderKind::Pod,
            other => {
                let why = format!("unknown kind {other:?}");
                inv.unreadable
                    .push(Violation::unreadable(format!("{place} {id:?}"), why));
                continue;
            }
        };
        let entry = IndexedIdentity {
            kind,
            name,
            namespace: Some(namespace),
            pod: None,
        };
        index.entries.insert(id, entry);
    }
    Ok(index)
}

impl SqliteTx<'_> {
    /// Every record and index row, as stored.
    pub(crate) fn inventory(&self) -> Result<Inventory> {
        let mut inv = Inventory::default();
        let mut idx = Indexes {
            names: Some(BTreeMap::new()),
            ..Indexes::default()
        };
        let mut containers = BTreeMap::new();
        each(
            self,
            "SELECT id, config, config_payload, state, state_payload FROM object \
             WHERE kind = 'container' ORDER BY id",
            &mut inv,
            |row| {
                let id: String = self.text(row, 0)?;
                Ok((id.clone(), self.container_row(row, 1, &id)?))
            },
            |id, c| {
                containers.insert(id, c);
            },
            "container",
        )?;
        let mut pods = BTreeMap::new();
        each(
            self,
            "SELECT id, config, config_payload, state, state_payload FROM object \
             WHERE kind = 'pod' ORDER BY id",
            &mut inv,
            |row| {
                let id: String = self.text(row, 0)?;
                Ok((id.clone(), self.pod_row(row, 1, &id)?))
            },
            |id, p| {
                pods.insert(id, p);
            },
            "pod",
        )?;
        let mut volumes = BTreeMap::new();
        each(
            self,
            "SELECT name, config, config_payload, state, state_payload FROM volume ORDER BY name",
            &mut inv,
            |row| {
                let name: String = self.text(row, 0)?;
                Ok((name.clone(), self.volume_row(row, 1, &name)?))
            },
            |name, v| {
                volumes.insert(name, v);
            },
            "volume",
        )?;
        // The columns of `object` that copy identity fields out of the records (what lookups,
        // prefix scans, list calls and the name space read). A container's `pod` column is
        // the membership index below.
        let both = [HolderKind::Container, HolderKind::Pod];
        let object = identities(
            self,
            "the object table",
            &both,
            "SELECT id, kind, name, namespace FROM object",
            &mut inv,
        )?;
        for (id, entry) in &object.entries {
            if let Some(name) = &entry.name {
                let names = idx.names.get_or_insert_default();
                names.insert(name.clone(), (entry.kind, id.clone()));
            }
        }
        idx.identities.push(object);
        for (dep, ctr) in self.pairs("SELECT dep, ctr FROM dependency")? {
            idx.dependents.entry(dep).or_default().insert(ctr);
        }
        for (pod, ctr) in self.pairs("SELECT pod, id FROM object WHERE pod IS NOT NULL")? {
            idx.members.entry(pod).or_default().insert(ctr);
        }
        for (vol, ctr) in self.pairs("SELECT volume, ctr FROM volume_user")? {
            idx.volume_users.entry(vol).or_default().insert(ctr);
        }
        for (session, ctr) in self.pairs("SELECT id, ctr FROM exec_session")? {
            idx.container_sessions
                .entry(ctr.clone())
                .or_default()
                .insert(session.clone());
            inv.exec_sessions.insert(session, ctr);
        }
        // Every container's `networks` column (a pod has none: the schema's CHECK).
        for (ctr, json) in self.pairs(
            "SELECT id, networks FROM object WHERE kind = 'container' AND networks IS NOT NULL",
        )? {
            match record::decode_networks(&self.conn.path, &ctr, &json) {
                Ok(networks) => {
                    for (net, aliases) in networks {
                        inv.networks
                            .entry(ctr.clone())
                            .or_default()
                            .insert(net.clone());
                        let stored = inv.aliases.entry(ctr.clone()).or_default();
                        stored.entry(net).or_default().extend(aliases);
                    }
                }
                Err(e) => inv
                    .unreadable
                    .push(Violation::unreadable(format!("networks of {ctr:?}"), e)),
            }
        }
        if let Some(json) = self.one("SELECT config FROM db_config", [], |row| self.text(row, 0))?
            && let Err(e) =
                record::decode_plain::<DbConfig>(&self.conn.path, "the DB config", &json)
        {
            inv.unreadable.push(Violation::unreadable("db_config", e));
        }
        inv.containers = containers;
        inv.pods = pods;
        inv.volumes = volumes;
        inv.indexes = Some(idx);
        Ok(inv)
    }

    /// Every row of a two-column query.
    fn pairs(&self, sql: &str) -> Result<Vec<(String, String)>> {
        self.all(sql, [], |row| Ok((self.text(row, 0)?, self.text(row, 1)?)))
    }
}
