//! Where the time of a CLI-like open + lookup + close goes, against plain rusqlite.
//!
//! ```text
//! cargo run --profile xtask -p podstate-sqlite --example open_lookup_close -- [ROUNDS] [DIR]
//! ```
//!
//! Lays out a podstate database of 1,000 containers (7.5 KB payloads) and a plain one-table
//! rusqlite database holding the same rows (the bench's baseline, `xtask/src/bench/raw_sqlite.rs`),
//! keeps a connection to each open (as the bench's long-lived store does, so that no close here
//! is the last one and checkpoints), then in batches of 50, ROUNDS times (default 40):
//!
//! - podstate: `SqliteStore::open`, a handle, `lookup_container` by name, `close`, drop;
//! - plain rusqlite: connect, `BEGIN`, the three probes of a lookup by name, `COMMIT`, close;
//! - podstate's open + lookup + close replayed with plain rusqlite calls, one step at a time
//!   (the statements `open.rs`, `conn.rs`, `schema.rs`, `begin.rs` and `read.rs` run for a file laid out by podstate and never altered), beside
//!   the baseline's steps.
//!
//! Prints the fastest batch mean of each (the one least disturbed by other work on the machine).
//! The replay names where podstate's time goes; keep it in step with those files. The database
//! files go in DIR (default: a new temporary directory; pass a directory on the disk you care
//! about).
//!
//! Not a test: the figures depend on the machine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use podstate_api::{Container, ContainerConfig, Payload, State};
use podstate_sqlite::{Durability, SqliteOptions, SqliteStore};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// Containers in each database.
const N: usize = 1000;
/// Opens per timed batch.
const BATCH: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(40);
    let temp = tempfile::tempdir().expect("a temporary directory");
    let dir = args
        .get(2)
        .map_or_else(|| temp.path().to_owned(), PathBuf::from);
    let pod = dir.join("open-lookup-close-podstate.db");
    let raw = dir.join("open-lookup-close-raw.db");
    let names = lay_out(&pod, &raw);
    // Kept open, as the bench keeps its subjects open.
    let keep_pod = SqliteStore::open(&pod).expect("the store opens");
    let keep_raw = Connection::open(&raw).expect("the baseline opens");
    // A connection holds the WAL open from its first read on.
    keep_raw
        .query_row("PRAGMA user_version", [], |r| r.get::<_, i32>(0))
        .expect("a read");

    let mut best: BTreeMap<String, Duration> = BTreeMap::new();
    for round in 0..rounds {
        let mut sums: BTreeMap<String, Duration> = BTreeMap::new();
        for b in 0..BATCH {
            let name = &names[(round * BATCH + b * 17) % N];
            let mut t = Instant::now();
            let mut lap = |label: &str| {
                let now = Instant::now();
                *sums.entry(label.to_owned()).or_default() += now - t;
                t = now;
            };
            podstate_cli(&pod, name);
            lap("podstate open + lookup + close");
            raw_cli(&raw, name);
            lap("plain rusqlite open + lookup + close");
            replay_podstate(&pod, name, &mut lap);
            replay_raw(&raw, name, &mut lap);
        }
        for (step, sum) in sums {
            let slot = best.entry(step).or_insert(Duration::MAX);
            *slot = (*slot).min(sum / BATCH as u32);
        }
    }
    let us = |step: &str| best.get(step).map_or(0.0, |d| d.as_secs_f64() * 1e6);
    let (podstate, plain) = (
        us("podstate open + lookup + close"),
        us("plain rusqlite open + lookup + close"),
    );
    println!(
        "podstate {podstate:.1} µs, plain rusqlite {plain:.1} µs: {:.2}x\n",
        podstate / plain
    );
    println!("{:40} {:>9}", "replayed step (fastest batch mean)", "µs");
    let (mut replayed, mut baseline) = (0.0, 0.0);
    for (step, d) in &best {
        let t = d.as_secs_f64() * 1e6;
        if step.starts_with("podstate:") {
            replayed += t;
        } else if step.starts_with("baseline:") {
            baseline += t;
        } else {
            continue;
        }
        println!("{step:40} {t:9.1}");
    }
    println!("sums: podstate replayed {replayed:.1} µs, baseline {baseline:.1} µs");
    drop((keep_pod, keep_raw));
}

/// Both databases, new, with the same N containers; the containers' names.
fn lay_out(pod: &Path, raw: &Path) -> Vec<String> {
    for file in [pod, raw] {
        for suffix in ["", "-wal", "-shm", "-wait"] {
            let mut name = file.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
    let store = SqliteStore::open_with(pod, SqliteOptions::new().durability(Durability::NoSync))
        .expect("the store opens");
    let state = store.open_handle().expect("a handle");
    let payload = format!(r#"{{"blob":"{}"}}"#, "x".repeat(7500));
    let names: Vec<String> = (0..N).map(|i| format!("name-{i:05}")).collect();
    for (i, name) in names.iter().enumerate() {
        let mut cfg = ContainerConfig::new(format!("{i:064x}"), name);
        cfg.payload = Payload::from_json(&payload).expect("json");
        state.add_container(&Container::new(cfg)).expect("add");
    }
    drop((state, store));
    let conn = Connection::open(raw).expect("the baseline opens");
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
        .expect("WAL");
    conn.execute_batch(
        "CREATE TABLE ctr (id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL UNIQUE, pod TEXT,
             config TEXT NOT NULL, config_payload TEXT NOT NULL, state TEXT NOT NULL,
             state_payload TEXT NOT NULL) STRICT;
         CREATE INDEX ctr_pod ON ctr (pod, id) WHERE pod IS NOT NULL;",
    )
    .expect("the baseline's schema");
    conn.execute(
        "ATTACH DATABASE ?1 AS pod",
        [pod.to_str().expect("a UTF-8 path")],
    )
    .expect("attach");
    conn.execute_batch(
        "INSERT INTO ctr SELECT id, name, pod, config, config_payload, state, state_payload
         FROM pod.object; DETACH DATABASE pod;",
    )
    .expect("copy the rows");
    names
}

/// What the bench's podstate subject times.
fn podstate_cli(path: &Path, name: &str) {
    let store = SqliteStore::open(path).expect("open");
    let state = store.open_handle().expect("handle");
    let got = state.lookup_container(name).expect("lookup");
    assert_eq!(got.config.name, name);
    state.close().expect("close");
}

/// What the bench's plain rusqlite subject times (its records decoded as JSON values here).
fn raw_cli(path: &Path, name: &str) {
    let conn = Connection::open(path).expect("open");
    conn.execute_batch("PRAGMA synchronous = FULL;")
        .expect("pragma");
    conn.set_prepared_statement_cache_capacity(64);
    conn.execute_batch("BEGIN").expect("begin");
    let probe = |sql: &str| {
        conn.prepare_cached(sql)
            .and_then(|mut st| st.query_row([name], |r| r.get::<_, String>(0)).optional())
            .expect("probe")
    };
    let id = probe("SELECT id FROM ctr WHERE id = ?1")
        .or_else(|| probe("SELECT id FROM ctr WHERE name = ?1"))
        .expect("found");
    let (config, state): (String, String) = conn
        .prepare_cached(
            "SELECT config, config_payload, state, state_payload FROM ctr WHERE id = ?1",
        )
        .and_then(|mut st| st.query_row([&id], |r| Ok((r.get(0)?, r.get(2)?))))
        .expect("load");
    let config: serde_json::Value = serde_json::from_str(&config).expect("config");
    let _: serde_json::Value = serde_json::from_str(&state).expect("state");
    assert_eq!(config["name"].as_str(), Some(name));
    conn.execute_batch("COMMIT").expect("commit");
}

/// podstate's statements for open + lookup by name + close, each step timed by `lap`.
fn replay_podstate(path: &Path, name: &str, lap: &mut impl FnMut(&str)) {
    std::fs::metadata(path).expect("stat");
    lap("podstate: 01 stat the path");
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open");
    lap("podstate: 02 sqlite3_open");
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_FKEY, true)
        .expect("keys");
    conn.execute_batch("PRAGMA synchronous = FULL")
        .expect("synchronous");
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .expect("qpsg");
    lap("podstate: 03 settings (+ schema parse)");
    conn.set_prepared_statement_cache_capacity(64);
    conn.prepare_cached("BEGIN")
        .and_then(|mut st| st.execute([]))
        .expect("begin");
    let app: i32 = conn
        .prepare_cached("PRAGMA application_id")
        .and_then(|mut st| st.query_row([], |r| r.get(0)))
        .expect("id");
    let version: i32 = conn
        .prepare_cached("PRAGMA user_version")
        .and_then(|mut st| st.query_row([], |r| r.get(0)))
        .expect("version");
    let cookie: i32 = conn
        .prepare_cached("PRAGMA schema_version")
        .and_then(|mut st| st.query_row([], |r| r.get(0)))
        .expect("cookie");
    let mode: String = conn
        .prepare_cached("PRAGMA journal_mode")
        .and_then(|mut st| st.query_row([], |r| r.get(0)))
        .expect("mode");
    // A file laid out by podstate and never altered: the schema's names are not read.
    assert_eq!((app, version, cookie), (0x506f_6453, 2, 10));
    assert_eq!(mode, "wal");
    conn.prepare_cached("COMMIT")
        .and_then(|mut st| st.execute([]))
        .expect("commit");
    lap("podstate: 04 identity and journal mode, one read transaction");
    conn.prepare_cached("BEGIN")
        .and_then(|mut st| st.execute([]))
        .expect("begin");
    let _: i32 = conn
        .prepare_cached("PRAGMA user_version")
        .and_then(|mut st| st.query_row([], |r| r.get(0)))
        .expect("version");
    lap("podstate: 07 BEGIN, user_version");
    let by_id = conn
        .prepare_cached("SELECT namespace FROM object WHERE id = ?1 AND kind = 'container'")
        .and_then(|mut st| st.query_row([name], |r| r.get::<_, String>(0)).optional())
        .expect("by ID");
    assert!(by_id.is_none());
    lap("podstate: 08 probe: ID");
    let (_, id, _): (String, String, String) = conn
        .prepare_cached("SELECT kind, id, namespace FROM object WHERE name = ?1")
        .and_then(|mut st| st.query_row([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))
        .expect("by name");
    lap("podstate: 09 probe: name");
    let (config, state): (String, String) = conn
        .prepare_cached(
            "SELECT config, config_payload, state, state_payload FROM object \
             WHERE id = ?1 AND kind = 'container'",
        )
        .and_then(|mut st| st.query_row([&id], |r| Ok((r.get(0)?, r.get(2)?))))
        .expect("load");
    assert!(!config.is_empty() && !state.is_empty());
    lap("podstate: 10 load the record");
    conn.prepare_cached("COMMIT")
        .and_then(|mut st| st.execute([]))
        .expect("commit");
    lap("podstate: 11 COMMIT");
    drop(conn);
    lap("podstate: 12 close");
}

/// The baseline's steps, timed by `lap` as [`replay_podstate`]'s.
fn replay_raw(path: &Path, name: &str, lap: &mut impl FnMut(&str)) {
    let conn = Connection::open(path).expect("open");
    lap("baseline: 02 sqlite3_open");
    conn.execute_batch("PRAGMA synchronous = FULL;")
        .expect("pragma");
    conn.set_prepared_statement_cache_capacity(64);
    lap("baseline: 03 settings (+ schema parse)");
    conn.prepare_cached("BEGIN")
        .and_then(|mut st| st.execute([]))
        .expect("begin");
    lap("baseline: 07 BEGIN");
    let by_id = conn
        .prepare_cached("SELECT id FROM ctr WHERE id = ?1")
        .and_then(|mut st| st.query_row([name], |r| r.get::<_, String>(0)).optional())
        .expect("by ID");
    assert!(by_id.is_none());
    lap("baseline: 08 probe: ID");
    let id: String = conn
        .prepare_cached("SELECT id FROM ctr WHERE name = ?1")
        .and_then(|mut st| st.query_row([name], |r| r.get(0)))
        .expect("by name");
    lap("baseline: 09 probe: name");
    let (config, state): (String, String) = conn
        .prepare_cached(
            "SELECT config, config_payload, state, state_payload FROM ctr WHERE id = ?1",
        )
        .and_then(|mut st| st.query_row([&id], |r| Ok((r.get(0)?, r.get(2)?))))
        .expect("load");
    assert!(!config.is_empty() && !state.is_empty());
    lap("baseline: 10 load the record");
    conn.prepare_cached("COMMIT")
        .and_then(|mut st| st.execute([]))
        .expect("commit");
    lap("baseline: 11 COMMIT");
    drop(conn);
    lap("baseline: 12 close");
}
