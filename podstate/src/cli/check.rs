//! `podstate check`: `Store::verify` on an existing database, every violation listed.

use std::process::ExitCode;

use anyhow::Context;

use super::words::{counted, counts};

/// Runs `check`: exit 0 when the store is sound, 1 with every violation listed otherwise.
pub fn run(url: &str) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(url, true)?;
    let bar = super::progress::Phase::start(format!("checking {url}"));
    let found = store
        .verify()
        .with_context(|| format!("cannot check {url}"))?;
    bar.finish();
    if found.is_empty() {
        let snapshot = store
            .snapshot()
            .with_context(|| format!("cannot read {url}"))?;
        println!("{url}: no violation found ({})", counts(&snapshot));
        return Ok(ExitCode::SUCCESS);
    }
    println!("{url}: {} found:", counted(found.len(), "violation"));
    for violation in &found {
        println!("  {violation}");
    }
    Ok(ExitCode::FAILURE)
}
