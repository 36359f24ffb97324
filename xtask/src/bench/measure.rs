//! Clocks and gauges: a timed phase, the disk's fsync ceiling, a process's peak memory, the
//! size of a database on disk.

use anyhow::Context;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// One timed phase of one subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Phase {
    /// The phase, as named in [`PHASES`].
    pub name: String,
    /// Operations timed.
    pub ops: u64,
    /// Seconds they took, in all.
    pub secs: f64,
    /// For a phase timed in rounds, the mean µs per operation of its fastest round: on a
    /// machine shared with other work, the round least disturbed by it.
    pub best_us: Option<f64>,
    /// For a durable phase, the disk's fsync ceiling (4 KiB write + fdatasync per second)
    /// measured during it: one probe after every few commits, timed apart from them, so that
    /// the ratio to it holds on a shared disk whose speed moves from second to second.
    pub ceiling: Option<f64>,
}

impl Phase {
    /// Microseconds per operation: of the fastest round when the phase ran in rounds, else
    /// the mean.
    pub fn us_per_op(&self) -> f64 {
        self.best_us
            .unwrap_or(self.secs * 1e6 / self.ops.max(1) as f64)
    }

    /// Operations per second, from [`us_per_op`](Phase::us_per_op).
    pub fn ops_per_sec(&self) -> f64 {
        1e6 / self.us_per_op().max(1e-12)
    }
}

/// The phases of the workload, in the order they run (issue 11, item 1).
pub const PHASES: [&str; 11] = [
    ADD,
    BY_NAME,
    BY_PREFIX,
    BY_ID,
    COPY,
    SAVE,
    UPDATE,
    ALL,
    POD_CONTAINERS,
    CLI,
    REMOVE,
];
/// `add_container`, one durable commit each.
pub const ADD: &str = "add";
/// `lookup_container` by exact name.
pub const BY_NAME: &str = "lookup by name";
/// `lookup_container` by a 12-character ID prefix.
pub const BY_PREFIX: &str = "lookup by 12-char prefix";
/// `container` by full ID.
pub const BY_ID: &str = "get by full ID";
/// Clone and drop of a container (memory only): the copy every retrieval makes, alone.
pub const COPY: &str = "copy of a container";
/// `save_container`, one durable commit each.
pub const SAVE: &str = "save_container";
/// `update_container`.
pub const UPDATE: &str = "update_container";
/// `all_containers`.
pub const ALL: &str = "all_containers";
/// `pod_containers` of a 5-member pod.
pub const POD_CONTAINERS: &str = "pod_containers";
/// Open the database, one lookup, close: what a CLI process pays.
pub const CLI: &str = "open+lookup+close";
/// `remove_container`, one durable commit each.
pub const REMOVE: &str = "remove";

/// Runs `op(k)` for `k` in `0..ops` (a round), rounds after rounds until `min` has passed
/// and at least `min_rounds` ran; the phase's figure is its fastest round (see
/// [`Phase::best_us`]).
pub fn rounds(
    name: &str,
    ops: usize,
    min_rounds: usize,
    min: Duration,
    mut op: impl FnMut(usize) -> anyhow::Result<()>,
) -> anyhow::Result<Phase> {
    let start = Instant::now();
    let (mut done, mut round, mut best) = (0u64, 0, f64::INFINITY);
    while round < min_rounds || (start.elapsed() < min && done < 1 << 30) {
        let begun = Instant::now();
        for k in 0..ops {
            op(k)?;
        }
        best = best.min(begun.elapsed().as_secs_f64() * 1e6 / ops.max(1) as f64);
        done += ops as u64;
        round += 1;
    }
    Ok(Phase {
        name: name.to_owned(),
        ops: done,
        secs: start.elapsed().as_secs_f64(),
        best_us: Some(best),
        ceiling: None,
    })
}

/// One 4 KiB block of a probe file in the directory under test, rewritten in place and
/// `fdatasync`ed: the cheapest durable write the file system offers (no size change to journal).
pub struct Prober {
    file: File,
    path: std::path::PathBuf,
}

impl Prober {
    /// A probe file in `dir`.
    pub fn new(dir: &Path) -> anyhow::Result<Prober> {
        let path = dir.join("fsync-ceiling.probe");
        let file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .context("fsync probe")?;
        let prober = Prober { file, path };
        prober.probe()?;
        prober.file.sync_all().context("fsync probe")?;
        Ok(prober)
    }

    /// One rewrite + fdatasync; answers how long it took.
    pub fn probe(&self) -> anyhow::Result<Duration> {
        let start = Instant::now();
        self.file
            .write_all_at(&[0x5a; 4096], 0)
            .and_then(|()| self.file.sync_data())
            .context("fsync probe")?;
        Ok(start.elapsed())
    }
}

impl Drop for Prober {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The disk's fsync ceiling in `dir`: [`Prober::probe`] in a loop for `time`; answers the
/// loop's rate per second.
pub fn fsync_ceiling(dir: &Path, time: Duration) -> anyhow::Result<f64> {
    let prober = Prober::new(dir)?;
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < time || n < 3 {
        prober.probe()?;
        n += 1;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// The same probe appending 4 KiB blocks (each write grows the file, so every fdatasync also
/// journals the new size): what an engine that appends to a growing file meets.
pub fn fsync_append_rate(dir: &Path, time: Duration) -> anyhow::Result<f64> {
    let path = dir.join("fsync-append.probe");
    let file = File::create(&path).context("fsync probe")?;
    let block = [0xa5u8; 4096];
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < time || n < 3 {
        file.write_all_at(&block, n * 4096)
            .and_then(|()| file.sync_data())
            .context("fsync probe")?;
        n += 1;
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    drop(file);
    let _ = std::fs::remove_file(path);
    Ok(rate)
}

/// A `kB` field of `/proc/self/status` (`VmHWM`: peak resident memory; `VmRSS`: now).
pub fn vm_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Bytes of every file in `dir` (a database with its WAL and shared-memory files), probes
/// excluded.
pub fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".probe"))
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
