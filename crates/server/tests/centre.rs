//! The privacy centre in headless Chromium, as people use it, and its
//! protections over plain HTTP.
//!
//! In the browser, on Chinook (the organisation's own database, in
//! SQLite) with a local SMTP sink, a customer whom the organisation knows
//! by account id: chooses in the cookie banner, signs in by the link
//! mailed to them (once), finds their cookie choices, changes a consent
//! and a channel, asks for a copy of their data and downloads it, has
//! their name corrected in the database, reads the centre in French and
//! signs out, after which their old session cookie opens nothing. A
//! parent manages their child's data with what the policy allows for the
//! child, until the link ends; an agent asks for someone else. axe-core
//! finds nothing to fix. Screenshots: `docs/screenshots/centre-*.png`.
//!
//! Over HTTP: the limits on sign-in mail, login CSRF, single-use links.

mod common;

use std::io::Read;
use std::time::Duration;

use common::browser::{Driver, Session, serve_in, serve_with};
use serde_json::{Value, json};
use vow_mail::sink::Sink;
use vow_server::{AppState, Settings};
use vow_store::{Identity, IdentityKind, Store};

/// The requests table shows an access request (the same words are in the
/// form's options: only a cell says it was sent).
const ROW_ACCESS: &str =
    "[...document.querySelectorAll('td')].some(td => td.textContent == 'A copy of my data')";

/// Mails a sign-in link to `email` from the centre's form and returns it.
async fn ask_for_link(s: &Session<'_>, url: &str, sink: &Sink, email: &str) -> String {
    s.go(&format!("{url}/centre?lang=en")).await;
    s.until("document.getElementById('email')").await;
    s.js(&format!(
        "document.getElementById('email').value = '{email}'"
    ))
    .await;
    s.click("main form button").await;
    s.until("document.querySelector('h1').textContent == 'Check your e-mail'")
        .await;
    let mail = sink.next(Duration::from_secs(10)).await.unwrap();
    assert_eq!(mail.rcpt_to, [email.trim().to_lowercase()]);
    mail.text
        .as_deref()
        .unwrap()
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{url}/centre/link/")))
        .expect("a sign-in link in the mail")
        .to_owned()
}

fn names(cookies: &Value) -> Vec<&str> {
    cookies
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

/// Signs `email` in through the mailed link; checks that opening the link
/// alone signs no one in. Returns the link.
async fn sign_in(s: &Session<'_>, url: &str, sink: &Sink, email: &str) -> String {
    let link = ask_for_link(s, url, sink, email).await;
    s.go(&link).await;
    s.until("document.querySelector('main form button')").await;
    let cookies = s.call(reqwest::Method::GET, "/cookie", None).await;
    assert!(
        !names(&cookies).contains(&"vow_centre"),
        "nothing before Continue: {cookies}"
    );
    s.click("main form button").await;
    s.until("document.querySelector('h1') && document.querySelector('h1').textContent == 'Your privacy'")
        .await;
    link
}

/// `script` (which calls `done`) run in the page, for what a form cannot do.
async fn fetch(s: &Session<'_>, script: &str) -> Value {
    s.call(
        reqwest::Method::POST,
        "/execute/async",
        Some(json!({"script": format!("var done = arguments[arguments.length - 1]; {script}"), "args": []})),
    )
    .await
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap()
}

async fn record(state: &AppState, subject: &str, kinds: Vec<vow_store::EventKind>) {
    let staff = vow_store::Actor {
        kind: vow_store::ActorKind::Staff,
        id: "front-desk".into(),
    };
    state
        .record(state.events_by(subject, staff, vow_store::EventSource::default(), kinds))
        .await
        .unwrap();
}

/// The organisation knows Luís as customer-1, a parent in the UK, by his
/// address.
async fn luis_is_customer_1(state: &AppState) {
    record(
        state,
        "customer-1",
        vec![
            email_of(state, "luisg@embraer.com.br"),
            vow_store::EventKind::AttributesSet {
                jurisdiction: Some("GB".into()),
                birth_date: None,
                kind: Some("parent".into()),
                attributes: Default::default(),
            },
        ],
    )
    .await;
}

/// What the organisation does when it opens an account: link the address
/// to its own id for the person.
fn email_of(state: &AppState, email: &str) -> vow_store::EventKind {
    vow_store::EventKind::IdentityLinked {
        identity: IdentityKind::Email,
        value: Identity::parse(IdentityKind::Email, email)
            .unwrap()
            .stored(&state.identities),
    }
}

fn desk(state: &AppState) -> vow_dsr::runner::Desk<'_, vow_store::AnyStore> {
    vow_dsr::runner::Desk {
        store: &state.store,
        policy: state.policy.policy(),
        targets: &state.requests.targets,
        hash_key: &state.requests.hash_key,
        backoff: vow_dsr::runner::Backoff::default(),
        channel: "test",
        watch: &vow_dsr::runner::Quiet,
    }
}

async fn requests_of(state: &AppState, subject: &str) -> Vec<vow_store::RequestRecord> {
    state
        .store
        .requests(&vow_store::RequestQuery {
            subject: Some(subject.into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_signs_in_chooses_asks_corrects_and_signs_out() {
    // promise: KIDS-14 (access and rectification, identity verified first), SHOP-04
    let sink = Sink::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = common::chinook(dir.path());
    let (url, state) = serve_in(
        dir.path(),
        "kids-coding-franchise",
        Settings {
            mail: Some(sink.config()),
            ..Settings::default()
        },
    )
    .await;
    // The organisation knows Luís as customer-1, by his address.
    luis_is_customer_1(&state).await;
    let driver = Driver::start().await;
    let s = driver.session(1280, 1100).await;

    // On the site first: he accepts all cookies in the banner.
    s.go(&format!("{url}/demo")).await;
    s.until("document.getElementById('vow-banner')").await;
    s.click("#vow-banner .vow-main:nth-of-type(2)").await;
    s.until("!document.getElementById('vow-banner')").await;

    // The sign-in page: no violation; the page never says whether an
    // address is known.
    s.go(&format!("{url}/centre?lang=en")).await;
    s.until("document.getElementById('email')").await;
    assert_eq!(
        s.axe_in("document.querySelector('main')").await,
        Vec::<String>::new()
    );
    let link = sign_in(&s, &url, &sink, " LuisG@Embraer.com.br ").await;
    let cookies = s.call(reqwest::Method::GET, "/cookie", None).await;
    let session = cookies
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "vow_centre")
        .expect("a session")
        .clone();
    assert_eq!(session["httpOnly"], true);
    assert_eq!(session["sameSite"], "Lax");

    // The link worked once.
    s.go(&link).await;
    s.until("document.querySelector('h1')").await;
    let again = s.js("return document.body.textContent").await;
    assert!(text(&again).contains("used already"), "{again}");

    // Signed in as the organisation's customer-1, whose browser is now
    // linked: the banner's choices show.
    s.go(&format!("{url}/centre/me")).await;
    s.until("document.querySelector('h1')").await;
    let page = s.js("return document.body.textContent").await;
    assert!(
        text(&page).contains("Cookie choices in your browsers"),
        "{page}"
    );
    let identities = state.store.subject_identities("customer-1").await.unwrap();
    assert!(
        identities.iter().any(|(k, _)| *k == IdentityKind::Browser),
        "{identities:?}"
    );

    // A form without the session's token (as another site would post it)
    // is refused, and nothing is recorded.
    let before = state
        .store
        .subject_events("customer-1", 0, 100)
        .await
        .unwrap()
        .len();
    let forged = fetch(
        &s,
        "fetch('/centre/me/choices', {method: 'POST',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'},
            body: 'purpose=email_marketing'}).then(r => done(r.status))",
    )
    .await;
    assert_eq!(forged, 403);
    let after = state
        .store
        .subject_events("customer-1", 0, 100)
        .await
        .unwrap();
    assert_eq!(after.len(), before);

    // E-mail news on, text messages off, and the newsletter off by e-mail
    // alone (SHOP-04's matrix of kinds and channels): recorded for
    // customer-1.
    s.click("input[name=purpose][value=email_marketing]").await;
    s.click("input[name=channel][value=sms]").await;
    s.click("input[name=kind][value='newsletter/email']").await;
    s.screenshot("centre-choices.png").await;
    assert_eq!(
        s.axe_in("document.querySelector('main')").await,
        Vec::<String>::new()
    );
    s.click("form[action='/centre/me/choices'] button").await;
    s.until("document.querySelector('[role=status]')").await;
    let events = state
        .store
        .subject_events("customer-1", 0, 100)
        .await
        .unwrap();
    let kinds: Vec<Value> = events[before..]
        .iter()
        .map(|e| {
            assert_eq!(e.source.channel, "privacy_centre");
            serde_json::to_value(&e.kind).unwrap()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            json!({"type": "consent_given", "purpose": "email_marketing"}),
            json!({"type": "preference_set", "channel": "sms", "opted_out": true}),
            json!({"type": "preference_set", "channel": "email", "opted_out": true, "communication": "newsletter"}),
        ]
    );
    assert!(
        !s.js(
            "return document.querySelector(\"input[name=kind][value='newsletter/email']\").checked"
        )
        .await
        .as_bool()
        .unwrap()
    );

    // A copy of his data, found by his address in Chinook: the session is
    // the account check; once run, downloaded here.
    s.js("document.getElementById('right').value = 'access'; document.getElementById('jurisdiction').value = 'GB'")
        .await;
    s.click("form[action='/centre/me/requests'] button").await;
    s.until(ROW_ACCESS).await;
    let requests = requests_of(&state, "customer-1").await;
    assert_eq!(requests.len(), 1);
    let case = desk(&state)
        .run(&requests[0].id, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(case.request.status(), "completed");
    s.go(&format!("{url}/centre/me")).await;
    s.until("document.querySelector('a[href$=\"/export\"]')")
        .await;
    s.js("document.querySelector('a[href$=\"/export\"]').scrollIntoView({block: 'center'})")
        .await;
    s.screenshot("centre-requests.png").await;
    let download = fetch(
        &s,
        "fetch(document.querySelector('a[href$=\"/export\"]').href)
          .then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'),
              btoa(String.fromCharCode.apply(null, new Uint8Array(b)))])))",
    )
    .await;
    assert_eq!(download[0], 200);
    assert_eq!(download[1], "application/zip");
    let zip = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(text(&download[2]))
            .unwrap()
    };
    let mut package = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut data = String::new();
    package
        .by_name("data.json")
        .unwrap()
        .read_to_string(&mut data)
        .unwrap();
    assert!(data.contains("Gonçalves"), "his rows: {data}");

    // Another person's package is not his to take.
    let foreign = fetch(
        &s,
        "fetch('/centre/requests/req-not-yours/export').then(r => done(r.status))",
    )
    .await;
    assert_eq!(foreign, 404);

    // His surname is wrong in the shop's database: he asks, it is run,
    // the row is corrected.
    s.js("document.getElementById('field').value = 'chinook/LastName'; document.getElementById('value').value = 'Gonçalves Silva'")
        .await;
    s.click("form[action='/centre/me/rectify'] button").await;
    s.until("[...document.querySelectorAll('td')].some(td => td.textContent == 'Correct my data')")
        .await;
    let rectification = requests_of(&state, "customer-1")
        .await
        .into_iter()
        .find(|r| r.kind == "rectification")
        .expect("a rectification request");
    let case = desk(&state)
        .run(&rectification.id, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        case.request.status(),
        "completed",
        "{:?}",
        case.request.state
    );
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let (last,): (String,) = sqlx::query_as("SELECT LastName FROM Customer WHERE CustomerId = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(last, "Gonçalves Silva");
    pool.close().await;

    // The same page in French, remembered.
    s.go(&format!("{url}/centre/me?lang=fr")).await;
    s.until("document.documentElement.lang == 'fr'").await;
    let h1 = s
        .js("return document.querySelector('h1').textContent")
        .await;
    assert_eq!(h1, "Vos données personnelles");
    assert_eq!(
        s.axe_in("document.querySelector('main')").await,
        Vec::<String>::new()
    );
    s.screenshot("centre-fr.png").await;
    // At a phone's width the page reflows, nothing cut off.
    s.call(
        reqwest::Method::POST,
        "/window/rect",
        Some(json!({"width": 390, "height": 844})),
    )
    .await;
    s.until("document.documentElement.clientWidth < 500").await;
    assert_eq!(
        s.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
            .await,
        true,
        "no sideways scrolling: {}",
        s.js("return [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 40)).slice(0, 8)").await
    );
    s.screenshot("centre-phone.png").await;
    s.call(
        reqwest::Method::POST,
        "/window/rect",
        Some(json!({"width": 1280, "height": 1100})),
    )
    .await;
    s.go(&format!("{url}/centre/policy")).await;
    s.until("document.getElementById('history')").await;
    let history = s
        .js("return document.getElementById('history').textContent")
        .await;
    assert!(
        text(&history).contains("C'est la première version"),
        "{history}"
    );
    s.go(&format!("{url}/centre/me?lang=en")).await;
    s.until("document.documentElement.lang == 'en'").await;

    // Signing out ends the session on the server: the old cookie, put
    // back, opens nothing.
    s.click("form[action='/centre/sign-out'] button").await;
    s.until("document.querySelector('h1').textContent == 'You are signed out'")
        .await;
    s.call(
        reqwest::Method::POST,
        "/cookie",
        Some(
            json!({"cookie": {"name": "vow_centre", "value": session["value"], "path": "/centre"}}),
        ),
    )
    .await;
    s.go(&format!("{url}/centre/me")).await;
    s.until("document.getElementById('email')").await;
    s.quit().await;
    state.store.close().await;
}

/// AGENCY-13: where the policy declares a category immutable (here the
/// e-mail address, the account's login), the correction form does not
/// offer its field, and a form posted with it anyway is refused with the
/// reason on the page; nothing is opened. The other fields stay offered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agency_13_the_centre_does_not_correct_an_immutable_field() {
    let sink = Sink::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    common::chinook(dir.path());
    let policy = common::example("kids-coding-franchise").replace(
        "{id: user.contact.email, name: E-mail address, sources: [subject, controller]}",
        "{id: user.contact.email, name: E-mail address, sources: [subject, controller], immutable: true}",
    );
    assert!(policy.contains("immutable: true"));
    let (url, state) = common::browser::serve_text_in(
        dir.path(),
        &policy,
        Settings {
            mail: Some(sink.config()),
            ..Settings::default()
        },
    )
    .await;
    luis_is_customer_1(&state).await;
    let driver = Driver::start().await;
    let s = driver.session(1280, 1100).await;
    sign_in(&s, &url, &sink, "luisg@embraer.com.br").await;
    s.go(&format!("{url}/centre/me?lang=en")).await;
    s.until("document.getElementById('field')").await;
    let offered = s
        .js("return [...document.querySelectorAll('#field option')].map(o => o.value)")
        .await;
    let offered: Vec<&str> = offered
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(offered.contains(&"chinook/LastName"), "{offered:?}");
    assert!(!offered.contains(&"chinook/Email"), "{offered:?}");
    // The form says what it leaves out, and why.
    assert_eq!(
        s.js("return document.getElementById('fixed').textContent")
            .await,
        "These cannot be changed, as the privacy policy says: E-mail address (Email)."
    );
    s.js("document.getElementById('fixed').scrollIntoView({block: 'center'})")
        .await;
    s.screenshot("centre-immutable-form.png").await;

    // The form, made to carry the e-mail field anyway (with the session's
    // token, as a person editing the page would send it).
    s.js("const o = document.createElement('option'); o.value = 'chinook/Email'; o.textContent = 'Email';           document.getElementById('field').appendChild(o); document.getElementById('field').value = 'chinook/Email';           document.getElementById('value').value = 'luis@example.com'")
        .await;
    s.click("form[action='/centre/me/rectify'] button").await;
    s.until("document.querySelector('h1') && document.querySelector('h1').textContent != 'Your privacy'")
        .await;
    let page = s
        .js("return document.querySelector('main').textContent")
        .await;
    assert!(
        text(&page).contains(
            "E-mail address (Email) cannot be changed: the privacy policy says it stays as it was first given."
        ),
        "{page}"
    );
    s.screenshot("centre-immutable.png").await;
    assert_eq!(
        s.axe_in("document.querySelector('main')").await,
        Vec::<String>::new()
    );
    assert!(requests_of(&state, "customer-1").await.is_empty());
    s.quit().await;
    state.store.close().await;
}

/// The policy page shows what changed from the earlier version this server
/// ran, and that version itself, as it read, in the reader's language.
#[tokio::test]
async fn the_policy_page_keeps_its_earlier_versions() {
    let v1 = common::example("course-shop");
    let app = common::TestApp::sqlite(&v1).await;
    let v2 = v1
        .replace("  version: \"1\"", "  version: \"2\"")
        .replace("  effective: 2021-01-01", "  effective: 2026-12-01")
        .replace(
            "name: Promotional messages, surveys and business updates",
            "name: Offers and news",
        );
    assert_ne!(v1, v2);
    let app = app.restart(&v2).await.expect("version 2 starts");
    let page = |path: &'static str| {
        let app = &app;
        async move {
            let answer = app
                .send(
                    axum::http::Request::get(path)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(answer.status, axum::http::StatusCode::OK, "{path}");
            answer.body.as_str().unwrap().to_owned()
        }
    };
    let now = page("/centre/policy").await;
    assert!(
        now.contains(
            "From version <a href=\"/centre/policy/1\">1</a> to 2 (in force 1 December 2026)"
        ),
        "{now}"
    );
    assert!(now.contains("Offers and news"));
    let french = page("/centre/policy?lang=fr").await;
    assert!(
        french.contains("De la version <a href=\"/centre/policy/1\">1</a> à la version 2"),
        "{french}"
    );
    let headers = app
        .send(
            axum::http::Request::get("/centre")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .headers;
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let then = page("/centre/policy/1").await;
    assert!(then.contains("Promotional messages, surveys and business updates"));
    assert!(!then.contains("Offers and news"));
}

/// KIDS-02 and KIDS-17 in the centre: a parent the ledger links to their
/// child finds the child listed, manages the child's consents — offered
/// only what the policy allows for a child — and asks for the child's
/// data, until the link ends; a child not theirs is refused; an
/// authorised agent asks for someone else, who must confirm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_acts_for_their_child_and_an_agent_for_someone_else() {
    // promise: KIDS-02, KIDS-03, KIDS-17
    let sink = Sink::start().await.unwrap();
    let (url, state, _dir) = serve_with(
        "kids-coding-franchise",
        Settings {
            mail: Some(sink.config()),
            ..Settings::default()
        },
    )
    .await;
    record(
        &state,
        "parent-1",
        vec![email_of(&state, "parent@example.org")],
    )
    .await;
    let child = |verified| {
        vec![
            vow_store::EventKind::AttributesSet {
                jurisdiction: Some("GB".into()),
                birth_date: "2016-05-01".parse().ok(),
                kind: Some("child".into()),
                attributes: Default::default(),
            },
            vow_store::EventKind::GuardianLinked {
                guardian: "parent-1".into(),
                verified,
            },
        ]
    };
    record(&state, "child-7", child(true)).await;
    record(&state, "child-8", child(false)).await;
    let driver = Driver::start().await;
    let s = driver.session(1280, 1000).await;
    sign_in(&s, &url, &sink, "parent@example.org").await;

    // A link not verified: refused, and not listed.
    s.go(&format!("{url}/centre/me?for=child-8")).await;
    s.until("document.querySelector('h1')").await;
    let refused = s.js("return document.body.textContent").await;
    assert!(
        text(&refused).contains("not linked as this person's parent"),
        "{refused}"
    );

    // Their child, listed on their page.
    s.go(&format!("{url}/centre/me")).await;
    s.until("document.querySelector('a[href=\"/centre/me?for=child-7\"]')")
        .await;
    assert_eq!(
        s.js("return document.querySelectorAll('a[href^=\"/centre/me?for=\"]').length")
            .await,
        1
    );
    s.click("a[href='/centre/me?for=child-7']").await;
    s.until("document.querySelector('h1').textContent == \"Your child's privacy\"")
        .await;
    // Nothing to agree to for a child under 13 here: no marketing, and
    // only what the policy lets be collected about a child (KIDS-03).
    let offered = s
        .js("return [...document.querySelectorAll('input[name=purpose]')].map(i => i.value)")
        .await;
    assert_eq!(offered, json!([]));
    let note = s
        .js("return document.querySelector('main').textContent")
        .await;
    assert!(text(&note).contains("Only the uses the policy allows for a child of this age"));
    s.screenshot("centre-child.png").await;
    assert_eq!(
        s.axe_in("document.querySelector('main')").await,
        Vec::<String>::new()
    );
    // The parent stops post to the child.
    s.click("input[name=channel][value=post]").await;
    s.click("form[action='/centre/me/choices'] button").await;
    s.until("document.querySelector('[role=status]')").await;
    let events = state.store.subject_events("child-7", 0, 100).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        serde_json::to_value(&last.kind).unwrap(),
        json!({"type": "preference_set", "channel": "post", "opted_out": true})
    );
    assert_eq!(last.actor.id, "parent-1");
    assert_eq!(
        serde_json::to_value(last.actor.kind).unwrap(),
        json!("agent"),
        "the parent acted"
    );
    // Marketing to the child, posted by hand with a good token: not given.
    let forced = fetch(
        &s,
        "var f = document.querySelector('form[action=\"/centre/me/choices\"]');
         var body = new URLSearchParams(new FormData(f)); body.append('purpose', 'sms_marketing');
         fetch('/centre/me/choices', {method: 'POST', body: body}).then(r => done(r.status))",
    )
    .await;
    assert_eq!(forced, 200, "saved what may be saved");
    let state_now = state.subject_state("child-7").await.unwrap();
    assert!(state_now.consent("sms_marketing").is_none());

    // A copy of the child's data, asked by the parent.
    s.js("document.getElementById('right').value = 'access'; document.getElementById('jurisdiction').value = 'GB'")
        .await;
    s.click("form[action='/centre/me/requests'] button").await;
    s.until(ROW_ACCESS).await;
    let requests = requests_of(&state, "child-7").await;
    assert_eq!(requests.len(), 1);
    assert_ne!(requests[0].status, "denied", "{:?}", requests[0].body);
    assert_eq!(
        requests[0].body["request"]["agent"]["kind"], "parent",
        "{}",
        requests[0].body
    );

    // The link ends: the child's page is refused and no longer listed.
    record(
        &state,
        "child-7",
        vec![vow_store::EventKind::GuardianUnlinked {
            guardian: "parent-1".into(),
        }],
    )
    .await;
    s.go(&format!("{url}/centre/me?for=child-7")).await;
    s.until("document.body.textContent.includes('not linked as this person')")
        .await;
    s.go(&format!("{url}/centre/me")).await;
    s.until("document.getElementById('person')").await;
    assert_eq!(
        s.js("return document.querySelectorAll('a[href^=\"/centre/me?for=\"]').length")
            .await,
        0
    );

    // As an authorised agent for someone else (KIDS-17: the right to know
    // in California): the person must confirm.
    s.js(
        "document.getElementById('person').value = 'sam@example.org';
          document.getElementById('agent-right').value = 'right_to_know';
          document.getElementById('agent-jurisdiction').value = 'US-CA';
          document.querySelector('input[name=permission]').checked = true",
    )
    .await;
    s.click("form[action='/centre/me/agent'] button").await;
    s.until("document.querySelector('h1').textContent == 'Request sent'")
        .await;
    let said = s.js("return document.body.textContent").await;
    assert!(text(&said).contains("to confirm"), "{said}");
    let theirs = requests_of(&state, "sam@example.org").await;
    assert_eq!(theirs.len(), 1);
    let agent = &theirs[0].body["request"]["agent"];
    assert_eq!(agent["kind"], "authorised_agent");
    assert_eq!(agent["id"], "parent-1");
    assert_eq!(agent["proof"], json!(["signed_permission"]));
    s.quit().await;
    state.store.close().await;
}

/// A page's form fields, as a browser would post them.
fn form_of(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The protections, over plain HTTP: sign-in mail is limited per address,
/// per client and overall; a link signs in once, only from its own page
/// in the browser that opened it; "sign out everywhere" ends every
/// session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_limited_single_use_and_bound_to_its_page() {
    let sink = Sink::start().await.unwrap();
    let (url, state, _dir) = serve_with(
        "course-shop",
        Settings {
            mail: Some(sink.config()),
            ..Settings::default()
        },
    )
    .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let ask = |email: String| {
        let http = http.clone();
        let url = url.clone();
        async move {
            let r = http
                .post(format!("{url}/centre/sign-in"))
                .header("Accept-Language", "uk, en;q=0.5")
                .form(&[("email", email)])
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let mut links = Vec::new();
    for _ in 0..3 {
        let (status, page) = ask("ada@example.org".into()).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains("Перевірте пошту"),
            "Ukrainian, as asked: {page}"
        );
        let mail = sink.next(Duration::from_secs(10)).await.unwrap();
        assert!(
            mail.subject
                .as_deref()
                .unwrap_or_default()
                .starts_with("Вхід")
        );
        links.push(
            mail.text
                .unwrap()
                .split_whitespace()
                .find(|w| w.contains("/centre/link/"))
                .unwrap()
                .to_owned(),
        );
    }
    let (status, page) = ask("ADA@example.org".into()).await;
    assert_eq!(status, 429, "a fourth to one address: {page}");
    // Ten from one client, whatever the addresses.
    for i in 0..7 {
        assert_eq!(ask(format!("person{i}@example.org")).await.0, 200);
        sink.next(Duration::from_secs(10)).await.unwrap();
    }
    let (status, page) = ask("someone@example.org".into()).await;
    assert_eq!(status, 429, "{page}");
    assert!(page.contains("вашої мережі"), "{page}");
    let (status, page) = ask("not an address".into()).await;
    assert_eq!(status, 422, "{page}");

    // The link's page: its form carries a check, and a cookie ties it to
    // this browser.
    let link = &links[0];
    let opened = http.get(link).send().await.unwrap();
    assert_eq!(opened.headers()["cache-control"], "no-store");
    let pre = opened
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("vow_centre_pre="))
        .expect("the browser's half of the check");
    assert!(
        pre.contains("SameSite=Strict") && pre.contains("HttpOnly"),
        "{pre}"
    );
    let pre = pre.split(';').next().unwrap().to_owned();
    let html = opened.text().await.unwrap();
    let check = form_of(&html, "check").expect("the page's half");
    let post = |cookie: Option<String>, check: Option<String>, site: &'static str| {
        let http = http.clone();
        let link = link.clone();
        async move {
            let mut r = http.post(&link).header("Sec-Fetch-Site", site);
            if let Some(c) = cookie {
                r = r.header("Cookie", c);
            }
            let fields: Vec<(&str, String)> = check.map(|c| ("check", c)).into_iter().collect();
            r.form(&fields).send().await.unwrap()
        }
    };
    // Login CSRF: another site posts the link with the attacker's own
    // check, or without the cookie, or from another site: refused.
    assert_eq!(
        post(None, Some(check.clone()), "same-origin")
            .await
            .status(),
        403
    );
    assert_eq!(
        post(Some(pre.clone()), None, "same-origin").await.status(),
        403
    );
    assert_eq!(
        post(Some(pre.clone()), Some(check.clone()), "cross-site")
            .await
            .status(),
        403
    );
    let entered = post(Some(pre.clone()), Some(check.clone()), "same-origin").await;
    assert_eq!(entered.status(), 303);
    let session = entered
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("vow_centre="))
        .expect("a session");
    let session = session.split(';').next().unwrap().to_owned();
    // Once only.
    assert_eq!(
        post(Some(pre.clone()), Some(check), "same-origin")
            .await
            .status(),
        410
    );
    assert_eq!(http.get(link).send().await.unwrap().status(), 410);
    let unknown = format!("{url}/centre/link/AAAA");
    assert_eq!(http.get(&unknown).send().await.unwrap().status(), 404);

    // A second session, by the second link; then "sign out everywhere"
    // from the first ends both.
    let second = &links[1];
    let opened = http.get(second).send().await.unwrap();
    let pre2 = opened
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("vow_centre_pre="))
        .unwrap();
    let check2 = form_of(&opened.text().await.unwrap(), "check").unwrap();
    let other = http
        .post(second)
        .header("Cookie", pre2)
        .form(&[("check", check2)])
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 303);
    let other = other
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("vow_centre="))
        .unwrap();
    let me = |cookie: String| {
        let http = http.clone();
        let url = url.clone();
        async move {
            http.get(format!("{url}/centre/me"))
                .header("Cookie", cookie)
                .send()
                .await
                .unwrap()
        }
    };
    let page = me(session.clone()).await;
    assert_eq!(page.status(), 200);
    let csrf = form_of(&page.text().await.unwrap(), "csrf").unwrap();
    assert_eq!(me(other.clone()).await.status(), 200);
    let out = http
        .post(format!("{url}/centre/sign-out"))
        .header("Cookie", session.clone())
        .form(&[("csrf", csrf.as_str()), ("everywhere", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    for cookie in [session, other] {
        let page = me(cookie).await;
        assert_eq!(page.status(), 303, "signed out everywhere");
        assert_eq!(page.headers()["location"], "/centre");
    }
    // And the link mailed to the address but never used works no more.
    assert_eq!(http.get(&links[2]).send().await.unwrap().status(), 410);
    // Nothing the store keeps is a secret or an address.
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT id || coalesce(email, '') || data FROM tokens")
            .fetch_all(
                &sqlx::SqlitePool::connect(&format!(
                    "sqlite://{}",
                    _dir.path().join("data/vow.db").display()
                ))
                .await
                .unwrap(),
            )
            .await
            .unwrap();
    let secret = link.rsplit('/').next().unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored
            .iter()
            .all(|row| !row.contains(secret) && !row.contains("example.org")),
        "{stored:?}"
    );
    state.store.close().await;
}

/// The overall limit on sign-in mail holds whatever the addresses and
/// clients (here, two hundred addresses would be needed to reach it from
/// one client: the setting is lowered instead).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_mail_stops_at_the_overall_limit() {
    let sink = Sink::start().await.unwrap();
    let (url, state, _dir) = serve_with(
        "course-shop",
        Settings {
            mail: Some(sink.config()),
            sign_in_mail_limit: Some(2),
            ..Settings::default()
        },
    )
    .await;
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for who in ["a@example.org", "b@example.org", "c@example.org"] {
        let r = http
            .post(format!("{url}/centre/sign-in"))
            .form(&[("email", who)])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            let page = r.text().await.unwrap();
            assert!(page.contains("too many sign-in e-mails"), "{page}");
        }
    }
    assert_eq!(statuses, [200, 200, 429]);
    state.store.close().await;
}
