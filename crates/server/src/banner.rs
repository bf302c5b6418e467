//! The cookie banner, generated from the policy in force: `/banner.js`
//! (the script and its styles, with the policy's categories, trackers and
//! texts inlined), the consent it records in the ledger
//! (`POST /v1/banner/consent`, called by the visitor's browser, no key),
//! `/.well-known/gpc.json`, and a demo page that shows it at work.
//!
//! What the banner offers is derived, never configured twice: one category
//! per tracker category the policy's trackers use (strictly necessary ones
//! are listed, never blocked), the purposes those trackers serve, and each
//! tracker's name, provider, description and duration. The banner asks
//! again when the *material* part changes (a category, a purpose, a
//! tracker's name), not when a text is reworded.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use vow_policy::{Policy, Tracker, TrackerCategory};
use vow_store::{EventKind, EventSource};

use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::state::AppState;

/// The runtime: vanilla JavaScript, no dependencies.
const SCRIPT: &str = include_str!("../assets/banner.js");
/// Its styles, injected by the script into the page.
const STYLE: &str = include_str!("../assets/banner.css");

/// The languages the banner speaks; the page's `lang` picks one.
pub const LANGUAGES: [&str; 3] = ["en", "fr", "uk"];

/// How long the choice is remembered when the policy does not say (its
/// tracker that stores privacy preferences gives the duration).
const DEFAULT_DAYS: u64 = 182;

/// A category the person can allow or refuse.
#[derive(Debug, Serialize)]
struct Category {
    id: &'static str,
    /// The consent purposes its trackers serve: one ledger event each.
    purposes: Vec<String>,
    /// Never blocked: strictly necessary.
    fixed: bool,
    /// Global Privacy Control turns it off where the policy honours it
    /// (sale, sharing, targeted advertising).
    gpc: bool,
    trackers: Vec<Value>,
}

fn category_id(category: TrackerCategory) -> &'static str {
    match category {
        TrackerCategory::Essential => "essential",
        TrackerCategory::Functional => "functional",
        TrackerCategory::Analytics => "analytics",
        TrackerCategory::Advertising => "advertising",
        TrackerCategory::Social => "social",
    }
}

fn tracker_json(t: &Tracker, lang: &str) -> Value {
    json!({
        "name": t.name,
        "provider": t.provider,
        "purpose": t.description.get(lang),
        "duration": t.duration.to_string(),
    })
}

/// The banner's configuration for `policy`: what the script is generated with.
pub fn config(policy: &Policy) -> Value {
    let order = [
        TrackerCategory::Essential,
        TrackerCategory::Functional,
        TrackerCategory::Analytics,
        TrackerCategory::Advertising,
        TrackerCategory::Social,
    ];
    let gpc = policy
        .signals
        .global_privacy_control
        .as_ref()
        .is_some_and(|g| g.honoured || !g.required_in.is_empty());
    let mut categories = Vec::new();
    let mut material = Vec::new();
    let mut texts = serde_json::Map::new();
    for lang in LANGUAGES {
        texts.insert(lang.to_owned(), words(lang));
    }
    for category in order {
        let trackers: Vec<&Tracker> = policy
            .trackers
            .iter()
            .filter(|t| t.category == category)
            .collect();
        if trackers.is_empty() {
            continue;
        }
        // Storing anything on the device that is not strictly necessary
        // takes consent (ePrivacy Art. 5(3)), whatever basis the policy
        // gives the purpose behind it afterwards.
        let mut purposes: Vec<String> = if category == TrackerCategory::Essential {
            Vec::new()
        } else {
            trackers.iter().map(|t| t.purpose.to_string()).collect()
        };
        purposes.sort();
        purposes.dedup();
        let id = category_id(category);
        let mut names: Vec<&str> = trackers.iter().map(|t| t.name.as_str()).collect();
        names.sort_unstable();
        material.push(format!("{id}:{}:{}", purposes.join(","), names.join(",")));
        let mut per_lang = serde_json::Map::new();
        for lang in LANGUAGES {
            per_lang.insert(
                lang.to_owned(),
                Value::Array(trackers.iter().map(|t| tracker_json(t, lang)).collect()),
            );
        }
        categories.push(Category {
            id,
            fixed: purposes.is_empty(),
            purposes,
            gpc: gpc
                && matches!(
                    category,
                    TrackerCategory::Advertising | TrackerCategory::Social
                ),
            trackers: vec![Value::Object(per_lang)],
        });
    }
    let days = policy
        .trackers
        .iter()
        .find(|t| {
            t.collects
                .iter()
                .any(|c| c.as_str() == "user.privacy_preferences")
        })
        .filter(|t| !t.duration.is_session())
        .map(|t| (t.duration.approx_seconds() / 86_400).max(1))
        .unwrap_or(DEFAULT_DAYS);
    let mut config = json!({
        "policy": policy.policy.version,
        "organisation": policy.organisation.name,
        "material": hex::encode(&Sha256::digest(material.join("\n"))[..8]),
        "cookie": {"name": "vow_consent", "days": days},
        "endpoint": "/v1/banner/consent",
        "gpc": gpc,
        "categories": categories,
        "texts": texts,
    });
    // What the person saw: the hash of everything shown, recorded with
    // each choice.
    let shown = Sha256::digest(config.to_string());
    config["text_hash"] = json!(hex::encode(shown));
    config
}

/// The banner's fixed words.
fn words(lang: &str) -> Value {
    match lang {
        "fr" => json!({
            "title": "Vos choix en matière de cookies",
            "body": "{org} utilise des cookies nécessaires au fonctionnement du site et, avec votre accord, d'autres pour les usages ci-dessous. Vous pouvez changer d'avis à tout moment.",
            "accept": "Tout accepter", "reject": "Tout refuser", "choose": "Choisir",
            "save": "Enregistrer mes choix", "always": "Toujours actifs",
            "gpc": "Votre navigateur envoie le signal Global Privacy Control : la publicité ciblée et le partage restent désactivés.",
            "essential": "Nécessaires", "functional": "Fonctionnels", "analytics": "Mesure d'audience",
            "advertising": "Publicité", "social": "Réseaux sociaux",
            "name": "Nom", "provider": "Fournisseur", "purpose": "Finalité", "duration": "Durée",
        }),
        "uk" => json!({
            "title": "Ваш вибір щодо файлів cookie",
            "body": "{org} використовує файли cookie, потрібні для роботи сайту, а з вашої згоди — й інші, для цілей нижче. Ви можете змінити свій вибір будь-коли.",
            "accept": "Прийняти всі", "reject": "Відхилити всі", "choose": "Вибрати",
            "save": "Зберегти вибір", "always": "Завжди активні",
            "gpc": "Ваш браузер надсилає сигнал Global Privacy Control: таргетована реклама й передавання даних залишаються вимкненими.",
            "essential": "Необхідні", "functional": "Функціональні", "analytics": "Аналітика",
            "advertising": "Реклама", "social": "Соціальні мережі",
            "name": "Назва", "provider": "Постачальник", "purpose": "Мета", "duration": "Строк",
        }),
        _ => json!({
            "title": "Your cookie choices",
            "body": "{org} uses cookies the site needs to work and, if you agree, others for the uses below. You can change your mind at any time.",
            "accept": "Accept all", "reject": "Reject all", "choose": "Choose",
            "save": "Save my choices", "always": "Always on",
            "gpc": "Your browser sends the Global Privacy Control signal: targeted advertising and sharing stay off.",
            "essential": "Strictly necessary", "functional": "Functional", "analytics": "Analytics",
            "advertising": "Advertising", "social": "Social media",
            "name": "Name", "provider": "Provider", "purpose": "Purpose", "duration": "Duration",
        }),
    }
}

/// The script with its configuration and styles: what `/banner.js` serves.
/// `gpc_header`: the request for it carried `Sec-GPC: 1`.
pub fn script(config: &Value, gpc_header: bool) -> String {
    let mut config = config.clone();
    config["gpc_header"] = json!(gpc_header);
    // Nothing in the data can close or open a tag of a page that inlines
    // the file, nor end a line inside a JavaScript string.
    let config = config
        .to_string()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    let style = serde_json::to_string(STYLE).expect("a string serialises");
    format!("{SCRIPT}({config},{style});\n")
}

/// `GET /banner.js`.
pub async fn serve_script(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let gpc_header = headers
        .get("sec-gpc")
        .is_some_and(|v| v.as_bytes().trim_ascii() == b"1");
    let body = script(&state.policy.banner, gpc_header);
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..12]));
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "text/javascript; charset=utf-8".to_owned(),
            ),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            (header::VARY, "Sec-GPC".to_owned()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

/// `GET /.well-known/gpc.json` (the GPC specification's site file).
pub async fn gpc(State(state): State<AppState>) -> Json<Value> {
    let honoured = state.policy.banner["gpc"].as_bool().unwrap_or(false);
    Json(json!({"gpc": honoured, "lastUpdate": state.policy.policy().policy.effective.to_string()}))
}

/// A choice made in the banner.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BannerChoice {
    /// The visitor's id, random, kept in the banner's first-party cookie.
    pub visitor: String,
    /// Category → allowed.
    #[schema(value_type = std::collections::BTreeMap<String, bool>)]
    pub choices: std::collections::BTreeMap<String, bool>,
    /// The banner's `text_hash`: what the person saw.
    pub text_hash: String,
    /// The policy version the banner was generated from.
    pub policy: String,
    /// Whether the page saw `navigator.globalPrivacyControl` (the request's
    /// own `Sec-GPC` header counts too).
    #[serde(default)]
    pub gpc: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BannerRecorded {
    /// The ledger events written, one per purpose.
    pub events: usize,
    pub subject: String,
}

/// Record a choice made in the cookie banner, as proof of consent: one
/// consent given or withdrawn per purpose of each category, with the
/// banner's version and the hash of what it showed, the truncated IP and
/// the user agent. Called by the visitor's browser; takes no key.
#[utoipa::path(post, path = "/v1/banner/consent", tag = "banner", request_body = BannerChoice,
    responses((status = 201, body = BannerRecorded), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    ApiJson(body): ApiJson<BannerChoice>,
) -> ApiResult<(StatusCode, Json<BannerRecorded>)> {
    let visitor = body.visitor.trim();
    if visitor.is_empty()
        || visitor.len() > 64
        || !visitor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "`visitor` is the banner's random id: 1 to 64 letters, digits and dashes",
        )
        .field("visitor"));
    }
    let policy = state.policy.policy();
    let config = &state.policy.banner;
    // The proof says what was shown: only what this server shows is taken.
    if body.policy != policy.policy.version || config["text_hash"] != body.text_hash.as_str() {
        return Err(ApiError::new(
            ErrorCode::BannerOutdated,
            "the banner that was shown is not the one in force: nothing was recorded",
        )
        .hint("reload the page: the banner in force asks again"));
    }
    let categories: &[Value] = config["categories"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for category in body.choices.keys() {
        if !categories.iter().any(|c| c["id"] == *category) {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("the banner has no category `{category}`"),
            )
            .field(format!("choices.{category}")));
        }
    }
    let header_gpc = headers
        .get("sec-gpc")
        .is_some_and(|v| v.as_bytes().trim_ascii() == b"1");
    let gpc = config["gpc"] == true && (body.gpc || header_gpc);
    // One event per purpose: given only when every category that carries
    // it was allowed (and GPC does not turn it off).
    let mut purposes: std::collections::BTreeMap<String, bool> = Default::default();
    for category in categories {
        let Some(&allowed) = category["id"].as_str().and_then(|id| body.choices.get(id)) else {
            continue;
        };
        let allowed = allowed && !(gpc && category["gpc"] == true);
        for purpose in category["purposes"].as_array().into_iter().flatten() {
            let purpose = purpose.as_str().unwrap_or_default().to_owned();
            let entry = purposes.entry(purpose).or_insert(true);
            *entry = *entry && allowed;
        }
    }
    let kinds: Vec<EventKind> = purposes
        .into_iter()
        .map(|(purpose, allowed)| {
            if allowed {
                EventKind::ConsentGiven {
                    purpose,
                    until: None,
                }
            } else {
                EventKind::ConsentWithdrawn { purpose }
            }
        })
        .collect();
    let subject = format!("visitor:{visitor}");
    // The connection's address, truncated. (`X-Forwarded-For` is not
    // believed: any visitor can write it.)
    let ip = connect.map(|c| vow_engine::decide::truncate_ip(c.0.0.ip(), 24, 48).to_string());
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(512).collect());
    let count = kinds.len();
    let source = EventSource {
        channel: "banner".to_owned(),
        document_version: Some(format!("banner/{}", body.policy)),
        text_hash: Some(body.text_hash.clone()),
        ip,
        user_agent,
        evidence: match (header_gpc, gpc) {
            (true, _) => Some("Sec-GPC: 1".to_owned()),
            (false, true) => Some("navigator.globalPrivacyControl".to_owned()),
            _ => None,
        },
        api_key: None,
    };
    let events = state.own_events(&subject, source, kinds);
    if !events.is_empty() {
        state.record(events).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(BannerRecorded {
            events: count,
            subject,
        }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct DemoParams {
    /// The page's language: `en` (default), `fr` or `uk`.
    pub lang: Option<String>,
}

/// `GET /demo[?lang=fr]`: a page with the banner, a blocked analytics
/// script and a blocked marketing pixel, to see (and test) it at work.
pub async fn demo(
    State(state): State<AppState>,
    axum::extract::Query(params): axum::extract::Query<DemoParams>,
) -> Html<String> {
    let policy = state.policy.policy();
    let lang = params
        .lang
        .as_deref()
        .and_then(|l| LANGUAGES.iter().find(|k| **k == l))
        .copied()
        .unwrap_or("en");
    Html(format!(
        r#"<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{org} — vow banner demo</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}</style>
</head>
<body>
<main>
<h1>{org}</h1>
<p>This page carries vow's cookie banner, an analytics script and a marketing pixel, both blocked until their category is allowed.</p>
<p><button type="button" onclick="vow.open()">Cookie settings</button></p>
<p id="analytics-state">Analytics: not running.</p>
</main>
<script type="text/plain" data-vow-category="analytics">
document.cookie = "_ga=GA1.1.demo; path=/; max-age=63072000";
document.getElementById("analytics-state").textContent = "Analytics: running.";
window.vowDemoAnalyticsRan = (window.vowDemoAnalyticsRan || 0) + 1;
</script>
<iframe data-vow-category="advertising" data-src="about:blank" title="Marketing pixel" width="1" height="1" hidden></iframe>
<script src="/banner.js"></script>
</body>
</html>
"#,
        org = crate::pages::escape(&policy.organisation.name),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Policy {
        let path = format!(
            "{}/../../examples/{name}/policy.yaml",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        vow_policy::check(&path, &text).expect("checks").policy
    }

    /// SHOP-05: the banner lists the cookie table of seed 003, category by
    /// category, and remembers the choice as long as the policy says.
    #[test]
    fn the_course_shop_banner_comes_from_its_cookie_table() {
        let config = config(&example("course-shop"));
        let ids: Vec<&str> = config["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["essential", "functional", "analytics"]);
        let analytics = &config["categories"][2];
        assert_eq!(analytics["purposes"], json!(["web_analytics"]));
        let names: Vec<&str> = analytics["trackers"][0]["en"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["_ga", "_gid"]);
        assert_eq!(config["categories"][0]["purposes"], json!([]));
        // The seed puts analytics and the language cookie on legitimate
        // interests; on the device they still wait for consent.
        assert_eq!(config["categories"][0]["fixed"], true);
        assert_eq!(config["categories"][1]["fixed"], false);
        assert_eq!(analytics["fixed"], false);
        // SHOP-06: the consent-policy cookie lasts 12 months.
        assert_eq!(config["cookie"]["days"], 365);
    }

    #[test]
    fn rewording_does_not_ask_again_but_a_new_tracker_does() {
        let policy = example("course-shop");
        let before = config(&policy);
        let mut reworded = policy.clone();
        reworded.trackers[0].description = "Keeps the site safe".into();
        let after = config(&reworded);
        assert_eq!(before["material"], after["material"]);
        assert_ne!(
            before["text_hash"], after["text_hash"],
            "what was shown changed"
        );
        let mut more = policy.clone();
        let mut extra = more.trackers.last().unwrap().clone();
        extra.name = "_ga_*".into();
        more.trackers.push(extra);
        assert_ne!(before["material"], config(&more)["material"]);
    }

    /// The budget of the issue: script and styles together at most 8 KB
    /// gzipped, with the configuration of the largest example inlined.
    #[test]
    fn the_banner_stays_within_8_kb_gzipped() {
        use std::io::Write;
        for name in [
            "course-shop",
            "edtech-classroom",
            "kids-coding-franchise",
            "iot-platform",
        ] {
            let Ok(_) = std::fs::metadata(format!(
                "{}/../../examples/{name}/policy.yaml",
                env!("CARGO_MANIFEST_DIR")
            )) else {
                continue;
            };
            let body = script(&config(&example(name)), false);
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(body.as_bytes()).unwrap();
            let size = gz.finish().unwrap().len();
            assert!(size <= 8 * 1024, "{name}: {size} bytes gzipped");
        }
    }
}
