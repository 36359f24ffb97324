//! Several OS processes on one database file at once (SPEC §3): this test binary starts copies
//! of itself, each running [`child_process`] in a role, all mutating one file with durable
//! settings. Afterwards every invariant of SPEC §2 holds, everything a process was told it
//! added (and did not remove) is there, each raced ID or name has exactly one winner, and no
//! process ever saw a busy or locked database.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::env;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use podstate_api::Store;
use podstate_api::{Container, ContainerConfig, ErrorKind, State, StateError};
use podstate_sqlite::{SqliteOptions, SqliteStore};

use support::roles::{self, Report};

/// The variables a child reads its orders from.
const ROLE: &str = "PODSTATE_SQLITE_CHILD_ROLE";
const DB: &str = "PODSTATE_SQLITE_CHILD_DB";
const OUT: &str = "PODSTATE_SQLITE_CHILD_OUT";
const GO: &str = "PODSTATE_SQLITE_CHILD_GO";

/// Not a test of its own: the body of every child process, in the role its parent gave it
/// (does nothing when run without one).
#[test]
fn child_process() {
    let Ok(role) = env::var(ROLE) else {
        return;
    };
    let path = PathBuf::from(env::var(DB).unwrap());
    let out = PathBuf::from(env::var(OUT).unwrap());
    let go = PathBuf::from(env::var(GO).unwrap());
    if role == "hold" {
        roles::hold_write_lock(&path, &out);
    }
    if role == "loop" {
        roles::write_in_a_loop(&path, &out);
    }
    if role == "read-loop" {
        roles::read_in_a_loop(&path, &out);
    }
    let store = SqliteStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    wait_for(&go);
    let report = roles::run(&role, &state);
    report.write(&out);
}

/// Waits until `file` exists: the parent's go, so that the children start together, or a
/// child's word that it holds the lock.
fn wait_for(file: &Path) {
    let start = Instant::now();
    while !file.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{} never came",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Starts a child in `role` on database `path`; it reports to `out`.
fn spawn(role: &str, path: &Path, out: &Path, go: &Path) -> Child {
    Command::new(env::current_exe().unwrap())
        .args([
            "child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .env(DB, path)
        .env(OUT, out)
        .env(GO, go)
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn processes_mutating_one_file_at_once_keep_every_invariant() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let go = dir.path().join("go");
    // The parent lays the database out and keeps it open, as a long-lived process would.
    let store = SqliteStore::open(&path).unwrap();
    let roles = ["own:0", "own:1", "race:0", "race:1", "race:2", "read"];
    let children: Vec<(String, PathBuf, Child)> = roles
        .iter()
        .map(|role| {
            let out = dir
                .path()
                .join(format!("{}.report", role.replace(':', "-")));
            let child = spawn(role, &path, &out, &go);
            (role.to_string(), out, child)
        })
        .collect();
    std::fs::write(&go, b"go").unwrap();
    let mut reports = BTreeMap::new();
    for (role, out, mut child) in children {
        let status = child.wait().unwrap();
        assert!(status.success(), "child {role} failed: {status}");
        reports.insert(role, Report::read(&out));
    }

    assert_eq!(store.verify().unwrap(), []);
    let state = store.open_handle().unwrap();
    let sessions: BTreeSet<String> = reports
        .values()
        .flat_map(|r| r.sessions.iter().cloned())
        .collect();
    let dump = podstate_conformance::checker::check_invariants(&state, &sessions).unwrap();
    let stored: BTreeMap<&str, &Container> = dump
        .containers
        .iter()
        .map(|c| (c.container.id(), &c.container))
        .collect();

    for (role, report) in &reports {
        for id in &report.kept {
            assert!(
                stored.contains_key(id.as_str()),
                "{role} added {id:?}: gone"
            );
        }
        for id in &report.removed {
            assert!(
                !stored.contains_key(id.as_str()),
                "{role} removed {id:?}: still there"
            );
        }
        for session in &report.sessions {
            assert!(
                state.get_exec_session(session).is_ok(),
                "{role}: {session:?}"
            );
        }
    }
    let racers: Vec<&Report> = reports
        .iter()
        .filter(|(role, _)| role.starts_with("race"))
        .map(|(_, r)| r)
        .collect();
    for raced in roles::raced_ids() {
        let winners: Vec<&String> = racers
            .iter()
            .filter_map(|r| r.ids_won.get(&raced))
            .collect();
        assert_eq!(winners.len(), 1, "ID {raced:?} won by {winners:?}");
        assert_eq!(
            holder_name(&state, &raced),
            Some(winners[0].clone()),
            "{raced:?}"
        );
    }
    for raced in roles::raced_names() {
        let winners: Vec<&String> = racers
            .iter()
            .filter_map(|r| r.names_won.get(&raced))
            .collect();
        assert_eq!(winners.len(), 1, "name {raced:?} won by {winners:?}");
        // By exact name only: a lookup would also take the name as an ID prefix ("mix-1" of
        // "mix-1-5"), which another racer's container may hold.
        let containers = state.all_containers().unwrap();
        let pods = state.all_pods().unwrap();
        let holders: Vec<&String> = (containers.iter().map(|c| &c.config))
            .filter(|cfg| cfg.name == raced)
            .map(|cfg| &cfg.id)
            .chain(
                pods.iter()
                    .filter(|p| p.config.name == raced)
                    .map(|p| &p.config.id),
            )
            .collect();
        assert_eq!(holders, [winners[0]], "name {raced:?}");
    }
}

/// A child that is killed when the test ends, also when it fails: a lock holder left behind
/// would sleep forever.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The name of the container or pod holding `id`.
fn holder_name(state: &dyn State, id: &str) -> Option<String> {
    state.get_name(id).ok()
}

#[test]
fn a_stuck_lock_holder_in_another_process_is_named_and_outlived() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let holding = dir.path().join("holding");
    let store = SqliteStore::open_with(
        &path,
        SqliteOptions::new().lock_timeout(Duration::from_millis(300)),
    )
    .unwrap();
    let state = store.open_handle().unwrap();
    state
        .add_container(&Container::new(ContainerConfig::new("before", "before")))
        .unwrap();
    let mut holder = Killed(spawn("hold", &path, &holding, &dir.path().join("unused")));
    wait_for(&holding);

    let blocked = Container::new(ContainerConfig::new("blocked", "blocked"));
    let err: StateError = state.add_container(&blocked).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("lock"), "{err}");
    assert!(err.message().contains(&path.display().to_string()), "{err}");
    #[cfg(target_os = "linux")]
    assert!(err.message().contains(&holder.0.id().to_string()), "{err}");
    // Readers are not blocked by a writer in WAL mode.
    assert_eq!(state.all_containers().unwrap().len(), 1);

    // The holder dies mid-transaction: its lock goes with it, and its write never happened.
    holder.0.kill().unwrap();
    holder.0.wait().unwrap();
    state.add_container(&blocked).unwrap();
    let ids: Vec<String> = state
        .all_containers()
        .unwrap()
        .iter()
        .map(|c| c.id().to_owned())
        .collect();
    assert_eq!(ids, ["before", "blocked"]);
    assert!(
        state.all_volumes().unwrap().is_empty(),
        "the dead holder's write survived"
    );
    assert_eq!(store.verify().unwrap(), []);
}

#[test]
fn plain_sql_that_announces_itself_gets_in_against_a_tight_loop_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let writing = dir.path().join("writing");
    let store = SqliteStore::open(&path).unwrap();
    let state = store.open_handle().unwrap();
    state
        .add_container(&Container::new(ContainerConfig::new("probe", "probe")))
        .unwrap();
    let _writer = Killed(spawn("loop", &path, &writing, &dir.path().join("unused")));
    wait_for(&writing);

    // What the README tells plain-SQL maintenance to do: hold a shared lock on the `-wait`
    // file while it waits, and let SQLite's own busy handler (`.timeout`) do the waiting.
    let mut wait = path.as_os_str().to_owned();
    wait.push(podstate_sqlite::WAIT_SUFFIX);
    // As flock(1) does: open it, creating it if need be.
    let turns = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&wait)
        .unwrap();
    let sql = rusqlite::Connection::open(&path).unwrap();
    sql.busy_timeout(Duration::from_secs(5)).unwrap();
    for round in 0..5 {
        turns.lock_shared().unwrap();
        let written = sql.execute("UPDATE object SET state = state WHERE id = 'probe'", []);
        turns.unlock().unwrap();
        assert_eq!(written.map_err(|e| e.to_string()), Ok(1), "round {round}");
    }
}

#[test]
fn a_reader_stopped_at_any_moment_never_holds_up_a_writer() {
    use rustix::process::{Pid, Signal, kill_process};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let reading = dir.path().join("reading");
    // A writer that gives up after one second: a stopped reader that held it up would make a
    // write fail.
    let store = SqliteStore::open_with(
        &path,
        SqliteOptions::new().lock_timeout(Duration::from_secs(1)),
    )
    .unwrap();
    let state = store.open_handle().unwrap();
    for i in 0..50 {
        let id = format!("c{i:02}");
        state
            .add_container(&Container::new(ContainerConfig::new(&id, &id)))
            .unwrap();
    }
    let reader = Killed(spawn(
        "read-loop",
        &path,
        &reading,
        &dir.path().join("unused"),
    ));
    wait_for(&reading);
    let pid = Pid::from_child(&reader.0);
    let mut ctr = Container::new(ContainerConfig::new("c00", "c00"));
    for stop in 0..30u32 {
        // Stops at unrelated moments of the reader's loop.
        std::thread::sleep(Duration::from_micros(u64::from(stop * 7_919 % 5_000)));
        kill_process(pid, Signal::STOP).unwrap();
        ctr.state.pid = stop;
        let saved = state.save_container(&ctr);
        kill_process(pid, Signal::CONT).unwrap();
        assert_eq!(saved.map_err(|e| e.to_string()), Ok(()), "stop {stop}");
    }
}
