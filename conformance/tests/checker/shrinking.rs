//! A divergence is caught, shrunk to a minimal case, and reported readably. (Every fault of
//! `teeth` being caught and shrunk is `tests/teeth.rs`.)

use podstate_conformance::checker::{CheckConfig, Reason, check_backend, size};
use podstate_conformance::teeth::{Fault, FaultyFactory};

use super::memory;

/// The brief's example: a backend that answers the first of two prefix matches instead of
/// `Ambiguous` is caught and shrunk to at most ten operations, the last one the lookup.
#[test]
fn a_backend_ignoring_a_second_prefix_match_is_caught_and_shrunk() {
    let memory = memory();
    let config = CheckConfig {
        failure_dir: None,
        ..CheckConfig::ci()
    };
    let broken = FaultyFactory::new(&memory, Fault::IgnoresSecondPrefixMatch);
    let report = check_backend(&broken, &config);
    println!("{report}");
    let failure = report
        .failure
        .as_ref()
        .expect("the broken lookup went unnoticed");
    let d = &failure.divergence;
    assert!(d.trace.len() <= 10, "not shrunk enough:\n{report}");
    assert_eq!(d.reason, Reason::Answers);
    assert_eq!(
        d.step,
        d.trace.len() - 1,
        "the diverging step is the last one"
    );
    assert!(
        d.trace[d.step].op.op.name().starts_with("lookup_container"),
        "{report}"
    );
    let text = report.to_string();
    assert!(text.contains("=>"), "the diverging step is marked:\n{text}");
    assert!(
        text.contains("Ambiguous"),
        "both outcomes are printed:\n{text}"
    );
}

/// A batch that keeps a write after it rolled back is caught by the dump after it and shrunk to
/// that batch alone, with that write alone inside; the report prints each call of the batch
/// with both answers, numbered under the batch's step.
#[test]
fn a_rolled_back_batch_that_keeps_a_write_is_shrunk_to_one_batch_of_one_call() {
    let memory = memory();
    let config = CheckConfig {
        failure_dir: None,
        ..CheckConfig::ci()
    };
    let broken = FaultyFactory::new(&memory, Fault::RolledBackBatchKeepsFirstWrite);
    let report = check_backend(&broken, &config);
    println!("{report}");
    let failure = report.failure.as_ref().expect("the leak went unnoticed");
    let d = &failure.divergence;
    assert!(matches!(d.reason, Reason::Dumps(_)), "{report}");
    assert_eq!(size(&d.ops()), 2, "not one batch of one call:\n{report}");
    let (calls, rollback) = d.trace[0].op.op.batched().expect("a batch");
    assert!(rollback && calls[0].may_write(), "{report}");
    let text = report.to_string();
    assert!(
        text.contains("1.1 "),
        "the call inside is numbered:\n{text}"
    );
    assert!(
        text.contains("then roll back: backend InvalidArg  model InvalidArg"),
        "the batch's own answers are printed:\n{text}"
    );
}
