//! Properties that hold for every subject and every query.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use vow_engine::{
    Action, CompiledPolicy, ConsentRecord, Context, Obligation, Query, SubjectState, compile,
    decide,
};
use vow_policy::Channel;

/// The five examples, checked and compiled once for the whole run.
fn examples() -> &'static [(CompiledPolicy, vow_policy::Policy)] {
    static ALL: std::sync::OnceLock<Vec<(CompiledPolicy, vow_policy::Policy)>> =
        std::sync::OnceLock::new();
    ALL.get_or_init(load)
}

fn load() -> Vec<(CompiledPolicy, vow_policy::Policy)> {
    [
        "edtech-classroom",
        "dev-agency",
        "kids-coding-franchise",
        "course-shop",
        "iot-platform",
    ]
    .iter()
    .map(|name| {
        let path = format!(
            "{}/../../examples/{name}/policy.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).expect("example");
        let policy = vow_policy::check(&path, &text)
            .expect("example checks")
            .policy;
        (compile(&policy), policy)
    })
    .collect()
}

/// A random subject and query on a random example: indices pick elements.
#[derive(Debug, Clone)]
struct Case {
    example: usize,
    purpose: usize,
    categories: Vec<usize>,
    recipient: Option<usize>,
    jurisdiction: usize,
    consents: Vec<(usize, bool)>,
    memberships: bool,
    customer: bool,
    age: Option<u8>,
    parental: bool,
    gpc: bool,
    dnt: bool,
    channel_opt_out: bool,
    objects: bool,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        (
            0usize..5,
            0usize..64,
            prop::collection::vec(0usize..64, 0..4),
            prop::option::of(0usize..64),
            0usize..8,
        ),
        (
            prop::collection::vec((0usize..64, any::<bool>()), 0..6),
            any::<bool>(),
            any::<bool>(),
            prop::option::of(0u8..60),
        ),
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (example, purpose, categories, recipient, jurisdiction),
                (consents, memberships, customer, age),
                (parental, gpc, dnt, channel_opt_out, objects),
            )| Case {
                example,
                purpose,
                categories,
                recipient,
                jurisdiction,
                consents,
                memberships,
                customer,
                age,
                parental,
                gpc,
                dnt,
                channel_opt_out,
                objects,
            },
        )
}

const PLACES: [&str; 8] = ["FR", "GB", "US", "US-CA", "CA", "UA", "EU", "EEA"];

fn state(case: &Case, policy: &vow_policy::Policy) -> SubjectState {
    let at = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
    let n = policy.purposes.len();
    SubjectState {
        jurisdiction: Some(PLACES[case.jurisdiction].to_owned()),
        birth_date: case
            .age
            .map(|a| chrono::NaiveDate::from_ymd_opt(2026 - i32::from(a), 1, 1).expect("date")),
        memberships: if case.memberships {
            policy
                .memberships
                .iter()
                .map(|m| m.id.to_string())
                .collect()
        } else {
            Vec::new()
        },
        consents: case
            .consents
            .iter()
            .map(|(p, given)| {
                (
                    policy.purposes[p % n].id.to_string(),
                    ConsentRecord {
                        given: *given,
                        at,
                        policy_version: "1".into(),
                        until: None,
                    },
                )
            })
            .collect(),
        customer: case.customer,
        parental_consent_verified: case.parental,
        objects_to_direct_marketing: case.objects,
        channel_opt_outs: if case.channel_opt_out {
            vec![Channel::Email]
        } else {
            Vec::new()
        },
        ..Default::default()
    }
}

fn run<'p>(
    case: &Case,
    all: &'p [(CompiledPolicy, vow_policy::Policy)],
    edit: impl Fn(&mut SubjectState, &mut Query),
) -> (
    vow_engine::Decision<'p>,
    vow_engine::Decision<'p>,
    String,
    Option<String>,
) {
    let (compiled, policy) = &all[case.example];
    let purpose = &policy.purposes[case.purpose % policy.purposes.len()];
    let keys: Vec<String> = case
        .categories
        .iter()
        .map(|c| {
            policy.categories[c % policy.categories.len()]
                .id
                .to_string()
        })
        .collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let recipient = case
        .recipient
        .and_then(|r| policy.recipients.get(r % policy.recipients.len().max(1)))
        .map(|r| r.id.to_string());
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap();
    let query = Query {
        purpose: purpose.id.as_str(),
        categories: &refs,
        recipient: recipient.as_deref(),
        channel: Some(Channel::Email),
        context: Context {
            gpc: case.gpc,
            dnt: case.dnt,
            ..Default::default()
        },
        ..Default::default()
    };
    let before_state = state(case, policy);
    let before = decide(compiled, &before_state, &query, now);
    let mut after_state = before_state.clone();
    let mut after_query = query.clone();
    edit(&mut after_state, &mut after_query);
    let after = decide(compiled, &after_state, &after_query, now);
    (before, after, purpose.id.to_string(), recipient)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Withdrawing a consent never turns a deny into an allow.
    #[test]
    fn withdrawal_never_allows_more(case in cases()) {
        let all = examples();
        let (before, after, _, _) = run(&case, all, |state, query| {
            state.consents.insert(query.purpose.to_owned(), ConsentRecord { given: false, at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(), policy_version: "1".into(), until: None });
        });
        prop_assert!(before.allowed || !after.allowed, "withdrawal allowed {:?}", after);
    }

    /// A consent's own end, passed or not, never turns a deny into an allow.
    #[test]
    fn a_consent_end_never_allows_more(case in cases(), days in -400i64..400) {
        let all = examples();
        let (before, after, _, _) = run(&case, all, |state, _| {
            let until = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap() + chrono::Duration::days(days);
            for record in state.consents.values_mut() {
                record.until = Some(until);
            }
        });
        prop_assert!(before.allowed || !after.allowed, "an end allowed {:?}", after);
        if days > 0 {
            prop_assert_eq!(before.allowed, after.allowed, "an end not reached changed the answer");
        }
    }

    /// A restriction denies everything but storage, and the use of the
    /// purposes the policy lets continue under it, which it leaves as
    /// they were.
    #[test]
    fn restriction_allows_only_storage(case in cases()) {
        let all = examples();
        let (before, after, purpose, _) = run(&case, all, |state, _| state.restricted = true);
        let exempt = all[case.example].0.purposes.iter().any(|p| p.id == purpose && p.exempt_from_restriction);
        if exempt {
            prop_assert_eq!(before.allowed, after.allowed);
            prop_assert!(after.reasons.iter().all(|r| r.rule != "restricted"), "{:?}", after);
        } else {
            prop_assert!(!after.allowed);
        }
        let (_, stored, _, _) = run(&case, all, |state, query| { state.restricted = true; query.action = Action::Store; query.recipient = None; });
        // Storage is judged only on a declared purpose and category, and
        // on what the policy promises never to store (EDU-07, KIDS-10).
        let denial_rules: Vec<_> = stored.reasons.iter().map(|r| r.rule).filter(|_| !stored.allowed).collect();
        prop_assert!(denial_rules.iter().all(|r| r.starts_with("category") || *r == "never-stored"), "{:?}", stored);
        let (_, policy) = &all[case.example];
        let never_stored = case.categories.iter().any(|c| {
            let key = &policy.categories[c % policy.categories.len()].id;
            policy.categories.iter().any(|k| k.never_stored && (key.is_within(&k.id) || k.id.is_within(key)))
        });
        prop_assert_eq!(never_stored, denial_rules.contains(&"never-stored"), "{:?}", stored);
    }

    /// The projection sent to a recipient never holds a category it may not receive.
    #[test]
    fn projection_stays_within_the_recipient(case in cases()) {
        let all = examples();
        let (d, _, purpose, recipient) = run(&case, all, |_, _| {});
        let (_, policy) = &all[case.example];
        for o in &d.obligations {
            if let Obligation::SendOnly { categories } = o {
                let r = policy.recipients.iter().find(|r| Some(r.id.to_string()) == recipient).expect("a projection has a recipient");
                let allowed: Vec<&vow_policy::CategoryKey> = r.uses.iter().filter(|u| u.purpose.as_str() == purpose).flat_map(|u| &u.categories).collect();
                for c in categories {
                    let key = vow_policy::CategoryKey::parse(c).expect("key");
                    prop_assert!(allowed.iter().any(|a| key.is_within(a)), "{c} sent to {r:?}", r = r.id);
                    let secret = policy.categories.iter().any(|k| k.id == key && k.secret);
                    prop_assert!(!secret, "secret {c} sent");
                }
            }
        }
    }

    /// Strict mode never allows more than the default: it denies where the
    /// default projects, and where both allow they send the same. An allow
    /// that leaves something out always says so (IOT-09).
    #[test]
    fn strict_mode_denies_what_the_default_projects(case in cases()) {
        let all = examples();
        let (lenient, strict, _, _) = run(&case, all, |_, query| query.strict = true);
        prop_assert!(lenient.allowed || !strict.allowed, "strict allowed more: {:?}", strict);
        let projected = lenient.reasons.iter().any(|r| r.rule == "recipient-projection");
        if lenient.allowed && projected {
            prop_assert!(!strict.allowed && strict.reasons.iter().any(|r| r.rule == "recipient-category"), "{:?}", strict);
        }
        if lenient.allowed && !projected {
            prop_assert_eq!(strict.allowed, true);
            prop_assert_eq!(&lenient.obligations, &strict.obligations);
        }
    }
}
