//! Faults only a shared store shows: state kept per store that belongs to a handle, and a handle
//! that does not see what other handles wrote.

use std::sync::PoisonError;
use std::sync::atomic::Ordering;

use podstate_api::{Container, Result, StateError};

use super::Fault;
use super::handle::{FaultyState, ReadCache};

impl FaultyState {
    /// Before every call: a handle opened before another one closed is closed too
    /// ([`Fault::CloseClosesEveryHandle`]); a namespace another handle set becomes this one's
    /// ([`Fault::NamespacePerStore`]).
    pub(super) fn live(&self) -> Result<()> {
        if self.is(Fault::CloseClosesEveryHandle)
            && self.shared.close_epoch.load(Ordering::SeqCst) != self.epoch
        {
            return Err(StateError::closed());
        }
        if self.is(Fault::NamespacePerStore) {
            let (version, ns) = self
                .shared
                .namespace
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            if self.ns_version.swap(version, Ordering::SeqCst) != version {
                self.inner.set_namespace(&ns)?;
            }
        }
        Ok(())
    }

    /// After `set_namespace` succeeded on this handle: under [`Fault::NamespacePerStore`] it
    /// becomes every handle's.
    pub(super) fn share_namespace(&self, ns: &str) {
        if self.is(Fault::NamespacePerStore) {
            let mut shared = self
                .shared
                .namespace
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            shared.0 += 1;
            ns.clone_into(&mut shared.1);
            self.ns_version.store(shared.0, Ordering::SeqCst);
        }
    }

    /// After every write of this handle: its cache is fresh again.
    pub(super) fn wrote(&self) {
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) = ReadCache::default();
    }

    /// `container`, remembered per ID under [`Fault::StaleReadsAcrossHandles`].
    pub(super) fn faulty_container(&self, id: &str) -> Result<Container> {
        if !self.is(Fault::StaleReadsAcrossHandles) {
            return self.inner.container(id);
        }
        let cached = self.cache().containers.get(id).cloned();
        if let Some(ctr) = cached {
            return Ok(ctr);
        }
        let ctr = self.inner.container(id)?;
        self.cache().containers.insert(id.to_owned(), ctr.clone());
        Ok(ctr)
    }

    /// `all_containers` as the inner handle answers it, remembered under
    /// [`Fault::StaleReadsAcrossHandles`].
    pub(super) fn cached_all_containers(&self) -> Result<Vec<Container>> {
        if !self.is(Fault::StaleReadsAcrossHandles) {
            return self.inner.all_containers();
        }
        let cached = self.cache().all_containers.clone();
        if let Some(all) = cached {
            return Ok(all);
        }
        let all = self.inner.all_containers()?;
        self.cache().all_containers = Some(all.clone());
        Ok(all)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, ReadCache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
