//! `cargo xtask soak`: container lifecycles from several processes on one durable database;
//! afterwards the engine's integrity check and every invariant hold, only the long-lived
//! containers remain, and the files did not grow without bound (see `podstate-reliability`'s
//! `soak` module).

use anyhow::anyhow;
use std::path::PathBuf;

use podstate_reliability::soak::{self, SoakConfig};

use crate::progress::Progress;
use crate::reliability::{backends, launcher};

/// Flags of `cargo xtask soak`.
#[derive(clap::Args)]
pub struct SoakArgs {
    /// Only this backend (repeatable); default: both persistent backends.
    #[arg(long = "backend", value_name = "NAME")]
    backends: Vec<String>,
    /// Lifecycles over all processes.
    #[arg(long, default_value_t = 100_000)]
    lifecycles: u64,
    /// Processes.
    #[arg(long, default_value_t = 4)]
    procs: usize,
    /// Where the database goes (default: the system's temporary directory; /dev/shm makes the
    /// syncs free and the run several times shorter).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: &SoakArgs) -> anyhow::Result<()> {
    let launcher = launcher()?;
    let mut passed = true;
    for backend in backends(&args.backends)? {
        let config = SoakConfig {
            backend,
            procs: args.procs,
            lifecycles: args.lifecycles,
            dir: args.dir.clone(),
        };
        let mut bar = Progress::new(format!("{} soak", backend.name()), args.lifecycles);
        let report = soak::run(&launcher, &config, &mut |done| bar.update(done))?;
        bar.finish();
        println!("{report}");
        passed &= report.passed();
    }
    match passed {
        true => Ok(()),
        false => Err(anyhow!("soak failed (see above)")),
    }
}
