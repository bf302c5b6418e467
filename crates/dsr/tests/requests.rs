//! Data-subject requests on the five example policies: one scenario per
//! promise of PROMISES.md about requests, deadlines, limits, verification,
//! agents, parents and denials, and the properties that hold for every
//! request.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use vow_dsr::request::{
    Actor, ActorKind, Agent, AgentKind, AppealTo, Arrival, Basis, DenialReason, Guardianship,
    NewRequest, Request, RequestKind, RequestState, Shortfall, Transition, due, laws_in, replay,
};
use vow_policy::{AgentProof, IntakeChannel, Law, Policy, VerificationMethod, law};

const EXAMPLES: [&str; 5] = [
    "edtech-classroom",
    "dev-agency",
    "kids-coding-franchise",
    "course-shop",
    "iot-platform",
];

fn load(name: &str) -> Policy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    vow_policy::check(&path, &text)
        .expect("example checks")
        .policy
}

/// The five examples, checked once for the whole run.
fn examples() -> &'static [Policy] {
    static ALL: std::sync::OnceLock<Vec<Policy>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| EXAMPLES.iter().map(|n| load(n)).collect())
}

fn example(name: &str) -> &'static Policy {
    let i = EXAMPLES
        .iter()
        .position(|n| *n == name)
        .expect("an example");
    &examples()[i]
}

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).unwrap()
}

fn subject() -> Actor {
    Actor::new(ActorKind::Subject, "s-1")
}

fn staff() -> Actor {
    Actor::new(ActorKind::Staff, "privacy-team")
}

fn asked(kind: RequestKind, jurisdiction: &str) -> NewRequest {
    NewRequest {
        id: "r-1".into(),
        kind,
        subject: "s-1".into(),
        jurisdiction: jurisdiction.into(),
        agent: None,
        guardianship: Guardianship::default(),
        arrival: None,
    }
}

fn receive(policy: &str, new: NewRequest, at: DateTime<Utc>) -> Request {
    Request::receive(example(policy), new, at, &[], &[], subject())
}

fn check(r: &mut Request, method: VerificationMethod, at: DateTime<Utc>) {
    r.apply(Transition::IdentityChecked { method }, at, subject())
        .expect("the check is accepted");
}

/// EDU-13: access, change and delete within 30 days — the organisation's
/// own deadline, in the UK (where it is shorter than the GDPR's month in
/// most months) and in the US (where no law sets one).
#[test]
fn edu_13_requests_are_answered_within_30_days() {
    for kind in [
        RequestKind::Access,
        RequestKind::Rectification,
        RequestKind::Erasure,
    ] {
        for jurisdiction in ["GB", "US", "FR"] {
            let r = receive(
                "edtech-classroom",
                asked(kind.clone(), jurisdiction),
                utc(2026, 7, 1),
            );
            let d = r.deadline.as_ref().expect("granted");
            assert_eq!(d.due, utc(2026, 7, 31), "{kind} in {jurisdiction}");
            assert!(
                matches!(&d.basis, Basis::Policy { promises } if promises.iter().any(|p| p.as_str() == "EDU-13"))
            );
            assert_eq!(d.extended_due, None);
        }
    }
}

/// KIDS-14: each GDPR right is a request type in the UK and the EEA,
/// answered within one month (extendable by two), after the identity is
/// verified; a denial tells of the complaint to an authority.
#[test]
fn kids_14_gdpr_rights_are_requests_verified_first() {
    let kinds = [
        RequestKind::Access,
        RequestKind::Rectification,
        RequestKind::Erasure,
        RequestKind::Restriction,
        RequestKind::Objection { purpose: None },
        RequestKind::Portability,
    ];
    for kind in kinds {
        for (jurisdiction, body) in [
            ("GB", "Information Commissioner's Office"),
            ("IE", "supervisory authority"),
        ] {
            let mut r = receive(
                "kids-coding-franchise",
                asked(kind.clone(), jurisdiction),
                utc(2026, 1, 15),
            );
            let d = r.deadline.clone().expect("granted");
            assert_eq!(d.due, utc(2026, 2, 15));
            assert_eq!(d.extended_due, Some(utc(2026, 4, 15)));
            assert!(
                r.apply(Transition::Completed, utc(2026, 1, 16), staff())
                    .is_err()
            );
            check(&mut r, VerificationMethod::EmailOnFile, utc(2026, 1, 16));
            r.apply(Transition::Completed, utc(2026, 1, 17), staff())
                .unwrap();
            let appeal = r.appeal.as_ref().expect("a complaint is stated");
            assert_eq!(appeal.to, AppealTo::Authority);
            assert!(appeal.body.contains(body), "{}", appeal.body);
        }
    }
}

/// KIDS-15: in California, the right to know within 45 days (plus 45), at
/// most twice in 12 months: a third request is refused with the date it
/// becomes possible; deletion is a request too.
#[test]
fn kids_15_a_third_right_to_know_within_12_months_is_refused_with_the_date() {
    let kids = example("kids-coding-franchise");
    let mut previous: Vec<Request> = Vec::new();
    for (i, at) in [utc(2026, 2, 1), utc(2026, 8, 1)].into_iter().enumerate() {
        let mut new = asked(RequestKind::RightToKnow, "US-CA");
        new.id = format!("r-{i}");
        let mut r = Request::receive(kids, new, at, &[], &previous, subject());
        let d = r.deadline.clone().expect("granted");
        assert_eq!(d.due, at + TimeDelta::days(45));
        assert_eq!(d.extended_due, Some(at + TimeDelta::days(90)));
        check(&mut r, VerificationMethod::MatchRecords, at);
        check(&mut r, VerificationMethod::EmailOnFile, at);
        r.apply(Transition::Completed, at + TimeDelta::days(3), staff())
            .unwrap();
        previous.push(r);
    }
    let third = Request::receive(
        kids,
        asked(RequestKind::RightToKnow, "US-CA"),
        utc(2026, 12, 1),
        &[],
        &previous,
        subject(),
    );
    let RequestState::Denied {
        reason: DenialReason::LimitReached { detail },
        ..
    } = &third.state
    else {
        panic!("the third is refused: {:?}", third.state);
    };
    assert_eq!(detail.next_possible, utc(2027, 2, 1));
    assert!(third.state.outcome() == vow_dsr::request::Outcome::Denied);
    // The refusal does not count: on 1 February 2027 a request is taken.
    let mut all = previous.clone();
    all.push(third);
    let fourth = Request::receive(
        kids,
        asked(RequestKind::RightToKnow, "US-CA"),
        utc(2027, 2, 1),
        &[],
        &all,
        subject(),
    );
    assert_eq!(fourth.state, RequestState::Received);
    // Deletion has no limit.
    let erasure = Request::receive(
        kids,
        asked(RequestKind::Erasure, "US-CA"),
        utc(2026, 12, 1),
        &[],
        &all,
        subject(),
    );
    assert_eq!(erasure.state, RequestState::Received);
}

/// KIDS-16: identity is verified by matching what is on file *and* a code
/// to a channel already on file; neither alone verifies.
#[test]
fn kids_16_records_matched_and_a_code_to_the_channel_on_file() {
    let mut r = receive(
        "kids-coding-franchise",
        asked(RequestKind::Erasure, "US-CA"),
        utc(2026, 5, 4),
    );
    check(&mut r, VerificationMethod::EmailOnFile, utc(2026, 5, 4));
    assert_eq!(r.state, RequestState::VerificationPending);
    assert!(
        r.apply(Transition::Started, utc(2026, 5, 4), staff())
            .is_err()
    );
    check(&mut r, VerificationMethod::MatchRecords, utc(2026, 5, 5));
    assert_eq!(r.state, RequestState::Verified);
}

/// KIDS-17: an authorised agent may act for a Californian, with proof, and
/// the subject confirms; without proof the request is denied.
#[test]
fn kids_17_an_authorised_agent_acts_with_proof_and_the_subject_confirms() {
    let mut new = asked(RequestKind::RightToKnow, "US-CA");
    new.agent = Some(Agent {
        kind: AgentKind::AuthorisedAgent,
        id: "agent-9".into(),
        proof: vec![],
    });
    let refused = receive("kids-coding-franchise", new.clone(), utc(2026, 5, 4));
    assert!(matches!(
        &refused.state,
        RequestState::Denied {
            reason: DenialReason::AgentRefused { .. },
            ..
        }
    ));
    new.agent.as_mut().unwrap().proof = vec![AgentProof::RegisteredBusiness];
    let mut r = receive("kids-coding-franchise", new, utc(2026, 5, 4));
    assert!(r.subject_confirms);
    check(&mut r, VerificationMethod::MatchRecords, utc(2026, 5, 4));
    check(&mut r, VerificationMethod::EmailOnFile, utc(2026, 5, 4));
    assert!(
        r.apply(Transition::Completed, utc(2026, 5, 5), staff())
            .is_err()
    );
    r.apply(Transition::SubjectConfirmed, utc(2026, 5, 5), subject())
        .unwrap();
    r.apply(Transition::Completed, utc(2026, 5, 6), staff())
        .unwrap();
    // No agent rule for the UK: an agent may not make a GDPR request there.
    let mut gb = asked(RequestKind::Access, "GB");
    gb.agent = Some(Agent {
        kind: AgentKind::AuthorisedAgent,
        id: "agent-9".into(),
        proof: vec![AgentProof::SignedPermission],
    });
    let r = receive("kids-coding-franchise", gb, utc(2026, 5, 4));
    assert_eq!(r.status(), "denied");
}

/// KIDS-18: Shine the Light, once per calendar year, only at the given
/// address with the given subject line.
#[test]
fn kids_18_shine_the_light_once_a_year_at_the_given_address() {
    let kids = example("kids-coding-franchise");
    let arrival = |subject_line: &str| Arrival {
        channel: IntakeChannel::Email,
        address: Some("privacy@kidscode.example.com".into()),
        subject_line: Some(subject_line.into()),
    };
    let mut wrong = asked(RequestKind::ShineTheLight, "US-CA");
    wrong.arrival = Some(arrival("Privacy question"));
    let r = Request::receive(kids, wrong, utc(2026, 3, 1), &[], &[], subject());
    assert!(matches!(
        &r.state,
        RequestState::Denied {
            reason: DenialReason::IntakeRefused { .. },
            ..
        }
    ));
    let mut right = asked(RequestKind::ShineTheLight, "US-CA");
    right.arrival = Some(arrival("Request for California Privacy Information"));
    let first = Request::receive(kids, right.clone(), utc(2026, 3, 1), &[], &[], subject());
    assert_eq!(first.state, RequestState::Received);
    assert_eq!(first.due, Some(utc(2026, 3, 31)));
    let second = Request::receive(
        kids,
        right.clone(),
        utc(2026, 11, 1),
        &[],
        std::slice::from_ref(&first),
        subject(),
    );
    let RequestState::Denied {
        reason: DenialReason::LimitReached { detail },
        ..
    } = &second.state
    else {
        panic!("once a year: {:?}", second.state);
    };
    assert_eq!(
        detail.next_possible,
        Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
    );
    let next_year = Request::receive(kids, right, utc(2027, 1, 2), &[], &[first], subject());
    assert_eq!(next_year.state, RequestState::Received);
}

/// KIDS-02, KIDS-03: a parent linked to their child exercises the child's
/// rights; someone who is not linked cannot.
#[test]
fn kids_02_a_parent_exercises_their_childs_rights() {
    let parent = Agent {
        kind: AgentKind::Parent,
        id: "parent-3".into(),
        proof: vec![],
    };
    let mut new = asked(RequestKind::Erasure, "GB");
    new.agent = Some(parent);
    new.guardianship = Guardianship {
        linked: true,
        subject_kind: Some(vow_policy::ElementId::parse("child").unwrap()),
    };
    let r = receive("kids-coding-franchise", new.clone(), utc(2026, 4, 1));
    assert_eq!(r.state, RequestState::Received);
    assert!(!r.subject_confirms, "a child is not asked to confirm");
    new.guardianship.linked = false;
    let r = receive("kids-coding-franchise", new, utc(2026, 4, 1));
    assert!(matches!(
        &r.state,
        RequestState::Denied {
            reason: DenialReason::AgentRefused { .. },
            ..
        }
    ));
}

/// SHOP-09: access, correction and deletion by e-mail or letter; staff
/// open a request received by post. In France: one month, no extension
/// promised; a denial names the supervisory authority.
#[test]
fn shop_09_staff_open_a_request_received_by_post() {
    let shop = example("course-shop");
    let mut new = asked(RequestKind::Rectification, "FR");
    new.arrival = Some(Arrival {
        channel: IntakeChannel::Post,
        address: Some("10 rue de l'Exemple, 75016 Paris".into()),
        subject_line: None,
    });
    let mut r = Request::receive(shop, new, utc(2026, 1, 31), &[], &[], staff());
    assert_eq!(r.history[0].actor.kind, ActorKind::Staff);
    assert_eq!(r.due, Some(utc(2026, 2, 28)));
    assert_eq!(r.deadline.as_ref().unwrap().extended_due, None);
    // Opened by staff, the subject is still verified before an answer.
    assert!(
        r.apply(Transition::Completed, utc(2026, 2, 1), staff())
            .is_err()
    );
    check(&mut r, VerificationMethod::EmailOnFile, utc(2026, 2, 2));
    r.apply(Transition::Completed, utc(2026, 2, 3), staff())
        .unwrap();
}

/// IOT-12: anyone can ask for everything stored and for its deletion; the
/// policy's 30 days applies in California (CCPA: 45) and in Canada
/// (PIPEDA: 30, the same).
#[test]
fn iot_12_access_and_erasure_within_the_policys_30_days() {
    for (jurisdiction, law) in [("US-CA", Law::Ccpa), ("CA", Law::Pipeda)] {
        for kind in [RequestKind::Access, RequestKind::Erasure] {
            let d = due(
                example("iot-platform"),
                &kind,
                jurisdiction,
                utc(2026, 2, 1),
                &[],
            )
            .unwrap();
            assert_eq!(d.due, utc(2026, 3, 3), "{kind} in {jurisdiction}");
            assert!(matches!(d.basis, Basis::Policy { .. }));
            if kind == RequestKind::Access {
                assert_eq!(d.statutory.as_ref().map(|s| s.law), Some(law));
            }
        }
    }
}

/// AGENCY-10, AGENCY-11: access and export for a registered user; erasure
/// that keeps what the law or the account needs says what and why.
#[test]
fn agency_11_a_partial_erasure_says_what_was_kept_and_why() {
    let mut r = receive(
        "dev-agency",
        asked(RequestKind::Erasure, "DE"),
        utc(2026, 6, 1),
    );
    assert_eq!(r.due, Some(utc(2026, 7, 1)));
    check(&mut r, VerificationMethod::Account, utc(2026, 6, 1));
    r.apply(Transition::Started, utc(2026, 6, 2), Actor::system())
        .unwrap();
    r.apply(
        Transition::PartiallyCompleted {
            reasons: vec![Shortfall {
                what: "user.contact.email".into(),
                why: "The e-mail address of an active customer, which the account needs.".into(),
            }],
        },
        utc(2026, 6, 3),
        Actor::system(),
    )
    .unwrap();
    assert_eq!(r.status(), "partially_completed");
    for kind in [RequestKind::Access, RequestKind::Portability] {
        let r = receive("dev-agency", asked(kind, "UA"), utc(2026, 6, 1));
        assert_eq!(r.due, Some(utc(2026, 7, 1)));
    }
}

/// "Every request has a deadline … and is never silently late": an open
/// request past its due date is overdue, and one answered late says by how much.
#[test]
fn every_request_is_never_silently_late() {
    for policy in EXAMPLES {
        let mut r = receive(policy, asked(RequestKind::Access, "US"), utc(2026, 1, 1));
        if r.status() == "denied" {
            continue;
        }
        let due = r.due.expect("a granted request has a deadline");
        assert!(!r.overdue(due));
        assert!(r.overdue(due + TimeDelta::minutes(1)));
        check(&mut r, VerificationMethod::EmailOnFile, utc(2026, 1, 1));
        r.apply(Transition::Completed, due + TimeDelta::days(2), staff())
            .unwrap();
        assert!(!r.overdue(due + TimeDelta::days(30)));
        assert_eq!(
            r.lateness(due + TimeDelta::days(30)),
            Some(TimeDelta::days(2))
        );
    }
}

// ---- properties -------------------------------------------------------------

const JURISDICTIONS: [&str; 13] = [
    "GB", "FR", "DE", "NO", "IE", "US", "US-CA", "US-VA", "CA", "UA", "JP", "EU", "EEA",
];

fn kind() -> impl Strategy<Value = RequestKind> {
    prop_oneof![
        Just(RequestKind::Access),
        Just(RequestKind::Portability),
        Just(RequestKind::Erasure),
        Just(RequestKind::Rectification),
        Just(RequestKind::Restriction),
        Just(RequestKind::Objection { purpose: None }),
        Just(RequestKind::RightToKnow),
        Just(RequestKind::ShineTheLight),
    ]
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2024-01-01 to about 2030.
    (1_704_067_200i64..1_900_000_000).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

fn date_after(
    start: DateTime<Utc>,
    d: &vow_policy::Duration,
    ext: Option<&vow_policy::Duration>,
) -> NaiveDate {
    let mut day = d.after(start.date_naive(), &[]);
    if let Some(ext) = ext {
        day = ext.after(day, &[]);
    }
    day
}

fn method() -> impl Strategy<Value = VerificationMethod> {
    prop_oneof![
        Just(VerificationMethod::Account),
        Just(VerificationMethod::EmailOnFile),
        Just(VerificationMethod::PhoneOnFile),
        Just(VerificationMethod::MatchRecords),
        Just(VerificationMethod::IdentityDocument),
        Just(VerificationMethod::SignedDeclaration),
    ]
}

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        Just(subject()),
        Just(staff()),
        Just(Actor::system()),
        Just(Actor::new(ActorKind::Agent, "agent-1")),
    ]
}

/// A transition, at some hours after the last, with dates relative to `received`.
fn transition() -> impl Strategy<Value = (u32, Actor, Transition)> {
    let t = prop_oneof![
        method().prop_map(|method| Transition::VerificationStarted { method }),
        method().prop_map(|method| Transition::IdentityChecked { method }),
        method().prop_map(|method| Transition::IdentityChecked { method }),
        Just(Transition::SubjectConfirmed),
        Just(Transition::Started),
        (1u32..400).prop_map(|h| Transition::Waiting {
            dataset: "orders".into(),
            retry_at: utc(2026, 3, 1) + TimeDelta::hours(i64::from(h) * 24),
        }),
        Just(Transition::Resumed),
        ((1u32..200), any::<bool>()).prop_map(|(days, told)| Transition::Extended {
            reason: "complex".into(),
            new_due: utc(2026, 3, 1) + TimeDelta::days(i64::from(days)),
            subject_told: told,
        }),
        Just(Transition::Completed),
        Just(Transition::PartiallyCompleted {
            reasons: vec![Shortfall {
                what: "logs".into(),
                why: "a legal hold".into()
            }]
        }),
        Just(Transition::Withdrawn),
        Just(Transition::Denied {
            reason: DenialReason::IdentityNotVerified,
            appeal: None
        }),
    ];
    (0u32..240, actor(), t)
}

fn agent() -> impl Strategy<Value = Option<Agent>> {
    prop_oneof![
        Just(None),
        Just(Some(Agent {
            kind: AgentKind::AuthorisedAgent,
            id: "agent-1".into(),
            proof: vec![AgentProof::SignedPermission],
        })),
        Just(Some(Agent {
            kind: AgentKind::Parent,
            id: "parent-1".into(),
            proof: vec![],
        })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The due date is never later than the law's nor the policy's, and the
    /// latest extension never later than either allows (EDU-13, KIDS-14, KIDS-15).
    #[test]
    fn the_due_date_is_never_later_than_the_laws_nor_the_policys(
        p in 0usize..5,
        kind in kind(),
        j in 0usize..JURISDICTIONS.len(),
        received in instant(),
    ) {
        let policy = &examples()[p];
        let jurisdiction = JURISDICTIONS[j];
        let Ok(d) = due(policy, &kind, jurisdiction, received, &[]) else {
            // Not granted: no right of this kind applies there.
            prop_assert!(!policy.rights.iter().any(|r| r.right == kind.right() && r.applies_in(jurisdiction)));
            return Ok(());
        };
        prop_assert!(d.due >= received);
        for right in policy.rights.iter().filter(|r| r.right == kind.right() && r.applies_in(jurisdiction)) {
            prop_assert!(d.due.date_naive() <= date_after(received, &right.deadline, None));
            if let Some(latest) = d.extended_due {
                prop_assert!(latest.date_naive() <= date_after(received, &right.deadline, right.extension.as_ref()));
            }
        }
        for l in laws_in(policy, jurisdiction) {
            if let Some(s) = law::statutory_deadline(l, kind.right()) {
                prop_assert!(d.due.date_naive() <= date_after(received, &s.deadline, None));
                if let Some(latest) = d.extended_due {
                    prop_assert!(latest.date_naive() <= date_after(received, &s.deadline, s.extension.as_ref()));
                }
            }
        }
        if let Some(latest) = d.extended_due {
            prop_assert!(latest > d.due);
        }
    }

    /// A request is never reported completed (or partially) without being
    /// verified, nor an agent's without the subject's confirmation where the
    /// rule asks for it (KIDS-14, KIDS-17); a refused transition changes
    /// nothing; the due date only moves within the longest allowed; and
    /// replaying the steps gives the live request back.
    #[test]
    fn a_request_is_never_completed_unverified_and_replays_to_itself(
        p in 0usize..5,
        kind in kind(),
        j in 0usize..JURISDICTIONS.len(),
        agent in agent(),
        steps in prop::collection::vec(transition(), 0..24),
    ) {
        let policy = &examples()[p];
        let mut new = asked(kind, JURISDICTIONS[j]);
        new.agent = agent;
        new.guardianship.linked = true;
        let mut r = Request::receive(policy, new, utc(2026, 3, 1), &[], &[], subject());
        let mut at = r.received;
        for (hours, actor, transition) in steps {
            at += TimeDelta::hours(i64::from(hours));
            let before = r.clone();
            if r.apply(transition, at, actor).is_err() {
                prop_assert_eq!(&r, &before);
            }
            if r.state.is_answered() {
                prop_assert!(r.verified());
                prop_assert!(!r.subject_confirms || r.subject_confirmed);
            }
            if let (Some(due), Some(d)) = (r.due, &r.deadline) {
                prop_assert!(due == d.due || d.extended_due.is_some_and(|latest| due <= latest));
            }
        }
        let rebuilt = replay(&r.history).expect("the steps replay");
        prop_assert_eq!(&rebuilt, &r);
        let json = serde_json::to_string(&r.history).expect("steps serialise");
        let steps: Vec<vow_dsr::request::Step> = serde_json::from_str(&json).expect("and parse back");
        prop_assert_eq!(replay(&steps).expect("the parsed steps replay"), r);
    }

    /// However the earlier requests fall, a refusal's date is when the next
    /// request is taken, and not a moment before (KIDS-15, KIDS-18).
    #[test]
    fn a_refusal_gives_the_first_date_a_request_is_possible(
        offsets in prop::collection::vec(0i64..800, 0..6),
        at_offset in 0i64..900,
        yearly in any::<bool>(),
    ) {
        let kids = example("kids-coding-franchise");
        let (kind, jurisdiction) = if yearly {
            (RequestKind::ShineTheLight, "US-CA")
        } else {
            (RequestKind::RightToKnow, "US-CA")
        };
        let start = utc(2026, 1, 1);
        let grant = vow_dsr::request::grant(kids, &kind, jurisdiction, start.date_naive()).unwrap();
        // Only requests before the new one: later ones would change the answer.
        let earlier: Vec<vow_dsr::request::Earlier> = offsets
            .iter()
            .filter(|d| **d <= at_offset)
            .map(|d| vow_dsr::request::Earlier {
                received: start + TimeDelta::days(*d),
                outcome: vow_dsr::request::Outcome::Answered,
            })
            .collect();
        let at = start + TimeDelta::days(at_offset);
        if let Err(reached) = vow_dsr::request::limit::check_grant(&grant, &earlier, at) {
            prop_assert!(reached.next_possible > at);
            prop_assert!(vow_dsr::request::limit::check_grant(&grant, &earlier, reached.next_possible).is_ok());
            prop_assert!(vow_dsr::request::limit::check_grant(&grant, &earlier, reached.next_possible - TimeDelta::seconds(1)).is_err());
        }
    }
}

/// The worked examples of `docs/requests.md`, received Monday 2 March 2026 at 09:30 UTC.
#[test]
fn the_worked_examples_of_the_docs_hold() {
    let at = utc(2026, 3, 2);
    // (policy, kind, jurisdiction, due, latest extension, basis)
    type Case = (
        &'static str,
        RequestKind,
        &'static str,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        &'static str,
    );
    let cases: [Case; 7] = [
        (
            "edtech-classroom",
            RequestKind::Access,
            "GB",
            utc(2026, 4, 1),
            None,
            "the policy (EDU-13)",
        ),
        (
            "dev-agency",
            RequestKind::Erasure,
            "FR",
            utc(2026, 4, 2),
            None,
            "the policy (AGENCY-11)",
        ),
        (
            "dev-agency",
            RequestKind::Access,
            "UA",
            utc(2026, 4, 1),
            None,
            "the Law of Ukraine on Personal Data Protection (Law of Ukraine No. 2297-VI, Art. 16 (no deferral for one's own data: Art. 17))",
        ),
        (
            "kids-coding-franchise",
            RequestKind::RightToKnow,
            "US-CA",
            utc(2026, 4, 16),
            Some(utc(2026, 5, 31)),
            "the policy (KIDS-15, KIDS-16, KIDS-17)",
        ),
        (
            "course-shop",
            RequestKind::Access,
            "FR",
            utc(2026, 4, 2),
            None,
            "the policy (SHOP-09)",
        ),
        (
            "iot-platform",
            RequestKind::Access,
            "CA",
            utc(2026, 4, 1),
            None,
            "the policy (IOT-12)",
        ),
        (
            "iot-platform",
            RequestKind::Access,
            "US-CA",
            utc(2026, 4, 1),
            None,
            "the policy (IOT-12)",
        ),
    ];
    for (policy, kind, jurisdiction, due_on, extended, basis) in cases {
        let d = due(example(policy), &kind, jurisdiction, at, &[]).unwrap();
        assert_eq!(d.due, due_on, "{policy} {kind} {jurisdiction}");
        assert_eq!(d.extended_due, extended, "{policy} {kind} {jurisdiction}");
        assert_eq!(d.basis.to_string(), basis, "{policy} {kind} {jurisdiction}");
    }
    // The law where a month is shorter than 30 days (received 1 February).
    let d = due(
        example("edtech-classroom"),
        &RequestKind::Access,
        "GB",
        utc(2026, 2, 1),
        &[],
    )
    .unwrap();
    assert_eq!(d.due, utc(2026, 3, 1));
    assert_eq!(
        d.basis.to_string(),
        "the UK GDPR (UK GDPR Art. 12(3), Art. 12A)"
    );
    // The law asks Californian and Ukrainian requests to be acknowledged
    // within 10 business days: by Monday 16 March.
    for (policy, kind, j) in [
        ("kids-coding-franchise", RequestKind::RightToKnow, "US-CA"),
        ("dev-agency", RequestKind::Access, "UA"),
    ] {
        let d = due(example(policy), &kind, j, at, &[]).unwrap();
        let ack = d.acknowledge.expect("an acknowledgement is owed");
        assert_eq!(ack.by, utc(2026, 3, 16), "{policy} {j}");
    }
    // The law grants what the edtech policy leaves out (UK GDPR Art. 18, 20).
    for kind in [RequestKind::Restriction, RequestKind::Portability] {
        let d = due(example("edtech-classroom"), &kind, "GB", at, &[]).unwrap();
        assert_eq!(d.due, utc(2026, 4, 2), "{kind}");
    }
    // The appeals stated on denial.
    let appeal = |policy: &str, j: &str| {
        receive(policy, asked(RequestKind::Access, j), at)
            .appeal
            .map(|a| a.to_string())
    };
    assert_eq!(
        appeal("edtech-classroom", "GB").as_deref(),
        Some(
            "you may lodge a complaint with the Information Commissioner's Office and seek a \
             judicial remedy (UK GDPR Art. 12(4), 77, 79)"
        )
    );
    assert_eq!(appeal("kids-coding-franchise", "US-CA"), None);
    assert_eq!(appeal("dev-agency", "UA"), None);
    assert_eq!(
        appeal("iot-platform", "CA").as_deref(),
        Some(
            "you may lodge a complaint with the Privacy Commissioner of Canada (PIPEDA s. 8(7), 11)"
        )
    );
    assert!(
        appeal("edtech-classroom", "US-VA")
            .is_some_and(|a| a.contains("Attorney General of Virginia"))
    );
}
