//! Divergences are caught, shrunk to a minimal case, and reported readably.

use podstate_conformance::checker::{CheckConfig, CheckReport, Reason, check_backend};

use super::mutants::{Bug, MutantFactory};

fn check_mutant(bug: Bug) -> CheckReport {
    let config = CheckConfig {
        failure_dir: None,
        ..CheckConfig::ci()
    };
    check_backend(&MutantFactory(bug), &config)
}

/// The brief's example: a backend that answers the first of two prefix matches instead of
/// `Ambiguous` is caught and shrunk to at most ten operations, the last one the lookup.
#[test]
fn a_backend_ignoring_a_second_prefix_match_is_caught_and_shrunk() {
    let report = check_mutant(Bug::IgnoresSecondPrefixMatch);
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
    assert_eq!(d.trace[d.step].op.name(), "lookup_container_id");
    let text = report.to_string();
    assert!(text.contains("=>"), "the diverging step is marked:\n{text}");
    assert!(
        text.contains("Ambiguous"),
        "both outcomes are printed:\n{text}"
    );
}

/// Every injected bug is caught at the CI budget and shrunk to at most ten operations.
#[test]
fn every_mutant_is_caught_and_shrunk_to_ten_operations_or_fewer() {
    let bugs = [
        Bug::WrongHolderKind,
        Bug::HasContainerIgnoresNamespace,
        Bug::UnsortedVolumes,
        Bug::UpdateScribblesOnError,
        Bug::RemovesForeignSession,
        Bug::GetNameMissesPods,
        Bug::RefreshKeepsMountCounts,
        Bug::DependentsMissPodMembers,
        Bug::LookupStopsAtInvisibleExactId,
        Bug::MemberRemovalIgnoresSessions,
    ];
    for bug in bugs {
        let report = check_mutant(bug);
        let Some(failure) = &report.failure else {
            panic!("{bug:?} went unnoticed: {}", report.summary());
        };
        let len = failure.divergence.trace.len();
        println!(
            "{bug:?}: caught in case {}, shrunk {} -> {len}",
            failure.case, failure.generated_len
        );
        assert!(len <= 10, "{bug:?} not shrunk enough:\n{report}");
    }
}
