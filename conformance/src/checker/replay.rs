//! Saved cases: the operations of a (minimal) failing case as JSON, and running them again.
//!
//! A file holds the operations themselves, not a seed, so it keeps its meaning when the generator
//! changes. A check saves each failing case under a name of its own ([`save_new_case`]); the
//! tests of [`model_check_tests!`](crate::model_check_tests) replay every case of a directory
//! the backend's crate names ([`SavedCases`](super::SavedCases)).
//! `conformance/regressions/*.json` holds the cases that once failed here; a test replays every
//! one of them against every backend of the workspace.

use std::fmt;
use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::case::HandleOp;
use super::run::{CaseStats, Divergence, RunOptions, run_case};
use crate::factory::BackendFactory;
use crate::model::ModelFactory;

/// A case on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCase {
    /// What the case is about (how it was found, what it failed on).
    pub about: String,
    /// The operations, in order, each with its handle (a bare operation runs on handle 0).
    pub ops: Vec<HandleOp>,
}

/// Why a replay failed.
#[derive(Debug)]
pub enum ReplayError {
    /// The file could not be read or parsed.
    Load(PathBuf, String),
    /// The case diverged.
    Diverged(PathBuf, Box<Divergence>),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Load(path, why) => write!(f, "{}: cannot load: {why}", path.display()),
            ReplayError::Diverged(path, d) => write!(f, "{}: {d}", path.display()),
        }
    }
}

impl std::error::Error for ReplayError {}

/// Writes `case` to `path` as pretty JSON, creating the directory if needed.
pub fn save_case(path: &Path, case: &SavedCase) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let json = serde_json::to_string_pretty(case).map_err(io::Error::other)?;
    fs::write(path, json + "\n")
}

/// Saves `case` in `dir` under a name of its own, `STEM-HASH.json` (the hash of its
/// operations), and answers the path. Never overwrites: the same operations saved again answer
/// the file that holds them, and another case whose hash collides gets `-2`, `-3`... after it.
pub fn save_new_case(dir: &Path, stem: &str, case: &SavedCase) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let json = serde_json::to_string_pretty(case).map_err(io::Error::other)? + "\n";
    let mut hasher = DefaultHasher::new();
    serde_json::to_string(&case.ops)
        .map_err(io::Error::other)?
        .hash(&mut hasher);
    let hash = hasher.finish();
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let path = dir.join(format!("{stem}-{hash:016x}{suffix}.json"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(json.as_bytes())?;
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if load_case(&path).is_ok_and(|held| held.ops == case.ops) {
                    return Ok(path);
                }
            }
            Err(e) => return Err(e),
        }
        n += 1;
    }
}

/// Reads a case written by [`save_case`].
pub fn load_case(path: &Path) -> Result<SavedCase, ReplayError> {
    let load = |why: String| ReplayError::Load(path.to_owned(), why);
    let text = fs::read_to_string(path).map_err(|e| load(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| load(e.to_string()))
}

/// Runs the case saved at `path` against `backend` and the reference model, checking the
/// invariants after every operation.
pub fn replay(path: &Path, backend: &dyn BackendFactory) -> Result<CaseStats, ReplayError> {
    replay_against(path, backend, &ModelFactory)
}

/// As [`replay`], with another oracle than the reference model.
pub fn replay_against(
    path: &Path,
    backend: &dyn BackendFactory,
    model: &dyn BackendFactory,
) -> Result<CaseStats, ReplayError> {
    let case = load_case(path)?;
    run_case(backend, model, &case.ops, &RunOptions::default())
        .map_err(|d| ReplayError::Diverged(path.to_owned(), Box::new(d)))
}

/// The `*.json` files of `dir`, sorted by name (none if the directory does not exist).
pub fn case_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = match fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.map(|e| e.path()))
            .collect::<io::Result<Vec<_>>>()?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    files.retain(|p| p.extension().is_some_and(|x| x == "json"));
    files.sort();
    Ok(files)
}

/// Replays every case of `dir` against `backend`; the failures, in file order.
pub fn replay_dir(dir: &Path, backend: &dyn BackendFactory) -> io::Result<Vec<ReplayError>> {
    Ok(case_files(dir)?
        .iter()
        .filter_map(|path| replay(path, backend).err())
        .collect())
}

/// The directory of this crate's regression cases, `conformance/regressions/`.
pub fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions")
}
