//! Check and compile a generated policy with n purposes, recipients and
//! trackers (n = 100, 1,000, 10,000): the whole `check` pipeline (YAML,
//! schema, typed parse, references, index), the YAML parse alone, and the
//! index build ("compile") alone. Reproduce with
//! `cargo bench -p vow-policy --bench check`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use vow_policy::generate::synthetic_policy_yaml;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");
    for n in [100usize, 1_000, 10_000] {
        let text = synthetic_policy_yaml(n);
        let policy = vow_policy::check("synthetic.yaml", &text)
            .expect("synthetic policy checks")
            .policy;
        group.throughput(Throughput::Bytes(text.len() as u64));
        if n >= 10_000 {
            group.sample_size(10);
            group.measurement_time(std::time::Duration::from_secs(20));
        } else {
            group.sample_size(20);
            group.measurement_time(std::time::Duration::from_secs(5));
        }
        group.bench_with_input(
            BenchmarkId::new("check_and_compile", n),
            &text,
            |b, text| {
                b.iter(|| vow_policy::check("synthetic.yaml", black_box(text)).expect("checks"))
            },
        );
        group.bench_with_input(BenchmarkId::new("yaml_parse_only", n), &text, |b, text| {
            b.iter(|| vow_policy::check::parse_yaml(black_box(text)).expect("parses"))
        });
        group.bench_with_input(
            BenchmarkId::new("compile_index", n),
            &policy,
            |b, policy| b.iter(|| vow_policy::PolicyIndex::build(black_box(policy))),
        );
        group.bench_with_input(BenchmarkId::new("lint", n), &policy, |b, policy| {
            b.iter(|| vow_policy::lint::lint(black_box(policy)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
