//! No panic crosses the boundary: a store whose every call panics (a stand-in for a bug in
//! podstate) answers the kind `Panic` at every C function, and the process goes on.

use std::collections::BTreeMap;

use podstate::snapshot::Snapshot;
use podstate::verify::Violation;
use podstate::{
    Capabilities, Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, State,
    Store, Volume, VolumeConfig,
};
use podstate_capi::calls::CALLS;
use podstate_capi::ffi::caller;

#[derive(Debug)]
struct Bug;

fn boom<T>() -> T {
    panic!("planted bug")
}

impl Store for Bug {
    fn backend(&self) -> &'static str {
        "bug"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::in_memory()
    }
    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(Bug))
    }
    fn reopen(self: std::sync::Arc<Self>) -> Result<Box<dyn Store>> {
        boom()
    }
    fn snapshot(&self) -> Result<Snapshot> {
        boom()
    }
    fn restore(&self, _: &Snapshot) -> Result<()> {
        boom()
    }
    fn verify(&self) -> Result<Vec<Violation>> {
        boom()
    }
}

#[rustfmt::skip]
impl State for Bug {
    fn close(&self) -> Result<()> { boom() }
    fn refresh(&self) -> Result<()> { boom() }
    fn get_db_config(&self) -> Result<DbConfig> { boom() }
    fn validate_db_config(&self, _: &DbConfig) -> Result<()> { boom() }
    fn set_namespace(&self, _: &str) -> Result<()> { boom() }
    fn batch(&self, _: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> { boom() }
    fn get_name(&self, _: &str) -> Result<String> { boom() }
    fn container(&self, _: &str) -> Result<Container> { boom() }
    fn lookup_container_id(&self, _: &str) -> Result<String> { boom() }
    fn lookup_container(&self, _: &str) -> Result<Container> { boom() }
    fn has_container(&self, _: &str) -> Result<bool> { boom() }
    fn get_container_config(&self, _: &str) -> Result<ContainerConfig> { boom() }
    fn add_container(&self, _: &Container) -> Result<()> { boom() }
    fn remove_container(&self, _: &Container) -> Result<()> { boom() }
    fn update_container(&self, _: &mut Container) -> Result<()> { boom() }
    fn save_container(&self, _: &Container) -> Result<()> { boom() }
    fn container_in_use(&self, _: &Container) -> Result<Vec<String>> { boom() }
    fn all_containers(&self) -> Result<Vec<Container>> { boom() }
    fn rewrite_container_config(&self, _: &Container, _: &ContainerConfig) -> Result<()> { boom() }
    fn get_networks(&self, _: &Container) -> Result<Vec<String>> { boom() }
    fn get_network_aliases(&self, _: &Container, _: &str) -> Result<Vec<String>> { boom() }
    fn get_all_network_aliases(&self, _: &Container) -> Result<BTreeMap<String, Vec<String>>> { boom() }
    fn network_connect(&self, _: &Container, _: &str, _: &[String]) -> Result<()> { boom() }
    fn network_disconnect(&self, _: &Container, _: &str) -> Result<()> { boom() }
    fn add_exec_session(&self, _: &Container, _: &ExecSession) -> Result<()> { boom() }
    fn get_exec_session(&self, _: &str) -> Result<String> { boom() }
    fn remove_exec_session(&self, _: &ExecSession) -> Result<()> { boom() }
    fn get_container_exec_sessions(&self, _: &Container) -> Result<Vec<String>> { boom() }
    fn remove_container_exec_sessions(&self, _: &Container) -> Result<()> { boom() }
    fn pod(&self, _: &str) -> Result<Pod> { boom() }
    fn lookup_pod(&self, _: &str) -> Result<Pod> { boom() }
    fn has_pod(&self, _: &str) -> Result<bool> { boom() }
    fn pod_has_container(&self, _: &Pod, _: &str) -> Result<bool> { boom() }
    fn pod_containers_by_id(&self, _: &Pod) -> Result<Vec<String>> { boom() }
    fn pod_containers(&self, _: &Pod) -> Result<Vec<Container>> { boom() }
    fn add_pod(&self, _: &Pod) -> Result<()> { boom() }
    fn remove_pod(&self, _: &Pod) -> Result<()> { boom() }
    fn remove_pod_containers(&self, _: &Pod) -> Result<()> { boom() }
    fn add_container_to_pod(&self, _: &Pod, _: &Container) -> Result<()> { boom() }
    fn remove_container_from_pod(&self, _: &Pod, _: &Container) -> Result<()> { boom() }
    fn update_pod(&self, _: &mut Pod) -> Result<()> { boom() }
    fn save_pod(&self, _: &Pod) -> Result<()> { boom() }
    fn all_pods(&self) -> Result<Vec<Pod>> { boom() }
    fn rewrite_pod_config(&self, _: &Pod, _: &PodConfig) -> Result<()> { boom() }
    fn volume(&self, _: &str) -> Result<Volume> { boom() }
    fn lookup_volume(&self, _: &str) -> Result<Volume> { boom() }
    fn has_volume(&self, _: &str) -> Result<bool> { boom() }
    fn volume_in_use(&self, _: &Volume) -> Result<Vec<String>> { boom() }
    fn add_volume(&self, _: &Volume) -> Result<()> { boom() }
    fn remove_volume(&self, _: &Volume) -> Result<()> { boom() }
    fn update_volume(&self, _: &mut Volume) -> Result<()> { boom() }
    fn save_volume(&self, _: &Volume) -> Result<()> { boom() }
    fn all_volumes(&self) -> Result<Vec<Volume>> { boom() }
    fn rewrite_volume_config(&self, _: &Volume, _: &VolumeConfig) -> Result<()> { boom() }
}

/// Arguments of the right shape for every call, so that each reaches the panicking method.
fn args_of(call: &str) -> String {
    let ctr = serde_json::to_string(&Container::new(ContainerConfig::new("c", "n"))).unwrap();
    let pod = serde_json::to_string(&Pod::new(PodConfig::new("p", "q"))).unwrap();
    let vol = serde_json::to_string(&Volume::new(VolumeConfig::new("v"))).unwrap();
    let cfg = |of: &str| {
        let v: serde_json::Value = serde_json::from_str(of).unwrap();
        v["config"].to_string()
    };
    let session = r#"{"id":"s","container_id":"c"}"#;
    let db = serde_json::to_string(&DbConfig::default()).unwrap();
    match call {
        "close" | "refresh" | "get_db_config" | "all_containers" | "all_pods" | "all_volumes" => {
            "{}".into()
        }
        "validate_db_config" => format!(r#"{{"cfg":{db}}}"#),
        "set_namespace" => r#"{"ns":"x"}"#.into(),
        "get_name"
        | "container"
        | "has_container"
        | "get_container_config"
        | "get_exec_session"
        | "pod"
        | "has_pod" => r#"{"id":"x"}"#.into(),
        "lookup_container_id" | "lookup_container" | "lookup_pod" => r#"{"id_or_name":"x"}"#.into(),
        "volume" | "lookup_volume" | "has_volume" => r#"{"name":"x"}"#.into(),
        "rewrite_container_config" => format!(r#"{{"ctr":{ctr},"cfg":{}}}"#, cfg(&ctr)),
        "get_network_aliases" | "network_disconnect" => format!(r#"{{"ctr":{ctr},"network":"n"}}"#),
        "network_connect" => format!(r#"{{"ctr":{ctr},"network":"n","aliases":[]}}"#),
        "add_exec_session" => format!(r#"{{"ctr":{ctr},"session":{session}}}"#),
        "remove_exec_session" => format!(r#"{{"session":{session}}}"#),
        "pod_has_container" => format!(r#"{{"pod":{pod},"ctr_id":"c"}}"#),
        "add_container_to_pod" | "remove_container_from_pod" => {
            format!(r#"{{"pod":{pod},"ctr":{ctr}}}"#)
        }
        "rewrite_pod_config" => format!(r#"{{"pod":{pod},"cfg":{}}}"#, cfg(&pod)),
        "rewrite_volume_config" => format!(r#"{{"vol":{vol},"cfg":{}}}"#, cfg(&vol)),
        c if c.contains("volume") => format!(r#"{{"vol":{vol}}}"#),
        c if c.contains("pod") => format!(r#"{{"pod":{pod}}}"#),
        _ => format!(r#"{{"ctr":{ctr}}}"#),
    }
}

#[test]
fn every_call_and_store_function_answers_a_panic_as_the_kind_panic() {
    let store = caller::adopt(Box::new(Bug));
    let handle = store.open_handle(None).unwrap();
    for call in CALLS {
        let name = std::ffi::CString::new(call).unwrap();
        let answer = handle.call(&name, args_of(call).as_bytes(), None);
        assert_eq!(
            answer.kind(),
            Some("Panic"),
            "{call}: {}",
            String::from_utf8_lossy(answer.json())
        );
        let text = String::from_utf8_lossy(answer.json()).into_owned();
        assert!(text.contains("planted bug"), "{call}: {text}");
    }
    assert_eq!(handle.close().kind(), Some("Panic"));
    assert_eq!(store.snapshot().kind(), Some("Panic"));
    assert_eq!(store.verify().kind(), Some("Panic"));
    assert_eq!(
        store.restore(b"{}").kind(),
        Some("BadRequest"),
        "read before it is restored"
    );
    let err = store.reopen().unwrap_err();
    assert_eq!(err.kind.name(), "Panic");
}
