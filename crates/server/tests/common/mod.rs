//! A whole server per test, without a socket: the real start-up (`prepare`)
//! on a store of its own — SQLite in a temporary directory, or a PostgreSQL
//! database created for the test and dropped after it.

#![allow(dead_code)]

pub mod browser;

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use vow_server::{AppState, Settings};
use vow_store::Store;

pub const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";

pub fn example(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the example exists")
}

/// Chinook loaded into `file` with the placeholder customer erasures
/// re-attach invoices to, and the test dataset pointing at it.
pub fn chinook(dir: &std::path::Path) -> PathBuf {
    let data = std::env::var_os("VOW_SAMPLE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    let db = dir.join("chinook.db");
    let sql = std::fs::read(data.join("chinook/Chinook_Sqlite.sql")).expect("the sample data");
    let mut child = std::process::Command::new("sqlite3")
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("sqlite3 is installed");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &sql).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    let datasets = dir.join("data/datasets");
    std::fs::create_dir_all(&datasets).unwrap();
    let dataset = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../dsr/tests/datasets/chinook.yaml"
    ))
    .unwrap()
    .replace(
        "connection: { url_env: CHINOOK_DATABASE_URL }",
        "connection: { secrets_file: chinook.url }",
    );
    std::fs::write(datasets.join("chinook.yaml"), dataset).unwrap();
    std::fs::write(
        datasets.join("chinook.url"),
        format!("sqlite://{}\n", db.display()),
    )
    .unwrap();
    db
}

pub struct TestApp {
    pub app: Router,
    pub state: AppState,
    /// The admin key printed on first start.
    pub admin: String,
    pub dir: tempfile::TempDir,
    pub database: Option<TestDatabase>,
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: axum::http::HeaderMap,
}

impl TestApp {
    /// A server on SQLite running `policy`.
    pub async fn sqlite(policy: &str) -> TestApp {
        TestApp::start(policy, None).await
    }

    /// A server on a fresh PostgreSQL database running `policy`.
    pub async fn postgres(policy: &str) -> TestApp {
        let db = TestDatabase::create().await;
        TestApp::start(policy, Some(db)).await
    }

    /// A server on SQLite running `policy`, with `tweak` applied to its
    /// settings.
    pub async fn start_with(policy: &str, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        TestApp::start_tweaked(policy, None, tweak).await
    }

    async fn start(policy: &str, database: Option<TestDatabase>) -> TestApp {
        TestApp::start_tweaked(policy, database, |_| {}).await
    }

    async fn start_tweaked(
        policy: &str,
        database: Option<TestDatabase>,
        tweak: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (state, started) = TestApp::prepare_with(&dir, policy, database.as_ref(), None, tweak)
            .await
            .expect("the server starts");
        TestApp {
            app: vow_server::app(state.clone()),
            state,
            admin: started
                .admin_token
                .expect("first start prints an admin key"),
            dir,
            database,
        }
    }

    /// Stops this server and starts another on the same store with `policy`.
    pub async fn restart(self, policy: &str) -> Result<TestApp, vow_server::serve::ServeError> {
        let TestApp {
            state,
            admin,
            dir,
            database,
            app,
        } = self;
        drop(app);
        state.store.close().await;
        drop(state);
        let (state, _) = TestApp::prepare(&dir, policy, database.as_ref(), None).await?;
        Ok(TestApp {
            app: vow_server::app(state.clone()),
            state,
            admin,
            dir,
            database,
        })
    }

    /// Another server process on this one's PostgreSQL database, with the
    /// same ledger key: a store (connection pools) of its own, a cache of
    /// its own. Neither runs a sync task until [`TestApp::sync`].
    pub async fn second(&self, policy: &str) -> TestApp {
        let database = self.database.as_ref().expect("a server on PostgreSQL");
        let dir = tempfile::tempdir().expect("temp dir");
        let key = self.data_dir().join("ledger.key");
        let (state, _) = TestApp::prepare(&dir, policy, Some(database), Some(key))
            .await
            .expect("the second server starts");
        TestApp {
            app: vow_server::app(state.clone()),
            state,
            admin: self.admin.clone(),
            dir,
            database: None,
        }
    }

    /// Starts the sync task as `vow serve` does, looking every
    /// `interval_ms` and, when `listen`, listening on PostgreSQL.
    pub async fn sync(&self, database: &TestDatabase, interval_ms: u64, listen: bool) -> Sync {
        let config = Settings {
            database: Some(database.url.clone()),
            sync_interval_ms: Some(interval_ms),
            sync_listen: Some(listen),
            ..Settings::default()
        }
        .resolve();
        Sync(vow_server::sync::start(self.state.clone(), &config).await)
    }

    async fn prepare(
        dir: &tempfile::TempDir,
        policy: &str,
        database: Option<&TestDatabase>,
        ledger_key_file: Option<PathBuf>,
    ) -> Result<(AppState, vow_server::serve::Started), vow_server::serve::ServeError> {
        TestApp::prepare_with(dir, policy, database, ledger_key_file, |_| {}).await
    }

    async fn prepare_with(
        dir: &tempfile::TempDir,
        policy: &str,
        database: Option<&TestDatabase>,
        ledger_key_file: Option<PathBuf>,
        tweak: impl FnOnce(&mut Settings),
    ) -> Result<(AppState, vow_server::serve::Started), vow_server::serve::ServeError> {
        let path = dir.path().join("policy.yaml");
        std::fs::write(&path, policy).expect("write policy");
        let mut settings = Settings {
            data_dir: Some(dir.path().join("data")),
            policy: Some(path),
            database: database.as_ref().map(|d| d.url.clone()),
            ledger_key_file,
            ..Settings::default()
        };
        tweak(&mut settings);
        let config = settings.resolve();
        let (state, started) = vow_server::serve::prepare(&config).await?;
        state
            .ready
            .store(true, std::sync::atomic::Ordering::Release);
        Ok((state, started))
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(key) = key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .expect("a request");
        self.send(request).await
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Answer {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        let admin = self.admin.clone();
        self.call(Method::GET, path, Some(&admin), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        let admin = self.admin.clone();
        self.call(Method::POST, path, Some(&admin), Some(body))
            .await
    }

    /// Decides one query with the admin key; panics on a non-200.
    pub async fn decide(&self, query: Value) -> Value {
        let answer = self.post("/v1/decisions", query).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.body
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

/// A running sync task, stopped when dropped.
pub struct Sync(tokio::task::JoinHandle<()>);

impl Drop for Sync {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A PostgreSQL database of the test's own, dropped when it ends.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        use sqlx::Executor;
        let name = format!("vow_server_test_{}", uuid_like());
        let pool = sqlx::PgPool::connect(&format!("{POSTGRES}/postgres"))
            .await
            .expect("PostgreSQL runs on 127.0.0.1:5432");
        pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("create database");
        pool.close().await;
        TestDatabase {
            url: format!("{POSTGRES}/{name}"),
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside any runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                use sqlx::Executor;
                if let Ok(pool) = sqlx::PgPool::connect(&format!("{POSTGRES}/postgres")).await {
                    let _ = pool
                        .execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    format!("{}_{}", std::process::id(), nanos)
}
