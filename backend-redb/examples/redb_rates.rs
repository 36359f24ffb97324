//! add / lookup by name / lookup by 12-character ID prefix / all_containers on a redb file (on
//! disk, durable commits) next to the in-memory backend, with podman-sized containers (7.5 KiB
//! config payload, 0.6 KiB state payload); plus open + one lookup + close, as a CLI process does.
//!
//! `cargo run --release -p podstate-redb --example redb_rates -- [DIR] [N...]` (default: a temporary
//! directory under /tmp, N = 1000 10000).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use podstate_api::{Container, ContainerConfig, Payload, State};
use podstate_memory::MemoryStore;
use podstate_redb::RedbStore;

/// A deterministic 64-hex ID for container `i`.
fn id(i: usize) -> String {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    (0..4)
        .map(|_| {
            x ^= x >> 31;
            x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            format!("{x:016x}")
        })
        .collect()
}

/// A JSON payload of about `len` bytes.
fn payload(len: usize, tag: usize) -> Payload {
    let mut text = format!("{{\"tag\":{tag},\"env\":[");
    let mut i = 0;
    while text.len() + 40 < len {
        text.push_str(&format!("\"VARIABLE_{i:04}=some value here\","));
        i += 1;
    }
    text.pop();
    text.push_str("]}");
    Payload::from_json(text).expect("valid JSON")
}

fn container(i: usize) -> Container {
    let mut config = ContainerConfig::new(id(i), format!("ctr-{i}"));
    config.payload = payload(7_680, i);
    let mut c = Container::new(config);
    c.state.payload = payload(614, i);
    c
}

fn per_op(d: Duration, n: usize) -> String {
    let us = d.as_secs_f64() * 1e6 / n as f64;
    format!("{us:>10.1} µs ({:>9.0}/s)", 1e6 / us)
}

/// The four figures for one store at size `n`.
fn measure(label: &str, state: &dyn State, n: usize) {
    let t = Instant::now();
    for i in 0..n {
        state.add_container(&container(i)).expect("add");
    }
    let add = t.elapsed();
    let probes = n.min(2_000);
    let step = n / probes;
    let t = Instant::now();
    for k in 0..probes {
        let c = state
            .lookup_container(&format!("ctr-{}", k * step))
            .expect("by name");
        assert_eq!(c.config.id, id(k * step));
    }
    let by_name = t.elapsed();
    let t = Instant::now();
    for k in 0..probes {
        let c = state
            .lookup_container(&id(k * step)[..12])
            .expect("by prefix");
        assert_eq!(c.config.id, id(k * step));
    }
    let by_prefix = t.elapsed();
    let reps = 5;
    let t = Instant::now();
    for _ in 0..reps {
        assert_eq!(state.all_containers().expect("all").len(), n);
    }
    let all = t.elapsed() / reps;
    println!("{label:<7} N={n:<6} add {}", per_op(add, n));
    println!(
        "{label:<7} N={n:<6} lookup by name {}",
        per_op(by_name, probes)
    );
    println!(
        "{label:<7} N={n:<6} lookup by 12-char prefix {}",
        per_op(by_prefix, probes)
    );
    println!(
        "{label:<7} N={n:<6} all_containers {:>10.1} ms",
        all.as_secs_f64() * 1e3
    );
}

/// The median of 50 rewrites of one 4 KiB block, each followed by an fdatasync: what a durable
/// commit costs at least on this disk, right now.
fn fsync_probe(dir: &std::path::Path) -> Duration {
    use std::io::{Seek, SeekFrom, Write};
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path).expect("a probe file");
    let block = [7u8; 4096];
    let mut times: Vec<Duration> = (0..50)
        .map(|_| {
            let t = Instant::now();
            file.seek(SeekFrom::Start(0)).expect("seek");
            file.write_all(&block).expect("write");
            file.sync_data().expect("fdatasync");
            t.elapsed()
        })
        .collect();
    drop(file);
    let _ = std::fs::remove_file(path);
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map(PathBuf::from);
    let sizes: Vec<usize> = args.map(|a| a.parse().expect("a size")).collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let temp = tempfile::tempdir_in(dir.unwrap_or_else(|| PathBuf::from("/tmp"))).expect("a dir");
    println!(
        "disk: 4 KiB pwrite + fdatasync {}",
        per_op(fsync_probe(temp.path()), 1)
    );
    for n in sizes {
        let memory = MemoryStore::new();
        measure("memory", &memory.open(), n);
        let file = temp.path().join(format!("rates-{n}.redb"));
        let store = RedbStore::open(&file).expect("open");
        measure("redb", &store.handle(), n);
        drop(store);
        let len = std::fs::metadata(&file).map_or(0, |m| m.len());
        println!(
            "redb    N={n:<6} file {:.1} MB ({} B per container)",
            len as f64 / 1e6,
            len / n as u64
        );
        let reps = 200;
        let t = Instant::now();
        for k in 0..reps {
            let store = RedbStore::open(&file).expect("open");
            let name = format!("ctr-{}", k * (n / reps));
            store.handle().lookup_container_id(&name).expect("lookup");
        }
        println!(
            "redb    N={n:<6} open + lookup + close {}",
            per_op(t.elapsed(), reps)
        );
        let t = Instant::now();
        for k in 0..reps {
            let store = RedbStore::open(&file).expect("open");
            let mut c = container(k);
            c.state.pid = 1;
            store.handle().save_container(&c).expect("save");
        }
        println!(
            "redb    N={n:<6} open + save + close {}",
            per_op(t.elapsed(), reps)
        );
    }
}
