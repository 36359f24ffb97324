//! `cargo xtask crash`: process death (SIGKILL at a random moment), power cuts (`--power-cut`,
//! with `--grouped N` while N threads of one store write at once, sharing commits) and failing
//! disks (`--faults`) against the persistent backends; every trial's database is
//! reopened, verified and compared with the reference model (see `podstate-reliability`); after
//! a kill, first through a read-only open by a user who cannot write it.

use anyhow::anyhow;
use std::path::PathBuf;

use podstate_api::raw::group::GroupLimits;
use podstate_reliability::crash::{self, CrashConfig};
use podstate_reliability::faults::{self, FaultConfig};
use podstate_reliability::grouped::{self, GroupedConfig};
use podstate_reliability::powercut::{self, PowerCutConfig};
use podstate_reliability::trials::Report;

use crate::progress::Progress;
use crate::reliability::{backends, launcher};

/// Flags of `cargo xtask crash`.
#[derive(clap::Args)]
pub struct CrashArgs {
    /// Only this backend (repeatable); default: both persistent backends.
    #[arg(long = "backend", value_name = "NAME")]
    backends: Vec<String>,
    /// Trials per backend.
    #[arg(long, default_value_t = 1_000)]
    trials: u64,
    /// Operations of each trial's generated case.
    #[arg(long, default_value_t = 100)]
    ops: usize,
    /// Simulated power cuts (in-process, on a disk that keeps only synced data) instead of
    /// killed processes.
    #[arg(long, conflicts_with = "faults")]
    power_cut: bool,
    /// With `--power-cut`: this many threads, each with its own handle on one store, write
    /// containers of their own at once (their calls share commits); `--ops` calls per thread.
    #[arg(long, value_name = "THREADS", requires = "power_cut")]
    grouped: Option<usize>,
    /// A failing read, write or sync per trial instead of killed processes.
    #[arg(long)]
    faults: bool,
    /// Seed of the cases and of every random choice.
    #[arg(long, default_value_t = 0xc4a5_5eed)]
    seed: u64,
    /// Where the trial directories go (default: the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: &CrashArgs) -> anyhow::Result<()> {
    let launcher = launcher()?;
    let mut reports = Vec::new();
    for backend in backends(&args.backends)? {
        let label = format!(
            "{} {}",
            backend.name(),
            match (args.power_cut, args.faults) {
                (true, _) if args.grouped.is_some() => "grouped power cut",
                (true, _) => "power cut",
                (_, true) => "faults",
                _ => "crash",
            }
        );
        let mut bar = Progress::new(label, args.trials);
        let mut progress = |done| bar.update(done);
        let report = if let Some(threads) = args.grouped {
            grouped::run(
                &GroupedConfig {
                    backend,
                    trials: args.trials,
                    threads,
                    calls: args.ops,
                    seed: args.seed,
                    dir: args.dir.clone(),
                    keep: None,
                    limits: GroupLimits::new(),
                },
                &mut progress,
            )
        } else if args.power_cut {
            powercut::run(
                &PowerCutConfig {
                    backend,
                    trials: args.trials,
                    ops: args.ops,
                    seed: args.seed,
                    dir: args.dir.clone(),
                    keep: None,
                },
                &mut progress,
            )
        } else if args.faults {
            faults::run(
                &FaultConfig {
                    backend,
                    trials: args.trials,
                    ops: args.ops,
                    seed: args.seed,
                    dir: args.dir.clone(),
                },
                &mut progress,
            )
        } else {
            crash::run(
                &launcher,
                &CrashConfig {
                    backend,
                    trials: args.trials,
                    ops: args.ops,
                    seed: args.seed,
                    dir: args.dir.clone(),
                },
                &mut progress,
            )
        };
        bar.finish();
        println!("{report}");
        reports.push(report);
    }
    match reports.iter().all(Report::passed) {
        true => Ok(()),
        false => Err(anyhow!("trials failed (see above)")),
    }
}
