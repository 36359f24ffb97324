//! The checker has teeth: every faulty wrapper of `podstate_conformance::teeth` around the memory
//! backend is caught within the CI budget (each check stops at its first divergence), and the case
//! comes back shrunk to a handful of operations.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use podstate_conformance::checker::{CheckConfig, CheckReport, check_backend};
use podstate_conformance::teeth::{Fault, FaultyFactory};

mod support;
use support::memory;

/// The most operations a shrunk case of `fault` may keep: ten, beyond the 65 containers a list
/// must hold before a fault past 64 entries can show.
fn shrink_bound(fault: Fault) -> usize {
    match fault {
        Fault::AllContainersUnsortedPast64 => 65 + 10,
        _ => 10,
    }
}

/// Checks every fault at the CI budget, on as many threads as there are cores (the checks are
/// independent); the reports in the order of [`Fault::ALL`], each with its time.
fn check_every_fault() -> Vec<(Fault, CheckReport, Duration)> {
    let memory = memory();
    let config = CheckConfig {
        failure_dir: None,
        ..CheckConfig::ci()
    };
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(&fault) = Fault::ALL.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let started = Instant::now();
                    let report = check_backend(&FaultyFactory::new(&memory, fault), &config);
                    let took = started.elapsed();
                    done.lock().unwrap().push((fault, report, took));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap();
    done.sort_by_key(|(fault, ..)| Fault::ALL.iter().position(|f| f == fault));
    done
}

#[test]
fn the_checker_catches_every_fault_within_the_ci_budget_and_shrinks_it() {
    let mut missed = Vec::new();
    let mut unshrunk = Vec::new();
    for (fault, report, took) in check_every_fault() {
        let Some(failure) = &report.failure else {
            missed.push(fault);
            continue;
        };
        let len = failure.divergence.trace.len();
        println!(
            "{fault:?}: caught in case {}, shrunk {} -> {len} ops, {took:.1?}",
            failure.case, failure.generated_len
        );
        if len > shrink_bound(fault) {
            unshrunk.push(format!("{fault:?}:\n{report}"));
        }
    }
    assert!(missed.is_empty(), "the checker missed {missed:?}");
    assert!(
        unshrunk.is_empty(),
        "not shrunk enough:\n{}",
        unshrunk.join("\n\n")
    );
}
