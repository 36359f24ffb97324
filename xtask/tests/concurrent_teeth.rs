//! The concurrent class finds storage bugs planted in the persistent backends themselves: their
//! own engines, with every read of a call in a transaction of its own (the bug first seen as
//! `Corrupt: indexed but its record is missing` in SQLite), or a write call's checks and writes
//! in two transactions. The conformance crate's `tests/concurrent.rs` does the same on the
//! memory engine under four seeds (and bounds the shrunk length); here one seed per backend and
//! fault, at the CI budget.

use std::time::Duration;

use podstate_conformance::BackendFactory;
use podstate_conformance::concurrent::{ConcurrentConfig, check_concurrent};
use podstate_conformance::teeth::{EngineFault, EngineFaultFactory};
use podstate_redb::RedbStore;
use podstate_sqlite::SqliteStore;

fn caught(factory: &dyn BackendFactory) {
    // The shrinker's budget bounds only the worst case: each candidate reruns real threads on
    // durable commits, and with the four tests of this file running at once on a loaded 2-core
    // machine 3 s once ended before the first smaller failure was found.
    let config = ConcurrentConfig {
        shrink_time: Duration::from_secs(20),
        ..ConcurrentConfig::ci()
    };
    let report = check_concurrent(factory, &config);
    println!("{report}");
    let failure = report
        .failure
        .as_ref()
        .expect("the class missed the planted bug");
    // How short within the shrinking's time depends on the engine's speed; the memory teeth
    // test holds the bound of 12 calls.
    // A failure seen only in a dump taken between windows (the store already unreadable, e.g.
    // two racing adds left redb's tables out of step) has no calls of its own to shrink.
    assert!(
        failure.history.len() < failure.generated_len
            || (failure.generated_len == 0 && failure.why.contains("the dump")),
        "not shrunk:\n{report}"
    );
}

#[test]
fn the_class_finds_torn_reads_planted_in_sqlite() {
    caught(&EngineFaultFactory::new(
        EngineFault::TornReads,
        SqliteStore::temporary,
        SqliteStore::open_handle,
    ));
}

#[test]
fn the_class_finds_checks_apart_from_writes_planted_in_sqlite() {
    caught(&EngineFaultFactory::new(
        EngineFault::CheckApartFromApply,
        SqliteStore::temporary,
        SqliteStore::open_handle,
    ));
}

#[test]
fn the_class_finds_torn_reads_planted_in_redb() {
    caught(&EngineFaultFactory::new(
        EngineFault::TornReads,
        RedbStore::temporary,
        |s: &RedbStore| s.open_handle(),
    ));
}

#[test]
fn the_class_finds_checks_apart_from_writes_planted_in_redb() {
    caught(&EngineFaultFactory::new(
        EngineFault::CheckApartFromApply,
        RedbStore::temporary,
        |s: &RedbStore| s.open_handle(),
    ));
}
