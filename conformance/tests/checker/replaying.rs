//! Saved cases replay exactly, and the regression cases all pass.

use std::path::PathBuf;

use podstate_conformance::checker::{
    CheckConfig, ReplayError, case_files, check_backend, load_case, regressions_dir, replay,
    replay_dir,
};

use podstate_conformance::teeth::{Fault, FaultyFactory};

use super::memory;

/// A scratch directory for this test, emptied first.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("podstate-checker-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A minimal failing case saved by a check replays to the same divergence on the broken
/// backend, and passes on a correct one.
#[test]
fn a_saved_failing_case_round_trips_and_replays() {
    let dir = scratch_dir("round-trip");
    let config = CheckConfig {
        failure_dir: Some(dir.clone()),
        ..CheckConfig::ci()
    };
    let memory = memory();
    let broken = FaultyFactory::new(&memory, Fault::IgnoresSecondPrefixMatch);
    let report = check_backend(&broken, &config);
    let failure = report.failure.expect("the faulty lookup is caught");
    let path = failure.saved.expect("the case is saved");
    assert!(path.starts_with(&dir));

    let saved = load_case(&path).expect("the saved case loads");
    assert_eq!(
        saved.ops,
        failure.divergence.ops(),
        "the file holds the operations"
    );
    assert!(
        saved.about.contains("IgnoresSecondPrefixMatch"),
        "{}",
        saved.about
    );

    match replay(&path, &broken) {
        Err(ReplayError::Diverged(_, d)) => {
            assert_eq!(d.step, failure.divergence.step);
            assert_eq!(d.reason, failure.divergence.reason);
        }
        other => panic!("the replay did not diverge again: {other:?}"),
    }
    replay(&path, &memory).expect("the memory backend passes the case");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file that is not a saved case is a load error, not a panic.
#[test]
fn a_broken_file_is_a_load_error() {
    let dir = scratch_dir("broken");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    std::fs::write(&path, r#"{"about": "x", "ops": [{"no_such_op": {}}]}"#).unwrap();
    assert!(matches!(
        replay(&path, &memory()),
        Err(ReplayError::Load(..))
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every case in `conformance/regressions/` passes on the memory backend.
#[test]
fn the_regression_cases_pass_on_the_memory_backend() {
    let dir = regressions_dir();
    assert!(
        dir.join("README.md").exists(),
        "{} has no README",
        dir.display()
    );
    let files = case_files(&dir).unwrap();
    let failures = replay_dir(&dir, &memory()).unwrap();
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        report.is_empty(),
        "{} of {} cases fail:\n{}",
        report.len(),
        files.len(),
        report.join("\n\n")
    );
}

/// Every regression case that names the `teeth` fault it was shrunk from (`teeth::Fault::<name>
/// around ...` in its `about` line) still catches that fault: the labels stay true as the faults
/// evolve.
#[test]
fn each_regression_case_catches_the_fault_it_names() {
    let memory = memory();
    let files = case_files(&regressions_dir()).unwrap();
    let mut named = 0;
    for path in &files {
        let case = load_case(path).unwrap();
        let Some(&fault) = Fault::ALL
            .iter()
            .find(|f| case.about.contains(&format!("teeth::Fault::{f:?} around")))
        else {
            continue;
        };
        named += 1;
        match replay(path, &FaultyFactory::new(&memory, fault)) {
            Err(ReplayError::Diverged(..)) => {}
            other => panic!("{} no longer catches {fault:?}: {other:?}", path.display()),
        }
    }
    assert!(named > 0, "no regression case names a fault");
}
