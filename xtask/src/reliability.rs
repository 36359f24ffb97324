//! What the reliability commands (`crash`, `stress`, `soak`) share: their children are this
//! very program (`cargo xtask child ...`), and they run the persistent backends.

use anyhow::Context;
use podstate_reliability::{Launcher, PersistentBackend};

/// Children of a run: this program, in its hidden `child` mode.
pub fn launcher() -> anyhow::Result<Launcher> {
    let me = std::env::current_exe().context("cannot find this program")?;
    Ok(Launcher::new(me, &["child"]))
}

/// The backends named (both persistent ones when none is).
pub fn backends(names: &[String]) -> anyhow::Result<Vec<PersistentBackend>> {
    if names.is_empty() {
        return Ok(PersistentBackend::ALL.to_vec());
    }
    names
        .iter()
        .map(|n| Ok(PersistentBackend::parse(n)?))
        .collect()
}
