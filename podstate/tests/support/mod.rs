//! What the tests of the `podstate` command share: running it as a user would (a real process
//! in a temporary directory), a small state to run it on, and damage planted with plain SQL.
#![allow(dead_code, reason = "each test file uses part of it")]

pub mod writer;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use podstate::{
    Container, ContainerConfig, ContainerStatus, ExecSession, NamedVolume, Pod, PodConfig, State,
    Timestamp, Volume, VolumeConfig,
};

/// Runs `podstate args...` in `dir`, with no colour or log settings from the environment.
pub fn podstate(dir: &Path, args: &[&str]) -> Output {
    podstate_with(dir, args, &[])
}

/// Runs `podstate args...` in `dir` with the environment variables `env` set (and no other
/// colour or log settings).
pub fn podstate_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_podstate"));
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "RUST_LOG"] {
        command.env_remove(var);
    }
    command
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("the podstate binary runs")
}

/// What the command printed on stdout.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the command printed on stderr.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// 2026-11-29 10:00 UTC plus `minutes`.
pub fn at(minutes: i64) -> Timestamp {
    Timestamp::new(1_795_946_400 + minutes * 60, 0).unwrap()
}

/// A small state: a pod with two members (one depending on the other, one with a volume and
/// an exec session), a container in namespace `team`, on networks with aliases; one running,
/// one exited with a code, one created, at different times.
pub fn fill(state: &dyn State) {
    let mut data = VolumeConfig::new("data");
    data.created = at(0);
    state.add_volume(&Volume::new(data)).unwrap();
    let mut web = PodConfig::new("b0ca7e11a5e1", "web");
    web.created = at(1);
    let pod = Pod::new(web);
    state.add_pod(&pod).unwrap();
    let mut db = ContainerConfig::new("d8a1c0ffee42", "web-db");
    db.created = at(2);
    db.pod = Some(pod.id().into());
    db.named_volumes.push(NamedVolume {
        name: "data".into(),
        dest: "/var/lib/db".into(),
        options: vec![],
    });
    db.networks = vec!["podman".into()];
    db.network_aliases
        .insert("podman".into(), vec!["db".into()]);
    let mut db = Container::new(db);
    db.state.status = ContainerStatus::Running;
    state.add_container_to_pod(&pod, &db).unwrap();
    let mut app = ContainerConfig::new("a11ce5a11ce5", "web-app");
    app.created = at(3);
    app.pod = Some(pod.id().into());
    app.depends_on = vec!["d8a1c0ffee42".into()];
    let mut app = Container::new(app);
    app.state.status = ContainerStatus::Exited;
    app.state.exit_code = 137;
    state.add_container_to_pod(&pod, &app).unwrap();
    state
        .add_exec_session(&app, &ExecSession::new("exec-1", app.id()))
        .unwrap();
    let mut job = ContainerConfig::new("0b5e55ed0b5e", "nightly");
    job.created = at(4);
    job.namespace = "team".into();
    let mut job = Container::new(job);
    job.state.status = ContainerStatus::Created;
    state.add_container(&job).unwrap();
}

/// A directory with `name` filled (see [`fill`]) at `url_scheme:dir/name`.
pub fn filled(scheme: &str, name: &str) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let url = format!("{scheme}:{}", path.display());
    let store = podstate::open(&url).unwrap();
    fill(store.open_handle().unwrap().as_ref());
    (dir, path, url)
}

/// Deletes container `d8a1c0ffee42` (a dependency of another) from the SQLite database at
/// `path` with plain SQL and foreign keys off, as a broken tool might: a violation that only
/// `check` can see.
pub fn delete_a_dependency_with_plain_sql(path: &Path) {
    let sql = rusqlite::Connection::open(path).unwrap();
    sql.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DELETE FROM volume_user WHERE ctr = 'd8a1c0ffee42';
         DELETE FROM object WHERE id = 'd8a1c0ffee42';",
    )
    .unwrap();
}

/// The export file of the store `url`.
pub fn export_of(url: &str) -> Vec<u8> {
    let store = podstate::open(url).unwrap();
    let mut file = Vec::new();
    podstate::export::write(&mut file, &store.snapshot().unwrap()).unwrap();
    file
}

/// The directory's entries, sorted.
pub fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    all
}

/// Makes the stored config of container `id` undecodable JSON with plain SQL, as damage on
/// disk or a broken tool might.
pub fn garble_config_with_plain_sql(path: &Path, id: &str) {
    let sql = rusqlite::Connection::open(path).unwrap();
    let changed = sql
        .execute("UPDATE object SET config = '{' WHERE id = ?1", [id])
        .unwrap();
    assert_eq!(changed, 1);
}
