//! `cargo xtask gen`: a large, consistent state built through the public API, to try the
//! `podstate` command (migrate, check, export) on a database of realistic size.
//!
//! Containers get 64-hex IDs, names `ctr-<i>`, one named volume each from the pool, one
//! network with two aliases, a dependency on an earlier container for one in ten, and an exec
//! session for one in twenty; pods get their members (the first ones of the containers), each
//! member after the first depending on the pod's first member.

use anyhow::Context;
use podstate_conformance::rng::SplitMix64;
use std::time::Instant;

use podstate::{
    Container, ContainerConfig, ExecSession, NamedVolume, Payload, Pod, PodConfig, State, Volume,
    VolumeConfig,
};

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Containers in all.
    pub containers: usize,
    /// Pods; the first `pods * members_per_pod` containers are their members.
    pub pods: usize,
    /// Volumes in the pool.
    pub volumes: usize,
}

/// A 64-hex ID, the same for the same `n`: the first draw of each of four seeds.
fn hex_id(n: u64) -> String {
    (0..4)
        .map(|k| format!("{:016x}", SplitMix64::new(n * 4 + k).next_u64()))
        .collect()
}

fn payload(text: String) -> anyhow::Result<Payload> {
    Ok(Payload::from_json(text)?)
}

/// Builds `shape` into the (empty) store at `url`, creating it if missing.
pub fn run(url: &str, shape: Shape) -> anyhow::Result<()> {
    let store = podstate::open(url).with_context(|| format!("cannot open {url}"))?;
    let state = store.open_handle()?;
    let started = Instant::now();
    build(state.as_ref(), shape).with_context(|| format!("building into {url}"))?;
    println!(
        "built {} containers, {} pods, {} volumes into {url} in {:.1?}",
        shape.containers,
        shape.pods,
        shape.volumes,
        started.elapsed()
    );
    Ok(())
}

/// Builds `shape` through `state`'s calls.
pub fn build(state: &dyn State, shape: Shape) -> anyhow::Result<()> {
    for v in 0..shape.volumes {
        let mut cfg = VolumeConfig::new(format!("vol-{v}"));
        cfg.payload = payload(format!(r#"{{"driver":"local","labels":{{"n":"{v}"}}}}"#))?;
        state.add_volume(&Volume::new(cfg))?;
    }
    let per_pod = shape
        .containers
        .checked_div(shape.pods)
        .map_or(0, |n| n.min(5));
    let mut pods = Vec::with_capacity(shape.pods);
    for p in 0..shape.pods {
        let cfg = PodConfig::new(hex_id(1 << 40 | p as u64), format!("pod-{p}"));
        let pod = Pod::new(cfg);
        state.add_pod(&pod)?;
        pods.push(pod);
    }
    for i in 0..shape.containers {
        let mut cfg = ContainerConfig::new(hex_id(i as u64), format!("ctr-{i}"));
        cfg.payload = payload(format!(
            r#"{{"image":"registry.example/app:{i}","command":["/bin/app","--id","{i}"],"labels":{{"tier":"{}"}}}}"#,
            i % 3
        ))?;
        if shape.volumes > 0 {
            cfg.named_volumes.push(NamedVolume {
                name: format!("vol-{}", i % shape.volumes),
                dest: "/data".into(),
                options: vec!["rw".into()],
            });
        }
        cfg.networks = vec!["podman".into()];
        cfg.network_aliases
            .insert("podman".into(), vec![format!("ctr-{i}"), format!("c{i}")]);
        let member = per_pod > 0 && i < shape.pods * per_pod;
        let ctr = if member {
            let pod = &pods[i / per_pod];
            cfg.pod = Some(pod.id().to_owned());
            if i % per_pod != 0 {
                cfg.depends_on = vec![hex_id((i - i % per_pod) as u64)];
            }
            let ctr = Container::new(cfg);
            state.add_container_to_pod(pod, &ctr)?;
            ctr
        } else {
            let first_free = shape.pods * per_pod;
            if i % 10 == 0 && i > first_free {
                cfg.depends_on = vec![hex_id((first_free + (i - first_free) / 2) as u64)];
            }
            let ctr = Container::new(cfg);
            state.add_container(&ctr)?;
            ctr
        };
        if i % 20 == 0 {
            let session = ExecSession::new(format!("exec-{i}"), ctr.id());
            state.add_exec_session(&ctr, &session)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_state_is_consistent_and_as_large_as_asked() {
        let store = podstate::open("memory:").unwrap();
        let state = store.open_handle().unwrap();
        let shape = Shape {
            containers: 120,
            pods: 10,
            volumes: 7,
        };
        build(state.as_ref(), shape).unwrap();
        assert_eq!(store.verify().unwrap(), []);
        let snapshot = store.snapshot().unwrap();
        assert_eq!(snapshot.containers.len(), 120);
        assert_eq!(snapshot.pods.len(), 10);
        assert_eq!(snapshot.volumes.len(), 7);
        assert_eq!(snapshot.exec_sessions.len(), 6);
        let pod = state.pod(snapshot.pods[0].id()).unwrap();
        assert_eq!(state.pod_containers_by_id(&pod).unwrap().len(), 5);
    }
}
