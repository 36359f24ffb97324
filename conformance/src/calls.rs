//! The 53 calls of the contract and, as data, the outcomes SPEC §4 allows each one.

use podstate_api::ErrorKind::{self, *};
use serde::{Deserialize, Serialize};

/// What a call answered: success, or an error of some kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// The call succeeded.
    Ok,
    /// The call failed with this kind.
    Err(ErrorKind),
}

impl Outcome {
    /// The outcome of a call result.
    pub fn of<T>(result: &podstate_api::Result<T>) -> Outcome {
        match result {
            Ok(_) => Outcome::Ok,
            Err(e) => Outcome::Err(e.kind()),
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Ok => f.write_str("Ok"),
            Outcome::Err(kind) => f.write_str(kind.name()),
        }
    }
}

macro_rules! calls {
    ($( $variant:ident => $name:literal [$($kind:ident),*] ),* $(,)?) => {
        /// One of the 53 calls of [`State`](podstate_api::State).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Call {
            $(
                #[doc = concat!("`State::", $name, "`.")]
                $variant,
            )*
        }

        impl Call {
            /// Every call, in the order of the trait.
            pub const ALL: &'static [Call] = &[$(Call::$variant),*];

            /// The method name, as in the trait.
            pub fn name(self) -> &'static str {
                match self { $(Call::$variant => $name),* }
            }

            /// The error kinds SPEC §4 allows this call besides `Io` and `Corrupt` (which only a
            /// failing persistent store produces). Every call but `close` also allows `DbClosed`.
            pub fn allowed_errors(self) -> &'static [ErrorKind] {
                match self { $(Call::$variant => &[$($kind),*]),* }
            }
        }
    };
}

calls! {
    Close => "close" [InvalidArg],
    Refresh => "refresh" [DbClosed],
    GetDbConfig => "get_db_config" [DbClosed],
    ValidateDbConfig => "validate_db_config" [DbClosed, DbBadConfig],
    SetNamespace => "set_namespace" [DbClosed, InvalidArg],
    GetName => "get_name" [DbClosed, InvalidArg, NoSuchCtr],
    Container => "container" [DbClosed, InvalidArg, NoSuchCtr, NsMismatch],
    LookupContainerId => "lookup_container_id" [DbClosed, InvalidArg, NoSuchCtr, Ambiguous],
    LookupContainer => "lookup_container" [DbClosed, InvalidArg, NoSuchCtr, Ambiguous],
    HasContainer => "has_container" [DbClosed, InvalidArg],
    GetContainerConfig => "get_container_config" [DbClosed, InvalidArg, NoSuchCtr, NsMismatch],
    AddContainer => "add_container"
        [DbClosed, InvalidArg, NsMismatch, CtrExists, PodExists, NoSuchCtr, NoSuchVolume],
    RemoveContainer => "remove_container" [DbClosed, InvalidArg, NsMismatch, NoSuchCtr, InUse],
    UpdateContainer => "update_container" [DbClosed, InvalidArg, NsMismatch, NoSuchCtr],
    SaveContainer => "save_container" [DbClosed, InvalidArg, NsMismatch, NoSuchCtr],
    ContainerInUse => "container_in_use" [DbClosed, InvalidArg, NsMismatch, NoSuchCtr],
    AllContainers => "all_containers" [DbClosed],
    RewriteContainerConfig => "rewrite_container_config"
        [DbClosed, InvalidArg, NsMismatch, NoSuchCtr],
    GetNetworks => "get_networks" [DbClosed, InvalidArg, NsMismatch, NoSuchCtr],
    GetNetworkAliases => "get_network_aliases"
        [DbClosed, InvalidArg, NsMismatch, NoSuchCtr, NoSuchNetwork],
    GetAllNetworkAliases => "get_all_network_aliases" [DbClosed, InvalidArg, NsMismatch, NoSuchCtr],
    NetworkConnect => "network_connect"
        [DbClosed, InvalidArg, NsMismatch, NoSuchCtr, NetworkExists],
    NetworkDisconnect => "network_disconnect"
        [DbClosed, InvalidArg, NsMismatch, NoSuchCtr, NoSuchNetwork],
    AddExecSession => "add_exec_session"
        [DbClosed, InvalidArg, NsMismatch, NoSuchCtr, ExecSessionExists],
    GetExecSession => "get_exec_session" [DbClosed, InvalidArg, NoSuchExecSession],
    RemoveExecSession => "remove_exec_session" [DbClosed, InvalidArg, NoSuchExecSession],
    GetContainerExecSessions => "get_container_exec_sessions" [DbClosed, InvalidArg, NoSuchCtr],
    RemoveContainerExecSessions => "remove_container_exec_sessions"
        [DbClosed, InvalidArg, NoSuchCtr],
    Pod => "pod" [DbClosed, InvalidArg, NoSuchPod, NsMismatch],
    LookupPod => "lookup_pod" [DbClosed, InvalidArg, NoSuchPod, Ambiguous],
    HasPod => "has_pod" [DbClosed, InvalidArg],
    PodHasContainer => "pod_has_container" [DbClosed, InvalidArg, NsMismatch, NoSuchPod],
    PodContainersById => "pod_containers_by_id" [DbClosed, InvalidArg, NsMismatch, NoSuchPod],
    PodContainers => "pod_containers" [DbClosed, InvalidArg, NsMismatch, NoSuchPod],
    AddPod => "add_pod" [DbClosed, InvalidArg, NsMismatch, CtrExists, PodExists],
    RemovePod => "remove_pod" [DbClosed, InvalidArg, NsMismatch, NoSuchPod, InUse],
    RemovePodContainers => "remove_pod_containers" [DbClosed, InvalidArg, NsMismatch, NoSuchPod],
    AddContainerToPod => "add_container_to_pod"
        [DbClosed, InvalidArg, NsMismatch, NoSuchPod, CtrExists, PodExists, NoSuchCtr, NoSuchVolume],
    RemoveContainerFromPod => "remove_container_from_pod"
        [DbClosed, InvalidArg, NsMismatch, NoSuchPod, NoSuchCtr, InUse],
    UpdatePod => "update_pod" [DbClosed, InvalidArg, NsMismatch, NoSuchPod],
    SavePod => "save_pod" [DbClosed, InvalidArg, NsMismatch, NoSuchPod],
    AllPods => "all_pods" [DbClosed],
    RewritePodConfig => "rewrite_pod_config" [DbClosed, InvalidArg, NsMismatch, NoSuchPod],
    Volume => "volume" [DbClosed, InvalidArg, NoSuchVolume],
    LookupVolume => "lookup_volume" [DbClosed, InvalidArg, NoSuchVolume, Ambiguous],
    HasVolume => "has_volume" [DbClosed, InvalidArg],
    VolumeInUse => "volume_in_use" [DbClosed, InvalidArg, NoSuchVolume],
    AddVolume => "add_volume" [DbClosed, InvalidArg, VolumeExists],
    RemoveVolume => "remove_volume" [DbClosed, InvalidArg, NoSuchVolume, InUse],
    UpdateVolume => "update_volume" [DbClosed, InvalidArg, NoSuchVolume],
    SaveVolume => "save_volume" [DbClosed, InvalidArg, NoSuchVolume],
    AllVolumes => "all_volumes" [DbClosed],
    RewriteVolumeConfig => "rewrite_volume_config" [DbClosed, InvalidArg, NoSuchVolume],
}

impl Call {
    /// Whether SPEC allows `call` to end in `outcome` (`Io` and `Corrupt` are always allowed: a
    /// persistent store may fail anywhere).
    pub fn allows(self, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Ok => true,
            Outcome::Err(kind) => kind.is_fault() || self.allowed_errors().contains(&kind),
        }
    }

    /// Every outcome a correct backend on healthy storage can produce for this call: `Ok` and
    /// each allowed error kind. The coverage report is measured against this.
    pub fn reachable_outcomes(self) -> Vec<Outcome> {
        std::iter::once(Outcome::Ok)
            .chain(self.allowed_errors().iter().map(|k| Outcome::Err(*k)))
            .collect()
    }

    /// Every (call, [reachable outcome](Call::reachable_outcomes)) pair, in call order: what the
    /// checker's coverage and the scenarios' demands are both measured against.
    pub fn reachable_pairs() -> impl Iterator<Item = (Call, Outcome)> {
        Call::ALL.iter().flat_map(|&call| {
            (call.reachable_outcomes().into_iter()).map(move |outcome| (call, outcome))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_53_calls_with_distinct_names() {
        let names: std::collections::BTreeSet<_> = Call::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(Call::ALL.len(), 53);
        assert_eq!(names.len(), 53);
    }

    #[test]
    fn every_call_but_close_allows_db_closed() {
        for call in Call::ALL {
            let expected = *call != Call::Close;
            assert_eq!(
                call.allows(Outcome::Err(DbClosed)),
                expected,
                "{}",
                call.name()
            );
        }
    }

    /// SPEC §4 "Allowed outcomes" lists the same kinds as `allowed_errors`, less `DbClosed`.
    #[test]
    fn the_contract_lists_the_same_allowed_errors() {
        let text = podstate_api::contract::TEXT;
        let part = &text[text.find("### Allowed outcomes").expect("the part")..];
        let part = &part[..part.find("\n## ").expect("the next section")];
        let rows: Vec<(&str, Vec<&str>)> = part
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .map(|row| {
                let (name, kinds) = row.split_once("` | ").expect("two columns");
                let kinds = kinds.trim_end_matches(" |");
                let kinds = match kinds {
                    "none" => Vec::new(),
                    _ => kinds.split(", ").map(|k| k.trim_matches('`')).collect(),
                };
                (name, kinds)
            })
            .collect();
        let expected: Vec<(&str, Vec<&str>)> = Call::ALL
            .iter()
            .map(|call| {
                let kinds = call.allowed_errors().iter().filter(|k| **k != DbClosed);
                (call.name(), kinds.map(|k| k.name()).collect())
            })
            .collect();
        assert_eq!(rows, expected);
    }

    #[test]
    fn fault_kinds_are_allowed_but_not_expected() {
        assert!(Call::HasPod.allows(Outcome::Err(Io)));
        assert!(
            !Call::HasPod
                .reachable_outcomes()
                .contains(&Outcome::Err(Io))
        );
        assert!(!Call::HasPod.allows(Outcome::Err(NoSuchPod)));
    }
}
