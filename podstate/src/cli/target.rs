//! The database file a command writes, as the file system knows it: its identity (device and
//! inode, after following links), where a symbolic link leads, and which other processes have
//! it open. All of it is read from directory entries and `/proc` with `stat`, never by opening
//! the database file (closing a descriptor of an SQLite database drops this process's locks on
//! it).

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A file's identity: device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

/// The identity of the file at `path` after following links, or `None` when there is none.
pub fn identity(path: &Path) -> Option<FileId> {
    fs::metadata(path).ok().map(|m| FileId {
        dev: m.dev(),
        ino: m.ino(),
    })
}

/// Where a database is written: the path itself, or the file a symbolic link at it leads to
/// (so that the link stays a link). `Err` for a link that leads nowhere.
pub fn resolve(path: &Path) -> Result<PathBuf, BrokenLink> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|source| BrokenLink {
                link: path.to_owned(),
                to: fs::read_link(path).map_or_else(|_| "?".into(), |t| t.display().to_string()),
                source,
            })
        }
        _ => Ok(path.to_owned()),
    }
}

/// A symbolic link where a database is to be written that leads nowhere one can write.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} is a symbolic link to {to}, which cannot be followed ({source}): create the database \
     there, or remove the link",
    link.display()
)]
pub struct BrokenLink {
    /// The link.
    link: PathBuf,
    /// Where it leads, as written in it (`?` when it cannot be read).
    to: String,
    /// Why it cannot be followed.
    source: io::Error,
}

/// Another process that has a file open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Its process ID.
    pub pid: u32,
    /// Its command name (`/proc/PID/comm`), or `?`.
    pub command: String,
}

/// The other processes that have the file `id` open, as far as `/proc` shows (processes of
/// other users are not visible to an unprivileged user).
pub fn holders(id: FileId) -> Vec<Holder> {
    let me = std::process::id();
    let Ok(procs) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me || !has_open(&entry.path(), id).unwrap_or(false) {
            continue;
        }
        let command = fs::read_to_string(entry.path().join("comm"))
            .map_or_else(|_| "?".to_owned(), |c| c.trim().to_owned());
        found.push(Holder { pid, command });
    }
    found.sort_by_key(|h| h.pid);
    found
}

/// Whether process directory `proc` has a descriptor of file `id` (`stat` of each
/// `/proc/PID/fd/N`, which follows the descriptor to its file without opening it).
fn has_open(proc: &Path, id: FileId) -> io::Result<bool> {
    for fd in fs::read_dir(proc.join("fd"))?.flatten() {
        if identity(&fd.path()) == Some(id) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `process 4711 (podman), process 4712 (podstate)`.
pub fn describe(holders: &[Holder]) -> String {
    let named: Vec<String> = holders
        .iter()
        .map(|h| format!("process {} ({})", h.pid, h.command))
        .collect();
    named.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_held_open_by_another_process_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("held");
        fs::write(&path, b"x").unwrap();
        let id = identity(&path).unwrap();
        assert_eq!(holders(id), [], "nobody else has it open");
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .stdin(fs::File::open(&path).unwrap())
            .spawn()
            .unwrap();
        let found = holders(id);
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pid, child.id());
        assert!(describe(&found).contains("(sleep)"), "{}", describe(&found));
    }

    #[test]
    fn links_are_followed_and_paths_compared_by_identity() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::write(&real, b"x").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("real", &link).unwrap();
        assert_eq!(identity(&link), identity(&real));
        assert_eq!(identity(&dir.path().join("./real")), identity(&real));
        assert_eq!(resolve(&link).unwrap(), fs::canonicalize(&real).unwrap());
        assert_eq!(resolve(&real).unwrap(), real);
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("nowhere", &dangling).unwrap();
        assert!(
            resolve(&dangling)
                .unwrap_err()
                .to_string()
                .contains("nowhere")
        );
    }
}
