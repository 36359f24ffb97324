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
//! past its time budget is **inconclusive**, never a pass.

use std::collections::HashSet;
use std::rc::Rc;
use std::time::{Duration, Instant};

use podstate_api::State;
use podstate_api::dump::{self, Dump};
use podstate_conformance::checker;
use podstate_conformance::model::ModelStore;

use super::history::Event;
use crate::load::load;
use crate::oracle::{Reply, fingerprint};

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
    },
    /// The time budget ran out first.
    Inconclusive {
        /// Search steps taken.
        explored: u64,
    },
}

/// One node of the search: which calls of each thread are placed, and the model's state.
struct Frame {
    placed: Vec<usize>,
    state: Rc<Dump>,
    fp: u64,
    candidates: Vec<usize>,
    next: usize,
}

/// Searches for an order of `events` that takes the model from `start` to `end`.
///
/// # Errors
/// A state the loader cannot rebuild (a bug of the run, not of the database).
pub fn search(
    events: &[Event],
    start: &Dump,
    end: &Dump,
    budget: Duration,
) -> Result<Verdict, String> {
    let deadline = Instant::now() + budget;
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

fn state_fp(d: &Dump) -> u64 {
    fingerprint(serde_json::to_string(d).unwrap_or_default().as_bytes())
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

    fn run(&self, start: &Dump, end: &Dump, deadline: Instant) -> Result<Verdict, String> {
        let total: usize = self.chains.iter().map(Vec::len).sum();
        if total == 0 {
            return Ok(if start == end {
                Verdict::Linearizable { explored: 0 }
            } else {
                Verdict::NotLinearizable {
                    deepest: Vec::new(),
                    why: format!(
                        "no calls, yet the state changed:\n{}",
                        dump::describe(start, end, ("before", "after"))
                    ),
                }
            });
        }
        let placed = vec![0; self.chains.len()];
        let fp = state_fp(start);
        let mut stack = vec![Frame {
            candidates: self.candidates(&placed),
            placed,
            state: Rc::new(start.clone()),
            fp,
            next: 0,
        }];
        let mut live: Option<(ModelStore, u64)> = None;
        let mut visited: HashSet<(Vec<usize>, u64)> = HashSet::new();
        let mut explored = 0u64;
        let mut deepest: (usize, Vec<usize>, String) = (0, Vec::new(), String::new());
        while let Some(top) = stack.last_mut() {
            let Some(&chain) = top.candidates.get(top.next) else {
                stack.pop();
                continue;
            };
            top.next += 1;
            let (mut placed, top_state, top_fp) = (top.placed.clone(), top.state.clone(), top.fp);
            explored += 1;
            if explored.is_multiple_of(32) && Instant::now() > deadline {
                return Ok(Verdict::Inconclusive { explored });
            }
            let event_id = self.chains[chain][placed[chain]];
            let event = &self.events[event_id];
            if live.as_ref().map(|(_, fp)| *fp) != Some(top_fp) {
                live = Some((load(&top_state)?, top_fp));
            }
            let Some((store, _)) = live.as_ref() else {
                continue;
            };
            let got = apply(store, event);
            let changed = event.op.may_write() && got.outcome == "Ok";
            let depth: usize = placed.iter().sum();
            if !got.agrees_with(&event.reply) {
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
                }
                continue;
            }
            let (state, fp) = if changed {
                let d = dump::dump(&store.open()).map_err(|e| e.to_string())?;
                let fp = state_fp(&d);
                if let Some(live) = live.as_mut() {
                    live.1 = fp;
                }
                (Rc::new(d), fp)
            } else {
                (top_state, top_fp)
            };
            placed[chain] += 1;
            if depth + 1 == total {
                if *state == *end {
                    return Ok(Verdict::Linearizable { explored });
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
                }
                continue;
            }
            if !visited.insert((placed.clone(), fp)) {
                continue;
            }
            stack.push(Frame {
                candidates: self.candidates(&placed),
                placed,
                state,
                fp,
                next: 0,
            });
        }
        Ok(Verdict::NotLinearizable {
            deepest: deepest.1,
            why: deepest.2,
        })
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
