//! Durable writes: consent events per second through the store with 1, 8
//! and 64 concurrent clients, each awaiting each append as an HTTP client
//! would, on SQLite (WAL, `synchronous = FULL`) and on PostgreSQL (default
//! `synchronous_commit = on`); and, in the same run, each database's own
//! durable single-row insert rate (one INSERT and commit per row, one
//! client) as the reference. Group commit is what lets 64 clients go
//! faster than one.
//!
//!     cargo bench --workspace --bench durable
//!
//! `VOW_BENCH_SECONDS` (default 5) is the time per measurement and
//! `VOW_BENCH_ROUNDS` (default 3) how many rounds of all of them run, the
//! medians reported (fsync times drift on a shared machine);
//! `VOW_BENCH_POSTGRES` the server (default `postgres://postgres@127.0.0.1:5432`),
//! on which a database is created for the run and dropped after it;
//! `VOW_BENCH_ONLY=sqlite` or `postgres` runs one of them;
//! `VOW_BENCH_IDS=random` names each event by a random UUIDv4 instead of
//! the API's own time-ordered UUIDv7.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::{Connection, Executor};
use vow_store::{
    Actor, ActorKind, Event, EventKind, EventSource, LedgerKey, PostgresStore, SqliteStore, Store,
};

const CLIENTS: [usize; 3] = [1, 8, 64];

/// How events are named: as the HTTP API names them (UUIDv7, in time
/// order: the default), or by a random UUIDv4 each, as a client that
/// brings its own idempotency keys might (`VOW_BENCH_IDS=random`).
fn event_id() -> String {
    static RANDOM: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *RANDOM.get_or_init(|| std::env::var("VOW_BENCH_IDS").is_ok_and(|v| v == "random")) {
        uuid::Uuid::new_v4().to_string()
    } else {
        uuid::Uuid::now_v7().to_string()
    }
}

fn consent(client: usize, i: u64) -> Event {
    let purpose = ["marketing", "analytics", "personalisation"][i as usize % 3].to_owned();
    Event {
        seq: 0,
        id: event_id(),
        subject: format!("subject-{client}-{}", i % 50),
        at: Utc::now(),
        actor: Actor {
            kind: ActorKind::Subject,
            id: format!("subject-{client}-{}", i % 50),
        },
        source: EventSource {
            channel: "banner".into(),
            document_version: Some("banner-3".into()),
            text_hash: Some("9c1185a5c5e9fc54612808977ee8f548b2258d31".into()),
            ip: Some("192.0.2.0".into()),
            user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0".into()),
            evidence: None,
            api_key: Some("5b447614eb1d".into()),
        },
        policy_version: "2026-11".into(),
        kind: if i % 4 == 3 {
            EventKind::ConsentWithdrawn { purpose }
        } else {
            EventKind::ConsentGiven {
                purpose,
                until: None,
            }
        },
        prev_hash: String::new(),
        hash: String::new(),
    }
}

/// Events per second and append latencies with `clients` concurrent clients.
struct Measured {
    rate: f64,
    p50: Duration,
    p99: Duration,
}

async fn appends<S: Store + 'static>(store: Arc<S>, clients: usize, time: Duration) -> Measured {
    // A short warm-up, not counted: connections, caches, the first pages.
    for i in 0..50 {
        store.append(consent(0, i)).await.expect("append");
    }
    let start = Instant::now();
    let deadline = start + time;
    let mut tasks = Vec::new();
    for client in 0..clients {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = 0;
            while Instant::now() < deadline {
                let sent = Instant::now();
                store.append(consent(client, i)).await.expect("append");
                latencies.push(sent.elapsed());
                i += 1;
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    Measured {
        rate: latencies.len() as f64 / elapsed,
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// The database's own durable insert rate: one row, one commit, one client.
async fn raw_inserts<C>(conn: &mut C, table: &str, time: Duration) -> f64
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
    i64: sqlx::Type<C::Database> + for<'q> sqlx::Encode<'q, C::Database>,
    String: sqlx::Type<C::Database> + for<'q> sqlx::Encode<'q, C::Database>,
{
    conn.execute(sqlx::AssertSqlSafe(format!(
        "CREATE TABLE {table} (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"
    )))
    .await
    .expect("raw table");
    let insert = format!("INSERT INTO {table} (id, body) VALUES ($1, $2)");
    let body = serde_json::to_string(&consent(0, 0)).expect("json");
    let start = Instant::now();
    let mut n = 0i64;
    while start.elapsed() < time {
        sqlx::query(sqlx::AssertSqlSafe(insert.as_str()))
            .bind(n)
            .bind(body.clone())
            .execute(&mut *conn)
            .await
            .expect("insert");
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

struct Row {
    database: &'static str,
    /// Per round: the raw insert rate, then ours with 1, 8 and 64 clients.
    rounds: Vec<(f64, Vec<Measured>)>,
}

impl Row {
    fn raw(&self) -> f64 {
        median(self.rounds.iter().map(|(raw, _)| *raw).collect())
    }

    /// The median run with `clients` clients.
    fn ours(&self, clients: usize) -> &Measured {
        let i = CLIENTS
            .iter()
            .position(|c| *c == clients)
            .expect("measured");
        let mut runs: Vec<&Measured> = self.rounds.iter().map(|(_, ours)| &ours[i]).collect();
        runs.sort_by(|a, b| a.rate.total_cmp(&b.rate));
        runs[runs.len() / 2]
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Rounds of: the raw rate, then ours with each number of clients, so
/// that a change in the disk's speed during the run affects both alike.
async fn rounds<C, S>(
    conn: &mut C,
    store: Arc<S>,
    time: Duration,
    rounds: usize,
) -> Vec<(f64, Vec<Measured>)>
where
    S: Store + 'static,
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
    i64: sqlx::Type<C::Database> + for<'q> sqlx::Encode<'q, C::Database>,
    String: sqlx::Type<C::Database> + for<'q> sqlx::Encode<'q, C::Database>,
{
    let mut out = Vec::new();
    for round in 0..rounds {
        let raw = raw_inserts(conn, &format!("raw_{round}"), time).await;
        let mut ours = Vec::new();
        for clients in CLIENTS {
            ours.push(appends(store.clone(), clients, time).await);
        }
        out.push((raw, ours));
    }
    let verified = store.verify().await.expect("verify");
    assert!(verified.intact(), "the benchmark's ledger verifies");
    out
}

async fn sqlite(time: Duration, n: usize) -> Row {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("raw.db"))
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("raw SQLite");
    let key = LedgerKey::generate().expect("key");
    let store = Arc::new(
        SqliteStore::open(&dir.path().join("vow.db"), key)
            .await
            .expect("open"),
    );
    let rounds = rounds(&mut conn, store.clone(), time, n).await;
    conn.close().await.expect("close");
    store.close().await;
    Row {
        database: "SQLite (WAL, synchronous = FULL)",
        rounds,
    }
}

async fn postgres(server: &str, time: Duration, n: usize) -> Row {
    let name = format!("vow_bench_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .expect("PostgreSQL server");
    // Ours, digits and underscores: safe to splice.
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create the benchmark database");
    let url = format!("{server}/{name}");
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    let key = LedgerKey::generate().expect("key");
    let store = Arc::new(PostgresStore::connect(&url, key).await.expect("connect"));
    let rounds = rounds(&mut conn, store.clone(), time, n).await;
    conn.close().await.expect("close");
    store.close().await;
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {name} WITH (FORCE)"
        )))
        .await
        .expect("drop the benchmark database");
    Row {
        database: "PostgreSQL (synchronous_commit = on)",
        rounds,
    }
}

fn main() {
    let seconds: u64 = std::env::var("VOW_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let server = std::env::var("VOW_BENCH_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    let n: usize = std::env::var("VOW_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let time = Duration::from_secs(seconds);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let rows = runtime.block_on(async {
        let only = std::env::var("VOW_BENCH_ONLY").unwrap_or_default();
        let mut rows = Vec::new();
        if only != "postgres" {
            rows.push(sqlite(time, n).await);
        }
        if only != "sqlite" {
            rows.push(postgres(&server, time, n).await);
        }
        rows
    });

    println!("\nconsent events per second, {seconds} s per measurement, median of {n} rounds\n");
    println!(
        "| database | raw durable INSERT, 1 client | vow, 1 client | 8 clients | 64 clients | 64 / 1 client | 64 clients / raw INSERT |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for row in &rows {
        let (one, eight, many) = (row.ours(1), row.ours(8), row.ours(64));
        println!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.1}× | {:.1}× |",
            row.database,
            row.raw(),
            one.rate,
            eight.rate,
            many.rate,
            many.rate / one.rate,
            many.rate / row.raw()
        );
    }
    println!("\nappend latency, p50 / p99\n");
    println!("| database | 1 client | 8 clients | 64 clients |");
    println!("|---|---:|---:|---:|");
    for row in &rows {
        let cells: Vec<String> = CLIENTS
            .iter()
            .map(|c| row.ours(*c))
            .map(|m| format!("{:.2} / {:.2} ms", ms(m.p50), ms(m.p99)))
            .collect();
        println!("| {} | {} |", row.database, cells.join(" | "));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
