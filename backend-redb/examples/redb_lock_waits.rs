//! Rerunnable measurements of how long a redb writer waits on other processes (SPEC §3, "Only a
//! write holds others up"). Not a test: the figures depend on the machine; the crate docs quote
//! one run.
//!
//! ```text
//! cargo run --release -p podstate-redb --example redb_lock_waits -- stopped-readers [STOPS]
//! cargo run --release -p podstate-redb --example redb_lock_waits -- tight-loop [WRITES]
//! ```
//!
//! * `stopped-readers`: a child process calls `all_containers` in a loop on a database of ten
//!   containers; it is stopped with SIGSTOP at random moments (STOPS times, default 100), and
//!   each time another process makes one write with a 200 ms lock timeout. Prints how many stops
//!   blocked the write, and whether each timeout message named the stopped reader.
//! * `tight-loop`: a child process saves one container in a tight loop; this process makes
//!   WRITES single writes (default 200) at random moments and prints the distribution of their
//!   durations (p50/p99/max), which is the wait for the write lock plus one commit.
//!
//! The database is in a new temporary directory on the disk (`$TMPDIR`), as an operator's is.

use std::env;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use podstate_api::State;
use podstate_conformance::scenarios::fixtures::{ctr, vol};
use podstate_redb::{RedbOptions, RedbStore};
use rustix::process::{Pid, Signal, kill_process};

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let count = |default: usize| arg(1).map_or(default, |n| n.parse().expect("a count"));
    match arg(0) {
        Some("stopped-readers") => stopped_readers(count(100)),
        Some("tight-loop") => tight_loop(count(200)),
        Some("reader") => reader(Path::new(arg(1).expect("file"))),
        Some("writer") => writer(Path::new(arg(1).expect("file"))),
        Some("loop-writer") => loop_writer(Path::new(arg(1).expect("file"))),
        _ => {
            eprintln!("usage: redb_lock_waits stopped-readers [STOPS] | tight-loop [WRITES]");
            std::process::exit(2);
        }
    }
}

/// A small xorshift generator seeded from the clock: the moments are random, not the figures'
/// meaning.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Rng(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A child process running this example in `role` on `file`, talking over its stdin and stdout.
struct Peer {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Peer {
    fn start(role: &str, file: &Path) -> Peer {
        let mut child = Command::new(env::current_exe().expect("this example"))
            .arg(role)
            .arg(file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("a child process");
        let input = child.stdin.take().expect("stdin");
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        let mut peer = Peer {
            child,
            input,
            output,
        };
        assert_eq!(peer.line(), "ready");
        peer
    }

    fn pid(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32).expect("a pid")
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.output.read_line(&mut line).expect("a line");
        line.trim_end().to_owned()
    }

    fn ask(&mut self, request: &str) -> String {
        writeln!(self.input, "{request}").expect("a request");
        self.line()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = kill_process(self.pid(), Signal::CONT);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether process `pid` is stopped (state `T` in `/proc/PID/stat`).
fn stopped(pid: Pid) -> bool {
    let stat =
        std::fs::read_to_string(format!("/proc/{}/stat", pid.as_raw_nonzero())).unwrap_or_default();
    stat.rsplit_once(')')
        .is_some_and(|(_, rest)| rest.trim_start().starts_with('T'))
}

fn new_database(containers: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("state.redb");
    let store = RedbStore::open(&file).expect("a new database");
    let state = store.open_handle().unwrap();
    for i in 0..containers {
        state
            .add_container(&ctr(&format!("c{i:03}"), &format!("ctr-{i}")))
            .expect("a container");
    }
    (dir, file)
}

fn stopped_readers(stops: usize) {
    let (_dir, file) = new_database(10);
    let per_call = {
        let store = RedbStore::open(&file).expect("the database");
        let state = store.open_handle().unwrap();
        let start = Instant::now();
        for _ in 0..1000 {
            state.all_containers().expect("a read");
        }
        start.elapsed() / 1000
    };
    let reader = Peer::start("reader", &file);
    let mut writer = Peer::start("writer", &file);
    let mut rng = Rng::new();
    let (mut blocked, mut named) = (0, 0);
    for _ in 0..stops {
        thread::sleep(Duration::from_micros(rng.below(5_000)));
        kill_process(reader.pid(), Signal::STOP).expect("SIGSTOP");
        while !stopped(reader.pid()) {
            thread::yield_now();
        }
        let answer = writer.ask("write");
        if let Some(message) = answer.strip_prefix("err ") {
            blocked += 1;
            let pid = reader.pid().as_raw_nonzero().to_string();
            if message.contains(&format!("process {pid}")) {
                named += 1;
            } else {
                println!("  not named: {message}");
            }
        }
        kill_process(reader.pid(), Signal::CONT).expect("SIGCONT");
    }
    println!(
        "stopped-readers: {blocked} of {stops} stops of a reader blocked a write \
         (lock timeout 200 ms); {named} of {blocked} timeout messages named the reader; \
         all_containers of 10 containers takes {per_call:?}"
    );
}

fn tight_loop(writes: usize) {
    let (_dir, file) = new_database(1);
    let options = RedbOptions::default().lock_timeout(Duration::from_secs(60));
    let store = RedbStore::open_with(&file, options).expect("the database");
    let state = store.open_handle().unwrap();
    let mut alone: Vec<Duration> = (0..20)
        .map(|i| {
            let start = Instant::now();
            state
                .add_volume(&vol(&format!("alone-{i}")))
                .expect("a write");
            start.elapsed()
        })
        .collect();
    alone.sort();
    let looping = Peer::start("loop-writer", &file);
    let mut rng = Rng::new();
    let mut waits: Vec<Duration> = (0..writes)
        .map(|i| {
            thread::sleep(Duration::from_micros(rng.below(10_000)));
            let start = Instant::now();
            state.add_volume(&vol(&format!("v-{i}"))).expect("a write");
            start.elapsed()
        })
        .collect();
    drop(looping);
    waits.sort();
    let at = |q: f64| waits[((waits.len() - 1) as f64 * q).round() as usize];
    println!(
        "tight-loop: {writes} writes against a process saving in a tight loop: \
         p50 {:?}, p99 {:?}, max {:?} (one write alone: {:?})",
        at(0.5),
        at(0.99),
        waits[waits.len() - 1],
        alone[alone.len() / 2]
    );
}

/// Calls `all_containers` until killed.
fn reader(file: &Path) {
    let store = RedbStore::open(file).expect("the database");
    let state = store.open_handle().unwrap();
    state.all_containers().expect("a read");
    println!("ready");
    loop {
        state.all_containers().expect("a read");
    }
}

/// Makes one write per line read, with a 200 ms lock timeout, and answers `ok` or `err MESSAGE`.
fn writer(file: &Path) {
    let options = RedbOptions::default().lock_timeout(Duration::from_millis(200));
    let store = RedbStore::open_with(file, options).expect("the database");
    let state = store.open_handle().unwrap();
    state.add_volume(&vol("warm-up")).expect("a write");
    println!("ready");
    let stdin = std::io::stdin();
    for (i, line) in stdin.lock().lines().enumerate() {
        if line.is_err() {
            break;
        }
        match state.add_volume(&vol(&format!("w-{i}"))) {
            Ok(()) => println!("ok"),
            Err(e) => println!("err {}", e.message().replace('\n', " ")),
        }
    }
}

/// Saves one container in a tight loop until killed.
fn loop_writer(file: &Path) {
    let store = RedbStore::open(file).expect("the database");
    let state = store.open_handle().unwrap();
    let c = state.lookup_container("c000").expect("the container");
    state.save_container(&c).expect("a write");
    println!("ready");
    loop {
        state.save_container(&c).expect("a write");
    }
}
