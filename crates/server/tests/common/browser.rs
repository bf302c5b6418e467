//! Headless Chromium through chromedriver, for the tests of the pages
//! people see (the banner, the privacy centre), and a server on a real
//! socket for it to open.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vow_server::Settings;

pub struct Driver {
    child: Child,
    url: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Session<'d> {
    driver: &'d Driver,
    id: String,
}

impl Driver {
    pub async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is not installed: run ./scripts/test, which installs it");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            _profile: tempfile::tempdir().unwrap(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(r) = driver
                .http
                .get(format!("{}/status", driver.url))
                .send()
                .await
                && r.status().is_success()
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start");
    }

    pub async fn session(&self, width: u32, height: u32) -> Session<'_> {
        let profile = self._profile.path().join(format!("p{width}"));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}")]
            }
        }}});
        let answer: Value = self
            .http
            .post(format!("{}/session", self.url))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {answer}"))
            .to_owned();
        Session { driver: self, id }
    }
}

impl Session<'_> {
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.driver.url, self.id);
        let mut request = self.driver.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        if answer["value"].get("error").is_some() {
            panic!("webdriver {path}: {answer}");
        }
        answer["value"].clone()
    }

    pub async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    pub async fn js(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Waits until `script` returns something truthy.
    pub async fn until(&self, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = self.js(&format!("return ({script}) || null")).await;
            if !(v.is_null() || v == false) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {script}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn click(&self, selector: &str) {
        let found = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": selector})),
            )
            .await;
        let element = found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("an element")
            .to_owned();
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
    }

    pub async fn cookies(&self) -> Vec<String> {
        self.call(reqwest::Method::GET, "/cookie", None)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn screenshot(&self, name: &str) {
        use base64::Engine;
        let png = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        assert!(bytes.len() > 5_000, "{name}: a blank screenshot?");
        let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/banner-screenshots");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(name), &bytes).unwrap();
        if std::env::var_os("VOW_UPDATE_SCREENSHOTS").is_some() {
            let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
            std::fs::write(docs.join(name), &bytes).unwrap();
        }
    }

    /// axe-core's violations in the banner (WCAG 2.1 A and AA, and its
    /// best practices), as `rule: nodes`.
    pub async fn axe(&self) -> Vec<String> {
        self.axe_in("document.getElementById('vow-banner')").await
    }

    /// axe-core's violations in the element `target` (a JS expression).
    pub async fn axe_in(&self, target: &str) -> Vec<String> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/browser/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}: run ./scripts/test, which installs it",
                path.display()
            )
        });
        self.js(&source).await;
        let found = self
            .call(
                reqwest::Method::POST,
                "/execute/async",
                Some(
                    json!({"script": format!("var done = arguments[arguments.length - 1];
                    axe.run({target},
                        {{runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
                      .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.length)))
                      .catch(e => done(['axe failed: ' + e]));"), "args": []}),
                ),
            )
            .await;
        serde_json::from_value(found).unwrap()
    }

    /// Runs a Chrome DevTools command (to turn on Global Privacy Control,
    /// which Chromium does not send by itself).
    pub async fn cdp(&self, cmd: &str, params: Value) {
        self.call(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
        .await;
    }

    pub async fn quit(self) {
        let url = format!("{}/session/{}", self.driver.url, self.id);
        let _ = self.driver.http.delete(url).send().await;
    }
}

/// A server on a socket of its own, running the example `policy`, with
/// `settings` over the test's defaults.
pub async fn serve_with(
    policy: &str,
    settings: Settings,
) -> (String, vow_server::AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (url, state) = serve_in(dir.path(), policy, settings).await;
    (url, state, dir)
}

/// [`serve_with`] in `dir`: its `data` folder may hold datasets already.
pub async fn serve_in(
    dir: &std::path::Path,
    policy: &str,
    settings: Settings,
) -> (String, vow_server::AppState) {
    serve_text_in(dir, &super::example(policy), settings).await
}

/// [`serve_in`] with the policy's text rather than an example's name.
pub async fn serve_text_in(
    dir: &std::path::Path,
    policy: &str,
    settings: Settings,
) -> (String, vow_server::AppState) {
    let path = dir.join("policy.yaml");
    std::fs::write(&path, policy).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let config = Settings {
        data_dir: Some(dir.join("data")),
        policy: Some(path),
        public_url: Some(url.clone()),
        ..settings
    }
    .resolve();
    let (state, _) = vow_server::serve::prepare(&config)
        .await
        .expect("it starts");
    state
        .ready
        .store(true, std::sync::atomic::Ordering::Release);
    let app = vow_server::app(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (url, state)
}

/// [`serve_with`] the defaults.
pub async fn serve(policy: &str) -> (String, vow_server::AppState, tempfile::TempDir) {
    serve_with(policy, Settings::default()).await
}
