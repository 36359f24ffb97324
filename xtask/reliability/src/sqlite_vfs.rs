//! SQLite on the simulated [`Disk`]: a VFS shim.
//!
//! rusqlite has no safe way to give SQLite another VFS, so this module (the one place in the
//! workspace that allows `unsafe`) does it through SQLite's C interface, the way SQLite's own
//! test shims (`test_vfs.c`, `vfstrace.c`) do: it registers, as the process's default VFS, a
//! copy of SQLite's `unix` VFS whose `xOpen` opens the real file behind a small header and
//! answers with I/O methods that hand every call to the real file's, after asking the disk
//! about reads, writes, truncations and syncs. Locks, shared memory (the WAL index) and
//! everything else are the real VFS's, untouched.
//!
//! Only the main database, its WAL and its rollback journal under a directory
//! [`attach`]ed to a disk go through that disk; every other file (and every file under no
//! attached directory) passes straight through, so the shim changes nothing for the rest of the
//! process. `SqliteStore` needs no seam: its connections use the default VFS.
//!
//! Safety rests on three facts of SQLite's VFS contract: SQLite allocates `szOsFile` bytes for
//! every file and never moves them, so the real file lives right after our header; it calls no
//! I/O method of a file whose `xOpen` failed (whose `pMethods` is null); and `xClose` is the last
//! call on a file.

#![allow(unsafe_code)]

use anyhow::Context;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::mem::size_of;
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use rusqlite::ffi;

use crate::disk::Disk;

/// The directories attached to a disk.
static ATTACHED: Mutex<Vec<(PathBuf, Arc<Disk>)>> = Mutex::new(Vec::new());
/// The VFS the shim wraps: SQLite's default when the shim was installed (`unix`).
static REAL: AtomicPtr<ffi::sqlite3_vfs> = AtomicPtr::new(ptr::null_mut());
/// Whether the shim is registered.
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

fn attached() -> MutexGuard<'static, Vec<(PathBuf, Arc<Disk>)>> {
    ATTACHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A directory attached to a disk; detached when dropped.
#[derive(Debug)]
pub struct Attached {
    dir: PathBuf,
}

impl Drop for Attached {
    fn drop(&mut self) {
        attached().retain(|(dir, _)| *dir != self.dir);
    }
}

/// Puts the SQLite files under `dir` on `disk` until the guard is dropped, installing the shim
/// first if need be.
///
/// # Errors
/// A directory that does not resolve, or SQLite refusing the shim.
pub fn attach(dir: &Path, disk: Arc<Disk>) -> anyhow::Result<Attached> {
    install()?;
    // SQLite hands xOpen full, resolved paths.
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dir.display()))?;
    attached().push((dir.clone(), disk));
    Ok(Attached { dir })
}

/// The disk `path` is on, if any.
fn disk_of(path: &Path) -> Option<Arc<Disk>> {
    attached()
        .iter()
        .find(|(dir, _)| path.starts_with(dir))
        .map(|(_, disk)| disk.clone())
}

/// Registers the shim as SQLite's default VFS, once per process.
fn install() -> anyhow::Result<()> {
    INSTALLED
        .get_or_init(|| {
            // SAFETY: sqlite3_vfs_find returns SQLite's registered default VFS (initializing
            // SQLite first), which lives as long as the process. The copy we register is leaked
            // on purpose: SQLite keeps the pointer for the life of the process.
            unsafe {
                let real = ffi::sqlite3_vfs_find(ptr::null());
                if real.is_null() {
                    return Err("SQLite has no default VFS".to_owned());
                }
                REAL.store(real, Ordering::SeqCst);
                let mut vfs = *real;
                let real_size = usize::try_from((*real).szOsFile).unwrap_or(0);
                vfs.szOsFile = c_int::try_from(size_of::<ShimFile>() + real_size)
                    .map_err(|_| "the real VFS's files are too large".to_owned())?;
                vfs.zName = c"podstate-disk".as_ptr();
                vfs.pNext = ptr::null_mut();
                vfs.xOpen = Some(shim_open);
                vfs.xDelete = Some(shim_delete);
                match ffi::sqlite3_vfs_register(Box::into_raw(Box::new(vfs)), 1) {
                    ffi::SQLITE_OK => Ok(()),
                    rc => Err(format!("sqlite3_vfs_register failed: {rc}")),
                }
            }
        })
        .clone()
        .map_err(anyhow::Error::msg)
}

/// What the shim's files start with; the real file follows in the same allocation.
#[repr(C)]
struct ShimFile {
    /// What SQLite sees: our methods.
    base: ffi::sqlite3_file,
    /// The real file, right after this header.
    real: *mut ffi::sqlite3_file,
    /// The disk and path of a file on a disk (from `Arc::into_raw`), or null.
    track: *const Tracked,
}

/// A file on a disk.
struct Tracked {
    disk: Arc<Disk>,
    path: PathBuf,
}

/// The kinds of file that hold data a power cut can lose.
const TRACKED_KINDS: c_int =
    ffi::SQLITE_OPEN_MAIN_DB | ffi::SQLITE_OPEN_WAL | ffi::SQLITE_OPEN_MAIN_JOURNAL;

/// The path SQLite passed, if it is one.
///
/// # Safety
/// `name` is null or a NUL-terminated string.
unsafe fn path_of(name: *const c_char) -> Option<PathBuf> {
    if name.is_null() {
        return None;
    }
    // SAFETY: per this function's contract.
    let name = unsafe { CStr::from_ptr(name) };
    name.to_str().ok().map(PathBuf::from)
}

unsafe extern "C" fn shim_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let real_vfs = REAL.load(Ordering::SeqCst);
    let shim = file.cast::<ShimFile>();
    // SAFETY: SQLite gave us szOsFile bytes at `file`: our header, then room for the real file.
    unsafe {
        let real = file
            .cast::<u8>()
            .add(size_of::<ShimFile>())
            .cast::<ffi::sqlite3_file>();
        (*shim).base.pMethods = ptr::null();
        (*shim).real = real;
        (*shim).track = ptr::null();
        let tracked = if flags & TRACKED_KINDS != 0 {
            path_of(name).and_then(|path| disk_of(&path).map(|disk| Tracked { disk, path }))
        } else {
            None
        };
        if let Some(t) = &tracked
            && t.disk.open(&t.path).is_err()
        {
            return ffi::SQLITE_CANTOPEN;
        }
        let Some(open) = (*real_vfs).xOpen else {
            return ffi::SQLITE_CANTOPEN;
        };
        let rc = open(real_vfs, name, real, flags, out_flags);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        if let Some(t) = tracked {
            (*shim).track = Arc::into_raw(Arc::new(t));
        }
        (*shim).base.pMethods = &METHODS;
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn shim_delete(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync_dir: c_int,
) -> c_int {
    let real_vfs = REAL.load(Ordering::SeqCst);
    // SAFETY: SQLite passes a NUL-terminated path; the real VFS lives for the process.
    unsafe {
        if let Some(path) = path_of(name)
            && let Some(disk) = disk_of(&path)
            && disk.delete(&path).is_err()
        {
            return ffi::SQLITE_IOERR_DELETE;
        }
        match (*real_vfs).xDelete {
            Some(delete) => delete(real_vfs, name, sync_dir),
            None => ffi::SQLITE_IOERR_DELETE,
        }
    }
}

/// The header and real methods of `file`.
///
/// # Safety
/// `file` was opened by [`shim_open`] and not closed.
unsafe fn parts<'a>(file: *mut ffi::sqlite3_file) -> (&'a ShimFile, &'a ffi::sqlite3_io_methods) {
    // SAFETY: per this function's contract the header is ours and the real file is open, so
    // its methods pointer is valid.
    unsafe {
        let shim = &*file.cast::<ShimFile>();
        (shim, &*(*shim.real).pMethods)
    }
}

/// The disk and path of `shim`, if it is on one.
fn tracked(shim: &ShimFile) -> Option<&Tracked> {
    // SAFETY: `track` is null or from Arc::into_raw, released only by xClose.
    unsafe { shim.track.as_ref() }
}

/// Calls the real method `$m` of the file with the arguments, or answers `$missing`.
macro_rules! forward {
    ($file:expr, $m:ident, $missing:expr $(, $arg:expr)*) => {{
        // SAFETY: SQLite calls our methods only on files shim_open opened.
        let (shim, methods) = unsafe { parts($file) };
        match methods.$m {
            // SAFETY: the real method, on the real file, with SQLite's own arguments.
            Some(m) => unsafe { m(shim.real $(, $arg)*) },
            None => $missing,
        }
    }};
}

unsafe extern "C" fn x_close(file: *mut ffi::sqlite3_file) -> c_int {
    let rc = forward!(file, xClose, ffi::SQLITE_OK);
    // SAFETY: xClose is the last call on the file: release its tracking.
    unsafe {
        let shim = &mut *file.cast::<ShimFile>();
        if !shim.track.is_null() {
            drop(Arc::from_raw(shim.track));
            shim.track = ptr::null();
        }
    }
    rc
}

unsafe extern "C" fn x_read(
    file: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    // SAFETY: an open shim file.
    let (shim, _) = unsafe { parts(file) };
    if let Some(t) = tracked(shim)
        && t.disk.read(&t.path).is_err()
    {
        return ffi::SQLITE_IOERR_READ;
    }
    forward!(file, xRead, ffi::SQLITE_IOERR_READ, buf, amount, offset)
}

unsafe extern "C" fn x_write(
    file: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    // SAFETY: an open shim file.
    let (shim, _) = unsafe { parts(file) };
    if let Some(t) = tracked(shim) {
        let len = usize::try_from(amount).unwrap_or(0);
        // SAFETY: SQLite passes `amount` readable bytes at `buf`.
        let data = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) };
        let offset = u64::try_from(offset).unwrap_or(0);
        if t.disk.write(&t.path, offset, data).is_err() {
            return ffi::SQLITE_IOERR_WRITE;
        }
    }
    forward!(file, xWrite, ffi::SQLITE_IOERR_WRITE, buf, amount, offset)
}

unsafe extern "C" fn x_truncate(file: *mut ffi::sqlite3_file, size: i64) -> c_int {
    // SAFETY: an open shim file.
    let (shim, _) = unsafe { parts(file) };
    if let Some(t) = tracked(shim)
        && t.disk
            .set_len(&t.path, u64::try_from(size).unwrap_or(0))
            .is_err()
    {
        return ffi::SQLITE_IOERR_TRUNCATE;
    }
    forward!(file, xTruncate, ffi::SQLITE_IOERR_TRUNCATE, size)
}

unsafe extern "C" fn x_sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    // SAFETY: an open shim file.
    let (shim, _) = unsafe { parts(file) };
    if let Some(t) = tracked(shim)
        && t.disk.sync(&t.path).is_err()
    {
        return ffi::SQLITE_IOERR_FSYNC;
    }
    forward!(file, xSync, ffi::SQLITE_IOERR_FSYNC, flags)
}

unsafe extern "C" fn x_file_size(file: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    forward!(file, xFileSize, ffi::SQLITE_IOERR_FSTAT, size)
}

unsafe extern "C" fn x_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    forward!(file, xLock, ffi::SQLITE_IOERR_LOCK, level)
}

unsafe extern "C" fn x_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    forward!(file, xUnlock, ffi::SQLITE_IOERR_UNLOCK, level)
}

unsafe extern "C" fn x_check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    forward!(
        file,
        xCheckReservedLock,
        ffi::SQLITE_IOERR_CHECKRESERVEDLOCK,
        out
    )
}

unsafe extern "C" fn x_file_control(
    file: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    forward!(file, xFileControl, ffi::SQLITE_NOTFOUND, op, arg)
}

unsafe extern "C" fn x_sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    forward!(file, xSectorSize, 4096)
}

unsafe extern "C" fn x_device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    forward!(file, xDeviceCharacteristics, 0)
}

unsafe extern "C" fn x_shm_map(
    file: *mut ffi::sqlite3_file,
    page: c_int,
    page_size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    forward!(
        file,
        xShmMap,
        ffi::SQLITE_IOERR_SHMMAP,
        page,
        page_size,
        extend,
        out
    )
}

unsafe extern "C" fn x_shm_lock(
    file: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    forward!(file, xShmLock, ffi::SQLITE_IOERR_SHMLOCK, offset, n, flags)
}

unsafe extern "C" fn x_shm_barrier(file: *mut ffi::sqlite3_file) {
    forward!(file, xShmBarrier, ())
}

unsafe extern "C" fn x_shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    forward!(file, xShmUnmap, ffi::SQLITE_OK, delete)
}

unsafe extern "C" fn x_fetch(
    file: *mut ffi::sqlite3_file,
    offset: i64,
    amount: c_int,
    out: *mut *mut c_void,
) -> c_int {
    // Memory-mapped reads would bypass the disk's read count; answering "no mapping" makes
    // SQLite read through xRead (it must cope: a mapping can always be refused).
    let _ = (file, offset, amount);
    // SAFETY: SQLite passes a valid out pointer.
    unsafe { *out = ptr::null_mut() };
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_unfetch(
    file: *mut ffi::sqlite3_file,
    offset: i64,
    page: *mut c_void,
) -> c_int {
    // Nothing was ever mapped (see x_fetch); a null page only releases a reference.
    let _ = (file, offset, page);
    ffi::SQLITE_OK
}

/// The methods of every file the shim opens.
static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: Some(x_fetch),
    xUnfetch: Some(x_unfetch),
};
