//! The second SQLite baseline, `raw-sqlite-idx`: plain rusqlite at the backend's settings with
//! the backend's own schema (`podstate_sqlite::schema::SCHEMA`, foreign keys on) and the same
//! inserts and deletes the backend makes for a container: the `object` row (identity, record,
//! networks and aliases), the volume users by their keys, the dependency edges. No check reads,
//! no version check, no turns among writers: what the backend's index work costs by itself, beside
//! `raw-sqlite` (one table), which is the baseline the targets of issue 20 are stated against.
//! Only the durable calls the paired write phases need ([`super::turns`]).

use anyhow::{Context, bail};
use std::collections::BTreeMap;
use std::path::Path;

use podstate_api::{Container, Volume};
use rusqlite::{Connection, params};

use super::raw::{self, Encoded};
use super::turns::Writer;

/// Plain rusqlite on a file laid out with the backend's schema.
pub struct SchemaSqlite {
    conn: Connection,
}

impl SchemaSqlite {
    /// A new database in `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<SchemaSqlite> {
        let conn = Connection::open(dir.join("raw-idx.db")).context("open raw-idx sqlite")?;
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .context("pragma")?;
        conn.set_prepared_statement_cache_capacity(64);
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .context("WAL")?;
        if mode != "wal" {
            bail!("raw-idx sqlite: journal mode {mode}");
        }
        conn.execute_batch(podstate_sqlite::schema::SCHEMA)
            .context("the backend's schema")?;
        Ok(SchemaSqlite { conn })
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction, committed when `f` succeeds.
    fn write(&self, f: impl FnOnce(&Connection) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let c = &self.conn;
        let sql = |s: &str| {
            c.prepare_cached(s)
                .and_then(|mut st| st.execute([]))
                .with_context(|| s.to_owned())
        };
        sql("BEGIN IMMEDIATE")?;
        match f(c) {
            Ok(()) => sql("COMMIT").map(drop),
            Err(e) => {
                let _ = sql("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Runs one cached statement.
fn exec(c: &Connection, sql: &str, args: impl rusqlite::Params) -> anyhow::Result<()> {
    c.prepare_cached(sql)
        .and_then(|mut st| st.execute(args))
        .map(drop)
        .with_context(|| sql.to_owned())
}

impl Writer for SchemaSqlite {
    fn name(&self) -> &str {
        "raw-sqlite-idx"
    }

    fn add_volume(&self, vol: &Volume) -> anyhow::Result<()> {
        self.write(|c| {
            exec(
                c,
                "INSERT INTO volume (name, config, config_payload, state, state_payload) \
                 VALUES (?1, '{}', 'null', '{}', 'null')",
                [vol.name()],
            )
        })
    }

    fn add(&self, ctr: &Container) -> anyhow::Result<()> {
        let Encoded {
            config,
            config_payload,
            state,
            state_payload,
        } = raw::encode(ctr)?;
        let cfg = &ctr.config;
        let id = cfg.id.as_str();
        let networks: BTreeMap<&str, Vec<&str>> = cfg
            .networks
            .iter()
            .map(|net| {
                let aliases = cfg.network_aliases.get(net).into_iter().flatten();
                (net.as_str(), aliases.map(String::as_str).collect())
            })
            .collect();
        let networks = serde_json::to_string(&networks)?;
        self.write(|c| {
            exec(
                c,
                "INSERT INTO object (id, kind, name, namespace, pod, networks, config, \
                 config_payload, state, state_payload) \
                 VALUES (?1, 'container', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    id,
                    cfg.name,
                    cfg.namespace,
                    cfg.pod,
                    networks,
                    config,
                    config_payload,
                    state,
                    state_payload
                ],
            )?;
            for dep in &cfg.depends_on {
                exec(
                    c,
                    "INSERT INTO dependency (ctr, dep) VALUES (?1, ?2)",
                    params![id, dep],
                )?;
            }
            for vol in &cfg.named_volumes {
                exec(
                    c,
                    "INSERT INTO volume_user (volume, ctr) VALUES (?1, ?2)",
                    params![vol.name, id],
                )?;
            }
            Ok(())
        })
    }

    fn remove(&self, ctr: &Container) -> anyhow::Result<()> {
        let id = &ctr.config.id;
        self.write(|c| {
            for vol in &ctr.config.named_volumes {
                exec(
                    c,
                    "DELETE FROM volume_user WHERE volume = ?1 AND ctr = ?2",
                    params![vol.name, id],
                )?;
            }
            exec(
                c,
                "DELETE FROM object WHERE id = ?1 AND kind = 'container'",
                [id],
            )
        })
    }
}
