//! How operations read when a case is printed: one line each, the call and the arguments that
//! matter to the state, strings quoted so that empty ones and NULs stay visible.

use std::fmt;

use podstate_api::{Container, ContainerConfig, Pod, PodConfig, Volume};

use super::ops::Op;

/// A string as Rust debug-quotes it, so empty strings and NULs stay visible.
struct Q<'a>(&'a str);

impl fmt::Display for Q<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// A one-line summary of a container config: identity, then whatever the state reads.
fn ctr_config(c: &ContainerConfig) -> String {
    let mut out = format!("{} name {}", Q(&c.id), Q(&c.name));
    if !c.namespace.is_empty() {
        out += &format!(" ns {}", Q(&c.namespace));
    }
    if let Some(pod) = &c.pod {
        out += &format!(" pod {}", Q(pod));
    }
    for (field, value) in c.namespace_sharing() {
        if let Some(value) = value {
            out += &format!(" {field} {}", Q(value));
        }
    }
    if !c.depends_on.is_empty() {
        out += &format!(" depends_on {}", list(&c.depends_on));
    }
    if !c.named_volumes.is_empty() {
        let names: Vec<String> = c.named_volumes.iter().map(|v| v.name.clone()).collect();
        out += &format!(" volumes {}", list(&names));
    }
    if !c.networks.is_empty() {
        out += &format!(" networks {}", list(&c.networks));
    }
    for (net, aliases) in &c.network_aliases {
        out += &format!(" aliases[{}] {}", Q(net), list(aliases));
    }
    if c.payload.as_str() != "{}" {
        out += &format!(" payload {}", c.payload);
    }
    out
}

fn ctr(c: &Container) -> String {
    format!("ctr {}", ctr_config(&c.config))
}

fn pod_config(p: &PodConfig) -> String {
    let mut out = format!("{} name {}", Q(&p.id), Q(&p.name));
    if !p.namespace.is_empty() {
        out += &format!(" ns {}", Q(&p.namespace));
    }
    if p.payload.as_str() != "{}" {
        out += &format!(" payload {}", p.payload);
    }
    out
}

fn pod(p: &Pod) -> String {
    format!("pod {}", pod_config(&p.config))
}

fn vol(v: &Volume) -> String {
    format!("vol {}", Q(&v.config.name))
}

/// How a batch's closure ends: `then commit` or `then roll back`.
pub(super) fn batch_end(rollback: bool) -> &'static str {
    match rollback {
        true => "then roll back",
        false => "then commit",
    }
}

impl fmt::Display for Op {
    /// One readable line: the call and the arguments that matter to the state.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name();
        let args = match self {
            Op::Close
            | Op::Reopen
            | Op::Refresh
            | Op::GetDbConfig
            | Op::AllContainers
            | Op::AllPods
            | Op::AllVolumes => String::new(),
            Op::ValidateDbConfig { cfg } => {
                let set: Vec<String> = cfg
                    .fields()
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k}={}", Q(v)))
                    .collect();
                set.join(" ")
            }
            Op::SetNamespace { ns } => Q(ns).to_string(),
            Op::GetName { id }
            | Op::Container { id }
            | Op::HasContainer { id }
            | Op::GetContainerConfig { id }
            | Op::GetExecSession { id }
            | Op::Pod { id }
            | Op::HasPod { id } => Q(id).to_string(),
            Op::LookupContainerId { id_or_name }
            | Op::LookupContainer { id_or_name }
            | Op::LookupPod { id_or_name } => Q(id_or_name).to_string(),
            Op::Volume { name } | Op::LookupVolume { name } | Op::HasVolume { name } => {
                Q(name).to_string()
            }
            Op::AddContainer { ctr: c }
            | Op::RemoveContainer { ctr: c }
            | Op::UpdateContainer { ctr: c }
            | Op::ContainerInUse { ctr: c }
            | Op::GetNetworks { ctr: c }
            | Op::GetAllNetworkAliases { ctr: c }
            | Op::GetContainerExecSessions { ctr: c }
            | Op::RemoveContainerExecSessions { ctr: c } => ctr(c),
            Op::SaveContainer { ctr: c } => {
                format!("{} state {:?}", ctr(c), c.state.status)
            }
            Op::RewriteContainerConfig { ctr: c, cfg } => {
                format!("{} cfg {}", ctr(c), ctr_config(cfg))
            }
            Op::GetNetworkAliases { ctr: c, network }
            | Op::NetworkDisconnect { ctr: c, network } => {
                format!("{} network {}", ctr(c), Q(network))
            }
            Op::NetworkConnect {
                ctr: c,
                network,
                aliases,
            } => format!(
                "{} network {} aliases {}",
                ctr(c),
                Q(network),
                list(aliases)
            ),
            Op::AddExecSession { ctr: c, session } => format!(
                "{} session {} for {}",
                ctr(c),
                Q(&session.id),
                Q(&session.container_id)
            ),
            Op::RemoveExecSession { session } => format!(
                "session {} for {}",
                Q(&session.id),
                Q(&session.container_id)
            ),
            Op::PodHasContainer { pod: p, ctr_id } => format!("{} ctr_id {}", pod(p), Q(ctr_id)),
            Op::PodContainersById { pod: p }
            | Op::PodContainers { pod: p }
            | Op::AddPod { pod: p }
            | Op::RemovePod { pod: p }
            | Op::RemovePodContainers { pod: p }
            | Op::UpdatePod { pod: p } => pod(p),
            Op::SavePod { pod: p } => format!("{} cgroup {}", pod(p), Q(&p.state.cgroup_path)),
            Op::AddContainerToPod { pod: p, ctr: c }
            | Op::RemoveContainerFromPod { pod: p, ctr: c } => {
                format!("{}, {}", pod(p), ctr(c))
            }
            Op::RewritePodConfig { pod: p, cfg } => format!("{} cfg {}", pod(p), pod_config(cfg)),
            Op::VolumeInUse { vol: v }
            | Op::AddVolume { vol: v }
            | Op::RemoveVolume { vol: v }
            | Op::UpdateVolume { vol: v } => vol(v),
            Op::SaveVolume { vol: v } => format!("{} mount_count {}", vol(v), v.state.mount_count),
            Op::RewriteVolumeConfig { vol: v, cfg } => {
                format!("{} cfg {} payload {}", vol(v), Q(&cfg.name), cfg.payload)
            }
            Op::Batch { ops, rollback } => {
                let mut parts: Vec<String> = ops.iter().map(Op::to_string).collect();
                parts.push(batch_end(*rollback).to_owned());
                parts.join("; ")
            }
        };
        if args.is_empty() {
            write!(f, "{name}")
        } else {
            write!(f, "{name}({args})")
        }
    }
}
