//! Which (call, outcome) pairs the scenario suite demands, recorded while it runs (the model
//! checker measures what a backend *reached* in [`checker::Coverage`](crate::checker::Coverage)).
//!
//! The harness records every outcome a scenario *expects* (not what the backend answered), per
//! thread. A runner clears the record with [`take`], runs scenarios on the same thread, then calls
//! [`take`] again and compares with [`Call::reachable_outcomes`] through [`missing`].

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::{Call, Outcome};

thread_local! {
    static SEEN: RefCell<BTreeSet<(Call, Outcome)>> = const { RefCell::new(BTreeSet::new()) };
}

/// Notes that a scenario on this thread demanded `outcome` from `call`.
pub fn record(call: Call, outcome: Outcome) {
    SEEN.with(|seen| seen.borrow_mut().insert((call, outcome)));
}

/// What this thread recorded since the last call, clearing the record.
pub fn take() -> BTreeSet<(Call, Outcome)> {
    SEEN.with(|seen| std::mem::take(&mut *seen.borrow_mut()))
}

/// Every reachable outcome of every call (SPEC §4, without `Io` and `Corrupt`) absent from `seen`.
pub fn missing(seen: &BTreeSet<(Call, Outcome)>) -> Vec<(Call, Outcome)> {
    (Call::reachable_pairs())
        .filter(|pair| !seen.contains(pair))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use podstate_api::ErrorKind;

    #[test]
    fn take_returns_and_clears_what_was_recorded() {
        take();
        record(Call::HasPod, Outcome::Ok);
        record(Call::HasPod, Outcome::Err(ErrorKind::InvalidArg));
        let seen = take();
        assert_eq!(seen.len(), 2);
        assert!(take().is_empty());
        let gaps = missing(&seen);
        assert!(gaps.contains(&(Call::HasPod, Outcome::Err(ErrorKind::DbClosed))));
        assert!(!gaps.contains(&(Call::HasPod, Outcome::Ok)));
    }
}
