//! Item 1 at a small budget: children killed with SIGKILL at random moments, each database
//! reopened and compared with the model.

use podstate_reliability::crash::{self, CrashConfig};
use podstate_reliability::{Backend, Launcher};

fn launcher() -> Launcher {
    Launcher::new(env!("CARGO_BIN_EXE_podstate-reliability-child"), &[])
}

fn run(backend: Backend) {
    let config = CrashConfig {
        backend,
        trials: 12,
        ops: 40,
        seed: 0xc4a5,
        dir: None,
    };
    let report = crash::run(&launcher(), &config, &mut |_| {});
    eprintln!("{report}");
    assert!(report.passed(), "{report}");
    assert_eq!(report.trials, 12);
    // Most children die before their case ends: the kill point is drawn inside it.
    assert!(report.interrupted >= 6, "{report}");
}

#[test]
fn sqlite_survives_sigkill_at_any_moment() {
    run(Backend::Sqlite);
}

#[test]
fn redb_survives_sigkill_at_any_moment() {
    run(Backend::Redb);
}
