//! Item 1 at a small budget: children killed with SIGKILL at random moments, each database
//! judged first through a read-only open by a user who cannot write it, then reopened, and
//! compared with the model.

use podstate_reliability::crash::{self, CrashConfig};
use podstate_reliability::{Launcher, PersistentBackend};

fn launcher() -> Launcher {
    Launcher::new(env!("CARGO_BIN_EXE_podstate-reliability-child"), &[])
}

fn run(backend: PersistentBackend) {
    let config = CrashConfig {
        backend,
        trials: 12,
        ops: 40,
        seed: 0xc4a5,
        dir: None,
    };
    let report = crash::run(&launcher(), &config, &mut |_| {});
    eprintln!("{report}");
    assert!(report.passed(), "{report}");
    assert_eq!(report.trials, 12);
    assert_eq!(report.read_only_checks, 12, "{report}");
    // Most children die before their case ends: the kill point is drawn inside it.
    assert!(report.interrupted >= 6, "{report}");
}

#[test]
fn sqlite_survives_sigkill_at_any_moment() {
    run(PersistentBackend::Sqlite);
}

#[test]
fn redb_survives_sigkill_at_any_moment() {
    run(PersistentBackend::Redb);
}

/// The read-only look has teeth: its child can neither write the database's files nor create
/// one beside them (it runs as nobody when the test is root; the files are read-only in any
/// case), and the files are writable again afterwards, for the writable reopen.
#[test]
fn the_read_only_look_cannot_write_the_files() {
    use std::os::unix::fs::PermissionsExt;

    use podstate_reliability::read_only::{self, Look};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("podstate.db");
    std::fs::write(&path, b"data").unwrap();
    // `sh -c SCRIPT PATH role key=value...`: $0 is the database file.
    let script = r#"printf x >> "$0" 2>/dev/null && exit 3
touch "$0-new" 2>/dev/null && exit 4
echo acknowledged"#;
    let writer = Launcher::new("/bin/sh", &["-c", script, &path.display().to_string()]);
    let look = Look {
        backend: PersistentBackend::Sqlite,
        path: &path,
        case: (0, 0, 0),
        acknowledged: 0,
        in_flight: false,
    };
    assert_eq!(read_only::judge(&writer, &look).unwrap(), "acknowledged");
    assert_eq!(std::fs::read(&path).unwrap(), b"data");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o200, 0o200, "{mode:o}");
}

/// A root run reads as nobody, who must be able to reach the trial directory: when a directory
/// above it is closed to others, the look says so instead of blaming the database.
#[test]
fn the_read_only_look_says_when_nobody_cannot_reach_the_files() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    use podstate_reliability::read_only::{self, Look};

    let closed = tempfile::tempdir().unwrap();
    let dir = closed.path().join("trial");
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("podstate.db");
    std::fs::write(&path, b"data").unwrap();
    if std::fs::metadata(&path).unwrap().uid() != 0 {
        return; // not root: the look runs as this user, who can reach it
    }
    std::fs::set_permissions(closed.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let look = Look {
        backend: PersistentBackend::Sqlite,
        path: &path,
        case: (0, 0, 0),
        acknowledged: 0,
        in_flight: false,
    };
    let why = read_only::judge(&launcher(), &look).unwrap_err();
    assert!(why.to_string().contains("cannot reach"), "{why:#}");
}
