//! Per-decision latency on one thread: each decision of the query set in
//! turn, about a million of them, each timed with `Instant` (the clock
//! read's own cost is measured and shown, and included in the figures);
//! then throughput, decisions per second on one core, from an untimed loop
//! over the query set. Prints a markdown table.
//!
//!     cargo run --release --bin latency [-- DECISIONS]
//!
//! Pin it to one core for steadier figures: `taskset -c 1 target/release/latency`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use vow_decisions_bench::Suite;
use vow_decisions_bench::queries::now;
use vow_decisions_bench::scaled::Mix;

struct Row {
    name: String,
    decisions: usize,
    sorted: Vec<u64>,
    per_second: f64,
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn show(ns: u64) -> String {
    if ns < 10_000 {
        format!("{ns} ns")
    } else {
        format!("{:.1} µs", ns as f64 / 1_000.0)
    }
}

/// Times `decisions` calls of `decide(i)` one by one, then runs it untimed
/// for about a second for the throughput.
fn measure(name: &str, decisions: usize, mut decide: impl FnMut(usize)) -> Row {
    for i in 0..decisions.min(20_000) {
        decide(i);
    }
    let mut ns = Vec::with_capacity(decisions);
    for i in 0..decisions {
        let start = Instant::now();
        decide(i);
        ns.push(start.elapsed().as_nanos() as u64);
    }
    ns.sort_unstable();
    let mut done = 0usize;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        for i in 0..1_000 {
            decide(done + i);
        }
        done += 1_000;
    }
    Row {
        name: name.to_owned(),
        decisions,
        sorted: ns,
        per_second: done as f64 / start.elapsed().as_secs_f64(),
    }
}

fn main() {
    let decisions: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("DECISIONS is a number"))
        .unwrap_or(1_000_000);
    let suite = Suite::load();
    let pairs = suite.pairs();
    let now = now();

    let mut clock = Vec::with_capacity(100_000);
    for _ in 0..100_000 {
        let start = Instant::now();
        clock.push(start.elapsed().as_nanos() as u64);
    }
    clock.sort_unstable();

    let mut rows = vec![
        measure("vow, query set", decisions, |i| {
            let (case, example) = pairs[i % pairs.len()];
            black_box(vow_engine::decide(
                black_box(&example.vow),
                black_box(&case.subject),
                black_box(&case.query),
                now,
            ));
        }),
        measure("floor, query set", decisions, |i| {
            let (case, example) = pairs[i % pairs.len()];
            black_box(
                example
                    .floor
                    .allows(black_box(&case.subject), black_box(&case.query), now),
            );
        }),
        measure("Cedar (2 policies), query set", decisions / 10, |i| {
            let (case, example) = pairs[i % pairs.len()];
            black_box(suite.cedar.is_authorized(
                black_box(&example.cedar),
                black_box(case.name),
                black_box(&case.query),
                now,
            ));
        }),
        measure(
            "Cedar (a policy per rule), query set",
            decisions / 10,
            |i| {
                let (case, example) = pairs[i % pairs.len()];
                black_box(suite.cedar_per_rule.is_authorized(
                    black_box(&example.cedar),
                    black_box(case.name),
                    black_box(&case.query),
                    now,
                ));
            },
        ),
    ];
    let big = Mix::new(10_000, &suite.cedar);
    rows.push(measure(
        "vow, synthetic n = 10,000, random mix",
        decisions,
        |i| {
            let (_, subject, query) = big.question(i);
            black_box(vow_engine::decide(
                black_box(&big.vow),
                black_box(subject),
                black_box(query),
                now,
            ));
        },
    ));

    println!(
        "Single thread, {} queries in turn; each decision timed alone (a clock read costs p50 {} / p99 {}, included).\n",
        pairs.len(),
        show(percentile(&clock, 0.5)),
        show(percentile(&clock, 0.99)),
    );
    println!("| decisions | timed | p50 | p99 | p99.9 | max | decisions/s on one core |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        let s = &row.sorted;
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.2} M |",
            row.name,
            row.decisions,
            show(percentile(s, 0.5)),
            show(percentile(s, 0.99)),
            show(percentile(s, 0.999)),
            show(*s.last().expect("decisions were timed")),
            row.per_second / 1e6,
        );
    }
}
