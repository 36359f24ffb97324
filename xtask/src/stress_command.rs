//! `cargo xtask stress`: many processes (and threads) on one database at once; the history is
//! checked for linearizability against the reference model, window by window (see
//! `podstate-reliability`'s `stress` module). `--hot` runs the hot-spot workload (few objects,
//! tight add/remove/rewrite loops against lookups and lists); `--stops` stops a random process
//! once per window with SIGSTOP, longer than the lock timeout.

use anyhow::anyhow;
use std::path::PathBuf;
use std::time::Duration;

use podstate_reliability::stress::stops::StopConfig;
use podstate_reliability::stress::{self, StressConfig};

use crate::progress::Progress;
use crate::reliability::{backends, launcher};

/// Flags of `cargo xtask stress`.
#[derive(clap::Args)]
pub struct StressArgs {
    /// Only this backend (repeatable); default: both persistent backends.
    #[arg(long = "backend", value_name = "NAME")]
    backends: Vec<String>,
    /// Processes.
    #[arg(long, default_value_t = 8)]
    procs: usize,
    /// Threads per process.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Calls per process.
    #[arg(long, default_value_t = 2_000)]
    ops: usize,
    /// Calls per process between two barriers (a window of the search).
    #[arg(long, default_value_t = 50)]
    window: usize,
    /// The search's time budget per window, in seconds; an unsettled window is inconclusive.
    #[arg(long, default_value_t = 20)]
    budget: u64,
    /// Seed of the generated cases.
    #[arg(long, default_value_t = 0x57e5_5eed)]
    seed: u64,
    /// The hot-spot workload: four containers and two exec sessions that even processes add,
    /// remove, rewrite and save while odd ones look them up and list them.
    #[arg(long)]
    hot: bool,
    /// Stop a random process once per window with SIGSTOP for 1.5 to 2.5 lock timeouts; fails
    /// on a wait past the lock timeout or a lock timeout that names no stopped holder.
    #[arg(long)]
    stops: bool,
    /// The lock timeout every process opens the database with, in milliseconds (default: 100 s,
    /// or 1 s with `--stops`).
    #[arg(long, value_name = "MS")]
    lock_timeout_ms: Option<u64>,
    /// With `--stops`: how much longer than the lock timeout a call may take (its own work,
    /// the machine's scheduling), in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1_000)]
    wait_slack_ms: u64,
    /// Where the database goes (default: the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Where a failing window is saved.
    #[arg(long, value_name = "DIR", default_value = "target/stress-failures")]
    failure_dir: PathBuf,
}

/// Runs the command.
pub fn run(args: &StressArgs) -> anyhow::Result<()> {
    let launcher = launcher()?;
    let mut passed = true;
    for backend in backends(&args.backends)? {
        let config = StressConfig {
            backend,
            procs: args.procs,
            threads: args.threads,
            ops: args.ops,
            window: args.window,
            seed: args.seed,
            hot: args.hot,
            stops: args.stops.then_some(StopConfig {
                slack: Duration::from_millis(args.wait_slack_ms),
            }),
            lock_timeout: Duration::from_millis(args.lock_timeout_ms.unwrap_or(match args.stops {
                true => 1_000,
                false => 100_000,
            })),
            budget: Duration::from_secs(args.budget),
            dir: args.dir.clone(),
            failure_dir: Some(args.failure_dir.clone()),
        };
        let windows =
            (args.ops / args.threads.max(1)).div_ceil((args.window / args.threads.max(1)).max(1));
        let mut bar = Progress::new(format!("{} stress", backend.name()), windows as u64);
        let report = stress::run(&launcher, &config, &mut |done| bar.update(done as u64))?;
        bar.finish();
        println!("{report}");
        passed &= report.passed();
    }
    match passed {
        true => Ok(()),
        false => Err(anyhow!("stress failed (see above)")),
    }
}
