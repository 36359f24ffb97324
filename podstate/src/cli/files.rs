//! Files written whole: beside their place first, then put there. Which files make up a
//! database is the backend's to say ([`database_files`]).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use podstate::StoreConfig;
use podstate::raw::DatabaseFiles;

/// The files the database of `config` consists of, as its backend describes them: this command
/// copies, replaces and removes databases through them and knows no backend's side files.
pub fn database_files(config: &StoreConfig) -> Result<DatabaseFiles, podstate::OpenError> {
    let files = config.files()?;
    Ok(files.unwrap_or(DatabaseFiles::SINGLE_FILE))
}

/// Writes `bytes` to a new file at `path` and waits until the disk has them.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename in `path`'s directory durable (best effort: a directory that cannot be
/// opened or synced leaves the rename to the file system's own schedule).
pub fn sync_parent(path: &Path) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// A hidden file beside `file`, for writing it whole before it appears.
pub fn sibling(file: &Path, what: &str) -> PathBuf {
    let name = file
        .file_name()
        .map_or_else(|| "podstate".into(), |n| n.to_string_lossy().into_owned());
    file.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}
