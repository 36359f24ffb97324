//! `podstate inspect`: what a store holds, as a table or as JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use podstate::snapshot::Snapshot;
use serde::Serialize;

/// What `inspect --json` prints.
#[derive(Debug, Serialize)]
struct Listing {
    containers: Vec<ContainerRow>,
    pods: Vec<PodRow>,
    volumes: Vec<VolumeRow>,
}

#[derive(Debug, Serialize)]
struct ContainerRow {
    id: String,
    name: String,
    namespace: String,
    pod: Option<String>,
    status: String,
    dependencies: Vec<String>,
    networks: BTreeMap<String, Vec<String>>,
    exec_sessions: Vec<String>,
}

#[derive(Debug, Serialize)]
struct PodRow {
    id: String,
    name: String,
    namespace: String,
    members: Vec<String>,
}

#[derive(Debug, Serialize)]
struct VolumeRow {
    name: String,
    users: Vec<String>,
}

/// Runs `inspect`.
pub fn run(url: &str, json: bool, namespace: Option<&str>) -> Result<ExitCode, String> {
    let (_, store) = super::open(url, true)?;
    let bar = super::progress::Phase::start(format!("reading {url}"));
    let snapshot = store
        .snapshot()
        .map_err(|e| format!("cannot read {url}: {e}"))?;
    bar.finish();
    let listing = listing(&snapshot, namespace);
    if json {
        let text = serde_json::to_string_pretty(&listing).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", table(&listing));
    }
    Ok(ExitCode::SUCCESS)
}

/// The rows of `snapshot`, containers and pods only of `namespace` when one is given.
fn listing(snapshot: &Snapshot, namespace: Option<&str>) -> Listing {
    let shown = |ns: &str| namespace.is_none_or(|wanted| wanted == ns);
    let mut sessions: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for s in &snapshot.exec_sessions {
        sessions
            .entry(&s.container_id)
            .or_default()
            .push(s.id.clone());
    }
    let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in &snapshot.containers {
        let cfg = &c.container.config;
        if let Some(pod) = &cfg.pod {
            members.entry(pod).or_default().push(cfg.id.clone());
        }
        for name in cfg.volume_names() {
            users.entry(name).or_default().insert(cfg.id.clone());
        }
    }
    let containers = snapshot
        .containers
        .iter()
        .filter(|c| shown(&c.container.config.namespace))
        .map(|c| {
            let cfg = &c.container.config;
            ContainerRow {
                id: cfg.id.clone(),
                name: cfg.name.clone(),
                namespace: cfg.namespace.clone(),
                pod: cfg.pod.clone(),
                status: format!("{:?}", c.container.state.status),
                dependencies: cfg.dependencies(),
                networks: c.networks.clone(),
                exec_sessions: sessions.get(cfg.id.as_str()).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let pods = snapshot
        .pods
        .iter()
        .filter(|p| shown(&p.config.namespace))
        .map(|p| PodRow {
            id: p.config.id.clone(),
            name: p.config.name.clone(),
            namespace: p.config.namespace.clone(),
            members: members
                .get(p.config.id.as_str())
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let volumes = snapshot
        .volumes
        .iter()
        .map(|v| VolumeRow {
            name: v.config.name.clone(),
            users: users
                .get(&v.config.name)
                .map(|u| u.iter().cloned().collect())
                .unwrap_or_default(),
        })
        .collect();
    Listing {
        containers,
        pods,
        volumes,
    }
}

/// Column text for a list: `-` when empty.
fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_owned()
    } else {
        items.join(",")
    }
}

/// An ID as tables show it: its first 12 characters (the full ID is in `--json`).
fn short(id: &str) -> String {
    id.chars().take(12).collect()
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}

/// The three tables.
fn table(listing: &Listing) -> String {
    let mut out = String::new();
    let containers: Vec<Vec<String>> = listing
        .containers
        .iter()
        .map(|c| {
            let networks: Vec<String> = c
                .networks
                .iter()
                .map(|(net, aliases)| match aliases.as_slice() {
                    [] => net.clone(),
                    aliases => format!("{net}({})", aliases.join(",")),
                })
                .collect();
            vec![
                short(&c.id),
                c.name.clone(),
                or_dash(&c.namespace).to_owned(),
                c.pod.as_deref().map_or("-".to_owned(), short),
                c.status.clone(),
                list(&c.dependencies.iter().map(|d| short(d)).collect::<Vec<_>>()),
                list(&networks),
                list(&c.exec_sessions),
            ]
        })
        .collect();
    section(
        &mut out,
        "CONTAINERS",
        &[
            "ID",
            "NAME",
            "NAMESPACE",
            "POD",
            "STATUS",
            "DEPENDS ON",
            "NETWORKS",
            "EXEC SESSIONS",
        ],
        &containers,
    );
    let pods: Vec<Vec<String>> = listing
        .pods
        .iter()
        .map(|p| {
            let members: Vec<String> = p.members.iter().map(|m| short(m)).collect();
            vec![
                short(&p.id),
                p.name.clone(),
                or_dash(&p.namespace).to_owned(),
                list(&members),
            ]
        })
        .collect();
    section(
        &mut out,
        "PODS",
        &["ID", "NAME", "NAMESPACE", "MEMBERS"],
        &pods,
    );
    let volumes: Vec<Vec<String>> = listing
        .volumes
        .iter()
        .map(|v| {
            let users: Vec<String> = v.users.iter().map(|u| short(u)).collect();
            vec![v.name.clone(), list(&users)]
        })
        .collect();
    section(&mut out, "VOLUMES", &["NAME", "USERS"], &volumes);
    out
}

/// One titled table, columns padded to their widest cell.
fn section(out: &mut String, title: &str, header: &[&str], rows: &[Vec<String>]) {
    out.push_str(&format!("{title} ({})\n", rows.len()));
    if rows.is_empty() {
        out.push('\n');
        return;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    out.push_str(&line(header.to_vec()));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out.push('\n');
}
