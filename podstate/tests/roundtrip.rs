//! Export and import between backends over states the model checker's generator builds:
//! whatever a sequence of calls leaves in one backend, the export file carries to every other
//! backend, which then answers every call the same, and exports the same bytes again.
#![cfg(all(feature = "sqlite", feature = "redb"))]

use podstate::dump::{describe, dump};
use podstate::{Capabilities, Store, export};
use podstate_conformance::checker::{self, MAX_HANDLES, Op, generate_case};
use proptest::prelude::*;

/// A memory store after case `case` of seed `seed` (operations on up to three handles; a
/// reopen keeps a memory store as it is).
fn generated(seed: u64, case: usize) -> Box<dyn Store> {
    let store = podstate::open("memory:").unwrap();
    let handles: Vec<_> = (0..MAX_HANDLES)
        .map(|_| store.open_handle().unwrap())
        .collect();
    for step in generate_case(seed, case, 150, Capabilities::in_memory()) {
        if step.op != Op::Reopen {
            checker::call(handles[step.handle].as_ref(), &step.op);
        }
    }
    store
}

fn temporary(backend: &str) -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{backend}:{}", dir.path().join("copy").display());
    let store = podstate::open(&url).unwrap();
    (dir, store)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_backend_imports_what_another_exported(seed in any::<u64>(), case in 0usize..4) {
        let source = generated(seed, case);
        let mut file = Vec::new();
        export::write(&mut file, &source.snapshot().unwrap()).unwrap();
        let original = dump(source.open_handle().unwrap().as_ref()).unwrap();
        for backend in ["sqlite", "redb", "memory"] {
            let (_dir, target) = match backend {
                "memory" => (tempfile::tempdir().unwrap(), podstate::open("memory:").unwrap()),
                other => temporary(other),
            };
            target.restore(&export::read(&file).unwrap()).unwrap();
            let copy = dump(target.open_handle().unwrap().as_ref()).unwrap();
            prop_assert!(copy == original, "{backend}: {}", describe(&original, &copy, ("source", backend)));
            let mut again = Vec::new();
            export::write(&mut again, &target.snapshot().unwrap()).unwrap();
            prop_assert!(again == file, "{backend}: a second export differs");
            prop_assert_eq!(target.verify().unwrap(), vec![]);
        }
    }
}
