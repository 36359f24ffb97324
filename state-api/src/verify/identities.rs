//! Identity indexes (copies of IDs, kinds, names, namespaces and pods kept beside the records
//! for lookups and list calls) against the records they copy.

use super::{IdentityIndex, IndexedIdentity, Indexes, Invariant, Inventory, Violation};

use crate::raw::HolderKind;

/// Pushes every entry that disagrees with its record, every entry for nothing stored, and
/// every record an index should list and does not.
pub(super) fn check(inv: &Inventory, idx: &Indexes, found: &mut Vec<Violation>) {
    for index in &idx.identities {
        for (id, entry) in &index.entries {
            entry_against_record(inv, index, id, entry, found);
        }
        for kind in &index.kinds {
            let ids: Vec<&String> = match kind {
                HolderKind::Container => inv.containers.keys().collect(),
                HolderKind::Pod => inv.pods.keys().collect(),
            };
            for id in ids
                .into_iter()
                .filter(|id| !index.entries.contains_key(*id))
            {
                found.push(Violation::new(
                    Invariant::SharedSpaces,
                    &[id],
                    format!(
                        "{} {id:?} is missing from {}, so lookups cannot find it",
                        kind.noun(),
                        index.place
                    ),
                ));
            }
        }
    }
}

/// The identity a record gives: name, namespace, pod (`None` for a pod).
fn record_identity<'a>(
    inv: &'a Inventory,
    kind: HolderKind,
    id: &str,
) -> Option<(&'a str, &'a str, Option<&'a str>)> {
    match kind {
        HolderKind::Container => inv.containers.get(id).map(|c| {
            let cfg = &c.config;
            (
                cfg.name.as_str(),
                cfg.namespace.as_str(),
                cfg.pod.as_deref(),
            )
        }),
        HolderKind::Pod => inv
            .pods
            .get(id)
            .map(|p| (p.config.name.as_str(), p.config.namespace.as_str(), None)),
    }
}

fn entry_against_record(
    inv: &Inventory,
    index: &IdentityIndex,
    id: &str,
    entry: &IndexedIdentity,
    found: &mut Vec<Violation>,
) {
    let place = &index.place;
    let noun = entry.kind.noun();
    let unread = match entry.kind {
        HolderKind::Container => inv.unread.containers.contains(id),
        HolderKind::Pod => inv.unread.pods.contains(id),
    };
    if unread {
        return;
    }
    let Some((name, namespace, pod)) = record_identity(inv, entry.kind, id) else {
        let other = match entry.kind {
            HolderKind::Container => HolderKind::Pod,
            HolderKind::Pod => HolderKind::Container,
        };
        let (invariant, message) = if record_identity(inv, other, id).is_some() {
            let is = other.noun();
            (
                Invariant::SharedSpaces,
                format!("{place} lists {id:?} as a {noun}, but it is a stored {is}"),
            )
        } else {
            (
                Invariant::NothingDangles,
                format!("{place} lists {noun} {id:?}, which is not stored"),
            )
        };
        found.push(Violation::new(invariant, &[id], message));
        return;
    };
    if let Some(indexed) = &entry.name
        && indexed != name
    {
        found.push(Violation::new(
            Invariant::SharedSpaces,
            &[id, indexed, name],
            format!("{place} gives {noun} {id:?} the name {indexed:?}, its record {name:?}"),
        ));
    }
    if let Some(indexed) = &entry.namespace
        && indexed != namespace
    {
        // Not one of SPEC §2's invariants: what breaks is what handles see (SPEC §3).
        found.push(Violation::new(
            Invariant::Visibility,
            &[id],
            format!(
                "{place} puts {noun} {id:?} in namespace {indexed:?}, its record in \
                 {namespace:?}: a handle in {indexed:?} sees it (SPEC §3)"
            ),
        ));
    }
    if let Some(indexed) = &entry.pod
        && indexed.as_deref() != pod
    {
        found.push(Violation::new(
            Invariant::Pods,
            &[id],
            format!(
                "{place} puts {noun} {id:?} in pod {}, its record in {}",
                pod_text(indexed.as_deref()),
                pod_text(pod)
            ),
        ));
    }
}

/// `"p1"`, or `no pod`.
fn pod_text(pod: Option<&str>) -> String {
    pod.map_or_else(|| "no pod".to_owned(), |p| format!("{p:?}"))
}
