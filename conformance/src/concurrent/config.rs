//! How much the concurrent class runs, and the calls of each window.

use std::time::Duration;

use super::linearize::SearchBudget;
use super::window::Slot;
use super::workload::{Role, hot_ops};

/// How much the class runs.
#[derive(Debug, Clone)]
pub struct ConcurrentConfig {
    /// Seed of the run: the calls of window `w` of case `c` come from `(seed, c, w)` alone.
    pub seed: u64,
    /// Cases: fresh stores.
    pub cases: usize,
    /// Windows each case must prove linearizable.
    pub windows: usize,
    /// Calls per thread per window.
    pub ops: usize,
    /// The most threads a case runs (2 to 4): case `c` runs `2 + c % (max_threads - 1)`.
    pub max_threads: usize,
    /// The search's budget per window.
    pub search: SearchBudget,
    /// Most time the shrinking of a failure may take.
    pub shrink_time: Duration,
}

impl ConcurrentConfig {
    /// The budget of `cargo test` and `cargo xtask conformance --ci`: a fixed seed, 24 cases of
    /// 4 windows of up to 4 threads x 10 calls (about 2,300 calls), enough that every
    /// concurrency tooth is caught under each of the four seeds of the teeth test.
    pub fn ci() -> ConcurrentConfig {
        ConcurrentConfig {
            seed: 0x5eed_2020_0053,
            cases: 64,
            windows: 4,
            ops: 16,
            max_threads: 4,
            search: SearchBudget {
                steps: 200_000,
                time: Duration::from_secs(10),
            },
            shrink_time: Duration::from_secs(8),
        }
    }

    /// `PODSTATE_CHECK_SEED` (a decimal number) overrides the seed, as for the model checker.
    pub fn with_env_overrides(mut self) -> ConcurrentConfig {
        if let Some(seed) = std::env::var("PODSTATE_CHECK_SEED")
            .ok()
            .and_then(|v| v.trim().parse().ok())
        {
            self.seed = seed;
        }
        self
    }

    /// The threads of case `case`.
    pub(super) fn threads(&self, case: usize) -> usize {
        let max = self.max_threads.clamp(2, 4);
        2 + case % (max - 1)
    }

    /// The calls of each thread in window `window` of case `case`.
    pub(super) fn ops(&self, case: usize, window: usize, threads: usize) -> Vec<Vec<Slot>> {
        let seed = self.seed ^ ((case as u64) << 20 | window as u64).wrapping_mul(0x9e37_79b9);
        (0..threads)
            .map(|t| {
                hot_ops(seed, t, Role::of(t), self.ops)
                    .into_iter()
                    .map(|op| Some((op, 0)))
                    .collect()
            })
            .collect()
    }
}
