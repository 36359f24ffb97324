//! `migrate --force` and `import --force` into a database that is in use: another process that
//! has it open and writes on must lose nothing it was told was written (the replacement happens
//! inside the live file, or is refused naming that process), and the same file reached through
//! another path or a symbolic link is recognised as the same file.
#![cfg(all(feature = "sqlite", feature = "redb"))]

mod support;

use std::path::Path;

use podstate::{Container, ContainerConfig, ErrorKind};
use support::writer::{self, Writer};
use support::*;

/// Not a test of its own: the writer child (see [`writer::child`]).
#[test]
fn writer_child() {
    writer::child();
}

/// A store at `dir/name` holding two containers of its own.
fn source(dir: &Path, scheme: &str, name: &str) -> String {
    let url = format!("{scheme}:{}", dir.join(name).display());
    let store = podstate::open(&url).unwrap();
    let state = store.open_handle().unwrap();
    for id in ["src-1", "src-2"] {
        state
            .add_container(&Container::new(ContainerConfig::new(id, id)))
            .unwrap();
    }
    url
}

/// Runs `migrate --force` from a fresh source into `target` while a writer child writes into
/// it, and checks what a new process then finds: either the command replaced the target in
/// place (the source's containers are there, with every container the writer was told it added
/// after the command returned), or it refused naming the writer and changed nothing.
fn replace_while_written(scheme: &str, name: &str) -> bool {
    let (dir, _, target) = filled(scheme, name);
    let from = source(dir.path(), scheme, &format!("src-{name}"));
    let writer = Writer::start(&target);
    writer.next(5);
    let out = podstate(dir.path(), &["migrate", &from, &target, "--force"]);
    let during: Vec<u64> = writer
        .drain()
        .iter()
        .filter_map(|l| l.parse().ok())
        .collect();
    let after = writer.next(30);
    drop(writer);

    let store = podstate::open(&target).unwrap();
    let state = store.open_handle().unwrap();
    if out.status.success() {
        assert!(
            state.lookup_container("src-1").is_ok(),
            "the source is there"
        );
        assert!(
            state.lookup_container("web-db").is_err(),
            "the old state is gone"
        );
        for k in &after {
            let found = state.lookup_container(&format!("w-{k}"));
            assert!(
                found.is_ok(),
                "{scheme}: w-{k} was acknowledged after the replacement, and is lost \
                 (during: {during:?}, after: {after:?})"
            );
        }
        assert_eq!(store.verify().unwrap(), []);
        true
    } else {
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("process"),
            "the refusal names the holder: {err}"
        );
        assert!(state.lookup_container("web-db").is_ok(), "nothing changed");
        let missing = state.lookup_container("src-1").unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::NoSuchCtr);
        false
    }
}

#[test]
fn replacing_a_sqlite_database_another_process_writes_loses_nothing_it_acknowledged() {
    assert!(
        replace_while_written("sqlite", "target.db"),
        "SQLite replaces in place"
    );
}

#[test]
fn replacing_a_redb_database_another_process_writes_loses_nothing_it_acknowledged() {
    assert!(
        replace_while_written("redb", "target.redb"),
        "redb replaces in place"
    );
}

#[test]
fn the_same_file_through_another_path_or_a_link_is_the_same_file() {
    let (dir, _, _) = filled("sqlite", "x.db");
    std::os::unix::fs::symlink("x.db", dir.path().join("link.db")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    for (from, to) in [
        ("sqlite:x.db", "sqlite:./x.db"),
        ("sqlite:x.db", "sqlite:sub/../x.db"),
        ("sqlite:x.db", "sqlite:link.db"),
        ("sqlite:link.db", "redb:x.db"),
    ] {
        let out = podstate(dir.path(), &["migrate", from, to, "--force"]);
        assert_eq!(out.status.code(), Some(1), "{from} -> {to}");
        assert!(
            stderr(&out).contains("the same database file"),
            "{from} -> {to}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_symlinked_target_is_replaced_where_it_points() {
    let (dir, _, _) = filled("sqlite", "real.db");
    let from = source(dir.path(), "sqlite", "src.db");
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink("real.db", &link).unwrap();
    let out = podstate(dir.path(), &["migrate", &from, "sqlite:link.db", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link).unwrap().is_symlink(),
        "the link was replaced by a file"
    );
    let store =
        podstate::open(&format!("sqlite:{}", dir.path().join("real.db").display())).unwrap();
    let state = store.open_handle().unwrap();
    assert!(
        state.lookup_container("src-1").is_ok(),
        "the file the link points to holds the source"
    );

    // The same through import, into a redb file behind a link in another directory.
    let (other, _, _) = filled("redb", "real.redb");
    let redb_link = dir.path().join("redb-link");
    std::os::unix::fs::symlink(other.path().join("real.redb"), &redb_link).unwrap();
    std::fs::write(dir.path().join("src.json"), export_of(&from)).unwrap();
    let out = podstate(
        dir.path(),
        &["import", "src.json", "redb:redb-link", "--force"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(&redb_link).unwrap().is_symlink());
    let store = podstate::open(&format!(
        "redb:{}",
        other.path().join("real.redb").display()
    ))
    .unwrap();
    assert!(
        store
            .open_handle()
            .unwrap()
            .lookup_container("src-1")
            .is_ok()
    );
}
