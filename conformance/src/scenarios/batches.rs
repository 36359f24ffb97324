//! Batches: several calls in one transaction, all or nothing (SPEC §3 Batches, §4 `InvalidArg`
//! for `close`, `set_namespace` and `batch` inside a batch).
//!
//! What other handles see while a batch runs is not asserted here: a store whose reads wait for
//! its writer (the memory backend) would wait for the batch forever on the scenario's one
//! thread. The concurrent checker and the crash runs judge that.

use podstate_api::ErrorKind::*;
use podstate_api::{ErrorKind, Result, State, StateError};

use crate::factory::BackendFactory;
use crate::scenarios::demanded;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;
use crate::{Call, Outcome};

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_batches {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) batches: [
            a_batch_commits_every_call,
            reads_inside_a_batch_see_its_earlier_writes,
            a_batch_whose_closure_fails_changes_nothing,
            a_failing_call_inside_a_batch_changes_nothing_and_the_batch_goes_on,
            handle_calls_inside_a_batch_are_invalid_arg,
            a_batch_runs_in_the_handles_namespace,
            a_batch_on_a_closed_handle_is_db_closed,
            a_batch_hands_back_its_closures_value,
        ] }
    };
}

/// The kind of `result`'s error.
fn kind_of<T>(result: &Result<T>) -> Option<ErrorKind> {
    result.as_ref().err().map(StateError::kind)
}

/// SPEC §3 Batches: every call of a committed batch is there afterwards, to every handle.
pub fn a_batch_commits_every_call(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "web");
    t.main()
        .batch(&mut |tx| {
            tx.add_volume(&vol("data"))?;
            tx.add_container(&c)?;
            tx.network_connect(&c, "podman", &strings(&["web"]))?;
            tx.add_pod(&pod("p1", "pod1"))
        })
        .unwrap_or_else(|e| panic!("the batch should commit, got {e}"));
    let other = t.open("");
    assert_eq!(
        other.container("c1").map(|c| c.config),
        Ok(c.config.clone())
    );
    assert_eq!(other.get_networks(&c), Ok(strings(&["podman"])));
    assert_eq!(other.has_pod("p1"), Ok(true));
    assert_eq!(other.has_volume("data"), Ok(true));
}

/// SPEC §3 Batches: reads inside a batch see its earlier writes.
pub fn reads_inside_a_batch_see_its_earlier_writes(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "web");
    let mut seen = None;
    t.main()
        .batch(&mut |tx| {
            tx.add_container(&c)?;
            seen = Some((tx.lookup_container_id("web")?, tx.all_containers()?.len()));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("the batch should commit, got {e}"));
    assert_eq!(seen, Some(("c1".to_owned(), 1)));
}

/// SPEC §3 Batches: a batch whose closure answers an error changes nothing, whatever it wrote
/// before, and the batch answers that error.
pub fn a_batch_whose_closure_fails_changes_nothing(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c0", "kept")));
    let before = t.snapshot();
    let answer = t.main().batch(&mut |tx| {
        tx.add_container(&ctr("c1", "web"))?;
        tx.remove_container(&ctr("c0", "kept"))?;
        tx.add_volume(&vol("data"))?;
        Err(StateError::invalid("the runtime changed its mind"))
    });
    assert_eq!(
        answer,
        Err(StateError::invalid("the runtime changed its mind"))
    );
    assert_eq!(
        t.snapshot(),
        before,
        "a rolled-back batch changed the store"
    );
}

/// SPEC §3 Batches: a call that fails inside a batch changes nothing, and the batch goes on.
pub fn a_failing_call_inside_a_batch_changes_nothing_and_the_batch_goes_on(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let (c1, c2) = (ctr("c1", "web"), ctr("c2", "db"));
    let mut failures = Vec::new();
    t.main()
        .batch(&mut |tx| {
            tx.add_container(&c1)?;
            failures.push(kind_of(&tx.add_container(&ctr("c1", "other"))));
            failures.push(kind_of(&tx.remove_volume(&vol("missing"))));
            failures.push(kind_of(&tx.network_connect(&c1, "", &[])));
            tx.add_container(&c2)
        })
        .unwrap_or_else(|e| panic!("the batch should commit, got {e}"));
    assert_eq!(
        failures,
        [Some(CtrExists), Some(NoSuchVolume), Some(InvalidArg)]
    );
    let names: Vec<String> = t
        .ok(Call::AllContainers, |s| s.all_containers())
        .into_iter()
        .map(|c| c.config.name)
        .collect();
    assert_eq!(names, ["web", "db"]);
    assert_eq!(
        t.ok(Call::GetNetworks, |s| s.get_networks(&c1)),
        Vec::<String>::new()
    );
}

/// SPEC §4: `close`, `set_namespace` and `batch` inside a batch answer `InvalidArg`; the
/// handle stays open and in its namespace, and the batch may still commit.
pub fn handle_calls_inside_a_batch_are_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut answers = Vec::new();
    t.main()
        .batch(&mut |tx| {
            let closed = tx.close();
            let moved = tx.set_namespace("elsewhere");
            // Recorded by hand: the harness's `fails` dumps the store through another handle,
            // which would wait for this batch.
            demanded::record(Call::Close, Outcome::of(&closed));
            demanded::record(Call::SetNamespace, Outcome::of(&moved));
            answers.push(kind_of(&closed));
            answers.push(kind_of(&moved));
            answers.push(kind_of(&tx.batch(&mut |_| Ok(()))));
            tx.add_container(&ctr("c1", "web"))
        })
        .unwrap_or_else(|e| panic!("the batch should commit, got {e}"));
    assert_eq!(answers, [Some(InvalidArg); 3]);
    assert!(t.ok(Call::HasContainer, |s| s.has_container("c1")));
}

/// SPEC §3 Batches: the batch's namespace is the handle's when it starts.
pub fn a_batch_runs_in_the_handles_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("ns1");
    let mut outside = None;
    t.main()
        .batch(&mut |tx| {
            outside = kind_of(&tx.add_container(&ctr("c0", "no-ns")));
            tx.add_container(&ctr("c1", "web").in_ns("ns1"))
        })
        .unwrap_or_else(|e| panic!("the batch should commit, got {e}"));
    assert_eq!(outside, Some(NsMismatch));
    let other = t.open("ns1");
    assert_eq!(other.lookup_container_id("web"), Ok("c1".to_owned()));
}

/// SPEC §3: a closed handle answers `DbClosed` to `batch`, without running the closure.
pub fn a_batch_on_a_closed_handle_is_db_closed(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let h = t.open("");
    h.close()
        .unwrap_or_else(|e| panic!("close should succeed, got {e}"));
    let mut ran = false;
    let answer = h.batch(&mut |_| {
        ran = true;
        Ok(())
    });
    assert_eq!(kind_of(&answer), Some(DbClosed));
    assert!(!ran, "the closure of a refused batch ran");
}

/// SPEC §3 Batches, through `podstate_api::batch`: a batch hands back what its closure computed.
pub fn a_batch_hands_back_its_closures_value(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "web")));
    let found = podstate_api::batch(t.main(), |tx: &dyn State| {
        let id = tx.lookup_container_id("web")?;
        tx.add_exec_session(&ctr("c1", "web"), &exec("e1", &id))?;
        tx.get_container_exec_sessions(&ctr("c1", "web"))
    });
    assert_eq!(found, Ok(strings(&["e1"])));
}
