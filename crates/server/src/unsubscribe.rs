//! One-click unsubscribe (RFC 8058): a signed link per recipient and
//! purpose, for the `List-Unsubscribe` and `List-Unsubscribe-Post` headers
//! of each message a sender sends.
//!
//! - `POST /v1/unsubscribe/headers` (scope `write`): the headers for one
//!   message to one person about one purpose.
//! - `POST /u/{token}` with `List-Unsubscribe=One-Click`: what a mail
//!   client sends when the person clicks "Unsubscribe". No cookie, no
//!   script, no key; the withdrawal is in the ledger before the answer.
//! - `GET /u/{token}`: the page behind the link. It changes nothing (mail
//!   scanners open links), asks to confirm, and offers finer choices: each
//!   marketing purpose of the policy, on or off (`POST /u/{token}/choices`).
//!
//! A token is the (subject, purpose, language) sealed by [`Sealer`]:
//! encrypted, so the link does not show whom it names. It does not expire:
//! an unsubscribe link must keep working for as long as the message is
//! read. Its pages speak the language the sender asked for, else the
//! reader's.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vow_policy::{Purpose, PurposeTag};
use vow_store::{Event, EventKind, EventSource, LedgerKey};

use crate::auth::{Authorized, Write};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::pages::{Lang, View, fill};
use crate::routes::subjects::takes_consent;
use crate::sealed::Sealer;
use crate::state::AppState;

/// Seals and checks links.
pub struct Links {
    sealer: Sealer,
    base: String,
}

/// What a link stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Claim {
    #[serde(rename = "s")]
    subject: String,
    #[serde(rename = "p")]
    purpose: String,
    /// The language of the message (`en`, `fr`, `uk`), when the sender said.
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    lang: Option<String>,
}

impl Links {
    pub fn new(ledger: &LedgerKey, public_url: &str) -> Links {
        Links {
            sealer: Sealer::new(ledger, "one-click-unsubscribe-sealed"),
            base: public_url.trim_end_matches('/').to_owned(),
        }
    }

    fn token(&self, claim: &Claim) -> String {
        self.sealer.seal(claim)
    }

    fn check(&self, token: &str) -> Option<Claim> {
        self.sealer.open(token)
    }

    fn url(&self, claim: &Claim) -> String {
        format!("{}/u/{}", self.base, self.token(claim))
    }
}

/// A message about to be sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeadersFor {
    /// The recipient, as the ledger names them.
    pub subject: String,
    /// The purpose the message serves (`newsletter`, `promotional_messages`).
    pub purpose: String,
    /// The language of the message, which the page behind the link speaks
    /// (`en`, `fr`, `uk`; default: the reader's browser's).
    #[serde(default)]
    pub lang: Option<String>,
}

/// The headers to add to the message.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnsubscribeHeaders {
    #[serde(rename = "List-Unsubscribe")]
    pub list_unsubscribe: String,
    #[serde(rename = "List-Unsubscribe-Post")]
    pub list_unsubscribe_post: String,
    /// The link alone, for the message's own "unsubscribe" line.
    pub url: String,
}

/// The `List-Unsubscribe` and `List-Unsubscribe-Post` headers (RFC 8058)
/// for a message to `subject` about `purpose`. The sender signs the
/// message with DKIM covering both headers, as the RFC requires.
#[utoipa::path(post, path = "/v1/unsubscribe/headers", tag = "unsubscribe", request_body = HeadersFor,
    responses((status = 200, body = UnsubscribeHeaders), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn headers(
    _: Authorized<Write>,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<HeadersFor>,
) -> ApiResult<Json<UnsubscribeHeaders>> {
    let policy = state.policy.policy();
    if let Some(p) = policy
        .purposes
        .iter()
        .find(|p| p.id.as_str() == body.purpose)
        && !is_marketing(p)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!(
                "`{}` is not a marketing purpose: its messages carry no unsubscribe link",
                body.purpose
            ),
        )
        .field("purpose")
        .hint(
            "a person stops other processing by an objection or a restriction (the privacy centre)",
        ));
    }
    if !policy
        .purposes
        .iter()
        .any(|p| p.id.as_str() == body.purpose)
    {
        return Err(ApiError::unknown(
            ErrorCode::UnknownPurpose,
            "purpose",
            &body.purpose,
            "purpose".to_owned(),
            policy.purposes.iter().map(|p| p.id.as_str()),
        ));
    }
    if body.subject.is_empty() || body.subject.len() > 256 {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "a subject id is 1 to 256 characters",
        )
        .field("subject"));
    }
    let lang = match body.lang.as_deref() {
        None => None,
        Some(tag) => Some(
            vow_policy::render::i18n::Language::parse(tag)
                .ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidRequest,
                        format!("the pages speak en, fr and uk, not `{tag}`"),
                    )
                    .field("lang")
                })?
                .tag()
                .to_owned(),
        ),
    };
    let url = state.unsubscribe.url(&Claim {
        subject: body.subject,
        purpose: body.purpose,
        lang,
    });
    Ok(Json(UnsubscribeHeaders {
        list_unsubscribe: format!("<{url}>"),
        list_unsubscribe_post: "List-Unsubscribe=One-Click".to_owned(),
        url,
    }))
}

fn is_marketing(p: &Purpose) -> bool {
    p.tags.iter().any(|t| {
        matches!(
            t,
            PurposeTag::Marketing | PurposeTag::DirectMarketing | PurposeTag::ThirdPartyMarketing
        )
    })
}

/// Stopping `purpose`: a withdrawal where it rests on consent or an
/// opt-out, else an objection (to direct marketing, it always wins).
fn stop_kind(p: &Purpose) -> EventKind {
    if takes_consent(p) {
        EventKind::ConsentWithdrawn {
            purpose: p.id.to_string(),
        }
    } else {
        EventKind::ObjectionRecorded {
            purpose: Some(p.id.to_string()),
        }
    }
}

fn events(state: &AppState, claim: &Claim, evidence: &str, kinds: Vec<EventKind>) -> Vec<Event> {
    let source = EventSource {
        channel: "unsubscribe_link".to_owned(),
        evidence: Some(evidence.to_owned()),
        ..EventSource::default()
    };
    state.own_events(&claim.subject, source, kinds)
}

/// The view of the page behind `token`: in the message's language, else
/// the reader's.
fn view(headers: &HeaderMap, token: &str, claim: Option<&Claim>) -> View {
    let lang = Lang::of(headers, claim.and_then(|c| c.lang.as_deref()));
    View::new(lang, &format!("/u/{token}"), &[])
}

fn invalid_link(view: &View) -> Response {
    let t = view.t();
    view.message(
        StatusCode::NOT_FOUND,
        t.link_not_recognised_title,
        &[t.link_not_recognised_body],
        None,
    )
}

/// `GET /u/{token}`: confirm, or choose more finely. Changes nothing.
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let claim = state.unsubscribe.check(&token);
    let view = view(&headers, &token, claim.as_ref());
    let policy = state.policy.policy();
    let Some(purpose) = claim
        .as_ref()
        .and_then(|c| policy.purposes.iter().find(|p| p.id.as_str() == c.purpose))
    else {
        return invalid_link(&view);
    };
    let lang = view.lang.tag();
    // Nothing about the person's present choices is shown: whoever holds a
    // forwarded link sees only what it stops.
    let others: Vec<minijinja::Value> = policy
        .purposes
        .iter()
        .filter(|p| is_marketing(p) && takes_consent(p) && p.id != purpose.id)
        .map(|p| minijinja::context! { id => p.id.as_str(), name => p.name.get(lang) })
        .collect();
    let name = purpose.name.get(lang);
    view.page(
        StatusCode::OK,
        "unsubscribe/show.html",
        &fill(view.t().unsubscribe_title, &[("purpose", name)]),
        minijinja::context! {
            token => token,
            purpose => name,
            org => policy.organisation.name.as_str(),
            others => others,
        },
    )
}

/// Whether `body` says `List-Unsubscribe=One-Click`, as RFC 8058 has mail
/// clients send it: URL-encoded, or as `multipart/form-data`.
fn says_one_click(body: &str) -> bool {
    form_urlencoded::parse(body.trim().as_bytes())
        .any(|(k, v)| k == "List-Unsubscribe" && v == "One-Click")
        || (body.contains("name=\"List-Unsubscribe\"")
            && body
                .split("name=\"List-Unsubscribe\"")
                .nth(1)
                .and_then(|rest| rest.split("\r\n\r\n").nth(1).or(rest.split("\n\n").nth(1)))
                .is_some_and(|value| value.trim_start().starts_with("One-Click")))
}

/// `POST /u/{token}`: the one click (RFC 8058). Recorded before the answer.
pub async fn one_click(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let claim = state.unsubscribe.check(&token);
    let view = view(&headers, &token, claim.as_ref());
    let t = view.t();
    let policy = state.policy.policy();
    let (Some(claim), Some(purpose)) = (
        claim.as_ref(),
        claim
            .as_ref()
            .and_then(|c| policy.purposes.iter().find(|p| p.id.as_str() == c.purpose)),
    ) else {
        return invalid_link(&view);
    };
    if !says_one_click(&body) {
        return view.message(
            StatusCode::BAD_REQUEST,
            t.nothing_changed_title,
            &[t.nothing_changed_body],
            None,
        );
    }
    let recorded = events(
        &state,
        claim,
        "List-Unsubscribe=One-Click",
        vec![stop_kind(purpose)],
    );
    if let Err(e) = state.record(recorded).await {
        return e.into_response();
    }
    tracing::info!(purpose = %claim.purpose, "one-click unsubscribe");
    let body = fill(
        t.unsubscribed_body,
        &[
            ("org", &policy.organisation.name),
            ("purpose", purpose.name.get(view.lang.tag())),
        ],
    );
    view.message(StatusCode::OK, t.unsubscribed_title, &[&body], None)
}

/// `POST /u/{token}/choices`: each marketing purpose on or off, as ticked.
pub async fn choices(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let claim = state.unsubscribe.check(&token);
    let view = view(&headers, &token, claim.as_ref());
    let Some(claim) = claim else {
        return invalid_link(&view);
    };
    if headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        !v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    }) {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    // A link may only stop messages: turning them on needs the person
    // (the privacy centre), not whoever holds a forwarded e-mail.
    let stop: Vec<String> = form_urlencoded::parse(body.as_bytes())
        .filter(|(k, _)| k == "stop")
        .map(|(_, v)| v.into_owned())
        .collect();
    let policy = state.policy.policy();
    let kinds: Vec<EventKind> = policy
        .purposes
        .iter()
        .filter(|p| is_marketing(p) && stop.iter().any(|s| s == p.id.as_str()))
        .map(stop_kind)
        .collect();
    if !kinds.is_empty()
        && let Err(e) = state
            .record(events(&state, &claim, "choices page", kinds))
            .await
    {
        return e.into_response();
    }
    let t = view.t();
    view.message(
        StatusCode::OK,
        t.done_title,
        &[t.done_body],
        Some(("/centre", t.privacy_centre)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_checked_and_cannot_be_altered() {
        let key = LedgerKey::from_hex(&"4b".repeat(32)).unwrap();
        let links = Links::new(&key, "https://vow.example.org/");
        let claim = Claim {
            subject: "ada@example.org".into(),
            purpose: "newsletter".into(),
            lang: Some("fr".into()),
        };
        let token = links.token(&claim);
        assert_eq!(links.check(&token), Some(claim.clone()));
        let url = links.url(&claim);
        assert!(url.starts_with("https://vow.example.org/u/"));
        // The link does not show whom it names.
        assert!(!url.contains("ada"), "{url}");
        // Another person's token spliced onto this one's.
        let other = links.token(&Claim {
            subject: "bob@example.org".into(),
            purpose: "newsletter".into(),
            lang: None,
        });
        let forged = format!("{}{}", &other[..40], &token[40..]);
        assert_eq!(links.check(&forged), None);
        assert_eq!(links.check("garbage"), None);
        assert_eq!(links.check(&token[..token.len() - 2]), None, "cut short");
        // Another server's key.
        let theirs = Links::new(&LedgerKey::from_hex(&"5c".repeat(32)).unwrap(), "x");
        assert_eq!(theirs.check(&token), None);
    }
}
