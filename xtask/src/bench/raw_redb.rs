//! The redb baseline: plain redb at the backend's settings (multi-writer mode, durable
//! two-phase commits, 64 MiB cache, reads on a read-only database object as the backend
//! reads), the same JSON bytes, and the probes a lookup needs: exact ID, exact name, ID prefix
//! (a range scan), then config and state.

use std::path::{Path, PathBuf};

use podstate_api::{Container, Pod, Volume};
use redb::{
    Builder, ConcurrencyMode, Database, Durability, ReadOnlyDatabase, ReadTransaction,
    ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction,
};

use super::raw::{self, Encoded};
use super::subject::{R, Subject, fail};

/// Container ID -> (config JSON, config payload).
const CONFIGS: TableDefinition<&str, (&str, &str)> = TableDefinition::new("configs");
/// Container ID -> (state JSON, state payload).
const STATES: TableDefinition<&str, (&str, &str)> = TableDefinition::new("states");
/// Name -> container ID.
const NAMES: TableDefinition<&str, &str> = TableDefinition::new("names");
/// (pod ID, member ID).
const MEMBERS: TableDefinition<(&str, &str), ()> = TableDefinition::new("members");

/// Plain redb on one file.
pub struct RawRedb {
    dir: PathBuf,
    writer: Database,
    reader: ReadOnlyDatabase,
}

fn builder() -> Builder {
    let mut b = Builder::new();
    b.set_concurrency_mode(ConcurrencyMode::MultiWriter)
        .set_cache_size(64 << 20);
    b
}

fn path(dir: &Path) -> PathBuf {
    dir.join("raw.redb")
}

impl RawRedb {
    /// A new database in `dir`.
    pub fn open(dir: &Path) -> R<RawRedb> {
        let writer = builder()
            .create(path(dir))
            .map_err(|e| fail("create raw redb", e))?;
        let me = RawRedb {
            dir: dir.to_owned(),
            reader: open_reader(dir)?,
            writer,
        };
        me.write(|tx| {
            tx.open_table(CONFIGS).map_err(|e| fail("table", e))?;
            tx.open_table(STATES).map_err(|e| fail("table", e))?;
            tx.open_table(NAMES).map_err(|e| fail("table", e))?;
            tx.open_table(MEMBERS).map_err(|e| fail("table", e))?;
            Ok(())
        })?;
        Ok(me)
    }

    /// One durable write transaction.
    fn write(&self, f: impl FnOnce(&WriteTransaction) -> R<()>) -> R<()> {
        let mut tx = self.writer.begin_write().map_err(|e| fail("begin", e))?;
        tx.set_durability(Durability::Immediate)
            .map_err(|e| fail("durability", e))?;
        f(&tx)?;
        tx.commit().map_err(|e| fail("commit", e))
    }

    fn read<T>(&self, f: impl FnOnce(&ReadTransaction) -> R<T>) -> R<T> {
        read_on(&self.reader, f)
    }
}

fn open_reader(dir: &Path) -> R<ReadOnlyDatabase> {
    builder()
        .open_read_only(path(dir))
        .map_err(|e| fail("open raw redb read-only", e))
}

fn read_on<T>(db: &ReadOnlyDatabase, f: impl FnOnce(&ReadTransaction) -> R<T>) -> R<T> {
    let tx = db.begin_read().map_err(|e| fail("begin_read", e))?;
    f(&tx)
}

/// Config and state of `id`.
fn load(tx: &ReadTransaction, id: &str) -> R<Container> {
    let configs = tx.open_table(CONFIGS).map_err(|e| fail("table", e))?;
    let states = tx.open_table(STATES).map_err(|e| fail("table", e))?;
    let cfg = configs.get(id).map_err(|e| fail("get", e))?;
    let st = states.get(id).map_err(|e| fail("get", e))?;
    match (cfg, st) {
        (Some(cfg), Some(st)) => {
            let (a, b) = cfg.value();
            let (s, t) = st.value();
            raw::decode(a, b, s, t)
        }
        _ => Err(format!("raw redb: no {id}")),
    }
}

/// Exact ID, exact name, unique ID prefix; then the record.
fn resolve(tx: &ReadTransaction, s: &str) -> R<Container> {
    let configs = tx.open_table(CONFIGS).map_err(|e| fail("table", e))?;
    if configs.get(s).map_err(|e| fail("get", e))?.is_some() {
        return load(tx, s);
    }
    let names = tx.open_table(NAMES).map_err(|e| fail("table", e))?;
    if let Some(id) = names.get(s).map_err(|e| fail("get", e))? {
        return load(tx, id.value());
    }
    let mut found = Vec::with_capacity(2);
    for entry in configs.range(s..).map_err(|e| fail("range", e))? {
        let (key, _) = entry.map_err(|e| fail("range", e))?;
        if !key.value().starts_with(s) || found.len() == 2 {
            break;
        }
        found.push(key.value().to_owned());
    }
    match found.as_slice() {
        [id] => load(tx, id),
        _ => Err(format!("raw redb: {s:?} resolves to {found:?}")),
    }
}

impl Subject for RawRedb {
    fn name(&self) -> &str {
        "raw-redb"
    }

    fn dir(&self) -> Option<&Path> {
        Some(&self.dir)
    }

    fn add_volume(&self, _: &Volume) -> R<()> {
        Ok(())
    }

    fn add(&self, ctr: &Container) -> R<()> {
        let Encoded {
            config,
            config_payload,
            state,
            state_payload,
        } = raw::encode(ctr)?;
        let id = ctr.config.id.as_str();
        self.write(|tx| {
            let put = |e: redb::StorageError| fail("insert", e);
            let mut t = tx.open_table(CONFIGS).map_err(|e| fail("table", e))?;
            t.insert(id, (config.as_str(), config_payload.as_str()))
                .map_err(put)?;
            let mut t = tx.open_table(STATES).map_err(|e| fail("table", e))?;
            t.insert(id, (state.as_str(), state_payload.as_str()))
                .map_err(put)?;
            let mut t = tx.open_table(NAMES).map_err(|e| fail("table", e))?;
            t.insert(ctr.config.name.as_str(), id).map_err(put)?;
            if let Some(pod) = &ctr.config.pod {
                let mut t = tx.open_table(MEMBERS).map_err(|e| fail("table", e))?;
                t.insert((pod.as_str(), id), ()).map_err(put)?;
            }
            Ok(())
        })
    }

    fn add_pod(&self, _: &Pod, members: &[Container]) -> R<()> {
        members.iter().try_for_each(|m| self.add(m))
    }

    fn lookup(&self, s: &str) -> R<Container> {
        self.read(|tx| resolve(tx, s))
    }

    fn get(&self, id: &str) -> R<Container> {
        self.read(|tx| load(tx, id))
    }

    fn save(&self, ctr: &Container) -> R<()> {
        let (state, payload) = raw::encode_state(&ctr.state)?;
        self.write(|tx| {
            let mut t = tx.open_table(STATES).map_err(|e| fail("table", e))?;
            t.insert(ctr.config.id.as_str(), (state.as_str(), payload.as_str()))
                .map_err(|e| fail("insert", e))?;
            Ok(())
        })
    }

    fn update(&self, ctr: &mut Container) -> R<()> {
        ctr.state = self.read(|tx| {
            let t = tx.open_table(STATES).map_err(|e| fail("table", e))?;
            let st = t
                .get(ctr.config.id.as_str())
                .map_err(|e| fail("get", e))?
                .ok_or("raw redb: no state")?;
            let (s, p) = st.value();
            raw::decode_state(s, p)
        })?;
        Ok(())
    }

    fn all(&self) -> R<Vec<Container>> {
        self.read(|tx| {
            let configs = tx.open_table(CONFIGS).map_err(|e| fail("table", e))?;
            let states = tx.open_table(STATES).map_err(|e| fail("table", e))?;
            let mut all = Vec::new();
            let rows = configs.iter().map_err(|e| fail("scan", e))?;
            for (cfg, st) in rows.zip(states.iter().map_err(|e| fail("scan", e))?) {
                let ((_, cfg), (_, st)) = (
                    cfg.map_err(|e| fail("scan", e))?,
                    st.map_err(|e| fail("scan", e))?,
                );
                let ((a, b), (s, t)) = (cfg.value(), st.value());
                all.push(raw::decode(a, b, s, t)?);
            }
            Ok(all)
        })
    }

    fn pod_containers(&self, pod: &Pod) -> R<Vec<Container>> {
        self.read(|tx| {
            let members = tx.open_table(MEMBERS).map_err(|e| fail("table", e))?;
            let end = format!("{}\0", pod.id());
            let ids: Vec<String> = members
                .range((pod.id(), "")..(end.as_str(), ""))
                .map_err(|e| fail("range", e))?
                .map(|e| e.map(|(k, _)| k.value().1.to_owned()))
                .collect::<Result<_, _>>()
                .map_err(|e| fail("range", e))?;
            ids.iter().map(|id| load(tx, id)).collect()
        })
    }

    fn cli_lookup(&self, name: &str) -> Option<R<Container>> {
        Some(open_reader(&self.dir).and_then(|db| read_on(&db, |tx| resolve(tx, name))))
    }

    fn remove(&self, ctr: &Container) -> R<()> {
        let id = ctr.config.id.as_str();
        self.write(|tx| {
            let del = |e: redb::StorageError| fail("remove", e);
            let mut t = tx.open_table(CONFIGS).map_err(|e| fail("table", e))?;
            t.remove(id).map_err(del)?;
            let mut t = tx.open_table(STATES).map_err(|e| fail("table", e))?;
            t.remove(id).map_err(del)?;
            let mut t = tx.open_table(NAMES).map_err(|e| fail("table", e))?;
            t.remove(ctr.config.name.as_str()).map_err(del)?;
            Ok(())
        })
    }

    fn remove_pod(&self, pod: &Pod) -> R<()> {
        let members = self.pod_containers(pod)?;
        self.write(|tx| {
            let del = |e: redb::StorageError| fail("remove", e);
            let mut configs = tx.open_table(CONFIGS).map_err(|e| fail("table", e))?;
            let mut states = tx.open_table(STATES).map_err(|e| fail("table", e))?;
            let mut names = tx.open_table(NAMES).map_err(|e| fail("table", e))?;
            let mut m = tx.open_table(MEMBERS).map_err(|e| fail("table", e))?;
            for ctr in &members {
                let id = ctr.config.id.as_str();
                configs.remove(id).map_err(del)?;
                states.remove(id).map_err(del)?;
                names.remove(ctr.config.name.as_str()).map_err(del)?;
                m.remove((pod.id(), id)).map_err(del)?;
            }
            Ok(())
        })
    }
}
