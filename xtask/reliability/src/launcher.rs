//! Child processes: how a run starts them, and how a child reads what it was asked to do.
//!
//! A run's children are a program that hands its arguments to [`child_main`](crate::child_main):
//! `cargo xtask` starts itself (`cargo xtask child ...`), the tests start this crate's
//! `podstate-reliability-child` binary. Arguments are a role and `key=value` pairs.

use anyhow::{Context, anyhow};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

/// How to start a child process of a run.
#[derive(Debug, Clone)]
pub struct Launcher {
    program: PathBuf,
    prefix: Vec<String>,
}

impl Launcher {
    /// Children are `program prefix... role key=value...`.
    pub fn new(program: impl Into<PathBuf>, prefix: &[&str]) -> Launcher {
        Launcher {
            program: program.into(),
            prefix: prefix.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The command that starts a child in `role` with `params`.
    pub fn command(&self, role: &str, params: &[(&str, String)]) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.prefix).arg(role);
        for (key, value) in params {
            command.arg(format!("{key}={value}"));
        }
        command
    }
}

/// The `key=value` arguments of a child.
#[derive(Debug, Clone, Default)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// Parses `key=value` words.
    ///
    /// # Errors
    /// A word without `=`.
    pub fn parse(words: &[String]) -> anyhow::Result<Params> {
        words
            .iter()
            .map(|w| {
                w.split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .with_context(|| format!("child argument {w:?} is not key=value"))
            })
            .collect::<anyhow::Result<_>>()
            .map(Params)
    }

    /// The value of `key`, parsed.
    ///
    /// # Errors
    /// A missing or unparsable value.
    pub fn get<T: FromStr>(&self, key: &str) -> anyhow::Result<T> {
        let raw = self
            .0
            .get(key)
            .with_context(|| format!("child argument {key}= missing"))?;
        raw.parse()
            .map_err(|_| anyhow!("child argument {key}={raw:?} does not parse"))
    }

    /// The value of `key` as a path.
    ///
    /// # Errors
    /// A missing value.
    pub fn path(&self, key: &str) -> anyhow::Result<PathBuf> {
        self.get::<String>(key).map(PathBuf::from)
    }
}

/// The last `lines` lines of the file at `path` (a child's stderr), for a failure message.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
