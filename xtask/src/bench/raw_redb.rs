//! The redb baseline: plain redb at the backend's settings (multi-writer mode, durable
//! two-phase commits, 64 MiB cache, reads on a read-only database object as the backend
//! reads), the same JSON bytes, and the probes a lookup needs: exact ID, exact name, ID prefix
//! (a range scan), then config and state.

use anyhow::{Context, anyhow};
use std::path::{Path, PathBuf};

use podstate_api::{Container, Pod, Volume};
use redb::{
    Builder, ConcurrencyMode, Database, Durability, ReadOnlyDatabase, ReadTransaction,
    ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction,
};

use super::raw::{self, Encoded};
use super::subject::Subject;

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
    pub fn open(dir: &Path) -> anyhow::Result<RawRedb> {
        let writer = builder().create(path(dir)).context("create raw redb")?;
        let me = RawRedb {
            dir: dir.to_owned(),
            reader: open_reader(dir)?,
            writer,
        };
        me.write(|tx| {
            tx.open_table(CONFIGS).context("table")?;
            tx.open_table(STATES).context("table")?;
            tx.open_table(NAMES).context("table")?;
            tx.open_table(MEMBERS).context("table")?;
            Ok(())
        })?;
        Ok(me)
    }

    /// One durable write transaction.
    fn write(&self, f: impl FnOnce(&WriteTransaction) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let mut tx = self.writer.begin_write().context("begin")?;
        tx.set_durability(Durability::Immediate)
            .context("durability")?;
        f(&tx)?;
        tx.commit().context("commit")
    }

    fn read<T>(&self, f: impl FnOnce(&ReadTransaction) -> anyhow::Result<T>) -> anyhow::Result<T> {
        read_on(&self.reader, f)
    }
}

fn open_reader(dir: &Path) -> anyhow::Result<ReadOnlyDatabase> {
    builder()
        .open_read_only(path(dir))
        .context("open raw redb read-only")
}

fn read_on<T>(
    db: &ReadOnlyDatabase,
    f: impl FnOnce(&ReadTransaction) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let tx = db.begin_read().context("begin_read")?;
    f(&tx)
}

/// Config and state of `id`.
fn load(tx: &ReadTransaction, id: &str) -> anyhow::Result<Container> {
    let configs = tx.open_table(CONFIGS).context("table")?;
    let states = tx.open_table(STATES).context("table")?;
    let cfg = configs.get(id).context("get")?;
    let st = states.get(id).context("get")?;
    match (cfg, st) {
        (Some(cfg), Some(st)) => {
            let (a, b) = cfg.value();
            let (s, t) = st.value();
            raw::decode(a, b, s, t)
        }
        _ => Err(anyhow!("raw redb: no {id}")),
    }
}

/// Exact ID, exact name, unique ID prefix; then the record.
fn resolve(tx: &ReadTransaction, s: &str) -> anyhow::Result<Container> {
    let configs = tx.open_table(CONFIGS).context("table")?;
    if configs.get(s).context("get")?.is_some() {
        return load(tx, s);
    }
    let names = tx.open_table(NAMES).context("table")?;
    if let Some(id) = names.get(s).context("get")? {
        return load(tx, id.value());
    }
    let mut found = Vec::with_capacity(2);
    for entry in configs.range(s..).context("range")? {
        let (key, _) = entry.context("range")?;
        if !key.value().starts_with(s) || found.len() == 2 {
            break;
        }
        found.push(key.value().to_owned());
    }
    match found.as_slice() {
        [id] => load(tx, id),
        _ => Err(anyhow!("raw redb: {s:?} resolves to {found:?}")),
    }
}

impl Subject for RawRedb {
    fn name(&self) -> &str {
        "raw-redb"
    }

    fn dir(&self) -> Option<&Path> {
        Some(&self.dir)
    }

    fn add_volume(&self, _: &Volume) -> anyhow::Result<()> {
        Ok(())
    }

    fn add(&self, ctr: &Container) -> anyhow::Result<()> {
        let Encoded {
            config,
            config_payload,
            state,
            state_payload,
        } = raw::encode(ctr)?;
        let id = ctr.config.id.as_str();
        self.write(|tx| {
            let mut t = tx.open_table(CONFIGS).context("table")?;
            t.insert(id, (config.as_str(), config_payload.as_str()))
                .context("insert")?;
            let mut t = tx.open_table(STATES).context("table")?;
            t.insert(id, (state.as_str(), state_payload.as_str()))
                .context("insert")?;
            let mut t = tx.open_table(NAMES).context("table")?;
            t.insert(ctr.config.name.as_str(), id).context("insert")?;
            if let Some(pod) = &ctr.config.pod {
                let mut t = tx.open_table(MEMBERS).context("table")?;
                t.insert((pod.as_str(), id), ()).context("insert")?;
            }
            Ok(())
        })
    }

    fn add_pod(&self, _: &Pod, members: &[Container]) -> anyhow::Result<()> {
        members.iter().try_for_each(|m| self.add(m))
    }

    fn lookup(&self, s: &str) -> anyhow::Result<Container> {
        self.read(|tx| resolve(tx, s))
    }

    fn get(&self, id: &str) -> anyhow::Result<Container> {
        self.read(|tx| load(tx, id))
    }

    fn save(&self, ctr: &Container) -> anyhow::Result<()> {
        let (state, payload) = raw::encode_state(&ctr.state)?;
        self.write(|tx| {
            let mut t = tx.open_table(STATES).context("table")?;
            t.insert(ctr.config.id.as_str(), (state.as_str(), payload.as_str()))
                .context("insert")?;
            Ok(())
        })
    }

    fn update(&self, ctr: &mut Container) -> anyhow::Result<()> {
        ctr.state = self.read(|tx| {
            let t = tx.open_table(STATES).context("table")?;
            let st = t
                .get(ctr.config.id.as_str())
                .context("get")?
                .context("raw redb: no state")?;
            let (s, p) = st.value();
            raw::decode_state(s, p)
        })?;
        Ok(())
    }

    fn all(&self) -> anyhow::Result<Vec<Container>> {
        self.read(|tx| {
            let configs = tx.open_table(CONFIGS).context("table")?;
            let states = tx.open_table(STATES).context("table")?;
            let mut all = Vec::new();
            let rows = configs.iter().context("scan")?;
            for (cfg, st) in rows.zip(states.iter().context("scan")?) {
                let ((_, cfg), (_, st)) = (cfg.context("scan")?, st.context("scan")?);
                let ((a, b), (s, t)) = (cfg.value(), st.value());
                all.push(raw::decode(a, b, s, t)?);
            }
            Ok(all)
        })
    }

    fn pod_containers(&self, pod: &Pod) -> anyhow::Result<Vec<Container>> {
        self.read(|tx| {
            let members = tx.open_table(MEMBERS).context("table")?;
            let end = format!("{}\0", pod.id());
            let ids: Vec<String> = members
                .range((pod.id(), "")..(end.as_str(), ""))
                .context("range")?
                .map(|e| e.map(|(k, _)| k.value().1.to_owned()))
                .collect::<Result<_, _>>()
                .context("range")?;
            ids.iter().map(|id| load(tx, id)).collect()
        })
    }

    fn cli_lookup(&self, name: &str) -> Option<anyhow::Result<Container>> {
        Some(open_reader(&self.dir).and_then(|db| read_on(&db, |tx| resolve(tx, name))))
    }

    fn remove(&self, ctr: &Container) -> anyhow::Result<()> {
        let id = ctr.config.id.as_str();
        self.write(|tx| {
            let mut t = tx.open_table(CONFIGS).context("table")?;
            t.remove(id).context("remove")?;
            let mut t = tx.open_table(STATES).context("table")?;
            t.remove(id).context("remove")?;
            let mut t = tx.open_table(NAMES).context("table")?;
            t.remove(ctr.config.name.as_str()).context("remove")?;
            Ok(())
        })
    }

    fn remove_pod(&self, pod: &Pod) -> anyhow::Result<()> {
        let members = self.pod_containers(pod)?;
        self.write(|tx| {
            let mut configs = tx.open_table(CONFIGS).context("table")?;
            let mut states = tx.open_table(STATES).context("table")?;
            let mut names = tx.open_table(NAMES).context("table")?;
            let mut m = tx.open_table(MEMBERS).context("table")?;
            for ctr in &members {
                let id = ctr.config.id.as_str();
                configs.remove(id).context("remove")?;
                states.remove(id).context("remove")?;
                names.remove(ctr.config.name.as_str()).context("remove")?;
                m.remove((pod.id(), id)).context("remove")?;
            }
            Ok(())
        })
    }
}
