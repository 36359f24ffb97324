//! Opening the file: create it whole if missing, prove it is a podstate database before anything
//! writes to it, and open the writable side only when a write needs it.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, TryLockError};

use podstate_api::raw::group::TurnWait;
use podstate_api::raw::holder_watch::LastSeenHolder;
use podstate_api::{ErrorKind, Result, StateError};
use redb::{Builder, ConcurrencyMode, Database, DatabaseError, ReadOnlyDatabase};

use crate::bounded::{BoundedFile, SharedFile};
use crate::drafts;
use crate::error::{bad_layout, fault, io_fault};
use crate::lock::begin_write;
use crate::options::RedbOptions;
use crate::overlay::OverlayReader;
use crate::reader::Reader;
use crate::schema::{Stamp, check_format, create_tables};
use crate::storage::Hook;
use crate::upgrade::{older_read_only, upgrade};

/// How often opening the reader starts over because the file changed meanwhile (a writer
/// repairing or committing it while an overlay was being made).
const OPEN_TRIES: usize = 8;

/// What one store holds open on its file, shared by all its handles.
///
/// * `reader`: opened (and checked) at once; every read transaction runs on it. Normally
///   redb's read-only database object: in multi-writer mode each `begin_read` picks up the
///   latest commit of any process, and a read-only open neither writes to the file nor waits
///   for a writer. For a read-only store on a file whose last writer died, an overlay (see
///   [`overlay`](crate::overlay)).
/// * `writer`: the writable database object, opened by the first write. A writable open writes
///   to the file (five fdatasyncs) and waits for any write transaction in progress, so a process
///   that only reads never pays for it, and the file is proven to be a podstate database before
///   anything writes to it.
///
/// redb latches an I/O error: once a database object has met one, every later call on it
/// answers `PreviousIo` until it is opened again. So either object is dropped after a call that
/// met one ([`discard_reader`](Shared::discard_reader), [`discard_writer`](Shared::discard_writer))
/// and opened anew by the next call: a disk that failed once does not fail the store for the
/// rest of the process.
pub(crate) struct Shared {
    pub(crate) file: PathBuf,
    pub(crate) options: RedbOptions,
    pub(crate) hook: Hook,
    reader: Mutex<Option<Arc<Reader>>>,
    writer: Mutex<Option<Writer>>,
    /// The write lock's holder as the waits of this store's writes last saw it (also while
    /// opening the file for writing): a call queued behind one of them that gives up meanwhile
    /// names it.
    pub(crate) holders_seen: Arc<LastSeenHolder>,
}

/// The writable database object and its storage (for the turn lock, see
/// [`lock`](crate::lock)).
#[derive(Clone)]
pub(crate) struct Writer {
    pub(crate) db: Arc<Database>,
    pub(crate) storage: Arc<BoundedFile>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("file", &self.file)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// Opens `file` (creating it if missing) and checks that it is a podstate database.
    pub(crate) fn open(file: &Path, options: RedbOptions, hook: Hook) -> Result<Shared> {
        if !options.read_only {
            drafts::remove_stale(file);
        }
        match fs::metadata(file) {
            Err(e) if e.kind() == io::ErrorKind::NotFound && !options.read_only => {
                create(file, options, &hook)?
            }
            Err(e) => return Err(io_fault(file, "cannot read its metadata", e)),
            Ok(meta) if !meta.is_file() => {
                return Err(StateError::new(
                    ErrorKind::Io,
                    format!("redb database {}: not a regular file", file.display()),
                ));
            }
            Ok(meta) if meta.len() == 0 => {
                return Err(bad_layout(
                    file,
                    "the file is empty: not a podstate database",
                ));
            }
            Ok(_) => {}
        }
        let shared = Shared {
            file: file.to_owned(),
            options,
            hook,
            reader: Mutex::new(None),
            writer: Mutex::new(None),
            holders_seen: Arc::default(),
        };
        // The open is one call: its lock waits (the reader's open, and a repair's or an
        // upgrade's writable open and write) all end at one deadline, a lock timeout from now,
        // not a whole timeout after each began (SPEC §3).
        let mut turn = TurnWait::from_now(options.lock_timeout);
        for _ in 0..OPEN_TRIES {
            let reader = shared.open_reader(Some(&turn))?;
            if let Some(snapshot) = reader.begin(file)? {
                match check_format(&snapshot.tx, file)? {
                    Stamp::Current => {}
                    Stamp::Older(version) if options.read_only => {
                        return Err(older_read_only(file, version));
                    }
                    Stamp::Older(_) => {
                        // Upgraded, then checked again through a new reader.
                        drop(snapshot);
                        drop(reader);
                        {
                            let writer = shared.writer_in(Some(&turn))?;
                            upgrade(&writer.db, &writer.storage, file, &mut turn)?
                        };
                        continue;
                    }
                }
                drop(snapshot);
                *shared.reader.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(Arc::new(reader));
                return Ok(shared);
            }
        }
        Err(kept_changing(file))
    }

    /// Opens the reader: redb's read-only object, or an overlay for a read-only store on a file
    /// only a writable open may repair. A writable store repairs such a file (the one case in
    /// which something is written to a file before its layout is checked). The waits of the
    /// store's open end at its deadline (`call`); a reader opened again after an I/O error
    /// gives each wait the lock timeout.
    fn open_reader(&self, call: Option<&TurnWait>) -> Result<Reader> {
        for _ in 0..OPEN_TRIES {
            let handle = File::open(&self.file)
                .map_err(|e| io_fault(&self.file, "cannot open it for reading", e))?;
            match open_plain(handle, &self.file, self.options, &self.hook, call) {
                Ok(reader) => return Ok(reader),
                Err(DatabaseError::RepairAborted) if self.options.read_only => {
                    if let Some(overlay) =
                        OverlayReader::open(&self.file, self.options, &self.hook)?
                    {
                        tracing::info!(
                            file = %self.file.display(),
                            "the file needs the repair of a writable open (its last writer \
                             died, or it is a copy of a live file): read through an in-memory \
                             overlay that repairs it without writing to it"
                        );
                        return Ok(Reader::Overlay(overlay));
                    }
                }
                Err(DatabaseError::RepairAborted) => {
                    let started = std::time::Instant::now();
                    self.writer_in(call)?;
                    tracing::info!(
                        file = %self.file.display(),
                        repair_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                        "repaired the file by opening it writable (its last writer died, or it \
                         is a copy of a live file)"
                    );
                }
                Err(e) => return Err(fault(&self.file, e)),
            }
        }
        Err(kept_changing(&self.file))
    }

    /// The reader, opened again if a call dropped it.
    pub(crate) fn reader(&self) -> Result<Arc<Reader>> {
        let mut slot = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(reader) = slot.as_ref() {
            return Ok(reader.clone());
        }
        let reader = Arc::new(self.open_reader(None)?);
        *slot = Some(reader.clone());
        Ok(reader)
    }

    /// Drops the reader after an I/O error, so that the next read opens the file anew.
    pub(crate) fn discard_reader(&self) {
        tracing::warn!(
            file = %self.file.display(),
            "a read met an I/O error: the next read opens the file anew"
        );
        *self.reader.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Drops `stale` (an overlay the file has moved past), unless another call already did.
    pub(crate) fn retire_reader(&self, stale: &Arc<Reader>) {
        let mut slot = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_some_and(|r| Arc::ptr_eq(r, stale)) {
            tracing::debug!(
                file = %self.file.display(),
                "the file moved past the overlay read through (a writer repaired or committed \
                 it): opening it anew"
            );
            *slot = None;
        }
    }

    /// The writable database object for the write call `turn`, opened now if no write has
    /// needed it yet (or the last one was retired): the open waits for the file's locks until
    /// `turn`'s deadline at most, since the call may have waited for its turn in the store's
    /// group already (the lock timeout is per call).
    pub(crate) fn writer_for(&self, turn: &TurnWait) -> Result<Writer> {
        self.writer_in(Some(turn))
    }

    /// The writable database object, opened now if need be, its waits ending at the deadline
    /// of `call` (a write call, or the store's open: its repair or upgrade); without one (a
    /// read's repair), each of its lock waits lasts up to the lock timeout.
    fn writer_in(&self, call: Option<&TurnWait>) -> Result<Writer> {
        if self.options.read_only {
            return Err(StateError::new(
                ErrorKind::Io,
                format!("redb database {} is opened read-only", self.file.display()),
            ));
        }
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(writer) = slot.as_ref() {
            return Ok(writer.clone());
        }
        let writer = open_writer(self, call)?;
        *slot = Some(writer.clone());
        Ok(writer)
    }

    /// The writable database object if a write has opened it; `None` also while a write is
    /// opening it (this never waits for that open, which may last the opening call's timeout).
    pub(crate) fn writer_if_open(&self) -> Option<Writer> {
        match self.writer.try_lock() {
            Ok(slot) => slot.clone(),
            Err(TryLockError::Poisoned(slot)) => slot.into_inner().clone(),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    /// Drops `stale`, the writable database object a write met an I/O error on, unless another
    /// call already did (and perhaps opened a new one), so that the next write opens the file
    /// anew.
    pub(crate) fn retire_writer(&self, stale: &Writer) {
        let mut slot = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_some_and(|w| Arc::ptr_eq(&w.db, &stale.db)) {
            let writer = slot.take();
            drop(slot);
            tracing::warn!(
                file = %self.file.display(),
                "a write failed in redb (an I/O error or a failed commit): the next write opens \
                 the file anew"
            );
            drop_contained(writer);
        }
    }

    /// Drops the writable database object, so that the next write opens the file anew. redb
    /// refuses every write after a failed commit (the commit may or may not have reached the
    /// disk), an I/O error or a panic, until the database is opened again.
    pub(crate) fn discard_writer(&self) {
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if writer.is_some() {
            tracing::warn!(
                file = %self.file.display(),
                "a write failed in redb (an I/O error, a failed commit or a panic): the next \
                 write opens the file anew"
            );
        }
        drop_contained(writer);
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        drop_contained(
            self.writer
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
    }
}

/// Drops `writer`, containing a panic of redb's `Database::drop`: on a damaged file its closing
/// commit can hit the same damage (an `unwrap` in the allocator), and after a contained panic its
/// own locks may be poisoned. The panic still drops the object's fields (the file, its locks)
/// while it unwinds, so nothing stays held; the contract never lets a panic out.
fn drop_contained(writer: Option<Writer>) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(writer)));
}

/// `Io` for a file that changed under every try to open it.
pub(crate) fn kept_changing(file: &Path) -> StateError {
    StateError::new(
        ErrorKind::Io,
        format!(
            "redb database {}: the file kept changing while it was being opened read-only; \
             try again",
            file.display()
        ),
    )
}

/// redb's builder in multi-writer mode with this store's cache size.
fn builder(options: RedbOptions) -> Builder {
    let mut builder = Builder::new();
    builder
        .set_concurrency_mode(ConcurrencyMode::MultiWriter)
        .set_cache_size(options.cache_size);
    builder
}

/// redb's read-only database object on `handle`, the open `file`; never writes to it. Its
/// waits for the file's locks end at the deadline of `call`, if any.
fn open_plain(
    handle: File,
    file: &Path,
    options: RedbOptions,
    hook: &Hook,
    call: Option<&TurnWait>,
) -> std::result::Result<Reader, DatabaseError> {
    let storage = BoundedFile::new(handle, file, options.lock_timeout, hook)?;
    let waits = call.map(|turn| storage.waits_until(turn));
    let db = builder(options).open_read_only_with_backend(SharedFile(storage.clone()));
    drop(waits);
    let db: ReadOnlyDatabase = db?;
    storage.take_snapshots_unlocked();
    Ok(Reader::Plain { db, storage })
}

/// The writable database object on the existing, non-empty file of `shared`; the open's waits
/// for the file's locks end at the deadline of the write `call` opening it, if any, and report
/// the holders they see to the store.
fn open_writer(shared: &Shared, call: Option<&TurnWait>) -> Result<Writer> {
    let (file, options, hook) = (shared.file.as_path(), shared.options, &shared.hook);
    let handle = OpenOptions::new()
        .read(true)
        .write(true)
        .open(file)
        .map_err(|e| io_fault(file, "cannot open it for writing", e))?;
    // `create_with_backend` would make a new database in an empty file: refuse instead.
    let len = handle
        .metadata()
        .map_err(|e| io_fault(file, "cannot read its metadata", e))?;
    if len.len() == 0 {
        return Err(bad_layout(
            file,
            "the file is empty: not a podstate database",
        ));
    }
    let storage =
        BoundedFile::new(handle, file, options.lock_timeout, hook).map_err(|e| fault(file, e))?;
    storage.report_holders_to(Arc::clone(&shared.holders_seen));
    let waits = call.map(|turn| storage.waits_until(turn));
    let db = builder(options).create_with_backend(SharedFile(storage.clone()));
    drop(waits);
    let db = db.map_err(|e| fault(file, e))?;
    Ok(Writer {
        db: Arc::new(db),
        storage,
    })
}

/// Removes a file when dropped: the half-made database of a failed create.
struct RemoveOnDrop<'a>(&'a Path);

impl Drop for RemoveOnDrop<'_> {
    fn drop(&mut self) {
        // Best effort: a leftover is a stray hidden file, never a wrong database.
        let _ = fs::remove_file(self.0);
    }
}

/// Creates a new podstate database at `file`, atomically: it is made whole (every table, the
/// format version) in a hidden draft beside it, then hard-linked into place, which fails if
/// `file` appeared meanwhile. So no process ever sees a half-made database, and when several
/// create the same file at once, one wins and the others open its file. A creator killed
/// part-way leaves its draft, which the next writable open removes ([`drafts`]).
fn create(file: &Path, options: RedbOptions, hook: &Hook) -> Result<()> {
    let draft = drafts::new_draft(file);
    let _cleanup = RemoveOnDrop(&draft);
    let handle = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&draft)
        .map_err(|e| io_fault(file, "cannot create it", e))?;
    let storage =
        BoundedFile::new(handle, &draft, options.lock_timeout, hook).map_err(|e| fault(file, e))?;
    let db = builder(options)
        .create_with_backend(SharedFile(storage.clone()))
        .map_err(|e| fault(file, e))?;
    let tx = begin_write(
        &db,
        &storage,
        file,
        &mut TurnWait::from_now(options.lock_timeout),
    )?;
    create_tables(&tx, file)?;
    tx.commit().map_err(|e| fault(file, e))?;
    db.close().map_err(|e| fault(file, e))?;
    match fs::hard_link(&draft, file) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(io_fault(file, "cannot link the new database into place", e)),
    }
    // Makes the new name durable too.
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_fault(file, "cannot sync its directory", e))
}
