//! The runtime's surface, used through the facade alone: every item a runtime needs is named
//! here by its `podstate::` path, so renaming or moving one breaks this test in review
//! (ARCHITECTURE.md, "The two surfaces").

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use podstate::{
    Call, Capabilities, Container, ContainerConfig, ContainerState, ContainerStatus, DbConfig,
    ErrorKind, ExecSession, Layered, NamedVolume, OpenError, OpenOptions, Payload, Pod, PodConfig,
    PodState, Result, State, StateError, StateLayer, Store, StoreConfig, Timestamp, Volume,
    VolumeConfig, VolumeState,
};

/// A wrapper a runtime might write: forwards everything, counts the mutating calls.
#[derive(Debug)]
struct Audited<S> {
    inner: S,
    writes: std::sync::atomic::AtomicU64,
}

impl<S: State> StateLayer for Audited<S> {
    fn inner(&self) -> &dyn State {
        &self.inner
    }

    fn around<T>(&self, call: Call, f: impl FnOnce(&dyn State) -> Result<T>) -> Result<T> {
        if call.mutating {
            self.writes
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        f(&self.inner)
    }
}

/// Generic code over any handle: a reference, a box, an `Arc`, a layer.
fn count_containers(state: impl State) -> Result<usize> {
    Ok(state.all_containers()?.len())
}

#[test]
fn a_runtime_needs_only_the_facade() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let config: StoreConfig = "memory:".parse()?;
    assert_eq!(config, StoreConfig::Memory);
    let options = OpenOptions::new()
        .read_only(false)
        .lock_timeout(Duration::from_secs(5));
    let store: Box<dyn Store> = podstate::open_with(&config, options)?;
    let caps: Capabilities = store.capabilities();
    assert!(caps.shared_handles && caps.reopen && !caps.persistent);
    assert_eq!(store.backend(), "memory");

    let state: Box<dyn State> = store.open_handle()?;
    state.validate_db_config(&DbConfig::default())?;
    let _: DbConfig = state.get_db_config()?;
    state.add_volume(&Volume::new(VolumeConfig::new("data")))?;
    state.add_pod(&Pod::new(PodConfig::new("f00d", "web")))?;
    let mut cfg = ContainerConfig::new("beef01", "web-db");
    cfg.pod = Some("f00d".into());
    cfg.payload = Payload::from_json(r#"{"image":"postgres"}"#)?;
    cfg.named_volumes.push(NamedVolume {
        name: "data".into(),
        ..Default::default()
    });
    cfg.networks.push("net".into());
    cfg.network_aliases.insert("net".into(), vec!["db".into()]);
    let pod: Pod = state.pod("f00d")?;
    state.add_container_to_pod(&pod, &Container::new(cfg))?;
    let mut ctr: Container = state.lookup_container("web-db")?;
    state.update_container(&mut ctr)?;
    let _: &ContainerState = &ctr.state;
    let _: ContainerStatus = ctr.state.status;
    let _: &PodState = &pod.state;
    let _: &VolumeState = &state.volume("data")?.state;
    let _: &Timestamp = &ctr.config.created;
    let aliases: BTreeMap<String, Vec<String>> = state.get_all_network_aliases(&ctr)?;
    assert_eq!(aliases["net"], ["db"]);
    state.add_exec_session(&ctr, &ExecSession::new("e1", "beef01"))?;

    // Several calls as one batch, with and without a value handed back.
    state.batch(&mut |tx: &dyn State| tx.save_container(&ctr))?;
    let sessions: Vec<String> = podstate::batch(&*state, |tx: &dyn State| {
        tx.get_container_exec_sessions(&ctr)
    })?;
    assert_eq!(sessions, ["e1"]);

    let err: StateError = state.remove_volume(&state.volume("data")?).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InUse);

    // A handle per namespace; the pointer impls and a layer, all as `State`.
    let other: Box<dyn State> = store.open_handle_in("elsewhere")?;
    assert_eq!(count_containers(&*other)?, 0);
    assert_eq!(count_containers(&state)?, 1);
    let shared: Arc<dyn State> = Arc::from(store.open_handle()?);
    assert_eq!(count_containers(Arc::clone(&shared))?, 1);
    let audited = Layered(Audited {
        inner: store.open_handle()?,
        writes: Default::default(),
    });
    audited.refresh()?;
    assert_eq!(count_containers(&audited)?, 1);
    assert_eq!(
        audited.0.writes.load(std::sync::atomic::Ordering::Relaxed),
        1
    );

    // Whole stores: export, verify, reopen through an `Arc`.
    let mut file = Vec::new();
    podstate::export::write(&mut file, &store.snapshot()?)?;
    let copy = podstate::open("memory:")?;
    copy.restore(&podstate::export::read(&file)?)?;
    assert!(copy.verify()?.is_empty());
    let dump = podstate::dump::dump(copy.open_handle()?.as_ref())?;
    assert_eq!(dump, podstate::dump::dump(state.as_ref())?);
    let store: Arc<dyn Store> = Arc::from(store);
    let reopened: Box<dyn Store> = store.reopen()?;
    assert_eq!(count_containers(reopened.open_handle()?)?, 1);

    // A backend left out of the build, or a bad URL, is a typed error.
    let bad: OpenError = podstate::open("bolt:/x").unwrap_err();
    assert!(matches!(bad, OpenError::UnknownScheme { .. }));
    Ok(())
}
