//! vow, Cedar and the hand-coded floor on the same decisions, in one run:
//! - `query/<case>/{vow,cedar,cedar_per_rule,floor}`: one decision of the
//!   query set (`cedar`: Cedar's fastest form, one permit and one forbid
//!   policy; `cedar_per_rule`: one Cedar policy per rule);
//! - `query_set/...`: the whole query set once (criterion's throughput line
//!   gives decisions per second);
//! - `scaling/{vow,cedar}/<n>`: the questions of a random mix over a
//!   synthetic policy of n purposes and recipients and 1,000 people, in
//!   turn, n = 10 to 10,000 (`scaled`; percentiles: `--bin scaling`).
//!
//! `cargo bench` in `benches/decisions`; `cargo bench -- query_set` for one group.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use vow_decisions_bench::Suite;
use vow_decisions_bench::cedar::Cedar;
use vow_decisions_bench::queries::now;
use vow_decisions_bench::scaled::{Mix, SIZES};
use vow_engine::decide;

fn per_query(c: &mut Criterion, suite: &Suite) {
    let now = now();
    for (case, example) in suite.pairs() {
        let mut group = c.benchmark_group(format!("query/{}", case.name));
        group
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_millis(1500));
        group.bench_function("vow", |b| {
            b.iter(|| {
                decide(
                    black_box(&example.vow),
                    black_box(&case.subject),
                    black_box(&case.query),
                    now,
                )
            })
        });
        group.bench_function("cedar", |b| {
            b.iter(|| {
                suite.cedar.is_authorized(
                    black_box(&example.cedar),
                    black_box(case.name),
                    black_box(&case.query),
                    now,
                )
            })
        });
        group.bench_function("cedar_per_rule", |b| {
            b.iter(|| {
                suite.cedar_per_rule.is_authorized(
                    black_box(&example.cedar),
                    black_box(case.name),
                    black_box(&case.query),
                    now,
                )
            })
        });
        group.bench_function("floor", |b| {
            b.iter(|| {
                example
                    .floor
                    .allows(black_box(&case.subject), black_box(&case.query), now)
            })
        });
        group.finish();
    }
}

fn query_set(c: &mut Criterion, suite: &Suite) {
    let now = now();
    let pairs = suite.pairs();
    let mut group = c.benchmark_group("query_set");
    group
        .throughput(Throughput::Elements(pairs.len() as u64))
        .measurement_time(Duration::from_secs(10));
    group.bench_function("vow", |b| {
        b.iter(|| {
            for (case, example) in &pairs {
                black_box(decide(
                    black_box(&example.vow),
                    black_box(&case.subject),
                    black_box(&case.query),
                    now,
                ));
            }
        })
    });
    group.bench_function("cedar", |b| {
        b.iter(|| {
            for (case, example) in &pairs {
                black_box(suite.cedar.is_authorized(
                    black_box(&example.cedar),
                    black_box(case.name),
                    black_box(&case.query),
                    now,
                ));
            }
        })
    });
    group.bench_function("cedar_per_rule", |b| {
        b.iter(|| {
            for (case, example) in &pairs {
                black_box(suite.cedar_per_rule.is_authorized(
                    black_box(&example.cedar),
                    black_box(case.name),
                    black_box(&case.query),
                    now,
                ));
            }
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| {
            for (case, example) in &pairs {
                black_box(example.floor.allows(
                    black_box(&case.subject),
                    black_box(&case.query),
                    now,
                ));
            }
        })
    });
    group.finish();
}

fn scaling(c: &mut Criterion, cedar: &Cedar) {
    let now = now();
    let mut group = c.benchmark_group("scaling");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let mix = Mix::new(n, cedar);
        group.bench_with_input(BenchmarkId::new("vow", n), &mix, |b, mix| {
            let mut i = 0;
            b.iter(|| {
                let (_, subject, query) = mix.question(i);
                i += 1;
                decide(
                    black_box(&mix.vow),
                    black_box(subject),
                    black_box(query),
                    now,
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("cedar", n), &mix, |b, mix| {
            let mut i = 0;
            b.iter(|| {
                let (id, _, query) = mix.question(i);
                i += 1;
                cedar.is_authorized(black_box(&mix.cedar), black_box(id), black_box(query), now)
            })
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let suite = Suite::load();
    query_set(c, &suite);
    per_query(c, &suite);
    scaling(c, &suite.cedar);
}

criterion_group!(benches, bench);
criterion_main!(benches);
