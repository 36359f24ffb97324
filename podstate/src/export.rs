//! The export file: a [`Snapshot`] as versioned JSON, written by `podstate export`, read by
//! `podstate import` and `migrate`.
//!
//! ```json
//! {
//!   "format": "podstate-snapshot",
//!   "version": 1,
//!   "snapshot": {
//!     "db_config": { "libpod_root": "", "libpod_tmp": "", "storage_root": "",
//!                    "storage_tmp": "", "graph_driver": "", "volume_path": "" },
//!     "volumes": [],
//!     "pods": [],
//!     "containers": [
//!       { "container": { "config": { "id": "4f2a9c", "name": "web", ... ,
//!                                    "payload": {"image": "alpine"} },
//!                        "state": { "status": "Running", ... } },
//!         "networks": { "podman": ["web-alias"] } }
//!     ],
//!     "exec_sessions": [ { "id": "e1", "container_id": "4f2a9c" } ]
//!   }
//! }
//! ```
//!
//! Objects are the API types as serde writes them; payloads are embedded as the raw JSON they
//! are and read back byte for byte (the rare payload with whitespace around it travels in a
//! `{"podstate:payload-text": "..."}` wrapper). `format` names the file kind and `version` its
//! layout: a reader refuses a file of another kind, and one of a newer version than it knows,
//! naming both versions. A version change will keep reading every older version.

use std::io::{self, Write};

use podstate_api::snapshot::Snapshot;
use serde::{Deserialize, Serialize};

/// The `format` of an export file.
pub const FORMAT: &str = "podstate-snapshot";

/// The layout version this build writes, and the newest it reads.
pub const VERSION: u32 = 1;

/// Why an export file cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The text is not JSON of the export layout (or is cut short).
    #[error("not a podstate export file: {0}")]
    Malformed(#[source] serde_json::Error),
    /// The file is JSON of another kind.
    #[error("not a podstate export file: its format is {0:?}, not {FORMAT:?}")]
    OtherFormat(String),
    /// The file was written by a newer podstate.
    #[error("the export file has version {0}, newer than version {VERSION} this podstate reads")]
    Newer(u32),
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'a str,
    version: u32,
    snapshot: &'a Snapshot,
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

#[derive(Deserialize)]
struct FileIn {
    snapshot: Snapshot,
}

/// Writes `snapshot` as an export file (pretty JSON, ending with a newline).
///
/// # Errors
/// Whatever `out` answers.
pub fn write(mut out: impl Write, snapshot: &Snapshot) -> io::Result<()> {
    let file = FileOut {
        format: FORMAT,
        version: VERSION,
        snapshot,
    };
    serde_json::to_writer_pretty(&mut out, &file).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Reads an export file.
///
/// # Errors
/// See [`ExportError`].
pub fn read(text: &[u8]) -> Result<Snapshot, ExportError> {
    let header: Header = serde_json::from_slice(text).map_err(ExportError::Malformed)?;
    if header.format != FORMAT {
        return Err(ExportError::OtherFormat(header.format));
    }
    if header.version > VERSION {
        return Err(ExportError::Newer(header.version));
    }
    let file: FileIn = serde_json::from_slice(text).map_err(ExportError::Malformed)?;
    Ok(file.snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use podstate_api::snapshot::SnapshotContainer;
    use podstate_api::{Container, ContainerConfig, Payload};

    #[test]
    fn a_snapshot_survives_the_file_byte_for_byte() {
        let mut cfg = ContainerConfig::new("c1", "web");
        cfg.payload = Payload::from_json(" {\"b\": 1,  \"a\":[ ]} ").unwrap();
        let snapshot = Snapshot {
            containers: vec![SnapshotContainer {
                container: Container::new(cfg),
                networks: [("net".to_owned(), vec!["al".to_owned()])].into(),
            }],
            ..Snapshot::default()
        };
        let mut file = Vec::new();
        write(&mut file, &snapshot).unwrap();
        assert_eq!(read(&file).unwrap(), snapshot);
        let mut again = Vec::new();
        write(&mut again, &read(&file).unwrap()).unwrap();
        assert_eq!(again, file, "a second export is byte-identical");
    }

    #[test]
    fn other_files_and_newer_versions_are_refused_by_name() {
        let newer = br#"{"format":"podstate-snapshot","version":9,"snapshot":{}}"#;
        assert!(
            read(newer)
                .unwrap_err()
                .to_string()
                .contains("version 9, newer than version 1")
        );
        let other = br#"{"format":"something","version":1}"#;
        assert!(matches!(read(other), Err(ExportError::OtherFormat(_))));
        assert!(matches!(
            read(b"{\"format\":"),
            Err(ExportError::Malformed(_))
        ));
    }
}
