//! `podstate inspect` as people and scripts read it: the columns and order of `podman ps`,
//! long lists cut with a count, filters, IDs only, JSON, a hint for an empty namespace, and
//! colours only where they are wanted.
#![cfg(all(feature = "sqlite", feature = "redb"))]

mod support;

use podstate::{Container, ContainerConfig, NamedVolume, Volume, VolumeConfig};
use support::*;

#[test]
fn the_table_puts_names_status_exit_code_created_and_pod_first() {
    let (dir, _, _) = filled("sqlite", "state.db");
    let out = podstate(dir.path(), &["inspect", "sqlite:state.db"]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("inspect_table", stdout(&out));
}

#[test]
fn a_namespace_filter_lists_that_namespace_and_hints_when_it_is_empty() {
    let (dir, _, url) = filled("sqlite", "state.db");
    let out = podstate(dir.path(), &["inspect", &url, "--filter", "namespace=team"]);
    insta::assert_snapshot!("inspect_namespace", stdout(&out));
    let alias = podstate(dir.path(), &["inspect", &url, "--namespace", "team"]);
    assert_eq!(
        stdout(&alias),
        stdout(&out),
        "--namespace is --filter namespace="
    );
    assert_eq!(stderr(&out), "");

    let out = podstate(dir.path(), &["inspect", &url, "--namespace", "tema"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("CONTAINERS (0)"), "{}", stdout(&out));
    let hint = stderr(&out);
    assert!(
        hint.contains("namespace \"tema\" holds no container or pod") && hint.contains("\"team\""),
        "{hint}"
    );
}

#[test]
fn filters_narrow_by_status_pod_and_name_and_quiet_prints_ids() {
    let (dir, _, url) = filled("sqlite", "state.db");
    let ids = |filters: &[&str]| -> Vec<String> {
        let mut args = vec!["inspect", url.as_str(), "-q"];
        for f in filters {
            args.extend(["--filter", f]);
        }
        let out = podstate(dir.path(), &args);
        assert!(out.status.success(), "{filters:?}: {}", stderr(&out));
        stdout(&out).lines().map(str::to_owned).collect()
    };
    assert_eq!(ids(&["status=running"]), ["d8a1c0ffee42"]);
    assert_eq!(
        ids(&["status=running", "status=EXITED"]),
        ["a11ce5a11ce5", "d8a1c0ffee42"]
    );
    assert_eq!(
        ids(&["pod=web"]),
        ["a11ce5a11ce5", "d8a1c0ffee42", "b0ca7e11a5e1"]
    );
    assert_eq!(ids(&["pod=web", "name=db"]), ["d8a1c0ffee42"]);
    assert_eq!(ids(&["name=at"]), ["data"]);
    assert_eq!(ids(&[]).len(), 5, "3 containers, 1 pod, 1 volume");

    let out = podstate(dir.path(), &["inspect", &url, "--filter", "colour=red"]);
    assert!(!out.status.success(), "a usage error");
    assert!(
        stderr(&out).contains("namespace, pod, status, name"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_has_every_field_and_json_is_the_same_as_format_json() {
    let (dir, _, url) = filled("sqlite", "state.db");
    let out = podstate(dir.path(), &["inspect", &url, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let alias = podstate(dir.path(), &["inspect", &url, "--json"]);
    assert_eq!(out.stdout, alias.stdout);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let containers = json["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 3);
    let app = containers.iter().find(|c| c["name"] == "web-app").unwrap();
    assert_eq!(app["id"], "a11ce5a11ce5");
    assert_eq!(app["exit_code"], 137);
    assert_eq!(app["pod_name"], "web");
    assert_eq!(app["created"], "2026-11-29T10:03:00.000000000Z");
    assert_eq!(app["exec_sessions"][0], "exec-1");
    assert_eq!(json["pods"][0]["members"].as_array().unwrap().len(), 2);
    assert_eq!(json["unreadable"].as_array().unwrap().len(), 0);
}

#[test]
fn a_volume_with_a_hundred_users_is_one_short_cell_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("many.db").display());
    let store = podstate::open(&url).unwrap();
    let state = store.open_handle().unwrap();
    state
        .add_volume(&Volume::new(VolumeConfig::new("shared")))
        .unwrap();
    for i in 0..100 {
        let mut cfg = ContainerConfig::new(format!("{i:064x}"), format!("user-{i:03}"));
        cfg.named_volumes.push(NamedVolume {
            name: "shared".into(),
            ..NamedVolume::default()
        });
        state.add_container(&Container::new(cfg)).unwrap();
    }
    drop((state, store));
    let out = podstate(dir.path(), &["inspect", &url]);
    let listing = stdout(&out);
    let longest = listing.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 160, "a line of {longest} characters:\n{listing}");
    let volume = listing.lines().find(|l| l.starts_with("shared")).unwrap();
    assert!(volume.contains("more)"), "{volume}");

    let out = podstate(dir.path(), &["inspect", &url, "--no-trunc"]);
    let volume = stdout(&out);
    let volume = volume.lines().find(|l| l.starts_with("shared")).unwrap();
    assert_eq!(volume.matches("user-").count(), 100, "{volume}");
    assert!(stdout(&out).contains(&format!("{:064x}", 7)), "full IDs");
}

#[test]
fn colours_only_when_wanted() {
    let (dir, _, url) = filled("sqlite", "state.db");
    let escape = |env: &[(&str, &str)]| {
        let out = podstate_with(dir.path(), &["inspect", &url], env);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout.contains(&0x1b)
    };
    assert!(!escape(&[]), "no colour into a pipe");
    assert!(escape(&[("CLICOLOR_FORCE", "1")]), "colours when forced");
    assert!(
        !escape(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
        "NO_COLOR wins"
    );
}
