//! `POST /v1/decisions`: one query or a batch, decided by the engine on the
//! subjects' states (from memory) at the server's clock, or at `at`.

use std::net::IpAddr;
use std::sync::{Arc, LazyLock};

use axum::body::Bytes;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vow_engine::{Action, Context, Decision, Query, SubjectState, decide};
use vow_policy::Channel;

use crate::auth::{Authorized, Decide};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json;
use crate::openapi::DecisionDoc;
use crate::state::AppState;

/// One question: may this data about this person be used for this purpose
/// (sent to this recipient, by this channel), now?
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionQuery {
    /// The person. Without one, the query is decided for an unknown
    /// visitor (no consent, no attributes).
    #[schema(example = "customer-42")]
    pub subject: Option<String>,
    /// A purpose id of the policy in force.
    #[schema(example = "marketing")]
    pub purpose: String,
    /// Data categories (`user.contact.email`) or groups of them (`user.contact`).
    #[serde(default)]
    pub categories: Vec<String>,
    /// `use` (default), `store` (allowed under a restriction) or `erase`.
    #[serde(default)]
    pub action: ActionParam,
    /// A recipient id: the decision then carries what it may receive.
    pub recipient: Option<String>,
    /// The channel of a message.
    #[schema(value_type = Option<String>, example = "email")]
    pub channel: Option<Channel>,
    /// A communication type id (`billing_notice`).
    pub communication: Option<String>,
    /// Where the data was collected, for purpose binding.
    pub collection_point: Option<String>,
    /// What the message is about (`billing`), for a communication whose
    /// condition names topics.
    #[schema(example = "billing")]
    pub topic: Option<String>,
    /// With a `recipient`: deny when it may not receive every category
    /// asked for. By default (`false`) the answer is an allow that says
    /// which categories to send (`send_only`) and which were left out,
    /// and a deny only when nothing may be sent.
    #[serde(default)]
    pub strict: bool,
    #[serde(default)]
    pub context: ContextParam,
    /// Decide as of this instant instead of now (what-if; nothing is recorded).
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionParam {
    #[default]
    Use,
    Store,
    Erase,
}

/// The request's context.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextParam {
    /// Where the request comes from, overriding the subject's jurisdiction (`FR`, `US-CA`).
    pub jurisdiction: Option<String>,
    /// The browser sent `Sec-GPC: 1`.
    #[serde(default)]
    pub gpc: bool,
    /// The browser sent `DNT: 1`.
    #[serde(default)]
    pub dnt: bool,
    /// The person's IP address: an obligation to truncate it returns the truncated form.
    #[schema(value_type = Option<String>, example = "203.0.113.77")]
    pub ip: Option<IpAddr>,
}

/// A batch of queries, decided in order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBatch {
    pub queries: Vec<DecisionQuery>,
}

/// The answer to one query.
#[derive(Serialize)]
pub struct DecisionAnswer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<&'a str>,
    pub purpose: &'a str,
    #[serde(flatten)]
    pub decision: Decision<'a>,
    pub policy_version: &'a str,
    #[serde(serialize_with = "rfc3339")]
    pub decided_at: DateTime<Utc>,
}

/// `decided_at` as chrono writes it (RFC 3339, UTC, `Z`, the fraction in
/// 3, 6 or 9 digits as needed), without going through `fmt`: every answer
/// carries one.
fn rfc3339<S: serde::Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    use chrono::{Datelike, Timelike};
    let year = at.year();
    if !(0..=9999).contains(&year) || at.nanosecond() >= 1_000_000_000 {
        return serializer.collect_str(&at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    }
    let mut text = *b"0000-00-00T00:00:00.000000000Z";
    let mut put = |at: usize, digits: usize, mut value: u32| {
        for i in (at..at + digits).rev() {
            text[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year as u32);
    put(5, 2, at.month());
    put(8, 2, at.day());
    put(11, 2, at.hour());
    put(14, 2, at.minute());
    put(17, 2, at.second());
    let nanos = at.nanosecond();
    put(20, 9, nanos);
    let end = match nanos {
        0 => 19,
        n if n % 1_000_000 == 0 => 23,
        n if n % 1_000 == 0 => 26,
        _ => 29,
    };
    text[end] = b'Z';
    serializer.serialize_str(std::str::from_utf8(&text[..=end]).expect("ASCII digits"))
}

#[derive(Serialize)]
pub struct BatchAnswer<'a> {
    pub decisions: Vec<DecisionAnswer<'a>>,
}

/// Decisions denied and allowed.
static DECISIONS: LazyLock<[metrics::Counter; 2]> = LazyLock::new(|| {
    [
        metrics::counter!("vow_decisions_total", "allowed" => "false"),
        metrics::counter!("vow_decisions_total", "allowed" => "true"),
    ]
});

/// The state of a visitor nobody knows: no consent, no attributes.
static ANONYMOUS: LazyLock<Arc<SubjectState>> = LazyLock::new(Default::default);

/// Which of the two shapes a body has, without parsing it twice in full.
#[derive(Deserialize)]
struct Shape {
    #[serde(default)]
    queries: Option<serde::de::IgnoredAny>,
}

/// Decide one query, or a batch (`{"queries": [...]}`).
#[utoipa::path(
    post,
    path = "/v1/decisions",
    tag = "decisions",
    request_body(
        description = "One query, or `{\"queries\": [...]}` for a batch.",
        content(
            (DecisionQuery = "application/json"),
        )
    ),
    responses(
        (status = 200, description = "The decision (for a batch: `{\"decisions\": [...]}`, in the order asked).", body = DecisionDoc),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
    ),
    security(("api_key" = ["decide"]))
)]
pub async fn decisions(
    _: Authorized<Decide>,
    State(state): State<AppState>,
    body: json::Body,
) -> ApiResult<axum::response::Response> {
    let bytes: Bytes = body.0;
    let now = Utc::now();
    // One query is the usual case: try it first. A batch fails that at
    // once, on its `queries` key.
    let batch = match serde_json::from_slice::<DecisionQuery>(&bytes) {
        Ok(q) => {
            let answer = answer(&state, &q, now).await?;
            return Ok(json::respond(&answer, 512));
        }
        Err(_) => match serde_json::from_slice::<Shape>(&bytes) {
            Ok(Shape { queries: Some(_) }) => json::parse::<DecisionBatch>(&bytes)?,
            // Not a batch: say what is wrong with it as one query.
            _ => {
                json::parse::<DecisionQuery>(&bytes)?;
                unreachable!("a body that failed to parse fails again");
            }
        },
    };
    if batch.queries.len() > state.limits.batch {
        return Err(ApiError::new(
            ErrorCode::BatchTooLarge,
            format!(
                "the batch holds {} queries; at most {} are decided at once",
                batch.queries.len(),
                state.limits.batch
            ),
        )
        .field("queries")
        .hint("split it into several requests"));
    }
    let mut answers = Vec::with_capacity(batch.queries.len());
    for q in &batch.queries {
        answers.push(answer(&state, q, now).await?);
    }
    Ok(json::respond(
        &BatchAnswer { decisions: answers },
        512 * batch.queries.len(),
    ))
}

async fn answer<'a>(
    state: &'a AppState,
    q: &'a DecisionQuery,
    now: DateTime<Utc>,
) -> ApiResult<DecisionAnswer<'a>> {
    let subject_state = match &q.subject {
        Some(subject) => state.subject_state(subject).await?,
        None => Arc::clone(&ANONYMOUS),
    };
    let categories: Vec<&str> = q.categories.iter().map(String::as_str).collect();
    let query = Query {
        purpose: &q.purpose,
        categories: &categories,
        action: match q.action {
            ActionParam::Use => Action::Use,
            ActionParam::Store => Action::Store,
            ActionParam::Erase => Action::Erase,
        },
        recipient: q.recipient.as_deref(),
        channel: q.channel,
        communication: q.communication.as_deref(),
        collection_point: q.collection_point.as_deref(),
        topic: q.topic.as_deref(),
        strict: q.strict,
        context: Context {
            jurisdiction: q.context.jurisdiction.as_deref(),
            gpc: q.context.gpc,
            dnt: q.context.dnt,
            ip: q.context.ip,
        },
    };
    let at = q.at.unwrap_or(now);
    let decision = decide(&state.policy.compiled, &subject_state, &query, at);
    DECISIONS[usize::from(decision.allowed)].increment(1);
    Ok(DecisionAnswer {
        subject: q.subject.as_deref(),
        purpose: &q.purpose,
        decision,
        policy_version: state.policy.version(),
        decided_at: at,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    #[derive(serde::Serialize)]
    struct At(#[serde(serialize_with = "super::rfc3339")] DateTime<Utc>);

    #[test]
    fn decided_at_is_written_as_chrono_writes_it() {
        let base = Utc.with_ymd_and_hms(2026, 12, 1, 9, 5, 7).unwrap();
        for nanos in [
            0,
            1,
            999,
            1_000,
            120_000,
            5_000_000,
            822_684_700,
            999_999_999,
        ] {
            let at = base + chrono::Duration::nanoseconds(nanos);
            assert_eq!(
                serde_json::to_string(&At(at)).unwrap(),
                serde_json::to_string(&at).unwrap(),
                "{nanos} ns"
            );
        }
        let early = Utc.with_ymd_and_hms(33, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(
            serde_json::to_string(&At(early)).unwrap(),
            serde_json::to_string(&early).unwrap()
        );
    }
}
