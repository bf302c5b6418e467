//! The tables of BENCHMARKS.md from the last `cargo bench` run: criterion's
//! median per benchmark (`target/criterion/*/new/estimates.json`), with the
//! ratios.
//!
//!     cargo bench && cargo run --release --bin report

use std::path::{Path, PathBuf};

use vow_decisions_bench::queries::cases;

fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("criterion")
}

/// Criterion's median for `group/function`, in nanoseconds.
fn median(group: &str, function: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group.replace('/', "_"))
        .join(function)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn show(ns: Option<f64>) -> String {
    match ns {
        None => "–".into(),
        Some(ns) if ns < 1_000.0 => format!("{ns:.0} ns"),
        Some(ns) if ns < 1_000_000.0 => format!("{:.1} µs", ns / 1e3),
        Some(ns) => format!("{:.2} ms", ns / 1e6),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:.1}×", a / b),
        _ => "–".into(),
    }
}

fn main() {
    let cases = cases();
    println!(
        "| query | answer | vow | Cedar (2 policies) | Cedar (a policy per rule) | floor | Cedar / vow | vow / floor |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let times = |group: &str| {
        (
            median(group, "vow"),
            median(group, "cedar"),
            median(group, "cedar_per_rule"),
            median(group, "floor"),
        )
    };
    for case in &cases {
        let (vow, cedar, per_rule, floor) = times(&format!("query/{}", case.name));
        println!(
            "| {}: {} | {} | {} | {} | {} | {} | {} | {} |",
            case.policy,
            case.about,
            if case.allowed { "allow" } else { "deny" },
            show(vow),
            show(cedar),
            show(per_rule),
            show(floor),
            ratio(cedar, vow),
            ratio(vow, floor),
        );
    }
    let per_decision = |t: Option<f64>| t.map(|t| t / cases.len() as f64);
    let (vow, cedar, per_rule, floor) = times("query_set");
    let (vow, cedar, per_rule, floor) = (
        per_decision(vow),
        per_decision(cedar),
        per_decision(per_rule),
        per_decision(floor),
    );
    println!(
        "| **the whole set, per decision** ({} queries in turn) | | **{}** | **{}** | {} | **{}** | **{}** | **{}** |",
        cases.len(),
        show(vow),
        show(cedar),
        show(per_rule),
        show(floor),
        ratio(cedar, vow),
        ratio(vow, floor),
    );

    println!();
    println!("| n (purposes = recipients), the random mix | vow | Cedar (2 policies) |");
    println!("|---:|---:|---:|");
    let scaled = |who: &str, n: usize| median("scaling", &format!("{who}/{n}"));
    for n in [10, 100, 1_000, 10_000] {
        println!(
            "| {n} | {} | {} |",
            show(scaled("vow", n)),
            show(scaled("cedar", n))
        );
    }
    let growth = |who: &str| match (scaled(who, 10_000), scaled(who, 10)) {
        (Some(big), Some(small)) => format!("{:.2}×", big / small),
        _ => "–".into(),
    };
    println!("| 10,000 / 10 | {} | {} |", growth("vow"), growth("cedar"));
}
