//! Running a batch operation ([`Op::Batch`]) and reading its answer.
//!
//! `batch` is not one of the 53 calls, so it is not a [`Call`](crate::Call): its answer is
//! compound (every call's inside it, and its own), and what it may answer depends on its
//! closure, which answers whatever the caller likes. The checker's closures answer `Ok` or one
//! error ([`ROLLBACK`]), so a batch of a case may answer only `Ok`, that `InvalidArg`, the
//! `InvalidArg` of a nested batch, `DbClosed` on a closed handle, and on failing storage `Io`
//! or `Corrupt` ([`BATCH_ERRORS`]). The calls inside are judged as calls, each by its own row
//! of SPEC §4, and counted in the coverage as such (`close` and `set_namespace` inside answer
//! `InvalidArg`, which nothing else reaches).

use podstate_api::ErrorKind::{self, DbClosed, InvalidArg};

use super::answer::Answer;
use super::ops::Op;
use crate::calls::Outcome;

/// The message of the error a case's batch closure answers to roll its batch back.
pub const ROLLBACK: &str = "the case rolls this batch back";

/// The kinds a case's batch may answer besides `Io` and `Corrupt`: `DbClosed` on a closed
/// handle, `InvalidArg` when its closure rolls it back ([`ROLLBACK`]) or when it is nested in
/// another batch.
pub const BATCH_ERRORS: &[ErrorKind] = &[DbClosed, InvalidArg];

/// The outcomes of a case's batch a correct backend on healthy storage reaches: committed,
/// rolled back (or nested), on a closed handle. The coverage report counts them.
pub const BATCH_OUTCOMES: [Outcome; 3] = [
    Outcome::Ok,
    Outcome::Err(InvalidArg),
    Outcome::Err(DbClosed),
];

/// `op` with `answer`, then, for a batch, each call inside it with its answer (recursively),
/// as far as both go: what the checks of single calls (allowed outcomes, sorted lists, the
/// coverage) walk.
pub fn each_call<'a>(op: &'a Op, answer: &'a Answer) -> Vec<(&'a Op, &'a Answer)> {
    let mut out = vec![(op, answer)];
    if let (Op::Batch { ops, .. }, Answer::Batch { calls, .. }) = (op, answer) {
        for (op, answer) in ops.iter().zip(calls) {
            out.extend(each_call(op, answer));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use podstate_api::{State, Store, Volume, VolumeConfig};

    use crate::model::ModelStore;

    use super::*;

    /// Runs `ops` as one batch through the one place an operation becomes a call.
    fn run(s: &dyn State, ops: &[Op], rollback: bool) -> Answer {
        let batch = Op::Batch {
            ops: ops.to_vec(),
            rollback,
        };
        crate::checker::call(s, &batch)
    }

    fn add(name: &str) -> Op {
        Op::AddVolume {
            vol: Volume::new(VolumeConfig::new(name)),
        }
    }

    #[test]
    fn a_batch_answers_each_call_and_its_own_and_commits_or_rolls_back() {
        let store = ModelStore::new();
        let s = store.open_handle().unwrap();
        let ops = [add("a"), add("a"), Op::Close, Op::AllVolumes];
        let Answer::Batch { calls, answer } = run(s.as_ref(), &ops, true) else {
            panic!("not a batch answer");
        };
        let shown: Vec<String> = calls.iter().map(Answer::to_string).collect();
        assert_eq!(
            shown,
            ["Ok", "VolumeExists", "InvalidArg", r#"Ok(volumes ["a"])"#]
        );
        assert_eq!(answer.outcome(), Some(Outcome::Err(InvalidArg)));
        assert_eq!(s.all_volumes().unwrap(), []);

        let committed = run(s.as_ref(), &ops, false);
        assert_eq!(committed.outcome(), Some(Outcome::Ok));
        assert_eq!(s.all_volumes().unwrap().len(), 1);
        let walked: Vec<&str> = each_call(
            &Op::Batch {
                ops: ops.to_vec(),
                rollback: false,
            },
            &committed,
        )
        .iter()
        .map(|(op, _)| op.name())
        .collect();
        assert_eq!(
            walked,
            ["batch", "add_volume", "add_volume", "close", "all_volumes"]
        );
    }

    #[test]
    fn a_nested_batch_and_a_closed_handle_never_run_the_closure() {
        let store = ModelStore::new();
        let s = store.open_handle().unwrap();
        let nested = Op::Batch {
            ops: vec![add("b")],
            rollback: false,
        };
        let answer = run(s.as_ref(), &[nested], false);
        assert_eq!(answer.to_string(), "Ok after [InvalidArg after []]");
        s.close().unwrap();
        let answer = run(s.as_ref(), &[add("c")], false);
        assert_eq!(answer.to_string(), "DbClosed after []");
        let other = store.open_handle().unwrap();
        assert_eq!(other.all_volumes().unwrap(), []);
    }

    /// A batch that runs its closure twice is broken, whatever it answers.
    #[test]
    fn a_closure_run_twice_is_a_broken_answer() {
        #[derive(Debug)]
        struct Twice(Box<dyn State>);
        impl podstate_api::StateLayer for Twice {
            fn inner(&self) -> &dyn State {
                self.0.as_ref()
            }
            fn batch(
                &self,
                f: &mut dyn FnMut(&dyn State) -> podstate_api::Result<()>,
            ) -> podstate_api::Result<()> {
                let _ = self.0.batch(&mut *f);
                self.0.batch(f)
            }
        }
        let store = ModelStore::new();
        let s = podstate_api::Layered(Twice(store.open_handle().unwrap()));
        let answer = run(&s, &[add("a")], false);
        assert!(matches!(answer, Answer::Broken(_)), "{answer}");
    }
}
