//! Micro-benchmarks of the hot calls on every backend: lookup by name, by 12-character ID
//! prefix, `container(id)`, `has_container`, `all_containers`, `add_container`, on the bench's
//! podman-sized containers. `cargo bench -p xtask --bench hot_calls` (a name after `--` picks
//! benchmarks: `-- has_container`).
//!
//! These measure the CPU path of a call: the persistent backends run on their test stores
//! (`temporary()`: SQLite without fsync, redb on a RAM file system where there is one), so that
//! the disk does not drown what the code costs. `cargo xtask bench` measures the durable path
//! against the raw engines and the disk.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use divan::Bencher;
use podstate_api::Store;
use podstate_api::{Container, State};

#[path = "../src/bench/workload.rs"]
#[allow(dead_code, unused_imports)]
mod workload;

/// Containers in each store.
const N: usize = 1_000;
/// The facade's one list of backends.
const BACKENDS: [&str; 3] = podstate::StoreConfig::BACKENDS;

fn main() {
    divan::main();
}

/// A store of `backend` holding the workload's first [`N`] containers, made once.
struct Fixture {
    _store: Box<dyn Store>,
    state: Box<dyn State>,
    ctrs: Vec<Container>,
}

fn fixture(backend: &str) -> &'static Fixture {
    static FIXTURES: [OnceLock<Fixture>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = BACKENDS.iter().position(|b| *b == backend).unwrap_or(0);
    FIXTURES[slot].get_or_init(|| {
        let store: Box<dyn Store> = match backend {
            "sqlite" => Box::new(podstate_sqlite::SqliteStore::temporary().expect("sqlite")),
            "redb" => Box::new(podstate_redb::RedbStore::temporary().expect("redb")),
            _ => Box::new(podstate_memory::MemoryStore::new()),
        };
        let state = store.open_handle().expect("a handle");
        let work = workload::Workload::new(N, 0);
        for vol in &work.volumes {
            state.add_volume(vol).expect("add_volume");
        }
        for ctr in &work.containers {
            state.add_container(ctr).expect("add_container");
        }
        Fixture {
            _store: store,
            state,
            ctrs: work.containers,
        }
    })
}

/// The `k`-th probe, spread over the store.
fn probe(f: &Fixture, k: usize) -> &Container {
    &f.ctrs[(k * 7_919) % f.ctrs.len()]
}

#[divan::bench(args = BACKENDS)]
fn lookup_by_name(bencher: Bencher, backend: &str) {
    let f = fixture(backend);
    let k = AtomicUsize::new(0);
    bencher.bench(|| {
        let c = probe(f, k.fetch_add(1, Ordering::Relaxed));
        f.state.lookup_container(&c.config.name).expect("lookup")
    });
}

#[divan::bench(args = BACKENDS)]
fn lookup_by_prefix(bencher: Bencher, backend: &str) {
    let f = fixture(backend);
    let k = AtomicUsize::new(0);
    bencher.bench(|| {
        let c = probe(f, k.fetch_add(1, Ordering::Relaxed));
        f.state
            .lookup_container(&c.config.id[..12])
            .expect("lookup")
    });
}

#[divan::bench(args = BACKENDS)]
fn container_by_id(bencher: Bencher, backend: &str) {
    let f = fixture(backend);
    let k = AtomicUsize::new(0);
    bencher.bench(|| {
        let c = probe(f, k.fetch_add(1, Ordering::Relaxed));
        f.state.container(&c.config.id).expect("container")
    });
}

/// The cheapest call there is (one index probe, nothing loaded): what a call costs beyond its
/// work, e.g. the per-call tracing span, shows here first.
#[divan::bench(args = BACKENDS)]
fn has_container(bencher: Bencher, backend: &str) {
    let f = fixture(backend);
    let k = AtomicUsize::new(0);
    bencher.bench(|| {
        let c = probe(f, k.fetch_add(1, Ordering::Relaxed));
        f.state.has_container(&c.config.id).expect("has_container")
    });
}

#[divan::bench(args = BACKENDS, sample_count = 20)]
fn all_containers(bencher: Bencher, backend: &str) {
    let f = fixture(backend);
    bencher.bench(|| f.state.all_containers().expect("all_containers"));
}

#[divan::bench(args = BACKENDS, sample_count = 20, sample_size = 20)]
fn add_container(bencher: Bencher, backend: &str) {
    let f = fixture(backend);
    let next = AtomicUsize::new(0);
    bencher
        .with_inputs(|| {
            // A new ID and name each time, the rest as podman-sized as the fixture's.
            let i = next.fetch_add(1, Ordering::Relaxed);
            let mut c = f.ctrs[i % N].clone();
            c.config.id = format!("{:064x}", i + 1);
            c.config.name = format!("bench-added-{i}");
            c.config.depends_on.clear();
            c
        })
        .bench_local_values(|c| f.state.add_container(&c).expect("add_container"));
}
