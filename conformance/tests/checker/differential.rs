//! Differential mode, the progress callback and the exported macro.

use std::sync::{Arc, Mutex};

use podstate_api::{Volume, VolumeConfig};
use podstate_conformance::Capabilities;
use podstate_conformance::checker::{
    CheckConfig, HandleOp, Op, Reason, RunOptions, check_differential, generate_case,
    run_differential,
};
use podstate_conformance::model::ModelFactory;

use podstate_conformance::teeth::{Fault, FaultyFactory};

use super::memory;

// The macro a third-party backend uses: `model_check()` runs the CI budget on memory.
podstate_conformance::model_check_tests!(super::memory());

/// One generated sequence run on a correct and a broken backend: the report names the broken
/// one and the step where it diverged, and the correct one passes.
#[test]
fn differential_mode_names_the_diverging_backend_and_step() {
    let config = CheckConfig {
        failure_dir: None,
        ..CheckConfig::ci()
    };
    let memory = memory();
    let broken = FaultyFactory::new(&memory, Fault::UnsortedVolumes);
    let report = check_differential(&[&memory, &broken], &config);
    assert!(!report.passed());
    assert!(report.reports[0].passed(), "{report}");
    assert_eq!(
        report.reports[0].cases, config.cases,
        "memory ran every case"
    );
    let diverged = report.divergences();
    assert_eq!(diverged.len(), 1, "{report}");
    assert_eq!(diverged[0].0, "memory+UnsortedVolumes");
    let failure = report.reports[1].failure.as_ref().unwrap();
    assert_eq!(diverged[0].1, failure.divergence.step + 1);
    let text = report.to_string();
    assert!(
        text.contains(r#"backend "memory+UnsortedVolumes" diverged from the model at step"#),
        "{text}"
    );
}

/// `run_differential` runs one fixed sequence on each backend.
#[test]
fn one_sequence_against_several_backends() {
    let ops = generate_case(3, 0, 120, Capabilities::in_memory())
        .into_iter()
        .chain(["v1", "v2"].map(|name| {
            let vol = Volume::new(VolumeConfig::new(name));
            HandleOp::first(Op::AddVolume { vol })
        }))
        .chain([HandleOp::first(Op::AllVolumes)])
        .collect::<Vec<_>>();
    let memory = memory();
    let broken = FaultyFactory::new(&memory, Fault::UnsortedVolumes);
    let results = run_differential(
        &[&memory, &broken],
        &ModelFactory,
        &ops,
        &RunOptions::default(),
    );
    assert_eq!(results[0].0, "memory");
    assert!(
        results[0].1.is_ok(),
        "{:?}",
        results[0].1.as_ref().err().map(ToString::to_string)
    );
    match &results[1].1 {
        Err(d) => assert!(
            matches!(d.reason, Reason::Unsorted(_) | Reason::Invariant(..)),
            "{d}"
        ),
        Ok(_) => panic!("reversed volume lists went unnoticed in {} ops", ops.len()),
    }
}

/// The progress callback hears about every case, in order.
#[test]
fn progress_is_reported_after_every_case() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let config = CheckConfig {
        cases: 4,
        max_ops: 30,
        failure_dir: None,
        ..CheckConfig::ci()
    }
    .on_progress(move |p| sink.lock().unwrap().push((p.case, p.cases, p.ops)));
    let report = podstate_conformance::checker::check_backend(&memory(), &config);
    report.assert_passed();
    let seen = seen.lock().unwrap();
    assert_eq!(*seen, [(1, 4, 30), (2, 4, 60), (3, 4, 90), (4, 4, 120)]);
}
