//! What the file engine promises about its file, tried as an operator would: a reopen reads what
//! the last commit wrote, a batch that fails leaves the file as it was, a commit leaves no
//! temporary file behind, and a damaged file is refused or reported, never read as a store.

use podstate_api::{ErrorKind, State, StateError, Store};
use podstate_conformance::scenarios::fixtures::{ctr, vol};
use podstate_example_template::JsonStore;

#[test]
fn a_reopened_store_reads_what_the_last_commit_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let store = JsonStore::open(&path).unwrap();
    store
        .open_handle()
        .add_container(&ctr("c1", "web"))
        .unwrap();
    drop(store);
    let again = JsonStore::open(&path).unwrap();
    assert_eq!(
        again.open_handle().lookup_container_id("web").unwrap(),
        "c1"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the file"
    );
}

#[test]
fn a_batch_that_fails_leaves_the_file_as_it_was() {
    let store = JsonStore::temporary().unwrap();
    store.open_handle().add_volume(&vol("data")).unwrap();
    let before = std::fs::read(store.path()).unwrap();
    let answer = store.open_handle().batch(&mut |tx| {
        tx.add_container(&ctr("c1", "web"))?;
        tx.remove_volume(&vol("data"))?;
        Err(StateError::invalid("the runtime changed its mind"))
    });
    assert_eq!(answer.unwrap_err().kind(), ErrorKind::InvalidArg);
    assert_eq!(std::fs::read(store.path()).unwrap(), before);
}

#[test]
fn a_damaged_file_is_refused_at_open_and_listed_by_verify() {
    let store = JsonStore::temporary().unwrap();
    std::fs::write(store.path(), b"{\"format\": 1, \"containers\": [").unwrap();
    let refused = JsonStore::open(store.path()).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Corrupt, "{refused}");
    let found = store.verify().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("is not a store"), "{found:?}");
}

#[test]
fn a_file_of_another_format_is_refused() {
    let store = JsonStore::temporary().unwrap();
    let text = std::fs::read_to_string(store.path()).unwrap();
    std::fs::write(store.path(), text.replace("\"format\":1", "\"format\":2")).unwrap();
    let refused = JsonStore::open(store.path()).unwrap_err();
    assert!(refused.message().contains("format 2"), "{refused}");
}
