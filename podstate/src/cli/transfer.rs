//! `podstate export`, `import` and `migrate`: a whole store moved as a snapshot, all or nothing.
//!
//! The snapshot is checked against SPEC §2 before anything is written. Then:
//!
//! - a target that does not exist is written as a new file beside it, compared with the
//!   snapshot through the public API, verified, and only then linked into place (never over a
//!   file that appeared meanwhile);
//! - an existing target (`--force` when it is not empty) is replaced **inside one write
//!   transaction of the live file** (`Store::replace`), which reads back what it wrote and
//!   compares it with the snapshot before it commits: processes that have the database open see
//!   the old state or the new one, and keep writing into the same file. A backend that cannot
//!   replace in place gets a new file instead, and only while no other process has the old one
//!   open (the refusal names them);
//! - a target path that is a symbolic link stays one: the file it leads to is written. Source
//!   and target are the same file when `stat` says so (device and inode), whatever their paths.
//!
//! Any failure leaves the target as it was and removes the new file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use podstate::dump::{Dump, describe, dump};
use podstate::snapshot::Snapshot;
use podstate::verify::{Inventory, violations};
use podstate::{ErrorKind, OpenOptions, Store, StoreConfig, export};

use super::files::{database_files, sibling, sync_parent, write_durably};
use super::progress::Phase;
use super::target;
use super::words::counts;

/// The snapshot of the store `url`, opened read-only.
fn read_store(url: &str) -> anyhow::Result<Snapshot> {
    let (_, store) = super::open(url, true)?;
    let _phase = Phase::start(format!("reading everything {url} holds"));
    store
        .snapshot()
        .with_context(|| format!("cannot read {url}"))
}

/// Runs `export`: the file appears whole or not at all (written and synced beside it, then
/// renamed).
pub fn export(url: &str, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    if file.exists() && !force {
        bail!("{} exists (use --force to replace it)", file.display());
    }
    let snapshot = read_store(url)?;
    let mut text = Vec::new();
    export::write(&mut text, &snapshot)?;
    let partial = sibling(file, "partial");
    let written = write_durably(&partial, &text).and_then(|()| fs::rename(&partial, file));
    if let Err(e) = written {
        let _ = fs::remove_file(&partial);
        return Err(e).with_context(|| format!("cannot write {}", file.display()));
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
pub fn import(file: &Path, url: &str, force: bool) -> anyhow::Result<ExitCode> {
    let text = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let snapshot = export::read(&text).with_context(|| file.display().to_string())?;
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
/// and verified before it replaces anything.
pub fn migrate(from: &str, to: &str, force: bool) -> anyhow::Result<ExitCode> {
    let (source, target): (StoreConfig, StoreConfig) = (from.parse()?, to.parse()?);
    // The same file by identity, not by name: `x.db`, `./x.db` and a link to it are one file.
    if let (Some(a), Some(b)) = (source.path(), target.path())
        && let (Some(a), Some(b)) = (target::identity(a), target::identity(b))
        && a == b
    {
        bail!("{from} and {to} are the same database file");
    }
    let snapshot = read_store(from)?;
    consistent(&snapshot, from)?;
    write_store(&snapshot, to, force)?;
    println!("migrated {} from {from} to {to}", counts(&snapshot));
    println!("both stores answer every call the same, and {to} passes its check");
    Ok(ExitCode::SUCCESS)
}

/// `Err` naming `what` unless the snapshot keeps every invariant of SPEC §2.
fn consistent(snapshot: &Snapshot, what: &str) -> anyhow::Result<()> {
    match violations(&Inventory::from(snapshot)).first() {
        None => Ok(()),
        Some(first) => Err(anyhow!("{what}: the snapshot is not consistent: {first}")),
    }
}

/// Writes `snapshot` into the store `url`: see the module docs. A non-empty target is refused,
/// or replaced with `force`.
fn write_store(snapshot: &Snapshot, url: &str, force: bool) -> anyhow::Result<()> {
    let config: StoreConfig = url.parse()?;
    let Some(path) = config.path() else {
        // memory: a new, empty store each time; nothing outlives the command.
        let (_, store) = super::open(url, false)?;
        return restore_checked(store.as_ref(), snapshot, url);
    };
    // A link stays a link: what is written is the file it leads to.
    let path = target::resolve(path)?;
    let config = config.at(&path);
    if target::identity(&path).is_some() {
        return replace_existing(snapshot, url, &config, force);
    }
    let files = database_files(&config)?;
    let fresh = write_fresh(snapshot, url, &config)?;
    match files.place_new(&fresh, &path) {
        Ok(()) => {
            sync_parent(&path);
            Ok(())
        }
        Err(e) => {
            let _ = files.remove(&fresh);
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                // Another process created the database meanwhile: it is a live one now.
                return replace_existing(snapshot, url, &config, force);
            }
            Err(e).with_context(|| format!("cannot put the new database in place of {url}"))
        }
    }
}

/// Replaces what the existing database of `config` holds: inside one write transaction of the
/// live file, so that processes that have it open see the new state and lose nothing they
/// write; where the backend cannot do that, by a new file, only while no other process has the
/// old one open.
fn replace_existing(
    snapshot: &Snapshot,
    url: &str,
    config: &StoreConfig,
    force: bool,
) -> anyhow::Result<()> {
    let open = |read_only| {
        podstate::open_with(config, OpenOptions::new().read_only(read_only))
            .with_context(|| format!("cannot open {url}"))
    };
    let current = open(true)?
        .snapshot()
        .with_context(|| format!("cannot read {url}"))?;
    if !current.is_empty() && !force {
        bail!("{url} is not empty (use --force to replace it)");
    }
    let store = open(false)?;
    let phase = Phase::start(format!(
        "replacing what {url} holds with {}",
        counts(snapshot)
    ));
    // Without --force, a restore: it refuses inside its transaction a store that another
    // process filled since it was read.
    let written = if force {
        store.replace(snapshot)
    } else {
        store.restore(snapshot)
    };
    match written {
        Ok(()) => {}
        // The snapshot was checked, so this is the backend that cannot replace in place.
        Err(e) if force && e.kind() == ErrorKind::InvalidArg => {
            drop((phase, store));
            return replace_file(snapshot, url, config);
        }
        Err(e) if e.kind() == ErrorKind::InvalidArg => {
            bail!("{url} is not empty (use --force to replace it)");
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write {url}")),
    }
    // The transaction compared what it wrote with the snapshot before it committed; other
    // processes may be writing now, so the check is of the invariants only.
    let problems = store
        .verify()
        .with_context(|| format!("cannot check {url}"))?;
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(anyhow!("{url} was replaced, but fails its check: {first}")),
    }
}

/// Replaces the database file of `config` by a new one holding `snapshot`, for a backend that
/// cannot replace in place; refused while another process has the old file open, since it
/// would go on writing into a file nobody opens again.
fn replace_file(snapshot: &Snapshot, url: &str, config: &StoreConfig) -> anyhow::Result<()> {
    let Some(path) = config.path() else {
        bail!("{url} is not a database file");
    };
    let files = database_files(config)?;
    let fresh = write_fresh(snapshot, url, config)?;
    let held = target::identity(path)
        .map(target::holders)
        .unwrap_or_default();
    if !held.is_empty() {
        let _ = files.remove(&fresh);
        bail!(
            "{url} is open in {}, which would go on writing into the replaced file: stop it \
             and try again",
            target::describe(&held)
        );
    }
    let placed = files
        .remove(path)
        .and_then(|()| files.rename(&fresh, path))
        .with_context(|| format!("cannot put the new database in place of {url}"));
    if placed.is_err() {
        let _ = files.remove(&fresh);
    } else {
        sync_parent(path);
    }
    placed
}

/// A new database file beside the database of `config`, holding `snapshot`, compared with it
/// and verified, and closed; removed again on any failure.
fn write_fresh(snapshot: &Snapshot, url: &str, config: &StoreConfig) -> anyhow::Result<PathBuf> {
    let path = config.path().unwrap_or(Path::new("podstate"));
    let fresh = sibling(path, "new");
    let files = database_files(config)?;
    files
        .remove(&fresh)
        .with_context(|| format!("cannot clear {}", fresh.display()))?;
    let written = podstate::open_with(&config.at(&fresh), OpenOptions::new())
        .with_context(|| format!("cannot create {}", fresh.display()))
        .and_then(|store| restore_checked(store.as_ref(), snapshot, url));
    match written {
        Ok(()) => Ok(fresh),
        Err(e) => {
            let _ = files.remove(&fresh);
            Err(e)
        }
    }
}

/// Restores `snapshot` into the empty `store`, then checks it: every call answers as the
/// snapshot (restored into memory) does, and `verify` finds nothing.
fn restore_checked(store: &dyn Store, snapshot: &Snapshot, url: &str) -> anyhow::Result<()> {
    let phase = Phase::start(format!("writing {} into {url}", counts(snapshot)));
    store
        .restore(snapshot)
        .with_context(|| format!("cannot write {url}"))?;
    phase.say(format!("comparing {url} with the source, call by call"));
    let expected = memory_dump(snapshot)?;
    let got = handle_dump(store, url)?;
    if got != expected {
        bail!(
            "{url} would differ from the source: {}",
            describe(&expected, &got, ("source", "target")).replace('\n', "; ")
        );
    }
    phase.say(format!("checking {url}"));
    let problems = store
        .verify()
        .with_context(|| format!("cannot check {url}"))?;
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(anyhow!("{url} would fail its check: {first}")),
    }
}

/// What every call answers on a store holding exactly `snapshot`.
fn memory_dump(snapshot: &Snapshot) -> anyhow::Result<Dump> {
    let store = podstate::open("memory:")?;
    store.restore(snapshot)?;
    handle_dump(store.as_ref(), "memory:")
}

/// Everything a handle on `store` shows.
fn handle_dump(store: &dyn Store, url: &str) -> anyhow::Result<Dump> {
    let handle = store
        .open_handle()
        .with_context(|| format!("cannot open {url}"))?;
    dump(handle.as_ref()).with_context(|| format!("cannot read {url}"))
}
