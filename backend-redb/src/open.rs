//! Opening the file: create it whole if missing, prove it is a podstate database before anything
//! writes to it, and open the writable side only when a write needs it.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use podstate_api::{ErrorKind, Result, StateError};
use redb::{Builder, ConcurrencyMode, Database, DatabaseError};

use crate::bounded::{BoundedFile, SharedFile};
use crate::error::{bad_layout, fault, io_fault};
use crate::lock::begin_write;
use crate::reader::Reader;
use crate::schema::{check_format, create_tables};
use crate::storage::StorageHook;
use crate::store::RedbOptions;

/// What a store wraps redb's storage in: nothing, except in failing-disk tests.
pub(crate) type Hook = Option<Arc<dyn StorageHook>>;

/// What one store holds open on its file, shared by all its handles.
///
/// * `reader`: a read-only database object, opened (and checked) at once. Every read
///   transaction runs on it: in multi-writer mode each `begin_read` picks up the latest commit of
///   any process, and a read-only open neither writes to the file nor waits for a writer. Its
///   snapshots take no header lock (see [`bounded`](crate::bounded)).
///
/// redb latches an I/O error: once a database object has met one, every later call on it
/// answers `PreviousIo` until it is opened again. So either object is dropped after a call that
/// met one ([`discard_reader`](Shared::discard_reader), [`discard_writer`](Shared::discard_writer))
/// and opened anew by the next call: a disk that failed once does not fail the store for the
/// rest of the process.
/// * `writer`: the writable database object, opened by the first write. A writable open writes
///   to the file (five fdatasyncs) and waits for any write transaction in progress, so a process
///   that only reads never pays for it, and the file is proven to be a podstate database before
///   anything writes to it.
pub(crate) struct Shared {
    pub(crate) file: PathBuf,
    pub(crate) options: RedbOptions,
    pub(crate) hook: Hook,
    reader: Mutex<Option<Arc<Reader>>>,
    writer: Mutex<Option<Writer>>,
}

/// The writable database object and its storage (through which a lock timeout names the
/// holder).
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
        let (reader, writer) = match open_reader(file, options, &hook) {
            Ok(reader) => (reader, None),
            // The last writer of the file died without closing it: only a writable open may
            // recover it. A file that is not a podstate database but needs recovery is the one
            // case where something is written before the layout check can run.
            Err(DatabaseError::RepairAborted) if !options.read_only => {
                let writer = open_writer(file, options, &hook)?;
                let reader = open_reader(file, options, &hook).map_err(|e| fault(file, e))?;
                (reader, Some(writer))
            }
            Err(e) => return Err(fault(file, e)),
        };
        check_format(&reader.begin(file)?.tx, file)?;
        Ok(Shared {
            file: file.to_owned(),
            options,
            hook,
            reader: Mutex::new(Some(Arc::new(reader))),
            writer: Mutex::new(writer),
        })
    }

    /// The read-only database object, opened again if a call dropped it.
    pub(crate) fn reader(&self) -> Result<Arc<Reader>> {
        let mut slot = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(db) = slot.as_ref() {
            return Ok(db.clone());
        }
        let db = match open_reader(&self.file, self.options, &self.hook) {
            Ok(db) => db,
            // The last writer died meanwhile: a writable open recovers the file first.
            Err(DatabaseError::RepairAborted) => {
                self.writer()?;
                open_reader(&self.file, self.options, &self.hook)
                    .map_err(|e| fault(&self.file, e))?
            }
            Err(e) => return Err(fault(&self.file, e)),
        };
        let db = Arc::new(db);
        *slot = Some(db.clone());
        Ok(db)
    }

    /// Drops the read-only database object after an I/O error, so that the next read opens the
    /// file anew.
    pub(crate) fn discard_reader(&self) {
        *self.reader.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The writable database object, opened now if no write has needed it yet.
    pub(crate) fn writer(&self) -> Result<Writer> {
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
        let writer = open_writer(&self.file, self.options, &self.hook)?;
        *slot = Some(writer.clone());
        Ok(writer)
    }

    /// Drops the writable database object, so that the next write opens the file anew. redb
    /// refuses every write after a failed commit (the commit may or may not have reached the
    /// disk), an I/O error or a panic, until the database is opened again.
    pub(crate) fn discard_writer(&self) {
        *self.writer.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// redb's builder in multi-writer mode with this store's cache size.
fn builder(options: RedbOptions) -> Builder {
    let mut builder = Builder::new();
    builder
        .set_concurrency_mode(ConcurrencyMode::MultiWriter)
        .set_cache_size(options.cache_size);
    builder
}

/// A read-only database object on `file`; never writes to it.
fn open_reader(
    file: &Path,
    options: RedbOptions,
    hook: &Hook,
) -> std::result::Result<Reader, DatabaseError> {
    let handle = File::open(file)?;
    let storage = BoundedFile::new(handle, file, options.lock_timeout, hook)?;
    let db = builder(options).open_read_only_with_backend(SharedFile(storage.clone()))?;
    storage.take_snapshots_unlocked();
    Ok(Reader::Plain { db, storage })
}

/// The writable database object on the existing, non-empty `file`.
fn open_writer(file: &Path, options: RedbOptions, hook: &Hook) -> Result<Writer> {
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
    let db = builder(options)
        .create_with_backend(SharedFile(storage.clone()))
        .map_err(|e| fault(file, e))?;
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
/// format version) in a hidden file beside it, then hard-linked into place, which fails if
/// `file` appeared meanwhile. So no process ever sees a half-made database, and when several
/// create the same file at once, one wins and the others open its file.
fn create(file: &Path, options: RedbOptions, hook: &Hook) -> Result<()> {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let draft = dir.join(format!(".{name}.{}.{nanos}.new", std::process::id()));
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
    let tx = begin_write(&db, &storage, file, options.lock_timeout)?;
    create_tables(&tx, file)?;
    tx.commit().map_err(|e| fault(file, e))?;
    db.close().map_err(|e| fault(file, e))?;
    match fs::hard_link(&draft, file) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(io_fault(file, "cannot link the new database into place", e)),
    }
    // Makes the new name durable too.
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_fault(file, "cannot sync its directory", e))
}
