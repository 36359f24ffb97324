//! Group commit in both persistent backends, seen from the file operations (the simulated disk
//! below SQLite's VFS shim and redb's storage seam counts the syncs and fails what a test
//! chooses): threads writing through the handles of one store share commits, every call they
//! were answered is there after a reopen, a call whose checks fail leaves its group alone, and a
//! failed group commit answers every call of the group `Io` and leaves none of them.
//!
//! To line calls up behind one transaction, a batch holds the store's write group open (a batch
//! begins a transaction of its own and holds the group's slot while its closure runs) until the
//! other threads have called.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use podstate_api::raw::group::GroupLimits;
use podstate_api::{Container, ContainerConfig, ErrorKind, Result, State, Store};
use podstate_reliability::PersistentBackend;
use podstate_reliability::disk::{Disk, IoKind, Mode};
use podstate_reliability::sqlite_vfs::Attached;

const TIMEOUT: Duration = Duration::from_secs(60);

/// A store on a counting disk, in a directory on the real disk (fsyncs take their time there,
/// so that writers queue behind each other as they do in production).
struct OnDisk {
    // Dropped first: the store, then the shim's attachment, then the directory.
    store: Box<dyn Store>,
    disk: Arc<Disk>,
    _attached: Option<Attached>,
    dir: tempfile::TempDir,
}

impl OnDisk {
    fn new(backend: PersistentBackend) -> OnDisk {
        OnDisk::with(backend, GroupLimits::new())
    }

    fn with(backend: PersistentBackend, limits: GroupLimits) -> OnDisk {
        let dir = tempfile::tempdir().unwrap();
        let disk = Arc::new(Disk::new(Mode::Count));
        let attached = backend.attach(dir.path(), &disk).unwrap();
        let path = dir.path().join(backend.file_name());
        let store = backend.open_grouped(&path, TIMEOUT, &disk, limits).unwrap();
        OnDisk {
            store,
            disk,
            _attached: attached,
            dir,
        }
    }

    fn syncs(&self) -> u64 {
        self.disk.counts().syncs
    }

    /// Closes the store and opens the files again without the simulated disk: what a new
    /// process finds.
    fn reopen(self, backend: PersistentBackend) -> (Box<dyn Store>, tempfile::TempDir) {
        let OnDisk {
            store,
            _attached,
            dir,
            ..
        } = self;
        drop(store);
        drop(_attached);
        let store = backend
            .open(&dir.path().join(backend.file_name()), TIMEOUT)
            .unwrap();
        (store, dir)
    }
}

/// The syncs of one durable commit: SQLite's WAL, redb's two phases.
fn syncs_per_commit(backend: PersistentBackend) -> u64 {
    match backend {
        PersistentBackend::Sqlite => 1,
        PersistentBackend::Redb => 2,
    }
}

fn ctr(id: &str) -> Container {
    Container::new(ContainerConfig::new(id, format!("name-{id}")))
}

fn ids(store: &dyn Store) -> Vec<String> {
    let mut ids: Vec<String> = store
        .open_handle()
        .unwrap()
        .all_containers()
        .unwrap()
        .into_iter()
        .map(|c| c.config.id)
        .collect();
    ids.sort();
    ids
}

#[test]
fn threads_writing_at_once_share_commits_and_keep_every_answered_call() {
    for backend in PersistentBackend::ALL {
        let on = OnDisk::new(backend);
        on.store
            .open_handle()
            .unwrap()
            .add_container(&ctr("warm"))
            .unwrap();
        let (threads, each) = (8, 10);
        let handles: Vec<Box<dyn State>> = (0..threads)
            .map(|_| on.store.open_handle().unwrap())
            .collect();
        let before = on.syncs();
        let start = Barrier::new(threads);
        std::thread::scope(|s| {
            for (t, handle) in handles.iter().enumerate() {
                let start = &start;
                s.spawn(move || {
                    start.wait();
                    for i in 0..each {
                        let mut c = ctr(&format!("t{t}c{i}"));
                        handle.add_container(&c).unwrap();
                        // Fails its checks, inside whatever group it lands in.
                        let again = handle.add_container(&c).unwrap_err();
                        assert_eq!(again.kind(), ErrorKind::CtrExists, "{again}");
                        c.state.pid = 7;
                        handle.save_container(&c).unwrap();
                    }
                });
            }
        });
        let writes = (threads * each * 2) as u64;
        let syncs = on.syncs() - before;
        eprintln!(
            "{}: {writes} writes and {} refused calls from {threads} threads, {syncs} syncs \
             ({:.2} per write; one commit alone makes {})",
            backend.name(),
            writes / 2,
            syncs as f64 / writes as f64,
            syncs_per_commit(backend)
        );
        assert!(
            syncs * 2 <= writes * syncs_per_commit(backend),
            "{}: {syncs} syncs for {writes} writes: calls did not share commits",
            backend.name()
        );
        drop(handles);
        let (store, _dir) = on.reopen(backend);
        let handle = store.open_handle().unwrap();
        for t in 0..threads {
            for i in 0..each {
                let got = handle.container(&format!("t{t}c{i}")).unwrap();
                assert_eq!(
                    got.state.pid,
                    7,
                    "{}: t{t}c{i}'s save was lost",
                    backend.name()
                );
            }
        }
        assert_eq!(ids(store.as_ref()).len(), threads * each + 1);
    }
}

/// A store whose groups stay open while [`line_up`] lines calls up (by default a group that has
/// held the write lock for 10 ms commits at its next call).
fn lined_up_store(backend: PersistentBackend) -> OnDisk {
    OnDisk::with(backend, GroupLimits::new().max_open(TIMEOUT))
}

/// What the lined-up calls answered.
struct Lined {
    batch: Result<()>,
    others: Vec<Result<()>>,
    /// Syncs made from the batch's start to the last answer.
    syncs: u64,
}

/// Runs a batch that adds `lead` and holds the write group open until the calls of
/// `others` (one thread each) have been made and wait behind it; `arm` runs just before the
/// batch lets go.
fn line_up(on: &OnDisk, lead: &str, others: &[Container], arm: impl FnOnce()) -> Lined {
    let handles: Vec<Box<dyn State>> = (0..=others.len())
        .map(|_| on.store.open_handle().unwrap())
        .collect();
    let before = on.syncs();
    let (inside, is_inside) = mpsc::channel();
    let (go, wait_for_go) = mpsc::channel::<()>();
    let lead = ctr(lead);
    std::thread::scope(|s| {
        let batch = s.spawn(|| {
            let mut go = Some(wait_for_go);
            handles[0].batch(&mut |tx| {
                tx.add_container(&lead)?;
                inside.send(()).unwrap();
                if let Some(go) = go.take() {
                    go.recv().unwrap();
                }
                Ok(())
            })
        });
        is_inside.recv().unwrap();
        let calls: Vec<_> = others
            .iter()
            .zip(&handles[1..])
            .map(|(c, handle)| s.spawn(move || handle.add_container(c)))
            .collect();
        // The calls now wait for the group's slot; give every thread time to get there.
        std::thread::sleep(Duration::from_millis(300));
        arm();
        go.send(()).unwrap();
        let batch = batch.join().unwrap();
        let others = calls.into_iter().map(|c| c.join().unwrap()).collect();
        Lined {
            batch,
            others,
            syncs: on.syncs() - before,
        }
    })
}

#[test]
fn a_call_whose_checks_fail_in_a_group_leaves_the_others_committed() {
    for backend in PersistentBackend::ALL {
        let on = lined_up_store(backend);
        on.store
            .open_handle()
            .unwrap()
            .add_container(&ctr("warm"))
            .unwrap();
        // The second call takes the batch's container's name: it sees the batch's write,
        // uncommitted, in the group's transaction.
        let mut clash = ctr("clash");
        clash.config.name = "name-lead".to_owned();
        let lined = line_up(&on, "lead", &[ctr("b"), clash, ctr("d")], || ());
        lined.batch.unwrap();
        lined.others[0].as_ref().unwrap();
        let refused = lined.others[1].as_ref().unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::CtrExists, "{refused}");
        lined.others[2].as_ref().unwrap();
        assert_eq!(
            lined.syncs,
            syncs_per_commit(backend),
            "{}: the batch and the calls behind it did not share one commit",
            backend.name()
        );
        let (store, _dir) = on.reopen(backend);
        assert_eq!(ids(store.as_ref()), ["b", "d", "lead", "warm"]);
    }
}

#[test]
fn a_failed_group_commit_answers_every_call_io_and_keeps_none() {
    for backend in PersistentBackend::ALL {
        let on = lined_up_store(backend);
        on.store
            .open_handle()
            .unwrap()
            .add_container(&ctr("warm"))
            .unwrap();
        // SQLite's last write of a commit comes before its sync, so a failed write fails the
        // commit for good; redb writes its header after its first sync, so a failed first sync
        // does (see the crate docs, "Failed commits are ambiguous").
        let kind = match backend {
            PersistentBackend::Sqlite => IoKind::Write,
            PersistentBackend::Redb => IoKind::Sync,
        };
        let mut clash = ctr("clash");
        clash.config.name = "name-lead".to_owned();
        let lined = line_up(&on, "lead", &[ctr("b"), clash, ctr("d")], || {
            on.disk.fail_from_now(kind)
        });
        let name = backend.name();
        let batch = lined.batch.unwrap_err();
        assert_eq!(batch.kind(), ErrorKind::Io, "{name}: {batch}");
        for answer in &lined.others {
            // The refused call read the batch's write, which never happened: Io too.
            let e = answer.as_ref().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io, "{name}: {e}");
        }
        assert_eq!(
            on.disk.faults(),
            1,
            "{name}: the calls did not share the one failed commit"
        );
        on.disk.heal();
        let (store, _dir) = on.reopen(backend);
        assert_eq!(ids(store.as_ref()), ["warm"], "{name}");
        assert!(store.verify().unwrap().is_empty(), "{name}");
    }
}

#[test]
fn a_lone_writer_commits_each_call_before_it_returns() {
    for backend in PersistentBackend::ALL {
        let on = OnDisk::new(backend);
        let handle = on.store.open_handle().unwrap();
        handle.add_container(&ctr("warm")).unwrap();
        for i in 0..5 {
            let before = on.syncs();
            handle.add_container(&ctr(&format!("c{i}"))).unwrap();
            assert_eq!(
                on.syncs() - before,
                syncs_per_commit(backend),
                "{}: call {i} returned without its own commit",
                backend.name()
            );
        }
    }
}
