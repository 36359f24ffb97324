//! The `podstate` command run as a user runs it: a real process on files in temporary
//! directories. Needs the `sqlite` and `redb` features (on in workspace builds and in CI's
//! feature checks).
#![cfg(all(feature = "sqlite", feature = "redb"))]

mod support;

use std::fs;
use std::path::PathBuf;

use support::*;

#[test]
fn reading_commands_leave_every_file_as_it_was() {
    for (scheme, name) in [("sqlite", "state.db"), ("redb", "state.redb")] {
        let (dir, path, url) = filled(scheme, name);
        let before = fs::read(&path).unwrap();
        let listing = entries(dir.path());
        for args in [
            vec!["inspect", url.as_str()],
            vec!["check", url.as_str()],
            vec!["export", url.as_str(), "out.json"],
        ] {
            let out = podstate(dir.path(), &args);
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        }
        assert_eq!(
            fs::read(&path).unwrap(),
            before,
            "{scheme}: a reading command wrote to the file"
        );
        let mut after = entries(dir.path());
        after.retain(|p| !p.ends_with("out.json"));
        assert_eq!(
            after, listing,
            "{scheme}: a reading command left files beside the database"
        );
    }
}

#[test]
fn export_then_import_into_another_backend_then_export_again_is_byte_identical() {
    let (dir, _, url) = filled("sqlite", "a.db");
    let out = podstate(dir.path(), &["export", &url, "a.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("export_message", stdout(&out).replace(&url, "sqlite:A"));
    let out = podstate(dir.path(), &["import", "a.json", "redb:b.redb"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = podstate(dir.path(), &["export", "redb:b.redb", "b.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (a, b) = (
        fs::read(dir.path().join("a.json")).unwrap(),
        fs::read(dir.path().join("b.json")).unwrap(),
    );
    assert_eq!(a, b, "the two exports differ");
}

#[test]
fn migrate_moves_everything_and_says_both_stores_agree() {
    let (dir, _, url) = filled("sqlite", "a.db");
    let out = podstate(dir.path(), &["migrate", &url, "redb:b.redb"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out).replace(&url, "sqlite:A");
    insta::assert_snapshot!("migrate", text);

    // A second migration into the now non-empty target is refused, then forced.
    let out = podstate(dir.path(), &["migrate", &url, "redb:b.redb"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("redb:b.redb is not empty (use --force"),
        "{}",
        stderr(&out)
    );
    let out = podstate(dir.path(), &["migrate", &url, "redb:b.redb", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = podstate(dir.path(), &["migrate", &url, &url, "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the same database file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_forced_migration_that_cannot_complete_leaves_the_target_as_it_was() {
    let (dir, path, broken) = filled("sqlite", "broken.db");
    delete_a_dependency_with_plain_sql(&path);
    let target = format!("redb:{}", dir.path().join("kept.redb").display());
    let kept = podstate::open(&target).unwrap();
    fill(kept.open_handle().unwrap().as_ref());
    let before = kept.snapshot().unwrap();
    drop(kept);
    let listing = entries(dir.path());

    let out = podstate(dir.path(), &["migrate", &broken, &target, "--force"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).contains("not consistent"), "{}", stderr(&out));
    assert_eq!(podstate::open(&target).unwrap().snapshot().unwrap(), before);
    assert_eq!(entries(dir.path()), listing, "files were left behind");
}

#[test]
fn check_reports_a_dependency_on_a_container_deleted_with_plain_sql() {
    let (dir, path, url) = filled("sqlite", "state.db");
    let out = podstate(dir.path(), &["check", &url]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("no violation found (3 containers, 1 pod, 1 volume)"));

    delete_a_dependency_with_plain_sql(&path);
    let out = podstate(dir.path(), &["check", &url]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = stdout(&out).replace(&path.display().to_string(), "state.db");
    insta::assert_snapshot!("check_violation", report);
}

#[test]
fn bad_input_is_one_line_naming_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("random.bin"),
        [0x13u8, 0x37, 0xde, 0xad, 0xbe, 0xef].repeat(700),
    )
    .unwrap();
    fs::write(
        d.join("cut.json"),
        br#"{"format":"podstate-snapshot","version":1,"snapshot":{"db_con"#,
    )
    .unwrap();
    fs::write(
        d.join("newer.json"),
        br#"{"format":"podstate-snapshot","version":7,"snapshot":{}}"#,
    )
    .unwrap();
    let (_keep, _, nonempty) = filled("sqlite", "full.db");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["inspect", "sqlite:missing.db"], "missing.db"),
        (vec!["check", "redb:random.bin"], "random.bin"),
        (vec!["inspect", "sqlite:random.bin"], "random.bin"),
        (vec!["import", "cut.json", "sqlite:new.db"], "cut.json"),
        (
            vec!["import", "newer.json", "redb:new.redb"],
            "version 7, newer than version 1",
        ),
        (
            vec!["import", "missing.json", "sqlite:new.db"],
            "missing.json",
        ),
        (
            vec!["export", "bolt:old.db", "x.json"],
            "unknown store scheme \"bolt\"",
        ),
        (
            vec!["migrate", "sqlite:missing.db", "redb:new.redb"],
            "missing.db",
        ),
    ];
    let before: Vec<PathBuf> = entries(d);
    for (args, named) in cases {
        let out = podstate(d, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(named), "{args:?} should name {named:?}: {err}");
        assert_eq!(entries(d), before, "{args:?} left files behind");
    }
    // An import into a store that is not empty changes nothing in it.
    fs::write(d.join("empty.json"), export_of("memory:")).unwrap();
    let before = podstate::open(&nonempty).unwrap().snapshot().unwrap();
    let out = podstate(d, &["import", "empty.json", &nonempty]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    assert_eq!(
        podstate::open(&nonempty).unwrap().snapshot().unwrap(),
        before
    );
}
