//! A reference model holding a given state: the [`Dump`] of a store rebuilt in a fresh
//! [`ModelStore`] through the public calls. The linearizability search starts each window from
//! the state the store showed at the barrier, and backtracks by reloading.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::ModelStore;
use podstate_api::dump::{ContainerDump, Dump};
use podstate_api::{ExecSession, Pod, State, StateError};

/// A fresh model store holding exactly `d`.
///
/// Volumes, pods, then containers in dependency order (members through
/// `add_container_to_pod`), each added with its stored config (rewritten to it when it holds
/// what an add refuses) and state; then each
/// container's networks and aliases are brought to the dump's, and its exec sessions
/// registered; the DB config is pinned first.
///
/// # Errors
/// A call the model refused: the dump is not a state SPEC allows.
pub fn load(d: &Dump) -> Result<ModelStore, String> {
    let store = ModelStore::new();
    let h = store.open();
    let step =
        |what: &str, r: Result<(), StateError>| r.map_err(|e| format!("loading {what}: {e}"));
    step("the DB config", h.validate_db_config(&d.db_config))?;
    for v in &d.volumes {
        step(v.volume.name(), h.add_volume(&v.volume))?;
    }
    let pods: BTreeMap<&str, &Pod> = d.pods.iter().map(|p| (p.pod.id(), &p.pod)).collect();
    for p in &d.pods {
        step(p.pod.id(), h.set_namespace(&p.pod.config.namespace))?;
        step(p.pod.id(), h.add_pod(&p.pod))?;
    }
    let mut pending: Vec<&ContainerDump> = d.containers.iter().collect();
    let mut added: BTreeSet<&str> = BTreeSet::new();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for c in pending {
            let cfg = &c.container.config;
            if !cfg
                .dependencies()
                .iter()
                .all(|dep| added.contains(dep.as_str()))
            {
                rest.push(c);
                continue;
            }
            step(&cfg.id, h.set_namespace(&cfg.namespace))?;
            // A rewrite may have stored aliases for networks the config does not list, which
            // an add refuses: add without them, then rewrite to the stored config.
            let mut first = c.container.clone();
            first
                .config
                .network_aliases
                .retain(|net, _| cfg.networks.contains(net));
            let add = match cfg.pod.as_deref() {
                Some(pod) => {
                    let pod = pods.get(pod).ok_or_else(|| {
                        format!("container {} names a pod not in the dump", cfg.id)
                    })?;
                    h.add_container_to_pod(pod, &first)
                }
                None => h.add_container(&first),
            };
            step(&cfg.id, add)?;
            if first.config != *cfg {
                step(&cfg.id, h.rewrite_container_config(&first, cfg))?;
            }
            networks(&h, c)?;
            for session in &c.exec_sessions {
                let s = ExecSession::new(session.clone(), cfg.id.clone());
                step(session, h.add_exec_session(&c.container, &s))?;
            }
            added.insert(&cfg.id);
        }
        if rest.len() == before {
            return Err("containers whose dependencies are missing or circular".to_owned());
        }
        pending = rest;
    }
    Ok(store)
}

/// Brings the container's current networks and aliases from its config's to the dump's.
fn networks(h: &dyn State, c: &ContainerDump) -> Result<(), String> {
    let fail = |e: StateError| format!("networks of {}: {e}", c.container.id());
    let now = h.get_all_network_aliases(&c.container).map_err(fail)?;
    for (net, aliases) in &now {
        if c.aliases.get(net) != Some(aliases) {
            h.network_disconnect(&c.container, net).map_err(fail)?;
        }
    }
    for (net, aliases) in &c.aliases {
        if now.get(net) != Some(aliases) {
            h.network_connect(&c.container, net, aliases)
                .map_err(fail)?;
        }
    }
    Ok(())
}
