//! Project automation for podstate, run as `cargo xtask <command>` (an alias in
//! `.cargo/config.toml`). A thin orchestrator: every check it runs is also reachable through
//! `cargo test`.

mod backends;
mod bench;
mod budget;
mod ci;
mod conformance;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// podstate's project automation.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the scenario suite and the model checker against every backend built into the
    /// workspace; print a table of backend x passed / failed; exit non-zero on any failure.
    Conformance(ConformanceArgs),
    /// Run what CI runs: fmt check, clippy with -D warnings, the tests, the conformance run at
    /// the CI budget.
    Ci,
    /// Benchmark every backend against the raw engines and the disk's fsync ceiling: a table of
    /// ops/s and µs/op per phase, fsyncs per commit, memory, size, scaling, and the targets.
    Bench(bench::BenchArgs),
    /// One worker process of `bench` (spawned by it; not for direct use).
    #[command(hide = true)]
    BenchWorker {
        /// The job, as JSON.
        #[arg(long)]
        job: String,
    },
}

/// Flags of `cargo xtask conformance`.
#[derive(clap::Args)]
struct ConformanceArgs {
    /// Only this backend (repeatable); default: every backend built into the workspace.
    #[arg(long = "backend", value_name = "NAME")]
    backends: Vec<String>,
    /// Run each backend's CI budget (the table in xtask/src/budget.rs) instead of one
    /// differential run at the full budget.
    #[arg(long)]
    ci: bool,
    /// Generated cases for the model checker (default: the full budget, 1,000).
    #[arg(long)]
    cases: Option<usize>,
    /// Operations per generated case (default: the full budget, 300).
    #[arg(long)]
    max_ops: Option<usize>,
    /// Seed of the generated cases (case i is drawn from (seed, i) alone).
    #[arg(long, default_value_t = conformance::DEFAULT_SEED)]
    seed: u64,
    /// Replay a saved case (JSON, as printed and saved on a divergence) instead of generating.
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
    /// Where a shrunk failing case is saved.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "target/conformance-failures"
    )]
    failure_dir: PathBuf,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Conformance(args) => conformance::run(&args),
        Command::Ci => ci::run(),
        Command::Bench(args) => bench::run(&args),
        Command::BenchWorker { job } => bench::worker::run(&job),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}
