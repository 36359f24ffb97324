//! `podstate backup` of a database another process writes meanwhile: the copy is one committed
//! state (it passes its check), holds everything written before the backup began, appears
//! whole or not at all, and the writer is never held up for long.
#![cfg(all(feature = "sqlite", feature = "redb"))]

mod support;

use std::collections::BTreeSet;

use support::writer::{self, Writer};
use support::*;

/// Not a test of its own: the writer child (see [`writer::child`]).
#[test]
fn writer_child() {
    writer::child();
}

/// Backs up `scheme:name` while a writer child adds containers to it, and checks the copy.
fn backup_while_written(scheme: &str, name: &str) {
    let (dir, _, url) = filled(scheme, name);
    let writer = Writer::start(&url);
    let before = writer.next(20);
    let out = podstate(dir.path(), &["backup", &url, "copy"]);
    let after = writer.next(10);
    drop(writer);
    assert!(out.status.success(), "{scheme}: {}", stderr(&out));
    assert!(after.len() == 10, "{scheme}: the writer went on");
    assert!(
        stdout(&out).contains("copy passes its check"),
        "{}",
        stdout(&out)
    );

    let copy = format!("{scheme}:{}", dir.path().join("copy").display());
    let check = podstate(dir.path(), &["check", &copy]);
    assert!(check.status.success(), "{scheme}: {}", stdout(&check));
    let store = podstate::open(&copy).unwrap();
    let held: BTreeSet<String> = store
        .snapshot()
        .unwrap()
        .containers
        .iter()
        .map(|c| c.container.id().to_owned())
        .collect();
    for k in &before {
        assert!(
            held.contains(&format!("w-{k}")),
            "{scheme}: w-{k} was written before"
        );
    }
    // The writer adds w-0, w-1... in order: a consistent copy holds a prefix of them.
    let written: Vec<u64> = (held.iter())
        .filter_map(|id| id.strip_prefix("w-")?.parse().ok())
        .collect();
    let last = written.iter().max().copied().unwrap_or(0);
    assert_eq!(
        written.len() as u64,
        last + 1,
        "{scheme}: a gap in {written:?}"
    );
    assert!(held.contains("d8a1c0ffee42"), "{scheme}: the rest is there");
    let listing = entries(dir.path());
    assert!(
        !listing
            .iter()
            .any(|p| p.to_string_lossy().contains("partial")),
        "{listing:?}"
    );
}

#[test]
fn a_sqlite_backup_while_another_process_writes_is_consistent() {
    backup_while_written("sqlite", "state.db");
}

#[test]
fn a_redb_backup_while_another_process_writes_is_consistent() {
    backup_while_written("redb", "state.redb");
}

#[test]
fn a_backup_never_replaces_what_it_should_not() {
    let (dir, _, url) = filled("sqlite", "state.db");
    std::fs::write(dir.path().join("taken"), b"keep me").unwrap();
    for (args, says) in [
        (vec!["backup", url.as_str(), "taken"], "exists (use --force"),
        (
            vec!["backup", url.as_str(), "state.db", "--force"],
            "the same database file",
        ),
        (vec!["backup", "memory:", "x"], "no file to back up"),
        (vec!["backup", "sqlite:nope.db", "x"], "does not exist"),
    ] {
        let out = podstate(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(std::fs::read(dir.path().join("taken")).unwrap(), b"keep me");
    let out = podstate(dir.path(), &["backup", &url, "taken", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let copy = format!("sqlite:{}", dir.path().join("taken").display());
    assert_eq!(podstate::open(&copy).unwrap().verify().unwrap(), []);
}
