//! `cargo xtask features`: every feature combination of the `podstate` facade builds, warnings
//! denied. Its tests run in `cargo test --workspace`, where the workspace's members enable every
//! feature of the facade (xtask asks for every backend and `testing`, the reliability crate for
//! the defaults); running them again with `-p podstate --all-features` rebuilt the test
//! dependencies with other features, in CI, to run the same tests.

use anyhow::{Context, anyhow};
use std::process::Command;

/// The combinations that must build: each backend alone without the defaults, the library
/// without any backend, the defaults, and everything.
pub const COMBINATIONS: &[&[&str]] = &[
    &["--no-default-features"],
    &["--no-default-features", "--features", "memory"],
    &["--no-default-features", "--features", "sqlite"],
    &["--no-default-features", "--features", "redb"],
    &["--no-default-features", "--features", "cli"],
    &[],
    &["--all-features"],
];

/// Checks every combination with clippy, warnings denied.
pub fn run() -> anyhow::Result<()> {
    for combination in COMBINATIONS {
        let mut args = vec!["clippy", "-p", "podstate", "--all-targets"];
        args.extend_from_slice(combination);
        args.extend_from_slice(&["--", "-D", "warnings"]);
        cargo(&args)?;
    }
    Ok(())
}

fn cargo(args: &[&str]) -> anyhow::Result<()> {
    eprintln!("== cargo {}", args.join(" "));
    let status = Command::new(crate::ci::cargo())
        .args(args)
        .status()
        .context("cannot run cargo")?;
    if status.success() {
        Ok(())
    } else {
        Err(anyhow!("cargo {} failed ({status})", args.join(" ")))
    }
}
