//! How much the model checker runs: the full budget of `cargo xtask conformance`, and the
//! per-backend CI budget of `cargo xtask conformance --ci` (the table ARCHITECTURE.md shows).
//!
//! The CI budget keeps `.ci/run` well inside its time on a 2-core machine with every backend
//! in; each persistent backend runs fewer cases, because every operation it makes is a real
//! transaction on a file (measured on 2 cores: the full budget of all three backends in one
//! differential run takes about 80 s, the CI budget about 50 s, after the build). The fixed seed
//! makes CI reproducible.

/// Cases and operations per case for one backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Generated cases.
    pub cases: usize,
    /// Operations per case.
    pub max_ops: usize,
}

/// The budget of the main job: every backend, in one differential run.
pub const FULL: Budget = Budget {
    cases: 1_000,
    max_ops: 300,
};

/// The budget of the main job for the backends behind the C boundary (`capi-memory`, ...):
/// they run the first cases of the differential run beside every direct backend, then sit
/// out the rest. Every call through the boundary is a JSON request both ways, and an in-memory
/// store is checked after every operation (dozens of calls each), so the boundary's share of
/// the main job is kept within its 3 minutes this way (the README's "From C and Go" quotes
/// the measured run). Every (call, outcome) pair is reached well within these cases.
pub const ABI_FULL: Budget = Budget {
    cases: 250,
    max_ops: 300,
};

/// The main job's budget of `backend`.
pub fn full(backend: &str) -> Budget {
    match backend.starts_with("capi-") {
        true => ABI_FULL,
        false => FULL,
    }
}

/// The CI budget, per backend; a backend not listed runs [`FULL`].
pub const CI: &[(&str, Budget)] = &[
    // The memory backend is checked against the model after every operation (an in-memory
    // store's whole contents are cheap to read), which makes its cases the slowest: 1,000 of
    // them took 34.6 s of the last CI run. 500 reach every (call, outcome) pair, as they do for
    // the persistent backends under the same seed.
    (
        "memory",
        Budget {
            cases: 500,
            max_ops: 300,
        },
    ),
    (
        "sqlite",
        Budget {
            cases: 500,
            max_ops: 300,
        },
    ),
    (
        "redb",
        Budget {
            cases: 500,
            max_ops: 300,
        },
    ),
    (
        "capi-memory",
        Budget {
            cases: 150,
            max_ops: 300,
        },
    ),
    (
        "capi-sqlite",
        Budget {
            cases: 150,
            max_ops: 300,
        },
    ),
    (
        "capi-redb",
        Budget {
            cases: 150,
            max_ops: 300,
        },
    ),
];

/// The CI budget of `backend`.
pub fn ci(backend: &str) -> Budget {
    CI.iter()
        .find(|(name, _)| *name == backend)
        .map_or(FULL, |(_, budget)| *budget)
}

/// How much the concurrent class runs for one backend: cases (fresh stores) of `windows`
/// windows, each thread making `ops` calls per window (see
/// `podstate_conformance::concurrent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConcurrentBudget {
    /// Cases.
    pub cases: usize,
    /// Windows per case.
    pub windows: usize,
    /// Calls per thread per window.
    pub ops: usize,
}

/// The concurrent class of the main job, per backend: 3,200 windows, about 150,000 calls
/// (measured on 2 shared cores: memory 2.0 s, SQLite 6.9 s, redb 7.8 s).
pub const CONCURRENT_FULL: ConcurrentBudget = ConcurrentBudget {
    cases: 400,
    windows: 8,
    ops: 16,
};

/// The concurrent class at the CI budget, every backend: `ConcurrentConfig::ci()`, what
/// `conformance_tests!` runs (64 cases of 4 windows, about 12,000 calls; measured: memory
/// 0.1 s, SQLite 0.7 s, redb 0.7 s).
pub const CONCURRENT_CI: ConcurrentBudget = ConcurrentBudget {
    cases: 64,
    windows: 4,
    ops: 16,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_concurrent_ci_budget_is_what_conformance_tests_runs() {
        let ci = podstate_conformance::concurrent::ConcurrentConfig::ci();
        assert_eq!(
            CONCURRENT_CI,
            ConcurrentBudget {
                cases: ci.cases,
                windows: ci.windows,
                ops: ci.ops,
            }
        );
    }
}
