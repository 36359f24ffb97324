//! The SQLite baseline: plain rusqlite at the backend's settings (bundled SQLite, WAL,
//! `synchronous=FULL`, a read transaction per read, `BEGIN IMMEDIATE` per write), one table
//! with the same JSON bytes, and the probes a lookup needs: exact ID, exact name, ID prefix
//! (a range scan of the primary key), then the record.

use std::path::{Path, PathBuf};

use podstate_api::{Container, Pod, Volume};
use rusqlite::{Connection, OptionalExtension, params};

use super::raw::{self, Encoded};
use super::subject::{R, Subject, fail};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ctr (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    pod TEXT,
    config TEXT NOT NULL,
    config_payload TEXT NOT NULL,
    state TEXT NOT NULL,
    state_payload TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS ctr_pod ON ctr (pod, id) WHERE pod IS NOT NULL;";

const LOAD: &str = "SELECT config, config_payload, state, state_payload FROM ctr WHERE id = ?1";

/// Plain rusqlite on one file.
pub struct RawSqlite {
    dir: PathBuf,
    conn: Connection,
}

/// A connection set up as the backend sets up its own.
fn connect(path: &Path) -> R<Connection> {
    let conn = Connection::open(path).map_err(|e| fail("open raw sqlite", e))?;
    conn.execute_batch("PRAGMA synchronous = FULL;")
        .map_err(|e| fail("pragma", e))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl RawSqlite {
    /// A new database in `dir`.
    pub fn open(dir: &Path) -> R<RawSqlite> {
        let conn = connect(&dir.join("raw.db"))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| fail("WAL", e))?;
        if mode != "wal" {
            return Err(format!("raw sqlite: journal mode {mode}"));
        }
        conn.execute_batch(SCHEMA)
            .map_err(|e| fail("raw schema", e))?;
        Ok(RawSqlite {
            dir: dir.to_owned(),
            conn,
        })
    }

    /// Runs `f` in a transaction begun with `begin`, committed when `f` succeeds.
    fn tx<T>(&self, begin: &str, f: impl FnOnce(&Connection) -> R<T>) -> R<T> {
        let c = &self.conn;
        let sql = |s: &str| {
            c.prepare_cached(s)
                .and_then(|mut st| st.execute([]))
                .map_err(|e| fail(s, e))
        };
        sql(begin)?;
        match f(c) {
            Ok(v) => sql("COMMIT").map(|_| v),
            Err(e) => {
                let _ = sql("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// The container `id`, if stored.
fn load(c: &Connection, id: &str) -> R<Option<Container>> {
    let mut st = c.prepare_cached(LOAD).map_err(|e| fail("prepare", e))?;
    let mut rows = st.query([id]).map_err(|e| fail("load", e))?;
    let Some(row) = rows.next().map_err(|e| fail("load", e))? else {
        return Ok(None);
    };
    let text = |i| row.get_ref(i).and_then(|v| Ok(v.as_str()?));
    let texts = (text(0), text(1), text(2), text(3));
    match texts {
        (Ok(a), Ok(b), Ok(s), Ok(t)) => raw::decode(a, b, s, t).map(Some),
        _ => Err("raw sqlite: a record is not text".into()),
    }
}

/// One string column of the first row of `sql`.
fn probe(c: &Connection, sql: &str, args: impl rusqlite::Params) -> R<Option<String>> {
    c.prepare_cached(sql)
        .and_then(|mut st| st.query_row(args, |r| r.get(0)).optional())
        .map_err(|e| fail(sql, e))
}

/// The lookup of a resolution: exact ID, exact name, unique ID prefix.
fn resolve(c: &Connection, s: &str) -> R<Container> {
    let id = match probe(c, "SELECT id FROM ctr WHERE id = ?1", [s])? {
        Some(id) => id,
        None => match probe(c, "SELECT id FROM ctr WHERE name = ?1", [s])? {
            Some(id) => id,
            None => {
                let mut st = c
                    .prepare_cached(
                        "SELECT id FROM ctr WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2",
                    )
                    .map_err(|e| fail("prepare", e))?;
                let ids: Vec<String> = st
                    .query_map(params![s, raw::prefix_end(s)], |r| r.get(0))
                    .and_then(Iterator::collect)
                    .map_err(|e| fail("prefix", e))?;
                match ids.as_slice() {
                    [id] => id.clone(),
                    _ => return Err(format!("raw sqlite: {s:?} resolves to {ids:?}")),
                }
            }
        },
    };
    load(c, &id)?.ok_or_else(|| format!("raw sqlite: {id} vanished"))
}

fn insert(c: &Connection, ctr: &Container) -> R<()> {
    let Encoded {
        config,
        config_payload,
        state,
        state_payload,
    } = raw::encode(ctr)?;
    c.prepare_cached("INSERT INTO ctr VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .and_then(|mut st| {
            st.execute(params![
                ctr.config.id,
                ctr.config.name,
                ctr.config.pod,
                config,
                config_payload,
                state,
                state_payload
            ])
        })
        .map(drop)
        .map_err(|e| fail("insert", e))
}

impl Subject for RawSqlite {
    fn name(&self) -> &str {
        "raw-sqlite"
    }

    fn dir(&self) -> Option<&Path> {
        Some(&self.dir)
    }

    fn add_volume(&self, _: &Volume) -> R<()> {
        Ok(())
    }

    fn add(&self, ctr: &Container) -> R<()> {
        self.tx("BEGIN IMMEDIATE", |c| insert(c, ctr))
    }

    fn add_pod(&self, _: &Pod, members: &[Container]) -> R<()> {
        members.iter().try_for_each(|m| self.add(m))
    }

    fn lookup(&self, s: &str) -> R<Container> {
        self.tx("BEGIN", |c| resolve(c, s))
    }

    fn get(&self, id: &str) -> R<Container> {
        self.tx("BEGIN", |c| {
            load(c, id)?.ok_or_else(|| format!("raw sqlite: no {id}"))
        })
    }

    fn save(&self, ctr: &Container) -> R<()> {
        let (state, payload) = raw::encode_state(&ctr.state)?;
        self.tx("BEGIN IMMEDIATE", |c| {
            c.prepare_cached("UPDATE ctr SET state = ?2, state_payload = ?3 WHERE id = ?1")
                .and_then(|mut st| st.execute(params![ctr.config.id, state, payload]))
                .map(drop)
                .map_err(|e| fail("update", e))
        })
    }

    fn update(&self, ctr: &mut Container) -> R<()> {
        ctr.state = self.tx("BEGIN", |c| {
            let mut st = c
                .prepare_cached("SELECT state, state_payload FROM ctr WHERE id = ?1")
                .map_err(|e| fail("prepare", e))?;
            let (s, p): (String, String) = st
                .query_row([&ctr.config.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| fail("state", e))?;
            raw::decode_state(&s, &p)
        })?;
        Ok(())
    }

    fn all(&self) -> R<Vec<Container>> {
        self.tx("BEGIN", |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT config, config_payload, state, state_payload FROM ctr ORDER BY id",
                )
                .map_err(|e| fail("prepare", e))?;
            let mut rows = st.query([]).map_err(|e| fail("scan", e))?;
            let mut all = Vec::new();
            while let Some(row) = rows.next().map_err(|e| fail("scan", e))? {
                let text = |i| row.get_ref(i).and_then(|v| Ok(v.as_str()?));
                match (text(0), text(1), text(2), text(3)) {
                    (Ok(a), Ok(b), Ok(s), Ok(t)) => all.push(raw::decode(a, b, s, t)?),
                    _ => return Err("raw sqlite: a record is not text".into()),
                }
            }
            Ok(all)
        })
    }

    fn pod_containers(&self, pod: &Pod) -> R<Vec<Container>> {
        self.tx("BEGIN", |c| {
            let mut st = c
                .prepare_cached("SELECT id FROM ctr WHERE pod = ?1 ORDER BY id")
                .map_err(|e| fail("prepare", e))?;
            let ids: Vec<String> = st
                .query_map([pod.id()], |r| r.get(0))
                .and_then(Iterator::collect)
                .map_err(|e| fail("members", e))?;
            ids.iter()
                .map(|id| load(c, id)?.ok_or_else(|| format!("raw sqlite: no {id}")))
                .collect()
        })
    }

    fn cli_lookup(&self, name: &str) -> Option<R<Container>> {
        Some((|| {
            let conn = connect(&self.dir.join("raw.db"))?;
            let other = RawSqlite {
                dir: self.dir.clone(),
                conn,
            };
            other.lookup(name)
        })())
    }

    fn remove(&self, ctr: &Container) -> R<()> {
        self.tx("BEGIN IMMEDIATE", |c| {
            c.prepare_cached("DELETE FROM ctr WHERE id = ?1")
                .and_then(|mut st| st.execute([&ctr.config.id]))
                .map(drop)
                .map_err(|e| fail("delete", e))
        })
    }

    fn remove_pod(&self, pod: &Pod) -> R<()> {
        self.tx("BEGIN IMMEDIATE", |c| {
            c.prepare_cached("DELETE FROM ctr WHERE pod = ?1")
                .and_then(|mut st| st.execute([pod.id()]))
                .map(drop)
                .map_err(|e| fail("delete", e))
        })
    }
}
