//! `vow serve` as a real process: first start with no configuration, a
//! graceful stop, acknowledged writes that survive `kill -9`, several
//! processes on one PostgreSQL store, requests run from the command line
//! while servers run (SQLite and PostgreSQL), and a policy with errors.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";

/// A running `vow serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
    admin: Option<String>,
}

impl Server {
    fn start(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vow"));
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--json", "--log", "warn"])
            .args(extra)
            .current_dir(dir)
            .env_remove("VOW_LEDGER_KEY")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("vow serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("vow serve says where it listens");
        let started: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
        Server {
            child,
            url: started["url"].as_str().expect("url").to_owned(),
            admin: started["admin_key"].as_str().map(str::to_owned),
        }
    }

    fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// SIGTERM, then the exit code.
    fn terminate(mut self) -> i32 {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "vow serve did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn call(method: reqwest::Method, url: &str, key: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = client().request(method, url).bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

#[test]
fn serve_starts_with_no_configuration_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]);
    let admin = server.admin.clone().expect("an admin key on first start");
    assert!(
        dir.path().join("vow-data/policy.yaml").exists(),
        "the example policy is written"
    );
    assert!(dir.path().join("vow-data/vow.db").exists());
    let health = client()
        .get(format!("{}/healthz", server.url))
        .send()
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let (status, decision) = call(
        reqwest::Method::POST,
        &format!("{}/v1/decisions", server.url),
        &admin,
        Some(json!({"purpose": "provide_services"})),
    );
    assert_eq!(status, 200, "{decision}");
    assert_eq!(decision["policy_version"], "1");

    // A second server on the same data directory is refused.
    let second = Command::new(env!("CARGO_BIN_EXE_vow"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("another `vow serve` is using vow-data")
    );

    assert_eq!(server.terminate(), 0, "SIGTERM stops vow cleanly");

    let again = Server::start(dir.path(), &[], &[]);
    assert_eq!(
        again.admin, None,
        "the admin key is shown on first start only"
    );
    let (status, _) = call(
        reqwest::Method::GET,
        &format!("{}/v1/policy", again.url),
        &admin,
        None,
    );
    assert_eq!(status, 200, "the first key still works");
}

#[test]
fn a_policy_with_errors_is_refused_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/course-shop/policy.yaml"),
    )
    .unwrap()
    .replacen("basis: contract", "basis: contrat", 1);
    std::fs::write(&policy, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vow"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--policy",
            policy.to_str().unwrap(),
        ])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("policy.yaml:68:12"), "{err}");
    assert!(err.contains("did you mean `contract`?"), "{err}");
}

/// Clients write consents as fast as they can; the server is killed with
/// SIGKILL mid-stream; after a restart every acknowledged event is there
/// and the chain verifies.
fn acknowledged_writes_survive_kill_9(extra: &[&str], env: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), extra, env);
    let admin = server.admin.clone().expect("admin key");
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (url, admin, acknowledged, stop) = (server.url.clone(), admin.clone(), Arc::clone(&acknowledged), Arc::clone(&stop));
            std::thread::spawn(move || {
                let client = client();
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let (subject, id) = (format!("client-{c}-subject-{}", i % 5), format!("crash-{c}-{i}"));
                    let sent = client
                        .post(format!("{url}/v1/subjects/{subject}/consents"))
                        .bearer_auth(&admin)
                        .json(&json!({"id": id, "purposes": {"promotional_messages": i % 3 != 0}, "source": {"channel": "banner"}}))
                        .send();
                    match sent {
                        Ok(r) if r.status().as_u16() == 201 => acknowledged.lock().unwrap().push((subject, id)),
                        Ok(r) => panic!("unexpected answer {}", r.status()),
                        Err(_) => break, // the server is gone
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().unwrap().len() < 400 {
        assert!(
            Instant::now() < deadline,
            "too slow: {} acks",
            acknowledged.lock().unwrap().len()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill_9();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client thread");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 400);

    let server = Server::start(dir.path(), extra, env);
    let mut stored = std::collections::HashSet::new();
    let mut after = 0u64;
    loop {
        let (status, page) = call(
            reqwest::Method::GET,
            &format!("{}/v1/ledger/events?after={after}", server.url),
            &admin,
            None,
        );
        assert_eq!(status, 200, "{page}");
        for e in page["events"].as_array().unwrap() {
            stored.insert(e["id"].as_str().unwrap().to_owned());
        }
        match page["next"].as_u64() {
            Some(next) => after = next,
            None => break,
        }
    }
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|(_, id)| !stored.contains(id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged events lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    let (_, verified) = call(
        reqwest::Method::GET,
        &format!("{}/v1/ledger/verify", server.url),
        &admin,
        None,
    );
    assert_eq!(verified["intact"], true, "{verified}");
    // The materialised state agrees with the events.
    let (subject, id) = acknowledged.last().unwrap();
    let (_, state) = call(
        reqwest::Method::GET,
        &format!("{}/v1/subjects/{subject}", server.url),
        &admin,
        None,
    );
    assert!(state["events"].as_u64().unwrap() >= 1, "{id}: {state}");
}

#[test]
fn acknowledged_writes_survive_kill_9_on_sqlite() {
    acknowledged_writes_survive_kill_9(&[], &[]);
}

/// A PostgreSQL database of the test's own, dropped afterwards.
struct Database(String);

impl Database {
    fn create(tag: &str) -> Database {
        let name = format!("vow_cli_{tag}_{}_{}", std::process::id(), rand_nanos());
        psql(&format!("CREATE DATABASE {name}"));
        Database(name)
    }

    fn url(&self) -> String {
        format!("{POSTGRES}/{}", self.0)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.0));
    }
}

fn rand_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn psql(sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use sqlx::Executor;
        let pool = sqlx::PgPool::connect(&format!("{POSTGRES}/postgres"))
            .await
            .expect("PostgreSQL on 127.0.0.1:5432");
        pool.execute(sqlx::AssertSqlSafe(sql.to_owned()))
            .await
            .expect(sql);
        pool.close().await;
    });
}

const KEY: &str = "5f1e0c7a9b3d4e2f8a6c1b0d9e7f3a2c4b6d8e0f1a3c5e7b9d2f4a6c8e0b1d3f";

#[test]
fn acknowledged_writes_survive_kill_9_on_postgresql() {
    let db = Database::create("crash");
    acknowledged_writes_survive_kill_9(&["--database", &db.url()], &[("VOW_LEDGER_KEY", KEY)]);
}

#[test]
fn servers_sharing_postgresql_see_each_others_writes() {
    let db = Database::create("shared");
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let flags = ["--database", &db.url(), "--sync-interval-ms", "100"];
    let env = [("VOW_LEDGER_KEY", KEY)];
    let a = Server::start(a_dir.path(), &flags, &env);
    let admin = a
        .admin
        .clone()
        .expect("the first process creates the admin key");
    let b = Server::start(b_dir.path(), &flags, &env);
    assert_eq!(b.admin, None, "the second process finds it");

    let query = json!({"subject": "shared-1", "purpose": "promotional_messages"});
    let (_, before) = call(
        reqwest::Method::POST,
        &format!("{}/v1/decisions", b.url),
        &admin,
        Some(query.clone()),
    );
    assert_eq!(before["allowed"], false);
    let (status, _) = call(
        reqwest::Method::POST,
        &format!("{}/v1/subjects/shared-1/consents", a.url),
        &admin,
        Some(json!({"purposes": {"promotional_messages": true}})),
    );
    assert_eq!(status, 201);
    // B cached the empty state; it must see A's write within the sync interval.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let (_, d) = call(
            reqwest::Method::POST,
            &format!("{}/v1/decisions", b.url),
            &admin,
            Some(query.clone()),
        );
        if d["allowed"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "B never saw A's consent");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Both processes write to one chain.
    for i in 0..20 {
        let server = if i % 2 == 0 { &a } else { &b };
        let (status, _) = call(
            reqwest::Method::POST,
            &format!("{}/v1/subjects/shared-{i}/purchases", server.url),
            &admin,
            Some(json!({})),
        );
        assert_eq!(status, 201);
    }
    let (_, verified) = call(
        reqwest::Method::GET,
        &format!("{}/v1/ledger/verify", b.url),
        &admin,
        None,
    );
    assert_eq!(verified["intact"], true, "{verified}");
    // A key made on A works on B once B has synced.
    let (_, key) = call(
        reqwest::Method::POST,
        &format!("{}/v1/keys", a.url),
        &admin,
        Some(json!({"name": "b", "scopes": ["decide"]})),
    );
    let token = key["token"].as_str().unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while call(
        reqwest::Method::POST,
        &format!("{}/v1/decisions", b.url),
        token,
        Some(query.clone()),
    )
    .0 != 200
    {
        assert!(Instant::now() < deadline, "B never loaded the key");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn keys_made_on_the_command_line_work_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--sync-interval-ms", "50"], &[]);
    let out = Command::new(env!("CARGO_BIN_EXE_vow"))
        .args([
            "keys", "create", "--scope", "decide", "--name", "shop", "--json",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key: Value = serde_json::from_slice(&out.stdout).unwrap();
    let token = key["token"].as_str().unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while call(
        reqwest::Method::POST,
        &format!("{}/v1/decisions", server.url),
        token,
        Some(json!({"purpose": "provide_services"})),
    )
    .0 != 200
    {
        assert!(Instant::now() < deadline, "the server never loaded the key");
        std::thread::sleep(Duration::from_millis(20));
    }
    let list = Command::new(env!("CARGO_BIN_EXE_vow"))
        .args(["keys", "list", "--json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list["keys"].as_array().unwrap().len(), 2);
    assert!(
        !String::from_utf8_lossy(&serde_json::to_vec(&list).unwrap())
            .contains(token.rsplit('_').next().unwrap())
    );

    // A key for a staff role the policy declares (AGENCY-09); a role it
    // does not declare is refused with the roles it has.
    let agency = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/dev-agency/policy.yaml"
    );
    let keys = |role: &str| {
        Command::new(env!("CARGO_BIN_EXE_vow"))
            .args(["keys", "create", "--scope", "read", "--role", role])
            .args(["--policy", agency, "--json"])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = keys("support_staff");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(key["role"], "support_staff");
    let out = keys("janitor");
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("declares no role `janitor`")
            && err.contains("system_administrator, support_staff"),
        "{err}"
    );
    let list = Command::new(env!("CARGO_BIN_EXE_vow"))
        .args(["keys", "list", "--json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list["keys"].as_array().unwrap().len(), 3);
    assert_eq!(list["keys"][2]["role"], "support_staff");
}

const KIDS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/kids-coding-franchise/policy.yaml"
);

/// `vow <args>` from `dir` on the store its flags name; its stdout as JSON.
fn vow_json(dir: &Path, args: &[&str], store: &[&str], env: &[(&str, &str)]) -> Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vow"));
    command
        .args(args)
        .args(store)
        .args(["--policy", KIDS, "--json"])
        .current_dir(dir)
        .env_remove("VOW_LEDGER_KEY");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("vow runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// The rule of the first denial of `query` on `server`, `None` for an allow.
fn denied_by(server: &Server, key: &str, query: &Value) -> Option<String> {
    let (status, decision) = call(
        reqwest::Method::POST,
        &format!("{}/v1/decisions", server.url),
        key,
        Some(query.clone()),
    );
    assert_eq!(status, 200, "{decision}");
    (decision["allowed"] != true)
        .then(|| decision["reasons"][0]["rule"].as_str().unwrap().to_owned())
}

/// Restriction, objection to a purpose, objection to direct marketing and
/// erasure, opened, verified and run with `vow request` beside running
/// servers (the last two by the background run, `--due`): each server
/// denies within `bound`. Returns how long each took, per server.
fn requests_beside_servers(
    dir: &Path,
    servers: &[&Server],
    admin: &str,
    store: &[&str],
    env: &[(&str, &str)],
    bound: Duration,
) -> Vec<(&'static str, Vec<Duration>)> {
    // promise: KIDS-14 (restriction, objection, erasure), KIDS-05 (an
    // objection to marketing effective at once)
    let location = |s: &str| json!({"subject": s, "purpose": "location_features", "categories": ["user.location.precise"]});
    let mail = |s: &str| json!({"subject": s, "purpose": "email_marketing", "categories": ["user.contact.email"], "channel": "email"});
    let rights: [(&str, &[&str], Value, &str); 4] = [
        (
            "restriction",
            &["--right", "restriction"],
            location("cli-r"),
            "restricted",
        ),
        (
            "objection",
            &["--right", "objection", "--purpose", "location_features"],
            location("cli-o"),
            "objection",
        ),
        (
            "objection-dm",
            &["--right", "objection"],
            mail("cli-m"),
            "objection-direct-marketing",
        ),
        (
            "erasure",
            &["--right", "erasure"],
            location("cli-e"),
            "erased",
        ),
    ];
    let server = servers[0];
    for (_, _, query, _) in &rights {
        let subject = query["subject"].as_str().unwrap();
        let (status, body) = call(
            reqwest::Method::PATCH,
            &format!("{}/v1/subjects/{subject}", server.url),
            admin,
            Some(json!({"jurisdiction": "GB", "kind": "parent"})),
        );
        assert_eq!(status, 201, "{body}");
        let (status, body) = call(
            reqwest::Method::POST,
            &format!("{}/v1/subjects/{subject}/consents", server.url),
            admin,
            Some(json!({"purposes": {"location_features": true, "email_marketing": true}})),
        );
        assert_eq!(status, 201, "{body}");
        for s in servers {
            // Allowed, and so in each server's cache.
            assert_eq!(denied_by(s, admin, query), None, "{subject} before");
        }
    }
    let mut took = Vec::new();
    let mut due = Vec::new();
    for (name, right, query, rule) in &rights {
        let subject = query["subject"].as_str().unwrap();
        let id = format!("req-{subject}");
        let mut create = vec![
            "request",
            "create",
            "--subject",
            subject,
            "--jurisdiction",
            "GB",
            "--id",
            &id,
            "--by",
            "staff",
        ];
        create.extend_from_slice(right);
        vow_json(dir, &create, store, env);
        vow_json(
            dir,
            &["request", "verify", &id, "--method", "email-on-file"],
            store,
            env,
        );
        if name.starts_with("objection-dm") || *name == "erasure" {
            due.push((*name, query, *rule));
            continue;
        }
        let ran = vow_json(dir, &["request", "run", &id], store, env);
        assert_eq!(ran[0]["request"]["state"]["state"], "completed", "{ran}");
        took.push((*name, until_denied(servers, admin, query, rule, bound)));
    }
    // The background run: every request that is due, from another process.
    let ran = vow_json(dir, &["request", "run", "--due"], store, env);
    assert_eq!(ran.as_array().unwrap().len(), 2, "{ran}");
    for (name, query, rule) in due {
        took.push((name, until_denied(servers, admin, query, rule, bound)));
    }
    took
}

/// How long each server takes to deny `query` by `rule`, from now.
fn until_denied(
    servers: &[&Server],
    admin: &str,
    query: &Value,
    rule: &str,
    bound: Duration,
) -> Vec<Duration> {
    let start = Instant::now();
    servers
        .iter()
        .map(|s| {
            loop {
                if denied_by(s, admin, query).as_deref() == Some(rule) {
                    break start.elapsed();
                }
                assert!(
                    start.elapsed() < bound,
                    "{query}: not denied by `{rule}` within {bound:?}"
                );
                std::thread::sleep(Duration::from_millis(2));
            }
        })
        .collect()
}

#[test]
fn requests_run_from_the_command_line_reach_a_running_server_on_sqlite() {
    // `vow serve` holds the data directory; `vow request` writes the same
    // SQLite file from another process, and the server's sync task finds
    // it at its next look (every 100 ms here).
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &["--policy", KIDS, "--sync-interval-ms", "100"],
        &[],
    );
    let admin = server.admin.clone().unwrap();
    let took = requests_beside_servers(
        dir.path(),
        &[&server],
        &admin,
        &[],
        &[],
        Duration::from_secs(3),
    );
    eprintln!("SQLite, vow request beside vow serve (100 ms looks): {took:?}");
}

#[test]
fn requests_run_from_the_command_line_reach_servers_on_postgresql_at_once() {
    // Two servers that look only every minute: what they see in time,
    // they heard (LISTEN/NOTIFY).
    let db = Database::create("beside");
    let url = db.url();
    let (a_dir, b_dir, cli_dir) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let env = [("VOW_LEDGER_KEY", KEY)];
    let flags = [
        "--database",
        &url,
        "--policy",
        KIDS,
        "--sync-interval-ms",
        "60000",
    ];
    let a = Server::start(a_dir.path(), &flags, &env);
    let admin = a.admin.clone().unwrap();
    let b = Server::start(b_dir.path(), &flags, &env);
    let took = requests_beside_servers(
        cli_dir.path(),
        &[&a, &b],
        &admin,
        &["--database", &url],
        &env,
        Duration::from_secs(2),
    );
    eprintln!("PostgreSQL, vow request beside two vow serve: {took:?}");
}
