//! A failing scenario explains itself, readable without this repository: its name and line, the
//! SPEC clauses it checks with their titles and first sentence, the call with its arguments,
//! what was wanted and what came, and what differs, field by field, never two `Debug` dumps.
//! Each test plants one fault (a tooth) and reads the message a backend author would see.

use std::panic::{AssertUnwindSafe, catch_unwind};

use podstate_conformance::scenarios::{self, lifecycle};
use podstate_conformance::teeth::{Fault, FaultyFactory};

mod support;
use support::memory;

/// The message of scenario `name` against the memory backend broken by `fault`.
fn failure(name: &str, fault: Fault) -> String {
    let scenario = scenarios::scenarios()
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scenario {name}"));
    let memory = memory();
    let broken = FaultyFactory::new(&memory, fault);
    let message = scenarios::run(scenario, &broken).expect_err("the fault is caught");
    for dump in ["Dump {", "ContainerState {", "Snapshot {", "Container {"] {
        assert!(!message.contains(dump), "a Debug dump in:\n{message}");
    }
    message
}

/// Asserts that `message` holds every one of `parts`.
fn holds(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "{part:?} is missing from:\n{message}"
        );
    }
}

#[test]
fn a_failed_call_that_changed_the_store_shows_what_changed() {
    let message = failure(
        "validate_mismatch_is_db_bad_config_and_pins_nothing",
        Fault::ValidateDbConfigPinsOnMismatch,
    );
    assert!(
        message.starts_with(
            "scenario lifecycle::validate_mismatch_is_db_bad_config_and_pins_nothing failed\n"
        ),
        "{message}"
    );
    holds(
        &message,
        &[
            "  at       conformance/src/scenarios/lifecycle.rs:",
            "  checks   SPEC §5 `validate_db_config` (The 53 calls: Lifecycle: \
             `validate_db_config(cfg)`)\n",
            "\"goes through the fields in the order of section 1.\"",
            "  its doc  SPEC §5 `validate_db_config`: a non-empty value that differs",
            // The story so far, then the call that failed.
            "  after    1. validate_db_config({\"storage_root\":\"/graph\"}) -> Ok\n",
            "  call     validate_db_config({\"libpod_tmp\":\"/tmp/libpod\",\
             \"storage_root\":\"/other\"}) -> DbBadConfig\n",
            "  wanted   DbBadConfig, the store left as it was\n",
            "but the store changed:",
            "db_config.libpod_tmp: before \"\" after \"/tmp/libpod\"",
        ],
    );
}

#[test]
fn a_call_that_should_have_failed_shows_the_rule_it_broke() {
    let message = failure(
        "remove_container_with_a_dependent_is_in_use",
        Fault::RemovalIgnoresDependents,
    );
    holds(
        &message,
        &[
            "scenario containers::remove_container_with_a_dependent_is_in_use failed",
            // The doc cites "SPEC §5: `remove_container` ...": the entry of that call.
            "  checks   SPEC §5 `remove_container` (The 53 calls: Containers: \
             `remove_container(ctr)`)\n",
            "\"removes a container that is in no pod, with its networks, aliases, dependency \
             edges and volume uses.\"",
            "  call     remove_container({\"config\":{",
            "\"id\":\"db\"",
            "-> Ok\n",
            "  wanted   InUse, the store left as it was\n",
            "  got      Ok(())",
        ],
    );
}

#[test]
fn a_store_that_parts_from_the_model_shows_the_calls_and_the_fields() {
    let message = failure("refresh_keeps_every_relation", Fault::RefreshClearsExitCode);
    holds(
        &message,
        &[
            "scenario lifecycle::refresh_keeps_every_relation failed",
            "  checks   SPEC §5 `refresh` (The 53 calls: Lifecycle: `refresh()`)\n",
            "\"resets run-time state after a reboot, in every namespace at once:\"",
            "  calls    1. add_volume({",
            "7. refresh() -> Ok\n",
            "  found    after the scenario, the backend does not show what the model does:",
            "container \"c1\": container.state.exit_code: backend 0 model 137",
        ],
    );
}

#[test]
fn a_scenarios_own_assertion_names_the_fields_that_differ() {
    let message = failure(
        "refresh_keeps_an_exited_container_exited",
        Fault::RefreshClearsExitCode,
    );
    holds(
        &message,
        &[
            "scenario lifecycle::refresh_keeps_an_exited_container_exited failed",
            "  checks   SPEC §5 `refresh`",
            "  differs  exit_code: found 0 wanted 137",
        ],
    );
}

/// Run as its generated `#[test]` runs it (not through `scenarios::run`), the scenario panics
/// with the same explanation.
#[test]
fn the_panic_of_a_scenario_called_directly_is_the_explanation() {
    let memory = memory();
    let broken = FaultyFactory::new(&memory, Fault::ValidateDbConfigPinsOnMismatch);
    let payload = catch_unwind(AssertUnwindSafe(|| {
        lifecycle::validate_mismatch_is_db_bad_config_and_pins_nothing(&broken)
    }))
    .expect_err("the fault is caught");
    let message = payload.downcast_ref::<String>().expect("a text");
    holds(
        message,
        &[
            "scenario lifecycle::validate_mismatch_is_db_bad_config_and_pins_nothing failed",
            "SPEC §5 `validate_db_config` (The 53 calls: Lifecycle:",
            "db_config.libpod_tmp: before \"\" after \"/tmp/libpod\"",
        ],
    );
}

/// The exec registry, which no dump lists, differs as answers, not as `Debug` forms.
#[test]
fn an_exec_registration_the_model_does_not_have_is_named_with_both_answers() {
    let message = failure(
        "every_call_succeeds_with_its_baseline_arguments",
        Fault::RefreshKeepsExecRegistrations,
    );
    holds(
        &message,
        &[
            "scenario tables::every_call_succeeds_with_its_baseline_arguments failed",
            "container \"c2\": exec_sessions: backend [\"e1\"] model []",
            "exec session \"e1\": backend registered to \"c2\", model NoSuchExecSession: ",
        ],
    );
}
