//! The linearizability search has teeth: it backtracks to find the one order that fits, and
//! rejects histories no order explains.

use std::time::Duration;

use podstate_api::{Container, ContainerConfig, ErrorKind};
use podstate_conformance::checker::{Answer, HandleOp, Op, Value};
use podstate_reliability::oracle::{Model, Reply};
use podstate_reliability::stress::history::Event;
use podstate_reliability::stress::linearize::{Verdict, search};

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

fn states(ops: &[Op]) -> (podstate_api::dump::Dump, podstate_api::dump::Dump) {
    let mut model = Model::with_handles(1);
    let start = model.dump();
    for op in ops {
        model.step(&HandleOp::first(op.clone()));
    }
    (start, model.dump())
}

#[test]
fn the_search_backtracks_to_the_order_the_answers_need() {
    // Thread 1's add ended first, yet it lost the race: thread 0's add took effect before it.
    let events = [
        event(0, add("a"), 0, 10, ok()),
        event(1, add("a"), 1, 5, exists()),
    ];
    let (start, end) = states(&[add("a")]);
    let verdict = search(&events, &start, &end, Duration::from_secs(5)).unwrap();
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
    let verdict = search(&events, &start, &end, Duration::from_secs(5)).unwrap();
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
    let verdict = search(&events, &start, &end, Duration::from_secs(5)).unwrap();
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
    let verdict = search(&events, &start, &other, Duration::from_secs(5)).unwrap();
    assert!(
        matches!(verdict, Verdict::NotLinearizable { .. }),
        "{verdict:?}"
    );
}
