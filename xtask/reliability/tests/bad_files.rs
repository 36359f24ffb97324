//! Item 6: proptest over file contents. Random bytes, a real database with flipped bytes, cut
//! short, with a page overwritten by noise, an empty file and the other backend's database:
//! opening and using them never panics and never hangs, and what the engine detects answers
//! `Corrupt` or `Io`.

use std::sync::OnceLock;

use podstate_reliability::PersistentBackend;
use podstate_reliability::bad_files::{sample_database, try_file};
use proptest::prelude::*;

fn sample(backend: PersistentBackend) -> &'static [u8] {
    static SQLITE: OnceLock<Vec<u8>> = OnceLock::new();
    static REDB: OnceLock<Vec<u8>> = OnceLock::new();
    let cell = match backend {
        PersistentBackend::Sqlite => &SQLITE,
        PersistentBackend::Redb => &REDB,
    };
    cell.get_or_init(|| sample_database(backend, 0xbad).expect("a sample database"))
}

/// A damaged copy of `base`.
#[derive(Debug, Clone)]
enum Damage {
    Flips(Vec<(usize, u8)>),
    Truncate(usize),
    Page(usize, Vec<u8>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        prop::collection::vec((any::<usize>(), 1u8..=255), 1..16).prop_map(Damage::Flips),
        any::<usize>().prop_map(Damage::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 4096))
            .prop_map(|(p, b)| Damage::Page(p, b)),
    ]
}

fn apply(base: &[u8], damage: &Damage) -> Vec<u8> {
    let mut bytes = base.to_vec();
    match damage {
        Damage::Flips(flips) => {
            for (at, mask) in flips {
                let at = at % bytes.len();
                bytes[at] ^= mask;
            }
        }
        Damage::Truncate(at) => bytes.truncate(at % bytes.len()),
        Damage::Page(page, noise) => {
            let pages = bytes.len() / 4096;
            let start = (page % pages.max(1)) * 4096;
            let end = (start + 4096).min(bytes.len());
            bytes[start..end].copy_from_slice(&noise[..end - start]);
        }
    }
    bytes
}

fn check(backend: PersistentBackend, bytes: &[u8]) -> Result<(), TestCaseError> {
    match try_file(backend, bytes) {
        Ok(_) => Ok(()),
        Err(why) => Err(TestCaseError::fail(format!(
            "{} on a {}-byte file: {why}",
            backend.name(),
            bytes.len()
        ))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..20_000)) {
        for backend in PersistentBackend::ALL {
            check(backend, &bytes)?;
        }
    }

    #[test]
    fn damaged_sqlite_database(d in damage()) {
        check(PersistentBackend::Sqlite, &apply(sample(PersistentBackend::Sqlite), &d))?;
    }

    #[test]
    fn damaged_redb_database(d in damage()) {
        check(PersistentBackend::Redb, &apply(sample(PersistentBackend::Redb), &d))?;
    }
}

#[test]
fn empty_files_and_each_others_databases() {
    for backend in PersistentBackend::ALL {
        check(backend, &[]).unwrap();
    }
    check(PersistentBackend::Sqlite, sample(PersistentBackend::Redb)).unwrap();
    check(PersistentBackend::Redb, sample(PersistentBackend::Sqlite)).unwrap();
}

/// Found by `damaged_redb_database`: redb's `Database::drop` panics on some damaged files, after
/// a contained panic poisoned its locks (the first flip) or in the commit it makes while closing
/// (the second); both were dropped outside the backend's containment.
#[test]
fn a_redb_database_dropped_after_damage_does_not_panic() {
    for flip in [
        (6_479_399_129_129_042_049, 2),
        (3_426_374_633_323_131_297, 1),
    ] {
        check(
            PersistentBackend::Redb,
            &apply(sample(PersistentBackend::Redb), &Damage::Flips(vec![flip])),
        )
        .unwrap();
    }
}
