//! podstate for a runtime: one crate, one constructor, the backend picked by cargo feature.
//!
//! ```toml
//! [dependencies]
//! podstate = { version = "0.1", default-features = false, features = ["sqlite"] }
//! ```
//!
//! Features: `memory` (default), `sqlite` (bundled SQLite), `redb` (pure Rust), and `cli` (the
//! `podstate` command; default). [`open`] takes a URL-like string (`memory:`, `sqlite:PATH`,
//! `redb:PATH`) and [`open_with`] a typed [`StoreConfig`]; both answer a [`Store`], which hands
//! out [`State`] handles. A backend left out of the build is a clear [`OpenError`] naming the
//! feature to enable. Everything of `podstate-api` is re-exported, so a runtime depends on this
//! crate alone.
//!
//! Each call is one durable transaction. A runtime that makes several calls for one piece of
//! work (create a container: add it, connect its networks, register an exec session) runs them
//! as one **batch**: [`State::batch`], or [`batch`] for a closure that hands back a value. Every
//! call inside runs in one transaction with one durable commit, visible to other handles and
//! processes at one instant or not at all; a call that fails inside changes nothing and the
//! closure may go on; the closure's `Err` rolls everything back. The batch holds the write lock
//! while its closure runs (SPEC §3, *Batches*).
//!
//! ```
//! use podstate::{Container, ContainerConfig, State};
//!
//! let store = podstate::open("memory:")?;
//! let state = store.open_handle()?;
//! state.add_container(&Container::new(ContainerConfig::new("4f2a9c", "web")))?;
//! assert_eq!(state.lookup_container_id("web")?, "4f2a9c");
//!
//! // Several calls as one batch: all of them, durably, in one commit, or none.
//! let db = Container::new(ContainerConfig::new("9e1d07", "web-db"));
//! let networks = podstate::batch(state.as_ref(), |tx: &dyn State| {
//!     tx.add_container(&db)?;
//!     tx.network_connect(&db, "backend", &[])?;
//!     tx.get_networks(&db)
//! })?;
//! assert_eq!(networks, ["backend"]);
//!
//! // The whole store, as `podstate export` writes it and `podstate import` reads it.
//! let mut file = Vec::new();
//! podstate::export::write(&mut file, &store.snapshot()?)?;
//! let copy = podstate::open("memory:")?;
//! copy.restore(&podstate::export::read(&file)?)?;
//! assert_eq!(copy.open_handle()?.all_containers()?.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod backup;
pub mod export;
mod one_line;
mod url;

pub use podstate_api::*;

pub use backup::backup;
pub use one_line::error_line;
pub use url::{OpenOptions, StoreConfig};

/// Why a store could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The URL names a backend podstate does not know.
    #[error("unknown store scheme {scheme:?} in {url:?}: use memory:, sqlite:PATH or redb:PATH")]
    UnknownScheme {
        /// The URL as given.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// The URL is not of the form `SCHEME:PATH`.
    #[error("bad store URL {url:?}: {why}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
    /// The backend exists but this build left it out.
    #[error(
        "the {backend} backend is not compiled into this build: enable the cargo feature \
         \"{backend}\" of podstate"
    )]
    NotCompiledIn {
        /// The backend, which is also the feature's name.
        backend: &'static str,
    },
    /// The backend could not open the store (missing file, not a podstate database, ...).
    #[error(transparent)]
    Store(#[from] StateError),
}

/// Opens the store `url` names (`memory:`, `sqlite:PATH`, `redb:PATH`) with default options:
/// writable, a persistent database created if missing.
///
/// # Errors
/// See [`OpenError`].
pub fn open(url: &str) -> Result<Box<dyn Store>, OpenError> {
    open_with(&url.parse()?, OpenOptions::default())
}

/// Opens the store `config` names, with `options`.
///
/// # Errors
/// See [`OpenError`].
///
/// Runs in a `DEBUG` span named `open` (target `podstate`) with the `backend`, the `path`,
/// `read_only` and, once it returns, the `outcome` (`"ok"` or the error kind), so that a
/// backend's events while opening (a repair, a lock wait) show which open they belong to.
pub fn open_with(config: &StoreConfig, options: OpenOptions) -> Result<Box<dyn Store>, OpenError> {
    let span = tracing::debug_span!(
        "open",
        backend = config.backend(),
        path = config.path().map(|p| p.display().to_string()),
        read_only = options.read_only,
        outcome = tracing::field::Empty,
    );
    let _entered = span.enter();
    let answer = match config {
        StoreConfig::Memory => memory(),
        StoreConfig::Sqlite(path) => sqlite(path, options),
        StoreConfig::Redb(path) => redb(path, options),
    };
    span.record(
        "outcome",
        match &answer {
            Ok(_) => "ok",
            Err(OpenError::Store(e)) => e.kind().name(),
            Err(_) => "NotCompiledIn",
        },
    );
    answer
}

#[cfg(feature = "memory")]
fn memory() -> Result<Box<dyn Store>, OpenError> {
    Ok(Box::new(podstate_memory::MemoryStore::new()))
}

#[cfg(not(feature = "memory"))]
fn memory() -> Result<Box<dyn Store>, OpenError> {
    Err(OpenError::NotCompiledIn { backend: "memory" })
}

#[cfg(feature = "sqlite")]
fn sqlite(path: &std::path::Path, options: OpenOptions) -> Result<Box<dyn Store>, OpenError> {
    let mut opts = podstate_sqlite::SqliteOptions::new().read_only(options.read_only);
    if let Some(timeout) = options.lock_timeout {
        opts = opts.lock_timeout(timeout);
    }
    Ok(Box::new(podstate_sqlite::SqliteStore::open_with(
        path, opts,
    )?))
}

#[cfg(not(feature = "sqlite"))]
fn sqlite(_: &std::path::Path, _: OpenOptions) -> Result<Box<dyn Store>, OpenError> {
    Err(OpenError::NotCompiledIn { backend: "sqlite" })
}

#[cfg(feature = "redb")]
fn redb(path: &std::path::Path, options: OpenOptions) -> Result<Box<dyn Store>, OpenError> {
    let mut opts = podstate_redb::RedbOptions::default().read_only(options.read_only);
    if let Some(timeout) = options.lock_timeout {
        opts = opts.lock_timeout(timeout);
    }
    Ok(Box::new(podstate_redb::RedbStore::open_with(path, opts)?))
}

#[cfg(not(feature = "redb"))]
fn redb(_: &std::path::Path, _: OpenOptions) -> Result<Box<dyn Store>, OpenError> {
    Err(OpenError::NotCompiledIn { backend: "redb" })
}

/// The README's Rust examples, compiled and run as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
