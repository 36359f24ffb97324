//! A podstate `Store` and `State` in Rust whose every call goes through the C functions, JSON
//! both ways: the boundary's client, so that the whole conformance suite (every scenario, the
//! model checker, the differential run of `cargo xtask conformance`) can prove that the ABI
//! answers exactly what the library answers.
//!
//! It is a wrapper, not a backend: it wraps whichever store the URL names
//! ([`AbiStore::open`]), or a store a Rust caller made ([`AbiStore::wrap`]), and reports that
//! store's capabilities under the name `capi-<backend>`.
//!
//! A handle alternates the two ways payloads travel, call by call (inline in the JSON, then
//! beside it as pointer + length, and so on), so every run exercises both.

mod handle;

use std::sync::Arc;

use podstate::snapshot::Snapshot;
use podstate::verify::{Invariant, Violation};
use podstate::{Capabilities, ErrorKind, State, StateError, Store};
use serde::Deserialize;

use crate::errors::AbiError;
use crate::ffi::caller::{self, Answer, StorePtr};
use crate::ffi::{CapabilitiesJson, StoreInfo};
pub use handle::AbiHandle;

/// A store behind the C boundary: every call goes through the C functions, JSON both ways, so
/// that the conformance suite can prove that the ABI answers exactly what the library answers.
/// It wraps the store a URL names ([`AbiStore::open`]) or one a Rust caller made
/// ([`AbiStore::wrap`]), and reports that store's capabilities under the name
/// `capi-<backend>`.
#[derive(Debug)]
pub struct AbiStore {
    ptr: StorePtr,
    backend: &'static str,
    capabilities: Capabilities,
}

/// The name a wrapped backend reports: `capi-` and the backend's own.
fn wrapped_name(backend: &str) -> &'static str {
    match backend {
        "memory" => "capi-memory",
        "sqlite" => "capi-sqlite",
        "redb" => "capi-redb",
        _ => "capi",
    }
}

/// A [`StateError`] from an error answer.
fn state_error(e: AbiError) -> StateError {
    e.into_state_error()
}

/// The value of a successful answer, read as `T`.
fn value<'a, T: Deserialize<'a>>(answer: &'a Answer, what: &str) -> Result<T, StateError> {
    serde_json::from_slice(answer.json()).map_err(|e| {
        state_error(AbiError::bad_request(format!(
            "the boundary's answer to {what} cannot be read: {e}"
        )))
    })
}

impl AbiStore {
    /// Opens the store `url` names through `podstate_open`, with `options` as its JSON
    /// (`{"read_only": true, "lock_timeout_ms": 500}`) or `None`.
    ///
    /// # Errors
    /// The boundary's answer, as a [`StateError`] (a boundary kind leads the message).
    pub fn open(url: &str, options: Option<&str>) -> Result<AbiStore, StateError> {
        AbiStore::from_ptr(caller::open(url, options).map_err(state_error)?)
    }

    /// Puts `store` behind the boundary, as `podstate_open` would have opened it.
    ///
    /// # Errors
    /// When the boundary cannot describe the store.
    pub fn wrap(store: impl Store + 'static) -> Result<AbiStore, StateError> {
        AbiStore::from_ptr(caller::adopt(Box::new(store)))
    }

    fn from_ptr(ptr: StorePtr) -> Result<AbiStore, StateError> {
        let answer = ptr.info().ok().map_err(state_error)?;
        let info: StoreInfo = value(&answer, "podstate_store_info")?;
        let CapabilitiesJson {
            persistent,
            reopen,
            shared_handles,
        } = info.capabilities;
        let capabilities = Capabilities::single_handle()
            .with_persistent(persistent)
            .with_reopen(reopen)
            .with_shared_handles(shared_handles);
        Ok(AbiStore {
            ptr,
            backend: wrapped_name(&info.backend),
            capabilities,
        })
    }

    /// A handle opened with `podstate_open_handle` in namespace `ns`.
    ///
    /// # Errors
    /// The boundary's answer.
    pub fn open_handle_in(&self, ns: &str) -> Result<AbiHandle, StateError> {
        let ptr = self.ptr.open_handle(Some(ns)).map_err(state_error)?;
        Ok(AbiHandle::new(ptr))
    }
}

impl Store for AbiStore {
    fn backend(&self) -> &'static str {
        self.backend
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    fn open_handle(&self) -> Result<Box<dyn State>, StateError> {
        let ptr = self.ptr.open_handle(None).map_err(state_error)?;
        Ok(Box::new(AbiHandle::new(ptr)))
    }

    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>, StateError> {
        // `podstate_reopen` takes the C store object over, which only its sole owner may give.
        let AbiStore {
            ptr,
            backend,
            capabilities,
        } = Arc::try_unwrap(self).map_err(|_| {
            StateError::new(
                ErrorKind::Io,
                "cannot reopen a store through the C ABI while other owners share it: \
                 podstate_reopen takes the store object over",
            )
        })?;
        let ptr = ptr.reopen().map_err(state_error)?;
        Ok(Box::new(AbiStore {
            ptr,
            backend,
            capabilities,
        }))
    }

    fn snapshot(&self) -> Result<Snapshot, StateError> {
        let answer = self.ptr.snapshot().ok().map_err(state_error)?;
        value(&answer, "podstate_snapshot")
    }

    fn restore(&self, snapshot: &Snapshot) -> Result<(), StateError> {
        let json = serde_json::to_vec(snapshot).map_err(|e| {
            StateError::new(ErrorKind::InvalidArg, format!("unwritable snapshot: {e}"))
        })?;
        self.ptr.restore(&json).ok().map_err(state_error)?;
        Ok(())
    }

    fn verify(&self) -> Result<Vec<Violation>, StateError> {
        let answer = self.ptr.verify().ok().map_err(state_error)?;
        let found: Vec<ViolationJson> = value(&answer, "podstate_verify")?;
        Ok(found
            .into_iter()
            .map(|v| Violation {
                invariant: v.invariant,
                objects: v.objects,
                message: v.message,
            })
            .collect())
    }
}

/// A [`Violation`] as `podstate_verify` writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ViolationJson {
    invariant: Invariant,
    objects: Vec<String>,
    message: String,
}
