//! The operator's first look at a database whose writer was killed: a read-only open by a user
//! who cannot write the files, before any process opens it writable (issue 16, "the judge looks
//! where operators look").
//!
//! A child process opens the database with the backend's `read_only` option and judges it as
//! the writable reopen will be judged ([`verify_store`] and the model's candidate states). It
//! runs as a user who cannot write the files: as `nobody` (uid and gid 65534) when the run is
//! root, since root ignores file modes; and in every case with the directory made 0555 and the
//! files 0444 for the duration, so that no file can be written or created. The files' lengths
//! and checksums before and after must be equal: a read-only look writes nothing, not even a
//! repair of the killed writer's leftovers or SQLite's `-shm` index. The modes are put back
//! afterwards, for the writable reopen.

use anyhow::{Context, bail};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::launcher::{Launcher, Params, tail};
use crate::oracle::{Candidates, fingerprint, sessions};
use crate::target::{PersistentBackend, verify_store};
use crate::workload;

/// The user a root run reads as: `nobody`.
const NOBODY: u32 = 65_534;

/// What the read-only look needs to know of a crash trial.
#[derive(Debug, Clone)]
pub struct Look<'a> {
    /// The backend.
    pub backend: PersistentBackend,
    /// The database file; every other file of its directory but `*.stderr` is the database's
    /// too (SQLite's `-wal` and `-shm`).
    pub path: &'a Path,
    /// The workload's seed, case and length, from which the child rebuilds the case.
    pub case: (u64, u64, usize),
    /// Calls acknowledged before the kill.
    pub acknowledged: usize,
    /// Whether a call was in flight.
    pub in_flight: bool,
}

/// Judges the database of `look` through a read-only open in a child that cannot write it (see
/// the module docs). Answers which candidate state it showed (`"acknowledged"` or
/// `"acknowledged + in flight"`).
///
/// # Errors
/// A read-only open that fails or shows a state the model does not allow, a file that changed,
/// or a directory that cannot be read or locked down.
pub fn judge(launcher: &Launcher, look: &Look) -> anyhow::Result<String> {
    let dir = look
        .path
        .parent()
        .context("the database has no directory")?;
    let stderr_path = dir.join("read-only.stderr");
    let stderr = fs::File::create(&stderr_path)?;
    let before = checksums(dir)?;
    let (seed, case, ops) = look.case;
    let mut command = launcher.command(
        "read-only",
        &[
            ("backend", look.backend.name().to_owned()),
            ("path", look.path.display().to_string()),
            ("seed", seed.to_string()),
            ("case", case.to_string()),
            ("ops", ops.to_string()),
            ("acknowledged", look.acknowledged.to_string()),
            ("in_flight", look.in_flight.to_string()),
        ],
    );
    let root = rustix::process::geteuid().is_root();
    if root {
        reachable_by_others(dir)?;
        command.uid(NOBODY).gid(NOBODY);
    }
    let who = if root {
        "as nobody"
    } else {
        "with the files read-only"
    };
    set_modes(dir, &before, 0o555, 0o444)?;
    let output = command.stdin(Stdio::null()).stderr(stderr).output();
    set_modes(dir, &before, 0o755, 0o644)?;
    let output = output.context("cannot start the read-only child")?;
    if !output.status.success() {
        bail!(
            "the read-only open after the kill ({who}) failed ({}): {}",
            output.status,
            tail(&stderr_path, 20)
        );
    }
    let after = checksums(dir)?;
    if after != before {
        bail!(
            "the read-only open after the kill ({who}) changed the files: before {before:?}, \
             after {after:?}"
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Fails unless every directory above `dir` lets others pass (`o+x`), as `nobody` must.
fn reachable_by_others(dir: &Path) -> anyhow::Result<()> {
    for above in dir.ancestors().skip(1) {
        let mode = fs::metadata(above).map_or(0o755, |m| m.permissions().mode());
        if mode & 0o001 == 0 {
            bail!(
                "the read-only look runs as nobody, who cannot reach {}: {} has mode {:o} \
                 (choose another --dir)",
                dir.display(),
                above.display(),
                mode & 0o777
            );
        }
    }
    Ok(())
}

/// Each database file of `dir` (every file but `*.stderr`) with its length and FNV-1a checksum.
fn checksums(dir: &Path) -> anyhow::Result<BTreeMap<String, (usize, u64)>> {
    let entries = fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut sums = BTreeMap::new();
    for entry in entries {
        let path = entry?.path();
        if !path.is_file() || path.extension().is_some_and(|e| e == "stderr") {
            continue;
        }
        let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        sums.insert(name.into_owned(), (bytes.len(), fingerprint(&bytes)));
    }
    Ok(sums)
}

/// Gives `dir` mode `dir_mode` and each of its `files` mode `file_mode`.
fn set_modes<T>(
    dir: &Path,
    files: &BTreeMap<String, T>,
    dir_mode: u32,
    file_mode: u32,
) -> anyhow::Result<()> {
    let chmod = |path: &Path, mode| {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot chmod {}", path.display()))
    };
    // Files first, while the directory is still writable for a run that is not root.
    for name in files.keys() {
        chmod(&dir.join(name), file_mode)?;
    }
    chmod(dir, dir_mode)
}

/// The child's side: opens the database read-only, judges it, prints which candidate it showed.
///
/// # Errors
/// The read-only open or the judgement failing.
pub fn child(params: &Params) -> anyhow::Result<()> {
    let backend = PersistentBackend::parse(&params.get::<String>("backend")?)?;
    let path = params.path("path")?;
    let ops = workload::case(params.get("seed")?, params.get("case")?, params.get("ops")?);
    let candidates =
        Candidates::compute(&ops, params.get("acknowledged")?, params.get("in_flight")?);
    let store = backend
        .open_read_only(&path, Duration::from_secs(10))
        .context("read-only open")?;
    let got = verify_store(store.as_ref(), &sessions(&ops))?;
    println!("{}", candidates.matches(&got)?);
    Ok(())
}
