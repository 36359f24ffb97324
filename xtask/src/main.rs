//! Project automation for podstate, run as `cargo xtask <command>` (an alias in
//! `.cargo/config.toml`). A thin orchestrator: every check it runs is also reachable through
//! `cargo test`.

mod backends;
mod bench;
mod budget;
mod ci;
mod conformance;
mod crash_command;
mod features;
mod generate;
mod progress;
mod reliability;
mod soak_command;
mod stress_command;
mod tidy;

use anyhow::{Context, anyhow};
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
    /// Run what CI runs: the tidy checks, fmt check, clippy with -D warnings, the tests, the
    /// conformance run at the CI budget.
    Ci,
    /// Check every feature combination of the podstate facade (clippy, warnings denied; its
    /// tests run with every feature in `cargo test --workspace`).
    Features,
    /// Check that no tracked file points outside the repository (paths, markdown links) and
    /// that every SPEC citation names a clause of the contract.
    Tidy,
    /// Build a large, consistent state through the API into the (empty) store URL, to try the
    /// podstate command on (e.g. `cargo xtask gen sqlite:/tmp/a.db`).
    Gen {
        /// The store: memory:, sqlite:PATH or redb:PATH (created if missing).
        url: String,
        /// Containers.
        #[arg(long, default_value_t = 10_000)]
        containers: usize,
        /// Pods (five members each, taken from the containers).
        #[arg(long, default_value_t = 500)]
        pods: usize,
        /// Volumes.
        #[arg(long, default_value_t = 100)]
        volumes: usize,
    },
    /// Kill processes running generated cases at random moments (or cut the power, or fail the
    /// disk) and check that every reopened database holds exactly what was acknowledged.
    Crash(crash_command::CrashArgs),
    /// Run many processes and threads on one database at once and check that their history is
    /// linearizable against the reference model.
    Stress(stress_command::StressArgs),
    /// Run container lifecycles from several processes on one database, then check the engine's
    /// integrity, every invariant, and that the files stayed bounded.
    Soak(soak_command::SoakArgs),
    /// Benchmark every backend against the raw engines and the disk's fsync ceiling: a table of
    /// ops/s and µs/op per phase, fsyncs per commit, memory, size, scaling, and the targets.
    Bench(bench::BenchArgs),
    /// Regenerate the C header `capi/podstate.h` from the crate podstate-capi (cbindgen); the
    /// test `capi/tests/header.rs` fails while the checked-in header is stale.
    Header,
    /// One child process of the reliability commands (crash, stress, soak, their holders):
    /// spawned by them as `cargo xtask child ROLE PARAMS...`; not for direct use.
    #[command(hide = true)]
    Child {
        /// What the child does: crash, hold, read-only, stress or soak.
        role: String,
        /// Its parameters, as the parent wrote them (parsed by the reliability crate).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        params: Vec<String>,
    },
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

/// `cargo xtask header`: the header test, told to write the header it generates.
fn header() -> anyhow::Result<()> {
    let status = std::process::Command::new(ci::cargo())
        .args(["test", "-p", "podstate-capi", "--test", "header"])
        .env("PODSTATE_BLESS", "1")
        .status()
        .context("cannot run cargo")?;
    match status.success() {
        true => Ok(()),
        false => Err(anyhow!("generating capi/podstate.h failed ({status})")),
    }
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Child { role, mut params } => {
            params.insert(0, role);
            return podstate_reliability::child_main(&params);
        }
        Command::Conformance(args) => conformance::run(&args),
        Command::Ci => ci::run(),
        Command::Tidy => tidy::run(&tidy::root()),
        Command::Features => features::run(),
        Command::Gen {
            url,
            containers,
            pods,
            volumes,
        } => generate::run(
            &url,
            generate::Shape {
                containers,
                pods,
                volumes,
            },
        ),
        Command::Crash(args) => crash_command::run(&args),
        Command::Stress(args) => stress_command::run(&args),
        Command::Soak(args) => soak_command::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Header => header(),
        Command::BenchWorker { job } => bench::worker::run(&job),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {}", podstate::error_line(why.as_ref()));
            ExitCode::FAILURE
        }
    }
}
