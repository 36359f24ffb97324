//! How often the generator draws each call, per class of case.
//!
//! Adds outweigh removals everywhere so that state grows; a bulk case goes further: plain adds
//! dominate, removals are rare, and the calls that answer whole lists (`all_*`,
//! `pod_containers*`) and the lookups come often enough to be asked of the grown store.

use proptest::prelude::RngExt;

use super::draw::Gen;
use super::universe::CaseClass;
use crate::calls::Call;

/// Relative weight of `call` in a case of `class` (`None` is `reopen`), `away` when the handle
/// is believed to be in a namespace other than `""`. Without `reopen` in the store's
/// capabilities, `reopen` never comes, and `close` only where another handle stays open.
fn weight(call: Option<Call>, class: CaseClass, away: bool, can: Can) -> u32 {
    match call {
        None if !can.reopen => return 0,
        Some(Call::Close) if !can.reopen && !can.close_one => return 0,
        _ => {}
    }
    match class {
        CaseClass::Small => mixed_weight(call, 1),
        CaseClass::Large => mixed_weight(call, 3),
        CaseClass::Bulk => bulk_weight(call, away),
        CaseClass::Revisit => churn_weight(call),
    }
}

/// The ordinary mix, with the adds multiplied by `grow`.
fn mixed_weight(call: Option<Call>, grow: u32) -> u32 {
    let Some(call) = call else { return 2 };
    match call {
        Call::AddContainer => 12 * grow,
        Call::AddContainerToPod => 8 * grow,
        Call::AddPod => 5 * grow,
        Call::AddVolume => 5 * grow,
        Call::AddExecSession => 5,
        Call::SetNamespace => 6,
        Call::LookupContainerId | Call::LookupContainer | Call::LookupPod => 5,
        Call::NetworkConnect | Call::SaveContainer => 4,
        Call::RemoveContainer
        | Call::RemoveExecSession
        | Call::NetworkDisconnect
        | Call::RewriteContainerConfig
        | Call::LookupVolume
        | Call::ValidateDbConfig
        | Call::SavePod
        | Call::SaveVolume
        | Call::UpdateContainer
        | Call::GetName
        | Call::Container
        | Call::RemoveContainerFromPod
        | Call::RewritePodConfig => 3,
        Call::Close => 1,
        _ => 2,
    }
}

/// Churn on a populated store: the ordinary mix with the removals tripled, and the handle
/// moving between namespaces and resolving strings twice as often.
fn churn_weight(call: Option<Call>) -> u32 {
    let base = mixed_weight(call, 1);
    match call {
        Some(
            Call::SetNamespace
            | Call::LookupContainerId
            | Call::LookupContainer
            | Call::HasContainer
            | Call::GetName,
        ) => 2 * base,
        Some(
            Call::RemoveContainer
            | Call::RemoveContainerFromPod
            | Call::RemovePodContainers
            | Call::RemovePod
            | Call::RemoveVolume
            | Call::RemoveExecSession
            | Call::RemoveContainerExecSessions
            | Call::NetworkDisconnect,
        ) => 3 * base,
        _ => base,
    }
}

/// Bulk loading: about half the draws add a container, and every call still appears. Away from
/// namespace `""` most templates cannot be added, so the handle soon moves on.
fn bulk_weight(call: Option<Call>, away: bool) -> u32 {
    let Some(call) = call else { return 1 };
    match call {
        Call::SetNamespace if away => 12,
        Call::AddContainer => 64,
        Call::AddContainerToPod => 24,
        Call::AddPod => 8,
        Call::AddVolume => 12,
        Call::AllContainers
        | Call::AllPods
        | Call::AllVolumes
        | Call::PodContainers
        | Call::PodContainersById
        | Call::LookupContainerId
        | Call::LookupContainer => 3,
        Call::LookupPod
        | Call::LookupVolume
        | Call::GetName
        | Call::Container
        | Call::HasContainer
        | Call::ContainerInUse
        | Call::VolumeInUse
        | Call::AddExecSession
        | Call::NetworkConnect
        | Call::SaveContainer => 2,
        _ => 1,
    }
}

/// What the case may do now, besides ordinary calls.
#[derive(Clone, Copy)]
struct Can {
    /// The store can be reopened.
    reopen: bool,
    /// A handle can be closed while another stays open.
    close_one: bool,
}

impl Gen<'_> {
    /// Draws the next call by weight (`None` is `reopen`).
    pub(super) fn weighted_call(&mut self) -> Option<Call> {
        let (class, away) = (self.u.class, !self.ns().is_empty());
        let can = Can {
            reopen: self.caps.reopen,
            close_one: self.shadow.open_handles().len() > 1,
        };
        let choices = Call::ALL.iter().map(|c| Some(*c)).chain([None]);
        let total: u32 = choices.clone().map(|c| weight(c, class, away, can)).sum();
        let mut roll = self.rng.random_range(0..total);
        for c in choices {
            let w = weight(c, class, away, can);
            if roll < w {
                return c;
            }
            roll -= w;
        }
        None
    }
}
