//! Opening a window's store and judging a window: what the run and the shrinking of a failure
//! both do.

use podstate_api::State;
use podstate_api::dump::Dump;

use super::history::Event;
use super::linearize::{SearchBudget, Verdict, search};
use super::window::Problem;
use crate::factory::{BackendFactory, Store};

/// A store of `factory` with an observing handle (namespace `""`) and `threads` handles.
pub(super) type Opened = (Box<dyn Store>, Box<dyn State>, Vec<Box<dyn State>>);

/// Opens a fresh store of `factory` for `threads` threads.
pub(super) fn open(factory: &dyn BackendFactory, threads: usize) -> Result<Opened, String> {
    let store = factory
        .create()
        .map_err(|e| format!("cannot create a store: {e}"))?;
    let observer = store
        .open_handle()
        .map_err(|e| format!("cannot open a handle: {e}"))?;
    let handles = (0..threads)
        .map(|_| store.open_handle())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot open a handle: {e}"))?;
    Ok((store, observer, handles))
}

/// A window's verdict.
pub(super) enum Judged {
    Linearizable(u64),
    Inconclusive(u64),
    /// Why, and the call (thread, index) where it shows, when one does.
    Failed(String, Option<(usize, usize)>),
}

/// Judges a window: first the answers outside the contract, then the search.
pub(super) fn judge(
    events: &[Event],
    problems: Vec<Problem>,
    start: &Dump,
    end: &Dump,
    budget: SearchBudget,
) -> Judged {
    if let Some((at, _)) = problems.first() {
        let said: Vec<&str> = problems.iter().map(|(_, said)| said.as_str()).collect();
        let why = format!("outside the contract:\n  {}", said.join("\n  "));
        return Judged::Failed(why, Some(*at));
    }
    match search(events, start, end, budget) {
        Ok(Verdict::Linearizable { explored }) => Judged::Linearizable(explored),
        Ok(Verdict::Inconclusive { explored }) => Judged::Inconclusive(explored),
        Ok(Verdict::NotLinearizable {
            deepest,
            why,
            stuck,
        }) => {
            let order: Vec<String> = deepest
                .iter()
                .map(|&i| format!("t{}#{}", events[i].thread, events[i].index))
                .collect();
            let why = format!(
                "not linearizable: no order of these calls that their times allow gives these \
                 answers.\nlongest order that fits: {}\nthen: {why}",
                match order.is_empty() {
                    true => "(none)".to_owned(),
                    false => order.join(" "),
                }
            );
            Judged::Failed(why, stuck.map(|i| (events[i].thread, events[i].index)))
        }
        Err(why) => Judged::Failed(format!("the window could not be searched: {why}"), None),
    }
}
