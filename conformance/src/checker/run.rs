//! Running one case: every operation on the backend and on the model, compared step by step.

use std::collections::BTreeSet;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use podstate_api::State;
use podstate_api::raw::panic_message;

use super::answer::Answer;
use super::apply::Driver;
use super::batch::each_call;
use super::case::{HandleOp, handles_of};
use super::coverage::Coverage;
use super::invariants;
use super::reason::{Reason, Side};
use super::whole;
use crate::citations::Clause;
use crate::factory::BackendFactory;

/// How a case is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Check the invariants and compare the dumps after every this many operations (and always
    /// after the last one). `1` checks after every operation; `0` only at the end.
    pub invariant_every: usize,
}

impl Default for RunOptions {
    /// Check after every operation.
    fn default() -> Self {
        RunOptions { invariant_every: 1 }
    }
}

/// What a case that agreed all the way did.
#[derive(Debug, Clone, Default)]
pub struct CaseStats {
    /// Operations run.
    pub ops: usize,
    /// Invariant checks (each with a dump comparison) run.
    pub checks: usize,
    /// The backend's (call, outcome) pairs.
    pub coverage: Coverage,
    /// The largest state a check saw.
    pub largest: StateSize,
}

/// How many objects a store held, as counted by a dump.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateSize {
    /// Containers.
    pub containers: usize,
    /// Pods.
    pub pods: usize,
    /// Volumes.
    pub volumes: usize,
}

impl StateSize {
    /// The field-wise maximum of two sizes.
    pub fn max(self, other: StateSize) -> StateSize {
        StateSize {
            containers: self.containers.max(other.containers),
            pods: self.pods.max(other.pods),
            volumes: self.volumes.max(other.volumes),
        }
    }
}

impl fmt::Display for StateSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} containers, {} pods, {} volumes",
            self.containers, self.pods, self.volumes
        )
    }
}

/// One operation of a case with both answers.
#[derive(Debug, Clone)]
pub struct Step {
    /// The operation and the handle it ran on.
    pub op: HandleOp,
    /// What the backend answered.
    pub backend: Answer,
    /// What the model answered.
    pub model: Answer,
}

/// A case on which the backend and the model disagree.
#[derive(Debug, Clone)]
pub struct Divergence {
    /// The backend's name.
    pub backend: String,
    /// Index (0-based) of the operation after which the divergence showed.
    pub step: usize,
    /// What went wrong.
    pub reason: Reason,
    /// Every step run, the diverging one last.
    pub trace: Vec<Step>,
    /// What the case did up to the divergence (the diverging step's outcome included).
    pub stats: Box<CaseStats>,
}

impl Divergence {
    /// The operations that reproduce the divergence (those run, up to the diverging step).
    pub fn ops(&self) -> Vec<HandleOp> {
        self.trace.iter().map(|s| s.op.clone()).collect()
    }
}

impl fmt::Display for Divergence {
    /// A numbered list of the steps with both outcomes, then why the last one diverged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.trace.is_empty() {
            writeln!(
                f,
                "backend {:?} diverged before the first step:",
                self.backend
            )?;
        } else {
            writeln!(
                f,
                "backend {:?} diverged from the model at step {} of {}:",
                self.backend,
                self.step + 1,
                self.trace.len()
            )?;
        }
        let width = self.trace.len().to_string().len();
        for (i, step) in self.trace.iter().enumerate() {
            let mark = if i == self.step { "=>" } else { "  " };
            write_step(f, mark, i + 1, width, step)?;
        }
        // The whole answers when the short forms hide the difference, or carry a message.
        if let Some(last) = self.trace.get(self.step)
            && self.reason == Reason::Answers
            && (last.backend.to_string() == last.model.to_string()
                || !matches!(last.backend, Answer::Ok(_))
                || !matches!(last.model, Answer::Ok(_)))
        {
            writeln!(f, "backend answered: {}", last.backend.detail())?;
            writeln!(f, "model answered:   {}", last.model.detail())?;
        }
        write!(f, "{}", self.reason)?;
        // The rule of the call that diverged, readable without the contract at hand.
        if let Some(call) = self.trace.get(self.step).and_then(|s| s.op.op.call()) {
            let clause = Clause::Name(5, call.name().to_owned());
            write!(f, "\nthe call's rule: {}", clause.titled())?;
            if let Some(words) = clause.words() {
                write!(f, ": \"{words}\"")?;
            }
        }
        Ok(())
    }
}

/// One step of a printed case: the operation and both answers; a batch with each of its calls
/// and their answers on lines of their own, numbered `n.1`, `n.2`, ...
fn write_step(
    f: &mut fmt::Formatter<'_>,
    mark: &str,
    number: usize,
    width: usize,
    step: &Step,
) -> fmt::Result {
    let pad = " ".repeat(width);
    let (
        Some((ops, rollback)),
        Answer::Batch {
            calls: b,
            answer: ba,
        },
        Answer::Batch {
            calls: m,
            answer: ma,
        },
    ) = (step.op.op.batched(), &step.backend, &step.model)
    else {
        return writeln!(
            f,
            "{mark}{number:>width$}. {}\n{pad}   backend {}  model {}",
            step.op, step.backend, step.model
        );
    };
    let on = match step.op.handle {
        0 => String::new(),
        h => format!("h{h}: "),
    };
    let calls = match ops.len() {
        1 => "1 call".to_owned(),
        n => format!("{n} calls"),
    };
    writeln!(f, "{mark}{number:>width$}. {on}batch of {calls}:")?;
    let none = Answer::Broken("no answer".into());
    for (j, op) in ops.iter().enumerate() {
        let (b, m) = (b.get(j).unwrap_or(&none), m.get(j).unwrap_or(&none));
        writeln!(
            f,
            "{pad}   {number}.{} {op}\n{pad}       backend {b}  model {m}",
            j + 1
        )?;
    }
    writeln!(
        f,
        "{pad}   {}: backend {ba}  model {ma}",
        super::describe::batch_end(rollback)
    )
}

/// Runs `ops` on a fresh store of `backend` and one of `model`, comparing every answer exactly and
/// checking the invariants as `opts` says. Stops at the first divergence.
pub fn run_case(
    backend: &dyn BackendFactory,
    model: &dyn BackendFactory,
    ops: &[HandleOp],
    opts: &RunOptions,
) -> Result<CaseStats, Divergence> {
    let mut run = CaseRun {
        backend_name: backend.name().to_owned(),
        trace: Vec::with_capacity(ops.len()),
    };
    let handles = handles_of(ops);
    let mut b = run.open(backend, handles)?;
    let mut m = run.open(model, handles)?;
    let mut stats = CaseStats::default();
    let mut sessions = BTreeSet::new();
    for (i, step) in ops.iter().enumerate() {
        let op = &step.op;
        let backend_answer = b.apply(step);
        let model_answer = m.apply(step);
        sessions.extend(op.session_ids().into_iter().map(str::to_owned));
        let reason = judge(op, &backend_answer, &model_answer);
        stats.coverage.record_answer(op, &backend_answer);
        run.trace.push(Step {
            op: step.clone(),
            backend: backend_answer,
            model: model_answer,
        });
        stats.ops += 1;
        if let Some(reason) = reason {
            return Err(run.diverged(reason, stats));
        }
        let due = match opts.invariant_every {
            0 => false,
            n => (i + 1) % n == 0,
        };
        if due || i + 1 == ops.len() {
            stats.checks += 1;
            match compare_stores(b.checker(), m.checker(), &sessions) {
                Ok(size) => stats.largest = stats.largest.max(size),
                Err(reason) => return Err(run.diverged(reason, stats)),
            }
        }
    }
    let whole =
        catch_unwind(AssertUnwindSafe(|| whole::check(backend, &b, &m))).unwrap_or_else(|panic| {
            Err(Reason::WholeStore(format!(
                "panicked: {}",
                panic_message(&*panic)
            )))
        });
    if let Err(reason) = whole {
        return Err(run.diverged(reason, stats));
    }
    Ok(stats)
}

/// Runs `ops` on fresh stores of `backend` and `model` without any check and returns every step
/// with both answers (to see what a case does; [`run_case`] is the check).
pub fn trace_case(
    backend: &dyn BackendFactory,
    model: &dyn BackendFactory,
    ops: &[HandleOp],
) -> Result<Vec<Step>, Divergence> {
    let run = CaseRun {
        backend_name: backend.name().to_owned(),
        trace: Vec::new(),
    };
    let handles = handles_of(ops);
    let mut b = run.open(backend, handles)?;
    let mut m = run.open(model, handles)?;
    Ok(ops
        .iter()
        .map(|step| Step {
            op: step.clone(),
            backend: b.apply(step),
            model: m.apply(step),
        })
        .collect())
}

struct CaseRun {
    backend_name: String,
    trace: Vec<Step>,
}

impl CaseRun {
    /// A driver with `handles` handles and a checking handle on a fresh store.
    fn open(&self, factory: &dyn BackendFactory, handles: usize) -> Result<Driver, Divergence> {
        let setup = |what: &str, e: podstate_api::StateError| {
            self.diverged_at(0, Reason::Setup(format!("{} {what}: {e}", factory.name())))
        };
        let store = factory.create().map_err(|e| setup("create", e))?;
        Driver::new(store, handles).map_err(|e| setup("open", e))
    }

    fn diverged(&mut self, reason: Reason, stats: CaseStats) -> Divergence {
        let step = self.trace.len().saturating_sub(1);
        Divergence {
            stats: Box::new(stats),
            ..self.diverged_at(step, reason)
        }
    }

    fn diverged_at(&self, step: usize, reason: Reason) -> Divergence {
        Divergence {
            backend: self.backend_name.clone(),
            step,
            reason,
            trace: self.trace.clone(),
            stats: Box::default(),
        }
    }
}

/// Why the two answers to `op` make a divergence, if they do. A batch's calls are judged one
/// by one, as calls.
fn judge(op: &super::ops::Op, backend: &Answer, model: &Answer) -> Option<Reason> {
    if !backend.agrees_with(model) {
        return Some(Reason::Answers);
    }
    for (side, answer) in [(Side::Backend, backend), (Side::Model, model)] {
        for (op, answer) in each_call(op, answer) {
            if let Some(outcome) = answer.outcome()
                && !op.allows(outcome)
            {
                return Some(Reason::NotAllowed(side, outcome));
            }
        }
    }
    each_call(op, backend)
        .into_iter()
        .find_map(|(_, answer)| match answer {
            Answer::Ok(value) => value.unsorted(),
            _ => None,
        })
        .map(Reason::Unsorted)
}

/// The invariant checks on one store's checking handle, a panic included; its dump.
fn checked_dump(
    side: Side,
    state: &dyn State,
    sessions: &BTreeSet<String>,
) -> Result<crate::dump::Dump, Reason> {
    match catch_unwind(AssertUnwindSafe(|| invariants::check(state, sessions))) {
        Ok(Ok(dump)) => Ok(dump),
        Ok(Err(why)) => Err(Reason::Invariant(side, why)),
        Err(panic) => Err(Reason::Invariant(
            side,
            format!("panicked: {}", panic_message(&*panic)),
        )),
    }
}

/// Checks both stores' invariants and compares their dumps; the state's size.
fn compare_stores(
    backend: Option<&dyn State>,
    model: Option<&dyn State>,
    sessions: &BTreeSet<String>,
) -> Result<StateSize, Reason> {
    let lost = |side: Side| Reason::Invariant(side, "the store was lost by a failed reopen".into());
    let backend = backend.ok_or_else(|| lost(Side::Backend))?;
    let model = model.ok_or_else(|| lost(Side::Model))?;
    let backend_dump = checked_dump(Side::Backend, backend, sessions)?;
    // The oracle is checked too: a model that broke an invariant would be a wrong oracle.
    let model_dump = checked_dump(Side::Model, model, sessions)?;
    if backend_dump != model_dump {
        return Err(Reason::Dumps(podstate_api::dump::describe(
            &backend_dump,
            &model_dump,
            ("backend", "model"),
        )));
    }
    Ok(StateSize {
        containers: backend_dump.containers.len(),
        pods: backend_dump.pods.len(),
        volumes: backend_dump.volumes.len(),
    })
}
