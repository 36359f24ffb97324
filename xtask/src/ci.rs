//! `cargo xtask ci`: what CI runs, in the order that fails fastest.

use anyhow::{Context, bail};
use std::process::Command;

/// Runs the tidy checks, fmt check, clippy with `-D warnings`, the API docs with `-D warnings`
/// (broken or private intra-doc links; not in `.ci/run`, whose time is tight), the tests, `cargo
/// package` of the publishable crates, the conformance run and the hot stress run (as `.ci/run`
/// does); stops at the first failure.
pub fn run() -> anyhow::Result<()> {
    eprintln!("== tidy: links, paths and SPEC citations of every tracked file");
    crate::tidy::run(&crate::tidy::root()).context("tidy failed")?;
    let steps: [(&str, &[&str]); 8] = [
        ("fmt", &["fmt", "--all", "--", "--check"]),
        (
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        ("docs", &["doc", "--workspace", "--no-deps"]),
        ("tests", &["test", "--workspace"]),
        (
            "package",
            &[
                "package",
                "--workspace",
                "--exclude",
                "xtask",
                "--exclude",
                "podstate-reliability",
                "--exclude",
                "podstate-example-template",
                "--allow-dirty",
            ],
        ),
        ("features", &["xtask", "features"]),
        ("conformance", &["xtask", "conformance", "--ci"]),
        (
            "stress",
            &[
                "xtask", "stress", "--hot", "--procs", "4", "--ops", "400", "--window", "40",
            ],
        ),
    ];
    for (name, args) in steps {
        eprintln!("== {name}: cargo {}", args.join(" "));
        let mut command = Command::new(cargo());
        command.args(args);
        if name == "docs" {
            // Every rustdoc warning fails the step, as clippy's do.
            command.env("RUSTDOCFLAGS", "-D warnings");
        }
        let status = command.status().context("cannot run cargo")?;
        if !status.success() {
            bail!("{name} failed ({status})");
        }
    }
    eprintln!("== ci passed");
    Ok(())
}

/// The cargo that runs this xtask, so a pinned toolchain stays pinned.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
