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

use std::time::{Duration, Instant};

use common::browser::{Driver, serve};
use serde_json::{Value, json};
use vow_store::{EventKind, Store};

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
                EventKind::ConsentGiven { purpose, .. } => Some((purpose, true, source)),
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

    // Withdraw: the cookie is deleted, and the page reloads, so that the
    // script that already ran stops; it does not run again.
    s.js("window.vowBeforeWithdrawal = true; vow.open()").await;
    s.until("document.getElementById('vow-c-analytics')").await;
    s.click("#vow-c-analytics").await;
    s.click("#vow-banner .vow-alt").await;
    s.until("!window.vowBeforeWithdrawal && document.readyState == 'complete'")
        .await;
    assert!(!s.cookies().await.contains(&"_ga".to_owned()));
    assert_eq!(s.js("return window.vowDemoAnalyticsRan || 0").await, 0);

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

/// Kids Code Dojo (seed with `_ga_*`): the keyboard reaches and works the
/// banner; rejecting deletes cookies by pattern on every path; accepting
/// loads the blocked frame; a material change of the banner asks again;
/// dark mode is honoured (screenshot).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_patterns_frames_and_asking_again() {
    let (url, state, _dir) = serve("kids-coding-franchise").await;
    let driver = Driver::start().await;
    let s = driver.session(1280, 900).await;
    s.cdp(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]}),
    )
    .await;
    s.go(&format!("{url}/demo")).await;
    s.until("document.getElementById('vow-banner')").await;
    s.screenshot("banner-dark.png").await;
    s.cdp("Emulation.setEmulatedMedia", json!({"features": []}))
        .await;

    // Cookies a tracker left on two paths, matched by `_ga_*`.
    s.js("document.cookie = '_ga_ABC123=1; path=/'; document.cookie = '_ga_XYZ=1; path=/demo'")
        .await;
    assert!(
        s.js("return document.cookie")
            .await
            .as_str()
            .unwrap()
            .contains("_ga_XYZ")
    );

    // The focus is on the first button; Enter works it.
    let focused = s.call(reqwest::Method::GET, "/element/active", None).await;
    let element = focused
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(Value::as_str)
        .unwrap()
        .to_owned();
    let text = s
        .call(
            reqwest::Method::GET,
            &format!("/element/{element}/text"),
            None,
        )
        .await;
    assert_eq!(text, "Reject all");
    s.call(
        reqwest::Method::POST,
        &format!("/element/{element}/value"),
        Some(json!({"text": "\u{E007}"})),
    )
    .await;
    s.until("!document.getElementById('vow-banner')").await;
    let left = s.js("return document.cookie").await;
    assert!(!left.as_str().unwrap().contains("_ga_"), "{left}");
    assert_eq!(
        s.js("return document.querySelector('iframe[data-vow-category]').getAttribute('src')")
            .await,
        Value::Null,
        "the advertising frame stays blocked"
    );

    // Accept all in the second layer: the frame loads.
    s.js("vow.open()").await;
    s.until("document.getElementById('vow-c-advertising')")
        .await;
    s.click("#vow-banner .vow-main:nth-of-type(2)").await;
    s.until(
        "document.querySelector('iframe[data-vow-category]').getAttribute('src') == 'about:blank'",
    )
    .await;

    // A choice made under another banner (a category or tracker since
    // added) is asked again; the same banner is not.
    s.go(&format!("{url}/demo")).await;
    s.until("document.readyState == 'complete'").await;
    assert_eq!(
        s.js("return !!document.getElementById('vow-banner')").await,
        false
    );
    s.js("var c = JSON.parse(decodeURIComponent(document.cookie.match(/vow_consent=([^;]*)/)[1])); c.m = 'an-older-banner'; document.cookie = 'vow_consent=' + encodeURIComponent(JSON.stringify(c)) + '; path=/'")
        .await;
    s.go(&format!("{url}/demo")).await;
    s.until("document.getElementById('vow-banner')").await;
    assert_eq!(s.js("return vow.consent()").await, Value::Null);
    s.quit().await;
    state.store.close().await;
}

/// A choice that claims a banner this server does not show (another text,
/// another policy version) proves nothing, and is not recorded.
#[tokio::test]
async fn a_choice_from_another_banner_is_refused() {
    let app = common::TestApp::sqlite(&common::example("course-shop")).await;
    let config = vow_server::banner::config(app.state.policy.policy());
    let choice = |text_hash: &str| {
        json!({"visitor": "0193b8a2-7f3c-7d2e-9a55-5e1f00c0ffee", "choices": {"analytics": true},
            "text_hash": text_hash, "policy": config["policy"]})
    };
    let forged = app
        .call(
            axum::http::Method::POST,
            "/v1/banner/consent",
            None,
            Some(choice(&"0".repeat(64))),
        )
        .await;
    assert_eq!(forged.status, axum::http::StatusCode::CONFLICT);
    assert_eq!(forged.body["error"]["code"], "banner_outdated");
    let visitor = "visitor:0193b8a2-7f3c-7d2e-9a55-5e1f00c0ffee";
    assert!(
        app.state
            .store
            .subject_events(visitor, 0, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let real = app
        .call(
            axum::http::Method::POST,
            "/v1/banner/consent",
            None,
            Some(choice(config["text_hash"].as_str().unwrap())),
        )
        .await;
    assert_eq!(
        real.status,
        axum::http::StatusCode::CREATED,
        "{}",
        real.body
    );
    assert_eq!(
        app.state
            .store
            .subject_events(visitor, 0, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}
