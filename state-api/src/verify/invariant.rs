//! Which rule a [`Violation`](super::Violation) breaks: a clause of SPEC §2 by name, or one of
//! the few findings that are not one clause.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a [`Violation`](super::Violation) breaks. The variants of SPEC §2's eight clauses carry
/// their clause number ([`clause`](Invariant::clause)); the others are findings that no clause
/// names. Declaration order is the order violations are listed in: unreadable records first,
/// then the clauses by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Invariant {
    /// A stored record that cannot be read or decoded (nothing can be said about what it holds).
    Unreadable,
    /// SPEC §2.1, shared spaces: one ID space and one name space for containers and pods.
    SharedSpaces,
    /// SPEC §2.2, dependencies: each one stored, in the same namespace and pod, never itself.
    Dependencies,
    /// SPEC §2.3, pods: a container's pod is stored and lists it as a member, and back.
    Pods,
    /// SPEC §2.4, volumes: each named volume of a stored container is stored.
    Volumes,
    /// SPEC §2.5, exec sessions: each registered session belongs to a stored container.
    ExecSessions,
    /// SPEC §2.6, aliases: only on networks the container is connected to now.
    Aliases,
    /// SPEC §2.7, nothing dangles: no index, name or reference outlives its object.
    NothingDangles,
    /// SPEC §2.8, order: every list in ascending order, without duplicates.
    Order,
    /// Not a clause of SPEC §2 but what handles see (SPEC §3, namespaces and visibility): an
    /// index that copies an object's namespace and disagrees with its record.
    Visibility,
    /// Found by a checker that does not say which clause it broke (the conformance model's
    /// own check of its data); the message says what is wrong.
    Unattributed,
}

impl Invariant {
    /// The eight clauses of SPEC §2, in order.
    pub const CLAUSES: [Invariant; 8] = [
        Invariant::SharedSpaces,
        Invariant::Dependencies,
        Invariant::Pods,
        Invariant::Volumes,
        Invariant::ExecSessions,
        Invariant::Aliases,
        Invariant::NothingDangles,
        Invariant::Order,
    ];

    /// The number of its clause in SPEC §2 (1-8), or `None` for a finding no clause names.
    pub fn clause(self) -> Option<u8> {
        Invariant::CLAUSES
            .iter()
            .position(|c| *c == self)
            .map(|i| i as u8 + 1)
    }
}

impl fmt::Display for Invariant {
    /// `SPEC §2.N` for a clause; a short description otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.clause()) {
            (_, Some(n)) => write!(f, "SPEC §2.{n}"),
            (Invariant::Unreadable, None) => f.write_str("unreadable record"),
            (Invariant::Visibility, None) => f.write_str("SPEC §3 visibility"),
            (_, None) => f.write_str("unattributed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Invariant;

    #[test]
    fn the_clauses_carry_their_numbers_and_the_others_none() {
        let numbers: Vec<_> = Invariant::CLAUSES.iter().map(|c| c.clause()).collect();
        assert_eq!(numbers, (1..=8).map(Some).collect::<Vec<_>>());
        assert_eq!(Invariant::NothingDangles.to_string(), "SPEC §2.7");
        for other in [
            Invariant::Unreadable,
            Invariant::Visibility,
            Invariant::Unattributed,
        ] {
            assert_eq!(other.clause(), None, "{other:?}");
        }
        assert!(
            Invariant::Unreadable < Invariant::SharedSpaces,
            "unreadable first"
        );
    }
}
