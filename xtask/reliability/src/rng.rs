//! The seeded random source of the reliability runs: every random choice of a run (kill
//! moments, power-cut points, torn writes, fault points, file damage) comes from a seed printed
//! with the run, so any trial can be run again. The judge's one generator (splitmix64).

pub use podstate_conformance::rng::SplitMix64 as Rng;
