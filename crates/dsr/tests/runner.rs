//! Requests run end to end by the desk: against sample databases, with
//! every step in the ledger, tasks persisted per dataset, a database that
//! is down making the request wait and retry, and restriction, objection
//! and rectification changing what is stored and what the engine allows.

mod common;

use std::path::Path;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use vow_dsr::Database;
use vow_dsr::dataset::{ConnectionSpec, Dataset};
use vow_dsr::request::{
    Actor, ActorKind, Guardianship, NewRequest, RequestKind, RequestState, Transition,
};
use vow_dsr::runner::{
    Backoff, Case, Change, Desk, Names, Opening, Outcome, Quiet, Target, TaskState,
};
use vow_policy::{Policy, VerificationMethod};
use vow_store::{Event, EventKind, EventSource, LedgerKey, RequestQuery, SqliteStore, Store};

const HASH_KEY: &[u8] = b"test hash key, 32 bytes at least";

fn policy() -> Policy {
    let path = format!(
        "{}/../../examples/kids-coding-franchise/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    vow_policy::check(&path, &text).expect("checks").policy
}

fn utc(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

/// A dataset file of the tests, reading its URL from a secrets file in `dir`.
fn target(name: &str, url: &str, dir: &Path) -> Target {
    let path = format!("{}/tests/datasets/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("dataset file");
    let mut dataset: Dataset = vow_dsr::dataset::parse(&path, &text)
        .unwrap_or_else(|r| panic!("{}", r.render(false)))
        .0;
    let secrets = format!("{name}.url");
    std::fs::write(dir.join(&secrets), format!("{url}\n")).unwrap();
    dataset.connection = ConnectionSpec {
        url_env: None,
        secrets_file: Some(secrets.into()),
        engine: None,
    };
    Target {
        dataset,
        base: dir.to_owned(),
    }
}

struct Fixture {
    store: SqliteStore,
    policy: Policy,
    dir: tempfile::TempDir,
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let key = LedgerKey::from_hex(&"4b".repeat(32)).unwrap();
        let store = SqliteStore::open(&dir.path().join("vow.db"), key)
            .await
            .unwrap();
        Fixture {
            store,
            policy: policy(),
            dir,
        }
    }

    fn desk<'a>(&'a self, targets: &'a [Target]) -> Desk<'a, SqliteStore> {
        Desk {
            store: &self.store,
            policy: &self.policy,
            targets,
            hash_key: HASH_KEY,
            backoff: Backoff::default(),
            channel: "test",
            watch: &Quiet,
        }
    }
}

fn opening(id: &str, kind: RequestKind, subject: &str, jurisdiction: &str) -> Opening {
    Opening {
        new: NewRequest {
            id: id.into(),
            kind,
            subject: subject.into(),
            jurisdiction: jurisdiction.into(),
            agent: None,
            guardianship: Guardianship::default(),
            arrival: None,
        },
        names: Names::default(),
        changes: Vec::new(),
        actor: Actor::new(ActorKind::Subject, subject),
        holidays: Vec::new(),
    }
}

fn staff() -> Actor {
    Actor::new(ActorKind::Staff, "privacy-team")
}

async fn scalar(db: &Database, sql: &str) -> i64 {
    match db {
        Database::Postgres(p) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
        }
        Database::Mysql(p) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
        }
        Database::Sqlite(p) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
        }
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The request's ledger events, in order.
async fn request_events(store: &SqliteStore, subject: &str, id: &str) -> Vec<Event> {
    store
        .subject_events(subject, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| matches!(&e.kind, EventKind::Request { request, .. } if request == id))
        .collect()
}

/// KIDS-14: an erasure, verified first, runs in every dataset (Pagila on
/// PostgreSQL and Chinook on SQLite hold the same person), keeps the held
/// invoices detached and says so as a partial answer, and every step is a
/// ledger event that replays to the request as stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_runs_in_every_dataset_and_every_step_is_in_the_ledger() {
    let fx = Fixture::new().await;
    let pagila = common::pagila_postgres();
    let chinook = common::chinook_sqlite();
    let email = "MARY.SMITH@sakilacustomer.org";
    let chinook_db = Database::connect(&chinook.url).await.unwrap();
    common::execute(
        &chinook_db,
        &format!("UPDATE Customer SET Email = '{email}' WHERE CustomerId = 1"),
    )
    .await;
    common::execute(&chinook_db, "INSERT INTO Customer (CustomerId, FirstName, LastName, Email) VALUES (0, 'ERASED', 'ERASED', 'erased@invalid.example')").await;
    // The placeholders Pagila's held payments are re-attached to.
    let pagila_db = Database::connect(&pagila.url).await.unwrap();
    common::execute(&pagila_db, "INSERT INTO customer (customer_id, store_id, first_name, last_name, address_id, active) VALUES (0, 1, 'ERASED', 'ERASED', 1, 0)").await;
    common::execute(&pagila_db, "INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, staff_id) VALUES (0, '2000-01-01', 1, 0, 1)").await;
    let targets = [
        target("pagila", &pagila.url, fx.dir.path()),
        target("chinook", &chinook.url, fx.dir.path()),
    ];
    let desk = fx.desk(&targets);

    let case = desk
        .create(
            opening("req-1", RequestKind::Erasure, email, "GB"),
            utc(2, 9),
        )
        .await
        .unwrap();
    assert_eq!(case.request.state, RequestState::Received);
    assert_eq!(case.tasks.len(), 2);
    // Not verified: running does nothing.
    let case = desk.run("req-1", utc(2, 10)).await.unwrap();
    assert_eq!(case.request.state, RequestState::Received);
    assert!(case.tasks.iter().all(|t| t.state == TaskState::Pending));

    desk.checked(
        "req-1",
        VerificationMethod::EmailOnFile,
        staff(),
        utc(2, 11),
    )
    .await
    .unwrap();
    let case = desk.run("req-1", utc(2, 12)).await.unwrap();
    let RequestState::PartiallyCompleted { reasons } = &case.request.state else {
        panic!("{:?} {:?}", case.request.state, case.tasks)
    };
    assert!(
        reasons
            .iter()
            .any(|r| r.what.contains("Invoice") && r.why.contains("ten years")),
        "{reasons:?}"
    );
    for task in &case.tasks {
        assert_eq!(task.state, TaskState::Done { at: utc(2, 12) }, "{task:?}");
        assert_eq!(task.attempts, 1);
        let Some(Outcome::Erased(erasure)) = &task.outcome else {
            panic!("{task:?}")
        };
        assert!(erasure.verified());
        assert_eq!(erasure.subjects, 1);
    }
    assert_eq!(
        scalar(
            &pagila_db,
            &format!("SELECT COUNT(*) FROM customer WHERE email = '{email}'")
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &chinook_db,
            "SELECT COUNT(*) FROM Customer WHERE CustomerId = 1"
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &chinook_db,
            "SELECT COUNT(*) FROM Invoice WHERE CustomerId = 1"
        )
        .await,
        0
    );

    // The ledger holds each step, in order, and replays to the request.
    let events = request_events(&fx.store, email, "req-1").await;
    let statuses: Vec<String> = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Request { status, .. } => status.clone(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        statuses,
        ["received", "verified", "in_progress", "partially_completed"]
    );
    let steps: Vec<vow_dsr::request::Step> = events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Request { detail, .. } => {
                serde_json::from_value(detail["step"].clone()).unwrap()
            }
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(vow_dsr::request::replay(&steps).unwrap(), case.request);
    assert_eq!(events[0].actor.kind, vow_store::ActorKind::Subject);
    assert_eq!(events[1].actor.id, "privacy-team");
    // The last event proves what was done, with counts and no values.
    let EventKind::Request { detail, .. } = &events[3].kind else {
        unreachable!()
    };
    assert_eq!(detail["tasks"].as_array().unwrap().len(), 2);
    assert!(!detail.to_string().contains("MARY"), "{detail}");
    assert!(fx.store.verify().await.unwrap().intact());

    // Stored once, closed, and nothing is left to run.
    let record = fx.store.request("req-1").await.unwrap().unwrap();
    assert_eq!(record.status, "partially_completed");
    assert_eq!(record.next_run_at, None);
    let again = desk.run("req-1", utc(3, 9)).await.unwrap();
    assert_eq!(again.request, case.request);
    assert_eq!(request_events(&fx.store, email, "req-1").await.len(), 4);
    fx.store.close().await;
}

/// A database that cannot be reached makes the request wait, visibly,
/// with backoff; it is never reported as done, and it completes once the
/// database is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_is_down_makes_the_request_wait_and_retry() {
    let fx = Fixture::new().await;
    let chinook = common::chinook_sqlite();
    let missing = format!("sqlite://{}", fx.dir.path().join("not-there.db").display());
    let targets = [target("chinook", &missing, fx.dir.path())];
    let desk = fx.desk(&targets);
    let email = "luisg@embraer.com.br";
    desk.create(
        opening("req-2", RequestKind::Access, email, "GB"),
        utc(2, 9),
    )
    .await
    .unwrap();
    desk.checked("req-2", VerificationMethod::Account, staff(), utc(2, 9))
        .await
        .unwrap();

    let case = desk.run("req-2", utc(2, 10)).await.unwrap();
    let retry = utc(2, 10) + TimeDelta::seconds(30);
    assert_eq!(
        case.request.state,
        RequestState::Waiting {
            dataset: "chinook".into(),
            retry_at: retry
        }
    );
    let task = &case.tasks[0];
    assert_eq!(task.state, TaskState::Waiting { retry_at: retry });
    assert!(
        task.error.as_deref().unwrap().contains("not-there.db"),
        "{task:?}"
    );
    let record = fx.store.request("req-2").await.unwrap().unwrap();
    assert_eq!(
        (record.status.as_str(), record.next_run_at),
        ("waiting", Some(retry))
    );

    // Not due yet: nothing happens.
    let early = desk
        .run("req-2", utc(2, 10) + TimeDelta::seconds(10))
        .await
        .unwrap();
    assert_eq!(early.tasks[0].attempts, 1);
    // Due, still down: the wait doubles.
    let case = desk.run("req-2", retry).await.unwrap();
    assert_eq!(case.tasks[0].attempts, 2);
    let second = retry + TimeDelta::seconds(60);
    assert_eq!(case.tasks[0].state, TaskState::Waiting { retry_at: second });
    // Runnable lists show it only when due.
    let due = |at| RequestQuery {
        runnable_at: Some(at),
        limit: 10,
        ..Default::default()
    };
    assert!(fx.store.requests(&due(retry)).await.unwrap().is_empty());
    assert_eq!(fx.store.requests(&due(second)).await.unwrap().len(), 1);

    // Back up: the next due run completes it.
    std::fs::write(fx.dir.path().join("chinook.url"), &chinook.url).unwrap();
    let done = desk.run_due(second).await.unwrap();
    assert_eq!(done.len(), 1);
    let case = &done[0];
    assert_eq!(case.request.state, RequestState::Completed);
    assert_eq!(case.tasks[0].attempts, 3);
    assert_eq!(case.tasks[0].error, None);
    let found = case.found();
    assert_eq!(found.len(), 1);
    let customers = found[0]
        .1
        .tables
        .iter()
        .find(|t| t.table == "Customer")
        .unwrap();
    assert_eq!(customers.rows.len(), 1);
    // The history shows the waits and the resumptions.
    let names: Vec<&str> = case
        .request
        .history
        .iter()
        .map(|s| s.transition.name())
        .collect();
    assert_eq!(
        names,
        [
            "received",
            "identity_checked",
            "started",
            "waiting",
            "resumed",
            "waiting",
            "resumed",
            "completed"
        ]
    );
    fx.store.close().await;
}

/// A task that fails at every attempt allowed stops and waits for staff;
/// the request stays open, and `retry` lets it run again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_keeps_failing_waits_for_staff() {
    let fx = Fixture::new().await;
    let missing = format!("sqlite://{}", fx.dir.path().join("gone.db").display());
    let targets = [target("chinook", &missing, fx.dir.path())];
    let mut desk = fx.desk(&targets);
    desk.backoff = Backoff {
        attempts: 2,
        ..Backoff::default()
    };
    desk.create(
        opening("req-3", RequestKind::Access, "a@example.com", "GB"),
        utc(2, 9),
    )
    .await
    .unwrap();
    desk.checked("req-3", VerificationMethod::Account, staff(), utc(2, 9))
        .await
        .unwrap();
    desk.run("req-3", utc(2, 10)).await.unwrap();
    let case = desk.run("req-3", utc(2, 11)).await.unwrap();
    assert_eq!(case.tasks[0].state, TaskState::Failed { at: utc(2, 11) });
    assert_eq!(case.request.state, RequestState::InProgress);
    let case = desk.retry("req-3", utc(2, 12)).await.unwrap();
    assert_eq!(case.tasks[0].state, TaskState::Pending);
    fx.store.close().await;
}

/// KIDS-14: restriction and objection change the subject's state in the
/// ledger, so that the engine denies from then on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restriction_and_objection_make_the_engine_deny() {
    let fx = Fixture::new().await;
    let desk = fx.desk(&[]);
    let subject = "parent@example.com";
    let compiled = vow_engine::compile(&fx.policy);
    let query = |purpose: &'static str, action| vow_engine::Query {
        purpose,
        categories: &["user.contact.email"],
        action,
        ..Default::default()
    };
    let before = fx.store.state(subject).await.unwrap();
    assert!(
        vow_engine::decide(
            &compiled,
            &before,
            &query("provide_services", vow_engine::Action::Use),
            utc(3, 9)
        )
        .allowed
    );

    desk.create(
        opening("req-r", RequestKind::Restriction, subject, "GB"),
        utc(2, 9),
    )
    .await
    .unwrap();
    desk.checked("req-r", VerificationMethod::EmailOnFile, staff(), utc(2, 9))
        .await
        .unwrap();
    let case = desk.run("req-r", utc(2, 10)).await.unwrap();
    assert_eq!(case.request.state, RequestState::Completed);
    let state = fx.store.state(subject).await.unwrap();
    assert!(state.restricted);
    let use_ = vow_engine::decide(
        &compiled,
        &state,
        &query("provide_services", vow_engine::Action::Use),
        utc(3, 9),
    );
    assert!(!use_.allowed);
    let store = vow_engine::decide(
        &compiled,
        &state,
        &query("provide_services", vow_engine::Action::Store),
        utc(3, 9),
    );
    assert!(store.allowed);

    let marketing = fx
        .policy
        .purposes
        .iter()
        .find(|p| p.tags.contains(&vow_policy::PurposeTag::DirectMarketing))
        .expect("a marketing purpose")
        .id
        .clone();
    desk.create(
        opening(
            "req-o",
            RequestKind::Objection {
                purpose: Some(marketing.clone()),
            },
            "other@example.com",
            "GB",
        ),
        utc(2, 9),
    )
    .await
    .unwrap();
    desk.checked("req-o", VerificationMethod::EmailOnFile, staff(), utc(2, 9))
        .await
        .unwrap();
    desk.run("req-o", utc(2, 10)).await.unwrap();
    let state = fx.store.state("other@example.com").await.unwrap();
    let objected = vow_engine::decide(
        &compiled,
        &state,
        &vow_engine::Query {
            purpose: marketing.as_str(),
            categories: &["user.contact.email"],
            ..Default::default()
        },
        utc(3, 9),
    );
    assert!(!objected.allowed);
    assert!(fx.store.verify().await.unwrap().intact());
    fx.store.close().await;
}

/// KIDS-14: rectification sets the named fields and the ledger keeps an
/// audit record of which fields changed, with hashes of the old and new
/// values, never the values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rectification_sets_the_fields_with_an_audit_record() {
    let fx = Fixture::new().await;
    let chinook = common::chinook_sqlite();
    let targets = [target("chinook", &chinook.url, fx.dir.path())];
    let desk = fx.desk(&targets);
    let email = "luisg@embraer.com.br";
    let mut open = opening("req-4", RequestKind::Rectification, email, "GB");
    open.changes = vec![
        Change {
            column: "City".into(),
            value: Some("Curitiba".into()),
            dataset: None,
        },
        Change {
            column: "Fax".into(),
            value: None,
            dataset: None,
        },
    ];
    desk.create(open, utc(2, 9)).await.unwrap();
    desk.checked("req-4", VerificationMethod::Account, staff(), utc(2, 9))
        .await
        .unwrap();
    let case = desk.run("req-4", utc(2, 10)).await.unwrap();
    assert_eq!(case.request.state, RequestState::Completed);
    let Some(Outcome::Rectified(r)) = &case.tasks[0].outcome else {
        panic!("{:?}", case.tasks[0])
    };
    assert_eq!(r.rows, 1);
    use sha2::Digest;
    let sha = |s: &str| hex::encode(sha2::Sha256::digest(s.as_bytes()));
    assert_eq!(r.fields[0].before, [Some(sha("São José dos Campos"))]);
    assert_eq!(r.fields[0].after, Some(sha("Curitiba")));
    assert_eq!(r.fields[1].after, None);
    let db = Database::connect(&chinook.url).await.unwrap();
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM Customer WHERE CustomerId = 1 AND City = 'Curitiba' AND Fax IS NULL").await,
        1
    );
    let events = request_events(&fx.store, email, "req-4").await;
    let last = serde_json::to_string(&events.last().unwrap().kind).unwrap();
    assert!(
        last.contains(&sha("Curitiba")) && !last.contains("Curitiba\""),
        "{last}"
    );
    fx.store.close().await;
}

/// AGENCY-13: a field whose category the policy declares immutable is
/// never rectified: the request is refused when it is opened, naming the
/// field and why, and nothing is recorded; a mutable field still changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agency_13_rectification_of_an_immutable_field_is_refused() {
    let mut fx = Fixture::new().await;
    // The e-mail address is the account's login here: it cannot be changed.
    fx.policy
        .categories
        .iter_mut()
        .find(|c| c.id.as_str() == "user.contact.email")
        .expect("the example declares e-mail addresses")
        .immutable = true;
    let chinook = common::chinook_sqlite();
    let targets = [target("chinook", &chinook.url, fx.dir.path())];
    let desk = fx.desk(&targets);
    let email = "luisg@embraer.com.br";
    let mut open = opening("req-13", RequestKind::Rectification, email, "GB");
    open.changes = vec![
        Change {
            column: "City".into(),
            value: Some("Curitiba".into()),
            dataset: None,
        },
        Change {
            // Compared as the database does, whatever the case.
            column: "email".into(),
            value: Some("luis@example.com".into()),
            dataset: Some("chinook".into()),
        },
    ];
    let refused = desk.create(open.clone(), utc(2, 9)).await.unwrap_err();
    assert!(
        matches!(&refused, vow_dsr::runner::DeskError::Immutable { category, .. } if category == "user.contact.email"),
        "{refused:?}"
    );
    assert_eq!(
        refused.to_string(),
        "`email` cannot be changed: it holds E-mail address (`user.contact.email`), which the privacy policy declares immutable, so no rectification may set it in dataset `chinook`; ask without it (the other fields can still be corrected)"
    );
    assert!(fx.store.request("req-13").await.unwrap().is_none());
    assert!(request_events(&fx.store, email, "req-13").await.is_empty());

    // Without it, the mutable field changes.
    open.changes.truncate(1);
    desk.create(open, utc(2, 9)).await.unwrap();
    desk.checked("req-13", VerificationMethod::Account, staff(), utc(2, 9))
        .await
        .unwrap();
    let case = desk.run("req-13", utc(2, 10)).await.unwrap();
    assert_eq!(case.request.state, RequestState::Completed);
    let db = Database::connect(&chinook.url).await.unwrap();
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM Customer WHERE CustomerId = 1 AND City = 'Curitiba' AND Email = 'luisg@embraer.com.br'").await,
        1
    );
    fx.store.close().await;
}

/// KIDS-15: the right to know lists the categories held, their sources,
/// the purposes, and what was disclosed to whom in the last 12 months,
/// from the ledger's disclosure events (an older one is left out).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_to_know_reports_disclosures_of_the_last_twelve_months() {
    let fx = Fixture::new().await;
    let chinook = common::chinook_sqlite();
    let targets = [target("chinook", &chinook.url, fx.dir.path())];
    let desk = fx.desk(&targets);
    let email = "luisg@embraer.com.br";
    let recipient = fx.policy.recipients[0].id.as_str().to_owned();
    let disclosure = |id: &str, at: DateTime<Utc>, category: &str| Event {
        seq: 0,
        id: id.into(),
        subject: email.into(),
        at,
        actor: vow_store::Actor {
            kind: vow_store::ActorKind::System,
            id: "crm-sync".into(),
        },
        source: EventSource {
            channel: "api".into(),
            ..Default::default()
        },
        policy_version: fx.policy.policy.version.clone(),
        kind: EventKind::DisclosureRecorded {
            recipient: recipient.clone(),
            purpose: "provide_services".into(),
            categories: vec![category.into()],
        },
        prev_hash: String::new(),
        hash: String::new(),
    };
    let old = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap();
    fx.store
        .append_all(vec![
            disclosure("d-old", old, "user.financial"),
            disclosure("d-1", utc(1, 9), "user.contact.email"),
            disclosure("d-2", utc(1, 10), "user.name"),
        ])
        .await
        .unwrap();
    desk.create(
        opening("req-5", RequestKind::RightToKnow, email, "US-CA"),
        utc(2, 9),
    )
    .await
    .unwrap();
    desk.checked(
        "req-5",
        VerificationMethod::MatchRecords,
        staff(),
        utc(2, 9),
    )
    .await
    .unwrap();
    let case: Case = desk
        .checked("req-5", VerificationMethod::EmailOnFile, staff(), utc(2, 9))
        .await
        .unwrap();
    assert_eq!(
        case.request.state,
        RequestState::Verified,
        "{:?}",
        case.request
    );
    let case = desk.run("req-5", utc(2, 10)).await.unwrap();
    assert_eq!(case.request.state, RequestState::Completed);
    let know = case.know.expect("a report");
    assert_eq!(know.disclosures.len(), 1);
    let d = &know.disclosures[0];
    assert_eq!(d.recipient.id, recipient);
    assert_eq!(d.categories, ["user.contact.email", "user.name"]);
    assert_eq!((d.times, d.last), (2, utc(1, 10)));
    assert!(know.categories.iter().any(|c| c.id == "user.contact.email"
        && c.held_in.contains(&"chinook.Customer.Email".to_owned())));
    assert!(know.purposes.iter().any(|p| p.id == "provide_services"));
    assert!(!know.sources.is_empty());
    fx.store.close().await;
}

/// Shine the Light (Cal. Civ. Code § 1798.83): what went last calendar
/// year to third parties for their own direct marketing, from the ledger;
/// not what a processor received, nor this year's, nor the year before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shine_the_light_reports_last_year_s_disclosures_for_direct_marketing() {
    let fx = Fixture::new().await;
    let desk = fx.desk(&[]);
    let email = "luisg@embraer.com.br";
    let disclosure = |id: &str, at: DateTime<Utc>, recipient: &str, purpose: &str| Event {
        seq: 0,
        id: id.into(),
        subject: email.into(),
        at,
        actor: vow_store::Actor {
            kind: vow_store::ActorKind::System,
            id: "crm-sync".into(),
        },
        source: EventSource {
            channel: "api".into(),
            ..Default::default()
        },
        policy_version: fx.policy.policy.version.clone(),
        kind: EventKind::DisclosureRecorded {
            recipient: recipient.into(),
            purpose: purpose.into(),
            categories: vec!["user.contact.email".into()],
        },
        prev_hash: String::new(),
        hash: String::new(),
    };
    let in_2025 = Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).unwrap();
    fx.store
        .append_all(vec![
            // Last year, to a franchisee for its own marketing: reported.
            disclosure("d-1", in_2025, "franchisees", "email_marketing"),
            // Last year, to the mail processor sending ours: not.
            disclosure("d-2", in_2025, "email_provider", "email_marketing"),
            // Last year, to a franchisee to provide the service: not.
            disclosure("d-3", in_2025, "franchisees", "provide_services"),
            // The year before, and this year: not.
            disclosure(
                "d-4",
                Utc.with_ymd_and_hms(2024, 12, 31, 23, 0, 0).unwrap(),
                "franchisees",
                "email_marketing",
            ),
            disclosure("d-5", utc(1, 9), "ad_networks", "third_party_advertising"),
        ])
        .await
        .unwrap();
    let case = desk
        .create(
            opening("req-stl", RequestKind::ShineTheLight, email, "US-CA"),
            utc(2, 9),
        )
        .await
        .unwrap();
    assert!(case.tasks.is_empty(), "the datasets have nothing to add");
    // The law allows 30 days and one answer a calendar year.
    let d = case.request.deadline.as_ref().expect("granted");
    assert_eq!(d.due, utc(2, 9) + chrono::Duration::days(30));
    desk.checked(
        "req-stl",
        VerificationMethod::EmailOnFile,
        staff(),
        utc(2, 9),
    )
    .await
    .unwrap();
    let case = desk.run("req-stl", utc(2, 10)).await.unwrap();
    assert_eq!(case.request.state, RequestState::Completed);
    let know = case.know.expect("an answer");
    assert_eq!(know.scope, vow_dsr::know::KnowScope::ShineTheLight);
    assert_eq!(
        know.since,
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
    );
    let to: Vec<(&str, &str)> = know
        .disclosures
        .iter()
        .map(|d| (d.recipient.id.as_str(), d.purpose.as_str()))
        .collect();
    assert_eq!(to, [("franchisees", "email_marketing")]);
    assert_eq!(know.disclosures[0].recipient.name, "Franchised locations");
    // A second request the same year is refused with the date of the next.
    let again = desk
        .create(
            opening("req-stl-2", RequestKind::ShineTheLight, email, "US-CA"),
            utc(20, 9),
        )
        .await
        .unwrap();
    let RequestState::Denied { reason, .. } = &again.request.state else {
        panic!("{:?}", again.request.state);
    };
    assert!(reason.to_string().contains("2027-01-01"), "{reason}");
    fx.store.close().await;
}

/// Steps a person decides go through the desk too, and are refused when
/// the request's state does not allow them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_request_takes_no_more_steps() {
    let fx = Fixture::new().await;
    let desk = fx.desk(&[]);
    desk.create(
        opening("req-6", RequestKind::Restriction, "x@example.com", "GB"),
        utc(2, 9),
    )
    .await
    .unwrap();
    let case = desk
        .step(
            "req-6",
            Transition::Withdrawn,
            Actor::new(ActorKind::Subject, "x@example.com"),
            utc(2, 10),
        )
        .await
        .unwrap();
    assert_eq!(case.request.state, RequestState::Withdrawn);
    let refused = desk
        .checked(
            "req-6",
            VerificationMethod::EmailOnFile,
            staff(),
            utc(2, 11),
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("closed"), "{refused}");
    let missing = desk.run("nope", utc(2, 11)).await.unwrap_err();
    assert!(
        missing.to_string().contains("vow request list"),
        "{missing}"
    );
    fx.store.close().await;
}

/// KIDS-02: a parent acts for their child only when the ledger links them
/// as the child's guardian; anyone else is refused, with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_acts_for_a_child_only_while_linked_in_the_ledger() {
    use vow_dsr::request::{Agent, AgentKind, AgentRefused, DenialReason};
    let fx = Fixture::new().await;
    let desk = fx.desk(&[]);
    let link = Event {
        seq: 0,
        id: "link-1".into(),
        subject: "child-1".into(),
        at: utc(1, 9),
        actor: vow_store::Actor {
            kind: vow_store::ActorKind::Staff,
            id: "front-desk".into(),
        },
        source: EventSource {
            channel: "form:enrolment".into(),
            ..Default::default()
        },
        policy_version: fx.policy.policy.version.clone(),
        kind: EventKind::GuardianLinked {
            guardian: "parent-1".into(),
            verified: true,
        },
        prev_hash: String::new(),
        hash: String::new(),
    };
    let link_event = link.clone();
    fx.store.append(link).await.unwrap();
    let by = |parent: &str| {
        let mut o = opening("", RequestKind::Restriction, "child-1", "GB");
        o.new.agent = Some(Agent {
            kind: AgentKind::Parent,
            id: parent.into(),
            proof: Vec::new(),
        });
        o.actor = Actor::new(ActorKind::Agent, parent);
        o
    };
    let mut linked = by("parent-1");
    linked.new.id = "req-p1".into();
    let case = desk.create(linked, utc(2, 9)).await.unwrap();
    assert_eq!(
        case.request.state,
        RequestState::Received,
        "{:?}",
        case.request.state
    );

    let mut stranger = by("parent-2");
    stranger.new.id = "req-p2".into();
    let case = desk.create(stranger, utc(2, 9)).await.unwrap();
    let RequestState::Denied { reason, .. } = &case.request.state else {
        panic!("{:?}", case.request.state)
    };
    assert_eq!(
        reason,
        &DenialReason::AgentRefused {
            detail: AgentRefused::NotGuardian
        }
    );

    // Once the link ends, the parent no longer acts for the child.
    let mut ended = link_event.clone();
    ended.id = "link-1-ended".into();
    ended.kind = EventKind::GuardianUnlinked {
        guardian: "parent-1".into(),
    };
    fx.store.append(ended).await.unwrap();
    let mut after = by("parent-1");
    after.new.id = "req-p3".into();
    let case = desk.create(after, utc(3, 9)).await.unwrap();
    assert!(
        matches!(
            &case.request.state,
            RequestState::Denied {
                reason: DenialReason::AgentRefused {
                    detail: AgentRefused::NotGuardian
                },
                ..
            }
        ),
        "{:?}",
        case.request.state
    );
    fx.store.close().await;
}

/// KIDS-16: the code goes by SMTP to the address the organisation's own
/// data holds — a request naming the person by account id gets it at the
/// e-mail of that account — and only that code verifies the request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_to_the_email_on_file_verifies_the_request() {
    use vow_dsr::request::{CodeCheck, CodeRules};
    let fx = Fixture::new().await;
    let chinook = common::chinook_sqlite();
    let targets = [target("chinook", &chinook.url, fx.dir.path())];
    let desk = fx.desk(&targets);
    let sink = vow_mail::sink::Sink::start().await.unwrap();
    let mailer = vow_mail::Mailer::new(&sink.config()).unwrap();

    let mut open = opening("req-c", RequestKind::Access, "customer-1", "GB");
    open.names = Names {
        account_id: Some("1".into()),
        ..Names::default()
    };
    desk.create(open, utc(2, 9)).await.unwrap();
    let (case, to) = desk
        .send_code("req-c", &mailer, &CodeRules::default(), utc(2, 9))
        .await
        .unwrap();
    assert_eq!(to, "luisg@embraer.com.br");
    assert_eq!(case.request.state, RequestState::VerificationPending);
    let mail = sink.next(std::time::Duration::from_secs(10)).await.unwrap();
    assert_eq!(mail.rcpt_to, ["luisg@embraer.com.br"]);
    let code: String = mail
        .text
        .as_deref()
        .expect("a text body")
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code in the mail")
        .to_owned();
    // The record keeps a hash, never the code.
    let stored = fx.store.request("req-c").await.unwrap().unwrap();
    assert!(!stored.body.to_string().contains(&code));

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (_, check) = desk.enter_code("req-c", wrong, utc(2, 9)).await.unwrap();
    assert_eq!(check, CodeCheck::Wrong { attempts_left: 4 });
    let (case, check) = desk.enter_code("req-c", &code, utc(2, 9)).await.unwrap();
    assert_eq!(check, CodeCheck::Verified);
    assert_eq!(case.request.state, RequestState::Verified);
    let case = desk.run("req-c", utc(2, 10)).await.unwrap();
    assert_eq!(case.request.state, RequestState::Completed);
    fx.store.close().await;
}
