//! The linearizability search has teeth: it backtracks to find the one order that fits, and
//! rejects histories no order explains.

use std::time::Duration;

use podstate_api::dump::{Dump, dump};
use podstate_api::{Container, ContainerConfig, ErrorKind};
use podstate_conformance::checker::{Answer, Op, Value, call};
use podstate_conformance::concurrent::{Event, Reply, SearchBudget, Verdict, search};
use podstate_conformance::model::ModelStore;

fn add(id: &str) -> Op {
    Op::AddContainer {
        ctr: Container::new(ContainerConfig::new(id, format!("{id}-name"))),
    }
}

fn event(thread: usize, op: Op, start: u64, end: u64, answer: Answer) -> Event {
    Event {
        thread,
        index: 0,
        handle: 0,
        namespace: String::new(),
        op,
        start,
        end,
        reply: Reply::of(&answer),
        shown: answer.to_string(),
    }
}

fn ok() -> Answer {
    Answer::Ok(Value::Unit)
}

fn exists() -> Answer {
    Answer::Err {
        kind: ErrorKind::CtrExists,
        message: String::new(),
    }
}

fn states(ops: &[Op]) -> (Dump, Dump) {
    let model = ModelStore::new().open();
    let start = dump(&model).unwrap();
    for op in ops {
        call(&model, op);
    }
    (start, dump(&model).unwrap())
}

fn budget() -> SearchBudget {
    SearchBudget::time(Duration::from_secs(5))
}

#[test]
fn the_search_backtracks_to_the_order_the_answers_need() {
    // Thread 1's add ended first, yet it lost the race: thread 0's add took effect before it.
    let events = [
        event(0, add("a"), 0, 10, ok()),
        event(1, add("a"), 1, 5, exists()),
    ];
    let (start, end) = states(&[add("a")]);
    let verdict = search(&events, &start, &end, budget()).unwrap();
    assert!(
        matches!(verdict, Verdict::Linearizable { explored } if explored > 2),
        "{verdict:?}"
    );
}

#[test]
fn a_read_that_misses_a_finished_write_is_not_linearizable() {
    let events = [
        event(0, add("a"), 0, 1, ok()),
        event(
            1,
            Op::HasContainer { id: "a".into() },
            2,
            3,
            Answer::Ok(Value::Bool(false)),
        ),
    ];
    let (start, end) = states(&[add("a")]);
    let verdict = search(&events, &start, &end, budget()).unwrap();
    let Verdict::NotLinearizable { why, .. } = verdict else {
        panic!("{verdict:?}")
    };
    assert!(why.contains("has_container"), "{why}");
    // Overlapping, the same read is fine: it may have run first.
    let events = [
        event(0, add("a"), 0, 3, ok()),
        event(
            1,
            Op::HasContainer { id: "a".into() },
            1,
            2,
            Answer::Ok(Value::Bool(false)),
        ),
    ];
    let verdict = search(&events, &start, &end, budget()).unwrap();
    assert!(
        matches!(verdict, Verdict::Linearizable { .. }),
        "{verdict:?}"
    );
}

#[test]
fn a_state_other_than_the_barriers_fails_the_window() {
    let events = [event(0, add("a"), 0, 1, ok())];
    let (start, _) = states(&[]);
    let (_, other) = states(&[add("b")]);
    let verdict = search(&events, &start, &other, budget()).unwrap();
    assert!(
        matches!(verdict, Verdict::NotLinearizable { .. }),
        "{verdict:?}"
    );
}

#[test]
fn a_search_past_its_step_budget_is_inconclusive_never_a_pass() {
    // The same history as the backtracking test: it needs more than two steps.
    let events = [
        event(0, add("a"), 0, 10, ok()),
        event(1, add("a"), 1, 5, exists()),
    ];
    let (start, end) = states(&[add("a")]);
    let tight = SearchBudget {
        steps: 1,
        time: Duration::from_secs(5),
    };
    let verdict = search(&events, &start, &end, tight).unwrap();
    assert!(
        matches!(verdict, Verdict::Inconclusive { .. }),
        "{verdict:?}"
    );
}
