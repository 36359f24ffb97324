//! The benchmark's workload (issue 11, item 1): podman-sized containers with random 64-hex IDs,
//! names `ctr-<i>`, a 7.5 KiB config payload shaped like an OCI spec and a 0.6 KiB state
//! payload, 10% depending on another container, one named volume each from a pool of 100, one
//! network with two aliases; then 100 pods of 5 members each.
//!
//! Everything is drawn from a fixed seed, so every backend and every raw engine gets the same
//! objects, byte for byte.

use std::collections::BTreeMap;

use podstate_api::{
    Container, ContainerConfig, NamedVolume, Payload, Pod, PodConfig, Timestamp, Volume,
    VolumeConfig,
};
use serde_json::{Value, json};

/// Size of a config payload, as podman's (~7.6 KB).
pub const CONFIG_PAYLOAD_BYTES: usize = 7_680;
/// Size of a state payload.
pub const STATE_PAYLOAD_BYTES: usize = 614;
/// Named volumes in the pool the containers draw from.
pub const VOLUMES: usize = 100;
/// Pods added after the containers (a `--quick` run adds fewer).
pub const PODS: usize = 100;
/// Members of each pod.
pub const POD_MEMBERS: usize = 5;
/// The one network every container joins.
pub const NETWORK: &str = "podman";

/// The workload's generator: the judge's one seeded source, whose stream is fixed, so that two
/// versions of the bench measure the same IDs.
pub use podstate_conformance::rng::SplitMix64 as Rng;

/// Everything the bench adds, in the order it adds it.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The volume pool, added first.
    pub volumes: Vec<Volume>,
    /// The N containers outside pods, in add order (a dependency always comes first).
    pub containers: Vec<Container>,
    /// The pods, each with its members.
    pub pods: Vec<(Pod, Vec<Container>)>,
}

impl Workload {
    /// The workload with `n` containers outside pods and `pods` pods, from the bench's fixed
    /// seed.
    pub fn new(n: usize, pods: usize) -> Workload {
        let volumes = (0..VOLUMES)
            .map(|v| {
                let mut cfg = VolumeConfig::new(volume_name(v));
                cfg.created = created(v);
                Volume::new(cfg)
            })
            .collect();
        let containers = generate(n);
        let mut rng = Rng::new(0x90d5_0000_0000 ^ n as u64);
        let pods = (0..pods)
            .map(|p| {
                let pod_id = rng.hex_id();
                let mut cfg = PodConfig::new(pod_id.clone(), format!("pod-{p}"));
                cfg.created = created(p);
                let members = (0..POD_MEMBERS)
                    .map(|k| {
                        let i = n + p * POD_MEMBERS + k;
                        let mut cfg = base_config(&rng.hex_id(), &format!("pod-{p}-ctr-{k}"), i);
                        cfg.pod = Some(pod_id.clone());
                        finish(cfg, i)
                    })
                    .collect();
                (Pod::new(cfg), members)
            })
            .collect();
        Workload {
            volumes,
            containers,
            pods,
        }
    }

    /// How many containers the workload adds: outside pods, then the pod members.
    pub fn all_containers(&self) -> usize {
        self.containers.len() + self.pods.len() * POD_MEMBERS
    }
}

/// The containers outside pods, one after the other, as [`generate`] makes them: the scaling
/// run grows one store step by step without holding every container.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: Rng,
    ids: Vec<String>,
}

impl Default for Generator {
    fn default() -> Generator {
        Generator::new()
    }
}

impl Generator {
    /// Starts at container 0.
    pub fn new() -> Generator {
        Generator {
            rng: Rng::new(0x0b0d_57a7_e000),
            ids: Vec::new(),
        }
    }
}

impl Iterator for Generator {
    type Item = Container;

    fn next(&mut self) -> Option<Container> {
        let i = self.ids.len();
        let id = self.rng.hex_id();
        let mut cfg = base_config(&id, &format!("ctr-{i}"), i);
        if i % 10 == 9 {
            let j = self.rng.below(i as u64) as usize;
            cfg.depends_on = vec![self.ids[j].clone()];
        }
        self.ids.push(id);
        Some(finish(cfg, i))
    }
}

/// The first `n` containers outside pods.
pub fn generate(n: usize) -> Vec<Container> {
    Generator::new().take(n).collect()
}

/// The name of volume `v` of the pool.
pub fn volume_name(v: usize) -> String {
    format!("vol-{v:02}")
}

fn created(i: usize) -> Timestamp {
    Timestamp::new(1_764_000_000 + i as i64, (i as u32 % 1000) * 1_000_001).unwrap_or_default()
}

/// A container config with everything but the pod and dependencies set.
fn base_config(id: &str, name: &str, i: usize) -> ContainerConfig {
    let mut cfg = ContainerConfig::new(id, name);
    cfg.lock_id = i as u32;
    cfg.named_volumes = vec![NamedVolume {
        name: volume_name(i % VOLUMES),
        dest: "/var/lib/data".into(),
        options: vec!["rw".into(), "rprivate".into()],
    }];
    cfg.networks = vec![NETWORK.into()];
    cfg.network_aliases = BTreeMap::from([(
        NETWORK.into(),
        vec![format!("{name}-a"), format!("{name}-b")],
    )]);
    cfg.created = created(i);
    cfg.payload = config_payload(id, name);
    cfg
}

/// The container with config `cfg` and a podman-sized state.
fn finish(cfg: ContainerConfig, i: usize) -> Container {
    let mut ctr = Container::new(cfg);
    ctr.state.payload = state_payload(&ctr.config.id, i);
    ctr
}

/// `doc` as a payload of `bytes` bytes (or its own size, if larger): a filler member is added
/// to the top-level object in the text, so that each payload is serialized once.
fn padded(doc: &Value, bytes: usize) -> Payload {
    let mut text = doc.to_string();
    let filler = r#","zz_pad":""#;
    let room = bytes.saturating_sub(text.len() + filler.len() + 1);
    if room > 0 && text.ends_with('}') {
        text.pop();
        text.push_str(filler);
        text.extend(std::iter::repeat_n('x', room));
        text.push_str("\"}");
    }
    Payload::from_json(text).unwrap_or_default()
}

/// A 7.5 KiB config payload shaped like podman's: an OCI runtime spec plus podman's fields.
fn config_payload(id: &str, name: &str) -> Payload {
    let caps = [
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_FOWNER",
        "CAP_FSETID",
        "CAP_KILL",
        "CAP_NET_BIND_SERVICE",
        "CAP_SETFCAP",
        "CAP_SETGID",
        "CAP_SETPCAP",
        "CAP_SETUID",
        "CAP_SYS_CHROOT",
    ];
    let mounts: Vec<Value> = [
        ("/proc", "proc", "proc"),
        ("/dev", "tmpfs", "tmpfs"),
        ("/sys", "sysfs", "sysfs"),
        ("/dev/pts", "devpts", "devpts"),
        ("/dev/mqueue", "mqueue", "mqueue"),
        ("/etc/hosts", "bind", "/run/containers/storage/hosts"),
        (
            "/etc/resolv.conf",
            "bind",
            "/run/containers/storage/resolv.conf",
        ),
        (
            "/run/.containerenv",
            "bind",
            "/run/containers/storage/containerenv",
        ),
    ]
    .iter()
    .map(|(dest, kind, src)| {
        json!({"destination": dest, "type": kind, "source": src,
               "options": ["nosuid", "noexec", "nodev", "rbind"]})
    })
    .collect();
    let doc = json!({
        "spec": {
            "ociVersion": "1.0.2-dev",
            "process": {
                "terminal": false,
                "user": {"uid": 0, "gid": 0, "umask": 18, "additionalGids": [0]},
                "args": ["/usr/sbin/nginx", "-g", "daemon off;"],
                "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                        "TERM=xterm", "container=podman", format!("HOSTNAME={}", &id[..12])],
                "cwd": "/",
                "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1_048_576, "soft": 1_048_576},
                            {"type": "RLIMIT_NPROC", "hard": 4_194_304, "soft": 4_194_304}],
                "oomScoreAdj": 0
            },
            "root": {"path": format!("/var/lib/containers/storage/overlay/{id}/merged")},
            "hostname": &id[..12],
            "mounts": mounts,
            "annotations": {"io.container.manager": "libpod", "org.opencontainers.image.stopSignal": "3"},
            "linux": {
                "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                               {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}],
                "resources": {"pids": {"limit": 2048}, "devices": [{"allow": false, "access": "rwm"}]},
                "cgroupsPath": format!("machine.slice:libpod:{id}"),
                "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                                "/proc/scsi", "/sys/firmware", "/sys/fs/selinux", "/sys/dev/block"],
                "readonlyPaths": ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
                                  "/proc/sys", "/proc/sysrq-trigger"]
            }
        },
        "name": name,
        "rootfsImageID": "605c77e624ddb75e6110f997c58876baa13f8754486b461117934b24a9dc3a85",
        "rootfsImageName": "docker.io/library/nginx:latest",
        "command": ["nginx", "-g", "daemon off;"],
        "labels": {"app": "web", "tier": "frontend"}
    });
    padded(&doc, CONFIG_PAYLOAD_BYTES)
}

/// A 0.6 KiB state payload shaped like podman's runtime state.
fn state_payload(id: &str, i: usize) -> Payload {
    let doc = json!({
        "runtime": "crun",
        "ociRuntimePath": "/usr/bin/crun",
        "conmonPidFile": format!("/run/containers/storage/overlay-containers/{id}/userdata/conmon.pid"),
        "checkpointed": false,
        "healthCheckStatus": "",
        "restartPolicy": "no",
        "startedCount": i % 7
    });
    padded(&doc, STATE_PAYLOAD_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_podman_sized_and_deterministic() {
        let a = generate(50);
        let b = generate(50);
        assert_eq!(a, b);
        let c = &a[19];
        assert_eq!(c.config.id.len(), 64);
        assert_eq!(c.config.payload.as_str().len(), CONFIG_PAYLOAD_BYTES);
        assert_eq!(c.state.payload.as_str().len(), STATE_PAYLOAD_BYTES);
        assert_eq!(c.config.depends_on.len(), 1);
        assert_eq!(
            a.iter().filter(|c| !c.config.depends_on.is_empty()).count(),
            5
        );
    }
}
