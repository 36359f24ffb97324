//! Measures the SQLite backend (durable settings) next to the memory backend on podman-sized
//! containers: add, lookup by name, lookup by a 12-character ID prefix, and all_containers.
//! Not a test: run it in a release build, on a quiet machine, when a figure in the crate docs
//! needs refreshing.
//!
//! ```text
//! cargo run --release -p podstate-sqlite --example sqlite_rates -- [N ...]   (default: 1000 10000)
//! ```

use std::time::{Duration, Instant};

use podstate_api::raw::Store;
use podstate_api::{Container, ContainerConfig, Payload, State};
use podstate_memory::MemoryStore;
use podstate_sqlite::SqliteStore;

/// A 64-hex ID that looks random (so prefixes spread like podman's), from `i`.
fn id(i: usize) -> String {
    let mut x = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    (0..4)
        .map(|_| {
            x ^= x >> 30;
            x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
            x ^= x >> 27;
            x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
            x ^= x >> 31;
            format!("{x:016x}")
        })
        .collect()
}

/// A JSON document of about `bytes` bytes.
fn payload(bytes: usize, tag: usize) -> Payload {
    let pad = "x".repeat(bytes.saturating_sub(40));
    Payload::from_json(format!("{{\"tag\":{tag},\"spec\":\"{pad}\"}}")).unwrap()
}

/// A podman-sized container: 7.5 KiB config payload, 0.6 KiB state payload.
fn container(i: usize) -> Container {
    let mut cfg = ContainerConfig::new(id(i), format!("ctr-{i}"));
    cfg.payload = payload(7680, i);
    let mut ctr = Container::new(cfg);
    ctr.state.payload = payload(614, i);
    ctr
}

/// Mean time per call of `f` over `calls` calls.
fn per_call(calls: usize, mut f: impl FnMut(usize)) -> Duration {
    let start = Instant::now();
    for i in 0..calls {
        f(i);
    }
    start.elapsed() / u32::try_from(calls).unwrap()
}

/// One backend's row for `n` containers.
fn measure(backend: &str, state: &dyn State, n: usize) {
    let ctrs: Vec<Container> = (0..n).map(container).collect();
    let add = per_call(n, |i| state.add_container(&ctrs[i]).unwrap());
    let probes = n.min(2000);
    let step = n / probes;
    let by_name = per_call(probes, |i| {
        let c = state
            .lookup_container(&format!("ctr-{}", i * step))
            .unwrap();
        assert_eq!(c.config.id, ctrs[i * step].config.id);
    });
    let by_prefix = per_call(probes, |i| {
        let id = &ctrs[i * step].config.id;
        let c = state.lookup_container(&id[..12]).unwrap();
        assert_eq!(&c.config.id, id);
    });
    let prefix_id_only = per_call(probes, |i| {
        let id = &ctrs[i * step].config.id;
        assert_eq!(&state.lookup_container_id(&id[..12]).unwrap(), id);
    });
    let all = per_call(5, |_| assert_eq!(state.all_containers().unwrap().len(), n));
    println!(
        "{backend:<7} N={n:<6} add {:>9.1?}  lookup by name {:>8.1?}  by 12-char prefix {:>8.1?} \
         (ID only {:>8.1?})  all_containers {:>9.2?}",
        add, by_name, by_prefix, prefix_id_only, all
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("sizes are numbers"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1000, 10_000]
    } else {
        sizes
    };
    for n in sizes {
        let memory = MemoryStore::new();
        measure("memory", &memory.open(), n);
        let dir = tempfile::tempdir().unwrap();
        // Durable: the default options (synchronous=FULL, WAL).
        let sqlite = SqliteStore::open(dir.path().join("state.db")).unwrap();
        measure("sqlite", &*sqlite.open_handle().unwrap(), n);
    }
}
