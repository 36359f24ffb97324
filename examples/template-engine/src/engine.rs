//! The transactions. The process keeps the store in memory, as the file last said it, behind a
//! read-write lock; the file is its durable copy. A read runs on the data in memory. A write
//! takes the lock, lets the call change a copy and, only when the call answers `Ok`, writes the
//! copy to a temporary file, syncs it, renames it over the old file and puts the copy in place.
//! Opening the file again (a reopen, another process) reads what the last commit wrote.
//!
//! Every promise of `raw::Engine` follows from that shape:
//!
//! * **a read sees one consistent state**, including every commit before it: it holds the lock
//!   shared, and a commit replaces the data under the lock held exclusively;
//! * **writes are serialized**: one writer holds the lock at a time (in this process: two
//!   processes writing one file would each keep their own data and overwrite each other's; a
//!   real engine takes a file lock and reads what another process committed, or uses a
//!   database that does);
//! * **an `Err` leaves nothing**: the changed copy is dropped, whatever the call (or a batch of
//!   calls) wrote into it, so `Engine::batch` runs `write`; a failed save (`Io`) leaves the
//!   old file and the old data too;
//! * **an `Ok` is durable before the call returns**: the data is synced before the rename, and
//!   the directory after it, so a crash leaves the old file or the new one, both whole.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use podstate_api::raw::Engine;
use podstate_api::{ErrorKind, Result, StateError};
use tempfile::TempDir;

use crate::data::{Data, FORMAT};

/// One store's data and file, shared by its handles: each handle's engine is a clone.
#[derive(Debug, Clone)]
pub struct JsonEngine {
    path: Arc<PathBuf>,
    /// What the file holds, as this process last read or wrote it.
    data: Arc<RwLock<Data>>,
    /// A temporary store's directory, removed when the last engine (store or handle) goes.
    dir: Option<Arc<TempDir>>,
    /// Whether a commit syncs before it returns: off only for a temporary store, which no
    /// crash is meant to survive, and whose syncs would be most of a test's time.
    sync: bool,
}

impl JsonEngine {
    /// The engine of the file at `path`, which is created empty when it does not exist; a
    /// file that does not parse is refused (`Corrupt`). A store in a temporary directory
    /// (`dir`) does not sync.
    pub(crate) fn open(path: PathBuf, dir: Option<Arc<TempDir>>) -> Result<JsonEngine> {
        let mut engine = JsonEngine {
            path: Arc::new(path),
            data: Arc::default(),
            sync: dir.is_none(),
            dir,
        };
        let data = if engine.path.exists() {
            engine.load()?
        } else {
            let empty = Data::new();
            engine.save(&empty)?;
            empty
        };
        engine.data = Arc::new(RwLock::new(data));
        Ok(engine)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary directory a reopen must keep, if the store lives in one.
    pub(crate) fn dir(&self) -> Option<Arc<TempDir>> {
        self.dir.clone()
    }

    /// The whole store as the file holds it now.
    pub(crate) fn load(&self) -> Result<Data> {
        let text = fs::read(&*self.path).map_err(|e| self.io("read", e))?;
        let data: Data = serde_json::from_slice(&text).map_err(|e| {
            let why = format!("{} is not a store: {e}", self.path.display());
            StateError::new(ErrorKind::Corrupt, why).with_source(e)
        })?;
        if data.format != FORMAT {
            return Err(StateError::new(
                ErrorKind::Corrupt,
                format!(
                    "{} is of format {}; this engine reads format {FORMAT}",
                    self.path.display(),
                    data.format
                ),
            ));
        }
        Ok(data)
    }

    /// Replaces the file with `data`, atomically and durably (see the module docs).
    fn save(&self, data: &Data) -> Result<()> {
        let fresh = self.path.with_extension("json.tmp");
        let json = serde_json::to_vec(data).map_err(|e| self.io("encode", e))?;
        let mut file = File::create(&fresh).map_err(|e| self.io("create", e))?;
        file.write_all(&json).map_err(|e| self.io("write", e))?;
        if self.sync {
            file.sync_all().map_err(|e| self.io("sync", e))?;
        }
        fs::rename(&fresh, &*self.path).map_err(|e| self.io("rename", e))?;
        if !self.sync {
            return Ok(());
        }
        // The rename is in the directory: synced, it survives a crash too.
        let dir = self.path.parent().filter(|d| !d.as_os_str().is_empty());
        File::open(dir.unwrap_or(Path::new(".")))
            .and_then(|d| d.sync_all())
            .map_err(|e| self.io("sync the directory of", e))
    }

    fn io(&self, what: &str, e: impl std::error::Error + Send + Sync + 'static) -> StateError {
        let why = format!("cannot {what} {}: {e}", self.path.display());
        StateError::new(ErrorKind::Io, why).with_source(e)
    }
}

impl Engine for JsonEngine {
    const BACKEND: &'static str = "json-file";

    // A transaction's view is the store's data itself: reads answer from it, writes change it.
    type Read<'a> = Data;
    type Write<'a> = Data;

    fn read<T>(&self, f: impl FnOnce(&Data) -> Result<T>) -> Result<T> {
        // A writer that panicked held the lock but replaced nothing: the data is whole.
        let data = self.data.read().unwrap_or_else(PoisonError::into_inner);
        f(&data)
    }

    fn write<T>(&self, f: impl FnOnce(&mut Data) -> Result<T>) -> Result<T> {
        let mut data = self.data.write().unwrap_or_else(PoisonError::into_inner);
        let mut draft = data.clone();
        let value = f(&mut draft)?;
        self.save(&draft)?;
        *data = draft;
        Ok(value)
    }

    // `write` works on a copy that replaces the data only on success, so a batch that answers
    // `Err` after it wrote leaves nothing behind: the same transaction serves.
    fn batch<T>(&self, f: impl FnOnce(&mut Data) -> Result<T>) -> Result<T> {
        self.write(f)
    }
}
