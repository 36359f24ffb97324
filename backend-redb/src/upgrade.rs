//! Upgrading a file of an older format version in place.
//!
//! A writable open that finds a podstate file of a format older than [`FORMAT`] (down to
//! [`OLDEST_FORMAT`](crate::OLDEST_FORMAT)) upgrades it before anything else uses it, in one
//! write transaction that reads the version again (another process may have upgraded it
//! meanwhile), runs each version's step and stamps [`FORMAT`]: a crash leaves the old version
//! whole, and two processes upgrading at once upgrade once. A read-only open refuses such a
//! file with one line naming the command that upgrades it ([`older_read_only`]).
//!
//! The steps: 0 -> 1 only restamps (format 0 is synthetic, see
//! [`OLDEST_FORMAT`](crate::OLDEST_FORMAT)); 1 -> 2 moves each container's current networks
//! and aliases from the tables `networks` and `network_aliases` into its record in
//! `containers` and deletes the two tables ([`fold_networks`]). A step that finds rows it
//! cannot carry over refuses the file as `Corrupt`, and the transaction, never committed,
//! leaves it as it was.

use std::collections::BTreeMap;
use std::path::Path;

use podstate_api::raw::group::TurnWait;
use podstate_api::{ErrorKind, StateError};
use redb::{Database, ReadableTable, TableDefinition, TableHandle, WriteTransaction};

use crate::bounded::BoundedFile;
use crate::error::{bad_layout, fault};
use crate::lock::begin_write;
use crate::record::{ContainerRecord, ObjectRecord, decode_index, encode_index};
use crate::schema::{CONTAINERS, FORMAT, FORMAT_KEY, META, Pairs};

/// Format 1's current networks: (container, network). Gone in format 2.
const NETWORKS_V1: Pairs = TableDefinition::new("networks");
/// Format 1's aliases on current networks: (container, network, alias). Gone in format 2.
const NETWORK_ALIASES_V1: TableDefinition<'static, (&str, &str, &str), ()> =
    TableDefinition::new("network_aliases");

/// Format 1's networks of one container: network -> aliases, both in byte order (the order of
/// the tables' keys).
type NetworksV1 = BTreeMap<String, Vec<String>>;

/// Upgrades `file`, opened writable as `db` on `storage`, to [`FORMAT`] in one write
/// transaction, waiting for redb's locks until `turn`'s deadline (that of the store's open).
/// Answers the version it upgraded from, or `None` when another process had already done it.
pub(crate) fn upgrade(
    db: &Database,
    storage: &BoundedFile,
    file: &Path,
    turn: &mut TurnWait,
) -> Result<Option<u32>, StateError> {
    // The begin and the commit wait for redb's locks until the open's deadline.
    let _waits = storage.waits_until(turn);
    let tx = begin_write(db, storage, file, turn)?;
    let version = {
        let meta = tx.open_table(META).map_err(|e| fault(file, e))?;
        let stamp = meta.get(FORMAT_KEY).map_err(|e| fault(file, e))?;
        let text = stamp.map(|s| String::from_utf8_lossy(s.value()).into_owned());
        text.and_then(|t| t.parse::<u32>().ok())
            .ok_or_else(|| bad_layout(file, "podstate_meta holds no format version"))?
    };
    if version == FORMAT {
        return Ok(None);
    }
    for from in version..FORMAT {
        match from {
            // 0 -> 1: format 0 has format 1's layout (see OLDEST_FORMAT): nothing to rewrite.
            0 => {}
            1 => fold_networks(&tx, file)?,
            _ => {
                return Err(bad_layout(
                    file,
                    format!("podstate-redb format {from} cannot be upgraded by this build"),
                ));
            }
        }
    }
    let stamp = FORMAT.to_string();
    tx.open_table(META)
        .map_err(|e| fault(file, e))?
        .insert(FORMAT_KEY, stamp.as_bytes())
        .map_err(|e| fault(file, e))?;
    tx.commit().map_err(|e| fault(file, e))?;
    tracing::info!(
        file = %file.display(),
        from = version,
        to = FORMAT,
        "upgraded the podstate database in place"
    );
    Ok(Some(version))
}

/// The refusal of a read-only open of a file of an older format `version`: one line naming the
/// command that upgrades it.
pub(crate) fn older_read_only(file: &Path, version: u32) -> StateError {
    StateError::new(
        ErrorKind::Io,
        format!(
            "redb database {file}: podstate-redb format {version} is older than the format \
             this build reads ({FORMAT}), and it is opened read-only: upgrade it in place with \
             `podstate upgrade redb:{file}`",
            file = file.display()
        ),
    )
}

/// The step 1 -> 2 in `tx`: every container's rows of [`NETWORKS_V1`] and
/// [`NETWORK_ALIASES_V1`] written into its record (every record rewritten, an empty list for a
/// container on no network), then the two tables deleted. `Corrupt` for a table missing, rows
/// of a container that has no record, or aliases on a network the container is not on: rows
/// format 2 cannot hold, which the step would otherwise drop.
fn fold_networks(tx: &WriteTransaction, file: &Path) -> Result<(), StateError> {
    let present: Vec<String> = tx
        .list_tables()
        .map_err(|e| fault(file, e))?
        .map(|t| t.name().to_owned())
        .collect();
    for name in [NETWORKS_V1.name(), NETWORK_ALIASES_V1.name()] {
        if !present.iter().any(|p| p == name) {
            return Err(bad_layout(
                file,
                format!("table {name} of podstate-redb format 1 is missing"),
            ));
        }
    }
    let mut networks: BTreeMap<String, NetworksV1> = BTreeMap::new();
    {
        let table = tx.open_table(NETWORKS_V1).map_err(|e| fault(file, e))?;
        for row in table.iter().map_err(|e| fault(file, e))? {
            let (key, _) = row.map_err(|e| fault(file, e))?;
            let (ctr, net) = key.value();
            let of_ctr = networks.entry(ctr.to_owned()).or_default();
            of_ctr.insert(net.to_owned(), Vec::new());
        }
    }
    {
        let table = tx
            .open_table(NETWORK_ALIASES_V1)
            .map_err(|e| fault(file, e))?;
        for row in table.iter().map_err(|e| fault(file, e))? {
            let (key, _) = row.map_err(|e| fault(file, e))?;
            let (ctr, net, alias) = key.value();
            let on = networks.get_mut(ctr).and_then(|of_ctr| of_ctr.get_mut(net));
            let Some(aliases) = on else {
                return Err(bad_layout(
                    file,
                    format!(
                        "table {} holds alias {alias:?} of container {ctr:?} on network \
                         {net:?}, a network it is not on: format 2 cannot hold it",
                        NETWORK_ALIASES_V1.name()
                    ),
                ));
            };
            aliases.push(alias.to_owned());
        }
    }
    {
        let mut records = tx.open_table(CONTAINERS).map_err(|e| fault(file, e))?;
        let mut rewritten = Vec::new();
        for row in records.iter().map_err(|e| fault(file, e))? {
            let (key, value) = row.map_err(|e| fault(file, e))?;
            let id = key.value();
            let identity: ObjectRecord = decode_index(value.value(), file, CONTAINERS.name(), id)?;
            let of_ctr = networks.remove(id).unwrap_or_default();
            let record = ContainerRecord {
                name: identity.name,
                namespace: identity.namespace,
                pod: identity.pod,
                networks: of_ctr
                    .iter()
                    .map(|(net, aliases)| {
                        (net.as_str(), aliases.iter().map(String::as_str).collect())
                    })
                    .collect(),
            };
            rewritten.push((id.to_owned(), encode_index(&record, file)?));
        }
        if let Some(ctr) = networks.keys().next() {
            return Err(bad_layout(
                file,
                format!(
                    "table {} holds networks of container {ctr:?}, which has no record in {}: \
                     format 2 cannot hold them",
                    NETWORKS_V1.name(),
                    CONTAINERS.name()
                ),
            ));
        }
        for (id, bytes) in rewritten {
            records
                .insert(id.as_str(), bytes.as_slice())
                .map_err(|e| fault(file, e))?;
        }
    }
    tx.delete_table(NETWORKS_V1).map_err(|e| fault(file, e))?;
    tx.delete_table(NETWORK_ALIASES_V1)
        .map_err(|e| fault(file, e))?;
    Ok(())
}
