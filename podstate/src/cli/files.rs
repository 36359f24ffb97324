//! Database files as whole files: written beside their place and put there whole, removed
//! with the files kept beside them. Only closed databases (or files no database connection of
//! this process has open) are touched here.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Puts the closed new database `fresh` at `path`, where no database is: a hard link, which
/// fails (`AlreadyExists`) rather than replace a file that appeared meanwhile. SQLite files a
/// former database may have left beside `path` go first: a stale WAL would be read into the
/// new file.
pub fn place_new(fresh: &Path, path: &Path) -> std::io::Result<()> {
    for side in SIDE_FILES {
        match fs::remove_file(sibling_suffix(path, side)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    let wal = sibling_suffix(fresh, "wal");
    if wal.exists() {
        fs::rename(&wal, sibling_suffix(path, "wal"))?;
    }
    fs::hard_link(fresh, path)?;
    remove_database(fresh)
}

/// The files kept beside a database, by suffix: SQLite's WAL and its index, and the file
/// podstate's SQLite writers take turns on.
pub const SIDE_FILES: [&str; 3] = ["wal", "shm", "wait"];

/// Removes a database file with the files SQLite keeps beside it; a missing file is no error.
pub fn remove_database(path: &Path) -> std::io::Result<()> {
    let sides = SIDE_FILES.iter().map(|side| sibling_suffix(path, side));
    for file in sides.chain([path.to_owned()]) {
        match fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Renames the closed database `from` (with its WAL, if SQLite left one) to `to`; the
/// shared-memory index is rebuilt by the next connection.
pub fn move_database(from: &Path, to: &Path) -> std::io::Result<()> {
    let wal = sibling_suffix(from, "wal");
    if wal.exists() {
        fs::rename(&wal, sibling_suffix(to, "wal"))?;
    }
    for side in ["shm", "wait"] {
        let _ = fs::remove_file(sibling_suffix(from, side));
    }
    fs::rename(from, to)
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

/// `path` with `-suffix` appended to its file name (SQLite's `-wal`, `-shm`).
pub fn sibling_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!("-{suffix}"));
    PathBuf::from(name)
}

/// A hidden file beside `file`, for writing it whole before it appears.
pub fn sibling(file: &Path, what: &str) -> PathBuf {
    let name = file
        .file_name()
        .map_or_else(|| "podstate".into(), |n| n.to_string_lossy().into_owned());
    file.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}
