//! The loader of the stress run's search rebuilds every state the generated cases reach.

use podstate_api::dump;
use podstate_reliability::load::load;
use podstate_reliability::oracle::Model;
use podstate_reliability::workload;

#[test]
fn every_state_of_generated_cases_loads_back_exactly() {
    let mut checked = 0;
    for case in 0..120 {
        let ops = workload::case(0x10ad, case, 300);
        let mut model = Model::new(&ops);
        for (i, step) in ops.iter().enumerate() {
            model.step(step);
            if i % 25 == 24 || i + 1 == ops.len() {
                let want = model.dump();
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

#[test]
fn a_rewritten_config_with_aliases_for_unlisted_networks_loads_back() {
    use podstate_api::{Container, ContainerConfig, State};
    use podstate_conformance::model::ModelStore;
    let model = ModelStore::new();
    let h = model.open();
    let mut cfg = ContainerConfig::new("a", "a-name");
    cfg.networks = vec!["net0".into()];
    let ctr = Container::new(cfg.clone());
    h.add_container(&ctr).unwrap();
    cfg.network_aliases
        .insert("net_unlisted".into(), vec!["x".into()]);
    h.rewrite_container_config(&ctr, &cfg).unwrap();
    let want = dump::dump(&h).unwrap();
    let got = dump::dump(&load(&want).unwrap().open()).unwrap();
    assert!(
        got == want,
        "{}",
        dump::describe(&want, &got, ("dump", "loaded"))
    );
}
