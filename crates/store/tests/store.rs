//! One suite, generic over the `Store` trait, run on SQLite (a file in a
//! temporary directory) and on PostgreSQL (a database created for the test
//! and dropped after it, even when it fails): appends, all-or-nothing
//! batches, idempotent retries, materialised state, paging, keys, policy
//! versions, concurrent writers in one process and in two, and tampering
//! with the rows directly in the database.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{TimeZone, Utc};
use common::{consent, event, kind_strategy, sample};
use proptest::strategy::{Strategy, ValueTree};
use sqlx::{Connection, Executor};
use vow_store::{
    AnyStore, ApiKeyRecord, Commit, CommitObserver, Event, EventKind, IdentityKind, LedgerKey,
    PolicyVersionRecord, PostgresStore, RecordOutcome, SqliteStore, Store, StoreError, StoredEvent,
    TamperKind, Verification, link, rebuild,
};

const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";

fn key() -> LedgerKey {
    LedgerKey::from_hex(&"4b".repeat(32)).unwrap()
}

/// Someone who can write the database but does not hold the key.
fn forger() -> LedgerKey {
    LedgerKey::from_hex(&"f0".repeat(32)).unwrap()
}

/// A store under test, with a direct connection to its database to tamper
/// with, and whatever must be cleaned up after.
struct Db<S> {
    store: S,
    raw: Raw,
    /// The path or URL, to open a second store on the same database.
    location: String,
    _cleanup: Cleanup,
}

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Runs the same statement on either database.
macro_rules! on_raw {
    ($raw:expr, $pool:ident => $body:expr) => {
        match $raw {
            Raw::Sqlite($pool) => $body,
            Raw::Postgres($pool) => $body,
        }
    };
}

impl Raw {
    async fn exec(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        on_raw!(self, pool => { pool.execute(sql).await.expect("tampering statement"); })
    }

    /// Writes a row as a forger would: any position, any event, any seal.
    async fn insert(&self, row: &StoredEvent) {
        let body = serde_json::to_string(&row.event).unwrap();
        let sql = "INSERT INTO ledger (seq, id, subject, body, seal) VALUES ($1, $2, $3, $4, $5)";
        on_raw!(self, pool => {
            sqlx::query(sql).bind(row.position).bind(&row.id).bind(&row.subject).bind(&body).bind(&row.seal)
                .execute(pool).await.expect("forged row");
        })
    }

    async fn set_body(&self, position: i64, event: &Event) {
        let body = serde_json::to_string(event).unwrap();
        let sql = "UPDATE ledger SET body = $1 WHERE seq = $2";
        on_raw!(self, pool => {
            sqlx::query(sql).bind(&body).bind(position).execute(pool).await.expect("rewritten body");
        })
    }
}

/// Held for its `Drop`: the directory or database goes with the test.
#[allow(dead_code)]
enum Cleanup {
    Dir(tempfile::TempDir),
    Database(TestDatabase),
}

/// A PostgreSQL database that is dropped with this value, however the test ends.
struct TestDatabase {
    name: String,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop cannot await; a thread with its own runtime can.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let mut admin = sqlx::PgConnection::connect(&format!("{POSTGRES}/postgres"))
                        .await
                        .unwrap();
                    admin.execute(sqlx::AssertSqlSafe(sql)).await.unwrap();
                })
        })
        .join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("could not drop the test database");
        }
    }
}

/// A backend the suite runs on.
trait Backend: Store + Sized + 'static {
    async fn fresh() -> Db<Self>;
    async fn open(location: &str, key: LedgerKey) -> Result<Self, StoreError>;
}

impl Backend for SqliteStore {
    async fn fresh() -> Db<SqliteStore> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vow.db");
        let store = SqliteStore::open(&path, key()).await.expect("open");
        let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        Db {
            store,
            raw: Raw::Sqlite(raw),
            location: path.display().to_string(),
            _cleanup: Cleanup::Dir(dir),
        }
    }

    async fn open(location: &str, key: LedgerKey) -> Result<SqliteStore, StoreError> {
        SqliteStore::open(location.as_ref(), key).await
    }
}

impl Backend for PostgresStore {
    async fn fresh() -> Db<PostgresStore> {
        static N: AtomicU64 = AtomicU64::new(0);
        // Ours, digits and underscores: safe to splice into SQL.
        let name = format!(
            "vow_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            Utc::now().timestamp_micros()
        );
        let mut admin = sqlx::PgConnection::connect(&format!("{POSTGRES}/postgres"))
            .await
            .expect("PostgreSQL on 127.0.0.1:5432");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .unwrap();
        admin.close().await.unwrap();
        let cleanup = Cleanup::Database(TestDatabase { name: name.clone() });
        let url = format!("{POSTGRES}/{name}");
        let store = PostgresStore::connect(&url, key()).await.expect("connect");
        let raw = sqlx::PgPool::connect(&url).await.unwrap();
        Db {
            store,
            raw: Raw::Postgres(raw),
            location: url,
            _cleanup: cleanup,
        }
    }

    async fn open(location: &str, key: LedgerKey) -> Result<PostgresStore, StoreError> {
        PostgresStore::connect(location, key).await
    }
}

impl<S: Backend> Db<S> {
    /// Appends the sample, one event at a time.
    async fn fill(&self) -> Vec<Event> {
        let mut stored = Vec::new();
        for e in sample() {
            stored.push(self.store.append(e).await.expect("append"));
        }
        stored
    }

    async fn verify(&self) -> Verification {
        self.store.verify().await.expect("verify")
    }

    async fn all_events(&self) -> Vec<Event> {
        self.store.events(0, 100_000).await.unwrap()
    }

    async fn finish(self) {
        self.store.close().await;
        on_raw!(&self.raw, pool => pool.close().await);
    }
}

fn found(v: &Verification) -> Vec<(TamperKind, u64)> {
    v.tampering.iter().map(|t| (t.kind, t.seq)).collect()
}

/// Runs each test on both databases.
macro_rules! on_both {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test::<vow_store::SqliteStore>().await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    super::$test::<vow_store::PostgresStore>().await
                }
            )*
        }
    };
}

on_both!(
    appends_are_chained_and_materialised,
    append_all_is_all_or_nothing,
    retries_are_idempotent,
    materialised_state_is_the_rebuilt_state,
    pages_cover_the_ledger,
    subjects_are_listed_in_pages,
    api_keys,
    policy_versions,
    request_records_move_by_version,
    concurrent_appends_form_one_chain,
    two_processes_share_one_chain,
    reopened_store_keeps_its_events_and_its_key,
    a_changed_event_is_found,
    a_changed_row_column_is_found,
    a_recomputed_chain_is_found,
    a_deleted_event_is_found,
    a_deleted_tail_is_found,
    an_inserted_event_is_found,
    a_second_event_with_a_taken_number_is_found,
    swapped_events_are_found,
    a_deleted_or_forged_head_is_found,
    indexes_fill_from_an_older_ledger,
    tokens_are_single_use_and_revocable,
    observers_hear_each_commit_before_the_append_returns,
);

/// A request record is saved only from the version read: two runners
/// cannot both move one request; lists filter by subject, status and
/// whether the runner is due to take the request up.
async fn request_records_move_by_version<S: Backend>() {
    use vow_store::{RequestQuery, RequestRecord};
    let db = S::fresh().await;
    let at = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
    let record = |id: &str, subject: &str, next: Option<&str>| RequestRecord {
        id: id.into(),
        subject: subject.into(),
        kind: "erasure".into(),
        status: "received".into(),
        received_at: at("2026-11-01T10:00:00Z"),
        due_at: Some(at("2026-12-01T10:00:00Z")),
        next_run_at: next.map(at),
        updated_at: at("2026-11-01T10:00:00Z"),
        version: 0,
        body: serde_json::json!({"tasks": [{"dataset": "shop", "status": "pending"}]}),
    };
    let mut a = record("req-a", "alice", Some("2026-11-01T10:00:00Z"));
    assert_eq!(db.store.save_request(&a).await.unwrap(), 1);
    let taken = db.store.save_request(&a).await.unwrap_err();
    assert!(matches!(taken, StoreError::Conflict(_)), "{taken}");
    db.store
        .save_request(&record("req-b", "bob", None))
        .await
        .unwrap();
    db.store
        .save_request(&record("req-c", "alice", Some("2026-11-05T00:00:00Z")))
        .await
        .unwrap();

    let stored = db.store.request("req-a").await.unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(
        RequestRecord {
            version: 0,
            ..stored.clone()
        },
        a
    );
    // Moved from version 1: saved as 2; a second save from 1 is refused.
    a.version = 1;
    a.status = "in_progress".into();
    assert_eq!(db.store.save_request(&a).await.unwrap(), 2);
    let stale = db.store.save_request(&a).await.unwrap_err();
    assert!(
        stale.to_string().contains("changed since version 1"),
        "{stale}"
    );
    assert_eq!(
        db.store.request("req-a").await.unwrap().unwrap().status,
        "in_progress"
    );
    assert_eq!(db.store.request("nope").await.unwrap(), None);

    let ids = |records: Vec<RequestRecord>| records.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let all = RequestQuery {
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        ids(db.store.requests(&all).await.unwrap()),
        ["req-a", "req-b", "req-c"]
    );
    let alice = RequestQuery {
        subject: Some("alice".into()),
        ..all.clone()
    };
    assert_eq!(
        ids(db.store.requests(&alice).await.unwrap()),
        ["req-a", "req-c"]
    );
    let due = RequestQuery {
        runnable_at: Some(at("2026-11-02T00:00:00Z")),
        ..all.clone()
    };
    assert_eq!(ids(db.store.requests(&due).await.unwrap()), ["req-a"]);
    let received = RequestQuery {
        status: Some("received".into()),
        after: Some("req-b".into()),
        ..all
    };
    assert_eq!(ids(db.store.requests(&received).await.unwrap()), ["req-c"]);
    db.finish().await;
}

async fn appends_are_chained_and_materialised<S: Backend>() {
    let db = S::fresh().await;
    assert_eq!(db.store.head().await.unwrap(), None);
    let stored = db.fill().await;
    for (i, e) in stored.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.hash, e.compute_hash());
        if i > 0 {
            assert_eq!(e.prev_hash, stored[i - 1].hash);
        }
    }
    let last = stored.last().unwrap();
    assert_eq!(
        db.store.head().await.unwrap(),
        Some((last.seq, last.hash.clone()))
    );
    assert_eq!(db.all_events().await, stored);
    for subject in ["alice", "bob", "nobody"] {
        let events = db.store.subject_events(subject, 0, 100).await.unwrap();
        assert!(events.iter().all(|e| e.subject == subject));
        assert_eq!(
            db.store.state(subject).await.unwrap(),
            rebuild(subject, &events)
        );
    }
    let alice = db.store.state("alice").await.unwrap();
    assert!(!alice.consents["marketing"].given);
    assert_eq!(alice.legal_holds, vec!["case-9".to_owned()]);
    let v = db.verify().await;
    assert!(v.intact(), "{v:?}");
    assert_eq!((v.events, v.head), (6, Some(6)));
    db.finish().await;
}

async fn append_all_is_all_or_nothing<S: Backend>() {
    let db = S::fresh().await;
    let first = db
        .store
        .append(consent("c1", "alice", "marketing"))
        .await
        .unwrap();
    let before = db.store.state("alice").await.unwrap();
    // One banner choice: three consents, one of which reuses a stored id
    // for something else.
    let choice = vec![
        consent("c2", "alice", "analytics"),
        consent("c3", "bob", "analytics"),
        consent("c1", "alice", "sale"),
    ];
    let err = db.store.append_all(choice).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("`c1`") && m.contains("different content")),
        "{err}"
    );
    assert_eq!(db.all_events().await, vec![first.clone()]);
    assert_eq!(db.store.state("alice").await.unwrap(), before);
    assert_eq!(db.store.state("bob").await.unwrap(), Default::default());
    assert_eq!(
        db.store.head().await.unwrap(),
        Some((1, first.hash.clone()))
    );
    // The same choice without the bad event goes in whole.
    let stored = db
        .store
        .append_all(vec![
            consent("c2", "alice", "analytics"),
            consent("c3", "bob", "analytics"),
        ])
        .await
        .unwrap();
    assert_eq!(stored.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
    assert!(db.store.state("bob").await.unwrap().consents["analytics"].given);
    assert_eq!(db.store.append_all(vec![]).await.unwrap(), vec![]);
    assert!(db.verify().await.intact());
    db.finish().await;
}

async fn retries_are_idempotent<S: Backend>() {
    let db = S::fresh().await;
    let e = consent("retry-1", "alice", "marketing");
    let stored = db.store.append(e.clone()).await.unwrap();
    // A client that did not hear the answer sends the same event again.
    assert_eq!(db.store.append(e.clone()).await.unwrap(), stored);
    let both = db
        .store
        .append_all(vec![e.clone(), consent("retry-2", "alice", "analytics")])
        .await
        .unwrap();
    assert_eq!(both[0], stored);
    assert_eq!(both[1].seq, 2);
    assert_eq!(
        db.store
            .append_all(vec![e.clone(), consent("retry-2", "alice", "analytics")])
            .await
            .unwrap(),
        both
    );
    // The same id twice in one request is one event.
    let twice = db
        .store
        .append_all(vec![
            consent("retry-3", "bob", "x"),
            consent("retry-3", "bob", "x"),
        ])
        .await
        .unwrap();
    assert_eq!((twice[0].seq, twice[1].seq), (3, 3));
    // A retry stamped later (the client timed out and sent it again) is
    // the same event: the first one stands, with its time.
    let mut later = e.clone();
    later.at += chrono::Duration::seconds(1);
    let first = db.store.append(later).await.unwrap();
    assert_eq!((first.seq, first.at), (1, e.at));
    // Other content under a stored id is refused, and says why.
    let mut changed = e.clone();
    changed.kind = EventKind::ConsentWithdrawn {
        purpose: "marketing".into(),
    };
    let err = db.store.append(changed).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("retry-1"));
    assert_eq!(db.all_events().await.len(), 3);
    assert_eq!(
        db.store.subject_events("bob", 0, 10).await.unwrap().len(),
        1
    );
    assert_eq!(db.store.subjects(None, 10).await.unwrap()[1].events, 1);
    // Ids and subjects the store would not hold.
    let err = db
        .store
        .append(consent("", "alice", "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert!(db.verify().await.intact());
    db.finish().await;
}

async fn materialised_state_is_the_rebuilt_state<S: Backend>() {
    let db = S::fresh().await;
    // Random histories (proptest strategies, a fixed seed), appended one at
    // a time and in batches, by several subjects at once.
    let history = proptest::collection::vec(
        (0..4usize, kind_strategy(), proptest::bool::weighted(0.3)),
        1..60,
    );
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut id = 0;
    for round in 0..6 {
        let case = history.new_tree(&mut runner).unwrap().current();
        let mut batch = Vec::new();
        for (who, kind, batch_it) in case {
            id += 1;
            let e = event(&format!("p{id}"), &format!("r{round}-s{who}"), id, kind);
            if batch_it {
                batch.push(e);
            } else {
                db.store
                    .append_all(std::mem::take(&mut batch))
                    .await
                    .unwrap();
                db.store.append(e).await.unwrap();
            }
        }
        db.store.append_all(batch).await.unwrap();
    }
    let events = db.all_events().await;
    assert_eq!(events.len(), id as usize);
    indexes_agree_with_the_ledger(&db.store, &events).await;
    let subjects = db.store.subjects(None, 1000).await.unwrap();
    for s in &subjects {
        let mine: Vec<&Event> = events.iter().filter(|e| e.subject == s.subject).collect();
        assert_eq!(s.events, mine.len() as u64);
        assert_eq!(s.last_seq, mine.last().unwrap().seq);
        assert_eq!(
            db.store.state(&s.subject).await.unwrap(),
            rebuild(&s.subject, mine.iter().copied()),
            "{}",
            s.subject
        );
    }
    assert!(db.verify().await.intact());
    db.finish().await;
}

/// The lookup indexes say what replaying the ledger says: an identity
/// names the subject that linked it last (unless that subject unlinked
/// it), and a guardian's children are the links not ended.
async fn indexes_agree_with_the_ledger<S: Store>(store: &S, events: &[Event]) {
    use std::collections::BTreeMap;
    let mut identities: BTreeMap<(IdentityKind, String), String> = BTreeMap::new();
    let mut links: BTreeMap<(String, String), bool> = BTreeMap::new();
    for e in events {
        match &e.kind {
            EventKind::IdentityLinked { identity, value } => {
                identities.insert((*identity, value.clone()), e.subject.clone());
            }
            EventKind::IdentityUnlinked { identity, value } => {
                let key = (*identity, value.clone());
                if identities.get(&key) == Some(&e.subject) {
                    identities.remove(&key);
                }
            }
            EventKind::GuardianLinked { guardian, verified } => {
                links.insert((guardian.clone(), e.subject.clone()), *verified);
            }
            EventKind::GuardianUnlinked { guardian } => {
                links.remove(&(guardian.clone(), e.subject.clone()));
            }
            _ => {}
        }
    }
    for kind in [IdentityKind::Email, IdentityKind::Browser] {
        for digest in ["d1", "d2"] {
            assert_eq!(
                store.identity_subject(kind, digest).await.unwrap(),
                identities.get(&(kind, digest.to_owned())).cloned(),
                "{kind:?} {digest}"
            );
        }
    }
    for guardian in ["mum", "dad"] {
        let mut children: Vec<(String, bool)> = store
            .children(guardian)
            .await
            .unwrap()
            .into_iter()
            .map(|l| (l.child, l.verified))
            .collect();
        children.sort();
        let expected: Vec<(String, bool)> = links
            .iter()
            .filter(|((g, _), _)| g == guardian)
            .map(|((_, child), verified)| (child.clone(), *verified))
            .collect();
        assert_eq!(children, expected, "{guardian}");
    }
}

/// A store written before the indexes existed fills them from its ledger
/// when it next opens.
async fn indexes_fill_from_an_older_ledger<S: Backend>() {
    let db = S::fresh().await;
    let linked = |id: &str, subject: &str, minute, kind| event(id, subject, minute, kind);
    let events = vec![
        linked(
            "g1",
            "kid",
            1,
            EventKind::GuardianLinked {
                guardian: "mum".into(),
                verified: true,
            },
        ),
        linked(
            "i1",
            "kid",
            2,
            EventKind::IdentityLinked {
                identity: IdentityKind::Email,
                value: "d1".into(),
            },
        ),
        linked(
            "i2",
            "grown-up",
            3,
            EventKind::IdentityLinked {
                identity: IdentityKind::Email,
                value: "d1".into(),
            },
        ),
        linked(
            "g2",
            "kid2",
            4,
            EventKind::GuardianLinked {
                guardian: "mum".into(),
                verified: false,
            },
        ),
        linked(
            "g3",
            "kid2",
            5,
            EventKind::GuardianUnlinked {
                guardian: "mum".into(),
            },
        ),
    ];
    db.store.append_all(events).await.unwrap();
    let stored = db.all_events().await;
    indexes_agree_with_the_ledger(&db.store, &stored).await;
    assert_eq!(
        db.store
            .identity_subject(IdentityKind::Email, "d1")
            .await
            .unwrap()
            .as_deref(),
        Some("grown-up"),
        "a later link moves the identity"
    );
    // As an older version left it: no index rows, no mark, and states
    // that did not keep the verified guardians.
    for table in ["identities", "guardian_links", "store_meta"] {
        db.raw.exec(&format!("DELETE FROM {table}")).await;
    }
    db.raw
        .exec("UPDATE subject_state SET state = '{\"parental_consent_verified\":true}' WHERE subject = 'kid'")
        .await;
    assert!(db.store.state("kid").await.unwrap().guardians.is_empty());
    assert!(db.store.children("mum").await.unwrap().is_empty());
    let location = db.location.clone();
    let reopened = S::open(&location, key()).await.unwrap();
    indexes_agree_with_the_ledger(&reopened, &stored).await;
    assert_eq!(reopened.children("mum").await.unwrap().len(), 1);
    let kid = reopened.state("kid").await.unwrap();
    assert_eq!(kid.guardians, ["mum"], "the state rebuilt");
    assert_eq!(kid, rebuild("kid", &stored));
    reopened.close().await;
    db.finish().await;
}

/// Sign-in links are used once, sessions end when revoked, expired ones
/// are never live, and counts see what was created lately.
async fn tokens_are_single_use_and_revocable<S: Backend>() {
    use vow_store::{TokenKind, TokenRecord, TokenScope};
    let db = S::fresh().await;
    let now: chrono::DateTime<Utc> = "2026-12-06T10:00:00Z".parse().unwrap();
    let minutes = chrono::Duration::minutes;
    let token = |id: &str, kind, email: Option<&str>, client: Option<&str>, ago: i64| TokenRecord {
        id: id.into(),
        kind,
        subject: (kind == TokenKind::Session).then(|| "ada".to_owned()),
        email: email.map(str::to_owned),
        client: client.map(str::to_owned),
        created_at: now - minutes(ago),
        expires_at: now - minutes(ago) + minutes(15),
        used_at: None,
        revoked_at: None,
        data: serde_json::json!({"lang": "fr"}),
    };
    let link = token("link", TokenKind::SignIn, Some("e1"), Some("c1"), 1);
    db.store.create_token(&link).await.unwrap();
    let taken = db.store.create_token(&link).await.unwrap_err();
    assert!(matches!(taken, StoreError::Conflict(_)), "{taken}");
    for (id, email, client, ago) in [
        ("l2", "e1", "c2", 5),
        ("l3", "e2", "c1", 10),
        ("old", "e1", "c1", 30),
    ] {
        db.store
            .create_token(&token(
                id,
                TokenKind::SignIn,
                Some(email),
                Some(client),
                ago,
            ))
            .await
            .unwrap();
    }
    let since = now - minutes(15);
    let count = |scope| db.store.count_tokens(TokenKind::SignIn, scope, since);
    assert_eq!(count(TokenScope::Email("e1")).await.unwrap(), 2);
    assert_eq!(count(TokenScope::Client("c1")).await.unwrap(), 2);
    assert_eq!(count(TokenScope::All).await.unwrap(), 3);
    assert_eq!(
        db.store
            .count_tokens(TokenKind::Session, TokenScope::All, since)
            .await
            .unwrap(),
        0
    );

    // Live until used; used once, by one caller, with the subject set.
    let store = &db.store;
    let live = |id: &'static str, kind| async move {
        store.token(id, kind).await.unwrap().map(|t| t.live(now))
    };
    let stored = db.store.token("link", TokenKind::SignIn).await.unwrap();
    assert_eq!(stored.as_ref().map(|t| &t.data), Some(&link.data));
    assert_eq!(live("link", TokenKind::SignIn).await, Some(true));
    assert_eq!(
        live("link", TokenKind::Session).await,
        None,
        "a link is not a session"
    );
    let (first, second) = tokio::join!(
        db.store.use_token("link", TokenKind::SignIn, "ada", now),
        db.store.use_token("link", TokenKind::SignIn, "ada", now),
    );
    let used: Vec<TokenRecord> = [first.unwrap(), second.unwrap()]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(used.len(), 1, "used once");
    assert_eq!(used[0].subject.as_deref(), Some("ada"));
    assert_eq!(used[0].used_at, Some(now));
    assert_eq!(live("link", TokenKind::SignIn).await, Some(false));
    assert_eq!(
        db.store
            .use_token("old", TokenKind::SignIn, "ada", now)
            .await
            .unwrap(),
        None,
        "expired"
    );

    // Sessions: one revoked alone, the rest of the subject's at once.
    for id in ["s1", "s2", "s3"] {
        db.store
            .create_token(&token(id, TokenKind::Session, None, None, 0))
            .await
            .unwrap();
    }
    assert!(db.store.revoke_token("s1", now).await.unwrap());
    assert!(!db.store.revoke_token("s1", now).await.unwrap(), "once");
    assert_eq!(live("s1", TokenKind::Session).await, Some(false));
    assert_eq!(live("s2", TokenKind::Session).await, Some(true));
    assert_eq!(
        db.store
            .revoke_tokens(TokenKind::Session, TokenScope::Subject("ada"), now)
            .await
            .unwrap(),
        2
    );
    assert_eq!(live("s3", TokenKind::Session).await, Some(false));

    // Created only within limits, counted and stored as one step: of
    // eight callers at once with room for five, five get in.
    let limited = |i: usize| TokenRecord {
        id: format!("limited-{i}"),
        ..token("x", TokenKind::SignIn, Some("crowd"), Some("c9"), 0)
    };
    let store = &db.store;
    let tries = (0..8).map(|i| {
        let token = limited(i);
        async move {
            store
                .create_token_within(
                    &token,
                    &[
                        (TokenScope::Client("c9"), 100),
                        (TokenScope::Email("crowd"), 5),
                    ],
                    since,
                )
                .await
                .unwrap()
        }
    });
    let answers = futures_util::future::join_all(tries).await;
    assert_eq!(
        answers.iter().filter(|a| a.is_none()).count(),
        5,
        "{answers:?}"
    );
    assert!(
        answers.iter().flatten().all(|i| *i == 1),
        "the address's limit: {answers:?}"
    );
    assert_eq!(count(TokenScope::Email("crowd")).await.unwrap(), 5);
    db.store
        .create_token_within(&limited(9), &[(TokenScope::Email("crowd"), 6)], since)
        .await
        .unwrap();
    assert_eq!(count(TokenScope::Email("crowd")).await.unwrap(), 6);
    assert_eq!(
        db.store
            .revoke_tokens(TokenKind::SignIn, TokenScope::Email("crowd"), now)
            .await
            .unwrap(),
        6
    );

    // Expired ones go; the rest stay until they expire.
    assert_eq!(db.store.purge_tokens(now).await.unwrap(), 1, "`old` only");
    assert_eq!(count(TokenScope::All).await.unwrap(), 9);
    db.finish().await;
}

async fn pages_cover_the_ledger<S: Backend>() {
    let db = S::fresh().await;
    let mut all = Vec::new();
    for i in 0..25 {
        let subject = if i % 5 == 0 { "alice" } else { "bob" };
        all.push(
            db.store
                .append(consent(&format!("page-{i}"), subject, "p"))
                .await
                .unwrap(),
        );
    }
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = db.store.events(after, 7).await.unwrap();
        assert!(page.len() <= 7);
        let Some(last) = page.last() else { break };
        after = last.seq;
        paged.extend(page);
    }
    assert_eq!(paged, all);
    assert_eq!(db.store.events(25, 10).await.unwrap(), vec![]);
    assert_eq!(db.store.events(0, 0).await.unwrap(), vec![]);
    let alice = db.store.subject_events("alice", 0, 3).await.unwrap();
    assert_eq!(
        alice.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![1, 6, 11]
    );
    let rest = db.store.subject_events("alice", 11, 10).await.unwrap();
    assert_eq!(rest.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![16, 21]);
    db.finish().await;
}

async fn subjects_are_listed_in_pages<S: Backend>() {
    let db = S::fresh().await;
    assert_eq!(db.store.subjects(None, 10).await.unwrap(), vec![]);
    for i in 0..12 {
        let subject = format!("subject-{:02}", i % 9);
        db.store
            .append(consent(&format!("s-{i}"), &subject, "p"))
            .await
            .unwrap();
    }
    let mut listed = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = db.store.subjects(after.as_deref(), 4).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.subject.clone());
        listed.extend(page);
    }
    let names: Vec<&str> = listed.iter().map(|s| s.subject.as_str()).collect();
    let expected: Vec<String> = (0..9).map(|i| format!("subject-{i:02}")).collect();
    assert_eq!(names, expected);
    // subject-00 has events 1 and 10; subject-05 only event 6.
    assert_eq!((listed[0].events, listed[0].last_seq), (2, 10));
    assert_eq!((listed[5].events, listed[5].last_seq), (1, 6));
    db.finish().await;
}

async fn api_keys<S: Backend>() {
    let db = S::fresh().await;
    assert_eq!(db.store.key_count().await.unwrap(), 0);
    let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 30, 0).unwrap()
        + chrono::Duration::nanoseconds(123_456_789);
    let admin = ApiKeyRecord {
        id: "key_admin".into(),
        name: "first admin".into(),
        scopes: vec!["admin".into(), "ledger:write".into()],
        secret_hash: "9f".repeat(32),
        created_at: at,
        revoked_at: None,
        role: None,
    };
    // A key that acts for a staff role keeps it (AGENCY-09).
    let banner = ApiKeyRecord {
        id: "key_banner".into(),
        name: "banner".into(),
        scopes: vec!["consent:write".into()],
        created_at: at + chrono::Duration::hours(1),
        role: Some("support_staff".into()),
        ..admin.clone()
    };
    db.store.create_key(admin.clone()).await.unwrap();
    db.store.create_key(banner.clone()).await.unwrap();
    let err = db.store.create_key(admin.clone()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_eq!(db.store.key_count().await.unwrap(), 2);
    assert_eq!(
        db.store.key("key_admin").await.unwrap(),
        Some(admin.clone())
    );
    assert_eq!(db.store.key("nope").await.unwrap(), None);
    assert_eq!(
        db.store.keys().await.unwrap(),
        vec![admin.clone(), banner.clone()]
    );
    let revoked_at = at + chrono::Duration::days(1);
    assert!(db.store.revoke_key("key_banner", revoked_at).await.unwrap());
    assert!(!db.store.revoke_key("key_banner", revoked_at).await.unwrap());
    assert!(!db.store.revoke_key("nope", revoked_at).await.unwrap());
    let revoked = db.store.key("key_banner").await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(revoked_at));
    // Revoked keys are still counted: this is not a first start.
    assert_eq!(db.store.key_count().await.unwrap(), 2);
    db.finish().await;
}

async fn policy_versions<S: Backend>() {
    let db = S::fresh().await;
    let v1 = PolicyVersionRecord {
        policy_id: "shop".into(),
        version: "2026-10".into(),
        sha256: "aa".repeat(32),
        text: "policy: {version: 2026-10}\n".into(),
        effective: "2026-10-01".parse().unwrap(),
        recorded_at: Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap(),
    };
    let v2 = PolicyVersionRecord {
        version: "2026-11".into(),
        sha256: "bb".repeat(32),
        text: "policy: {version: 2026-11}\n".into(),
        effective: "2026-11-15".parse().unwrap(),
        recorded_at: Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap(),
        ..v1.clone()
    };
    assert_eq!(
        db.store.record_policy(v1.clone()).await.unwrap(),
        RecordOutcome::New
    );
    assert_eq!(
        db.store.record_policy(v2.clone()).await.unwrap(),
        RecordOutcome::New
    );
    // A restart records the version in force again: nothing new.
    let again = PolicyVersionRecord {
        recorded_at: Utc::now(),
        ..v2.clone()
    };
    assert_eq!(
        db.store.record_policy(again).await.unwrap(),
        RecordOutcome::AlreadyRecorded
    );
    let edited = PolicyVersionRecord {
        sha256: "cc".repeat(32),
        text: "policy: {version: 2026-11, edited: true}\n".into(),
        ..v2.clone()
    };
    let err = db.store.record_policy(edited).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "version 2026-11 of policy shop is already recorded with different text: bump policy.version"
    );
    assert_eq!(
        db.store.policy_versions().await.unwrap(),
        vec![v1.clone(), v2.clone()]
    );
    assert_eq!(
        db.store.policy_version("shop", "2026-10").await.unwrap(),
        Some(v1)
    );
    assert_eq!(db.store.policy_version("shop", "1999").await.unwrap(), None);
    db.finish().await;
}

/// Many tasks appending at once: every event lands once, in one intact
/// chain; a conflicting event fails its own caller only.
async fn concurrent_appends_form_one_chain<S: Backend>() {
    let db = S::fresh().await;
    db.store
        .append(consent("taken", "alice", "p"))
        .await
        .unwrap();
    let store = Arc::new(db.store);
    let mut tasks = Vec::new();
    for t in 0..64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..5 {
                let e = consent(&format!("t{t}-{i}"), &format!("s{}", t % 10), "p");
                store.append(e).await.expect("an innocent append");
            }
        }));
    }
    let bad = {
        let store = store.clone();
        tokio::spawn(async move { store.append(consent("taken", "mallory", "p")).await })
    };
    for task in tasks {
        task.await.unwrap();
    }
    assert!(matches!(bad.await.unwrap(), Err(StoreError::Conflict(_))));
    let db = Db {
        store: Arc::into_inner(store).expect("the tasks are done"),
        ..db
    };
    let events = db.all_events().await;
    assert_eq!(events.len(), 1 + 64 * 5);
    let v = db.verify().await;
    assert!(v.intact(), "{v:?}");
    for s in db.store.subjects(None, 100).await.unwrap() {
        let mine = db.store.subject_events(&s.subject, 0, 1000).await.unwrap();
        assert_eq!(
            db.store.state(&s.subject).await.unwrap(),
            rebuild(&s.subject, &mine)
        );
    }
    db.finish().await;
}

/// Two stores on one database — two `vow serve` processes — appending at
/// the same time keep one chain.
async fn two_processes_share_one_chain<S: Backend>() {
    let db = S::fresh().await;
    let other = Arc::new(S::open(&db.location, key()).await.unwrap());
    let this = Arc::new(db.store);
    let mut tasks = Vec::new();
    for t in 0..16 {
        let store = if t % 2 == 0 {
            this.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move {
            for i in 0..8 {
                let e = consent(&format!("p{t}-{i}"), &format!("s{}", t % 4), "p");
                store.append(e).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // The same retry reaching the other process is still one event.
    let first = this.append(consent("p0-0", "s0", "p")).await.unwrap();
    assert_eq!(
        other.append(consent("p0-0", "s0", "p")).await.unwrap(),
        first
    );
    let other = Arc::into_inner(other).unwrap();
    assert_eq!(other.head().await.unwrap().unwrap().0, 128);
    other.close().await;
    let db = Db {
        store: Arc::into_inner(this).unwrap(),
        ..db
    };
    let events = db.all_events().await;
    assert_eq!(events.len(), 128);
    assert!(db.verify().await.intact());
    for s in db.store.subjects(None, 10).await.unwrap() {
        assert_eq!(s.events, 32);
        let mine = db.store.subject_events(&s.subject, 0, 1000).await.unwrap();
        assert_eq!(
            db.store.state(&s.subject).await.unwrap(),
            rebuild(&s.subject, &mine)
        );
    }
    db.finish().await;
}

async fn reopened_store_keeps_its_events_and_its_key<S: Backend>() {
    let db = S::fresh().await;
    let stored = db.fill().await;
    db.store.close().await;
    let err = db
        .store
        .append(consent("late", "alice", "p"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Closed), "{err}");
    match S::open(&db.location, forger()).await {
        Err(StoreError::WrongKey) => {}
        other => panic!("opened with another key: {:?}", other.err()),
    }
    let again = S::open(&db.location, key()).await.unwrap();
    assert_eq!(again.events(0, 100).await.unwrap(), stored);
    let next = again.append(consent("after", "alice", "p")).await.unwrap();
    assert_eq!(next.prev_hash, stored.last().unwrap().hash);
    assert!(again.verify().await.unwrap().intact());
    let db = Db { store: again, ..db };
    db.finish().await;
}

async fn a_changed_event_is_found<S: Backend>() {
    let db = S::fresh().await;
    db.fill().await;
    db.raw
        .exec("UPDATE ledger SET body = REPLACE(body, 'student', 'staff') WHERE seq = 2")
        .await;
    let v = db.verify().await;
    assert_eq!(found(&v), vec![(TamperKind::Changed, 2)]);
    assert_eq!(v.tampering[0].id, "evt-1");
    assert!(v.tampering[0].detail.contains("content was changed"));
    db.finish().await;
}

async fn a_changed_row_column_is_found<S: Backend>() {
    let db = S::fresh().await;
    db.fill().await;
    db.raw
        .exec("UPDATE ledger SET subject = 'mallory' WHERE seq = 3")
        .await;
    let v = db.verify().await;
    assert_eq!(found(&v), vec![(TamperKind::Changed, 3)]);
    db.finish().await;
}

/// An edit with every later hash recomputed: a consistent SHA-256 chain,
/// which only the seals expose.
async fn a_recomputed_chain_is_found<S: Backend>() {
    let db = S::fresh().await;
    let mut events = db.fill().await;
    events[1].kind = EventKind::MembershipStarted {
        membership: "staff".into(),
    };
    for i in 1..events.len() {
        let (seq, hash) = (events[i - 1].seq, events[i - 1].hash.clone());
        events[i] = link(seq, &hash, events[i].clone());
        db.raw.set_body(events[i].seq as i64, &events[i]).await;
    }
    // Resealing without the key does not help either.
    let e = &events[5];
    db.raw
        .exec(&format!(
            "UPDATE ledger SET seal = '{}' WHERE seq = 6",
            forger().seal_event(e.seq, &e.hash)
        ))
        .await;
    let v = db.verify().await;
    let changed: Vec<_> = (2..=6).map(|s| (TamperKind::Changed, s)).collect();
    assert_eq!(found(&v), changed);
    assert!(
        v.tampering[0]
            .detail
            .contains("recomputed without the ledger key")
    );
    db.finish().await;
}

async fn a_deleted_event_is_found<S: Backend>() {
    let db = S::fresh().await;
    db.fill().await;
    db.raw.exec("DELETE FROM ledger WHERE seq = 4").await;
    let v = db.verify().await;
    assert_eq!(found(&v), vec![(TamperKind::Deleted, 4)]);
    assert!(v.tampering[0].detail.contains("event 4 is missing"));
    db.finish().await;
}

async fn a_deleted_tail_is_found<S: Backend>() {
    let db = S::fresh().await;
    db.fill().await;
    db.raw.exec("DELETE FROM ledger WHERE seq >= 5").await;
    let v = db.verify().await;
    assert_eq!(found(&v), vec![(TamperKind::Deleted, 5)]);
    assert!(
        v.tampering[0].detail.contains(
            "events 5 to 6 are missing: the ledger ends at event 4 but its sealed head is event 6"
        ),
        "{v:?}"
    );
    // The chain goes on from the sealed head; the gap stays visible.
    let next = db.store.append(consent("after", "bob", "p")).await.unwrap();
    assert_eq!(next.seq, 7);
    assert_eq!(found(&db.verify().await), vec![(TamperKind::Deleted, 5)]);
    db.finish().await;
}

async fn an_inserted_event_is_found<S: Backend>() {
    let db = S::fresh().await;
    let events = db.fill().await;
    let last = events.last().unwrap();
    let extra = link(last.seq, &last.hash, consent("forged", "alice", "sale"));
    db.raw.insert(&StoredEvent::sealed(&forger(), extra)).await;
    let v = db.verify().await;
    assert_eq!(found(&v), vec![(TamperKind::Inserted, 7)]);
    assert_eq!(v.tampering[0].id, "forged");
    assert!(v.tampering[0].detail.contains("past the sealed head"));
    // Nothing is appended after a forged event.
    let err = db
        .store
        .append(consent("next", "bob", "p"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Tampered(m) if m.contains("event 7 is stored past the sealed head")),
        "{err}"
    );
    db.finish().await;
}

async fn a_second_event_with_a_taken_number_is_found<S: Backend>() {
    let db = S::fresh().await;
    let events = db.fill().await;
    let second = &events[1];
    let mut row = StoredEvent::sealed(
        &forger(),
        link(second.seq, &second.hash, consent("forged", "bob", "sale")),
    );
    row.position = 1000;
    db.raw.insert(&row).await;
    let v = db.verify().await;
    assert_eq!(found(&v), vec![(TamperKind::Inserted, 3)]);
    assert_eq!(v.tampering[0].id, "forged");
    db.finish().await;
}

async fn swapped_events_are_found<S: Backend>() {
    let db = S::fresh().await;
    db.fill().await;
    for sql in [
        "UPDATE ledger SET seq = -1 WHERE seq = 2",
        "UPDATE ledger SET seq = 2 WHERE seq = 5",
        "UPDATE ledger SET seq = 5 WHERE seq = -1",
    ] {
        db.raw.exec(sql).await;
    }
    let v = db.verify().await;
    assert_eq!(
        found(&v),
        vec![(TamperKind::Reordered, 2), (TamperKind::Reordered, 5)]
    );
    assert!(v.tampering[1].detail.contains("event 5 is stored at 2"));
    // A row moved below the first number is read too.
    db.raw
        .exec("UPDATE ledger SET seq = -7 WHERE seq = 3")
        .await;
    let v = db.verify().await;
    assert!(found(&v).contains(&(TamperKind::Reordered, 3)), "{v:?}");
    db.finish().await;
}

async fn a_deleted_or_forged_head_is_found<S: Backend>() {
    let db = S::fresh().await;
    let events = db.fill().await;
    // Rolled back to event 4 to hide a deleted tail, without the key.
    let e4 = &events[3];
    db.raw.exec("DELETE FROM ledger WHERE seq > 4").await;
    db.raw
        .exec(&format!(
            "UPDATE ledger_head SET seq = 4, hash = '{}', seal = '{}'",
            e4.hash,
            forger().seal_head(4, &e4.hash)
        ))
        .await;
    let v = db.verify().await;
    assert_eq!(found(&v), vec![(TamperKind::Changed, 4)]);
    assert!(v.tampering[0].detail.contains("head row was changed"));
    let err = db
        .store
        .append(consent("next", "bob", "p"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Tampered(_)), "{err}");
    db.raw.exec("DELETE FROM ledger_head").await;
    let v = db.verify().await;
    assert_eq!(found(&v), vec![(TamperKind::Deleted, 0)]);
    assert!(matches!(
        db.store.append(consent("next", "bob", "p")).await,
        Err(StoreError::Tampered(_))
    ));
    db.finish().await;
}

/// The server opens whichever `--database` names.
#[tokio::test]
async fn any_store_opens_a_file_or_a_url() {
    let sqlite = SqliteStore::fresh().await;
    let postgres = PostgresStore::fresh().await;
    for location in [&sqlite.location, &postgres.location] {
        let store = AnyStore::open(location, key()).await.unwrap();
        assert_eq!(
            matches!(store, AnyStore::Postgres(_)),
            AnyStore::is_postgres(location)
        );
        let e = store.append(consent("any", "alice", "p")).await.unwrap();
        assert_eq!(store.head().await.unwrap(), Some((1, e.hash)));
        assert!(store.verify().await.unwrap().intact());
        store.close().await;
    }
    sqlite.finish().await;
    postgres.finish().await;
}

/// One commit as an observer heard it: `(first, last, subjects, certain)`.
type Told = (u64, u64, Vec<String>, bool);

/// What an observer heard.
#[derive(Default)]
struct Heard(std::sync::Mutex<Vec<Told>>);

impl CommitObserver for Heard {
    fn committed(&self, commit: &Commit<'_>) {
        self.0.lock().unwrap().push((
            commit.first,
            commit.last,
            commit.subjects.to_vec(),
            commit.certain,
        ));
    }
}

impl Heard {
    fn take(&self) -> Vec<Told> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

/// Whoever appends, the observers know of the commit when the append
/// returns: its numbers and its subjects, once per batch that wrote
/// something; under concurrent appends every number once.
async fn observers_hear_each_commit_before_the_append_returns<S: Backend>() {
    let db = S::fresh().await;
    let heard = Arc::new(Heard::default());
    db.store.observe(heard.clone());
    db.store.append(consent("o1", "bob", "p")).await.unwrap();
    assert_eq!(heard.take(), vec![(1, 1, vec!["bob".to_owned()], true)]);
    db.store
        .append_all(vec![
            consent("o2", "carol", "p"),
            consent("o3", "alice", "p"),
            consent("o4", "carol", "q"),
        ])
        .await
        .unwrap();
    assert_eq!(
        heard.take(),
        vec![(2, 4, vec!["alice".to_owned(), "carol".to_owned()], true)]
    );
    // A retry and a conflict write nothing: nothing to hear.
    db.store.append(consent("o1", "bob", "p")).await.unwrap();
    assert!(db.store.append(consent("o1", "bob", "x")).await.is_err());
    assert_eq!(heard.take(), vec![]);

    let store = Arc::new(db.store);
    let mut tasks = Vec::new();
    for t in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..8 {
                let e = consent(&format!("c{t}-{i}"), &format!("s{t}"), "p");
                store.append(e).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut numbers: Vec<u64> = heard
        .take()
        .iter()
        .flat_map(|(first, last, _, _)| *first..=*last)
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (5..=68).collect::<Vec<_>>());
    let db = Db {
        store: Arc::into_inner(store).unwrap(),
        ..db
    };
    db.finish().await;
}

/// PostgreSQL announces every process's commits: a listener hears the
/// numbers of each batch, its own process's and another's, once committed
/// — and nothing of a batch that wrote nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_hears_the_commits_of_every_process() {
    use vow_store::{Heard as Notice, LedgerListener};
    let db = PostgresStore::fresh().await;
    let mut listener = LedgerListener::connect(&db.location).await.unwrap();
    let other = PostgresStore::open(&db.location, key()).await.unwrap();
    let next = async |listener: &mut LedgerListener| {
        tokio::time::timeout(std::time::Duration::from_secs(10), listener.next())
            .await
            .expect("a notification")
            .unwrap()
    };
    db.store.append(consent("n1", "ada", "p")).await.unwrap();
    assert_eq!(
        next(&mut listener).await,
        Notice::Appended { first: 1, last: 1 }
    );
    other
        .append_all(vec![consent("n2", "bob", "p"), consent("n3", "eve", "p")])
        .await
        .unwrap();
    // A retry writes nothing and announces nothing.
    db.store.append(consent("n1", "ada", "p")).await.unwrap();
    db.store.append(consent("n4", "ada", "p")).await.unwrap();
    assert_eq!(
        next(&mut listener).await,
        Notice::Appended { first: 2, last: 3 }
    );
    assert_eq!(
        next(&mut listener).await,
        Notice::Appended { first: 4, last: 4 }
    );
    other.close().await;
    db.finish().await;
}
