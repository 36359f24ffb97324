//! The SQLite baseline: plain rusqlite at the backend's settings (bundled SQLite, WAL,
//! `synchronous=FULL`, a read transaction per read, `BEGIN IMMEDIATE` per write), one table
//! with the same JSON bytes, and the probes a lookup needs: exact ID, exact name, ID prefix
//! (a range scan of the primary key), then the record.

use anyhow::{Context, anyhow, bail};
use std::path::{Path, PathBuf};

use podstate_api::{Container, Pod, Volume};
use rusqlite::{Connection, OptionalExtension, params};

use super::raw::{self, Encoded};
use super::subject::Subject;

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

/// The statements of a lookup, on one table.
struct Lookup {
    by_id: &'static str,
    by_name: &'static str,
    by_prefix: &'static str,
    load: &'static str,
}

/// The baseline's lookup, on its one table.
const CTR: Lookup = Lookup {
    by_id: "SELECT id FROM ctr WHERE id = ?1",
    by_name: "SELECT id FROM ctr WHERE name = ?1",
    by_prefix: "SELECT id FROM ctr WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2",
    load: "SELECT config, config_payload, state, state_payload FROM ctr WHERE id = ?1",
};

/// The same statements on the SQLite backend's `object` table, which has the same columns.
const OBJECT: Lookup = Lookup {
    by_id: "SELECT id FROM object WHERE id = ?1",
    by_name: "SELECT id FROM object WHERE name = ?1",
    by_prefix: "SELECT id FROM object WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2",
    load: "SELECT config, config_payload, state, state_payload FROM object WHERE id = ?1",
};

/// Plain rusqlite on one file.
pub struct RawSqlite {
    dir: PathBuf,
    conn: Connection,
}

/// A connection set up as the backend sets up its own.
fn connect(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path).context("open raw sqlite")?;
    conn.execute_batch("PRAGMA synchronous = FULL;")
        .context("pragma")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl RawSqlite {
    /// A new database in `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<RawSqlite> {
        let conn = connect(&dir.join("raw.db"))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .context("WAL")?;
        if mode != "wal" {
            bail!("raw sqlite: journal mode {mode}");
        }
        conn.execute_batch(SCHEMA).context("raw schema")?;
        Ok(RawSqlite {
            dir: dir.to_owned(),
            conn,
        })
    }

    /// Runs `f` in a transaction on this database (see [`in_tx`]).
    fn tx<T>(
        &self,
        begin: &str,
        f: impl FnOnce(&Connection) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        in_tx(&self.conn, begin, f)
    }
}

/// Runs `f` on `c` in a transaction begun with `begin`, committed when `f` succeeds.
fn in_tx<T>(
    c: &Connection,
    begin: &str,
    f: impl FnOnce(&Connection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let sql = |s: &str| {
        c.prepare_cached(s)
            .and_then(|mut st| st.execute([]))
            .with_context(|| s.to_owned())
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

/// The container `id`, if stored.
fn load(c: &Connection, q: &Lookup, id: &str) -> anyhow::Result<Option<Container>> {
    let mut st = c.prepare_cached(q.load).context("prepare")?;
    let mut rows = st.query([id]).context("load")?;
    let Some(row) = rows.next().context("load")? else {
        return Ok(None);
    };
    let text = |i| row.get_ref(i).and_then(|v| Ok(v.as_str()?));
    let texts = (text(0), text(1), text(2), text(3));
    match texts {
        (Ok(a), Ok(b), Ok(s), Ok(t)) => raw::decode(a, b, s, t).map(Some),
        _ => Err(anyhow!("raw sqlite: a record is not text")),
    }
}

/// One string column of the first row of `sql`.
fn probe(c: &Connection, sql: &str, args: impl rusqlite::Params) -> anyhow::Result<Option<String>> {
    c.prepare_cached(sql)
        .and_then(|mut st| st.query_row(args, |r| r.get(0)).optional())
        .with_context(|| sql.to_owned())
}

/// The lookup of a resolution: exact ID, exact name, unique ID prefix.
fn resolve(c: &Connection, q: &Lookup, s: &str) -> anyhow::Result<Container> {
    let id = match probe(c, q.by_id, [s])? {
        Some(id) => id,
        None => match probe(c, q.by_name, [s])? {
            Some(id) => id,
            None => {
                let mut st = c.prepare_cached(q.by_prefix).context("prepare")?;
                let ids: Vec<String> = st
                    .query_map(params![s, raw::prefix_end(s)], |r| r.get(0))
                    .and_then(Iterator::collect)
                    .context("prefix")?;
                match ids.as_slice() {
                    [id] => id.clone(),
                    _ => bail!("raw sqlite: {s:?} resolves to {ids:?}"),
                }
            }
        },
    };
    load(c, q, &id)?.with_context(|| format!("raw sqlite: {id} vanished"))
}

/// Plain rusqlite's open + lookup + close on the SQLite backend's own database `file`: the
/// baseline's statements and settings, on the backend's `object` table. What SQLite itself
/// costs on the backend's schema (parsed by every new connection), told apart from what the
/// backend adds.
pub fn cli_lookup_on_backend_file(file: &Path, name: &str) -> anyhow::Result<Container> {
    in_tx(&connect(file)?, "BEGIN", |c| resolve(c, &OBJECT, name))
}

fn insert(c: &Connection, ctr: &Container) -> anyhow::Result<()> {
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
        .context("insert")
}

impl Subject for RawSqlite {
    fn name(&self) -> &str {
        "raw-sqlite"
    }

    fn dir(&self) -> Option<&Path> {
        Some(&self.dir)
    }

    fn add_volume(&self, _: &Volume) -> anyhow::Result<()> {
        Ok(())
    }

    fn add(&self, ctr: &Container) -> anyhow::Result<()> {
        self.tx("BEGIN IMMEDIATE", |c| insert(c, ctr))
    }

    fn add_pod(&self, _: &Pod, members: &[Container]) -> anyhow::Result<()> {
        members.iter().try_for_each(|m| self.add(m))
    }

    fn lookup(&self, s: &str) -> anyhow::Result<Container> {
        self.tx("BEGIN", |c| resolve(c, &CTR, s))
    }

    fn get(&self, id: &str) -> anyhow::Result<Container> {
        self.tx("BEGIN", |c| {
            load(c, &CTR, id)?.with_context(|| format!("raw sqlite: no {id}"))
        })
    }

    fn save(&self, ctr: &Container) -> anyhow::Result<()> {
        let (state, payload) = raw::encode_state(&ctr.state)?;
        self.tx("BEGIN IMMEDIATE", |c| {
            c.prepare_cached("UPDATE ctr SET state = ?2, state_payload = ?3 WHERE id = ?1")
                .and_then(|mut st| st.execute(params![ctr.config.id, state, payload]))
                .map(drop)
                .context("update")
        })
    }

    fn update(&self, ctr: &mut Container) -> anyhow::Result<()> {
        ctr.state = self.tx("BEGIN", |c| {
            let mut st = c
                .prepare_cached("SELECT state, state_payload FROM ctr WHERE id = ?1")
                .context("prepare")?;
            let (s, p): (String, String) = st
                .query_row([&ctr.config.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .context("state")?;
            raw::decode_state(&s, &p)
        })?;
        Ok(())
    }

    fn all(&self) -> anyhow::Result<Vec<Container>> {
        self.tx("BEGIN", |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT config, config_payload, state, state_payload FROM ctr ORDER BY id",
                )
                .context("prepare")?;
            let mut rows = st.query([]).context("scan")?;
            let mut all = Vec::new();
            while let Some(row) = rows.next().context("scan")? {
                let text = |i| row.get_ref(i).and_then(|v| Ok(v.as_str()?));
                match (text(0), text(1), text(2), text(3)) {
                    (Ok(a), Ok(b), Ok(s), Ok(t)) => all.push(raw::decode(a, b, s, t)?),
                    _ => return Err(anyhow!("raw sqlite: a record is not text")),
                }
            }
            Ok(all)
        })
    }

    fn pod_containers(&self, pod: &Pod) -> anyhow::Result<Vec<Container>> {
        self.tx("BEGIN", |c| {
            let mut st = c
                .prepare_cached("SELECT id FROM ctr WHERE pod = ?1 ORDER BY id")
                .context("prepare")?;
            let ids: Vec<String> = st
                .query_map([pod.id()], |r| r.get(0))
                .and_then(Iterator::collect)
                .context("members")?;
            ids.iter()
                .map(|id| load(c, &CTR, id)?.with_context(|| format!("raw sqlite: no {id}")))
                .collect()
        })
    }

    fn cli_lookup(&self, name: &str) -> Option<anyhow::Result<Container>> {
        Some((|| {
            let conn = connect(&self.dir.join("raw.db"))?;
            let other = RawSqlite {
                dir: self.dir.clone(),
                conn,
            };
            other.lookup(name)
        })())
    }

    fn remove(&self, ctr: &Container) -> anyhow::Result<()> {
        self.tx("BEGIN IMMEDIATE", |c| {
            c.prepare_cached("DELETE FROM ctr WHERE id = ?1")
                .and_then(|mut st| st.execute([&ctr.config.id]))
                .map(drop)
                .context("delete")
        })
    }

    fn remove_pod(&self, pod: &Pod) -> anyhow::Result<()> {
        self.tx("BEGIN IMMEDIATE", |c| {
            c.prepare_cached("DELETE FROM ctr WHERE pod = ?1")
                .and_then(|mut st| st.execute([pod.id()]))
                .map(drop)
                .context("delete")
        })
    }
}
