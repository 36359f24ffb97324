//! What each child process does, and the report it leaves for the parent.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use podstate_api::{
    Container, ContainerConfig, ErrorKind, ExecSession, NamedVolume, Payload, Pod, PodConfig,
    State, StateError, Volume, VolumeConfig,
};

/// How many objects each child adds per kind.
const OWN: usize = 40;
const RACES: usize = 50;

/// What a child was told it did.
#[derive(Debug, Default)]
pub struct Report {
    /// Containers it added and did not remove.
    pub kept: Vec<String>,
    /// Containers it added and then removed.
    pub removed: Vec<String>,
    /// Exec sessions it registered and did not remove.
    pub sessions: Vec<String>,
    /// Raced ID -> the name this child stored under it, for each race it won.
    pub ids_won: BTreeMap<String, String>,
    /// Raced name -> the ID this child stored under it, for each race it won.
    pub names_won: BTreeMap<String, String>,
}

impl Report {
    /// Writes the report, one `tag<TAB>value[<TAB>value]` line per fact.
    pub fn write(&self, path: &Path) {
        let mut text = String::new();
        for (tag, list) in [("kept", &self.kept), ("removed", &self.removed)] {
            for id in list {
                text.push_str(&format!("{tag}\t{id}\n"));
            }
        }
        for id in &self.sessions {
            text.push_str(&format!("session\t{id}\n"));
        }
        for (tag, map) in [("id", &self.ids_won), ("name", &self.names_won)] {
            for (k, v) in map {
                text.push_str(&format!("{tag}\t{k}\t{v}\n"));
            }
        }
        std::fs::write(path, text).unwrap();
    }

    /// Reads a report [`write`](Report::write) wrote.
    pub fn read(path: &Path) -> Report {
        let mut report = Report::default();
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["kept", id] => report.kept.push((*id).to_owned()),
                ["removed", id] => report.removed.push((*id).to_owned()),
                ["session", id] => report.sessions.push((*id).to_owned()),
                ["id", k, v] => drop(report.ids_won.insert((*k).into(), (*v).into())),
                ["name", k, v] => drop(report.names_won.insert((*k).into(), (*v).into())),
                other => panic!("bad report line {other:?}"),
            }
        }
        report
    }
}

/// The IDs the racers all try to take.
pub fn raced_ids() -> Vec<String> {
    (0..RACES)
        .flat_map(|j| [format!("race-{j}"), format!("rpod-{j}")])
        .collect()
}

/// The names the racers all try to take.
pub fn raced_names() -> Vec<String> {
    (0..RACES)
        .flat_map(|j| [format!("rname-{j}"), format!("mix-{j}")])
        .collect()
}

/// Runs `role` (`own:K`, `race:K` or `read`) on `state`. Panics on any answer the role does not
/// expect, busy or locked databases included.
pub fn run(role: &str, state: &dyn State) -> Report {
    let (kind, k) = role.split_once(':').unwrap_or((role, "0"));
    match kind {
        "own" => own(state, k),
        "race" => race(state, k),
        "read" => read(state),
        other => panic!("unknown role {other:?}"),
    }
}

/// A payload of about 2 KiB.
fn payload(tag: &str) -> Payload {
    Payload::from_json(format!(
        "{{\"tag\":\"{tag}\",\"pad\":\"{}\"}}",
        "p".repeat(2000)
    ))
    .unwrap()
}

fn ok<T>(what: &str, answer: Result<T, StateError>) -> T {
    answer.unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Works on objects no other process touches: a volume, a pod with members, containers with
/// dependencies, volumes, networks and exec sessions; removes some.
fn own(state: &dyn State, k: &str) -> Report {
    let mut report = Report::default();
    let vol = format!("vol-{k}");
    ok(
        "add_volume",
        state.add_volume(&Volume::new(VolumeConfig::new(&vol))),
    );
    let pod = Pod::new(PodConfig::new(format!("pod-{k}"), format!("podname-{k}")));
    ok("add_pod", state.add_pod(&pod));
    for i in 0..OWN {
        let id = format!("own-{k}-{i:03}");
        let mut cfg = ContainerConfig::new(&id, format!("own-name-{k}-{i}"));
        if i % 2 == 1 {
            cfg.depends_on = vec![format!("own-{k}-{:03}", i - 1)];
        }
        if i % 3 == 0 {
            cfg.named_volumes = vec![NamedVolume {
                name: vol.clone(),
                ..NamedVolume::default()
            }];
        }
        cfg.networks = vec!["net-a".into()];
        cfg.network_aliases
            .insert("net-a".into(), vec![format!("alias-{i}")]);
        cfg.payload = payload(&id);
        let mut ctr = Container::new(cfg);
        ok("add_container", state.add_container(&ctr));
        report.kept.push(id.clone());
        ctr.state.pid = u32::try_from(i).unwrap() + 1;
        ok("save_container", state.save_container(&ctr));
        if i % 4 == 0 {
            let session = format!("exec-{k}-{i}");
            ok(
                "add_exec_session",
                state.add_exec_session(&ctr, &ExecSession::new(&session, &id)),
            );
            report.sessions.push(session);
        }
        if i % 6 == 2 {
            ok(
                "network_connect",
                state.network_connect(&ctr, "net-b", &["b".into()]),
            );
            ok(
                "network_disconnect",
                state.network_disconnect(&ctr, "net-a"),
            );
        }
        if i % 4 == 3 {
            // Odd, so nothing depends on it.
            ok("remove_container", state.remove_container(&ctr));
            report.kept.pop();
            report.removed.push(id);
        }
    }
    for i in 0..10 {
        let id = format!("own-{k}-pod-{i}");
        let cfg = ContainerConfig {
            pod: Some(pod.config.id.clone()),
            ..ContainerConfig::new(&id, format!("own-pod-name-{k}-{i}"))
        };
        ok(
            "add_container_to_pod",
            state.add_container_to_pod(&pod, &Container::new(cfg)),
        );
        report.kept.push(id);
    }
    let first = ok(
        "lookup_container",
        state.lookup_container(&format!("own-{k}-pod-0")),
    );
    ok(
        "remove_container_from_pod",
        state.remove_container_from_pod(&pod, &first),
    );
    report.kept.retain(|id| *id != first.config.id);
    report.removed.push(first.config.id);
    report
}

/// Races the other racers for the same IDs and names; a lost race must name its holder.
fn race(state: &dyn State, k: &str) -> Report {
    let mut report = Report::default();
    let kn: usize = k.parse().unwrap();
    let lost = |what: &str, e: StateError| {
        assert!(
            matches!(e.kind(), ErrorKind::CtrExists | ErrorKind::PodExists),
            "{what}: {e}"
        );
    };
    for j in 0..RACES {
        let (id, name) = (format!("race-{j}"), format!("race-{k}-{j}"));
        match state.add_container(&Container::new(ContainerConfig::new(&id, &name))) {
            Ok(()) => drop(report.ids_won.insert(id, name)),
            Err(e) => lost("race for an ID", e),
        }
        let (id, name) = (format!("rname-{k}-{j}"), format!("rname-{j}"));
        match state.add_container(&Container::new(ContainerConfig::new(&id, &name))) {
            Ok(()) => drop(report.names_won.insert(name, id)),
            Err(e) => lost("race for a name", e),
        }
        let (id, name) = (format!("mix-{k}-{j}"), format!("mix-{j}"));
        let added = if (kn + j).is_multiple_of(2) {
            state.add_pod(&Pod::new(PodConfig::new(&id, &name)))
        } else {
            state.add_container(&Container::new(ContainerConfig::new(&id, &name)))
        };
        match added {
            Ok(()) => drop(report.names_won.insert(name, id)),
            Err(e) => lost("race of a pod and a container for a name", e),
        }
        let (id, name) = (format!("rpod-{j}"), format!("rpod-{k}-{j}"));
        match state.add_pod(&Pod::new(PodConfig::new(&id, &name))) {
            Ok(()) => drop(report.ids_won.insert(id, name)),
            Err(e) => lost("race for a pod ID", e),
        }
    }
    report
}

/// Reads while the others write: every list is one consistent snapshot.
fn read(state: &dyn State) -> Report {
    for _ in 0..200 {
        let all = ok("all_containers", state.all_containers());
        let ids: Vec<&str> = all.iter().map(Container::id).collect();
        for ctr in &all {
            for dep in ctr.config.dependencies() {
                assert!(
                    ids.contains(&dep.as_str()),
                    "{} lists {dep:?}, not listed",
                    ctr.id()
                );
            }
        }
        match state.lookup_container_id("own-0-000") {
            Ok(_) => {}
            Err(e) => assert_eq!(e.kind(), ErrorKind::NoSuchCtr, "{e}"),
        }
        ok("all_pods", state.all_pods());
    }
    Report::default()
}

/// Holds the database's write lock, with an uncommitted write, until killed; says so by
/// creating `holding`.
pub fn hold_write_lock(path: &Path, holding: &Path) -> ! {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "BEGIN IMMEDIATE; \
         INSERT INTO volume (name, config, config_payload, state, state_payload) \
         VALUES ('ghost', '{}', '{}', '{}', '{}');",
    )
    .unwrap();
    std::fs::write(holding, b"holding").unwrap();
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Saves one container in a tight loop, durably, until killed; says so by creating `writing`
/// after the first save.
pub fn write_in_a_loop(path: &Path, writing: &Path) -> ! {
    let store = podstate_sqlite::SqliteStore::open(path).unwrap();
    let state = store.open_handle().unwrap();
    let mut hot = Container::new(ContainerConfig::new("hot", "hot"));
    ok("add_container", state.add_container(&hot));
    loop {
        hot.state.pid = hot.state.pid.wrapping_add(1);
        ok("save_container", state.save_container(&hot));
        if hot.state.pid == 1 {
            std::fs::write(writing, b"writing").unwrap();
        }
    }
}

/// Lists every container in a loop until killed; says so by creating `reading` after the
/// first list.
pub fn read_in_a_loop(path: &Path, reading: &Path) -> ! {
    let store = podstate_sqlite::SqliteStore::open(path).unwrap();
    let state = store.open_handle().unwrap();
    ok("all_containers", state.all_containers());
    std::fs::write(reading, b"reading").unwrap();
    loop {
        ok("all_containers", state.all_containers());
    }
}
