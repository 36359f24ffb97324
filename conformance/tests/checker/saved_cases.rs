//! A backend author's saved cases: each failure under a name of its own, a report that names
//! the author's directory and the one command that replays it, and the replay of a whole
//! directory.

use podstate_api::StateError;
use podstate_conformance::checker::{
    CheckConfig, HandleOp, Op, SavedCase, SavedCases, case_files, check_backend, load_case,
    save_new_case,
};
use podstate_conformance::teeth::{Fault, FaultyFactory};
use podstate_conformance::{BackendFactory, Capabilities, Store};

use super::memory;

/// A scratch directory for this test, emptied first.
fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("podstate-saved-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A backend under one name whatever its bug, as an author's one backend with two bugs.
struct Named<'a>(&'a dyn BackendFactory);

impl BackendFactory for Named<'_> {
    fn name(&self) -> &str {
        "my-backend"
    }

    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }

    fn create(&self) -> Result<Box<dyn Store>, StateError> {
        self.0.create()
    }
}

/// Two faults found under the same seed, at the same case number, used to share a file name
/// (`NAME-seedS-case0.json`, the second overwriting the first); the same failure found again
/// keeps its one file.
#[test]
fn each_failure_gets_a_file_of_its_own_and_none_is_overwritten() {
    let dir = scratch_dir("unique");
    let saved = SavedCases::new(&dir, "my-backend");
    let memory = memory();
    let (mut paths, mut cases) = (Vec::new(), Vec::new());
    for fault in [
        Fault::RefreshClearsExitCode,
        Fault::RefreshKeepsMountCounts,
        Fault::RefreshClearsExitCode,
    ] {
        let broken = FaultyFactory::new(&memory, fault);
        let report = check_backend(&Named(&broken), &saved.configure(CheckConfig::ci()));
        let failure = report.failure.expect("the fault is caught");
        cases.push(failure.case);
        paths.push(failure.saved.expect("the case is saved"));
    }
    // Under one seed both faults were caught at the same case number (5 when this was
    // written): the old names were equal.
    assert_eq!(cases[0], cases[2]);
    assert_ne!(paths[0], paths[1], "two failures, two files: {paths:?}");
    assert_eq!(paths[0], paths[2], "the same failure again keeps its file");
    assert_eq!(case_files(&dir).unwrap(), {
        let mut two = paths[..2].to_vec();
        two.sort();
        two
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// Saved by hand: a case already saved keeps its file, and a file that holds another case
/// under the same name (a hash collision, or a file the author edited) is never overwritten.
#[test]
fn a_name_taken_by_another_case_is_left_alone() {
    let dir = scratch_dir("collide");
    let case = |id: &str| SavedCase {
        about: format!("about {id}"),
        ops: vec![HandleOp::first(Op::GetName { id: id.into() })],
    };
    let first = save_new_case(&dir, "b", &case("a")).unwrap();
    assert_eq!(save_new_case(&dir, "b", &case("a")).unwrap(), first);
    // Another case planted under the first one's name.
    std::fs::write(&first, serde_json::to_string(&case("other")).unwrap()).unwrap();
    let second = save_new_case(&dir, "b", &case("a")).unwrap();
    assert_ne!(second, first);
    assert!(second.to_string_lossy().ends_with("-2.json"), "{second:?}");
    assert_eq!(load_case(&first).unwrap(), case("other"));
    assert_eq!(load_case(&second).unwrap(), case("a"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report names the saved file in the author's directory, the command that replays it and
/// the rule of the call that diverged; the replay test finds the case and fails on it until the
/// backend is fixed.
#[test]
fn the_report_names_the_authors_directory_and_the_replay_command() {
    let dir = scratch_dir("hint");
    let saved = SavedCases::new(&dir, "my-backend");
    let memory = memory();
    let broken = FaultyFactory::new(&memory, Fault::RefreshClearsExitCode);
    let report = check_backend(&broken, &saved.configure(CheckConfig::ci())).to_string();
    for part in [
        &format!("saved to {}/", dir.display()),
        "replay it: cargo test -p my-backend replay_saved_cases (it runs every case in ",
        "the call's rule: SPEC §5 `refresh` (The 53 calls: Lifecycle: `refresh()`): \
         \"resets run-time state after a reboot, in every namespace at once:\"",
    ] {
        assert!(report.contains(part), "{part:?} is missing from:\n{report}");
    }
    assert!(!report.contains("conformance/regressions"), "{report}");

    let replayed = saved
        .replay_all(&broken)
        .expect_err("the saved case fails again");
    assert!(
        replayed.contains("saved cases diverge on backend"),
        "{replayed}"
    );
    assert!(
        replayed.ends_with("replay them again: cargo test -p my-backend replay_saved_cases"),
        "{replayed}"
    );
    assert_eq!(
        saved.replay_all(&memory),
        Ok(1),
        "a sound backend passes it"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// No directory yet: nothing to replay, no failure.
#[test]
fn a_missing_directory_replays_nothing() {
    let saved = SavedCases::new(scratch_dir("none"), "my-backend");
    assert_eq!(saved.replay_all(&memory()), Ok(0));
}
