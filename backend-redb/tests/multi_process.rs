//! Several OS processes mutate one file at once (SPEC §3): each works on its own objects and
//! races the others for the same IDs and names. Afterwards every invariant of SPEC §2 holds,
//! everything a process was told it added (and did not remove) is there, every raced ID and name
//! has exactly one winner, and no process saw a busy or lock error.
//!
//! The workers are this test binary itself, started with [`WORKER`] set: the `worker` test does
//! the work when the variable is set and nothing otherwise.

use std::collections::{BTreeMap, BTreeSet};
use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::thread;
use std::time::Duration;

use podstate_api::{Container, ErrorKind, ExecSession, Pod, State, StateError};
use podstate_conformance::scenarios::fixtures::{CtrExt, ctr, pod, vol};
use podstate_redb::RedbStore;

/// Set to the worker's number in a worker process.
const WORKER: &str = "PODSTATE_REDB_MP_WORKER";
/// The database file, in a worker process.
const FILE: &str = "PODSTATE_REDB_MP_FILE";
/// How many worker processes.
const WORKERS: usize = 4;
/// Rounds of work per worker.
const ROUNDS: usize = 25;
/// What a worker prints before each fact it reports.
const MARK: &str = "@@ ";

/// The worker's side: runs only in a worker process.
#[test]
fn worker() {
    let Ok(index) = env::var(WORKER) else {
        return;
    };
    let file = PathBuf::from(env::var(FILE).expect("the file"));
    let index: usize = index.parse().expect("a worker number");
    // Wait for the starting signal, so that the workers really run at once (creating the file
    // included).
    let go = file.with_extension("go");
    while !go.exists() {
        thread::sleep(Duration::from_millis(1));
    }
    let store = RedbStore::open(&file).unwrap_or_else(|e| panic!("{MARK}error open {e}"));
    work(&store.open_handle().unwrap(), index);
}

/// Prints a fact for the parent.
fn report(fact: &str) {
    println!("{MARK}{fact}");
}

/// `Ok`, or an error of one of `expected` kinds (reported as lost); anything else ends the worker.
fn outcome(what: &str, result: Result<(), StateError>, expected: &[ErrorKind]) -> bool {
    match result {
        Ok(()) => true,
        Err(e) if expected.contains(&e.kind()) => false,
        Err(e) => {
            report(&format!("error {what} {e}"));
            panic!("{what}: {e}");
        }
    }
}

fn must(what: &str, result: Result<(), StateError>) {
    outcome(what, result, &[]);
}

/// One worker's rounds: its own pods, containers, volumes, exec sessions and networks, some
/// removed again; and in each round a race with the others for shared IDs and names.
fn work(state: &dyn State, me: usize) {
    let mut previous: Option<Container> = None;
    for k in 0..ROUNDS {
        let p: Pod = pod(&format!("p-{me}-{k}"), &format!("pod-{me}-{k}"));
        must("add_pod", state.add_pod(&p));
        report(&format!("added pod {}", p.id()));
        let volume = format!("v-{me}-{k}");
        must("add_volume", state.add_volume(&vol(&volume)));
        report(&format!("added volume {volume}"));
        let member = ctr(&format!("c-{me}-{k}"), &format!("ctr-{me}-{k}"))
            .in_pod(p.id())
            .with_volumes(&[&volume])
            .with_networks(&["net-a", "net-b"])
            .with_aliases("net-a", &[&format!("al-{me}-{k}")]);
        must(
            "add_container_to_pod",
            state.add_container_to_pod(&p, &member),
        );
        report(&format!("added container {}", member.id()));
        let mut solo = ctr(&format!("d-{me}-{k}"), &format!("solo-{me}-{k}"));
        if let Some(prev) = &previous {
            solo = solo.with_deps(&[prev.id()]);
        }
        must("add_container", state.add_container(&solo));
        report(&format!("added container {}", solo.id()));
        let session = ExecSession::new(format!("x-{me}-{k}"), member.id());
        must(
            "add_exec_session",
            state.add_exec_session(&member, &session),
        );
        report(&format!("added exec {} {}", session.id, member.id()));
        must(
            "network_disconnect",
            state.network_disconnect(&member, "net-b"),
        );
        if k % 3 == 2 {
            must("remove_exec_session", state.remove_exec_session(&session));
            must(
                "remove_container_from_pod",
                state.remove_container_from_pod(&p, &member),
            );
            must("remove_pod", state.remove_pod(&p));
            report(&format!("removed exec {}", session.id));
            report(&format!("removed container {}", member.id()));
            report(&format!("removed pod {}", p.id()));
        }
        race(state, me, k, &solo);
        previous = Some(solo);
    }
}

/// The races of round `k`: one ID and name wanted as a container by odd workers and as a pod by
/// even ones; one ID under different names; one name under different IDs; a volume; an exec
/// session.
fn race(state: &dyn State, me: usize, k: usize, own: &Container) {
    let taken = [ErrorKind::CtrExists, ErrorKind::PodExists];
    let both = format!("both-{k}");
    let won = if me % 2 == 1 {
        outcome("race both", state.add_container(&ctr(&both, &both)), &taken)
    } else {
        outcome("race both", state.add_pod(&pod(&both, &both)), &taken)
    };
    if won {
        report(&format!(
            "won both {both} {}",
            if me % 2 == 1 { "container" } else { "pod" }
        ));
    }
    let id = format!("id-{k}");
    let named = ctr(&id, &format!("id-{k}-by-{me}"));
    if outcome("race id", state.add_container(&named), &taken) {
        report(&format!("won id {id} {}", named.config.name));
    }
    let name = format!("name-{k}");
    let claimed = ctr(&format!("name-{k}-by-{me}"), &name);
    if outcome("race name", state.add_container(&claimed), &taken) {
        report(&format!("won name {name} {}", claimed.id()));
    }
    let volume = format!("rv-{k}");
    if outcome(
        "race volume",
        state.add_volume(&vol(&volume)),
        &[ErrorKind::VolumeExists],
    ) {
        report(&format!("won volume {volume}"));
    }
    let session = ExecSession::new(format!("rx-{k}"), own.id());
    let won = outcome(
        "race exec",
        state.add_exec_session(own, &session),
        &[ErrorKind::ExecSessionExists],
    );
    if won {
        report(&format!("won exec {} {}", session.id, own.id()));
    }
}

/// The parent's side: starts the workers and checks what they left.
#[test]
fn processes_share_one_file() {
    if env::var(WORKER).is_ok() {
        return;
    }
    let dir = shm_dir();
    let file = dir.path().join("shared.redb");
    let exe = env::current_exe().expect("the test binary");
    let children: Vec<_> = (0..WORKERS)
        .map(|i| {
            Command::new(&exe)
                .args(["--exact", "worker", "--nocapture", "--test-threads=1"])
                .env(WORKER, i.to_string())
                .env(FILE, &file)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("a worker process")
        })
        .collect();
    std::fs::write(file.with_extension("go"), b"").unwrap();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("the worker's output"))
        .collect();
    let mut facts = Vec::new();
    for (i, out) in outputs.iter().enumerate() {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "worker {i} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mine: Vec<String> = stdout
            .lines()
            .filter_map(|l| l.strip_prefix(MARK).map(str::to_owned))
            .collect();
        assert!(
            mine.len() > ROUNDS * 5,
            "worker {i} reported too little: {mine:?}"
        );
        facts.extend(mine);
    }
    let store = RedbStore::open(&file).unwrap();
    let state = store.open_handle().unwrap();
    verify(&state, &facts);
}

/// A temporary directory on the RAM-backed `/dev/shm` where there is one (the test setting).
fn shm_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().expect("a temporary directory")
}

/// Checks the reports of every worker against the store.
fn verify(state: &dyn State, facts: &[String]) {
    let mut present: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    let mut winners: BTreeMap<(String, String), Vec<Vec<String>>> = BTreeMap::new();
    for fact in facts {
        let words: Vec<String> = fact.split(' ').map(str::to_owned).collect();
        let key = (words[1].clone(), words[2].clone());
        match words[0].as_str() {
            "added" => {
                present.insert(key, words.get(3).cloned());
            }
            "removed" => {
                present.remove(&key);
            }
            "won" => winners.entry(key).or_default().push(words[3..].to_vec()),
            other => panic!("unexpected report {other:?} in {fact:?}"),
        }
    }
    for ((kind, id), owner) in &present {
        let there = match kind.as_str() {
            "pod" => state.has_pod(id),
            "container" => state.has_container(id),
            "volume" => state.has_volume(id),
            "exec" => state
                .get_exec_session(id)
                .map(|o| Some(o) == *owner)
                .or_else(|e| {
                    if e.kind() == ErrorKind::NoSuchExecSession {
                        Ok(false)
                    } else {
                        Err(e)
                    }
                }),
            _ => unreachable!("{kind}"),
        };
        assert!(
            there.unwrap(),
            "{kind} {id} was added and never removed, but is gone"
        );
    }
    for k in 0..ROUNDS {
        for race in ["both", "id", "name", "volume", "exec"] {
            let key = match race {
                "both" => format!("both-{k}"),
                "id" => format!("id-{k}"),
                "name" => format!("name-{k}"),
                "volume" => format!("rv-{k}"),
                _ => format!("rx-{k}"),
            };
            let won = winners
                .remove(&(race.to_owned(), key.clone()))
                .unwrap_or_default();
            assert_eq!(won.len(), 1, "race {race} {key}: winners {won:?}");
            let detail = won[0].first().map_or("", String::as_str);
            let stored = match race {
                "both" if detail == "pod" => state.has_pod(&key).unwrap(),
                "both" => state.lookup_container_id(&key).unwrap() == key,
                "id" => state.get_name(&key).unwrap() == detail,
                "name" => state.lookup_container_id(&key).unwrap() == detail,
                "volume" => state.has_volume(&key).unwrap(),
                _ => state.get_exec_session(&key).unwrap() == detail,
            };
            assert!(
                stored,
                "race {race} {key}: the store disagrees with winner {detail}"
            );
        }
    }
    let sessions: BTreeSet<String> = facts
        .iter()
        .filter_map(|f| {
            f.split(' ')
                .nth(2)
                .filter(|_| f.contains(" exec "))
                .map(str::to_owned)
        })
        .collect();
    invariants(state, &sessions);
}

/// SPEC §2 through the public API: the conformance checker's own invariant check.
fn invariants(state: &dyn State, sessions: &BTreeSet<String>) {
    if let Err(why) = podstate_conformance::checker::check_invariants(state, sessions) {
        panic!("an invariant of SPEC §2 broke: {why}");
    }
}
