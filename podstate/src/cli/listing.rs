//! What `inspect` lists: rows built from a store's inventory (its records as the backend
//! walks them), filtered and ordered as `podman ps` orders them (newest first; volumes by
//! name), with the records that cannot be read kept as marked rows.

use std::collections::{BTreeMap, BTreeSet};

use podstate::verify::Inventory;
use podstate::{Container, ContainerStatus, Timestamp};
use serde::Serialize;

use super::filter::Filters;
use super::words::rfc3339;

/// What `inspect --format json` prints.
#[derive(Debug, Serialize)]
pub struct Listing {
    pub containers: Vec<ContainerRow>,
    pub pods: Vec<PodRow>,
    pub volumes: Vec<VolumeRow>,
    /// Records that cannot be read, described.
    pub unreadable: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ContainerRow {
    /// The created time, for the table (JSON has it as `created`).
    #[serde(skip)]
    pub when: Option<Timestamp>,
    pub id: String,
    pub name: String,
    pub namespace: String,
    pub pod: Option<String>,
    pub pod_name: Option<String>,
    pub status: String,
    pub exit_code: Option<i32>,
    pub created: Option<String>,
    pub dependencies: Vec<String>,
    pub networks: BTreeMap<String, Vec<String>>,
    pub exec_sessions: Vec<String>,
    pub readable: bool,
}

#[derive(Debug, Serialize)]
pub struct PodRow {
    /// The created time, for the table (JSON has it as `created`).
    #[serde(skip)]
    pub when: Option<Timestamp>,
    pub id: String,
    pub name: String,
    pub namespace: String,
    pub created: Option<String>,
    pub members: Vec<String>,
    pub readable: bool,
}

#[derive(Debug, Serialize)]
pub struct VolumeRow {
    /// The created time, for the table (JSON has it as `created`).
    #[serde(skip)]
    pub when: Option<Timestamp>,
    pub name: String,
    pub created: Option<String>,
    pub mount_count: Option<u32>,
    pub users: Vec<String>,
    pub readable: bool,
}

/// The status shown for a record that cannot be read.
pub const UNREADABLE: &str = "unreadable";

/// What the identity indexes say of an object whose record cannot be read: its name and
/// namespace, where a backend keeps them apart.
fn known_identity(inv: &Inventory, id: &str) -> (String, String) {
    let entries = inv
        .indexes
        .iter()
        .flat_map(|idx| &idx.identities)
        .filter_map(|index| index.entries.get(id));
    let (mut name, mut namespace) = (None, None);
    for entry in entries {
        name = name.or_else(|| entry.name.clone());
        namespace = namespace.or_else(|| entry.namespace.clone());
    }
    (
        name.unwrap_or_else(|| "?".into()),
        namespace.unwrap_or_default(),
    )
}

/// The rows `filters` keep, newest first (volumes by name), then the unreadable records.
pub fn listing(inv: &Inventory, filters: &Filters) -> Listing {
    let pod_names: BTreeMap<&str, &str> = inv
        .pods
        .iter()
        .map(|(id, p)| (id.as_str(), p.config.name.as_str()))
        .collect();
    let mut sessions: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (session, owner) in &inv.exec_sessions {
        sessions.entry(owner).or_default().push(session.clone());
    }
    let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in inv.containers.values() {
        if let Some(pod) = &c.config.pod {
            members.entry(pod).or_default().push(c.config.id.clone());
        }
        for name in c.config.volume_names() {
            users.entry(name).or_default().insert(c.config.id.clone());
        }
    }

    let mut containers: Vec<(i64, ContainerRow)> = Vec::new();
    for (id, c) in &inv.containers {
        let cfg = &c.config;
        let pod = cfg
            .pod
            .as_deref()
            .map(|p| (p, *pod_names.get(p).unwrap_or(&"?")));
        let status = format!("{:?}", c.state.status);
        if !filters.container(&cfg.name, &cfg.namespace, pod, &status) {
            continue;
        }
        let networks = (inv.aliases.get(id).cloned().unwrap_or_default().into_iter())
            .map(|(net, aliases)| (net, aliases.into_iter().collect()))
            .collect();
        let row = ContainerRow {
            when: Some(cfg.created),
            id: id.clone(),
            name: cfg.name.clone(),
            namespace: cfg.namespace.clone(),
            pod: cfg.pod.clone(),
            pod_name: pod.map(|(_, name)| name.to_owned()),
            status,
            exit_code: exit_code(c),
            created: Some(rfc3339(cfg.created)),
            dependencies: cfg.dependencies(),
            networks,
            exec_sessions: sessions.get(id.as_str()).cloned().unwrap_or_default(),
            readable: true,
        };
        containers.push((cfg.created.secs(), row));
    }
    for id in &inv.unread.containers {
        let (name, namespace) = known_identity(inv, id);
        if filters.container(&name, &namespace, None, UNREADABLE) {
            let row = ContainerRow {
                when: None,
                id: id.clone(),
                name,
                namespace,
                pod: None,
                pod_name: None,
                status: UNREADABLE.to_owned(),
                exit_code: None,
                created: None,
                dependencies: Vec::new(),
                networks: BTreeMap::new(),
                exec_sessions: sessions.get(id.as_str()).cloned().unwrap_or_default(),
                readable: false,
            };
            containers.push((i64::MIN, row));
        }
    }
    containers.sort_by(|(a, x), (b, y)| b.cmp(a).then_with(|| x.name.cmp(&y.name)));

    let mut pods: Vec<(i64, PodRow)> = Vec::new();
    for (id, p) in &inv.pods {
        let cfg = &p.config;
        if filters.pod(id, &cfg.name, &cfg.namespace) {
            let row = PodRow {
                when: Some(cfg.created),
                id: id.clone(),
                name: cfg.name.clone(),
                namespace: cfg.namespace.clone(),
                created: Some(rfc3339(cfg.created)),
                members: members.get(id.as_str()).cloned().unwrap_or_default(),
                readable: true,
            };
            pods.push((cfg.created.secs(), row));
        }
    }
    for id in &inv.unread.pods {
        let (name, namespace) = known_identity(inv, id);
        if filters.pod(id, &name, &namespace) {
            let row = PodRow {
                when: None,
                id: id.clone(),
                name,
                namespace,
                created: None,
                members: members.get(id.as_str()).cloned().unwrap_or_default(),
                readable: false,
            };
            pods.push((i64::MIN, row));
        }
    }
    pods.sort_by(|(a, x), (b, y)| b.cmp(a).then_with(|| x.name.cmp(&y.name)));

    let mut volumes: Vec<VolumeRow> = Vec::new();
    let names = inv.volumes.keys().chain(&inv.unread.volumes);
    for name in names.filter(|name| filters.volume(name)) {
        let vol = inv.volumes.get(name);
        volumes.push(VolumeRow {
            when: vol.map(|v| v.config.created),
            name: name.clone(),
            created: vol.map(|v| rfc3339(v.config.created)),
            mount_count: vol.map(|v| v.state.mount_count),
            users: (users.get(name).into_iter().flatten().cloned()).collect(),
            readable: vol.is_some(),
        });
    }
    volumes.sort_by(|a, b| a.name.cmp(&b.name));

    Listing {
        containers: containers.into_iter().map(|(_, row)| row).collect(),
        pods: pods.into_iter().map(|(_, row)| row).collect(),
        volumes,
        unreadable: inv.unreadable.iter().map(ToString::to_string).collect(),
    }
}

/// The exit code of a container that has exited or stopped.
fn exit_code(c: &Container) -> Option<i32> {
    let done = matches!(
        c.state.status,
        ContainerStatus::Exited | ContainerStatus::Stopped
    );
    (done || c.state.exited).then_some(c.state.exit_code)
}
