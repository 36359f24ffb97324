//! Every string argument every call reads (SPEC §5 Strings), as data.
//!
//! [`slots`] lists, for each [`Call`], the string slots of [`Args`] the call must check at step 2,
//! following SPEC §4 step 2: a *passed* container's ID, namespace and pod; a passed
//! pod's ID and namespace; a passed volume's name; both IDs of an exec session; a lookup key, a
//! network, an alias; and every identity and index string of a *new* config. [`corrupt`] writes an
//! empty or NUL-holding value into a slot. The mechanical tables use them so that no call and no
//! argument can be forgotten; the match in [`slots`] has no wildcard arm.

use podstate_api::NamedVolume;

use crate::Call;
use crate::scenarios::invoke::Args;

/// A field of a container config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtrField {
    /// `id`.
    Id,
    /// `name`.
    Name,
    /// `namespace` (may be empty; never NUL).
    Namespace,
    /// `pod`, set.
    Pod,
    /// One of the seven namespace-sharing fields, by its index in `namespace_sharing()`.
    Sharing(usize),
    /// An extra `depends_on` entry.
    DependsOn,
    /// An extra named volume.
    NamedVolume,
    /// An extra network.
    Network,
    /// An extra alias key (a network name).
    AliasKey,
    /// An extra alias on the first aliased network.
    AliasValue,
}

/// A field of a pod config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodField {
    /// `id`.
    Id,
    /// `name`.
    Name,
    /// `namespace` (may be empty; never NUL).
    Namespace,
}

/// A string argument of a call, located in [`Args`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// A field of `args.ctr`.
    Ctr(CtrField),
    /// A field of `args.ctr_cfg`.
    CtrCfg(CtrField),
    /// A field of `args.pod`.
    Pod(PodField),
    /// A field of `args.pod_cfg`.
    PodCfg(PodField),
    /// `args.vol`'s name.
    VolName,
    /// `args.vol_cfg`'s name.
    VolCfgName,
    /// `args.session.id`.
    SessionId,
    /// `args.session.container_id`.
    SessionCtr,
    /// `args.key`.
    Key,
    /// `args.network`.
    Network,
    /// An extra entry of `args.aliases`.
    Alias,
    /// `args.namespace` (may be empty; never NUL).
    Namespace,
}

/// A bad value for a string slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    /// The empty string.
    Empty,
    /// The slot's current value (or a short word) followed by a NUL: a backend that stores C
    /// strings would truncate it to a valid, possibly existing, key.
    Nul,
}

const PASSED_CTR: [CtrField; 3] = [CtrField::Id, CtrField::Namespace, CtrField::Pod];
const PASSED_POD: [PodField; 2] = [PodField::Id, PodField::Namespace];
const NEW_POD: [PodField; 3] = [PodField::Id, PodField::Name, PodField::Namespace];

fn new_ctr() -> Vec<CtrField> {
    let mut fields = vec![
        CtrField::Id,
        CtrField::Name,
        CtrField::Namespace,
        CtrField::Pod,
    ];
    fields.extend((0..7).map(CtrField::Sharing));
    fields.extend([
        CtrField::DependsOn,
        CtrField::NamedVolume,
        CtrField::Network,
        CtrField::AliasKey,
        CtrField::AliasValue,
    ]);
    fields
}

/// The string slots `call` reads and must check at step 2.
pub fn slots(call: Call) -> Vec<Slot> {
    let passed_ctr = PASSED_CTR.iter().map(|f| Slot::Ctr(*f));
    let passed_pod = PASSED_POD.iter().map(|f| Slot::Pod(*f));
    match call {
        Call::Close
        | Call::Refresh
        | Call::GetDbConfig
        | Call::ValidateDbConfig
        | Call::AllContainers
        | Call::AllPods
        | Call::AllVolumes => vec![],
        Call::SetNamespace => vec![Slot::Namespace],
        Call::GetName
        | Call::Container
        | Call::LookupContainerId
        | Call::LookupContainer
        | Call::HasContainer
        | Call::GetContainerConfig
        | Call::GetExecSession
        | Call::Pod
        | Call::LookupPod
        | Call::HasPod
        | Call::Volume
        | Call::LookupVolume
        | Call::HasVolume => vec![Slot::Key],
        Call::AddContainer => new_ctr().into_iter().map(Slot::Ctr).collect(),
        Call::RemoveContainer
        | Call::UpdateContainer
        | Call::SaveContainer
        | Call::ContainerInUse
        | Call::GetNetworks
        | Call::GetAllNetworkAliases
        | Call::GetContainerExecSessions
        | Call::RemoveContainerExecSessions => passed_ctr.collect(),
        Call::RewriteContainerConfig => passed_ctr
            .chain(new_ctr().into_iter().map(Slot::CtrCfg))
            .collect(),
        Call::GetNetworkAliases | Call::NetworkDisconnect => {
            passed_ctr.chain([Slot::Network]).collect()
        }
        Call::NetworkConnect => passed_ctr.chain([Slot::Network, Slot::Alias]).collect(),
        Call::AddExecSession => passed_ctr
            .chain([Slot::SessionId, Slot::SessionCtr])
            .collect(),
        Call::RemoveExecSession => vec![Slot::SessionId, Slot::SessionCtr],
        Call::PodHasContainer => passed_pod.chain([Slot::Key]).collect(),
        Call::PodContainersById
        | Call::PodContainers
        | Call::RemovePod
        | Call::RemovePodContainers
        | Call::UpdatePod
        | Call::SavePod => passed_pod.collect(),
        Call::AddPod => NEW_POD.iter().map(|f| Slot::Pod(*f)).collect(),
        Call::AddContainerToPod => passed_pod
            .chain(new_ctr().into_iter().map(Slot::Ctr))
            .collect(),
        Call::RemoveContainerFromPod => passed_pod.chain(passed_ctr).collect(),
        Call::RewritePodConfig => passed_pod
            .chain(NEW_POD.iter().map(|f| Slot::PodCfg(*f)))
            .collect(),
        Call::VolumeInUse
        | Call::AddVolume
        | Call::RemoveVolume
        | Call::UpdateVolume
        | Call::SaveVolume => vec![Slot::VolName],
        Call::RewriteVolumeConfig => vec![Slot::VolName, Slot::VolCfgName],
    }
}

impl Slot {
    /// Whether the empty string is a valid value here (namespaces: empty means none).
    pub fn may_be_empty(self) -> bool {
        matches!(
            self,
            Slot::Namespace
                | Slot::Ctr(CtrField::Namespace)
                | Slot::CtrCfg(CtrField::Namespace)
                | Slot::Pod(PodField::Namespace)
                | Slot::PodCfg(PodField::Namespace)
        )
    }
}

fn bad_value(bad: Bad, current: &str) -> String {
    match bad {
        Bad::Empty => String::new(),
        Bad::Nul if current.is_empty() => "x\0".to_owned(),
        Bad::Nul => format!("{current}\0"),
    }
}

/// Writes `bad` into `slot` of `args`.
///
/// # Panics
/// For [`CtrField::AliasValue`] when the config has no aliased network to add the alias to.
pub fn corrupt(args: &mut Args, slot: Slot, bad: Bad) {
    match slot {
        Slot::Ctr(field) => corrupt_ctr(&mut args.ctr.config, field, bad),
        Slot::CtrCfg(field) => corrupt_ctr(&mut args.ctr_cfg, field, bad),
        Slot::Pod(field) => corrupt_pod(&mut args.pod.config, field, bad),
        Slot::PodCfg(field) => corrupt_pod(&mut args.pod_cfg, field, bad),
        Slot::VolName => set(&mut args.vol.config.name, bad),
        Slot::VolCfgName => set(&mut args.vol_cfg.name, bad),
        Slot::SessionId => set(&mut args.session.id, bad),
        Slot::SessionCtr => set(&mut args.session.container_id, bad),
        Slot::Key => set(&mut args.key, bad),
        Slot::Network => set(&mut args.network, bad),
        Slot::Alias => args.aliases.push(bad_value(bad, "alias")),
        Slot::Namespace => set(&mut args.namespace, bad),
    }
}

fn set(value: &mut String, bad: Bad) {
    *value = bad_value(bad, value);
}

fn corrupt_ctr(cfg: &mut podstate_api::ContainerConfig, field: CtrField, bad: Bad) {
    match field {
        CtrField::Id => set(&mut cfg.id, bad),
        CtrField::Name => set(&mut cfg.name, bad),
        CtrField::Namespace => set(&mut cfg.namespace, bad),
        CtrField::Pod => {
            let current = cfg.pod.clone().unwrap_or_else(|| "pod".to_owned());
            cfg.pod = Some(bad_value(bad, &current));
        }
        CtrField::Sharing(i) => {
            let dep = cfg.depends_on.first().cloned().unwrap_or_default();
            let (_, field) = cfg
                .namespace_sharing_mut()
                .into_iter()
                .nth(i)
                .expect("seven sharing fields");
            *field = Some(bad_value(bad, &dep));
        }
        CtrField::DependsOn => {
            let dep = cfg.depends_on.first().cloned().unwrap_or_default();
            cfg.depends_on.push(bad_value(bad, &dep));
        }
        CtrField::NamedVolume => {
            let name = cfg.named_volumes.first().map(|v| v.name.clone());
            cfg.named_volumes.push(NamedVolume {
                name: bad_value(bad, &name.unwrap_or_default()),
                ..NamedVolume::default()
            });
        }
        CtrField::Network => {
            let net = cfg.networks.first().cloned().unwrap_or_default();
            cfg.networks.push(bad_value(bad, &net));
        }
        CtrField::AliasKey => {
            let net = cfg.networks.first().cloned().unwrap_or_default();
            cfg.network_aliases
                .insert(bad_value(bad, &net), vec!["alias".to_owned()]);
        }
        CtrField::AliasValue => {
            let aliases = cfg
                .network_aliases
                .values_mut()
                .next()
                .expect("baseline configs alias one network");
            let alias = aliases.first().cloned().unwrap_or_default();
            aliases.push(bad_value(bad, &alias));
        }
    }
}

fn corrupt_pod(cfg: &mut podstate_api::PodConfig, field: PodField, bad: Bad) {
    match field {
        PodField::Id => set(&mut cfg.id, bad),
        PodField::Name => set(&mut cfg.name, bad),
        PodField::Namespace => set(&mut cfg.namespace, bad),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_taking_strings_have_slots_and_list_calls_have_none() {
        assert!(slots(Call::AllContainers).is_empty());
        assert_eq!(slots(Call::GetName), [Slot::Key]);
        assert_eq!(slots(Call::AddContainer).len(), 16);
        assert!(slots(Call::RemoveContainerFromPod).contains(&Slot::Ctr(CtrField::Pod)));
    }

    #[test]
    fn nul_values_extend_the_current_value() {
        let mut args = Args {
            key: "c1".into(),
            ..Args::default()
        };
        corrupt(&mut args, Slot::Key, Bad::Nul);
        assert_eq!(args.key, "c1\0");
        corrupt(&mut args, Slot::Key, Bad::Empty);
        assert_eq!(args.key, "");
    }
}
