//! What the `podstate` command says when something is wrong: the path in the user's words,
//! flags that exist, proper plurals, and everything readable shown even when a record is not.
#![cfg(all(feature = "sqlite", feature = "redb"))]

mod support;

use std::fs;

use support::*;

#[test]
fn a_missing_path_or_a_directory_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("adir")).unwrap();
    for (args, says) in [
        (["inspect", "sqlite:nope.db"], "does not exist"),
        (["check", "sqlite:nope.db"], "does not exist"),
        (["inspect", "sqlite:adir"], "is a directory"),
        (["check", "sqlite:adir"], "is a directory"),
    ] {
        let out = podstate(dir.path(), &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?} should say {says:?}: {err}");
        assert!(
            !err.contains("file:") && !err.contains("immutable"),
            "{args:?} printed an internal URI: {err}"
        );
    }
}

#[test]
fn counts_are_proper_plurals() {
    let (dir, _, url) = filled("sqlite", "state.db");
    let out = podstate(dir.path(), &["check", &url]);
    assert!(
        stdout(&out).contains("no violation found (3 containers, 1 pod, 1 volume)"),
        "{}",
        stdout(&out)
    );
    let out = podstate(dir.path(), &["export", &url, "a.json"]);
    assert!(
        stdout(&out).contains("exported 3 containers, 1 pod, 1 volume from"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_undecodable_record_is_reported_once_and_inspect_shows_the_rest() {
    let (dir, path, url) = filled("sqlite", "state.db");
    garble_config_with_plain_sql(&path, "d8a1c0ffee42");

    let out = podstate(dir.path(), &["check", &url]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains(": 1 violation found:"), "{report}");
    assert!(report.contains("d8a1c0ffee42"), "{report}");
    assert!(!report.contains("not a stored"), "{report}");

    let out = podstate(dir.path(), &["inspect", &url]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let listing = stdout(&out);
    for shown in ["nightly", "web-app", "d8a1c0ffee42", "unreadable", "data"] {
        assert!(
            listing.contains(shown),
            "inspect should show {shown:?}:\n{listing}"
        );
    }
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("1 record") && err.contains("cannot be read"),
        "{err}"
    );
}

#[test]
fn import_into_a_store_that_is_not_empty_names_a_flag_it_has() {
    let (dir, _, url) = filled("sqlite", "state.db");
    fs::write(dir.path().join("empty.json"), export_of("memory:")).unwrap();
    let out = podstate(dir.path(), &["import", "empty.json", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("use --force"), "{}", stderr(&out));
    let out = podstate(dir.path(), &["import", "empty.json", &url, "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = podstate::open(&url).unwrap();
    assert!(store.snapshot().unwrap().is_empty());
}
