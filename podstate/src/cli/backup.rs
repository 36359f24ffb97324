//! `podstate backup`: a consistent copy of a live database, checked before it is put in place.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use podstate::{OpenOptions, StoreConfig};

use super::files::{database_files, sibling, sync_parent};
use super::progress::Phase;
use super::target;
use super::words::{counts, thousands};
use podstate::raw::DatabaseFiles;

/// Runs `backup`: the copy is written beside `dest` (see [`podstate::backup`]), checked as
/// `check` checks a database, and only then renamed into place.
pub fn run(from: &str, dest: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let source: StoreConfig = from.parse()?;
    let Some(path) = source.path() else {
        bail!("{from} has no file to back up");
    };
    let Some(id) = target::identity(path) else {
        bail!("cannot back up {from}: {} does not exist", path.display());
    };
    let dest = target::resolve(dest)?;
    if let Some(existing) = target::identity(&dest) {
        if existing == id {
            bail!("{from} and {} are the same database file", dest.display());
        }
        if !force {
            bail!("{} exists (use --force to replace it)", dest.display());
        }
        let held = target::holders(existing);
        if !held.is_empty() {
            bail!(
                "{} is open in {}: a backup does not replace a database in use",
                dest.display(),
                target::describe(&held)
            );
        }
    }
    let partial = sibling(&dest, "partial");
    let files = database_files(&source)?;
    files
        .remove(&partial)
        .with_context(|| format!("cannot clear {}", partial.display()))?;
    let copied = copy_and_check(&source, from, &partial);
    let placed = copied.and_then(|summary| {
        put_in_place(&files, &partial, &dest)
            .map(|()| summary)
            .with_context(|| format!("cannot put the backup in place at {}", dest.display()))
    });
    match placed {
        Ok(summary) => {
            sync_parent(&dest);
            println!("backed up {summary} from {from} to {}", dest.display());
            println!("{} passes its check", dest.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let _ = files.remove(&partial);
            Err(e)
        }
    }
}

/// Copies `source` to `partial` and checks the copy; answers what it holds, in words.
fn copy_and_check(source: &StoreConfig, from: &str, partial: &Path) -> anyhow::Result<String> {
    let phase = Phase::start(format!("backing up {from}"));
    let mut progress = |done: u64, total: u64| {
        phase.say(format!(
            "backing up {from}: {} of {}",
            thousands_u64(done),
            thousands_u64(total)
        ));
    };
    podstate::backup(source, partial, &mut progress)
        .with_context(|| format!("cannot back up {from}"))?;
    phase.say(format!("checking the backup of {from}"));
    let copy = podstate::open_with(&source.at(partial), OpenOptions::new().read_only(true))
        .with_context(|| format!("cannot open the backup of {from}"))?;
    let problems = copy
        .verify()
        .with_context(|| format!("cannot check the backup of {from}"))?;
    if let Some(first) = problems.first() {
        bail!("the backup of {from} fails its check, kept nowhere: {first}");
    }
    let snapshot = copy
        .snapshot()
        .with_context(|| format!("cannot read the backup of {from}"))?;
    Ok(counts(&snapshot))
}

/// Renames the checked copy to `dest`, after removing what a former database at `dest` kept
/// beside it (a stale WAL would be read into the copy).
fn put_in_place(files: &DatabaseFiles, partial: &Path, dest: &Path) -> std::io::Result<()> {
    files.remove_sides(dest)?;
    files.rename(partial, dest)
}

/// [`thousands`] of a `u64`.
fn thousands_u64(n: u64) -> String {
    thousands(usize::try_from(n).unwrap_or(usize::MAX))
}
