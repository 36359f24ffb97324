//! Where a store is: a typed [`StoreConfig`], or the URL-like string a user types.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::OpenError;

/// Which store to open, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreConfig {
    /// A new, empty in-memory store (`memory:`).
    Memory,
    /// The SQLite database at a path (`sqlite:PATH`).
    Sqlite(PathBuf),
    /// The redb database at a path (`redb:PATH`).
    Redb(PathBuf),
}

/// How a persistent store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OpenOptions {
    /// Open read-only: nothing is created or written, every mutating call answers `Io` (for
    /// tools that may read a database but not write it). Ignored by `memory:`.
    pub read_only: bool,
    /// The lock timeout of SPEC §3 (`None`: the backend's default, 100 s).
    pub lock_timeout: Option<Duration>,
}

impl OpenOptions {
    /// The defaults: writable, the backend's lock timeout.
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }

    /// Sets [`read_only`](OpenOptions::read_only).
    pub fn read_only(mut self, yes: bool) -> OpenOptions {
        self.read_only = yes;
        self
    }

    /// Sets [`lock_timeout`](OpenOptions::lock_timeout).
    pub fn lock_timeout(mut self, timeout: Duration) -> OpenOptions {
        self.lock_timeout = Some(timeout);
        self
    }
}

impl StoreConfig {
    /// Every backend podstate has, by the name [`backend`](StoreConfig::backend) answers: the
    /// one list of backends in the workspace (tools iterate over it; whether a backend is
    /// compiled into this build shows when it is opened).
    pub const BACKENDS: [&'static str; 3] = ["memory", "sqlite", "redb"];

    /// Backend `backend` with its database in the directory `dir`, under the file name the
    /// workspace's tools give it (`podstate.db` for SQLite, `podstate.redb` for redb); `memory`
    /// ignores `dir`.
    ///
    /// # Errors
    /// [`OpenError::UnknownScheme`] for a name not in [`BACKENDS`](StoreConfig::BACKENDS).
    pub fn in_dir(backend: &str, dir: &std::path::Path) -> Result<StoreConfig, OpenError> {
        match backend {
            "memory" => Ok(StoreConfig::Memory),
            "sqlite" => Ok(StoreConfig::Sqlite(dir.join("podstate.db"))),
            "redb" => Ok(StoreConfig::Redb(dir.join("podstate.redb"))),
            other => Err(OpenError::UnknownScheme {
                url: other.to_owned(),
                scheme: other.to_owned(),
            }),
        }
    }

    /// Whether the store keeps a database in files (every backend but `memory:`).
    pub fn is_persistent(&self) -> bool {
        self.path().is_some()
    }

    /// The backend's name, as [`Store::backend`](podstate_api::Store::backend) says it.
    pub fn backend(&self) -> &'static str {
        match self {
            StoreConfig::Memory => "memory",
            StoreConfig::Sqlite(_) => "sqlite",
            StoreConfig::Redb(_) => "redb",
        }
    }

    /// The database file, for a persistent store.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            StoreConfig::Memory => None,
            StoreConfig::Sqlite(path) | StoreConfig::Redb(path) => Some(path),
        }
    }

    /// The files a database of this backend consists of, as the backend describes them (for
    /// tools that copy, replace or remove a closed database whole); `None` for `memory:`.
    ///
    /// # Errors
    /// [`OpenError::NotCompiledIn`] when the backend is left out of this build.
    pub fn files(&self) -> Result<Option<podstate_api::raw::DatabaseFiles>, OpenError> {
        match self {
            StoreConfig::Memory => Ok(None),
            StoreConfig::Sqlite(_) => sqlite_files().map(Some),
            StoreConfig::Redb(_) => redb_files().map(Some),
        }
    }

    /// The same backend at another file (`memory:` stays `memory:`).
    pub fn at(&self, path: &std::path::Path) -> StoreConfig {
        match self {
            StoreConfig::Memory => StoreConfig::Memory,
            StoreConfig::Sqlite(_) => StoreConfig::Sqlite(path.to_owned()),
            StoreConfig::Redb(_) => StoreConfig::Redb(path.to_owned()),
        }
    }
}

impl FromStr for StoreConfig {
    type Err = OpenError;

    /// `memory:`, `sqlite:PATH` or `redb:PATH` (the path as written, relative to the current
    /// directory unless absolute).
    fn from_str(url: &str) -> Result<StoreConfig, OpenError> {
        let bad = |why: &str| OpenError::BadUrl {
            url: url.to_owned(),
            why: why.to_owned(),
        };
        let (scheme, rest) = url
            .split_once(':')
            .ok_or_else(|| bad("expected SCHEME:PATH (memory:, sqlite:PATH or redb:PATH)"))?;
        let path = || {
            if rest.is_empty() {
                return Err(bad("the path after the scheme is missing"));
            }
            Ok(PathBuf::from(rest))
        };
        match scheme {
            "memory" if rest.is_empty() => Ok(StoreConfig::Memory),
            "memory" => Err(bad("memory: takes no path")),
            "sqlite" => Ok(StoreConfig::Sqlite(path()?)),
            "redb" => Ok(StoreConfig::Redb(path()?)),
            other => Err(OpenError::UnknownScheme {
                url: url.to_owned(),
                scheme: other.to_owned(),
            }),
        }
    }
}

impl fmt::Display for StoreConfig {
    /// The URL form, which [`FromStr`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreConfig::Memory => f.write_str("memory:"),
            StoreConfig::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            StoreConfig::Redb(path) => write!(f, "redb:{}", path.display()),
        }
    }
}

#[cfg(feature = "sqlite")]
fn sqlite_files() -> Result<podstate_api::raw::DatabaseFiles, OpenError> {
    Ok(podstate_sqlite::DATABASE_FILES)
}

#[cfg(not(feature = "sqlite"))]
fn sqlite_files() -> Result<podstate_api::raw::DatabaseFiles, OpenError> {
    Err(OpenError::NotCompiledIn { backend: "sqlite" })
}

#[cfg(feature = "redb")]
fn redb_files() -> Result<podstate_api::raw::DatabaseFiles, OpenError> {
    Ok(podstate_redb::DATABASE_FILES)
}

#[cfg(not(feature = "redb"))]
fn redb_files() -> Result<podstate_api::raw::DatabaseFiles, OpenError> {
    Err(OpenError::NotCompiledIn { backend: "redb" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_backend_and_a_path() {
        assert_eq!(
            "memory:".parse::<StoreConfig>().unwrap(),
            StoreConfig::Memory
        );
        let sqlite: StoreConfig = "sqlite:/var/lib/state.db".parse().unwrap();
        assert_eq!(sqlite, StoreConfig::Sqlite("/var/lib/state.db".into()));
        assert_eq!(sqlite.to_string(), "sqlite:/var/lib/state.db");
        let redb: StoreConfig = "redb:a:b.redb".parse().unwrap();
        assert_eq!(redb.path(), Some(std::path::Path::new("a:b.redb")));
    }

    #[test]
    fn every_listed_backend_has_a_place_in_a_directory() {
        let dir = std::path::Path::new("/run/x");
        for name in StoreConfig::BACKENDS {
            let config = StoreConfig::in_dir(name, dir).unwrap();
            assert_eq!(config.backend(), name);
            assert_eq!(config.is_persistent(), name != "memory", "{name}");
            if let Some(path) = config.path() {
                assert_eq!(path.parent(), Some(dir), "{name}");
            }
        }
        let err = StoreConfig::in_dir("bolt", dir).unwrap_err().to_string();
        assert!(err.contains("unknown store scheme \"bolt\""), "{err}");
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (url, expected) in [
            ("bolt:/x", "unknown store scheme \"bolt\""),
            ("sqlite:", "the path after the scheme is missing"),
            ("state.db", "expected SCHEME:PATH"),
            ("memory:/x", "memory: takes no path"),
        ] {
            let err = url.parse::<StoreConfig>().unwrap_err().to_string();
            assert!(err.contains(expected), "{url}: {err}");
        }
    }
}
