//! The cookie banner in real headless Chromium, driven by chromedriver
//! (Debian's `chromium` and `chromium-driver`; `./scripts/test` installs
//! them), against `vow serve`'s own demo page on a real socket: the first
//! visit shows it; reject all runs no blocked script and sets no analytics
//! cookie; allowing analytics runs the script once and sets its cookie;
//! withdrawing deletes it; Consent Mode is denied first, then updated;
//! every choice is in the ledger with what the person saw; with Global
//! Privacy Control, advertising stays off and the banner says so.
//! Screenshots go to `target/banner-screenshots/` (and to
//! `docs/screenshots/` with `VOW_UPDATE_SCREENSHOTS=1`).

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vow_server::Settings;
use vow_store::{EventKind, Store};

struct Driver {
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

struct Session<'d> {
    driver: &'d Driver,
    id: String,
}

impl Driver {
    async fn start() -> Driver {
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

    async fn session(&self, width: u32, height: u32) -> Session<'_> {
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
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
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

    async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    async fn js(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Waits until `script` returns something truthy.
    async fn until(&self, script: &str) -> Value {
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

    async fn click(&self, selector: &str) {
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

    async fn cookies(&self) -> Vec<String> {
        self.call(reqwest::Method::GET, "/cookie", None)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn screenshot(&self, name: &str) {
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
    async fn axe(&self) -> Vec<String> {
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
                    json!({"script": "var done = arguments[arguments.length - 1];
                    axe.run(document.getElementById('vow-banner'),
                        {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})
                      .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.length)))
                      .catch(e => done(['axe failed: ' + e]));", "args": []}),
                ),
            )
            .await;
        serde_json::from_value(found).unwrap()
    }

    /// Runs a Chrome DevTools command (to turn on Global Privacy Control,
    /// which Chromium does not send by itself).
    async fn cdp(&self, cmd: &str, params: Value) {
        self.call(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
        .await;
    }

    async fn quit(self) {
        let url = format!("{}/session/{}", self.driver.url, self.id);
        let _ = self.driver.http.delete(url).send().await;
    }
}

/// A server on a socket of its own, running `policy`.
async fn serve(policy: &str) -> (String, vow_server::AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.yaml");
    std::fs::write(&path, common::example(policy)).unwrap();
    let config = Settings {
        data_dir: Some(dir.path().join("data")),
        policy: Some(path),
        ..Settings::default()
    }
    .resolve();
    let (state, _) = vow_server::serve::prepare(&config)
        .await
        .expect("it starts");
    state
        .ready
        .store(true, std::sync::atomic::Ordering::Release);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = vow_server::app(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (url, state, dir)
}

/// The consents the ledger holds for the visitor whose cookie the browser has.
async fn ledger_choices(
    state: &vow_server::AppState,
    visitor: &str,
    purpose: &str,
) -> Vec<(String, bool, Value)> {
    let events = state
        .store
        .subject_events(&format!("visitor:{visitor}"), 0, 100)
        .await
        .unwrap();
    events
        .into_iter()
        .filter_map(|e| {
            let source = json!({
                "channel": e.source.channel,
                "version": e.source.document_version,
                "text_hash": e.source.text_hash,
                "ip": e.source.ip,
            });
            match e.kind {
                EventKind::ConsentGiven { purpose } => Some((purpose, true, source)),
                EventKind::ConsentWithdrawn { purpose } => Some((purpose, false, source)),
                _ => None,
            }
            .filter(|(p, _, _)| purpose.is_empty() || p == purpose)
        })
        .collect()
}

/// The purpose behind Google Analytics in seed 003 (course-shop).
const PURPOSE: &str = "web_analytics";

const VISITOR: &str =
    "JSON.parse(decodeURIComponent(document.cookie.match(/vow_consent=([^;]*)/)[1])).v";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_banner_blocks_until_allowed_and_records_every_choice() {
    let (url, state, _dir) = serve("course-shop").await;
    let driver = Driver::start().await;
    let s = driver.session(1280, 900).await;
    s.go(&format!("{url}/demo")).await;

    // First visit: the banner, Consent Mode denied by default, nothing run.
    s.until("document.getElementById('vow-banner')").await;
    s.screenshot("banner-desktop.png").await;
    assert_eq!(s.axe().await, Vec::<String>::new(), "the first layer");
    let defaults = s
        .js("return dataLayer.map(a => [a[0], a[1], a[2].analytics_storage])")
        .await;
    assert_eq!(defaults, json!([["consent", "default", "denied"]]));
    assert_eq!(s.js("return window.vowDemoAnalyticsRan || 0").await, 0);

    // Reject all: no analytics cookie, no blocked script run.
    s.click("#vow-banner .vow-main:first-of-type").await;
    s.until("!document.getElementById('vow-banner')").await;
    assert_eq!(s.js("return window.vowDemoAnalyticsRan || 0").await, 0);
    let cookies = s.cookies().await;
    assert!(cookies.contains(&"vow_consent".to_owned()), "{cookies:?}");
    assert!(!cookies.contains(&"_ga".to_owned()), "{cookies:?}");
    let visitor = s.js(&format!("return {VISITOR}")).await;
    let visitor = visitor.as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut recorded = ledger_choices(&state, &visitor, PURPOSE).await;
    while recorded.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        recorded = ledger_choices(&state, &visitor, PURPOSE).await;
    }
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let (purpose, given, source) = &recorded[0];
    assert_eq!((purpose.as_str(), *given), ("web_analytics", false));
    assert_eq!(source["channel"], "banner");
    assert_eq!(
        source["text_hash"].as_str().map(str::len),
        Some(64),
        "what the person saw: {source}"
    );
    assert_eq!(source["ip"], "127.0.0.0", "the address, truncated");

    // The second layer: allow analytics. The script runs once, its cookie is set.
    s.js("vow.open()").await;
    s.until("document.getElementById('vow-c-analytics')").await;
    s.js("document.querySelectorAll('#vow-banner details').forEach(d => d.open = true)")
        .await;
    s.screenshot("banner-second-layer.png").await;
    assert_eq!(s.axe().await, Vec::<String>::new(), "the second layer");
    s.click("#vow-c-analytics").await;
    s.click("#vow-banner .vow-alt").await;
    s.until("window.vowDemoAnalyticsRan === 1").await;
    assert!(s.cookies().await.contains(&"_ga".to_owned()));
    let updates = s
        .js("return dataLayer.filter(a => a[1] == 'update').map(a => a[2].analytics_storage)")
        .await;
    assert_eq!(
        updates,
        json!(["denied", "granted"]),
        "Consent Mode, in order"
    );

    // Withdraw: the cookie is deleted, the script does not run again.
    s.js("vow.open()").await;
    s.until("document.getElementById('vow-c-analytics')").await;
    s.click("#vow-c-analytics").await;
    s.click("#vow-banner .vow-alt").await;
    s.until("!document.cookie.includes('_ga=')").await;
    assert_eq!(s.js("return window.vowDemoAnalyticsRan").await, 1);

    // A new visit remembers the choice: no banner.
    s.go(&format!("{url}/demo")).await;
    s.until("document.readyState == 'complete'").await;
    assert_eq!(
        s.js("return !!document.getElementById('vow-banner')").await,
        false
    );
    assert_eq!(s.js("return vow.consent().analytics").await, false);

    let deadline = Instant::now() + Duration::from_secs(5);
    let mut recorded = ledger_choices(&state, &visitor, PURPOSE).await;
    while recorded.len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        recorded = ledger_choices(&state, &visitor, PURPOSE).await;
    }
    let given: Vec<bool> = recorded.iter().map(|(_, g, _)| *g).collect();
    assert_eq!(given, [false, true, false], "every choice, in order");
    s.quit().await;

    // A phone.
    let phone = driver.session(390, 844).await;
    phone.go(&format!("{url}/demo")).await;
    phone.until("document.getElementById('vow-banner')").await;
    phone.screenshot("banner-phone.png").await;
    phone.quit().await;
    state.store.close().await;
}

/// KIDS-13: with Global Privacy Control on, advertising and social media
/// stay off whatever is clicked, and the banner says the signal was honoured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_privacy_control_keeps_advertising_off() {
    let (url, state, _dir) = serve("kids-coding-franchise").await;
    let driver = Driver::start().await;
    let s = driver.session(1280, 900).await;
    s.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})"}),
    )
    .await;
    s.go(&format!("{url}/demo")).await;
    s.until("document.getElementById('vow-banner')").await;
    let note = s
        .js("return document.querySelector('#vow-banner .vow-gpc').textContent")
        .await;
    assert!(
        note.as_str().unwrap().contains("Global Privacy Control"),
        "{note}"
    );
    s.screenshot("banner-gpc.png").await;
    // Accept all: advertising stays off.
    s.click("#vow-banner .vow-main:nth-of-type(2)").await;
    s.until("!document.getElementById('vow-banner')").await;
    assert_eq!(s.js("return vow.consent().advertising").await, false);
    assert_eq!(s.js("return vow.consent().analytics").await, true);
    let ads = s
        .js("return dataLayer.filter(a => a[1] == 'update').map(a => a[2].ad_storage)")
        .await;
    assert_eq!(ads, json!(["denied"]));
    let visitor = s.js(&format!("return {VISITOR}")).await;
    let visitor = visitor.as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut recorded = ledger_choices(&state, &visitor, "").await;
    while recorded.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        recorded = ledger_choices(&state, &visitor, "").await;
    }
    assert!(!recorded.is_empty());
    for (purpose, given, _) in &recorded {
        if purpose.contains("advertis") || purpose.contains("social") {
            assert!(!given, "{purpose} refused under GPC: {recorded:?}");
        }
    }
    s.quit().await;
    state.store.close().await;
}

/// The `Sec-GPC: 1` header of the request for the script counts as the
/// signal too, and caches keep the two answers apart.
#[tokio::test]
async fn the_sec_gpc_header_reaches_the_banner() {
    let app = common::TestApp::sqlite(&common::example("kids-coding-franchise")).await;
    let plain = app
        .send(
            axum::http::Request::get("/banner.js")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let signalled = app
        .send(
            axum::http::Request::get("/banner.js")
                .header("sec-gpc", "1")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(signalled.headers["vary"], "Sec-GPC");
    assert_ne!(plain.headers["etag"], signalled.headers["etag"]);
    let text = |a: &common::Answer| a.body.as_str().unwrap_or_default().to_owned();
    assert!(text(&signalled).contains("\"gpc_header\":true"));
    assert!(text(&plain).contains("\"gpc_header\":false"));
    let gpc = app
        .send(
            axum::http::Request::get("/.well-known/gpc.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(gpc.body["gpc"], true, "{}", gpc.body);
}

/// The page's language picks the banner's: French for the Paris shop
/// (seed 003), Ukrainian, English otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_banner_speaks_the_language_of_the_page() {
    let (url, state, _dir) = serve("course-shop").await;
    let driver = Driver::start().await;
    let s = driver.session(1280, 900).await;
    for (lang, reject, title) in [
        ("fr", "Tout refuser", "Vos choix en matière de cookies"),
        ("uk", "Відхилити всі", "Ваш вибір щодо файлів cookie"),
        ("de", "Reject all", "Your cookie choices"),
    ] {
        s.go(&format!("{url}/demo?lang={lang}")).await;
        s.until("document.getElementById('vow-banner')").await;
        let shown = s
            .js("return [document.getElementById('vow-t').textContent, document.querySelector('#vow-banner .vow-main').textContent]")
            .await;
        assert_eq!(shown, json!([title, reject]), "{lang}");
        if lang == "fr" {
            s.screenshot("banner-fr.png").await;
        }
    }
    s.quit().await;
    state.store.close().await;
}
