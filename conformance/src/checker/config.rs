//! How much to check, how, and whom to tell about progress.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::factory::Capabilities;

/// Called after every case, e.g. to move a progress bar.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Where a check stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The backend being checked.
    pub backend: String,
    /// Cases finished.
    pub case: usize,
    /// Cases planned.
    pub cases: usize,
    /// Operations run so far.
    pub ops: usize,
}

/// What [`check_backend`](super::check_backend) runs.
#[derive(Clone)]
pub struct CheckConfig {
    /// Cases to generate and run.
    pub cases: usize,
    /// Operations per case.
    pub max_ops: usize,
    /// Seed of the whole run: case `i` is drawn from `(seed, i)` alone.
    pub seed: u64,
    /// Check invariants and compare dumps after every this many operations (and after the last);
    /// `None` picks by capabilities: every operation for an in-memory backend, every 20 for a
    /// persistent one (whose dumps cost real reads).
    pub invariant_every: Option<usize>,
    /// Shrink a diverging case (off: report it as generated).
    pub shrink: bool,
    /// Most runs proptest's shrinking pass may make.
    pub max_shrink_iters: u32,
    /// Most time each shrinking pass may take.
    pub shrink_time: Duration,
    /// Where a minimal failing case is saved as JSON (`None`: not saved), under a name of its
    /// own: a later failure never overwrites an earlier one.
    pub failure_dir: Option<PathBuf>,
    /// What the report says under a saved case, `{file}` standing for its path: how to run it
    /// again (the tests of [`model_check_tests!`](crate::model_check_tests) name their
    /// `replay_saved_cases` test). `None`: it names [`replay`](super::replay).
    pub replay_hint: Option<String>,
    /// Told after every case.
    pub progress: Option<ProgressFn>,
    /// Worker threads running cases at once (`0`: one per core).
    pub workers: usize,
}

impl CheckConfig {
    /// The budget of `cargo test`: a fixed seed, 128 cases of 200 operations, enough that every
    /// tooth is caught under each of the four seeds of the teeth test.
    pub fn ci() -> CheckConfig {
        CheckConfig {
            cases: 128,
            max_ops: 200,
            seed: 0x5eed_2020_0053,
            ..CheckConfig::default()
        }
    }

    /// Overrides from the environment, for reproducing or widening a run without editing code:
    /// `PODSTATE_CHECK_SEED`, `PODSTATE_CHECK_CASES`, `PODSTATE_CHECK_OPS` (decimal numbers;
    /// anything unparsable is ignored).
    pub fn with_env_overrides(mut self) -> CheckConfig {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        if let Some(seed) = var("PODSTATE_CHECK_SEED") {
            self.seed = seed;
        }
        if let Some(cases) = var("PODSTATE_CHECK_CASES") {
            self.cases = usize::try_from(cases).unwrap_or(self.cases);
        }
        if let Some(ops) = var("PODSTATE_CHECK_OPS") {
            self.max_ops = usize::try_from(ops).unwrap_or(self.max_ops);
        }
        self
    }

    /// Sets the progress callback.
    pub fn on_progress(mut self, progress: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// How many worker threads run cases: [`CheckConfig::workers`], or one per core.
    pub fn threads(&self) -> usize {
        match self.workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
    }

    /// The invariant period for a backend with `caps`.
    pub fn invariant_period(&self, caps: Capabilities) -> usize {
        self.invariant_every
            .unwrap_or(if caps.persistent { 20 } else { 1 })
    }
}

impl Default for CheckConfig {
    /// A long run: 1,000 cases of 300 operations from a fresh seed (printed in the report, so a
    /// failure can be reproduced), saving failures under the system's temporary directory.
    fn default() -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        CheckConfig {
            cases: 1_000,
            max_ops: 300,
            seed,
            invariant_every: None,
            shrink: true,
            max_shrink_iters: 2_000,
            shrink_time: Duration::from_secs(60),
            failure_dir: Some(std::env::temp_dir().join("podstate-model-check")),
            replay_hint: None,
            progress: None,
            workers: 0,
        }
    }
}

impl fmt::Debug for CheckConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckConfig")
            .field("cases", &self.cases)
            .field("max_ops", &self.max_ops)
            .field("seed", &self.seed)
            .field("invariant_every", &self.invariant_every)
            .field("shrink", &self.shrink)
            .field("max_shrink_iters", &self.max_shrink_iters)
            .field("shrink_time", &self.shrink_time)
            .field("failure_dir", &self.failure_dir)
            .field("replay_hint", &self.replay_hint)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .field("workers", &self.workers)
            .finish()
    }
}
