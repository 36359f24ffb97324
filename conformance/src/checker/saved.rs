//! A backend crate's own saved failing cases: where the model check of
//! [`model_check_tests!`](crate::model_check_tests) saves them, and the `replay_saved_cases`
//! test that runs every one of them again, so that a failure is replayed by one command its
//! message prints, and a case kept in the directory stays a regression test.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::config::CheckConfig;
use super::replay::{case_files, replay};
use crate::factory::BackendFactory;

/// The environment variable naming one more directory of saved cases to replay (absolute, or
/// relative to the crate's directory, where `cargo test` runs its tests): a case saved
/// elsewhere (by `cargo xtask conformance`, by a CI run) replays without being copied.
pub const REPLAY_DIR_VAR: &str = "PODSTATE_REPLAY_DIR";

/// A crate's directory of saved cases and the command that replays them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedCases {
    dir: PathBuf,
    package: String,
}

impl SavedCases {
    /// The cases of `dir`, replayed by the tests of the package `package`.
    /// [`model_check_tests!`](crate::model_check_tests) builds it from the crate's
    /// `CARGO_MANIFEST_DIR` and `CARGO_PKG_NAME`, so it names the author's crate, not this one.
    pub fn new(dir: impl Into<PathBuf>, package: &str) -> SavedCases {
        SavedCases {
            dir: dir.into(),
            package: package.to_owned(),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The one command that replays every saved case.
    pub fn command(&self) -> String {
        format!("cargo test -p {} replay_saved_cases", self.package)
    }

    /// `config`, saving a failing case in the directory and telling how to replay it.
    pub fn configure(&self, config: CheckConfig) -> CheckConfig {
        CheckConfig {
            failure_dir: Some(self.dir.clone()),
            replay_hint: Some(format!(
                "replay it: {} (it runs every case in {}; keep the file there as a regression \
                 test, or delete it)",
                self.command(),
                self.dir.display()
            )),
            ..config
        }
    }

    /// The directories replayed: this one, and the one `PODSTATE_REPLAY_DIR` names.
    pub fn dirs(&self) -> Vec<PathBuf> {
        self.dirs_with(std::env::var_os(REPLAY_DIR_VAR))
    }

    /// This directory and `extra`, when it names one.
    fn dirs_with(&self, extra: Option<OsString>) -> Vec<PathBuf> {
        let extra = extra.filter(|d| !d.is_empty()).map(PathBuf::from);
        std::iter::once(self.dir.clone()).chain(extra).collect()
    }

    /// Replays every case of [`dirs`](SavedCases::dirs) against `backend` and the reference
    /// model; answers how many ran, or a report of each that failed.
    ///
    /// # Errors
    /// The report: every case that diverged or could not be read, with its divergence, and the
    /// command that replays them again.
    pub fn replay_all(&self, backend: &dyn BackendFactory) -> Result<usize, String> {
        let (mut ran, mut report) = (0, String::new());
        for dir in self.dirs() {
            let files = case_files(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            for file in files {
                ran += 1;
                if let Err(e) = replay(&file, backend) {
                    let _ = writeln!(report, "{e}\n");
                }
            }
        }
        if report.is_empty() {
            return Ok(ran);
        }
        Err(format!(
            "saved cases diverge on backend {:?}:\n{report}replay them again: {}",
            backend.name(),
            self.command()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_adds_a_directory_and_the_command_names_the_package() {
        let saved = SavedCases::new("/crate/tests/conformance-cases", "my-backend");
        assert_eq!(
            saved.command(),
            "cargo test -p my-backend replay_saved_cases"
        );
        let own = PathBuf::from("/crate/tests/conformance-cases");
        assert_eq!(saved.dirs_with(None), std::slice::from_ref(&own));
        assert_eq!(saved.dirs_with(Some("".into())), std::slice::from_ref(&own));
        assert_eq!(
            saved.dirs_with(Some("/tmp/cases".into())),
            [own, PathBuf::from("/tmp/cases")]
        );
        let config = saved.configure(CheckConfig::ci());
        assert_eq!(config.failure_dir.as_deref(), Some(saved.dir()));
        assert!(config.replay_hint.unwrap().contains(&saved.command()));
    }
}
