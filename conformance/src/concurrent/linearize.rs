//! The linearizability search of one window, in the manner of Knossos and Porcupine (the
//! Wing & Gong algorithm with Lowe's memoization): a depth-first search over the orders the
//! calls' times allow, applying each call to the reference model and keeping an order only
//! while the model answers what the call answered. A call may come next when no other pending
//! call ended before it started. Each state reached (which calls are placed, the model's state)
//! is visited once. The window passes when every call is placed and the model holds the state
//! the database showed at the closing barrier.
//!
//! Calls that may write are tried in the order they ended (they commit near their end, after
//! waiting for the lock), reads in the order they started (they take their snapshot first), so
//! the first order tried is usually right and the search rarely backtracks. A search that runs
//! past its budget (steps or time, [`SearchBudget`]) is **inconclusive**, never a pass.

use std::collections::HashSet;
use std::rc::Rc;
use std::time::{Duration, Instant};

use podstate_api::State;
use podstate_api::dump::{self, Dump};

use super::history::{Event, Reply, fingerprint};
use super::load::load;
use crate::checker;
use crate::model::ModelStore;

/// How long one window's search may go on before it is inconclusive: a number of steps (one
/// call tried at one node), which makes the verdict the same on any machine, and a wall-clock
/// limit, which bounds a run on a machine too slow for the steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchBudget {
    /// Most calls tried, over the whole search.
    pub steps: u64,
    /// Most time taken.
    pub time: Duration,
}

impl SearchBudget {
    /// A time limit alone.
    pub fn time(time: Duration) -> SearchBudget {
        SearchBudget {
            steps: u64::MAX,
            time,
        }
    }
}

/// How a window's search ended.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// An order was found.
    Linearizable {
        /// Search steps taken.
        explored: u64,
    },
    /// No order the times allow gives the answers the calls gave.
    NotLinearizable {
        /// The longest order that fit, as indices into the window's events.
        deepest: Vec<usize>,
        /// What stopped it there.
        why: String,
        /// The call whose answer no order fits after the longest one (an index into the
        /// window's events); `None` when every call fits but the end state does not.
        stuck: Option<usize>,
    },
    /// The time budget ran out first.
    Inconclusive {
        /// Search steps taken.
        explored: u64,
    },
}

/// One node of the search: which calls of each thread are placed, and how to get the model's
/// state there. Dumping the model after every call would cost a walk of the whole state per
/// call, so a node keeps a dump only now and then (the root always); any other node's state is
/// the nearest kept one plus the state-changing calls placed since, replayed when the search
/// backtracks to it.
struct Frame {
    placed: Vec<usize>,
    /// The call whose placing made this node, when it changed the model's state.
    changed_by: Option<usize>,
    /// The model's state here, when kept.
    state: Option<Rc<Dump>>,
    /// Identifies the model's state here (see `exact` in [`Search::run`]).
    fp: u64,
    /// Identifies the node, for the live model store.
    id: u64,
    candidates: Vec<usize>,
    next: usize,
}

/// How far apart (in state changes replayed) the search keeps dumps of the model.
const KEEP_EVERY: usize = 32;

/// Searches for an order of `events` that takes the model from `start` to `end`.
///
/// # Errors
/// A state the loader cannot rebuild (a bug of the run, not of the database).
pub fn search(
    events: &[Event],
    start: &Dump,
    end: &Dump,
    budget: SearchBudget,
) -> Result<Verdict, String> {
    let deadline = (Instant::now() + budget.time, budget.steps);
    let mut threads: Vec<usize> = events.iter().map(|e| e.thread).collect();
    threads.sort_unstable();
    threads.dedup();
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); threads.len()];
    for (i, e) in events.iter().enumerate() {
        let t = threads.binary_search(&e.thread).unwrap_or(0);
        chains[t].push(i);
    }
    for chain in &mut chains {
        chain.sort_by_key(|&i| events[i].index);
    }
    let search = Search { events, chains };
    search.run(start, end, deadline)
}

struct Search<'a> {
    events: &'a [Event],
    chains: Vec<Vec<usize>>,
}

impl Search<'_> {
    /// The calls that may come next, most likely first.
    fn candidates(&self, placed: &[usize]) -> Vec<usize> {
        let heads: Vec<(usize, &Event)> = self
            .chains
            .iter()
            .enumerate()
            .filter_map(|(c, chain)| chain.get(placed[c]).map(|&i| (c, &self.events[i])))
            .collect();
        let min_end = heads.iter().map(|(_, e)| e.end).min().unwrap_or(0);
        let mut next: Vec<(u64, usize)> = heads
            .into_iter()
            .filter(|(_, e)| e.start <= min_end)
            .map(|(c, e)| (if e.op.may_write() { e.end } else { e.start }, c))
            .collect();
        next.sort_unstable();
        next.into_iter().map(|(_, c)| c).collect()
    }

    fn run(&self, start: &Dump, end: &Dump, deadline: (Instant, u64)) -> Result<Verdict, String> {
        let total: usize = self.chains.iter().map(Vec::len).sum();
        if total == 0 {
            return Ok(if start == end {
                Verdict::Linearizable { explored: 0 }
            } else {
                Verdict::NotLinearizable {
                    stuck: None,
                    deepest: Vec::new(),
                    why: format!(
                        "no calls, yet the state changed:\n{}",
                        dump::describe(start, end, ("before", "after"))
                    ),
                }
            });
        }
        let placed = vec![0; self.chains.len()];
        let mut stack = vec![Frame {
            candidates: self.candidates(&placed),
            placed,
            changed_by: None,
            state: Some(Rc::new(start.clone())),
            fp: fingerprint(serde_json::to_string(start).unwrap_or_default().as_bytes()),
            id: 0,
            next: 0,
        }];
        let mut ids = 0u64;
        // The model store and the node whose state it holds.
        let mut live: Option<(ModelStore, u64)> = None;
        let mut visited: HashSet<(Vec<usize>, u64)> = HashSet::new();
        let mut explored = 0u64;
        // Until the search first backtracks, no node can be reached twice, so nodes are told
        // apart by the calls that made them; from then on by the model's state itself (a dump
        // per state change), so that orders reaching one state are searched once.
        let mut exact = false;
        let mut deepest: (usize, Vec<usize>, String) = (0, Vec::new(), String::new());
        let mut stuck = None;
        while let Some(top) = stack.last_mut() {
            let Some(&chain) = top.candidates.get(top.next) else {
                stack.pop();
                continue;
            };
            top.next += 1;
            let (mut placed, top_fp, top_id) = (top.placed.clone(), top.fp, top.id);
            explored += 1;
            if explored > deadline.1 || explored.is_multiple_of(32) && Instant::now() > deadline.0 {
                return Ok(Verdict::Inconclusive { explored });
            }
            let event_id = self.chains[chain][placed[chain]];
            let event = &self.events[event_id];
            if live.as_ref().map(|(_, id)| *id) != Some(top_id) {
                live = Some((self.restore(&mut stack)?, top_id));
            }
            let Some((store, _)) = live.as_ref() else {
                continue;
            };
            let got = apply(store, event);
            let changed = event.op.may_write() && got.outcome == "Ok";
            let depth: usize = placed.iter().sum();
            if !got.agrees_with(&event.reply) {
                exact = true;
                if changed {
                    live = None;
                }
                if depth >= deepest.0 {
                    let why = format!(
                        "t{}#{} {} answered {}, the model answered {} after the calls before it",
                        event.thread,
                        event.index,
                        event.op,
                        event.reply.encode(),
                        got.encode()
                    );
                    deepest = (depth, path(&stack, &self.chains), why);
                    stuck = Some(event_id);
                }
                continue;
            }
            placed[chain] += 1;
            if depth + 1 == total {
                let state = dump::dump(&store.open()).map_err(|e| e.to_string())?;
                if state == *end {
                    return Ok(Verdict::Linearizable { explored });
                }
                exact = true;
                if changed {
                    live = None;
                }
                if depth + 1 >= deepest.0 {
                    let mut order = path(&stack, &self.chains);
                    order.push(event_id);
                    let why = format!(
                        "every call placed, but the model's state is not the one the database \
                         showed at the barrier:\n{}",
                        dump::describe(&state, end, ("model", "database"))
                    );
                    deepest = (depth + 1, order, why);
                    stuck = None;
                }
                continue;
            }
            let fp = match (changed, exact) {
                (false, _) => top_fp,
                (true, false) => fingerprint(format!("{top_fp:x}/{event_id}").as_bytes()),
                (true, true) => {
                    let state = dump::dump(&store.open()).map_err(|e| e.to_string())?;
                    fingerprint(serde_json::to_string(&state).unwrap_or_default().as_bytes())
                }
            };
            if !visited.insert((placed.clone(), fp)) {
                if changed {
                    live = None;
                }
                continue;
            }
            ids += 1;
            let id = match changed {
                // The live store now holds the new node's state.
                true => {
                    live = live.map(|(store, _)| (store, ids));
                    ids
                }
                // Unchanged: the same state as the parent, which the live store holds.
                false => top_id,
            };
            stack.push(Frame {
                candidates: self.candidates(&placed),
                placed,
                changed_by: changed.then_some(event_id),
                state: None,
                fp,
                id,
                next: 0,
            });
        }
        Ok(Verdict::NotLinearizable {
            deepest: deepest.1,
            why: deepest.2,
            stuck,
        })
    }

    /// A model store holding the state of the top node: the nearest kept dump below it, loaded,
    /// and the state-changing calls placed since, replayed; a dump is kept at the top when the
    /// replay was long.
    fn restore(&self, stack: &mut [Frame]) -> Result<ModelStore, String> {
        let kept = stack.iter().rposition(|f| f.state.is_some()).unwrap_or(0);
        let base = stack[kept].state.clone().ok_or("the root keeps no state")?;
        let store = load(&base)?;
        let replayed: Vec<usize> = stack[kept + 1..]
            .iter()
            .filter_map(|f| f.changed_by)
            .collect();
        for &event in &replayed {
            apply(&store, &self.events[event]);
        }
        if replayed.len() >= KEEP_EVERY
            && let Some(top) = stack.last_mut()
        {
            top.state = Some(Rc::new(
                dump::dump(&store.open()).map_err(|e| e.to_string())?,
            ));
        }
        Ok(store)
    }
}

/// The events placed along the stack (each frame's last choice, except the top's).
fn path(stack: &[Frame], chains: &[Vec<usize>]) -> Vec<usize> {
    stack
        .windows(2)
        .map(|w| {
            let chain = w[0].candidates[w[0].next - 1];
            chains[chain][w[0].placed[chain]]
        })
        .collect()
}

/// Runs `event` on a fresh handle of `store` in the event's namespace.
fn apply(store: &ModelStore, event: &Event) -> Reply {
    let handle = store.open();
    if let Err(e) = handle.set_namespace(&event.namespace) {
        return Reply {
            outcome: format!("BROKEN namespace {e}"),
            value: 0,
        };
    }
    Reply::of(&checker::call(&handle, &event.op))
}
