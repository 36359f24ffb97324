//! What the reliability commands (`crash`, `stress`, `soak`) share: their children are this
//! very program (`cargo xtask child ...`), and they run the persistent backends.

use podstate_reliability::{Backend, Launcher};

/// Children of a run: this program, in its hidden `child` mode.
pub fn launcher() -> Result<Launcher, String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    Ok(Launcher::new(me, &["child"]))
}

/// The backends named (both persistent ones when none is).
pub fn backends(names: &[String]) -> Result<Vec<Backend>, String> {
    if names.is_empty() {
        return Ok(Backend::ALL.to_vec());
    }
    names.iter().map(|n| Backend::parse(n)).collect()
}
