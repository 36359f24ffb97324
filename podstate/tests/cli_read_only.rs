//! The reading commands as a user who may read a SQLite database but not write it (a
//! monitoring agent, `podman ps` as another user): they work, also after the last writer was
//! killed in the middle of its work, read the last committed state, and change no byte of any
//! file. Run as root (as in CI), the commands run with a dropped user ID; otherwise the files
//! are made read-only.
#![cfg(all(feature = "sqlite", feature = "redb"))]

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::writer::{self, Writer};
use support::*;

/// Not a test of its own: the writer child (see [`writer::child`]).
#[test]
fn writer_child() {
    writer::child();
}

/// The user ID the commands run as when this test runs as root.
const NOBODY: u32 = 65534;

/// Every file of `dir` with its bytes.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    entries(dir)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Makes `dir` and its files readable but not writable by the user the commands run as.
fn read_only_for_them(dir: &Path) {
    let root = is_root();
    let (dir_mode, file_mode) = if root { (0o755, 0o644) } else { (0o555, 0o444) };
    for file in entries(dir) {
        fs::set_permissions(&file, fs::Permissions::from_mode(file_mode)).unwrap();
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(dir_mode)).unwrap();
}

/// Whether this process runs as root (`/proc/self` belongs to its user).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Runs `podstate args...` in `dir` as a user who cannot write there.
fn podstate_as_reader(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_podstate"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("CLICOLOR_FORCE");
    if is_root() {
        command.uid(NOBODY).gid(NOBODY);
    }
    command.output().expect("the podstate binary runs")
}

#[test]
fn a_reader_without_write_access_reads_the_last_commit_after_the_writer_was_killed() {
    let (dir, _, url) = filled("sqlite", "state.db");
    let writer = Writer::start(&url);
    let written = writer.next(20);
    drop(writer); // SIGKILL, in the middle of its loop
    read_only_for_them(dir.path());
    let before = contents(dir.path());

    let out = podstate_as_reader(dir.path(), &["check", &url]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let out = podstate_as_reader(dir.path(), &["inspect", &url, "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ids = stdout(&out);
    for k in &written {
        assert!(
            ids.lines().any(|l| l == format!("w-{k}")),
            "w-{k} was committed"
        );
    }
    assert_eq!(
        contents(dir.path()),
        before,
        "a reading command changed a file"
    );
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
}
