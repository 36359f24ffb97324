//! Bad files (issue item 6): opening and using a damaged or foreign file never panics and never
//! hangs; damage the engine detects answers `Corrupt` or `Io`. What a file holds comes from the
//! caller (the tests draw it with proptest: random bytes, a real database with flipped bytes, cut
//! short, with a page overwritten, empty, the other backend's database).

use anyhow::{Context, anyhow, bail};
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use podstate_api::{Container, ContainerConfig, ErrorKind, StateError};

use crate::driver::{Driver, panic_text};
use crate::target::{PersistentBackend, verify};
use crate::workload;

/// How long one file may take before it counts as a hang: far beyond any open of a small file.
pub const HANG: Duration = Duration::from_secs(60);

/// What happened to a bad file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The open was refused with this kind (always `Corrupt` or `Io`).
    Refused(ErrorKind),
    /// It opened; reading everything (and the check) answered this kind, or `None` when
    /// everything read back (damage no checksum covers reads back as it is).
    Opened(Option<ErrorKind>),
}

/// A real database of `backend` with some content, as bytes: what the damage starts from.
///
/// # Errors
/// A database that cannot be made.
pub fn sample_database(backend: PersistentBackend, seed: u64) -> anyhow::Result<Vec<u8>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(backend.file_name());
    let store = backend.open(&path, Duration::from_secs(100))?;
    let ops = workload::case(seed, 3, 120);
    let mut driver = Driver::new(store, podstate_conformance::checker::handles_of(&ops))?;
    for step in &ops {
        driver.apply(step);
    }
    drop(driver);
    Ok(std::fs::read(&path)?)
}

/// Writes `bytes` as the database file of `backend` in a new directory, opens it, reads
/// everything and runs the check, on a thread watched for [`HANG`].
///
/// # Errors
/// A panic, a hang, or an answer other than `Ok`, `Corrupt` and `Io`.
pub fn try_file(backend: PersistentBackend, bytes: &[u8]) -> anyhow::Result<Verdict> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(backend.file_name());
    std::fs::write(&path, bytes)?;
    let (tx, rx) = mpsc::channel();
    let worker_path = path.clone();
    thread::spawn(move || {
        let verdict = catch_unwind(AssertUnwindSafe(|| use_file(backend, &worker_path)))
            .unwrap_or_else(|panic| Err(anyhow!("panicked: {}", panic_text(&*panic))));
        let _ = tx.send(verdict);
    });
    match rx.recv_timeout(HANG) {
        Ok(verdict) => verdict,
        Err(_) => Err(anyhow!("no answer after {HANG:?}: hung")),
    }
}

/// `Ok` for `Corrupt` and `Io`; any other kind is an error described.
fn typed(what: &str, e: &StateError) -> anyhow::Result<ErrorKind> {
    match e.kind() {
        kind @ (ErrorKind::Corrupt | ErrorKind::Io) => Ok(kind),
        _ => Err(anyhow!("{what} answered {e} (neither Corrupt nor Io)")),
    }
}

fn use_file(backend: PersistentBackend, path: &Path) -> anyhow::Result<Verdict> {
    let store = match backend.open(path, Duration::from_secs(5)) {
        Ok(store) => store,
        Err(e) => return typed("open", &e).map(Verdict::Refused),
    };
    // The check reads everything through the public calls; a read answer of another kind is
    // reported in the message of the check.
    let read = verify(backend, store.as_ref(), path, &BTreeSet::new()).err();
    // A write, too, answers Ok or a typed error.
    let handle = store.open_handle().context("open_handle")?;
    let write = handle.add_container(&Container::new(ContainerConfig::new("0bad", "bad-file")));
    if let Err(e) = &write
        && !matches!(
            e.kind(),
            ErrorKind::CtrExists | ErrorKind::Corrupt | ErrorKind::Io
        )
    {
        bail!("add_container answered {e}");
    }
    let all = handle.all_containers();
    Ok(Verdict::Opened(match (read, all) {
        (None, Ok(_)) => None,
        (_, Err(e)) => Some(typed("all_containers", &e)?),
        (Some(_), Ok(_)) => Some(ErrorKind::Corrupt),
    }))
}
