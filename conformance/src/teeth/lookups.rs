//! Faults in lookups and visibility.

use podstate_api::{ErrorKind, Result, StateError};

use super::Fault;
use super::handle::FaultyState;

impl FaultyState {
    /// Whether `lookup_container` must go through the faulty ID resolution.
    pub(super) fn lookup_is_faulty(&self) -> bool {
        matches!(
            self.fault,
            Fault::PrefixIgnoresOtherNamespace
                | Fault::NameBeforeExactId
                | Fault::ContainerPrefixClashesWithPods
                | Fault::IgnoresSecondPrefixMatch
                | Fault::LookupStopsAtInvisibleExactId
        )
    }

    fn visible(&self, object_ns: &str) -> bool {
        let ns = self.namespace();
        ns.is_empty() || ns == object_ns
    }

    pub(super) fn faulty_lookup_container_id(&self, s: &str) -> Result<String> {
        let found = self.inner.lookup_container_id(s);
        match self.fault {
            Fault::PrefixIgnoresOtherNamespace => match found {
                Err(e) if e.kind() == ErrorKind::Ambiguous && self.namespace().is_empty() => {
                    let matches: Vec<_> = self
                        .admin
                        .all_containers()?
                        .into_iter()
                        .filter(|c| c.id().starts_with(s))
                        .collect();
                    let first_ns = matches.first().map(|c| c.config.namespace.as_str());
                    let same_ns: Vec<_> = matches
                        .iter()
                        .filter(|c| Some(c.config.namespace.as_str()) == first_ns)
                        .collect();
                    match same_ns.as_slice() {
                        [only] => Ok(only.id().to_owned()),
                        _ => Err(e),
                    }
                }
                other => other,
            },
            Fault::NameBeforeExactId => {
                let by_id = found?;
                let by_name = self
                    .admin
                    .all_containers()?
                    .into_iter()
                    .find(|c| c.config.name == s && self.visible(&c.config.namespace));
                Ok(by_name.map_or(by_id, |c| c.config.id))
            }
            Fault::ContainerPrefixClashesWithPods => {
                let id = found?;
                let by_prefix = id != s
                    && !self
                        .admin
                        .all_containers()?
                        .iter()
                        .any(|c| c.config.name == s && self.visible(&c.config.namespace));
                let pod_clash = self
                    .admin
                    .all_pods()?
                    .iter()
                    .any(|p| p.id().starts_with(s) && self.visible(&p.config.namespace));
                if by_prefix && pod_clash {
                    return Err(StateError::new(
                        ErrorKind::Ambiguous,
                        format!("{s:?} matches a container and a pod"),
                    ));
                }
                Ok(id)
            }
            Fault::IgnoresSecondPrefixMatch => match found {
                Err(e) if e.kind() == ErrorKind::Ambiguous => {
                    let visible = self.inner.all_containers()?;
                    let first = visible.into_iter().find(|c| c.id().starts_with(s));
                    first.map(|c| c.config.id).ok_or(e)
                }
                other => other,
            },
            Fault::LookupStopsAtInvisibleExactId => {
                let ns = self.namespace();
                let invisible_exact = !ns.is_empty()
                    && self
                        .admin
                        .container(s)
                        .is_ok_and(|c| c.config.namespace != ns);
                if invisible_exact {
                    return Err(StateError::no_such_ctr(s));
                }
                found
            }
            _ => found,
        }
    }

    pub(super) fn faulty_get_name(&self, id: &str) -> Result<String> {
        match self.inner.get_name(id) {
            Err(e)
                if e.kind() == ErrorKind::NoSuchCtr && self.is(Fault::GetNameIgnoresNamespace) =>
            {
                self.admin.get_name(id)
            }
            Ok(_) if self.is(Fault::GetNameMissesPods) && self.inner.has_pod(id)? => {
                Err(StateError::no_such_ctr(id))
            }
            other => other,
        }
    }

    pub(super) fn faulty_has_container(&self, id: &str) -> Result<bool> {
        let has = self.inner.has_container(id)?;
        if !has && self.is(Fault::HasContainerIgnoresNamespace) {
            return self.admin.has_container(id);
        }
        Ok(has)
    }
}
