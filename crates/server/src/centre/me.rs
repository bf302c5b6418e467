//! The person's page (`/centre/me`, or a child's with `?for=`) and what
//! its forms do: consents and channels (only changes recorded), requests
//! opened (the session is the `account` check), corrections asked for,
//! requests made for someone else as their agent, and the download of a
//! completed copy.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use minijinja::{Value, context};
use vow_dsr::request::{Actor, ActorKind, Agent, AgentKind, Guardianship, NewRequest, RequestKind};
use vow_dsr::runner::{Change, Desk, DeskError, Names, Opening, Tell};
use vow_policy::render::i18n::{self as words, Language};
use vow_policy::{Channel, VerificationMethod};
use vow_store::{AnyStore, EventKind, EventSource, RequestQuery};

use super::person::{self, Acting};
use super::{PageQuery, field, form, refuse};
use crate::pages::{Lang, Phrases, View, fill};
use crate::routes::subjects::{channel_id, takes_consent};
use crate::state::AppState;

/// The channels a person turns on or off for messages that are not
/// about their account or orders.
const CHANNELS: [Channel; 4] = [Channel::Email, Channel::Sms, Channel::Phone, Channel::Post];

/// The rights the request form offers (rectification has a form of its own).
const RIGHTS: [&str; 7] = [
    "access",
    "portability",
    "erasure",
    "restriction",
    "objection",
    "right_to_know",
    "shine_the_light",
];

fn right_label(t: &'static Phrases, right: &str) -> &'static str {
    match right {
        "access" => t.right_access,
        "portability" => t.right_portability,
        "erasure" => t.right_erasure,
        "restriction" => t.right_restriction,
        "objection" => t.right_objection,
        "right_to_know" => t.right_to_know,
        "shine_the_light" => t.right_shine_the_light,
        "rectification" => t.right_rectification,
        _ => "",
    }
}

fn status_label(t: &'static Phrases, status: &str) -> String {
    match status {
        "received" => t.status_received,
        "in_progress" => t.status_in_progress,
        "waiting" => t.status_waiting,
        "completed" => t.status_completed,
        "partially_completed" => t.status_partially_completed,
        "denied" => t.status_denied,
        "withdrawn" => t.status_withdrawn,
        other => return other.replace('_', " "),
    }
    .to_owned()
}

fn desk(state: &AppState) -> Desk<'_, AnyStore> {
    state.desk("privacy_centre")
}

/// `text` as one segment of a URL path (RFC 3986: all but the
/// unreserved characters percent-encoded).
fn path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The kinds of message a person may turn off: the policy's
/// communications that are not essential.
fn optional_messages(state: &AppState) -> impl Iterator<Item = &vow_policy::Communication> {
    state
        .policy
        .policy()
        .communications
        .iter()
        .filter(|c| !c.essential)
}

/// The channels any kind of message uses, in the policy's order of channels.
fn kind_channels(state: &AppState) -> Vec<Channel> {
    let mut used: Vec<Channel> = optional_messages(state)
        .flat_map(|c| c.channels.clone())
        .collect();
    used.sort();
    used.dedup();
    used
}

/// A field the person may ask to have corrected: a column of a dataset's
/// subject table that holds a category of the policy, not a key, not a
/// secret. `id` is `<dataset>/<column>`. An `immutable` one (its category
/// is, AGENCY-13) is not offered, and a form that names it anyway is
/// refused with the reason.
struct Correctable {
    id: String,
    dataset: String,
    column: String,
    label: String,
    immutable: bool,
}

fn correctable(state: &AppState, lang: Language) -> Vec<Correctable> {
    let policy = state.policy.policy();
    let category_name = |key: &vow_policy::CategoryKey| {
        policy
            .categories
            .iter()
            .filter(|c| key.is_within(&c.id))
            .max_by_key(|c| c.id.as_str().len())
            .map_or_else(|| key.to_string(), |c| c.name.get(lang.tag()).to_owned())
    };
    let mut fields = Vec::new();
    for target in &state.requests.targets {
        let dataset = &target.dataset;
        let subject = &dataset.subject;
        let Some(table) = dataset.tables.iter().find(|t| t.table == subject.table) else {
            continue;
        };
        for (column, spec) in &table.columns {
            let Some(category) = spec.category.as_ref() else {
                continue;
            };
            if spec.secret || subject.key.contains(column) {
                continue;
            }
            fields.push(Correctable {
                id: format!("{}/{column}", dataset.id),
                dataset: dataset.id.clone(),
                column: column.clone(),
                label: format!("{} ({column})", category_name(category)),
                immutable: policy.immutable_category(category).is_some(),
            });
        }
    }
    fields
}

/// `GET /centre/me[?for=<child>]`: the person's (or their child's) choices
/// and requests.
pub async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::of(&headers, q.lang.as_deref());
    let child_query: Vec<(&str, &str)> =
        q.child.as_deref().map(|c| ("for", c)).into_iter().collect();
    let view = View::new(lang, "/centre/me", &child_query);
    let who = match person::acting(&state, &view, &headers, q.child.as_deref()).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let t = view.t();
    let tag = lang.tag();
    let language = lang.language;
    let policy = state.policy.policy();
    let current = match state.subject_state(&who.subject).await {
        Ok(s) => s,
        Err(e) => return super::unavailable(&view, &e),
    };
    let now = Utc::now();
    // On a child's page, only what the policy allows for the child.
    let purposes: Vec<Value> = policy
        .purposes
        .iter()
        .filter(|p| takes_consent(p))
        .filter(|p| {
            !who.for_child()
                || vow_engine::could_consent(&state.policy.compiled, &current, p.id.as_str(), now)
        })
        .map(|p| {
            context! {
                id => p.id.as_str(),
                name => p.name.get(tag),
                about => p.description.as_ref().map(|d| d.get(tag)),
                on => current.consent(p.id.as_str()).is_some_and(|c| c.given),
            }
        })
        .collect();
    let channel_name = |c: Channel| {
        let name = words::channel(language, c);
        let mut capital = name.chars();
        capital
            .next()
            .map(|f| f.to_uppercase().chain(capital).collect::<String>())
            .unwrap_or_default()
    };
    let channels: Vec<Value> = CHANNELS
        .iter()
        .map(|c| {
            context! {
                id => channel_id(*c),
                name => channel_name(*c),
                on => !current.channel_opt_outs.contains(c),
            }
        })
        .collect();
    // Each kind of message by each of its channels: a matrix whose
    // columns are the channels any of them uses.
    let kind_channels = kind_channels(&state);
    let kinds: Vec<Value> = optional_messages(&state)
        .map(|c| {
            let cells: Vec<Option<Value>> = kind_channels
                .iter()
                .map(|ch| {
                    c.channels.contains(ch).then(|| {
                        context! {
                            channel => channel_id(*ch),
                            label => channel_name(*ch),
                            on => !current.communication_opt_outs.iter().any(|o| {
                                o.channel == *ch && o.communication == c.id.as_str()
                            }),
                        }
                    })
                })
                .collect();
            context! { id => c.id.as_str(), name => c.name.get(tag), cells => cells }
        })
        .collect();
    let kind_channels: Vec<Value> = kind_channels
        .iter()
        .map(|c| context! { name => channel_name(*c) })
        .collect();
    let date = |at: chrono::DateTime<Utc>| vow_policy::render::date(language, at.date_naive());
    let browsers: Vec<Value> = if who.for_child() {
        Vec::new()
    } else {
        match person::browsers(&state, &who.subject, language).await {
            Ok(found) => found
                .into_iter()
                .map(|b| {
                    context! {
                        chosen => date(b.chosen),
                        allowed => b.allowed.join(", "),
                        refused => b.refused.join(", "),
                    }
                })
                .collect(),
            Err(e) => return super::unavailable(&view, &e),
        }
    };
    let requests = match desk(&state)
        .list(&RequestQuery {
            subject: Some(who.subject.clone()),
            limit: 100,
            ..Default::default()
        })
        .await
    {
        Ok(r) => r,
        Err(e) => return super::unavailable(&view, &e),
    };
    let child_query = who.query_string();
    let requests: Vec<Value> = requests
        .iter()
        .map(|r| {
            // A parent downloads what they asked for, not what the child did.
            let mine = !who.for_child() || {
                let agent = &r.body["request"]["agent"];
                agent["kind"] == "parent" && agent["id"] == who.me()
            };
            let export = ((r.kind == "access" || r.kind == "portability")
                && matches!(r.status.as_str(), "completed" | "partially_completed")
                && mine)
                .then(|| {
                    format!(
                        "/centre/requests/{}/export{child_query}",
                        path_segment(&r.id)
                    )
                });
            let kind = right_label(t, &r.kind);
            context! {
                kind => if kind.is_empty() { r.kind.replace('_', " ") } else { kind.to_owned() },
                received => date(r.received_at),
                due => r.due_at.map(date),
                status => status_label(t, &r.status),
                export => export,
            }
        })
        .collect();
    // Where the person's jurisdiction is known, only the rights the policy
    // or the law gives them there.
    let today = Utc::now().date_naive();
    let rights: Vec<Value> = RIGHTS
        .iter()
        .filter(|id| {
            current.jurisdiction.as_deref().is_none_or(|j| {
                RequestKind::parse(id, None).is_ok_and(|kind| {
                    vow_dsr::request::grant(state.policy.policy(), &kind, j, today).is_ok()
                })
            })
        })
        .map(|id| context! { id => *id, label => right_label(t, id) })
        .collect();
    let (fixed, fields): (Vec<Correctable>, Vec<Correctable>) = correctable(&state, language)
        .into_iter()
        .partition(|f| f.immutable);
    let fields: Vec<Value> = fields
        .into_iter()
        .map(|f| context! { id => f.id, label => f.label })
        .collect();
    // What the policy says cannot be changed (AGENCY-13), named so that
    // its absence from the list is not a mystery.
    let fixed: Vec<String> = fixed.into_iter().map(|f| f.label).collect();
    let fixed =
        (!fixed.is_empty()).then(|| fill(t.correct_fixed, &[("fields", &fixed.join(", "))]));
    let children = if who.for_child() {
        Vec::new()
    } else {
        match person::children(&state, who.me()).await {
            Ok(c) => c,
            Err(e) => return super::unavailable(&view, &e),
        }
    };
    let csrf = state.centre.form_token(&who.session);
    let heading = if who.for_child() {
        t.childs_privacy
    } else {
        t.your_privacy
    };
    let mut answer = view.page(
        StatusCode::OK,
        "centre/me.html",
        heading,
        context! {
            heading => heading,
            child => who.for_child().then_some(who.subject.as_str()),
            email => who.session.email.as_str(),
            csrf => csrf,
            saved => q.saved.is_some(),
            org => policy.organisation.name.as_str(),
            purposes => purposes,
            channels => channels,
            kinds => kinds,
            kind_channels => kind_channels,
            browsers => browsers,
            requests => requests,
            rights => rights,
            jurisdiction => current.jurisdiction.clone().unwrap_or_default(),
            fields => fields,
            fixed => fixed,
            children => children,
        },
    );
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    answer
}

/// The person acting on a form, with its token checked.
async fn form_acting(
    state: &AppState,
    view: &View,
    headers: &HeaderMap,
    fields: &[(String, String)],
    for_child: bool,
) -> Result<Acting, Response> {
    let child = if for_child {
        field(fields, "for")
    } else {
        None
    };
    let who = person::acting(state, view, headers, child).await?;
    if !state.centre.form_ok(&who.session, field(fields, "csrf")) {
        return Err(refuse(
            view,
            StatusCode::FORBIDDEN,
            view.t().form_out_of_date,
        ));
    }
    Ok(who)
}

fn form_view(headers: &HeaderMap) -> View {
    View::new(Lang::of(headers, None), "/centre/me", &[])
}

/// `POST /centre/me/choices`: records what changed.
pub async fn choices(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let view = form_view(&headers);
    let fields = form(&body);
    let who = match form_acting(&state, &view, &headers, &fields, true).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let current = match state.subject_state(&who.subject).await {
        Ok(s) => s,
        Err(e) => return super::unavailable(&view, &e),
    };
    let ticked = |name: &str, value: &str| fields.iter().any(|(k, v)| k == name && v == value);
    let now = Utc::now();
    let mut kinds = Vec::new();
    for p in state
        .policy
        .policy()
        .purposes
        .iter()
        .filter(|p| takes_consent(p))
    {
        let on = ticked("purpose", p.id.as_str());
        let was = current.consent(p.id.as_str()).map(|c| c.given);
        // Nothing is given for a child that the policy does not allow for
        // them, whatever the form says.
        let allowed = !who.for_child()
            || vow_engine::could_consent(&state.policy.compiled, &current, p.id.as_str(), now);
        if was != Some(on) && (on || was.is_some()) && (allowed || !on) {
            let purpose = p.id.to_string();
            kinds.push(if on {
                EventKind::ConsentGiven {
                    purpose,
                    until: None,
                }
            } else {
                EventKind::ConsentWithdrawn { purpose }
            });
        }
    }
    for channel in CHANNELS {
        let opted_out = !ticked("channel", &channel_id(channel));
        if opted_out != current.channel_opt_outs.contains(&channel) {
            kinds.push(EventKind::PreferenceSet {
                channel,
                opted_out,
                communication: None,
            });
        }
    }
    for c in optional_messages(&state) {
        for channel in &c.channels {
            let cell = format!("{}/{}", c.id, channel_id(*channel));
            let opted_out = !ticked("kind", &cell);
            let was = current
                .communication_opt_outs
                .iter()
                .any(|o| o.channel == *channel && o.communication == c.id.as_str());
            if opted_out != was {
                kinds.push(EventKind::PreferenceSet {
                    channel: *channel,
                    opted_out,
                    communication: Some(c.id.to_string()),
                });
            }
        }
    }
    let source = EventSource {
        channel: "privacy_centre".to_owned(),
        evidence: Some("signed in by a link to the address".to_owned()),
        ..EventSource::default()
    };
    let events = state.events_by(&who.subject, who.actor(), source, kinds);
    if !events.is_empty()
        && let Err(e) = state.record(events).await
    {
        return super::unavailable(&view, &e);
    }
    let back = who.back();
    let saved = if back.contains('?') {
        "&saved=1"
    } else {
        "?saved=1"
    };
    Redirect::to(&format!("{back}{saved}")).into_response()
}

/// `POST /centre/me/requests`: opens a request; the session is the
/// `account` check where the right accepts it.
pub async fn request(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let view = form_view(&headers);
    let fields = form(&body);
    let who = match form_acting(&state, &view, &headers, &fields, true).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let Some(kind) = request_kind(field(&fields, "right").unwrap_or_default()) else {
        return refuse(
            &view,
            StatusCode::UNPROCESSABLE_ENTITY,
            view.t().choose_a_right,
        );
    };
    match open_own(&state, &view, &who, &fields, kind, Vec::new()).await {
        Ok(_) => Redirect::to(&who.back()).into_response(),
        Err(answer) => answer,
    }
}

/// `POST /centre/me/rectify`: asks for one field to be corrected.
pub async fn rectify(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let view = form_view(&headers);
    let t = view.t();
    let fields = form(&body);
    let who = match form_acting(&state, &view, &headers, &fields, true).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let chosen = field(&fields, "field").unwrap_or_default();
    let Some(target) = correctable(&state, view.lang.language)
        .into_iter()
        .find(|f| f.id == chosen)
    else {
        return refuse(
            &view,
            StatusCode::UNPROCESSABLE_ENTITY,
            t.correct_unknown_field,
        );
    };
    if target.immutable {
        return refuse(
            &view,
            StatusCode::UNPROCESSABLE_ENTITY,
            &fill(t.correct_immutable, &[("field", &target.label)]),
        );
    }
    let value = field(&fields, "value").unwrap_or_default().trim();
    if value.chars().count() > 500 || value.chars().any(char::is_control) {
        return refuse(&view, StatusCode::UNPROCESSABLE_ENTITY, t.correct_no_value);
    }
    let change = Change {
        column: target.column,
        value: (!value.is_empty()).then(|| value.to_owned()),
        dataset: Some(target.dataset),
    };
    match open_own(
        &state,
        &view,
        &who,
        &fields,
        RequestKind::Rectification,
        vec![change],
    )
    .await
    {
        Ok(_) => Redirect::to(&who.back()).into_response(),
        Err(answer) => answer,
    }
}

fn request_kind(right: &str) -> Option<RequestKind> {
    RequestKind::parse(right, None)
        .ok()
        .filter(|kind| *kind != RequestKind::Rectification)
}

/// Opens a request for the page's subject: their own, or their child's
/// as the child's parent.
async fn open_own(
    state: &AppState,
    view: &View,
    who: &Acting,
    fields: &[(String, String)],
    kind: RequestKind,
    changes: Vec<Change>,
) -> Result<vow_dsr::runner::Case, Response> {
    let agent = who.for_child().then(|| Agent {
        kind: AgentKind::Parent,
        id: who.me().to_owned(),
        proof: Vec::new(),
    });
    // The organisation's databases find the person by the address they
    // proved, and by their account where the ledger names them by it.
    let names = if who.for_child() {
        Names {
            account_id: Some(who.subject.clone()),
            ..Names::default()
        }
    } else {
        Names {
            email: Some(who.session.email.clone()),
            account_id: (who.subject != who.session.email).then(|| who.subject.clone()),
            phone: None,
        }
    };
    open_request(
        state,
        view,
        fields,
        kind,
        &who.subject,
        agent,
        names,
        changes,
        who.actor(),
    )
    .await
}

/// `POST /centre/me/agent`: the signed-in person asks for someone else as
/// their authorised agent, holding their signed permission. Where the
/// policy makes the person confirm (KIDS-17), the request waits for them.
pub async fn agent(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let view = form_view(&headers);
    let t = view.t();
    let fields = form(&body);
    let who = match form_acting(&state, &view, &headers, &fields, false).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let Ok(person) = vow_store::Identity::parse(
        vow_store::IdentityKind::Email,
        field(&fields, "person").unwrap_or_default(),
    ) else {
        return refuse(&view, StatusCode::UNPROCESSABLE_ENTITY, t.agent_needs_email);
    };
    let person = person.value().to_owned();
    if field(&fields, "permission") != Some("signed") {
        return refuse(
            &view,
            StatusCode::UNPROCESSABLE_ENTITY,
            t.agent_needs_permission,
        );
    }
    let Some(kind) = request_kind(field(&fields, "right").unwrap_or_default()) else {
        return refuse(&view, StatusCode::UNPROCESSABLE_ENTITY, t.choose_a_right);
    };
    let subject = match person::subject_for_email(&state, &person).await {
        Ok(s) => s,
        Err(e) => return super::unavailable(&view, &e),
    };
    let agent = Agent {
        kind: AgentKind::AuthorisedAgent,
        id: who.me().to_owned(),
        proof: vec![vow_policy::AgentProof::SignedPermission],
    };
    let actor = vow_store::Actor {
        kind: vow_store::ActorKind::Agent,
        id: who.me().to_owned(),
    };
    let names = Names {
        email: Some(person.clone()),
        account_id: (subject != person).then(|| subject.clone()),
        phone: None,
    };
    let case = match open_request(
        &state,
        &view,
        &fields,
        kind,
        &subject,
        Some(agent),
        names,
        Vec::new(),
        actor,
    )
    .await
    {
        Ok(case) => case,
        Err(answer) => return answer,
    };
    let org = &state.policy.policy().organisation.name;
    let masked = vow_mail::mask(&person);
    let mut said = vec![fill(
        t.request_sent_body,
        &[
            ("id", &case.request.id),
            ("person", &masked),
            ("status", &status_label(t, case.request.status())),
        ],
    )];
    match &case.request.state {
        vow_dsr::request::RequestState::Denied { reason, appeal } => {
            said.push(fill(
                t.cannot_be_granted,
                &[("reason", &reason.to_string())],
            ));
            if let Some(appeal) = appeal {
                said.push(format!("{appeal}."));
            }
        }
        _ if case.request.subject_confirms => {
            said.push(fill(
                t.will_ask_to_confirm,
                &[("org", org), ("person", &masked)],
            ));
        }
        _ => said.push(t.after_identity_check.to_owned()),
    }
    let paragraphs: Vec<&str> = said.iter().map(String::as_str).collect();
    view.message(
        StatusCode::OK,
        t.request_sent_title,
        &paragraphs,
        Some(("/centre/me", t.back)),
    )
}

/// Opens a request from one of the centre's forms (`jurisdiction`).
#[allow(clippy::too_many_arguments)]
async fn open_request(
    state: &AppState,
    view: &View,
    fields: &[(String, String)],
    kind: RequestKind,
    subject: &str,
    agent: Option<Agent>,
    names: Names,
    changes: Vec<Change>,
    by: vow_store::Actor,
) -> Result<vow_dsr::runner::Case, Response> {
    let jurisdiction = field(fields, "jurisdiction")
        .unwrap_or_default()
        .trim()
        .to_uppercase();
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    let id = format!("req-{}", hex::encode(bytes));
    let now = Utc::now();
    let by_agent = agent.is_some();
    let parent = agent.as_ref().is_some_and(|a| a.kind == AgentKind::Parent);
    let actor = if by_agent {
        Actor::new(ActorKind::Agent, by.id.clone())
    } else {
        Actor::new(ActorKind::Subject, subject.to_owned())
    };
    let opening = Opening {
        new: NewRequest {
            id: id.clone(),
            kind,
            subject: subject.to_owned(),
            jurisdiction,
            agent,
            guardianship: Guardianship::default(),
            arrival: None,
        },
        names,
        changes,
        actor: actor.clone(),
        holidays: Vec::new(),
    };
    let desk = desk(state);
    let case = match desk.create(opening, now).await {
        Ok(case) => case,
        // What the form asked cannot be opened: say why.
        Err(
            e @ (DeskError::Invalid(_) | DeskError::Transition(_) | DeskError::Immutable { .. }),
        ) => {
            return Err(refuse(
                view,
                StatusCode::UNPROCESSABLE_ENTITY,
                &e.to_string(),
            ));
        }
        Err(e) => return Err(super::unavailable(view, &e)),
    };
    // The page the person returns to lists the request with the day it was
    // received and the day it is due: that is the confirmation of receipt
    // a law may ask for (the CCPA within 10 business days).
    let case = if case.request.acknowledge_by().is_some() {
        let how = Tell::Otherwise(
            "shown on the privacy centre page the person returned to, with the day it was received and the day it is due".to_owned(),
        );
        match desk.acknowledge(&id, how, actor.clone(), now).await {
            Ok(acknowledged) => acknowledged,
            Err(e) => {
                tracing::warn!(request = %id, error = %e, "receipt could not be recorded as confirmed");
                case
            }
        }
    } else {
        case
    };
    // The session is the signed-in person's `account` check: for their own
    // request, or for their child's (the ledger links them). An agent's
    // session proves who the agent is, not who the person is.
    if (!by_agent || parent)
        && !case.request.state.is_final()
        && case
            .request
            .verification
            .methods()
            .contains(&VerificationMethod::Account)
    {
        match desk
            .checked(&id, VerificationMethod::Account, actor, now)
            .await
        {
            Ok(checked) => return Ok(checked),
            Err(e) => {
                tracing::warn!(request = %id, error = %e, "the session did not verify the request");
            }
        }
    }
    Ok(case)
}

/// `GET /centre/requests/{request}/export[?for=<child>]`: the person's
/// own package, or the one a parent asked for their child.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let view = View::new(Lang::of(&headers, q.lang.as_deref()), "/centre/me", &[]);
    let who = match person::acting(&state, &view, &headers, q.child.as_deref()).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let desk = desk(&state);
    // A parent downloads what they asked for, not what their child did.
    let theirs = |case: &vow_dsr::runner::Case| {
        case.request.subject == who.subject
            && (!who.for_child()
                || case
                    .request
                    .agent
                    .as_ref()
                    .is_some_and(|a| a.kind == AgentKind::Parent && a.id == who.me()))
    };
    match desk.load(&id).await {
        Ok(case) if theirs(&case) => {}
        Ok(_) | Err(DeskError::NotFound(_)) => {
            return refuse(&view, StatusCode::NOT_FOUND, view.t().no_such_request);
        }
        Err(e) => return super::unavailable(&view, &e),
    }
    let mut zip = std::io::Cursor::new(Vec::new());
    match desk.export(&id, &mut zip, None).await {
        Ok(_) => {}
        Err(DeskError::NotExportable(_)) => {
            return refuse(&view, StatusCode::CONFLICT, view.t().not_ready);
        }
        Err(e) => return super::unavailable(&view, &e),
    }
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"my-data.zip\"".to_owned(),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        zip.into_inner(),
    )
        .into_response()
}
