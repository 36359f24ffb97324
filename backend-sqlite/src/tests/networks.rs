//! A container's stored `networks` column, edited with plain SQL as an operator with `sqlite3`
//! might: an alias list that is not sorted and unique, or a network named twice, is damage that
//! the calls refuse as `Corrupt` and `verify` (what `podstate check` runs) reports. Schema
//! version 1 kept them sorted and unique by construction (a key and `ORDER BY`); version 2
//! keeps them as JSON, which holds whatever a hand puts there.

use std::path::Path;

use podstate_api::{Container, ContainerConfig, ErrorKind, State, Store};

use crate::{SqliteOptions, SqliteStore};

/// A store on a file in `dir` holding container `c1` on network `n` with alias `a`.
fn store_with_alias(dir: &Path) -> (SqliteStore, Container) {
    let store = SqliteStore::open_with(dir.join("state.db"), SqliteOptions::for_tests()).unwrap();
    let mut cfg = ContainerConfig::new("c1", "one");
    cfg.networks = vec!["n".into()];
    cfg.network_aliases.insert("n".into(), vec!["a".into()]);
    let ctr = Container::new(cfg);
    store.open_handle().unwrap().add_container(&ctr).unwrap();
    (store, ctr)
}

/// Writes `json` into the `networks` column of `c1` with a connection of its own.
fn set_networks_with_plain_sql(path: &Path, json: &str) {
    let sql = rusqlite::Connection::open(path).unwrap();
    let changed = sql
        .execute("UPDATE object SET networks = ?1 WHERE id = 'c1'", [json])
        .unwrap();
    assert_eq!(changed, 1);
}

/// After `json` is written into `c1`'s networks, the alias calls answer `Corrupt` naming the
/// container and `needle`, and `verify` reports the row.
fn assert_refused_and_reported(json: &str, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (store, ctr) = store_with_alias(dir.path());
    let state = store.open_handle().unwrap();
    assert_eq!(state.get_network_aliases(&ctr, "n").unwrap(), ["a"]);
    assert_eq!(store.verify().unwrap(), []);
    set_networks_with_plain_sql(store.path(), json);
    for err in [
        state.get_network_aliases(&ctr, "n").unwrap_err(),
        state.get_all_network_aliases(&ctr).unwrap_err(),
        state.get_networks(&ctr).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Corrupt, "{json}: {err}");
        assert!(
            err.message().contains("\"c1\"") && err.message().contains(needle),
            "{json}: {err} does not name the container and {needle}"
        );
    }
    let found = store.verify().unwrap();
    assert!(
        found.iter().any(|v| {
            let text = v.to_string();
            text.contains("\"c1\"") && text.contains(needle)
        }),
        "{json}: verify does not report the row: {found:?}"
    );
}

#[test]
fn aliases_out_of_order_or_repeated_are_corrupt_and_reported() {
    assert_refused_and_reported(r#"{"n":["b","a"]}"#, "\"n\"");
    assert_refused_and_reported(r#"{"n":["a","a"]}"#, "\"n\"");
    assert_refused_and_reported(r#"{"n":["b","a","a"]}"#, "\"n\"");
}

#[test]
fn a_network_named_twice_is_corrupt_and_reported() {
    assert_refused_and_reported(r#"{"n":["a"],"n":["b"]}"#, "\"n\"");
}

#[test]
fn sorted_unique_aliases_written_by_hand_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let (store, ctr) = store_with_alias(dir.path());
    set_networks_with_plain_sql(store.path(), r#"{"m":[],"n":["a","b"]}"#);
    let state = store.open_handle().unwrap();
    assert_eq!(state.get_network_aliases(&ctr, "n").unwrap(), ["a", "b"]);
    assert_eq!(state.get_networks(&ctr).unwrap(), ["m", "n"]);
}
