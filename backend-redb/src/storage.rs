//! The test seam for failing disks: a store can hand every file redb opens to a
//! [`StorageHook`], which may wrap it in a storage that loses unsynced writes at a simulated
//! power cut or fails chosen reads, writes and syncs. Production stores never set one; the
//! reliability tests (`podstate-reliability`) do.
//!
//! The hook sits below every podstate layer, right above the file: podstate's bounded lock
//! waits (and a read-only store's overlay) call into the storage the hook returns, so what the
//! hook sees is what reaches the operating system. A podstate layer that dropped a sync or a
//! write would show in the failing-disk runs and in the test that counts syncs per commit.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use redb::StorageBackend;

/// Wraps the storage of every file a store opens
/// ([`RedbStore::open_with_storage`](crate::RedbStore::open_with_storage)).
///
/// `wrap` is called once per opened file: the read-only database object every store opens,
/// the writable one its first write opens (again after a failed commit), the file under a
/// read-only store's overlay, and the draft of a new database (`file` is then the draft's
/// path). The storage it receives is redb's own file backend on that file; podstate's layers
/// sit above what `wrap` returns. A wrapper must hand every call it does not mean to change to
/// it, the six lock calls included: redb's multi-writer mode relies on them.
pub trait StorageHook: fmt::Debug + Send + Sync + 'static {
    /// The storage redb uses for `file`: `storage` itself, or a wrapper around it.
    fn wrap(&self, file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend>;
}

/// What a store wraps redb's storage in: nothing, except in failing-disk tests.
pub(crate) type Hook = Option<Arc<dyn StorageHook>>;
