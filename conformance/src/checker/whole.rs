//! At the end of every case, the whole-store operations of `Store` on the grown store: the
//! snapshot equals the model's, `verify` finds nothing wrong, and the snapshot restored into a
//! fresh store of the same backend answers every call as the original does.

use podstate_api::dump::{describe, dump};

use super::apply::Driver;
use super::reason::Reason;
use crate::factory::BackendFactory;

/// The whole-store checks on the backend's store (driven by `b`) against the model's (`m`).
pub(super) fn check(factory: &dyn BackendFactory, b: &Driver, m: &Driver) -> Result<(), Reason> {
    let lost = || Reason::WholeStore("the store was lost by a failed reopen".into());
    let (store, model) = (b.store().ok_or_else(lost)?, m.store().ok_or_else(lost)?);
    let failed =
        |what: &str, e: podstate_api::StateError| Reason::WholeStore(format!("{what} failed: {e}"));
    let snapshot = store.snapshot().map_err(|e| failed("snapshot", e))?;
    let expected = model
        .snapshot()
        .map_err(|e| failed("the model's snapshot", e))?;
    if snapshot != expected {
        return Err(Reason::WholeStore(
            "the snapshot differs from the model's".into(),
        ));
    }
    let violations = store.verify().map_err(|e| failed("verify", e))?;
    if let Some(first) = violations.first() {
        return Err(Reason::WholeStore(format!(
            "verify reports {} violation(s) on a sound store, the first: {first}",
            violations.len()
        )));
    }
    let copy = factory
        .create()
        .map_err(|e| failed("creating a second store", e))?;
    copy.restore(&snapshot)
        .map_err(|e| failed("restoring the snapshot", e))?;
    let original = b.checker().ok_or_else(lost)?;
    let restored = copy
        .open_handle()
        .map_err(|e| failed("opening the restored store", e))?;
    let (a, r) = (
        dump(original).map_err(|e| failed("dumping the store", e))?,
        dump(restored.as_ref()).map_err(|e| failed("dumping the restored store", e))?,
    );
    if a != r {
        return Err(Reason::WholeStore(format!(
            "the restored copy differs from the store:\n{}",
            describe(&a, &r, ("store", "copy"))
        )));
    }
    Ok(())
}
