//! The table layout and the stored format version.
//!
//! Every call is key look-ups and range scans over these tables (crate docs, "Layout"). Keys
//! are redb `&str` or tuples of `&str`, which redb orders by their bytes, element by element:
//! exactly the order of SPEC §2.8, so lists come out of a scan already sorted.

use std::path::Path;

use podstate_api::StateError;
use redb::{
    Key, ReadTransaction, TableDefinition, TableError, TableHandle, Value, WriteTransaction,
};
use serde::Serialize;

use crate::error::{bad_layout, fault};

/// The format version this build reads and writes, stamped in every file it creates. Bumped
/// with any change to the tables or records, together with the layout snapshot.
pub const FORMAT: u32 = 2;

/// The oldest format version this build upgrades (in place, at a writable open). Format 0 is
/// synthetic: format 1's layout stamped `"0"` (no podstate release wrote it); it was made so
/// that the upgrade path was written and tested while there was one real version. Its step to
/// 1 only restamps the version; the step from 1 to 2 folds the tables `networks` and
/// `network_aliases` into the containers' records (`upgrade.rs`).
pub const OLDEST_FORMAT: u32 = 0;

/// Key of [`META`] holding [`FORMAT`] in ASCII decimal.
pub(crate) const FORMAT_KEY: &str = "format";
/// Key of [`META`] holding the pinned DB config (an object record).
pub(crate) const DB_CONFIG_KEY: &str = "db_config";

/// A table keyed by one string.
pub(crate) type ByKey<V> = TableDefinition<'static, &'static str, V>;
/// A table of encoded records keyed by one string.
pub(crate) type Records = ByKey<&'static [u8]>;
/// A set of string pairs: index entries from one object to another.
pub(crate) type Pairs = TableDefinition<'static, (&'static str, &'static str), ()>;

/// Marks a podstate database and holds its format version and DB config.
pub(crate) const META: Records = TableDefinition::new("podstate_meta");
/// Container ID -> [`ContainerRecord`](crate::record::ContainerRecord) (name, namespace, pod,
/// current networks with their aliases).
pub(crate) const CONTAINERS: Records = TableDefinition::new("containers");
/// Container ID -> config (an object record).
pub(crate) const CONTAINER_CONFIGS: Records = TableDefinition::new("container_configs");
/// Container ID -> state (an object record).
pub(crate) const CONTAINER_STATES: Records = TableDefinition::new("container_states");
/// Pod ID -> [`ObjectRecord`](crate::record::ObjectRecord) (name, namespace; pod always none).
pub(crate) const PODS: Records = TableDefinition::new("pods");
/// Pod ID -> config (an object record).
pub(crate) const POD_CONFIGS: Records = TableDefinition::new("pod_configs");
/// Pod ID -> state (an object record).
pub(crate) const POD_STATES: Records = TableDefinition::new("pod_states");
/// Volume name -> config (an object record).
pub(crate) const VOLUME_CONFIGS: Records = TableDefinition::new("volume_configs");
/// Volume name -> state (an object record).
pub(crate) const VOLUME_STATES: Records = TableDefinition::new("volume_states");
/// The shared container/pod name space: name -> [`NameRecord`](crate::record::NameRecord).
pub(crate) const NAMES: Records = TableDefinition::new("names");
/// Reverse dependency edges: (dependency, dependent).
pub(crate) const DEPENDENTS: Pairs = TableDefinition::new("dependents");
/// Pod membership: (pod, member).
pub(crate) const POD_MEMBERS: Pairs = TableDefinition::new("pod_members");
/// Volume users: (volume, container).
pub(crate) const VOLUME_USERS: Pairs = TableDefinition::new("volume_users");
/// The exec registry: session ID -> container ID.
pub(crate) const EXEC_SESSIONS: ByKey<&str> = TableDefinition::new("exec_sessions");
/// The exec registry per container: (container, session).
pub(crate) const CONTAINER_EXEC_SESSIONS: Pairs = TableDefinition::new("container_exec_sessions");
/// One table of the layout, for the docs, the snapshot test and the open-time check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    /// The redb table name.
    pub name: String,
    /// redb's name of the key type.
    pub key: String,
    /// redb's name of the value type.
    pub value: String,
    /// What it holds.
    pub holds: &'static str,
}

fn info<K: Key + 'static, V: Value + 'static>(
    def: TableDefinition<'static, K, V>,
    holds: &'static str,
) -> TableInfo {
    TableInfo {
        name: def.name().to_owned(),
        key: K::type_name().name().to_owned(),
        value: V::type_name().name().to_owned(),
        holds,
    }
}

/// Every table of format [`FORMAT`], in the order of the crate docs.
pub fn layout() -> Vec<TableInfo> {
    vec![
        info(
            META,
            "\"format\" -> format version (ASCII); \"db_config\" -> DbConfig object record",
        ),
        info(
            CONTAINERS,
            "container ID -> identity record (name, namespace, pod, networks -> sorted aliases)",
        ),
        info(
            CONTAINER_CONFIGS,
            "container ID -> ContainerConfig object record",
        ),
        info(
            CONTAINER_STATES,
            "container ID -> ContainerState object record",
        ),
        info(PODS, "pod ID -> identity record (name, namespace, no pod)"),
        info(POD_CONFIGS, "pod ID -> PodConfig object record"),
        info(POD_STATES, "pod ID -> PodState object record"),
        info(VOLUME_CONFIGS, "volume name -> VolumeConfig object record"),
        info(VOLUME_STATES, "volume name -> VolumeState object record"),
        info(NAMES, "container or pod name -> name record (kind, ID)"),
        info(DEPENDENTS, "(dependency ID, dependent ID)"),
        info(POD_MEMBERS, "(pod ID, member container ID)"),
        info(VOLUME_USERS, "(volume name, container ID)"),
        info(EXEC_SESSIONS, "exec session ID -> container ID"),
        info(CONTAINER_EXEC_SESSIONS, "(container ID, exec session ID)"),
    ]
}

/// Creates every table of the layout and stamps the format version, in a new file's first
/// transaction.
pub(crate) fn create_tables(tx: &WriteTransaction, file: &Path) -> Result<(), StateError> {
    let err = |e: TableError| fault(file, e);
    for def in [
        META,
        CONTAINERS,
        CONTAINER_CONFIGS,
        CONTAINER_STATES,
        PODS,
        POD_CONFIGS,
        POD_STATES,
        VOLUME_CONFIGS,
        VOLUME_STATES,
        NAMES,
    ] {
        tx.open_table(def).map_err(err)?;
    }
    for def in [
        DEPENDENTS,
        POD_MEMBERS,
        VOLUME_USERS,
        CONTAINER_EXEC_SESSIONS,
    ] {
        tx.open_table(def).map_err(err)?;
    }
    tx.open_table(EXEC_SESSIONS).map_err(err)?;
    let version = FORMAT.to_string();
    tx.open_table(META)
        .map_err(err)?
        .insert(FORMAT_KEY, version.as_bytes())
        .map_err(|e| fault(file, e))?;
    Ok(())
}

/// The format a podstate file is stamped with, as far as opening it is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stamp {
    /// [`FORMAT`], with every table of the layout.
    Current,
    /// An older format this build upgrades ([`upgrade`](crate::upgrade)); its tables are
    /// checked once it is upgraded.
    Older(u32),
}

/// Checks, before anything writes to it, that `db` is a podstate database of format
/// [`FORMAT`] with every table of the layout, or of an older format this build upgrades.
pub(crate) fn check_format(tx: &ReadTransaction, file: &Path) -> Result<Stamp, StateError> {
    let meta = match tx.open_table(META) {
        Ok(meta) => meta,
        Err(TableError::TableDoesNotExist(_)) => {
            return Err(bad_layout(
                file,
                "a redb database, but not a podstate one (it has no podstate_meta table)",
            ));
        }
        Err(e) => return Err(fault(file, e)),
    };
    let stamp = meta.get(FORMAT_KEY).map_err(|e| fault(file, e))?;
    let Some(stamp) = stamp else {
        return Err(bad_layout(file, "podstate_meta holds no format version"));
    };
    let text = String::from_utf8_lossy(stamp.value()).into_owned();
    match text.parse::<u32>() {
        Ok(FORMAT) => {}
        Ok(older) if (OLDEST_FORMAT..FORMAT).contains(&older) => {
            return Ok(Stamp::Older(older));
        }
        Ok(newer) if newer > FORMAT => {
            return Err(bad_layout(
                file,
                format!(
                    "podstate-redb format {newer} is newer than the format this build reads \
                     ({FORMAT}): open it with a newer podstate"
                ),
            ));
        }
        _ => {
            return Err(bad_layout(
                file,
                format!("unknown podstate-redb format {text:?} (this build reads {FORMAT})"),
            ));
        }
    }
    let present: Vec<String> = tx
        .list_tables()
        .map_err(|e| fault(file, e))?
        .map(|t| t.name().to_owned())
        .collect();
    match layout().into_iter().find(|t| !present.contains(&t.name)) {
        Some(missing) => Err(bad_layout(
            file,
            format!(
                "table {} of podstate-redb format {FORMAT} is missing",
                missing.name
            ),
        )),
        None => Ok(Stamp::Current),
    }
}
