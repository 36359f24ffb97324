//! The loader of the linearizability search rebuilds every state the generated cases reach.

use podstate_api::Capabilities;
use podstate_api::dump;
use podstate_conformance::checker::{Driver, generate_case, handles_of};
use podstate_conformance::concurrent::load;
use podstate_conformance::model::ModelStore;

#[test]
fn every_state_of_generated_cases_loads_back_exactly() {
    let caps = Capabilities::persistent().intersect(Capabilities::in_memory());
    let mut checked = 0;
    for case in 0..120 {
        let ops = generate_case(0x10ad, case, 300, caps);
        let mut model = Driver::new(Box::new(ModelStore::new()), handles_of(&ops)).unwrap();
        for (i, step) in ops.iter().enumerate() {
            model.apply(step);
            if i % 25 == 24 || i + 1 == ops.len() {
                let want = dump::dump(model.checker().unwrap()).unwrap();
                let store = load(&want).unwrap_or_else(|e| panic!("case {case} step {i}: {e}"));
                let got = dump::dump(&store.open()).unwrap();
                assert!(
                    got == want,
                    "case {case} step {i}:\n{}",
                    dump::describe(&want, &got, ("dump", "loaded"))
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000);
}
