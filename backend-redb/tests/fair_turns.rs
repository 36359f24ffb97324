//! Waiting writers get their turn (SPEC §3): against another process that writes in a tight
//! loop, a single write gets in after a commit or two of the loop, not after hundreds. Counted
//! in commits of the loop, not timed: the `redb_lock_waits` example measures the waits themselves.

mod support;

use std::fs;
use std::path::Path;
use std::time::Duration;

use podstate_api::State;
use podstate_conformance::scenarios::fixtures::{ctr, vol};
use podstate_redb::{RedbOptions, RedbStore};
use support::{Child, role, say};

/// The rounds of the test: one write of this process each.
const ROUNDS: usize = 20;

/// The roles of the child processes.
#[test]
fn child() {
    let Some((role, file)) = role() else {
        return;
    };
    match role.as_str() {
        // Saves one container in a tight loop. When the parent announces round K (a file beside
        // the database), counts its own commits until it sees the parent's volume `turn-K`.
        "save-in-a-loop" => {
            let store = RedbStore::open(&file).expect("the database");
            let state = store.open_handle().unwrap();
            let c = state.lookup_container("c1").expect("the container");
            let announce = round_file(&file);
            say("ready");
            let (mut round, mut since, mut done) = (None::<String>, 0usize, None::<String>);
            loop {
                state.save_container(&c).expect("a write");
                match &round {
                    None => {
                        if let Ok(k) = fs::read_to_string(&announce)
                            && done.as_ref() != Some(&k)
                        {
                            round = Some(k);
                            since = 0;
                        }
                    }
                    Some(k) => {
                        since += 1;
                        if state.has_volume(&format!("turn-{k}")).expect("a read") {
                            say(&format!("round {k}: {since}"));
                            done = round.take();
                        }
                    }
                }
            }
        }
        other => panic!("unknown role {other}"),
    }
}

fn round_file(file: &Path) -> std::path::PathBuf {
    file.with_extension("round")
}

#[test]
fn a_single_write_gets_its_turn_against_a_writer_in_a_tight_loop() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.redb");
    let options = RedbOptions::default().lock_timeout(Duration::from_secs(20));
    let store = RedbStore::open_with(&file, options).unwrap();
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c1", "one")).unwrap();
    let mut looping = Child::start("save-in-a-loop", &file);
    looping.expect("ready");
    let announce = round_file(&file);
    let mut commits = Vec::new();
    for k in 0..ROUNDS {
        let draft = file.with_extension("draft");
        fs::write(&draft, k.to_string()).unwrap();
        fs::rename(&draft, &announce).unwrap();
        state.add_volume(&vol(&format!("turn-{k}"))).unwrap();
        let fact = looping.next();
        let (round, count) = fact
            .strip_prefix("round ")
            .and_then(|r| r.split_once(": "))
            .expect("a round report");
        assert_eq!(round, k.to_string());
        commits.push(count.parse::<usize>().unwrap());
    }
    commits.sort_unstable();
    let median = commits[ROUNDS / 2];
    println!("commits of the looping writer before each waiting write: {commits:?}");
    assert!(
        median <= 4,
        "the looping writer committed {median} times (median) before a waiting write got in: \
         {commits:?}"
    );
}
