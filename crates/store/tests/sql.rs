//! The same suite against SQLite and PostgreSQL, each on a database the test
//! creates: appends, materialised state, and tampering with the rows
//! directly in the database.

use chrono::{TimeZone, Utc};
use sqlx::Executor;
use vow_store::{Actor, ActorKind, Event, EventKind, EventSource, SqlLedger, TamperKind, rebuild};

const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";

fn event(i: i64, subject: &str, kind: EventKind) -> Event {
    Event {
        seq: 0,
        id: format!("evt-{i}"),
        subject: subject.to_owned(),
        at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(i),
        actor: Actor {
            kind: ActorKind::Subject,
            id: subject.to_owned(),
        },
        source: EventSource {
            channel: "banner".into(),
            document_version: Some("banner-3".into()),
            ..Default::default()
        },
        policy_version: "2026-11".into(),
        kind,
        prev_hash: String::new(),
        hash: String::new(),
    }
}

async fn fill(ledger: &SqlLedger) {
    let kinds = [
        EventKind::ConsentGiven {
            purpose: "marketing".into(),
        },
        EventKind::MembershipStarted {
            membership: "student".into(),
        },
        EventKind::ConsentWithdrawn {
            purpose: "marketing".into(),
        },
        EventKind::RestrictionPlaced,
        EventKind::HoldPlaced {
            hold: "case-9".into(),
        },
    ];
    for (i, kind) in kinds.into_iter().enumerate() {
        let subject = if i % 2 == 0 { "alice" } else { "bob" };
        ledger
            .append(event(i as i64, subject, kind))
            .await
            .expect("append");
    }
}

/// Runs the suite; `tamper` runs one SQL statement directly on the database.
async fn suite<F, Fut>(ledger: &SqlLedger, tamper: F)
where
    F: Fn(&'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    fill(ledger).await;
    let events = ledger.events().await.expect("events");
    assert_eq!(events.len(), 5);
    assert!(ledger.verify().await.expect("verify").is_empty());
    // The materialised state is the state rebuilt from the events.
    for subject in ["alice", "bob"] {
        assert_eq!(
            ledger.state(subject).await.expect("state"),
            rebuild(subject, &events)
        );
    }
    let alice = ledger.state("alice").await.unwrap();
    assert!(!alice.consents["marketing"].given && alice.legal_holds == ["case-9"]);

    // A row edited in the database.
    tamper("UPDATE ledger SET body = REPLACE(body, 'student', 'staff') WHERE seq = 2").await;
    let found = ledger.verify().await.unwrap();
    assert!(
        found
            .iter()
            .any(|t| t.seq == 2 && t.kind == TamperKind::Changed),
        "{found:?}"
    );
    // A row deleted.
    tamper("DELETE FROM ledger WHERE seq = 4").await;
    let found = ledger.verify().await.unwrap();
    assert!(
        found
            .iter()
            .any(|t| t.kind == TamperKind::Deleted && t.seq == 5),
        "{found:?}"
    );
}

#[tokio::test]
async fn sqlite_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let ledger = SqlLedger::sqlite(&path).await.expect("open");
    let url = format!("sqlite://{}", path.display());
    suite(&ledger, |sql| {
        let url = url.clone();
        async move {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            pool.execute(sql).await.unwrap();
            pool.close().await;
        }
    })
    .await;
    ledger.close().await;
    // Reopened, the events are still there.
    let again = SqlLedger::sqlite(&path).await.expect("reopen");
    assert_eq!(again.events().await.unwrap().len(), 4);
    again.close().await;
}

#[tokio::test]
async fn postgres_ledger() {
    let name = format!(
        "vow_test_{}_{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    );
    let admin = sqlx::PgPool::connect(&format!("{POSTGRES}/postgres"))
        .await
        .expect("PostgreSQL on 127.0.0.1:5432");
    // The name is ours (digits and underscores): safe to splice.
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let url = format!("{POSTGRES}/{name}");
    let ledger = SqlLedger::postgres(&url).await.expect("open");
    suite(&ledger, |sql| {
        let url = url.clone();
        async move {
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            pool.execute(sql).await.unwrap();
            pool.close().await;
        }
    })
    .await;
    ledger.close().await;
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {name} WITH (FORCE)"
        )))
        .await
        .unwrap();
}

/// Appends from concurrent tasks all land, once each, in one intact chain.
#[tokio::test]
async fn concurrent_appends_stay_chained() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = std::sync::Arc::new(SqlLedger::sqlite(&dir.path().join("c.db")).await.unwrap());
    let mut tasks = Vec::new();
    for t in 0..8 {
        let ledger = ledger.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                ledger
                    .append(event(
                        t * 100 + i,
                        &format!("s{t}"),
                        EventKind::ConsentGiven {
                            purpose: "p".into(),
                        },
                    ))
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let events = ledger.events().await.unwrap();
    assert_eq!(events.len(), 80);
    assert!(ledger.verify().await.unwrap().is_empty());
}
