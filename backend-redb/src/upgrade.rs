//! Upgrading a file of an older format version in place.
//!
//! A writable open that finds a podstate file of a format older than [`FORMAT`] (down to
//! [`OLDEST_FORMAT`](crate::OLDEST_FORMAT)) upgrades it before anything else uses it, in one
//! write transaction that reads the version again (another process may have upgraded it
//! meanwhile), runs each version's step and stamps [`FORMAT`]: a crash leaves the old version
//! whole, and two processes upgrading at once upgrade once. A read-only open refuses such a
//! file with one line naming the command that upgrades it ([`older_read_only`]).

use std::path::Path;
use std::time::Duration;

use podstate_api::raw::group::TurnWait;
use podstate_api::{ErrorKind, StateError};
use redb::{Database, ReadableTable};

use crate::bounded::BoundedFile;
use crate::error::{bad_layout, fault};
use crate::lock::begin_write;
use crate::schema::{FORMAT, FORMAT_KEY, META};

/// Upgrades `file`, opened writable as `db` on `storage`, to [`FORMAT`] in one write
/// transaction. Answers the version it upgraded from, or `None` when another process had
/// already done it.
pub(crate) fn upgrade(
    db: &Database,
    storage: &BoundedFile,
    file: &Path,
    timeout: Duration,
) -> Result<Option<u32>, StateError> {
    let tx = begin_write(db, storage, file, &mut TurnWait::from_now(timeout))?;
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
