//! The concurrent class on a correct backend: every window proven, none inconclusive; a backend
//! whose handles are not shared has nothing to race; and the class has teeth: every engine
//! fault of `podstate_conformance::teeth` around the memory backend is caught within the CI
//! budget under each of the four seeds of the checker's teeth test and shrunk to a short
//! history.
//!
//! The tests of this file take turns ([`alone`]): each races threads of its own, and a
//! neighbour's threads on the same cores would change how their calls meet.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use podstate_api::StateError;
use podstate_conformance::concurrent::{ConcurrentConfig, check_concurrent};
use podstate_conformance::teeth::{EngineFault, EngineFaultFactory};
use podstate_conformance::{BackendFactory, Capabilities, Store};

mod support;

/// Held by each test of this file while it runs.
fn alone() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The seeds every fault must be caught under: those of the checker's teeth test.
const SEEDS: [u64; 4] = [0x5eed_2020_0053, 0x0dd5_eed1, 0x0dd5_eed2, 0x0dd5_eed3];

#[test]
fn every_window_of_a_correct_backend_is_proven_linearizable() {
    let _turn = alone();
    let config = ConcurrentConfig::ci();
    let report = check_concurrent(&support::memory(), &config);
    assert!(report.passed(), "{report}");
    assert_eq!(report.cases, config.cases);
    assert_eq!(report.windows, config.cases * config.windows, "{report}");
    assert_eq!(report.linearizable, report.windows, "{report}");
    assert_eq!(report.inconclusive, 0, "{report}");
    // The hot spots collide: many calls are refused by the contract's rules, not all.
    assert!(
        report.refused > report.calls / 4 && report.refused < report.calls,
        "{report}"
    );
}

/// A backend of one handle at a time.
struct OneHandle;

impl BackendFactory for OneHandle {
    fn name(&self) -> &str {
        "one-handle"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::single_handle()
    }

    fn create(&self) -> Result<Box<dyn Store>, StateError> {
        unreachable!("a backend without shared handles is never raced")
    }
}

#[test]
fn a_backend_without_shared_handles_is_skipped_and_says_why() {
    let report = check_concurrent(&OneHandle, &ConcurrentConfig::ci());
    assert!(report.passed());
    assert_eq!(report.windows, 0);
    let why = report.skipped.as_deref().unwrap_or_default();
    assert!(why.contains("not shared"), "{report}");
    assert!(report.to_string().contains("skipped"), "{report}");
}

/// The most calls a shrunk concurrent failure may keep: a quarter of the shortest generated
/// window. Shrinking reruns candidates against real threads within a time budget, and a torn
/// read shows again only when a rerun's lookup lands between another call's two reads; on CI's
/// loaded 2-core machine one seed of four stopped at 13 calls (even with 40 s), where unloaded
/// the same seeds shrink to 2-4 calls in 0.4-8 s. So every seed must shrink, and the best seed
/// of each fault must come within this bound: "short", not "minimal", and not a timing test.
const CONCURRENT_SHRINK_BOUND: usize = 12;

/// The shrinker's time budget here (it bounds the worst case only: a shrink ends when no
/// candidate fails).
const SHRINK_TIME: Duration = Duration::from_secs(15);

/// A factory of memory stores whose handles break `fault` in their engine.
fn broken_memory(
    fault: EngineFault,
) -> EngineFaultFactory<podstate_memory::MemoryStore, podstate_memory::MemoryEngine> {
    EngineFaultFactory::new(fault, podstate_memory::MemoryStore::temporary, |s| {
        s.open_handle()
    })
}

#[test]
fn the_concurrent_class_catches_every_engine_fault_under_each_seed_and_shrinks_it() {
    let _turn = alone();
    let mut missed = Vec::new();
    let mut unshrunk = Vec::new();
    for &fault in EngineFault::ALL {
        let mut shortest: Option<(usize, String)> = None;
        for seed in SEEDS {
            let config = ConcurrentConfig {
                seed,
                shrink_time: SHRINK_TIME,
                ..ConcurrentConfig::ci()
            };
            let started = Instant::now();
            let report = check_concurrent(&broken_memory(fault), &config);
            let took = started.elapsed();
            let Some(failure) = &report.failure else {
                missed.push(format!("{fault:?} under seed {seed:#x}: {report}"));
                continue;
            };
            println!(
                "{fault:?} (seed {seed:#x}): caught in case {} window {}, shrunk {} -> {} calls, \
                 {took:.1?}\n{report}",
                failure.case,
                failure.window,
                failure.generated_len,
                failure.history.len()
            );
            if failure.history.len() >= failure.generated_len {
                unshrunk.push(format!(
                    "{fault:?} (seed {seed:#x}) not shrunk at all:\n{report}"
                ));
            }
            let len = failure.history.len();
            if shortest.as_ref().is_none_or(|(best, _)| len < *best) {
                shortest = Some((len, format!("{fault:?} (seed {seed:#x}):\n{report}")));
            }
        }
        if let Some((len, report)) = shortest
            && len > CONCURRENT_SHRINK_BOUND
        {
            unshrunk.push(format!(
                "no seed shrunk to {CONCURRENT_SHRINK_BOUND} calls; best:\n{report}"
            ));
        }
    }
    assert!(missed.is_empty(), "the concurrent class missed {missed:#?}");
    assert!(
        unshrunk.is_empty(),
        "not shrunk enough:\n{}",
        unshrunk.join("\n\n")
    );
}

/// The bug as it was first seen: one handle adds and removes a container in a loop while another
/// looks it up, on a backend that reads in two transactions. The loop shows it as `Corrupt`; the
/// concurrent class, which knows nothing of this loop, must find the same bug.
#[test]
fn the_class_finds_what_a_lookup_racing_an_add_remove_loop_finds() {
    let _turn = alone();
    use podstate_api::{Container, ContainerConfig, ErrorKind};
    use std::sync::atomic::{AtomicBool, Ordering};

    let factory = broken_memory(EngineFault::TornReads);
    let store = podstate_conformance::BackendFactory::create(&factory).unwrap();
    let (writer, reader) = (store.open_handle().unwrap(), store.open_handle().unwrap());
    let ctr = Container::new(ContainerConfig::new("c0ffee00a1", "hot-1"));
    let done = AtomicBool::new(false);
    let corrupt = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                writer.add_container(&ctr).unwrap();
                writer.remove_container(&ctr).unwrap();
            }
        });
        let found = (0..20_000).find_map(|_| match reader.lookup_container("hot-1") {
            Err(e) if e.kind() == ErrorKind::Corrupt => Some(e.to_string()),
            _ => None,
        });
        done.store(true, Ordering::SeqCst);
        found
    });
    let corrupt = corrupt.expect("the loop never saw the torn read");
    assert!(
        corrupt.contains("indexed but its record is missing"),
        "{corrupt}"
    );

    let report = check_concurrent(&factory, &ConcurrentConfig::ci());
    let failure = report
        .failure
        .as_ref()
        .expect("the class missed the torn read");
    assert!(
        failure.why.contains("Corrupt") || failure.why.contains("not linearizable"),
        "{report}"
    );
}
