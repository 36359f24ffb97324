//! The files that make up one database, as its backend describes them, and the whole-database
//! file operations tools need (remove, rename, put a new database in place), so that no tool
//! knows a backend's side files (SQLite's `-wal` and `-shm`).
//!
//! Only closed databases (or files no connection of this process has open) are touched here.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files of a database at a path: the file itself and the files its backend keeps beside
/// it (`PATH-SUFFIX`). A backend describes its own in a constant; tools ask for it through the
/// facade (`podstate::StoreConfig::files`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatabaseFiles {
    sides: &'static [&'static str],
    carried: &'static [&'static str],
}

impl DatabaseFiles {
    /// A database of one file and nothing beside it.
    pub const SINGLE_FILE: DatabaseFiles = DatabaseFiles::new(&[], &[]);

    /// A database whose backend keeps `sides` beside it (by suffix), of which `carried` hold
    /// committed data that must move with the file (SQLite's WAL); the others are rebuilt by
    /// the next open and are dropped when the database moves.
    pub const fn new(
        sides: &'static [&'static str],
        carried: &'static [&'static str],
    ) -> DatabaseFiles {
        DatabaseFiles { sides, carried }
    }

    /// The suffixes of the files kept beside a database.
    pub fn side_suffixes(&self) -> &'static [&'static str] {
        self.sides
    }

    /// Every file the database at `path` may consist of: `path` first, then its side files.
    pub fn paths(&self, path: &Path) -> Vec<PathBuf> {
        let mut all = vec![path.to_owned()];
        all.extend(self.sides.iter().map(|side| side_file(path, side)));
        all
    }

    /// Removes the database at `path` with its side files; missing files are no error.
    ///
    /// # Errors
    /// The first removal that fails for another reason than a missing file.
    pub fn remove(&self, path: &Path) -> io::Result<()> {
        let mut files = self.paths(path);
        files.rotate_left(1); // side files first, the database itself last
        files.iter().try_for_each(|file| remove_if_present(file))
    }

    /// Removes only the side files a former database left beside `path`: a stale WAL would be
    /// read into a new file put there.
    ///
    /// # Errors
    /// The first removal that fails for another reason than a missing file.
    pub fn remove_sides(&self, path: &Path) -> io::Result<()> {
        self.sides
            .iter()
            .try_for_each(|side| remove_if_present(&side_file(path, side)))
    }

    /// Renames the closed database `from` to `to`, carrying the side files that hold data and
    /// dropping the others (the next open rebuilds them).
    ///
    /// # Errors
    /// A rename that fails.
    pub fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.carry(from, to)?;
        for side in self.sides.iter().filter(|s| !self.carried.contains(s)) {
            let _ = fs::remove_file(side_file(from, side));
        }
        fs::rename(from, to)
    }

    /// Puts the closed new database `fresh` at `path`, where no database is: the side files a
    /// former database left at `path` go first, then a hard link, which fails (`AlreadyExists`)
    /// rather than replace a file that appeared meanwhile; then `fresh` is removed.
    ///
    /// # Errors
    /// `AlreadyExists` when a file appeared at `path`; any other failed file operation.
    pub fn place_new(&self, fresh: &Path, path: &Path) -> io::Result<()> {
        self.remove_sides(path)?;
        self.carry(fresh, path)?;
        fs::hard_link(fresh, path)?;
        self.remove(fresh)
    }

    /// Moves the side files that hold data from beside `from` to beside `to`.
    fn carry(&self, from: &Path, to: &Path) -> io::Result<()> {
        for side in self.carried {
            let file = side_file(from, side);
            if file.exists() {
                fs::rename(&file, side_file(to, side))?;
            }
        }
        Ok(())
    }
}

/// `path` with `-suffix` appended to its file name (SQLite's `-wal`, `-shm`).
fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!("-{suffix}"));
    PathBuf::from(name)
}

fn remove_if_present(file: &Path) -> io::Result<()> {
    match fs::remove_file(file) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAL_LIKE: DatabaseFiles = DatabaseFiles::new(&["wal", "shm"], &["wal"]);

    #[test]
    fn a_rename_carries_the_data_sides_and_drops_the_rest() {
        let dir = std::env::temp_dir().join(format!("podstate-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (from, to) = (dir.join("a.db"), dir.join("b.db"));
        for file in WAL_LIKE.paths(&from) {
            fs::write(file, b"x").unwrap();
        }
        WAL_LIKE.rename(&from, &to).unwrap();
        assert!(to.exists() && side_file(&to, "wal").exists());
        assert!(
            !side_file(&to, "shm").exists(),
            "the index is rebuilt, never carried"
        );
        assert!(WAL_LIKE.paths(&from).iter().all(|f| !f.exists()));
        fs::write(side_file(&from, "shm"), b"stale").unwrap();
        fs::write(&from, b"y").unwrap();
        let err = WAL_LIKE.place_new(&from, &to).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        WAL_LIKE.remove(&to).unwrap();
        WAL_LIKE.place_new(&from, &to).unwrap();
        assert!(!from.exists() && to.exists());
        WAL_LIKE.remove(&to).unwrap();
        assert!(WAL_LIKE.paths(&to).iter().all(|f| !f.exists()));
        fs::remove_dir_all(&dir).unwrap();
    }
}
