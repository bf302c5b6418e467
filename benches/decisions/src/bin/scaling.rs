//! Decisions as the policy grows, vow and Cedar's fastest form in the same
//! run: the random mix of `scaled` (4,096 questions over n purposes and
//! recipients and 1,000 people) at n = 10, 100, 1,000 and 10,000, each
//! decision timed alone, p50 and p99; and the mean, from untimed passes
//! over the mix. Several runs, one after the other; the table at the end
//! is the median of the runs, with the ratios that matter: how much slower
//! at n than at 10, and how many times faster than Cedar at the same n.
//!
//!     cargo run --release --bin scaling [-- RUNS [vow]]      (default 5)
//!
//! `vow` as the second argument leaves Cedar out (for profiling vow).
//!
//! `scripts/bench scaling` runs it.

use std::hint::black_box;
use std::time::Instant;

use vow_decisions_bench::cedar::{Cedar, Form};
use vow_decisions_bench::queries::now;
use vow_decisions_bench::scaled::{Mix, SIZES};

/// Passes over the mix, timed one decision at a time, then untimed.
const VOW_PASSES: usize = 25;
const CEDAR_PASSES: usize = 2;

/// One size measured once: p50, p99 and mean, in ns.
#[derive(Clone, Copy)]
struct Figures {
    p50: f64,
    p99: f64,
    mean: f64,
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Times `decide(i)` for `passes` passes over `len` questions, one at a
/// time, after one pass to warm up; then as many untimed, for the mean.
fn measure(len: usize, passes: usize, mut decide: impl FnMut(usize)) -> Figures {
    if passes == 0 {
        return Figures {
            p50: f64::NAN,
            p99: f64::NAN,
            mean: f64::NAN,
        };
    }
    for i in 0..len {
        decide(i);
    }
    let mut ns = Vec::with_capacity(len * passes);
    for i in 0..len * passes {
        let start = Instant::now();
        decide(i);
        ns.push(start.elapsed().as_nanos() as u64);
    }
    ns.sort_unstable();
    let start = Instant::now();
    for i in 0..len * passes {
        decide(i);
    }
    Figures {
        p50: percentile(&ns, 0.5),
        p99: percentile(&ns, 0.99),
        mean: start.elapsed().as_nanos() as f64 / (len * passes) as f64,
    }
}

fn show(ns: f64) -> String {
    if ns < 10_000.0 {
        format!("{ns:.0} ns")
    } else {
        format!("{:.1} µs", ns / 1_000.0)
    }
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("RUNS is a number"))
        .unwrap_or(5);
    let vow_only = std::env::args().nth(2).as_deref() == Some("vow");
    let cedar = Cedar::new(Form::Merged);
    let now = now();
    let mixes: Vec<Mix> = SIZES.iter().map(|&n| Mix::new(n, &cedar)).collect();
    let mut clock: Vec<u64> = (0..100_000)
        .map(|_| {
            let start = Instant::now();
            start.elapsed().as_nanos() as u64
        })
        .collect();
    clock.sort_unstable();
    println!(
        "{runs} runs; a clock read costs p50 {} (included in p50 and p99, not in the mean); load {}\n",
        show(percentile(&clock, 0.5)),
        load()
    );
    // [size][run]
    let mut vow: Vec<Vec<Figures>> = vec![Vec::new(); SIZES.len()];
    let mut ced: Vec<Vec<Figures>> = vec![Vec::new(); SIZES.len()];
    println!(
        "| run | n | vow p50 | vow p99 | vow mean | Cedar p50 | Cedar p99 | Cedar mean | Cedar / vow (p50) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for run in 1..=runs {
        for (k, mix) in mixes.iter().enumerate() {
            let len = mix.queries.len();
            let v = measure(len, VOW_PASSES, |i| {
                let (_, subject, query) = mix.question(i);
                black_box(vow_engine::decide(
                    black_box(&mix.vow),
                    black_box(subject),
                    black_box(query),
                    now,
                ));
            });
            let passes = if vow_only { 0 } else { CEDAR_PASSES };
            let c = measure(len, passes, |i| {
                let (id, _, query) = mix.question(i);
                black_box(cedar.is_authorized(
                    black_box(&mix.cedar),
                    black_box(id),
                    black_box(query),
                    now,
                ));
            });
            println!(
                "| {run} | {} | {} | {} | {} | {} | {} | {} | {:.0}× |",
                mix.n,
                show(v.p50),
                show(v.p99),
                show(v.mean),
                show(c.p50),
                show(c.p99),
                show(c.mean),
                c.p50 / v.p50
            );
            vow[k].push(v);
            ced[k].push(c);
        }
    }
    let med = |runs: &[Figures], f: fn(&Figures) -> f64| median(runs.iter().map(f).collect());
    let base_p50 = med(&vow[0], |f| f.p50);
    let base_mean = med(&vow[0], |f| f.mean);
    println!("\nMedian of {runs} runs (load {} at the end):\n", load());
    println!(
        "| n (purposes = recipients) | vow p50 | vow p99 | vow mean | vow p50 / at 10 | vow mean / at 10 | Cedar p50 | Cedar p99 | Cedar / vow (p50) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (k, mix) in mixes.iter().enumerate() {
        let p50 = med(&vow[k], |f| f.p50);
        let mean = med(&vow[k], |f| f.mean);
        // The ratio of each run, then the median: each ratio is of one run.
        let faster = median(
            vow[k]
                .iter()
                .zip(&ced[k])
                .map(|(v, c)| c.p50 / v.p50)
                .collect(),
        );
        println!(
            "| {} | {} | {} | {} | {:.2}× | {:.2}× | {} | {} | {:.0}× |",
            mix.n,
            show(p50),
            show(med(&vow[k], |f| f.p99)),
            show(mean),
            p50 / base_p50,
            mean / base_mean,
            show(med(&ced[k], |f| f.p50)),
            show(med(&ced[k], |f| f.p99)),
            faster,
        );
    }
}
