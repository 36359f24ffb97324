//! The drafts of new databases: a new file is made whole in a hidden draft beside it
//! (`.NAME.PID.NANOS.new`, see [`open`](crate::open)) and linked into place. A process killed
//! while creating leaves its draft behind; the next writable open of the database removes the
//! drafts of its name whose creator is dead.

use std::fs::{self, File};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use redb::StorageBackend;
use redb::backends::FileBackend;

/// The directory holding `file`, and its name.
fn place(file: &Path) -> (PathBuf, String) {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// A new draft's path for `file`, this process's.
pub(crate) fn new_draft(file: &Path) -> PathBuf {
    let (dir, name) = place(file);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    dir.join(format!(".{name}.{}.{nanos}.new", std::process::id()))
}

/// The creator's process ID, when `entry` is the name of a draft of the database `name`.
fn creator(entry: &str, name: &str) -> Option<u32> {
    let rest = entry
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?
        .strip_suffix(".new")?;
    let (pid, nanos) = rest.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(pid) && digits(nanos)).then(|| pid.parse().ok())?
}

/// Removes the drafts of `file` whose creator is dead: not this process, not a process in
/// `/proc`, and holding no lock on the draft (a creator in another PID namespace, which `/proc`
/// does not show, holds redb's locks on its draft while it makes it). Best effort and silent:
/// a leftover is a stray hidden file, never a wrong database. Where there is no `/proc`,
/// nothing is removed, since no creator can be proved dead.
pub(crate) fn remove_stale(file: &Path) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let (dir, name) = place(file);
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| creator(n, &name)) else {
            continue;
        };
        if pid == std::process::id() || proc.join(pid.to_string()).exists() {
            continue;
        }
        let path = entry.path();
        if !locked(&path) && fs::remove_file(&path).is_ok() {
            tracing::info!(
                draft = %path.display(),
                creator = pid,
                "removed the draft of a database whose creator died while making it"
            );
        }
    }
}

/// Whether any open file holds a lock on `path` (or it cannot be told).
fn locked(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return true;
    };
    let Ok(backend) = FileBackend::new(file) else {
        return true;
    };
    backend
        .query_lock_range(Bound::Unbounded, Bound::Unbounded)
        .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_drafts_of_the_name_are_recognized() {
        assert_eq!(
            creator(".state.redb.4711.123.new", "state.redb"),
            Some(4711)
        );
        assert_eq!(creator(".state.redb.4711.123.new", "state"), None);
        assert_eq!(creator(".a.4711.123.new", "a.4711"), None);
        assert_eq!(creator(".state.redb.x.123.new", "state.redb"), None);
        assert_eq!(creator(".state.redb.4711.new", "state.redb"), None);
        assert_eq!(creator(".state.redb.4711.12.3.new", "state.redb"), None);
        assert_eq!(creator("state.redb.4711.123.new", "state.redb"), None);
        let draft = new_draft(Path::new("/x/state.redb"));
        let draft = draft.file_name().unwrap().to_str().unwrap();
        assert_eq!(creator(draft, "state.redb"), Some(std::process::id()));
    }
}
