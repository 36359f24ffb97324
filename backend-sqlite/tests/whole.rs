//! Whole-database operations on a live database: `Store::replace` (one write transaction of
//! the file itself, so handles that stay open see the new state at once and keep writing into
//! the same file) and `SqliteStore::backup_to` (a consistent copy).

use podstate_api::Store;
use podstate_api::snapshot::Snapshot;
use podstate_api::{
    Container, ContainerConfig, DbConfig, ErrorKind, ExecSession, NamedVolume, Pod, PodConfig,
    State, Volume, VolumeConfig,
};
use podstate_sqlite::SqliteStore;

/// A store holding a pod with two members (one depending on the other), a volume in use, an
/// exec session, aliases and a pinned DB config, all under names prefixed with `tag`.
fn filled(tag: &str) -> SqliteStore {
    let store = SqliteStore::temporary().unwrap();
    let state = store.open_handle().unwrap();
    let vol = format!("{tag}-vol");
    state
        .add_volume(&Volume::new(VolumeConfig::new(&vol)))
        .unwrap();
    let pod = Pod::new(PodConfig::new(format!("{tag}-pod"), format!("{tag}-pod")));
    state.add_pod(&pod).unwrap();
    let mut base = ContainerConfig::new(format!("{tag}-1"), format!("{tag}-one"));
    base.pod = Some(pod.id().to_owned());
    base.named_volumes.push(NamedVolume {
        name: vol,
        ..NamedVolume::default()
    });
    base.networks = vec!["net".into()];
    base.network_aliases
        .insert("net".into(), vec!["b".into(), "a".into()]);
    state
        .add_container_to_pod(&pod, &Container::new(base.clone()))
        .unwrap();
    let mut dependent = ContainerConfig::new(format!("{tag}-2"), format!("{tag}-two"));
    dependent.pod = base.pod.clone();
    dependent.depends_on = vec![base.id.clone()];
    let dependent = Container::new(dependent);
    state.add_container_to_pod(&pod, &dependent).unwrap();
    let session = ExecSession::new(format!("{tag}-exec"), dependent.id());
    state.add_exec_session(&dependent, &session).unwrap();
    let pinned = DbConfig {
        libpod_root: format!("/{tag}"),
        ..DbConfig::default()
    };
    state.validate_db_config(&pinned).unwrap();
    drop(state);
    store
}

#[test]
fn replace_swaps_the_whole_state_under_open_handles() {
    let target = filled("old");
    let source = filled("new").snapshot().unwrap();
    let watcher = target.open_handle().unwrap();
    assert_eq!(watcher.all_containers().unwrap().len(), 2);

    target.replace(&source).unwrap();
    assert_eq!(target.snapshot().unwrap(), source);
    assert_eq!(target.verify().unwrap(), []);
    let ids: Vec<String> = (watcher.all_containers().unwrap().iter())
        .map(|c| c.id().to_owned())
        .collect();
    assert_eq!(ids, ["new-1", "new-2"], "an open handle sees the new state");
    // The handle writes on into the same file: a new handle sees it.
    watcher
        .add_container(&Container::new(ContainerConfig::new("after", "after")))
        .unwrap();
    let fresh = target.open_handle().unwrap();
    assert!(fresh.lookup_container("after").is_ok());

    // Replacing with nothing empties it.
    target.replace(&Snapshot::default()).unwrap();
    assert!(target.snapshot().unwrap().is_empty());
}

#[test]
fn a_replacement_that_breaks_an_invariant_changes_nothing() {
    let target = filled("old");
    let before = target.snapshot().unwrap();
    let mut broken = filled("new").snapshot().unwrap();
    broken.volumes.clear();
    let err = target.replace(&broken).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArg, "{err}");
    assert_eq!(target.snapshot().unwrap(), before);
}

#[test]
fn a_backup_is_a_whole_database_that_passes_its_check() {
    let source = filled("src");
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("copy.db");
    let mut steps = Vec::new();
    source
        .backup_to(&dest, |copied, total| steps.push((copied, total)))
        .unwrap();
    let (copied, total) = *steps.last().unwrap();
    assert_eq!(copied, total, "{steps:?}");
    let copy = SqliteStore::open_read_only(&dest).unwrap();
    assert_eq!(copy.verify().unwrap(), []);
    assert_eq!(copy.snapshot().unwrap(), source.snapshot().unwrap());

    let err = source.backup_to(&dest, |_, _| {}).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("exists"), "{err}");
}
