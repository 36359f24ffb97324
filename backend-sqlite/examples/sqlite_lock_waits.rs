//! How long a single write waits for the lock while another process writes in a tight loop.
//!
//! ```text
//! cargo run --release -p podstate-sqlite --example sqlite_lock_waits -- [SAMPLES] [DIR]
//! ```
//!
//! The example starts a copy of itself as the busy writer (`save_container` of one container,
//! durable, as fast as it goes), then makes `SAMPLES` (default 300) single `save_container`
//! calls on another container at random moments, each on a handle of its own process, and
//! prints the distribution of their times (p50, p99, max) beside the same call on an idle
//! database. Then it does the same with a plain SQLite connection whose busy handler is
//! SQLite's own (`busy_timeout`, 5 s), as the `sqlite3` shell with `.timeout 5000` would, and
//! counts how many of its writes got in at all; then once more with that connection holding a
//! shared lock on the database's `-wait` file while it writes, as the README tells plain-SQL
//! maintenance to (`flock -s state.db-wait sqlite3 state.db ...`). The database goes in DIR (default: a new
//! temporary directory; pass a directory on the disk you care about).
//!
//! Not a test: the figures depend on the machine. Rerun it after any change to locking.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use podstate_api::{Container, ContainerConfig, State};
use podstate_sqlite::SqliteStore;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--busy-writer") {
        busy_writer(Path::new(&args[2]));
        return;
    }
    let samples: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(300);
    let temp = tempfile::tempdir().expect("a temporary directory");
    let dir = args
        .get(2)
        .map_or_else(|| temp.path().to_owned(), PathBuf::from);
    let path = dir.join(format!("lock-waits-{}.db", std::process::id()));
    let store = SqliteStore::open(&path).expect("the database opens");
    let state = store.open_handle().expect("a handle");
    let mut probe = Container::new(ContainerConfig::new("probe", "probe"));
    state.add_container(&probe).expect("add probe");
    state
        .add_container(&Container::new(ContainerConfig::new("hot", "hot")))
        .expect("add hot");

    let idle = time_saves(&state, &mut probe, samples.min(100));
    report("idle database, podstate", &idle, None);

    let mut writer = Command::new(std::env::current_exe().expect("the example's path"))
        .arg("--busy-writer")
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the busy writer starts");
    let mut lines = BufReader::new(writer.stdout.take().expect("piped")).lines();
    assert_eq!(
        lines.next().and_then(Result::ok).as_deref(),
        Some("writing")
    );

    let hot_saves = || state.lookup_container("hot").expect("hot").state.pid;
    let (before, started) = (hot_saves(), Instant::now());
    let contended = time_saves(&state, &mut probe, samples);
    let rate = f64::from(hot_saves() - before) / started.elapsed().as_secs_f64();
    report("against a tight-loop writer, podstate", &contended, None);
    println!("  (the busy writer meanwhile: {rate:.0} commits/s)");

    let raw = rusqlite::Connection::open(&path).expect("a plain connection");
    raw.busy_timeout(Duration::from_secs(5))
        .expect("busy_timeout");
    let plain = plain_writes(&raw, None, samples.min(20));
    report(
        "against a tight-loop writer, plain SQLite with busy_timeout(5 s)",
        &plain.0,
        Some(plain.1),
    );
    let mut wait = path.as_os_str().to_owned();
    wait.push(podstate_sqlite::WAIT_SUFFIX);
    let turns = std::fs::File::open(&wait).ok();
    let plain = plain_writes(&raw, turns.as_ref(), samples.min(20));
    report(
        "against a tight-loop writer, the same holding a shared lock on the -wait file",
        &plain.0,
        Some(plain.1),
    );

    writer.kill().expect("the busy writer stops");
    let _ = writer.wait();
}

/// `n` writes through a plain SQLite connection, each (with `turns`) while holding a shared
/// lock on the `-wait` file, as `flock -s NAME-wait sqlite3 NAME ...` would: their times, and
/// how many gave up.
fn plain_writes(
    raw: &rusqlite::Connection,
    turns: Option<&std::fs::File>,
    n: usize,
) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut failed = 0;
    for i in 0..n {
        pause(i);
        let start = Instant::now();
        if let Some(file) = turns {
            file.lock_shared().expect("a shared lock on the -wait file");
        }
        match raw.execute("UPDATE object SET state = state WHERE id = 'probe'", []) {
            Ok(_) => times.push(start.elapsed()),
            Err(_) => failed += 1,
        }
        if let Some(file) = turns {
            file.unlock().expect("unlock");
        }
    }
    (times, failed)
}

/// The busy writer's loop: says "writing", then saves one container as fast as it can.
fn busy_writer(path: &Path) {
    let store = SqliteStore::open(path).expect("the database opens");
    let state = store.open_handle().expect("a handle");
    let mut hot = state.lookup_container("hot").expect("hot");
    println!("writing");
    loop {
        hot.state.pid = hot.state.pid.wrapping_add(1);
        state.save_container(&hot).expect("save");
    }
}

/// A pseudo-random pause of 5-35 ms before sample `i`, so that samples fall at unrelated
/// moments of the writer's loop.
fn pause(i: usize) {
    let jitter = (i.wrapping_mul(2_654_435_761) >> 7) % 30;
    std::thread::sleep(Duration::from_millis(5 + jitter as u64));
}

/// The time of `n` single `save_container` calls.
fn time_saves(state: &dyn State, probe: &mut Container, n: usize) -> Vec<Duration> {
    (0..n)
        .map(|i| {
            pause(i);
            probe.state.pid += 1;
            let start = Instant::now();
            state.save_container(probe).expect("save probe");
            start.elapsed()
        })
        .collect()
}

/// Prints p50, p99 and max of `times`.
fn report(what: &str, times: &[Duration], failed: Option<usize>) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at = |q: f64| {
        sorted
            .get(((sorted.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    let failed = failed.map_or_else(String::new, |f| format!(", {f} gave up (busy)"));
    println!(
        "{what}: {} writes, p50 {:.2?}, p99 {:.2?}, max {:.2?}{failed}",
        sorted.len(),
        at(0.5),
        at(0.99),
        sorted.last().copied().unwrap_or_default()
    );
}
