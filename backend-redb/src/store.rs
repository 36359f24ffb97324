//! The store (one database file), its options, and the engine each handle runs its calls on.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use podstate_api::raw::group::{TurnWait, WriteGroup};
use podstate_api::raw::{Engine, Handle, trace, whole};
use podstate_api::snapshot::Snapshot;
use podstate_api::verify::{Inventory, Violation, violations};
use podstate_api::{Capabilities, Store};
use podstate_api::{Result, State};
use redb::{ReadTransaction, WriteTransaction};

use crate::error::{contain, contain_with, met_io_error};
use crate::group::{RedbWriter, WriteTx};
use crate::open::{Shared, kept_changing};
use crate::options::RedbOptions;
use crate::read::View;
use crate::reader::ReadSnapshot;
use crate::storage::Hook;
#[cfg(feature = "testing")]
use crate::storage::StorageHook;

/// How often a read opens the file anew because the overlay it read through went stale (see
/// [`overlay`](crate::overlay)) before it gives up.
const STALE_TRIES: usize = 8;

/// A podstate database in one redb file, shared by every handle, thread and process that opens
/// it. Handles come from [`RedbStore::open_handle`] (or [`Store::open_handle`]); they share this
/// store's redb database objects, so a handle costs one allocation, and its write group: writes
/// its handles make at the same time share a transaction and a commit
/// ([`RedbOptions::group_commit`]).
pub struct RedbStore {
    shared: Arc<Shared>,
    /// The writes of this store's handles (not of a reopened store's).
    group: Arc<WriteGroup<RedbWriter>>,
    /// What must live as long as the database: the directory of a temporary store (feature
    /// `testing`), kept across reopens.
    temp: Option<Keep>,
}

/// A handle on a [`RedbStore`]: implements [`State`], with its own namespace and closed flag.
pub type RedbState = Handle<RedbEngine>;

impl RedbStore {
    /// Opens the podstate database at `path`, creating it if the file does not exist, with the
    /// default [`RedbOptions`].
    ///
    /// # Errors
    /// `Corrupt` when the file is not a podstate database (another format, another redb
    /// database, empty, damaged, a newer podstate format); `Io` when it cannot be read or
    /// created, or a lock stays taken past the lock timeout. The message names the file.
    pub fn open(path: impl AsRef<Path>) -> Result<RedbStore> {
        RedbStore::open_with(path, RedbOptions::default())
    }

    /// As [`open`](RedbStore::open), with `options`.
    ///
    /// # Errors
    /// As [`open`](RedbStore::open).
    pub fn open_with(path: impl AsRef<Path>, options: RedbOptions) -> Result<RedbStore> {
        RedbStore::open_in(path.as_ref(), options, None, None)
    }

    /// Opens the existing podstate database at `path` read-only (see
    /// [`RedbOptions::read_only`]): for tools that inspect, check or export a database they may
    /// not write. Also a file whose last writer died, or a `cp` copy of a live one: it reads the
    /// last committed state without writing to the file.
    ///
    /// # Errors
    /// As [`open`](RedbStore::open); `Io` when there is no file.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<RedbStore> {
        RedbStore::open_with(path, RedbOptions::default().read_only(true))
    }

    /// As [`open_with`](RedbStore::open_with), with every file redb opens handed to `hook`
    /// first: the seam of the failing-disk tests (a storage that loses unsynced writes at a
    /// simulated power cut, or fails chosen reads, writes and syncs). The stores
    /// [`reopen`](Store::reopen) gives keep the hook. Not for production use.
    ///
    /// # Errors
    /// As [`open`](RedbStore::open), and whatever the hook's storage makes redb answer.
    #[cfg(feature = "testing")]
    pub fn open_with_storage(
        path: impl AsRef<Path>,
        options: RedbOptions,
        hook: Arc<dyn StorageHook>,
    ) -> Result<RedbStore> {
        RedbStore::open_in(path.as_ref(), options, Some(hook), None)
    }

    fn open_in(
        path: &Path,
        options: RedbOptions,
        hook: Hook,
        temp: Option<Keep>,
    ) -> Result<RedbStore> {
        let shared = Arc::new(contain(path, || Shared::open(path, options, hook))?);
        let writer = RedbWriter::new(Arc::clone(&shared));
        Ok(RedbStore {
            group: Arc::new(WriteGroup::new(writer, options.group_commit)),
            shared,
            temp,
        })
    }

    /// A fresh, empty store in a new temporary directory, removed when the store (and every
    /// store [`reopen`](Store::reopen)ed from it) is dropped: the test setting.
    ///
    /// On Linux the directory is made on the RAM-backed `/dev/shm` when it exists, so that the
    /// fdatasyncs of every commit cost next to nothing; everything else (multi-writer mode,
    /// durable commits, the locks) is exactly as for [`open`](RedbStore::open).
    ///
    /// # Errors
    /// `Io` when no temporary directory can be made.
    #[cfg(feature = "testing")]
    pub fn temporary() -> Result<RedbStore> {
        let dir = temp_dir().map_err(|e| {
            crate::error::io_fault(Path::new("(temporary)"), "cannot make a directory", e)
        })?;
        let path = dir.path().join("podstate.redb");
        RedbStore::open_in(
            &path,
            RedbOptions::default(),
            None,
            Some(Arc::new(dir) as Keep),
        )
    }

    /// A new handle on this store: open, in namespace `""`; typed, where
    /// [`Store::open_handle`] answers a `Box<dyn State>`.
    ///
    /// # Errors
    /// None today: the handle shares the store's open database objects (the `Result` is that
    /// of every backend's `open_handle`).
    pub fn open_handle(&self) -> Result<RedbState> {
        Ok(Handle::new(self.engine()))
    }

    /// The old name of [`open_handle`](RedbStore::open_handle).
    #[deprecated(since = "0.1.0", note = "use `open_handle`, which every backend has")]
    pub fn handle(&self) -> RedbState {
        Handle::new(self.engine())
    }

    /// An engine on this store's database objects.
    fn engine(&self) -> RedbEngine {
        RedbEngine {
            shared: self.shared.clone(),
            group: self.group.clone(),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.shared.file
    }

    /// The options the store was opened with.
    pub fn options(&self) -> RedbOptions {
        self.shared.options
    }
}

/// Something a store keeps alive as long as it or a reopened store lives (a temporary directory).
type Keep = Arc<dyn std::any::Any + Send + Sync>;

/// A temporary directory, on `/dev/shm` where there is one.
#[cfg(feature = "testing")]
fn temp_dir() -> std::io::Result<tempfile::TempDir> {
    let shm = Path::new("/dev/shm");
    if cfg!(target_os = "linux")
        && shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new()
            .prefix("podstate-redb-")
            .tempdir_in(shm)
    {
        return Ok(dir);
    }
    tempfile::Builder::new().prefix("podstate-redb-").tempdir()
}

impl fmt::Debug for RedbStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedbStore")
            .field("path", &self.shared.file)
            .field("options", &self.shared.options)
            .field("temporary", &self.temp.is_some())
            .finish()
    }
}

impl Store for RedbStore {
    fn backend(&self) -> &'static str {
        "redb"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::persistent()
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(RedbStore::open_handle(self)?))
    }

    /// Drops this store's redb database objects (once its handles are gone too) and opens the
    /// file again, as a new process would.
    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>> {
        let file: PathBuf = self.shared.file.clone();
        let options = self.shared.options;
        let hook = self.shared.hook.clone();
        let temp = self.temp.clone();
        drop(self);
        Ok(Box::new(RedbStore::open_in(&file, options, hook, temp)?))
    }

    fn snapshot(&self) -> Result<Snapshot> {
        whole::snapshot_of(&self.engine())
    }

    fn restore(&self, snapshot: &Snapshot) -> Result<()> {
        whole::restore_into(&self.engine(), snapshot)
    }

    fn replace(&self, snapshot: &Snapshot) -> Result<()> {
        whole::replace_into(&self.engine(), snapshot)
    }

    /// Every entry of every table checked against SPEC §2 (see `verify.rs`).
    fn verify(&self) -> Result<Vec<Violation>> {
        Ok(violations(&self.inventory()?))
    }

    fn inventory(&self) -> Result<Inventory> {
        trace::call("inventory", RedbEngine::BACKEND, |_| {
            self.engine().read(|view| view.inventory())
        })
    }
}

/// The engine of one handle: a read transaction per reading call on the store's read-only
/// database object; each mutating call in the store's write group, in a write transaction on
/// its writable one shared with the writes that run at the same time.
#[derive(Clone)]
pub struct RedbEngine {
    shared: Arc<Shared>,
    group: Arc<WriteGroup<RedbWriter>>,
}

impl RedbEngine {
    /// Runs `f` in the store's write group; a batch (`lead`) in a transaction of its own.
    fn grouped<T>(
        &self,
        lead: bool,
        f: impl FnOnce(&mut View<'_, WriteTransaction>) -> Result<T>,
    ) -> Result<T> {
        let file = self.shared.file.as_path();
        let turn = TurnWait::from_now(self.shared.options.lock_timeout);
        let run = |tx: WriteTx| {
            let WriteTx { tx, writer } = tx;
            let mut view = View { tx, file };
            let answer = f(&mut view);
            let tx = WriteTx {
                tx: view.tx,
                writer,
            };
            self.group.engine().after(&tx, &answer);
            (tx, answer)
        };
        contain_with(
            file,
            || {
                if lead {
                    self.group.batch(turn, run)
                } else {
                    self.group.write(turn, run)
                }
            },
            // A panic may leave redb's in-memory state latched: start over with a new open.
            || self.shared.discard_writer(),
        )
    }
}

impl fmt::Debug for RedbEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedbEngine")
            .field("path", &self.shared.file)
            .finish()
    }
}

impl Engine for RedbEngine {
    const BACKEND: &'static str = "redb";

    type Read<'a> = View<'a, ReadTransaction>;
    type Write<'a> = View<'a, WriteTransaction>;

    fn read<T>(&self, f: impl FnOnce(&Self::Read<'_>) -> Result<T>) -> Result<T> {
        let file = self.shared.file.as_path();
        let answer = contain(file, || {
            let mut stale = 0;
            let ReadSnapshot { tx, pin } = loop {
                let reader = self.shared.reader()?;
                match reader.begin(file)? {
                    Some(snapshot) => break snapshot,
                    // An overlay the file has moved past: open the file anew.
                    None => {
                        self.shared.retire_reader(&reader);
                        stale += 1;
                        if stale >= STALE_TRIES {
                            return Err(kept_changing(file));
                        }
                    }
                }
            };
            let answer = f(&View { tx, file });
            drop(pin);
            answer
        });
        if let Err(e) = &answer
            && met_io_error(e)
        {
            self.shared.discard_reader();
        }
        answer
    }

    fn write<T>(&self, f: impl FnOnce(&mut Self::Write<'_>) -> Result<T>) -> Result<T> {
        self.grouped(false, f)
    }

    /// In a transaction of its own, which writes queued behind it may join once it succeeded.
    fn batch<T>(&self, f: impl FnOnce(&mut Self::Write<'_>) -> Result<T>) -> Result<T> {
        self.grouped(true, f)
    }
}
