//! A lost sync cannot hide: the syncs that reach the OS, counted at SQLite's file operations
//! (the VFS shim, below SQLite and every podstate layer: nothing of podstate sits beneath it),
//! per durable commit. SQLite in WAL mode with `synchronous=FULL` needs one sync of the WAL per
//! commit, and that sync must cover everything the commit wrote: after each acknowledged call,
//! nothing the disk holds may be unsynced.

use std::path::Path;
use std::sync::Arc;

use podstate_api::{Container, ContainerConfig, State};
use podstate_reliability::disk::{Disk, Keep, Mode};
use podstate_reliability::sqlite_vfs;
use podstate_sqlite::{Durability, SqliteOptions, SqliteStore};

/// Commits per run: few enough that no WAL checkpoint (every 1,000 pages) falls among them.
const COMMITS: usize = 20;

/// A disk whose power cut never comes: it counts every operation and tracks what is synced.
fn tracking_disk() -> Arc<Disk> {
    Arc::new(Disk::new(Mode::PowerCut {
        at: u64::MAX,
        keep: Keep::SyncedOnly,
    }))
}

/// Runs [`COMMITS`] adds (one commit each) on a database at `dir` opened with `durability`;
/// for each commit, the syncs it made and the writes it left unsynced.
fn per_commit(dir: &Path, durability: Durability) -> Vec<(u64, usize)> {
    let disk = tracking_disk();
    let _attached = sqlite_vfs::attach(dir, disk.clone()).expect("the VFS shim");
    let options = SqliteOptions::new().durability(durability);
    let store = SqliteStore::open_with(dir.join("podstate.db"), options).expect("open");
    let state = store.open_handle().expect("a handle");
    (0..COMMITS)
        .map(|i| {
            let before = disk.counts().syncs;
            let ctr = Container::new(ContainerConfig::new(format!("c{i}"), format!("n{i}")));
            state.add_container(&ctr).expect("add");
            (disk.counts().syncs - before, disk.unsynced())
        })
        .collect()
}

#[test]
fn every_durable_sqlite_commit_syncs_all_it_wrote_before_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let commits = per_commit(dir.path(), Durability::Full);
    let syncs: u64 = commits.iter().map(|(s, _)| s).sum();
    eprintln!(
        "SQLite, WAL, synchronous=FULL: {syncs} syncs for {COMMITS} commits ({:.2} per commit)",
        syncs as f64 / COMMITS as f64
    );
    for (i, (synced, unsynced)) in commits.into_iter().enumerate() {
        assert!(
            synced >= 1,
            "commit {i} returned after {synced} syncs; WAL commits need 1"
        );
        assert_eq!(
            unsynced, 0,
            "commit {i} returned with {unsynced} writes not synced"
        );
    }
}

/// The count can fail: a commit that does not wait for the disk (the test setting) makes no sync
/// and leaves its writes unsynced.
#[test]
fn a_commit_that_skips_its_sync_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let commits = per_commit(dir.path(), Durability::NoSync);
    assert!(
        commits.iter().all(|&(synced, _)| synced == 0),
        "{commits:?}"
    );
    assert!(
        commits.iter().all(|&(_, unsynced)| unsynced > 0),
        "{commits:?}"
    );
}
