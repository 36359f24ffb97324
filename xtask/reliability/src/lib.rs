//! Reliability runs for the persistent podstate backends (SQLite and redb): the proof that
//! nothing acknowledged is lost when processes are killed at any moment, when the power goes,
//! when the disk fails, when many processes work at once and when files are damaged.
//!
//! Every run drives the backends through their public [`Store`](podstate_api::Store) and
//! [`State`](podstate_api::State) interfaces with the conformance checker's own generated
//! operation sequences ([`workload`]), and judges them against the reference model
//! ([`oracle`]): a reopened database must pass [`verify`] (the engine's integrity check and
//! every SPEC §2 invariant) and hold exactly a state the model allows.
//!
//! | run | module | `cargo xtask` | what it proves |
//! |---|---|---|---|
//! | process death | [`crash`] | `crash` | SIGKILL at a random moment loses no acknowledged call and leaves no partial one; a read-only open by a user who cannot write the files sees the same and writes nothing ([`read_only`]) |
//! | power loss | [`powercut`] | `crash --power-cut` | only synced data survives (and a random, torn part of the rest): still nothing acknowledged is lost |
//! | power loss under group commit | [`grouped`] | `crash --power-cut --grouped N` | N threads of one store writing at once, their calls sharing commits: no acknowledged call is lost |
//! | failing disk | [`faults`] | `crash --faults` | a failed read, write or sync answers `Io` and changes nothing; the store works on |
//! | many processes | [`stress`] | `stress` | processes x threads at once: no error outside the contract, every window of the history linearizable (with `--hot`: on a few hot objects; with `--stops`: processes stopped with SIGSTOP hold no one past the lock timeout, and a lock timeout names its stopped holder) |
//! | a long life | [`soak`] | `soak` | container lifecycles by the hundred thousand: integrity intact, files bounded |
//! | bad files | [`bad_files`] | (tests) | damaged and foreign files: never a panic or a hang, only `Corrupt` or `Io` |
//! | a hung lock holder | [`holder`] | (tests) | a stopped process inside a write transaction: others answer `Io` naming the lock after their timeout |
//!
//! `cargo test -p podstate-reliability` runs each at a small budget (a few seconds each); the
//! `cargo xtask` defaults are the large ones, whose figures the README gives.
//!
//! # What a reopened database must be
//!
//! [`verify`] is the one check of a reopened database: the engine's own integrity check (SQLite
//! `integrity_check` and `foreign_key_check`, redb `check_integrity`, which must find nothing
//! to repair), then every SPEC §2 invariant through the public API. When `Store::verify` (and
//! `podstate check`) lands, it replaces the invariant check there, in one line. Then the
//! reopened state is compared with the model: after a kill or a power cut it must equal the
//! model after the acknowledged calls, or after those plus the one in flight
//! ([`oracle::Candidates`]); nothing else passes.
//!
//! # Failed commits are ambiguous
//!
//! A commit whose sync failed may or may not be on disk: either state is accepted, as for a
//! call in flight at a crash. For redb the same holds for a failed *write* of a commit: redb's
//! multi-writer commit writes the header once more after its last sync (to clear the mark that
//! tells other processes the commit is not yet flushed), so a write error there fails a commit
//! that is already durable; redb documents every commit error as "may or may not have become
//! durable". SQLite's last write of a commit precedes its sync, and its failed writes are held
//! to "changes nothing".
//!
//! # Figures
//!
//! The README's "Reliability" section gives the figures of the full runs; in short, on the
//! 2-core development VM, for each of SQLite and redb: 1,000 SIGKILLs (106 s and 196 s on disk),
//! 10,000 power cuts (about 165 s each on `/dev/shm`), 1,000 faults, 8 processes x 2 threads x
//! 2,000 calls with all 40 windows linearizable, 100,000 soak lifecycles: nothing acknowledged
//! lost, no window failed or inconclusive, every integrity check clean.
//!
//! # Children
//!
//! Runs that need other processes start them through a [`Launcher`]: `cargo xtask` starts
//! itself (`cargo xtask child ...`), the tests start `podstate-reliability-child`; both hand
//! their arguments to [`child_main`].
//!
//! # The simulated disk
//!
//! Power cuts and I/O faults need every read, write and sync of the engines to pass through a
//! [`disk::Disk`] first, at the file operations themselves, below the engine and every podstate
//! layer, so that a sync skipped anywhere above cannot hide from a power cut. redb reaches it
//! through its storage seam (`RedbStore::open_with_storage`, [`redb_disk`]), which wraps redb's
//! own file backend beneath podstate's lock wrapper; SQLite through a VFS shim
//! ([`sqlite_vfs`]), registered as the process's default VFS and serving only the files under
//! a directory attached to a disk (only SQLite's own unix VFS and the OS are beneath it);
//! `tests/sqlite_syncs.rs` counts the syncs of each durable commit there. The shim is the one place of the workspace that allows
//! `unsafe`: rusqlite offers no safe way to give SQLite another VFS, and a shim is the only way
//! to see SQLite's writes and syncs one by one, which a power cut must (counting fsyncs per
//! commit would show that a sync happens, not that the data the commit needs was under it).
//!
pub mod bad_files;
pub mod crash;
pub mod disk;
pub mod driver;
pub mod faults;
pub mod grouped;
pub mod holder;
pub mod launcher;
pub mod oracle;
pub mod powercut;
pub mod read_only;
pub mod redb_disk;
pub mod rng;
pub mod soak;
pub mod sqlite_vfs;
pub mod stress;
pub mod target;
pub mod trials;
pub mod workload;

use anyhow::anyhow;
use std::process::ExitCode;

pub use launcher::Launcher;
pub use target::{PersistentBackend, verify};

/// The entry point of a child process: `args` are its role and `key=value` parameters (see
/// [`launcher`]). Prints why it failed on stderr and exits non-zero on failure.
pub fn child_main(args: &[String]) -> ExitCode {
    let Some((role, rest)) = args.split_first() else {
        eprintln!("a child needs a role");
        return ExitCode::FAILURE;
    };
    let result = launcher::Params::parse(rest).and_then(|params| match role.as_str() {
        "crash" => crash::child(&params),
        "hold" => holder::child(&params),
        "read-only" => read_only::child(&params),
        "stress" => stress::worker::child(&params),
        "soak" => soak::child(&params),
        other => Err(anyhow!("unknown child role {other:?}")),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("child {role}: {}", podstate::error_line(why.as_ref()));
            ExitCode::FAILURE
        }
    }
}
