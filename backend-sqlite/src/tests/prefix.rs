//! Prefix lookups: the bound of the range scan is right for every UTF-8 prefix, every byte of a
//! prefix is literal (`%` and `_` too), and SQLite runs the scans as index range searches.

use podstate_api::State;
use podstate_api::{Container, ContainerConfig, ErrorKind};

use super::with_conn;
use crate::SqliteStore;
use crate::read::{
    ALL_CONTAINERS, ALL_PODS, ID_PREFIX, ID_PREFIX_OPEN, VOLUME_PREFIX, VOLUME_PREFIX_OPEN,
    prefix_end,
};

/// Characters at the edges of UTF-8's encodings and of the surrogate gap, and SQL's wildcards.
const EDGES: [char; 13] = [
    'a',
    'b',
    '%',
    '_',
    '\u{7f}',
    '\u{80}',
    '\u{7ff}',
    '\u{800}',
    '\u{d7ff}',
    '\u{e000}',
    '\u{ffff}',
    '\u{10000}',
    '\u{10ffff}',
];

/// Every string of up to `len` characters of [`EDGES`].
fn strings(len: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..len {
        last = last
            .iter()
            .flat_map(|s| EDGES.iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

#[test]
fn the_range_holds_exactly_the_strings_that_start_with_the_prefix() {
    let candidates = strings(3);
    for prefix in strings(2).iter().filter(|p| !p.is_empty()) {
        let end = prefix_end(prefix);
        if let Some(end) = &end {
            assert!(end.as_str() > prefix.as_str());
        }
        for s in &candidates {
            // Rust compares `str` by bytes, as SQLite's BINARY collation does.
            let in_range =
                s.as_str() >= prefix.as_str() && end.as_deref().is_none_or(|end| s.as_str() < end);
            assert_eq!(
                in_range,
                s.starts_with(prefix.as_str()),
                "{prefix:?} vs {s:?}"
            );
        }
    }
    assert_eq!(prefix_end("ab").as_deref(), Some("ac"));
    assert_eq!(prefix_end("a\u{d7ff}").as_deref(), Some("a\u{e000}"));
    assert_eq!(prefix_end("a\u{10ffff}").as_deref(), Some("b"));
    assert_eq!(prefix_end("\u{10ffff}\u{10ffff}"), None);
}

#[test]
fn prefix_lookups_treat_every_character_literally() {
    let store = SqliteStore::temporary().unwrap();
    let state = store.open_handle().unwrap();
    let ids = [
        "a%b",
        "a_b",
        "axb",
        "aab",
        "a\u{10ffff}",
        "a\u{10ffff}\u{10ffff}z",
        "\u{10ffff}\u{10ffff}",
        "\u{10ffff}\u{10ffff}\u{10ffff}",
        "b\u{d7ff}",
        "b\u{e000}",
    ];
    for (i, id) in ids.iter().enumerate() {
        let ctr = Container::new(ContainerConfig::new(*id, format!("name-{i}")));
        state.add_container(&ctr).unwrap();
    }
    for prefix in strings(2).iter().filter(|p| !p.is_empty()) {
        let matches: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| id.starts_with(prefix.as_str()))
            .collect();
        let answer = state.lookup_container_id(prefix);
        match (matches.as_slice(), answer) {
            (_, Ok(id)) if ids.contains(&prefix.as_str()) => assert_eq!(&id, prefix),
            ([one], Ok(id)) => assert_eq!(id, *one, "{prefix:?}"),
            ([], Err(e)) => assert_eq!(e.kind(), ErrorKind::NoSuchCtr, "{prefix:?}"),
            (_, Err(e)) => assert_eq!(e.kind(), ErrorKind::Ambiguous, "{prefix:?}"),
            (matches, answer) => panic!("{prefix:?}: {answer:?}, matches {matches:?}"),
        }
    }
}

/// The query plan of `sql`, one line per step.
fn plan(store: &SqliteStore, sql: &str) -> Vec<String> {
    with_conn(store, |conn| {
        let mut stmt = conn
            .sql
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let unbound = vec![rusqlite::types::Null; stmt.parameter_count()];
        stmt.query_map(rusqlite::params_from_iter(unbound), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    })
}

#[test]
fn prefix_scans_are_index_range_searches_without_a_sort() {
    let store = SqliteStore::temporary().unwrap();
    let cases = [
        // A range of the `object` table itself (keyed by ID).
        (ID_PREFIX, "(id>? AND id<?)"),
        (ID_PREFIX_OPEN, "(id>?)"),
        (VOLUME_PREFIX, "(name>? AND name<?)"),
        (VOLUME_PREFIX_OPEN, "(name>?)"),
    ];
    for (sql, expected) in cases {
        let steps = plan(&store, sql);
        assert_eq!(steps.len(), 1, "{sql}: {steps:?}");
        assert!(steps[0].starts_with("SEARCH"), "{sql}: {steps:?}");
        assert!(steps[0].contains(expected), "{sql}: {steps:?}");
        assert!(!sql.contains("LIKE") && !sql.contains("GLOB") && sql.ends_with("LIMIT 2"));
    }
}

#[test]
fn listing_every_container_walks_the_id_index_without_sorting_records() {
    let store = SqliteStore::temporary().unwrap();
    let steps = plan(&store, ALL_CONTAINERS);
    assert!(
        steps.iter().all(|s| !s.contains("TEMP B-TREE")),
        "{steps:?}"
    );
}

#[test]
fn listing_pods_and_members_reads_only_their_index_entries() {
    let store = SqliteStore::temporary().unwrap();
    // The pods: the partial index that holds only pods, in ID order, not every container.
    let steps = plan(&store, ALL_PODS);
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert!(steps[0].contains("INDEX object_pods"), "{steps:?}");
    // A pod's members: a search of the membership index.
    let steps = plan(&store, "SELECT id FROM object WHERE pod = ?1 ORDER BY id");
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert!(
        steps[0].starts_with("SEARCH") && steps[0].contains("object_pod "),
        "{steps:?}"
    );
}
