//! Item 4 at a small budget: container lifecycles from three processes; every call succeeds,
//! the engine's integrity check and every invariant hold afterwards, only the long-lived
//! containers remain, and the files stay bounded.

use podstate_reliability::soak::{self, SoakConfig};
use podstate_reliability::{Launcher, PersistentBackend};

fn run(backend: PersistentBackend) {
    let config = SoakConfig {
        backend,
        procs: 3,
        lifecycles: 300,
        // RAM-backed where there is one: the soak is about the engine's files, not the disk.
        dir: Some("/dev/shm".into()).filter(|d: &std::path::PathBuf| d.is_dir()),
    };
    let launcher = Launcher::new(env!("CARGO_BIN_EXE_podstate-reliability-child"), &[]);
    let report = soak::run(&launcher, &config, &mut |_| {}).unwrap();
    eprintln!("{report}");
    assert!(report.passed(), "{report}");
    assert_eq!(report.lifecycles, 300);
    assert_eq!(report.sizes.len(), 10);
}

#[test]
fn sqlite_soaks_lifecycles_from_several_processes() {
    run(PersistentBackend::Sqlite);
}

#[test]
fn redb_soaks_lifecycles_from_several_processes() {
    run(PersistentBackend::Redb);
}
