//! The cost of the C boundary (issue 19, item 6): the hot calls of each backend straight
//! through `State` (direct), through the C functions of `podstate-capi` (payloads inline and
//! beside the JSON), and through the Go package (a Go program, `capi/go/cmd/podstate-bench`,
//! run on the same data). Each figure is compared with the direct call of the same run:
//! the ratio, the µs added, and the µs added per KB the call moves.
//!
//! The C figures are what the library adds: the call's arguments are prepared JSON (and
//! payload views), and the answer is received and freed but not decoded (a C caller decodes it
//! with its own JSON library). The Go figures are whole Go calls: arguments built from Go
//! structs, the answer decoded into Go structs.
//!
//! The store is filled by restoring a snapshot of the workload (one transaction); the reads
//! run in rounds, the subjects in turns within each round, and each keeps its fastest round.
//! The durable adds alternate direct, C inline and C beside container by container.

use anyhow::{Context, anyhow, bail};
use std::ffi::CStr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use podstate_api::Store;
use podstate_api::{Container, State};
use podstate_capi::ffi::caller::{self, HandlePtr};
use podstate_capi::wire::{Beside, Wire};
use serde::{Deserialize, Serialize};

use super::workload::{Workload, generate};

/// One call's figures on one backend, µs per call.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    /// The call, as the tables name it.
    pub call: String,
    /// KB of containers (their serde form, payloads included) one call moves across.
    pub kb: f64,
    /// Straight through `State`.
    pub direct: f64,
    /// Through the C functions, payloads inline.
    pub c_inline: Option<f64>,
    /// Through the C functions, payloads beside the JSON.
    pub c_beside: f64,
    /// Through the Go package, filled in from the Go program's answer.
    pub go: Option<f64>,
}

/// What the boundary run measured on one backend.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BoundaryResult {
    /// The backend.
    pub backend: String,
    /// Containers in the store.
    pub n: usize,
    /// Each call's figures.
    pub rows: Vec<Row>,
    /// Why the Go figures are missing, if they are.
    pub go_note: Option<String>,
}

/// The calls, in the order the tables show them.
pub const HAS: &str = "has_container";
/// `lookup_container_id` by exact name.
pub const LOOKUP_ID: &str = "lookup_container_id (name)";
/// `lookup_container` by exact name.
pub const BY_NAME: &str = "lookup_container (name)";
/// `lookup_container` by a 12-character ID prefix.
pub const BY_PREFIX: &str = "lookup_container (prefix)";
/// `add_container`, durable where the backend is.
pub const ADD: &str = "add_container (durable)";
/// `all_containers`.
pub const ALL: &str = "all_containers";

/// What the Go program needs to run the same calls: the probes and the containers to add.
#[derive(Debug, Serialize, Deserialize)]
pub struct GoInput {
    /// IDs to probe.
    pub ids: Vec<String>,
    /// Names to probe.
    pub names: Vec<String>,
    /// Containers to add, in their serde form.
    pub adds: Vec<Container>,
    /// Read rounds.
    pub rounds: usize,
    /// all_containers calls.
    pub all_reps: usize,
    /// Containers in the store.
    pub n: usize,
}

/// How much one boundary run does.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Size {
    /// Containers in the store.
    pub n: usize,
    /// Distinct containers each read round probes.
    pub probes: usize,
    /// Read rounds.
    pub rounds: usize,
    /// Durable adds per subject.
    pub adds: usize,
    /// all_containers calls per subject.
    pub all_reps: usize,
}

/// Opens `backend`'s store in `dir` as the main run does (durable commits).
fn open_store(backend: &str, dir: &Path) -> anyhow::Result<Box<dyn Store>> {
    std::fs::create_dir_all(dir).context("make a directory")?;
    let url = match backend {
        "memory" => "memory:".to_owned(),
        "sqlite" => format!("sqlite:{}", dir.join("podstate.db").display()),
        "redb" => format!("redb:{}", dir.join("podstate.redb").display()),
        other => bail!("unknown backend {other:?}"),
    };
    podstate::open(&url).context("open the store")
}

/// The body of the worker job: fills the store, measures, leaves the database (and, for
/// memory, a snapshot) plus the Go program's input in `dir`.
pub fn run_job(backend: &str, size: Size, dir: &Path) -> anyhow::Result<BoundaryResult> {
    let store = open_store(backend, dir)?;
    let adds_total = 3 * size.adds + size.adds;
    let mut all = generate(size.n + adds_total);
    // The added containers depend on nothing: each subject adds its own share, and the Go
    // program's store lacks the worker's.
    for c in &mut all[size.n..] {
        c.config.depends_on.clear();
    }
    let (work, extra) = all.split_at(size.n);
    fill(store.as_ref(), work)?;
    let direct = store.open_handle().context("open a handle")?;
    let snapshot = match backend {
        "memory" => Some(store.snapshot().context("snapshot")?),
        _ => None,
    };
    let abi = caller::adopt(store);
    let c = abi.open_handle(None).context("open a C handle")?;
    let probes: Vec<&Container> = (0..size.probes)
        .map(|k| &work[k * work.len() / size.probes.max(1)])
        .collect();
    let mut rows = reads(direct.as_ref(), &c, &probes, size)?;
    rows.push(all_containers(direct.as_ref(), &c, work, size)?);
    let (mine, go_adds) = extra.split_at(3 * size.adds);
    rows.push(adds(direct.as_ref(), &c, mine)?);
    // Left as it was filled, so the Go program meets the same N containers.
    for ctr in mine {
        ok("remove_container", direct.remove_container(ctr))?;
    }
    let input = GoInput {
        ids: probes.iter().map(|c| c.config.id.clone()).collect(),
        names: probes.iter().map(|c| c.config.name.clone()).collect(),
        adds: go_adds.to_vec(),
        rounds: size.rounds,
        all_reps: size.all_reps,
        n: size.n,
    };
    write_json(&dir.join("go-input.json"), &input)?;
    if let Some(snapshot) = snapshot {
        // The Go program's in-memory store starts as this one did: the N containers.
        write_json(&dir.join("snapshot.json"), &snapshot)?;
    }
    Ok(BoundaryResult {
        backend: backend.to_owned(),
        n: size.n,
        rows,
        go_note: None,
    })
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_vec(value).context("encode JSON")?;
    std::fs::write(path, text).context("write a file")
}

/// Fills an empty store with the volume pool and `ctrs`, by restoring a snapshot of them made
/// in memory (one transaction).
fn fill(store: &dyn Store, ctrs: &[Container]) -> anyhow::Result<()> {
    let scratch = podstate_memory::MemoryStore::new();
    let h = scratch.open_handle().context("open_handle")?;
    for v in &Workload::new(0, 0).volumes {
        h.add_volume(v).context("add_volume")?;
    }
    for c in ctrs {
        h.add_container(c).context("add_container")?;
    }
    let snapshot = podstate_api::Store::snapshot(&scratch).context("snapshot")?;
    store.restore(&snapshot).context("restore")
}

/// KB of `c` in its serde form.
fn kb(c: &Container) -> f64 {
    serde_json::to_vec(c).map_or(0.0, |v| v.len() as f64 / 1024.0)
}

/// Calls `f` once per item, `rounds` times, and answers the fastest round's µs per call.
fn fastest<T>(
    items: &[T],
    rounds: usize,
    mut f: impl FnMut(&T) -> anyhow::Result<()>,
) -> anyhow::Result<f64> {
    let mut best = f64::INFINITY;
    for _ in 0..rounds {
        let start = Instant::now();
        items.iter().try_for_each(&mut f)?;
        let us = start.elapsed().as_secs_f64() * 1e6 / items.len().max(1) as f64;
        best = best.min(us);
    }
    Ok(best)
}

/// One C call with prepared arguments; the answer must succeed.
fn c_call(
    h: &HandlePtr,
    name: &CStr,
    args: &[u8],
    payloads: Option<&[&str]>,
) -> anyhow::Result<()> {
    let answer = h.call(name, args, payloads);
    if !answer.is_ok() {
        bail!(
            "{name:?} through C: {}",
            String::from_utf8_lossy(answer.json())
        );
    }
    std::hint::black_box((answer.json().len(), answer.payloads().len()));
    Ok(())
}

fn ok<T>(what: &str, r: podstate_api::Result<T>) -> anyhow::Result<T> {
    r.with_context(|| what.to_owned())
}

/// The read calls, in turns, fastest of `size.rounds` rounds each.
fn reads(
    direct: &dyn State,
    c: &HandlePtr,
    probes: &[&Container],
    size: Size,
) -> anyhow::Result<Vec<Row>> {
    let id_args: Vec<Vec<u8>> = probes
        .iter()
        .map(|p| format!(r#"{{"id":"{}"}}"#, p.config.id).into_bytes())
        .collect();
    let name_args: Vec<Vec<u8>> = probes
        .iter()
        .map(|p| format!(r#"{{"id_or_name":"{}"}}"#, p.config.name).into_bytes())
        .collect();
    let prefix_args: Vec<Vec<u8>> = probes
        .iter()
        .map(|p| format!(r#"{{"id_or_name":"{}"}}"#, &p.config.id[..12]).into_bytes())
        .collect();
    let ids: Vec<&str> = probes.iter().map(|p| p.config.id.as_str()).collect();
    let names: Vec<&str> = probes.iter().map(|p| p.config.name.as_str()).collect();
    let prefixes: Vec<&str> = probes.iter().map(|p| &p.config.id[..12]).collect();
    let moved = probes.iter().map(|p| kb(p)).sum::<f64>() / probes.len().max(1) as f64;
    let mut rows = Vec::new();
    // Each round runs every subject once, so that all of them meet the same machine.
    let mut best = [f64::INFINITY; 11];
    for _ in 0..size.rounds {
        let one = |f: &mut dyn FnMut(usize) -> anyhow::Result<()>| -> anyhow::Result<f64> {
            let start = Instant::now();
            (0..probes.len()).try_for_each(&mut *f)?;
            Ok(start.elapsed().as_secs_f64() * 1e6 / probes.len().max(1) as f64)
        };
        let figures = [
            one(&mut |k| ok("has", direct.has_container(ids[k])).map(|_| ()))?,
            one(&mut |k| c_call(c, c"has_container", &id_args[k], None))?,
            one(&mut |k| ok("id", direct.lookup_container_id(names[k])).map(|_| ()))?,
            one(&mut |k| c_call(c, c"lookup_container_id", &name_args[k], None))?,
            one(&mut |k| ok("name", direct.lookup_container(names[k])).map(|_| ()))?,
            one(&mut |k| c_call(c, c"lookup_container", &name_args[k], None))?,
            one(&mut |k| c_call(c, c"lookup_container", &name_args[k], Some(&[])))?,
            one(&mut |k| ok("prefix", direct.lookup_container(prefixes[k])).map(|_| ()))?,
            one(&mut |k| c_call(c, c"lookup_container", &prefix_args[k], None))?,
            one(&mut |k| c_call(c, c"lookup_container", &prefix_args[k], Some(&[])))?,
            0.0,
        ];
        for (b, f) in best.iter_mut().zip(figures) {
            *b = b.min(f);
        }
    }
    rows.push(Row {
        call: HAS.into(),
        kb: 0.0,
        direct: best[0],
        c_inline: None,
        c_beside: best[1],
        go: None,
    });
    rows.push(Row {
        call: LOOKUP_ID.into(),
        kb: 0.0,
        direct: best[2],
        c_inline: None,
        c_beside: best[3],
        go: None,
    });
    rows.push(Row {
        call: BY_NAME.into(),
        kb: moved,
        direct: best[4],
        c_inline: Some(best[5]),
        c_beside: best[6],
        go: None,
    });
    rows.push(Row {
        call: BY_PREFIX.into(),
        kb: moved,
        direct: best[7],
        c_inline: Some(best[8]),
        c_beside: best[9],
        go: None,
    });
    Ok(rows)
}

/// Durable adds, container by container in turns: direct, C inline, C beside.
fn adds(direct: &dyn State, c: &HandlePtr, ctrs: &[Container]) -> anyhow::Result<Row> {
    let mut times = [0.0f64; 3];
    let mut counts = [0usize; 3];
    let mut moved = 0.0;
    for (k, ctr) in ctrs.iter().enumerate() {
        moved += kb(ctr);
        let which = k % 3;
        let (args, texts): (Vec<u8>, Vec<String>) = match which {
            1 => (
                format!(
                    r#"{{"ctr":{}}}"#,
                    serde_json::to_string(ctr).context("json")?
                )
                .into_bytes(),
                Vec::new(),
            ),
            _ => {
                let mut beside = Beside::default();
                let wire = ctr.clone().to_wire(&mut beside);
                let json = serde_json::to_string(&wire).context("json")?;
                let texts = beside
                    .outgoing
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect();
                (format!(r#"{{"ctr":{json}}}"#).into_bytes(), texts)
            }
        };
        let views: Vec<&str> = texts.iter().map(String::as_str).collect();
        let start = Instant::now();
        match which {
            0 => ok("add", direct.add_container(ctr))?,
            1 => c_call(c, c"add_container", &args, None)?,
            _ => c_call(c, c"add_container", &args, Some(&views))?,
        }
        times[which] += start.elapsed().as_secs_f64() * 1e6;
        counts[which] += 1;
    }
    let mean = |i: usize| times[i] / counts[i].max(1) as f64;
    Ok(Row {
        call: ADD.into(),
        kb: moved / ctrs.len().max(1) as f64,
        direct: mean(0),
        c_inline: Some(mean(1)),
        c_beside: mean(2),
        go: None,
    })
}

/// all_containers, in turns, fastest of `size.all_reps` each.
fn all_containers(
    direct: &dyn State,
    c: &HandlePtr,
    work: &[Container],
    size: Size,
) -> anyhow::Result<Row> {
    let moved: f64 = work.iter().map(kb).sum();
    let mut best = [f64::INFINITY; 3];
    for _ in 0..size.all_reps {
        let figures = [
            fastest(&[()], 1, |_| ok("all", direct.all_containers()).map(|_| ()))?,
            fastest(&[()], 1, |_| c_call(c, c"all_containers", b"{}", None))?,
            fastest(&[()], 1, |_| c_call(c, c"all_containers", b"{}", Some(&[])))?,
        ];
        for (b, f) in best.iter_mut().zip(figures) {
            *b = b.min(f);
        }
    }
    Ok(Row {
        call: ALL.into(),
        kb: moved,
        direct: best[0],
        c_inline: Some(best[1]),
        c_beside: best[2],
        go: None,
    })
}

/// The Go program's figures, µs per call by row name.
#[derive(Debug, Deserialize)]
struct GoAnswer {
    figures: Vec<(String, f64)>,
}

/// Builds and runs the Go program on what the worker left in `dir`, and fills in the Go
/// column; without Go on the machine, says so instead.
pub fn go_figures(result: &mut BoundaryResult, dir: &Path, lib_dir: &Path) -> anyhow::Result<()> {
    let exe = match build_go(lib_dir, dir) {
        Ok(exe) => exe,
        Err(why) => {
            result.go_note = Some(format!("{why:#}"));
            return Ok(());
        }
    };
    let url = match result.backend.as_str() {
        "memory" => "memory:".to_owned(),
        "sqlite" => format!("sqlite:{}", dir.join("podstate.db").display()),
        _ => format!("redb:{}", dir.join("podstate.redb").display()),
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.arg(&url).arg(dir.join("go-input.json"));
    if result.backend == "memory" {
        cmd.arg(dir.join("snapshot.json"));
    }
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("run the Go bench")?;
    if !out.status.success() {
        bail!("the Go bench failed ({})", out.status);
    }
    let answer: GoAnswer =
        serde_json::from_slice(&out.stdout).context("read the Go bench's answer")?;
    for row in &mut result.rows {
        row.go = answer
            .figures
            .iter()
            .find(|(name, _)| *name == row.call)
            .map(|(_, us)| *us);
    }
    Ok(())
}

/// Builds `capi/go/cmd/podstate-bench` against the static library in `lib_dir`.
fn build_go(lib_dir: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let root = crate::tidy::root();
    let exe = dir.join("podstate-bench-go");
    let status = std::process::Command::new("go")
        .args(["build", "-o"])
        .arg(&exe)
        .arg("./cmd/podstate-bench")
        .current_dir(root.join("capi/go"))
        .env("CGO_LDFLAGS", format!("-L{}", lib_dir.display()))
        .env("GOPROXY", "off")
        .status()
        .context("Go figures left out: cannot run go")?;
    match status.success() {
        true => Ok(exe),
        false => Err(anyhow!("Go figures left out: go build failed ({status})")),
    }
}

/// Builds the static library of podstate-capi in the bench's own profile and answers where
/// it is.
pub fn build_library() -> anyhow::Result<PathBuf> {
    let status = std::process::Command::new(crate::ci::cargo())
        .args([
            "build",
            "-p",
            "podstate-capi",
            "--profile",
            "xtask",
            "--quiet",
        ])
        .status()
        .context("run cargo")?;
    if !status.success() {
        bail!("building podstate-capi failed ({status})");
    }
    let exe = std::env::current_exe().context("find the xtask binary")?;
    exe.parent()
        .map(Path::to_path_buf)
        .context("the xtask binary has no directory")
}

/// The targets of issue 19, item 6: a call that moves no container costs at most 2 µs more
/// through C and 5 µs more through Go; one that moves containers at most 0.5 µs more per KB
/// moved.
pub const TARGET_C_US: f64 = 2.0;
/// See [`TARGET_C_US`].
pub const TARGET_GO_US: f64 = 5.0;
/// See [`TARGET_C_US`].
pub const TARGET_US_PER_KB: f64 = 0.5;

/// One subject's figure against the direct call: the text of its cell and whether it meets
/// its target.
fn cell(row: &Row, us: Option<f64>, no_move_target: f64) -> (String, Option<bool>) {
    let Some(us) = us else {
        return ("-".into(), None);
    };
    let extra = us - row.direct;
    let ratio = us / row.direct.max(1e-9);
    if row.kb == 0.0 {
        let met = extra <= no_move_target;
        return (
            format!("{} (x{ratio:.2}, {extra:+.2} µs)", fmt_us(us)),
            Some(met),
        );
    }
    let per_kb = extra / row.kb;
    let met = per_kb <= TARGET_US_PER_KB;
    (
        format!("{} (x{ratio:.2}, {per_kb:+.3} µs/KB)", fmt_us(us)),
        Some(met),
    )
}

fn fmt_us(us: f64) -> String {
    match us {
        u if u >= 10_000.0 => format!("{:.0} ms", u / 1000.0),
        u if u >= 100.0 => format!("{u:.0} µs"),
        u => format!("{u:.2} µs"),
    }
}

/// Prints the boundary tables and the verdict of each target.
pub fn print(results: &[BoundaryResult]) {
    if results.is_empty() {
        return;
    }
    println!(
        "\nThe C boundary and the Go package (µs per call; x direct, and the µs added per call, or per KB moved):"
    );
    let mut missed = Vec::new();
    for r in results {
        println!("\n{} (N = {})", r.backend, r.n);
        println!(
            "{:<28} {:>8} {:>12} {:>32} {:>32} {:>32}",
            "call", "KB", "direct", "C, payloads inline", "C, payloads beside", "Go"
        );
        for row in &r.rows {
            let (inline, inline_met) = cell(row, row.c_inline, TARGET_C_US);
            let (beside, beside_met) = cell(row, Some(row.c_beside), TARGET_C_US);
            let (go, go_met) = cell(row, row.go, TARGET_GO_US);
            println!(
                "{:<28} {:>8.1} {:>12} {inline:>32} {beside:>32} {go:>32}",
                row.call,
                row.kb,
                fmt_us(row.direct)
            );
            for (subject, met) in [
                ("C inline", inline_met),
                ("C beside", beside_met),
                ("Go", go_met),
            ] {
                if met == Some(false) {
                    missed.push(format!("{} {} through {subject}", r.backend, row.call));
                }
            }
        }
        if let Some(note) = &r.go_note {
            println!("{note}");
        }
    }
    println!(
        "\ntargets: +{TARGET_C_US} µs through C and +{TARGET_GO_US} µs through Go for a call that \
         moves no container; +{TARGET_US_PER_KB} µs per KB moved otherwise"
    );
    match missed.is_empty() {
        true => println!("met by every call"),
        false => println!("missed: {}", missed.join("; ")),
    }
}
