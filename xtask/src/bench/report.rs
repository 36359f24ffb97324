//! The bench's output: the phase table with its ratios, fsyncs per commit, memory and size,
//! the scaling table, and the targets.

use super::Results;
use super::measure::PHASES;
use super::targets::{Verdict, fsyncs_needed, phase, us, versus};

/// Prints every table of `r`.
pub fn print(r: &Results) {
    let c = &r.ceiling;
    println!(
        "\npodstate bench{}: N = {} containers (+ {} in pods of 5), podman-sized records",
        if r.quick { " --quick" } else { "" },
        r.n,
        r.main.first().map_or(0, |m| m.containers - m.n)
    );
    println!(
        "disk fsync ceiling (4 KiB rewrite + fdatasync): {:.0}/s at the start, {:.0}/s at the end; \
         appending: {:.0}/s",
        c.start, c.end, c.append
    );
    print_phases(r);
    print_fsyncs(r);
    print_sizes(r);
    print_scaling(r);
    print_targets(r);
}

fn print_phases(r: &Results) {
    println!(
        "\n{:<26} {:<11} {:>8} {:>10} {:>10} {:>7} {:>9} {:>9}",
        "phase", "subject", "ops", "µs/op", "ops/s", "x raw", "% fsync", "% need"
    );
    for name in PHASES {
        for m in &r.main {
            let Some(p) = phase(r, &m.subject, name) else {
                continue;
            };
            let raw =
                versus(r, &m.subject, name).map_or("-".into(), |(b, a)| format!("{:.2}", b / a));
            let (of_ceiling, of_need) = match (p.ceiling, fsyncs_needed(&m.subject)) {
                (Some(ceiling), Some(k)) => {
                    let share = p.ops_per_sec() / ceiling * 100.0;
                    (
                        format!("{share:.0}%"),
                        format!("{:.0}%", share * f64::from(k)),
                    )
                }
                _ => ("-".into(), "-".into()),
            };
            println!(
                "{:<26} {:<11} {:>8} {:>10} {:>10.0} {:>7} {:>9} {:>9}",
                name,
                m.subject,
                p.ops,
                us(p.us_per_op()),
                p.ops_per_sec(),
                raw,
                of_ceiling,
                of_need
            );
        }
    }
    println!(
        "µs/op: reads, the fastest of several rounds (the one least disturbed by other work on \
         the machine); durable phases, the mean. x raw: time per op against the raw engine \
         doing the same work (reads: both in one process, in turns, fastest turn each). % fsync: ops/s against the fsync ceiling probed during the \
         phase; % need: against ceiling / fsyncs the engine needs per commit (SQLite WAL 1, \
         redb multi-writer 2)"
    );
}

fn print_fsyncs(r: &Results) {
    if r.fsyncs.is_empty() {
        return;
    }
    println!("\nfsyncs per durable commit (strace -f -c, difference of K commits and none)");
    for f in &r.fsyncs {
        let v = f
            .per_commit
            .map_or("not counted (strace not installed)".into(), |v| {
                format!("{v:.3}")
            });
        println!(
            "  {:<11} {:<5} {v}  ({} commits)",
            f.subject, f.op, f.commits
        );
    }
}

fn print_sizes(r: &Results) {
    println!(
        "\n{:<11} {:>14} {:>14} {:>14} {:>16}",
        "subject", "peak RSS", "workload RSS", "peak - load", "bytes/container"
    );
    let mib = |k: Option<u64>| k.map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    for m in &r.main {
        let own = m
            .peak_rss_kib
            .zip(m.workload_rss_kib)
            .map(|(p, w)| p.saturating_sub(w));
        let per = m.db_bytes.map_or("-".into(), |b| {
            format!("{}", b / m.containers.max(1) as u64)
        });
        println!(
            "{:<11} {:>14} {:>14} {:>14} {:>16}",
            m.subject,
            mib(m.peak_rss_kib),
            mib(m.workload_rss_kib),
            mib(own),
            per
        );
    }
}

fn print_scaling(r: &Results) {
    if r.scaling.is_empty() {
        return;
    }
    println!(
        "\nscaling {:<8} {:>8} {:>14} {:>14} {:>16} {:>18}",
        "subject", "N", "by name", "by prefix", "all_containers", "open+lookup+close"
    );
    for p in &r.scaling {
        let first = r.scaling.iter().find(|q| q.subject == p.subject);
        let grow = |v: f64, base: Option<f64>| match base {
            Some(b) if b > 0.0 && v != b => format!("{} ({:.1}x)", us(v), v / b),
            _ => us(v),
        };
        println!(
            "        {:<8} {:>8} {:>14} {:>14} {:>16} {:>18}",
            p.subject,
            p.n,
            grow(p.by_name_us, first.map(|f| f.by_name_us)),
            grow(p.by_prefix_us, first.map(|f| f.by_prefix_us)),
            grow(p.all_ms * 1e3, first.map(|f| f.all_ms * 1e3)),
            p.cli_us.map_or("-".into(), us)
        );
    }
}

fn print_targets(r: &Results) {
    println!("\ntargets (issue 11, item 5)");
    for t in &r.targets {
        let verdict = match t.verdict {
            Verdict::Met => "met",
            Verdict::Missed => "MISSED",
            Verdict::NotMeasured => "-",
        };
        println!(
            "  {verdict:<7} {:<52} {} (goal {})",
            t.what, t.measured, t.goal
        );
    }
}
