//! `podstate export`, `import` and `migrate`: a whole store moved as a snapshot, all or nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use podstate::dump::{describe, dump};
use podstate::snapshot::Snapshot;
use podstate::verify::{Inventory, violations};
use podstate::{Store, StoreConfig, export};

use super::progress::Phase;

/// `N containers, M pods, K volumes`.
fn counts(snapshot: &Snapshot) -> String {
    format!(
        "{} containers, {} pods, {} volumes",
        snapshot.containers.len(),
        snapshot.pods.len(),
        snapshot.volumes.len()
    )
}

/// The snapshot of the store `url`, opened read-only.
fn read_store(url: &str) -> Result<Snapshot, String> {
    let (_, store) = super::open(url, true)?;
    let phase = Phase::start(format!("reading {url}"));
    let snapshot = store
        .snapshot()
        .map_err(|e| format!("cannot read {url}: {e}"));
    phase.finish();
    snapshot
}

/// Runs `export`: the file appears whole or not at all (written beside it, then renamed).
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
    let written = fs::write(&partial, &text).and_then(|()| fs::rename(&partial, file));
    if let Err(e) = written {
        let _ = fs::remove_file(&partial);
        return Err(format!("cannot write {}: {e}", file.display()));
    }
    println!(
        "exported {} from {url} to {}",
        counts(&snapshot),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `import`: the file is read and checked before the target is touched.
pub fn import(file: &Path, url: &str) -> Result<ExitCode, String> {
    let text = fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let snapshot = export::read(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    if let Some(first) = violations(&Inventory::from(&snapshot)).first() {
        return Err(format!(
            "{}: the snapshot is not consistent: {first}",
            file.display()
        ));
    }
    write_store(&snapshot, url, false)?;
    println!(
        "imported {} from {} into {url}",
        counts(&snapshot),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `migrate`: the source's snapshot restored into the target, then both compared through
/// the public API and the target verified.
pub fn migrate(from: &str, to: &str, force: bool) -> Result<ExitCode, String> {
    let snapshot = read_store(from)?;
    let target = write_store(&snapshot, to, force)?;
    let phase = Phase::start(format!("comparing {from} with {to}"));
    let (_, source) = super::open(from, true)?;
    let source_dump = handle_dump(source.as_ref(), from)?;
    let target_dump = handle_dump(target.as_ref(), to)?;
    let problems = target
        .verify()
        .map_err(|e| format!("cannot check {to}: {e}"))?;
    phase.finish();
    println!("migrated {} from {from} to {to}", counts(&snapshot));
    if source_dump != target_dump {
        println!(
            "the stores differ:\n{}",
            describe(&source_dump, &target_dump, ("source", "target"))
        );
        return Ok(ExitCode::FAILURE);
    }
    if let Some(first) = problems.first() {
        println!(
            "{to} fails its check ({} violations): {first}",
            problems.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    println!("both stores answer every call the same, and {to} passes its check");
    Ok(ExitCode::SUCCESS)
}

/// Everything a handle on `store` shows.
fn handle_dump(store: &dyn Store, url: &str) -> Result<podstate::dump::Dump, String> {
    let handle = store
        .open_handle()
        .map_err(|e| format!("cannot open {url}: {e}"))?;
    dump(handle.as_ref()).map_err(|e| format!("cannot read {url}: {e}"))
}

/// Restores `snapshot` into the store `url`: a non-empty target is refused (replaced with
/// `force`); a database file this call creates is removed again if the restore fails.
fn write_store(snapshot: &Snapshot, url: &str, force: bool) -> Result<Box<dyn Store>, String> {
    let config: StoreConfig = url.parse().map_err(|e| format!("{e}"))?;
    let existed = config.path().is_some_and(Path::exists);
    let (_, mut store) = super::open(url, false)?;
    let current = store
        .snapshot()
        .map_err(|e| format!("cannot read {url}: {e}"))?;
    if !current.is_empty() {
        let Some(path) = config.path().filter(|_| force) else {
            return Err(format!("{url} is not empty (use --force to replace it)"));
        };
        drop(store);
        remove_database(path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        store = super::open(url, false)?.1;
    }
    let phase = Phase::start(format!("writing {url}"));
    let restored = store.restore(snapshot);
    phase.finish();
    if let Err(e) = restored {
        drop(store);
        if let (false, Some(path)) = (existed, config.path()) {
            let _ = remove_database(path);
        }
        return Err(format!("cannot write {url}: {e}"));
    }
    Ok(store)
}

/// Removes a database file with the files SQLite keeps beside it.
fn remove_database(path: &Path) -> std::io::Result<()> {
    for extra in ["wal", "shm"] {
        match fs::remove_file(sibling_suffix(path, extra)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    fs::remove_file(path)
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
        .map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    file.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}
