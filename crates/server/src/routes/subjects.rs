//! Subjects: their state, their history, and the events that change them —
//! consents, preferences, memberships, guardian links, attributes,
//! purchases. Every write is one or more ledger events, durable before the
//! answer; the answer carries the events as stored and the new state.

use std::collections::BTreeMap;
use std::net::IpAddr;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vow_engine::SubjectState;
use vow_policy::{AttributeValue, Channel, ConsentModel, LawfulBasis, Purpose};
use vow_store::{Actor, ActorKind, Event, EventKind, EventSource, Store, SubjectSummary};

use crate::access::Reader;
use crate::auth::{Authorized, Read, Write};
use crate::error::{ApiError, ApiResult, ErrorBody, ErrorCode};
use crate::json::ApiJson;
use crate::state::AppState;

/// Who acted and what they saw: the proof that comes with every write.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// An id for the event, chosen by the client, so that a retry after a
    /// timeout records it once. Events of one write get `<id>:<n>`.
    /// Default: a new UUID.
    pub id: Option<String>,
    /// Who acted. Default: the subject themselves.
    pub actor: Option<ActorParam>,
    /// What the person saw and how the choice reached vow.
    #[serde(default)]
    pub source: SourceParam,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorParam {
    /// `subject`, `agent` (parent, guardian, authorised agent), `staff` or `system`.
    #[schema(value_type = String, example = "staff")]
    pub kind: ActorKind,
    /// Who: the agent's or staff member's id.
    pub id: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceParam {
    /// `banner`, `privacy_centre`, `form:<id>`, `email`, `post`... (default `api`).
    pub channel: Option<String>,
    /// The version of the banner or form text shown.
    pub document_version: Option<String>,
    /// SHA-256 of that text.
    pub text_hash: Option<String>,
    /// The person's IP address; vow keeps only its /24 (IPv4) or /48 (IPv6).
    #[schema(value_type = Option<String>)]
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    /// For staff entries: the evidence (the reference of a letter received).
    pub evidence: Option<String>,
}

impl Provenance {
    /// The events for `kinds`, stamped with the actor, source and policy version.
    fn events(
        &self,
        state: &AppState,
        key_id: &str,
        subject: &str,
        kinds: Vec<EventKind>,
    ) -> Vec<Event> {
        let at = Utc::now();
        let actor = match &self.actor {
            Some(a) => Actor {
                kind: a.kind,
                id: a.id.clone(),
            },
            None => Actor {
                kind: ActorKind::Subject,
                id: subject.to_owned(),
            },
        };
        let s = &self.source;
        let source = EventSource {
            channel: s.channel.clone().unwrap_or_else(|| "api".to_owned()),
            document_version: s.document_version.clone(),
            text_hash: s.text_hash.clone(),
            ip: s
                .ip
                .map(|ip| vow_engine::decide::truncate_ip(ip, 24, 48).to_string()),
            user_agent: s.user_agent.clone(),
            evidence: s.evidence.clone(),
            api_key: Some(key_id.to_owned()),
        };
        let single = kinds.len() == 1;
        let base = self
            .id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| Event {
                seq: 0,
                id: if single {
                    base.clone()
                } else {
                    format!("{base}:{i}")
                },
                subject: subject.to_owned(),
                at,
                actor: actor.clone(),
                source: source.clone(),
                policy_version: state.policy.version().to_owned(),
                kind,
                prev_hash: String::new(),
                hash: String::new(),
            })
            .collect()
    }
}

/// What a write returns.
#[derive(Serialize, ToSchema)]
pub struct Written {
    /// The events as stored in the ledger (with their sequence numbers and hashes).
    pub events: Vec<Event>,
    /// The subject's state after them.
    pub state: SubjectState,
}

pub(crate) async fn write(
    state: &AppState,
    key: &str,
    subject: &str,
    provenance: &Provenance,
    kinds: Vec<EventKind>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    check_subject_id(subject)?;
    let events = state
        .record(provenance.events(state, key, subject, kinds))
        .await?;
    let after = state.subject_state(subject).await?;
    Ok((
        StatusCode::CREATED,
        Json(Written {
            events,
            state: (*after).clone(),
        }),
    ))
}

pub(crate) fn check_subject_id(subject: &str) -> ApiResult<()> {
    if subject.is_empty() || subject.len() > 256 || subject.chars().any(char::is_control) {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            "a subject id is 1 to 256 characters, without control characters",
        )
        .field("subject"));
    }
    Ok(())
}

fn purpose<'p>(state: &'p AppState, id: &str, field: String) -> ApiResult<&'p Purpose> {
    let policy = state.policy.policy();
    policy
        .purposes
        .iter()
        .find(|p| p.id.as_str() == id)
        .ok_or_else(|| {
            ApiError::unknown(
                ErrorCode::UnknownPurpose,
                "purpose",
                id,
                field,
                policy.purposes.iter().map(|p| p.id.as_str()),
            )
        })
}

/// A purpose a person can say yes or no to.
/// The channel's name in the policy language and the API (`email`, `sms`).
pub(crate) fn channel_id(channel: Channel) -> String {
    serde_json::to_value(channel)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) fn takes_consent(p: &Purpose) -> bool {
    p.consent.model != ConsentModel::None
        || p.consent
            .by_jurisdiction
            .values()
            .any(|m| *m != ConsentModel::None)
        || p.basis
            .entries()
            .iter()
            .any(|(_, b)| *b == LawfulBasis::Consent)
}

// ---- reads ----

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Continue after this cursor (the `next` of the previous page).
    pub after: Option<String>,
    /// At most this many items (default and maximum 1,000).
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct SubjectList {
    pub subjects: Vec<SubjectSummary>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

/// List the subjects the ledger knows, by id.
#[utoipa::path(get, path = "/v1/subjects", tag = "subjects", params(Page),
    responses((status = 200, body = SubjectList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn list(
    key: Authorized<Read>,
    State(state): State<AppState>,
    Query(page): Query<Page>,
) -> ApiResult<Json<SubjectList>> {
    let limit = page
        .limit
        .unwrap_or(state.limits.page)
        .clamp(1, state.limits.page);
    let subjects = state.store.subjects(page.after.as_deref(), limit).await?;
    tracing::info!(key = %key.key_id, count = subjects.len(), "subjects listed");
    let next = (subjects.len() == limit)
        .then(|| subjects.last().map(|s| s.subject.clone()))
        .flatten();
    Ok(Json(SubjectList { subjects, next }))
}

#[derive(Serialize, ToSchema)]
pub struct SubjectView {
    pub subject: String,
    pub events: u64,
    pub last_seq: u64,
    /// What the engine decides on, as far as the key's staff role may read it.
    pub state: SubjectState,
    /// The fields of `state` left empty because the key's role may not
    /// read their category (AGENCY-09); absent for a key with no role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
}

/// What a staff role was not shown.
#[derive(Serialize, ToSchema)]
pub struct Withheld {
    /// The role the key acts for.
    pub role: String,
    /// State fields emptied (`birth_date`, `consents`...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<&'static str>,
    /// Events left out of this page.
    #[serde(skip_serializing_if = "is_zero")]
    pub events: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A subject's state, as materialised from the ledger.
#[utoipa::path(get, path = "/v1/subjects/{subject}", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id")),
    responses((status = 200, body = SubjectView), (status = 404, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn show(
    key: Authorized<Read>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
) -> ApiResult<Json<SubjectView>> {
    // AGENCY-09: every read of a person's data is authorised by scope and
    // role, and logged.
    let reader = key.reader(&state);
    tracing::info!(key = %key.key_id, role = reader.role(), subject = %subject, "subject state read");
    let summary = state.store.subject(&subject).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::SubjectNotFound,
            format!("no event was ever recorded for `{subject}`"),
        )
        .hint("decisions about an unknown subject use an empty state; record a consent or attribute first")
    })?;
    let current = state.subject_state(&subject).await?;
    let (seen, fields) = reader.state(&current);
    Ok(Json(SubjectView {
        subject: summary.subject,
        events: summary.events,
        last_seq: summary.last_seq,
        state: seen,
        withheld: reader.role().map(|role| Withheld {
            role: role.to_owned(),
            fields,
            events: 0,
        }),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeqPage {
    /// Events after this sequence number (the `next` of the previous page).
    pub after: Option<u64>,
    /// At most this many events (default and maximum 1,000).
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    pub events: Vec<Event>,
    /// The `after` of the next page, when there is one.
    pub next: Option<u64>,
    /// The events of this page left out because the key's staff role may
    /// not read their category (AGENCY-09); absent for a key with no role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
}

impl EventList {
    /// One page as `reader` may see it: pages follow the stored events, so
    /// `next` is the same whatever the role.
    pub fn page(events: Vec<Event>, limit: usize, reader: &Reader) -> EventList {
        let next = (events.len() == limit)
            .then(|| events.last().map(|e| e.seq))
            .flatten();
        let (events, left_out) = reader.events(events);
        EventList {
            events,
            next,
            withheld: reader.role().map(|role| Withheld {
                role: role.to_owned(),
                fields: Vec::new(),
                events: left_out,
            }),
        }
    }
}

/// A subject's events, oldest first: the proof of every consent and change.
#[utoipa::path(get, path = "/v1/subjects/{subject}/events", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id"), SeqPage),
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn events(
    key: Authorized<Read>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(page): Query<SeqPage>,
) -> ApiResult<Json<EventList>> {
    let reader = key.reader(&state);
    tracing::info!(key = %key.key_id, role = reader.role(), subject = %subject, "subject history read");
    let limit = page
        .limit
        .unwrap_or(state.limits.page)
        .clamp(1, state.limits.page);
    let events = state
        .store
        .subject_events(&subject, page.after.unwrap_or(0), limit)
        .await?;
    Ok(Json(EventList::page(events, limit, &reader)))
}

// ---- writes ----

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentChange {
    /// Purpose id → `true` (given) or `false` (refused or withdrawn). One
    /// banner choice is one request: all its consents are recorded together.
    #[schema(example = json!({"analytics": true, "marketing": false}))]
    pub purposes: std::collections::BTreeMap<String, bool>,
    /// When the consents given end by their own terms, as the person was
    /// told when giving them (a campaign's end, "for one year"), RFC 3339.
    /// After it the engine denies with `consent-ended`; the purpose's
    /// consent lifetime still applies, and the earlier end wins. Later than
    /// now, and at most ten years ahead. Default: no end of their own.
    #[schema(value_type = Option<String>, format = DateTime, example = "2027-12-31T23:59:59Z")]
    pub until: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// The furthest end a consent may be given with: a term longer than this
/// is no term a person was really told.
const MAX_CONSENT_TERM_DAYS: i64 = 3_653;

/// `until` checked against the time consents are collected, `now`.
fn consent_end(
    until: Option<DateTime<Utc>>,
    purposes: &std::collections::BTreeMap<String, bool>,
    now: DateTime<Utc>,
) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(until) = until else {
        return Ok(None);
    };
    let invalid =
        |message: String| ApiError::new(ErrorCode::InvalidRequest, message).field("until");
    if !purposes.values().any(|given| *given) {
        return Err(
            invalid("`until` is the end of consents given, and none is given here".into())
                .hint("leave `until` out when consents are only refused or withdrawn"),
        );
    }
    if until <= now {
        return Err(invalid(format!(
            "`until` ({}) is not after the time the consent is collected ({})",
            until.to_rfc3339(),
            now.to_rfc3339()
        ))
        .hint("a consent ends after it is given; to end it now, withdraw it"));
    }
    if until > now + chrono::TimeDelta::days(MAX_CONSENT_TERM_DAYS) {
        return Err(invalid(format!(
            "`until` ({}) is more than ten years after the consent is collected",
            until.to_rfc3339()
        ))
        .hint("leave `until` out for a consent without an end of its own"));
    }
    Ok(Some(until))
}

/// Record consents given, refused or withdrawn.
#[utoipa::path(post, path = "/v1/subjects/{subject}/consents", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id")),
    request_body = ConsentChange,
    responses((status = 201, body = Written), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn consents(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    ApiJson(body): ApiJson<ConsentChange>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    if body.purposes.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidRequest, "no purpose given")
            .field("purposes")
            .hint("send {\"purposes\": {\"<purpose id>\": true | false}}"));
    }
    let until = consent_end(body.until, &body.purposes, Utc::now())?;
    let mut kinds = Vec::new();
    for (id, given) in &body.purposes {
        let p = purpose(&state, id, format!("purposes.{id}"))?;
        if !takes_consent(p) {
            return Err(ApiError::new(
                ErrorCode::PurposeNotConsentBased,
                format!("`{id}` does not rest on consent or an opt-out: there is nothing to give or withdraw"),
            )
            .field(format!("purposes.{id}"))
            .hint("to stop it, record an objection or a restriction"));
        }
        kinds.push(if *given {
            EventKind::ConsentGiven {
                purpose: id.clone(),
                until,
            }
        } else {
            EventKind::ConsentWithdrawn {
                purpose: id.clone(),
            }
        });
    }
    write(&state, &key.key_id, &subject, &body.provenance, kinds).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferenceChange {
    /// Channel → `true` to receive non-essential messages by it, `false` to opt out.
    /// Essential messages (billing, security, service) are sent whatever is chosen.
    #[schema(value_type = std::collections::BTreeMap<String, bool>, example = json!({"email": false, "sms": true}))]
    pub channels: std::collections::BTreeMap<Channel, bool>,
    /// Only for this kind of message (a communication of the policy,
    /// `surveys`), the others left as they are. Default: every
    /// non-essential message by those channels.
    pub communication: Option<String>,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Set communication preferences per channel, for every non-essential
/// message or for one kind of message.
#[utoipa::path(post, path = "/v1/subjects/{subject}/preferences", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id")),
    request_body = PreferenceChange,
    responses((status = 201, body = Written), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn preferences(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    ApiJson(body): ApiJson<PreferenceChange>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    if body.channels.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidRequest, "no channel given")
            .field("channels")
            .hint("send {\"channels\": {\"email\": false}}"));
    }
    if let Some(id) = &body.communication {
        let policy = state.policy.policy();
        let Some(c) = policy.communications.iter().find(|c| c.id.as_str() == id) else {
            return Err(ApiError::unknown(
                ErrorCode::InvalidRequest,
                "communication",
                id,
                "communication",
                policy.communications.iter().map(|c| c.id.as_str()),
            ));
        };
        if c.essential {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("`{id}` is essential: it is sent whatever the person chooses"),
            )
            .field("communication"));
        }
        let name = |ch: &Channel| channel_id(*ch);
        if let Some(other) = body.channels.keys().find(|ch| !c.channels.contains(ch)) {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("`{id}` is not sent by {}", name(other)),
            )
            .field("channels")
            .hint(format!(
                "its channels are: {}",
                c.channels.iter().map(name).collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let kinds = body
        .channels
        .iter()
        .map(|(channel, receive)| EventKind::PreferenceSet {
            channel: *channel,
            opted_out: !receive,
            communication: body.communication.clone(),
        })
        .collect();
    write(&state, &key.key_id, &subject, &body.provenance, kinds).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipStart {
    /// A membership id of the policy (`licensed_institution`).
    pub membership: String,
    #[serde(flatten)]
    pub provenance: Provenance,
}

fn membership_known(state: &AppState, id: &str) -> ApiResult<()> {
    let policy = state.policy.policy();
    if policy.memberships.iter().any(|m| m.id.as_str() == id) {
        return Ok(());
    }
    Err(ApiError::unknown(
        ErrorCode::UnknownMembership,
        "membership",
        id,
        "membership",
        policy.memberships.iter().map(|m| m.id.as_str()),
    ))
}

/// Start a membership (a student joins a licensed institution: EDU-03).
#[utoipa::path(post, path = "/v1/subjects/{subject}/memberships", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id")),
    request_body = MembershipStart,
    responses((status = 201, body = Written), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn membership_start(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    ApiJson(body): ApiJson<MembershipStart>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    membership_known(&state, &body.membership)?;
    let kinds = vec![EventKind::MembershipStarted {
        membership: body.membership.clone(),
    }];
    write(&state, &key.key_id, &subject, &body.provenance, kinds).await
}

/// End a membership.
#[utoipa::path(delete, path = "/v1/subjects/{subject}/memberships/{membership}", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id"),
        ("membership" = String, Path, description = "The membership id")),
    responses((status = 201, body = Written), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn membership_end(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path((subject, membership)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    membership_known(&state, &membership)?;
    let kinds = vec![EventKind::MembershipEnded { membership }];
    write(&state, &key.key_id, &subject, &Provenance::default(), kinds).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardianLink {
    /// The parent's or guardian's subject id.
    pub guardian: String,
    /// The parent's consent was verified (COPPA: a method the policy accepts).
    #[serde(default)]
    pub verified: bool,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// Link a child to a parent or guardian (KIDS-02), with or without verified consent.
#[utoipa::path(post, path = "/v1/subjects/{subject}/guardians", tag = "subjects",
    params(("subject" = String, Path, description = "The child's subject id")),
    request_body = GuardianLink,
    responses((status = 201, body = Written), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn guardian(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    ApiJson(body): ApiJson<GuardianLink>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    check_subject_id(&body.guardian).map_err(|e| e.field("guardian"))?;
    if body.guardian == subject {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "a subject cannot be their own guardian",
        )
        .field("guardian"));
    }
    let kinds = vec![EventKind::GuardianLinked {
        guardian: body.guardian.clone(),
        verified: body.verified,
    }];
    write(&state, &key.key_id, &subject, &body.provenance, kinds).await
}

/// End a parent's or guardian's link to the child (the child came of age,
/// a court order, a link made by mistake). From then on the parent no
/// longer acts for the child, in the privacy centre or in requests.
#[utoipa::path(delete, path = "/v1/subjects/{subject}/guardians/{guardian}", tag = "subjects",
    params(("subject" = String, Path, description = "The child's subject id"),
        ("guardian" = String, Path, description = "The parent's or guardian's subject id")),
    responses((status = 201, body = Written), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn guardian_end(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path((subject, guardian)): Path<(String, String)>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    check_subject_id(&guardian).map_err(|e| e.field("guardian"))?;
    let kinds = vec![EventKind::GuardianUnlinked { guardian }];
    write(&state, &key.key_id, &subject, &Provenance::default(), kinds).await
}

/// The children a parent or guardian is linked to now, from the ledger.
#[utoipa::path(get, path = "/v1/subjects/{subject}/children", tag = "subjects",
    params(("subject" = String, Path, description = "The parent's or guardian's subject id")),
    responses((status = 200, body = Vec<vow_store::GuardianLinkRecord>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["read"])))]
pub async fn children(
    key: Authorized<Read>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
) -> ApiResult<Json<Vec<vow_store::GuardianLinkRecord>>> {
    check_subject_id(&subject)?;
    let reader = key.reader(&state);
    if !reader.may_read(crate::access::ACCOUNT) {
        return Err(ApiError::new(
            ErrorCode::RoleCannotRead,
            format!(
                "the role `{}` may not read {}, which guardian links are",
                reader.role().unwrap_or_default(),
                crate::access::ACCOUNT
            ),
        )
        .hint("use a key whose role reads user.account, or a key with no role"));
    }
    tracing::info!(key = %key.key_id, role = reader.role(), subject = %subject, "guardian links read");
    Ok(Json(state.store.children(&subject).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeChange {
    /// Where the person lives (`FR`, `US-CA`).
    pub jurisdiction: Option<String>,
    /// For the rules on children.
    #[schema(value_type = Option<String>, format = Date)]
    pub birth_date: Option<NaiveDate>,
    /// A subject kind of the policy (`customer`, `student`).
    pub kind: Option<String>,
    /// Attributes the policy declares for the person's kind
    /// (`subjects[].attributes`), by id: a value of the declared type sets
    /// one (`{"self_pay": true}`), `null` forgets it.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub attributes: BTreeMap<String, Option<AttributeValue>>,
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// At most this many attributes in one change, each text at most this long.
const MAX_ATTRIBUTES: usize = 64;
const MAX_ATTRIBUTE_TEXT: usize = 256;

/// Checks each attribute against the policy: declared for the person's kind
/// (the one being set, else the one known), and of its declared type.
fn check_attributes(
    policy: &vow_policy::Policy,
    kind: Option<&str>,
    attributes: &BTreeMap<String, Option<AttributeValue>>,
) -> ApiResult<()> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!(
                "{} attributes in one change; at most {MAX_ATTRIBUTES}",
                attributes.len()
            ),
        )
        .field("attributes")
        .hint("send them in several changes"));
    }
    let kinds: Vec<&str> = kind.into_iter().collect();
    let declared: Vec<&vow_policy::Attribute> = policy.attributes_of(&kinds).collect();
    for (name, value) in attributes {
        let field = format!("attributes.{name}");
        let Some(a) = declared.iter().find(|a| a.id.as_str() == name) else {
            return Err(ApiError::unknown(
                ErrorCode::InvalidRequest,
                "subject attribute",
                name,
                &field,
                declared.iter().map(|a| a.id.as_str()),
            ));
        };
        let Some(value) = value else { continue };
        if let AttributeValue::Text(t) = value
            && t.len() > MAX_ATTRIBUTE_TEXT
        {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!(
                    "`{name}` is {} bytes long; at most {MAX_ATTRIBUTE_TEXT}",
                    t.len()
                ),
            )
            .field(field));
        }
        if !value.fits(a.kind) {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                format!("`{name}` is {} attribute, and {value} is not one", a.kind.article()),
            )
            .field(field)
            .hint("send a value of the type the policy declares under `subjects[].attributes`, or null to forget it"));
        }
    }
    Ok(())
}

/// Set the subject's jurisdiction, birth date or kind.
#[utoipa::path(patch, path = "/v1/subjects/{subject}", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id")),
    request_body = AttributeChange,
    responses((status = 201, body = Written), (status = 422, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn attributes(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    ApiJson(body): ApiJson<AttributeChange>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    if body.jurisdiction.is_none()
        && body.birth_date.is_none()
        && body.kind.is_none()
        && body.attributes.is_empty()
    {
        return Err(ApiError::new(ErrorCode::InvalidRequest, "nothing to set")
            .hint("send at least one of `jurisdiction`, `birth_date`, `kind`, `attributes`"));
    }
    if let Some(j) = &body.jurisdiction {
        vow_policy::Jurisdiction::parse(j)
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, e).field("jurisdiction"))?;
    }
    if let Some(birth) = body.birth_date
        && birth > Utc::now().date_naive()
    {
        return Err(
            ApiError::new(ErrorCode::InvalidRequest, "the birth date is in the future")
                .field("birth_date"),
        );
    }
    if let Some(kind) = &body.kind {
        let kinds = &state.policy.policy().subjects;
        if !kinds.is_empty() && !kinds.iter().any(|k| k.id.as_str() == kind) {
            return Err(ApiError::unknown(
                ErrorCode::InvalidRequest,
                "subject kind",
                kind,
                "kind",
                kinds.iter().map(|k| k.id.as_str()),
            ));
        }
    }
    if !body.attributes.is_empty() {
        let known = match &body.kind {
            Some(kind) => Some(kind.clone()),
            None => state.subject_state(&subject).await?.kind.clone(),
        };
        check_attributes(state.policy.policy(), known.as_deref(), &body.attributes)?;
    }
    let kinds = vec![EventKind::AttributesSet {
        jurisdiction: body.jurisdiction.clone(),
        birth_date: body.birth_date,
        kind: body.kind.clone(),
        attributes: body.attributes.clone(),
    }];
    write(&state, &key.key_id, &subject, &body.provenance, kinds).await
}

/// Record a purchase: the person is now a customer (soft opt-in, IOT-04).
#[utoipa::path(post, path = "/v1/subjects/{subject}/purchases", tag = "subjects",
    params(("subject" = String, Path, description = "The subject's id")),
    request_body(content = Provenance, description = "Optional provenance; `{}` is enough."),
    responses((status = 201, body = Written), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("api_key" = ["write"])))]
pub async fn purchase(
    key: Authorized<Write>,
    State(state): State<AppState>,
    Path(subject): Path<String>,
    ApiJson(body): ApiJson<Provenance>,
) -> ApiResult<(StatusCode, Json<Written>)> {
    write(
        &state,
        &key.key_id,
        &subject,
        &body,
        vec![EventKind::PurchaseRecorded],
    )
    .await
}
