//! `podstate export`, `import` and `migrate`: a whole store moved as a snapshot, all or nothing.
//!
//! A target database file is never touched until its replacement is complete and checked: the
//! snapshot is checked against SPEC §2 first, then restored into a new file beside the target,
//! compared with the snapshot through the public API and verified, and only then renamed into
//! place (after the old target, with `--force`, is removed). Any failure removes the new file
//! and leaves the target as it was.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use podstate::dump::{Dump, describe, dump};
use podstate::snapshot::Snapshot;
use podstate::verify::{Inventory, violations};
use podstate::{OpenOptions, Store, StoreConfig, export};

use super::progress::Phase;
use super::words::counts;

/// The snapshot of the store `url`, opened read-only.
fn read_store(url: &str) -> Result<Snapshot, String> {
    let (_, store) = super::open(url, true)?;
    let _phase = Phase::start(format!("reading {url}"));
    store
        .snapshot()
        .map_err(|e| format!("cannot read {url}: {e}"))
}

/// Runs `export`: the file appears whole or not at all (written and synced beside it, then
/// renamed).
pub fn export(url: &str, file: &Path, force: bool) -> Result<ExitCode, String> {
    if file.exists() && !force {
        return Err(format!(
            "{} exists (use --force to replace it)",
            file.display()
        ));
    }
    let snapshot = read_store(url)?;
    let mut text = Vec::new();
    export::write(&mut text, &snapshot).map_err(|e| e.to_string())?;
    let partial = sibling(file, "partial");
    let written = write_durably(&partial, &text).and_then(|()| fs::rename(&partial, file));
    if let Err(e) = written {
        let _ = fs::remove_file(&partial);
        return Err(format!("cannot write {}: {e}", file.display()));
    }
    sync_parent(file);
    println!(
        "exported {} from {url} to {}",
        counts(&snapshot),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `import`: the file is read and checked before the target is touched.
pub fn import(file: &Path, url: &str, force: bool) -> Result<ExitCode, String> {
    let text = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let snapshot = export::read(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    consistent(&snapshot, &file.display().to_string())?;
    write_store(&snapshot, url, force)?;
    println!(
        "imported {} from {} into {url}",
        counts(&snapshot),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `migrate`: the source's snapshot written into the target, which is compared with it
/// through the public API and verified before it replaces anything.
pub fn migrate(from: &str, to: &str, force: bool) -> Result<ExitCode, String> {
    let (source, target): (StoreConfig, StoreConfig) = (
        from.parse().map_err(|e| format!("{e}"))?,
        to.parse().map_err(|e| format!("{e}"))?,
    );
    if source.path().is_some() && source.path() == target.path() {
        return Err(format!("{from} and {to} are the same database file"));
    }
    let snapshot = read_store(from)?;
    consistent(&snapshot, from)?;
    write_store(&snapshot, to, force)?;
    println!("migrated {} from {from} to {to}", counts(&snapshot));
    println!("both stores answer every call the same, and {to} passes its check");
    Ok(ExitCode::SUCCESS)
}

/// `Err` naming `what` unless the snapshot keeps every invariant of SPEC §2.
fn consistent(snapshot: &Snapshot, what: &str) -> Result<(), String> {
    match violations(&Inventory::from(snapshot)).first() {
        None => Ok(()),
        Some(first) => Err(format!("{what}: the snapshot is not consistent: {first}")),
    }
}

/// Writes `snapshot` into the store `url`: see the module docs. A non-empty target is refused,
/// or replaced with `force`.
fn write_store(snapshot: &Snapshot, url: &str, force: bool) -> Result<(), String> {
    let config: StoreConfig = url.parse().map_err(|e| format!("{e}"))?;
    let Some(path) = config.path() else {
        // memory: a new, empty store each time; nothing outlives the command.
        let (_, store) = super::open(url, false)?;
        return restore_checked(store.as_ref(), snapshot, url);
    };
    if path.exists() {
        let (_, store) = super::open(url, true)?;
        let current = store
            .snapshot()
            .map_err(|e| format!("cannot read {url}: {e}"))?;
        if !current.is_empty() && !force {
            return Err(format!("{url} is not empty (use --force to replace it)"));
        }
    }
    let fresh = sibling(path, "new");
    remove_database(&fresh).map_err(|e| format!("cannot clear {}: {e}", fresh.display()))?;
    let fresh_config = match &config {
        StoreConfig::Sqlite(_) => StoreConfig::Sqlite(fresh.clone()),
        _ => StoreConfig::Redb(fresh.clone()),
    };
    let written = podstate::open_with(&fresh_config, OpenOptions::new())
        .map_err(|e| format!("cannot create {}: {e}", fresh.display()))
        .and_then(|store| restore_checked(store.as_ref(), snapshot, url));
    let placed = written.and_then(|()| {
        remove_database(path)
            .and_then(|()| move_database(&fresh, path))
            .map_err(|e| format!("cannot put the new database in place of {url}: {e}"))
    });
    if placed.is_err() {
        let _ = remove_database(&fresh);
    } else {
        sync_parent(path);
    }
    placed
}

/// Restores `snapshot` into the empty `store`, then checks it: every call answers as the
/// snapshot (restored into memory) does, and `verify` finds nothing.
fn restore_checked(store: &dyn Store, snapshot: &Snapshot, url: &str) -> Result<(), String> {
    let _phase = Phase::start(format!("writing {url}"));
    store
        .restore(snapshot)
        .map_err(|e| format!("cannot write {url}: {e}"))?;
    let expected = memory_dump(snapshot)?;
    let got = handle_dump(store, url)?;
    if got != expected {
        return Err(format!(
            "{url} would differ from the source: {}",
            describe(&expected, &got, ("source", "target")).replace('\n', "; ")
        ));
    }
    let problems = store
        .verify()
        .map_err(|e| format!("cannot check {url}: {e}"))?;
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(format!("{url} would fail its check: {first}")),
    }
}

/// What every call answers on a store holding exactly `snapshot`.
fn memory_dump(snapshot: &Snapshot) -> Result<Dump, String> {
    let store = podstate::open("memory:").map_err(|e| e.to_string())?;
    store.restore(snapshot).map_err(|e| e.to_string())?;
    handle_dump(store.as_ref(), "memory:")
}

/// Everything a handle on `store` shows.
fn handle_dump(store: &dyn Store, url: &str) -> Result<Dump, String> {
    let handle = store
        .open_handle()
        .map_err(|e| format!("cannot open {url}: {e}"))?;
    dump(handle.as_ref()).map_err(|e| format!("cannot read {url}: {e}"))
}

/// Removes a database file with the files SQLite keeps beside it; a missing file is no error.
fn remove_database(path: &Path) -> std::io::Result<()> {
    for file in [
        sibling_suffix(path, "wal"),
        sibling_suffix(path, "shm"),
        path.to_owned(),
    ] {
        match fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Renames the closed database `from` (with its WAL, if SQLite left one) to `to`; the
/// shared-memory index is rebuilt by the next connection.
fn move_database(from: &Path, to: &Path) -> std::io::Result<()> {
    let wal = sibling_suffix(from, "wal");
    if wal.exists() {
        fs::rename(&wal, sibling_suffix(to, "wal"))?;
    }
    let _ = fs::remove_file(sibling_suffix(from, "shm"));
    fs::rename(from, to)
}

/// Writes `bytes` to a new file at `path` and waits until the disk has them.
fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes a rename in `path`'s directory durable (best effort: a directory that cannot be
/// opened or synced leaves the rename to the file system's own schedule).
fn sync_parent(path: &Path) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// `path` with `-suffix` appended to its file name (SQLite's `-wal`, `-shm`).
fn sibling_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!("-{suffix}"));
    PathBuf::from(name)
}

/// A hidden file beside `file`, for writing it whole before it appears.
fn sibling(file: &Path, what: &str) -> PathBuf {
    let name = file
        .file_name()
        .map_or_else(|| "podstate".into(), |n| n.to_string_lossy().into_owned());
    file.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}
