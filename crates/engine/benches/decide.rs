//! A quick check of decision time inside the workspace: three example
//! queries, decision and compile time as the number of purposes and
//! recipients grows. Reproduce with `cargo bench --workspace --bench decide`.
//! The comparison with Cedar and a hand-coded floor, on a wider query set,
//! is `benches/decisions` (its own workspace).

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vow_engine::{ConsentRecord, Context, Obligation, Query, SubjectState, compile, decide};

fn example(name: &str) -> vow_policy::Policy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    vow_policy::check(&path, &text)
        .expect("example checks")
        .policy
}

fn bench(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let mut group = c.benchmark_group("decide");
    // An allowed marketing e-mail for a consenting customer (edtech), and a
    // denied one for a licensed student.
    let edtech = compile(&example("edtech-classroom"));
    let mut customer = SubjectState {
        jurisdiction: Some("US".into()),
        ..Default::default()
    };
    customer.consents.insert(
        "marketing".into(),
        ConsentRecord {
            given: true,
            at: now,
            policy_version: "1".into(),
            until: None,
        },
    );
    let student = SubjectState {
        memberships: vec!["licensed_institution".into()],
        ..customer.clone()
    };
    let query = Query {
        purpose: "marketing",
        categories: &["user.contact.email"],
        ..Default::default()
    };
    group.bench_function("edtech/marketing_allowed", |b| {
        b.iter(|| {
            decide(
                black_box(&edtech),
                black_box(&customer),
                black_box(&query),
                now,
            )
        })
    });
    group.bench_function("edtech/marketing_denied_student", |b| {
        b.iter(|| {
            decide(
                black_box(&edtech),
                black_box(&student),
                black_box(&query),
                now,
            )
        })
    });
    // A disclosure with projection and IP truncation (agency).
    let agency = compile(&example("dev-agency"));
    let visitor = SubjectState {
        jurisdiction: Some("UA".into()),
        ..Default::default()
    };
    let disclosure = Query {
        purpose: "web_analytics",
        categories: &["user.device.ip_address"],
        recipient: Some("yandex_metrica"),
        context: Context {
            ip: "203.0.113.77".parse().ok(),
            ..Default::default()
        },
        ..Default::default()
    };
    group.bench_function("agency/disclosure_with_truncation", |b| {
        b.iter(|| {
            decide(
                black_box(&agency),
                black_box(&visitor),
                black_box(&disclosure),
                now,
            )
        })
    });
    // Growth with the size of the policy.
    for n in [10usize, 100, 1_000, 10_000] {
        let text = vow_policy::generate::synthetic_policy_yaml(n);
        let checked = vow_policy::check("synthetic.yaml", &text)
            .expect("checks")
            .policy;
        let policy = compile(&checked);
        group.bench_with_input(BenchmarkId::new("compile", n), &n, |b, _| {
            b.iter(|| compile(black_box(&checked)))
        });
        let mut subject = SubjectState {
            jurisdiction: Some("FR".into()),
            ..Default::default()
        };
        let purpose = format!("purpose_{}", n / 2);
        let recipient = format!("recipient_{}", n / 2);
        subject.consents.insert(
            purpose.clone(),
            ConsentRecord {
                given: true,
                at: now,
                policy_version: "1".into(),
                until: None,
            },
        );
        // One leaf category mid-way through the policy's categories, in the
        // purpose's and the recipient's group: the answer (a projection of
        // one category) has the same size at every n, while the lookups
        // run over n purposes, n recipients and n / 10 categories.
        let g = (n / 2) % 10;
        let item = g + 10 * ((n / 10).max(10) / 20);
        let categories = [format!("user.group{g}.item{item}")];
        let refs: Vec<&str> = categories.iter().map(String::as_str).collect();
        let q = Query {
            purpose: &purpose,
            categories: &refs,
            recipient: Some(&recipient),
            ..Default::default()
        };
        let d = decide(&policy, &subject, &q, now);
        assert!(
            d.allowed
                && matches!(&d.obligations[..], [Obligation::SendOnly { categories }] if categories.len() == 1),
            "the scaled query is an allow with a one-category projection: {d:?}"
        );
        group.bench_with_input(BenchmarkId::new("synthetic_disclosure", n), &n, |b, _| {
            b.iter(|| decide(black_box(&policy), black_box(&subject), black_box(&q), now))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
