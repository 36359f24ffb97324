//! A simulated disk under a database's files, for power cuts and failing I/O.
//!
//! Every read, write, resize and sync a backend makes on a file of the database passes through
//! a [`Disk`] (redb through its storage seam, [`crate::redb_disk`]; SQLite through the VFS shim,
//! [`crate::sqlite_vfs`]) before it reaches the real file. The disk counts the operations and,
//! as its [`Mode`] says:
//!
//! * **power cut**: it keeps, per file, the image a real disk is sure to hold: what the last
//!   sync made durable. Writes and resizes since are pending. At the chosen operation the power
//!   goes: that operation and every later one fail, and the surviving files are the durable
//!   images, plus (with [`Keep::Some`]) each pending write whole, torn at a 512-byte sector or
//!   lost, at random, in order: a disk's write cache may have flushed some of them. The
//!   surviving files are written out by [`Disk::materialize`] for a "reboot";
//! * **fault**: the chosen read, write or sync fails (once, or every one of that kind from then
//!   on); nothing else changes.
//!
//! The model's simplifications: a file's existence is durable from its first sync (both engines
//! sync the directory of a file they create); a deletion is durable at once.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::rng::Rng;

/// What survives a power cut beyond the synced data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Nothing: every write since the last sync is lost.
    SyncedOnly,
    /// Each pending write survives whole, torn at a sector boundary, or not at all, at random.
    Some,
    /// Not even what was synced: a disk that lies about syncs. No database survives that; the
    /// runs' own tests use it to show that they notice lost acknowledged calls.
    Lying,
}

/// The kind of an I/O operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoKind {
    /// A read.
    Read,
    /// A write or a resize.
    Write,
    /// A sync.
    Sync,
}

/// What the disk does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing: it only counts (the dry run that finds how many operations a case makes).
    Count,
    /// The power goes at operation `at` (1-based, all kinds counted).
    PowerCut {
        /// The operation that meets the cut.
        at: u64,
        /// What survives beyond the synced data.
        keep: Keep,
    },
    /// Operation `at` (1-based) of kind `kind` fails; with `sticky`, every later one of that
    /// kind fails too.
    Fault {
        /// The kind that fails.
        kind: IoKind,
        /// Which one of that kind fails first.
        at: u64,
        /// Whether the later ones fail too.
        sticky: bool,
    },
}

/// Why the disk refused an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The power is off.
    PowerCut,
    /// An injected fault.
    Fault,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::PowerCut => f.write_str("simulated power cut: the disk is gone"),
            Refusal::Fault => f.write_str("injected I/O fault"),
        }
    }
}

impl From<Refusal> for io::Error {
    fn from(refusal: Refusal) -> io::Error {
        io::Error::other(refusal.to_string())
    }
}

/// A write or resize not yet synced.
#[derive(Debug, Clone)]
enum Pending {
    Write { offset: u64, data: Vec<u8> },
    SetLen(u64),
}

/// What the disk knows of one file.
#[derive(Debug, Default)]
struct Image {
    /// The content when the disk first saw the file.
    initial: Option<Vec<u8>>,
    /// The content a sync made durable; `None` while the file's existence is not durable.
    durable: Option<Vec<u8>>,
    pending: Vec<Pending>,
}

/// Operation counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Every operation.
    pub all: u64,
    /// Reads.
    pub reads: u64,
    /// Writes and resizes.
    pub writes: u64,
    /// Syncs.
    pub syncs: u64,
}

#[derive(Debug, Default)]
struct Inner {
    counts: Counts,
    cut: bool,
    /// The pending writes at the moment of the cut, per file, frozen.
    images: BTreeMap<PathBuf, Image>,
    /// Faults injected so far.
    faults: u64,
    /// The kind [`Disk::fail_from_now`] fails.
    failing: Option<IoKind>,
}

/// The simulated disk of one trial (see the module docs).
#[derive(Debug)]
pub struct Disk {
    mode: Mode,
    inner: Mutex<Inner>,
}

impl Disk {
    /// A disk in `mode`.
    pub fn new(mode: Mode) -> Disk {
        Disk {
            mode,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts an operation of `kind` and decides whether it may run.
    fn admit(&self, inner: &mut Inner, kind: IoKind) -> Result<(), Refusal> {
        if inner.cut {
            return Err(Refusal::PowerCut);
        }
        if inner.failing == Some(kind) {
            inner.faults += 1;
            return Err(Refusal::Fault);
        }
        inner.counts.all += 1;
        let nth = match kind {
            IoKind::Read => {
                inner.counts.reads += 1;
                inner.counts.reads
            }
            IoKind::Write => {
                inner.counts.writes += 1;
                inner.counts.writes
            }
            IoKind::Sync => {
                inner.counts.syncs += 1;
                inner.counts.syncs
            }
        };
        match self.mode {
            Mode::Count => Ok(()),
            Mode::PowerCut { at, .. } if inner.counts.all >= at => {
                inner.cut = true;
                Err(Refusal::PowerCut)
            }
            Mode::PowerCut { .. } => Ok(()),
            Mode::Fault {
                kind: k,
                at,
                sticky,
            } if k == kind && (nth == at || sticky && nth > at) => {
                inner.faults += 1;
                Err(Refusal::Fault)
            }
            Mode::Fault { .. } => Ok(()),
        }
    }

    /// Whether the disk keeps images (only a power cut needs them).
    fn tracks(&self) -> bool {
        matches!(self.mode, Mode::PowerCut { .. })
    }

    /// Registers `path` when a backend opens it: a file the disk has not seen yet is durable as
    /// it is now (it was synced before the trial began) or absent.
    pub fn open(&self, path: &Path) -> Result<(), Refusal> {
        let mut inner = self.lock();
        if inner.cut {
            return Err(Refusal::PowerCut);
        }
        if self.tracks() && !inner.images.contains_key(path) {
            let durable = fs::read(path).ok();
            let image = Image {
                initial: durable.clone(),
                durable,
                pending: Vec::new(),
            };
            inner.images.insert(path.to_owned(), image);
        }
        Ok(())
    }

    /// A read of `path`.
    ///
    /// # Errors
    /// When it must fail.
    pub fn read(&self, _path: &Path) -> Result<(), Refusal> {
        let mut inner = self.lock();
        self.admit(&mut inner, IoKind::Read)
    }

    /// A write of `data` at `offset` into `path`.
    ///
    /// # Errors
    /// When it must fail (then it must not reach the file).
    pub fn write(&self, path: &Path, offset: u64, data: &[u8]) -> Result<(), Refusal> {
        self.pending(path, IoKind::Write, || Pending::Write {
            offset,
            data: data.to_vec(),
        })
    }

    /// A resize of `path` to `len` bytes.
    ///
    /// # Errors
    /// When it must fail (then it must not reach the file).
    pub fn set_len(&self, path: &Path, len: u64) -> Result<(), Refusal> {
        self.pending(path, IoKind::Write, || Pending::SetLen(len))
    }

    fn pending(
        &self,
        path: &Path,
        kind: IoKind,
        op: impl FnOnce() -> Pending,
    ) -> Result<(), Refusal> {
        let mut inner = self.lock();
        self.admit(&mut inner, kind)?;
        if self.tracks() {
            inner
                .images
                .entry(path.to_owned())
                .or_default()
                .pending
                .push(op());
        }
        Ok(())
    }

    /// A sync of `path`: everything pending on it becomes durable.
    ///
    /// # Errors
    /// When it must fail (then nothing becomes durable).
    pub fn sync(&self, path: &Path) -> Result<(), Refusal> {
        let mut inner = self.lock();
        self.admit(&mut inner, IoKind::Sync)?;
        if self.tracks() {
            let image = inner.images.entry(path.to_owned()).or_default();
            let mut content = image.durable.take().unwrap_or_default();
            for op in image.pending.drain(..) {
                apply(&mut content, &op, usize::MAX);
            }
            image.durable = Some(content);
        }
        Ok(())
    }

    /// The deletion of `path`, durable at once.
    ///
    /// # Errors
    /// After a power cut.
    pub fn delete(&self, path: &Path) -> Result<(), Refusal> {
        let mut inner = self.lock();
        if inner.cut {
            return Err(Refusal::PowerCut);
        }
        if self.tracks() {
            inner.images.insert(path.to_owned(), Image::default());
        }
        Ok(())
    }

    /// From now on, in any mode, every operation of `kind` fails (and counts as a fault) until
    /// [`heal`](Disk::heal): a failure at a moment a test chooses, such as a commit it has
    /// lined calls up for.
    pub fn fail_from_now(&self, kind: IoKind) {
        self.lock().failing = Some(kind);
    }

    /// Ends [`fail_from_now`](Disk::fail_from_now).
    pub fn heal(&self) {
        self.lock().failing = None;
    }

    /// The disk's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether the power was cut.
    pub fn is_cut(&self) -> bool {
        self.lock().cut
    }

    /// How many faults were injected.
    pub fn faults(&self) -> u64 {
        self.lock().faults
    }

    /// The operations counted so far.
    pub fn counts(&self) -> Counts {
        self.lock().counts
    }

    /// The writes and resizes not yet synced, over every file: what a power cut now could lose.
    /// Only a power-cut disk keeps track (a cut that never comes, `at: u64::MAX`, tracks
    /// without cutting); other modes answer 0.
    pub fn unsynced(&self) -> usize {
        self.lock().images.values().map(|i| i.pending.len()).sum()
    }

    /// Writes the files that survive the cut into `to`, under their own names: what a reboot
    /// finds. Returns the files written with their sizes.
    ///
    /// # Errors
    /// A file that cannot be written.
    pub fn materialize(&self, to: &Path, rng: &mut Rng) -> io::Result<Vec<(String, u64)>> {
        let keep = match self.mode {
            Mode::PowerCut { keep, .. } => keep,
            _ => Keep::SyncedOnly,
        };
        let inner = self.lock();
        let mut written = Vec::new();
        for (path, image) in &inner.images {
            let mut content = match keep {
                Keep::Lying => image.initial.clone(),
                _ => image.durable.clone(),
            };
            if keep == Keep::Some {
                for op in &image.pending {
                    let limit = match rng.below(3) {
                        0 => continue,
                        1 => usize::MAX,
                        // Torn: the first whole sectors only.
                        _ => 512 * usize::try_from(rng.below(8)).unwrap_or(0),
                    };
                    apply(content.get_or_insert_with(Vec::new), op, limit);
                }
            }
            let (Some(content), Some(name)) = (content, path.file_name()) else {
                continue;
            };
            fs::write(to.join(name), &content)?;
            written.push((name.to_string_lossy().into_owned(), content.len() as u64));
        }
        Ok(written)
    }
}

/// Applies `op` to `content`, at most `limit` bytes of a write.
fn apply(content: &mut Vec<u8>, op: &Pending, limit: usize) {
    match op {
        Pending::SetLen(len) => content.resize(usize::try_from(*len).unwrap_or(usize::MAX), 0),
        Pending::Write { offset, data } => {
            let data = &data[..data.len().min(limit)];
            let start = usize::try_from(*offset).unwrap_or(usize::MAX);
            let end = start + data.len();
            if content.len() < end {
                content.resize(end, 0);
            }
            content[start..end].copy_from_slice(data);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image_after(disk: &Disk, rng_seed: u64) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        disk.materialize(dir.path(), &mut Rng::new(rng_seed))
            .unwrap();
        fs::read(dir.path().join("f")).unwrap_or_default()
    }

    #[test]
    fn only_synced_writes_survive_a_cut_and_the_cut_fails_everything_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        let disk = Disk::new(Mode::PowerCut {
            at: 4,
            keep: Keep::SyncedOnly,
        });
        disk.open(&file).unwrap();
        disk.write(&file, 0, b"abcd").unwrap();
        disk.sync(&file).unwrap();
        disk.write(&file, 2, b"XY").unwrap();
        assert_eq!(disk.sync(&file), Err(Refusal::PowerCut));
        assert_eq!(disk.read(&file), Err(Refusal::PowerCut));
        assert!(disk.is_cut());
        assert_eq!(image_after(&disk, 1), b"abcd");
    }

    #[test]
    fn a_lying_disk_keeps_nothing_and_a_generous_one_may_keep_pending_writes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"old").unwrap();
        let lying = Disk::new(Mode::PowerCut {
            at: 3,
            keep: Keep::Lying,
        });
        lying.open(&file).unwrap();
        lying.write(&file, 0, b"new").unwrap();
        lying.sync(&file).unwrap();
        let _ = lying.read(&file);
        assert_eq!(image_after(&lying, 1), b"old");
        let seen: std::collections::BTreeSet<Vec<u8>> = (0..32)
            .map(|seed| {
                let some = Disk::new(Mode::PowerCut {
                    at: 2,
                    keep: Keep::Some,
                });
                some.open(&file).unwrap();
                some.write(&file, 0, b"new").unwrap();
                let _ = some.sync(&file);
                image_after(&some, seed)
            })
            .collect();
        assert!(
            seen.contains(b"old".as_slice()) && seen.contains(b"new".as_slice()),
            "{seen:?}"
        );
    }

    #[test]
    fn a_fault_fails_the_chosen_operation_of_its_kind_once_or_from_then_on() {
        let file = Path::new("/nonexistent/f");
        let once = Disk::new(Mode::Fault {
            kind: IoKind::Sync,
            at: 2,
            sticky: false,
        });
        assert!(once.sync(file).is_ok());
        assert_eq!(once.sync(file), Err(Refusal::Fault));
        assert!(once.sync(file).is_ok());
        assert!(once.write(file, 0, b"x").is_ok());
        let sticky = Disk::new(Mode::Fault {
            kind: IoKind::Read,
            at: 1,
            sticky: true,
        });
        assert!(sticky.read(file).is_err() && sticky.read(file).is_err());
        assert_eq!(sticky.faults(), 2);
    }
}
