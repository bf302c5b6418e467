//! The privacy centre: where a person manages what the organisation does
//! with their data. Server-rendered, and it works without JavaScript.
//!
//! - **Sign-in** by a link sent over SMTP to the address given
//!   (`/centre`). The link opens a page that asks to continue; only that
//!   POST signs in, because mail scanners open links. The person's ledger
//!   subject is their e-mail address, in lower case. The answer never says
//!   whether an address is known.
//! - **Choices** (`/centre/me`): a switch per purpose that rests on
//!   consent or an opt-out, and per channel for non-essential messages.
//!   Only what changed is recorded, with the channel `privacy_centre`.
//! - **Requests**: the person submits access, export, erasure,
//!   restriction, objection or right-to-know requests. The
//!   session counts as the `account` check where the right accepts it. The
//!   requests are followed to the end here, and a completed export is
//!   downloaded here.
//! - **The policy** (`/centre/policy`): the policy in force in readable
//!   form, and what changed from each earlier version.
//!
//! The session is a sealed cookie (`HttpOnly`, `SameSite=Lax`, `Secure`
//! over HTTPS) valid 12 hours. Every form carries a token derived from the
//! session, so another site cannot post one.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use vow_dsr::request::{Actor, ActorKind, Agent, AgentKind, Guardianship, NewRequest, RequestKind};
use vow_dsr::runner::{Backoff, Desk, Names, Opening, Quiet};
use vow_policy::{Channel, VerificationMethod};
use vow_store::{AnyStore, EventKind, EventSource, LedgerKey, RequestQuery, Store};

use crate::pages::{escape, page};
use crate::routes::subjects::takes_consent;
use crate::signed::Signer;
use crate::state::AppState;

const COOKIE: &str = "vow_centre";
const SESSION_HOURS: i64 = 12;
const LINK_MINUTES: i64 = 15;

/// Seals the centre's links and sessions.
pub struct Centre {
    links: Signer,
    sessions: Signer,
    forms: Signer,
    base: String,
    /// Sign-in links sent lately, per address: the form cannot be used to
    /// flood someone's mailbox.
    sent: std::sync::Mutex<std::collections::HashMap<String, Vec<std::time::Instant>>>,
}

/// At most this many sign-in links per address per [`LINK_MINUTES`].
const LINKS_PER_WINDOW: usize = 3;

#[derive(Serialize, Deserialize)]
struct LinkClaim {
    e: String,
    exp: i64,
}

#[derive(Serialize, Deserialize)]
struct Session {
    s: String,
    exp: i64,
}

impl Centre {
    pub fn new(ledger: &LedgerKey, public_url: &str) -> Centre {
        Centre {
            links: Signer::new(ledger, "privacy-centre-link"),
            sessions: Signer::new(ledger, "privacy-centre-session"),
            forms: Signer::new(ledger, "privacy-centre-form"),
            base: public_url.trim_end_matches('/').to_owned(),
            sent: Default::default(),
        }
    }

    /// Whether another link may go to `email` now (and counts it).
    fn may_send(&self, email: &str) -> bool {
        let now = std::time::Instant::now();
        let window = std::time::Duration::from_secs(LINK_MINUTES as u64 * 60);
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        sent.retain(|_, times| {
            times.retain(|t| now.duration_since(*t) < window);
            !times.is_empty()
        });
        let times = sent.entry(email.to_owned()).or_default();
        if times.len() >= LINKS_PER_WINDOW {
            return false;
        }
        times.push(now);
        true
    }

    /// The signed-in subject, from the request's cookie.
    fn subject(&self, headers: &HeaderMap) -> Option<String> {
        let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
        let token = cookies
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)?
            .1;
        let session: Session = self.sessions.open(token)?;
        (session.exp > Utc::now().timestamp()).then_some(session.s)
    }

    /// The token every form of `subject`'s pages carries.
    fn form_token(&self, subject: &str) -> String {
        self.forms.seal(&subject)
    }

    fn form_ok(&self, subject: &str, given: Option<&str>) -> bool {
        given
            .and_then(|t| self.forms.open::<String>(t))
            .is_some_and(|s| s == subject)
    }
}

fn form(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn field<'f>(fields: &'f [(String, String)], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

const CHANNELS: [(Channel, &str); 4] = [
    (Channel::Email, "E-mail"),
    (Channel::Sms, "Text messages"),
    (Channel::Phone, "Phone calls"),
    (Channel::Post, "Post"),
];

/// What the form offers. (Rectification needs the fields to change: not
/// on this form yet.)
const RIGHTS: [(&str, &str); 6] = [
    ("access", "A copy of my data"),
    ("portability", "My data in a form I can take elsewhere"),
    ("erasure", "Erase my data"),
    ("restriction", "Limit how my data is used"),
    ("objection", "Stop direct marketing"),
    (
        "right_to_know",
        "What is collected, why and who receives it",
    ),
];

fn desk(state: &AppState) -> Desk<'_, AnyStore> {
    Desk {
        store: &state.store,
        policy: state.policy.policy(),
        targets: &state.requests.targets,
        hash_key: &state.requests.hash_key,
        backoff: Backoff::default(),
        channel: "privacy_centre",
        watch: &Quiet,
    }
}

fn refuse(status: StatusCode, why: &str) -> Response {
    (
        status,
        page(
            "Privacy centre",
            &format!(
                "<h1>That did not work</h1><p>{}</p><p><a href=\"/centre\">Back to the privacy centre</a></p>",
                escape(why)
            ),
        ),
    )
        .into_response()
}

/// `GET /centre`: sign in, or the person's page when signed in.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.centre.subject(&headers).is_some() {
        return Redirect::to("/centre/me").into_response();
    }
    let org = escape(&state.policy.policy().organisation.name);
    page(
        "Privacy centre",
        &format!(
            r#"<h1>{org} — privacy centre</h1>
<p>See and change what {org} does with your data, and ask for a copy of it or for its erasure.</p>
<form method="post" action="/centre/sign-in">
<label for="email">Your e-mail address</label>
<input type="email" id="email" name="email" required autocomplete="email">
<p><button type="submit">Send me a sign-in link</button></p>
</form>
<p><a href="/centre/policy">Read the privacy policy</a></p>"#
        ),
    )
    .into_response()
}

/// `POST /centre/sign-in`: mail a sign-in link to the address given.
pub async fn sign_in(State(state): State<AppState>, body: String) -> Response {
    let fields = form(&body);
    let email = field(&fields, "email")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let Ok(address) = email.parse::<vow_mail::Address>() else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That is not an e-mail address: it looks like name@example.org.",
        );
    };
    if !state.centre.may_send(&email) {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "Several sign-in links went to this address a moment ago: use the latest one, \
             or ask again in a quarter of an hour.",
        );
    }
    let token = state.centre.links.seal(&LinkClaim {
        e: email.clone(),
        exp: (Utc::now() + Duration::minutes(LINK_MINUTES)).timestamp(),
    });
    let org = &state.policy.policy().organisation.name;
    let url = format!("{}/centre/link/{token}", state.centre.base);
    let text = format!(
        "Hello,\n\nTo sign in to the privacy centre of {org}, open this link within \
         {LINK_MINUTES} minutes:\n\n    {url}\n\nIf you did not ask for it, ignore this e-mail: \
         without the link nobody can sign in as you.\n\n-- \n{org}\n"
    );
    let message = vow_mail::Message::new(
        address,
        format!("Sign in to the privacy centre of {org}"),
        text,
    )
    .with_header("Auto-Submitted", "auto-generated")
    .expect("a fixed, valid header");
    if let Err(e) = state.requests.mailer.send(&message).await {
        tracing::warn!(error = %e, "the sign-in link could not be sent");
        return refuse(
            StatusCode::BAD_GATEWAY,
            "The sign-in e-mail could not be sent just now. Please try again in a few minutes.",
        );
    }
    page(
        "Check your e-mail",
        &format!(
            "<h1>Check your e-mail</h1><p>A sign-in link is on its way to {}. It works for {LINK_MINUTES} minutes.</p>",
            escape(&vow_mail::mask(&email))
        ),
    )
    .into_response()
}

/// `GET /centre/link/{token}`: asks to continue. Changes nothing.
pub async fn link(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.centre.links.open::<LinkClaim>(&token) {
        Some(claim) if claim.exp > Utc::now().timestamp() => page(
            "Sign in",
            &format!(
                r#"<h1>Sign in</h1><p>Continue as {}.</p>
<form method="post" action="/centre/link/{token}"><button type="submit">Continue</button></form>"#,
                escape(&claim.e),
                token = escape(&token)
            ),
        )
        .into_response(),
        Some(_) => refuse(
            StatusCode::GONE,
            "This sign-in link has expired. Ask for a new one.",
        ),
        None => refuse(
            StatusCode::NOT_FOUND,
            "This sign-in link is not recognised.",
        ),
    }
}

/// `POST /centre/link/{token}`: signs in.
pub async fn enter(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(claim) = state
        .centre
        .links
        .open::<LinkClaim>(&token)
        .filter(|c| c.exp > Utc::now().timestamp())
    else {
        return refuse(
            StatusCode::GONE,
            "This sign-in link has expired or is not recognised. Ask for a new one.",
        );
    };
    let session = state.centre.sessions.seal(&Session {
        s: claim.e,
        exp: (Utc::now() + Duration::hours(SESSION_HOURS)).timestamp(),
    });
    let secure = if state.centre.base.starts_with("https:") {
        "; Secure"
    } else {
        ""
    };
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                format!(
                    "{COOKIE}={session}; Path=/centre; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                    SESSION_HOURS * 3600
                ),
            ),
            (header::LOCATION, "/centre/me".to_owned()),
        ],
    )
        .into_response()
}

/// `POST /centre/sign-out`.
pub async fn sign_out() -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                format!("{COOKIE}=; Path=/centre; HttpOnly; SameSite=Lax; Max-Age=0"),
            ),
            (header::LOCATION, "/centre".to_owned()),
        ],
    )
        .into_response()
}

/// Whose page it is: the signed-in person's own or, with `for`, their
/// child's, when the ledger links them as the child's parent or guardian.
struct Acting {
    me: String,
    subject: String,
}

impl Acting {
    fn for_child(&self) -> bool {
        self.me != self.subject
    }

    /// Who the ledger says acted.
    fn actor(&self) -> vow_store::Actor {
        vow_store::Actor {
            kind: if self.for_child() {
                vow_store::ActorKind::Agent
            } else {
                vow_store::ActorKind::Subject
            },
            id: self.me.clone(),
        }
    }

    /// The hidden field and the query that keep the page on the child.
    fn hidden(&self) -> String {
        if self.for_child() {
            format!(
                r#"<input type="hidden" name="for" value="{}">"#,
                escape(&self.subject)
            )
        } else {
            String::new()
        }
    }

    /// `?for=<child>` on the child's pages, nothing on one's own.
    fn query(&self) -> String {
        if self.for_child() {
            let pair = form_urlencoded::Serializer::new(String::new())
                .append_pair("for", &self.subject)
                .finish();
            format!("?{pair}")
        } else {
            String::new()
        }
    }

    fn back(&self) -> String {
        format!("/centre/me{}", self.query())
    }
}

async fn acting(
    state: &AppState,
    headers: &HeaderMap,
    child: Option<&str>,
) -> Result<Acting, Response> {
    let Some(me) = state.centre.subject(headers) else {
        return Err(Redirect::to("/centre").into_response());
    };
    let Some(child) = child.map(str::trim).filter(|c| !c.is_empty() && *c != me) else {
        return Ok(Acting {
            subject: me.clone(),
            me,
        });
    };
    let events = state
        .store
        .subject_events(child, 0, 10_000)
        .await
        .map_err(|e| crate::error::ApiError::from(e).into_response())?;
    let linked = events.iter().any(|e| {
        matches!(&e.kind, EventKind::GuardianLinked { guardian, verified: true } if *guardian == me)
    });
    // The policy must let a guardian act for this kind of person, and the
    // person must still be young enough for one.
    let child_state = state
        .subject_state(child)
        .await
        .map_err(|e| e.into_response())?;
    let policy = state.policy.policy();
    let rule = child_state
        .kind
        .as_deref()
        .and_then(|k| policy.subjects.iter().find(|s| s.id.as_str() == k))
        .and_then(|s| s.guardian.as_ref())
        .filter(|g| g.exercises_rights);
    let grown_up = match (rule.and_then(|g| g.required_under), child_state.birth_date) {
        (Some(under), Some(born)) => {
            let today = Utc::now().date_naive();
            today
                .years_since(born)
                .is_some_and(|age| age >= u32::from(under))
        }
        _ => false,
    };
    if !linked || rule.is_none() || grown_up {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "You are not linked as this person's parent or guardian. The organisation links you \
             when it verifies that you are.",
        ));
    }
    Ok(Acting {
        me,
        subject: child.to_owned(),
    })
}

#[derive(Deserialize)]
pub struct ForParam {
    #[serde(rename = "for")]
    child: Option<String>,
}

/// `GET /centre/me[?for=<child>]`: the person's (or their child's) choices
/// and requests.
pub async fn me(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(param): axum::extract::Query<ForParam>,
) -> Response {
    let who = match acting(&state, &headers, param.child.as_deref()).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let subject = who.subject.clone();
    let policy = state.policy.policy();
    let current = match state.subject_state(&subject).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let csrf = state.centre.form_token(&who.me);
    let hidden = who.hidden();
    let mut purposes = String::new();
    for p in policy.purposes.iter().filter(|p| takes_consent(p)) {
        let on = current.consent(p.id.as_str()).is_some_and(|c| c.given);
        let about = p
            .description
            .as_ref()
            .map(|d| format!(" — {}", escape(d.get("en"))))
            .unwrap_or_default();
        purposes.push_str(&format!(
            r#"<label><input type="checkbox" name="purpose" value="{id}"{checked}> <strong>{name}</strong>{about}</label>"#,
            id = escape(p.id.as_str()),
            checked = if on { " checked" } else { "" },
            name = escape(p.name.get("en")),
        ));
    }
    let mut channels = String::new();
    for (channel, label) in CHANNELS {
        let on = !current.channel_opt_outs.contains(&channel);
        channels.push_str(&format!(
            r#"<label><input type="checkbox" name="channel" value="{id}"{checked}> {label}</label>"#,
            id = channel_id(channel),
            checked = if on { " checked" } else { "" },
        ));
    }
    let requests = match desk(&state)
        .list(&RequestQuery {
            subject: Some(subject.clone()),
            status: None,
            runnable_at: None,
            after: None,
            limit: 100,
        })
        .await
    {
        Ok(r) => r,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let mut rows = String::new();
    for r in &requests {
        let export = if (r.kind == "access" || r.kind == "portability")
            && matches!(r.status.as_str(), "completed" | "partially_completed")
        {
            format!(
                r#" <a href="/centre/requests/{}/export{}">Download</a>"#,
                escape(&r.id),
                escape(&who.query())
            )
        } else {
            String::new()
        };
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{export}</td></tr>",
            escape(&r.kind.replace('_', " ")),
            r.received_at.format("%-d %B %Y"),
            r.due_at
                .map(|d| d.format("%-d %B %Y").to_string())
                .unwrap_or_default(),
            escape(&r.status.replace('_', " ")),
        ));
    }
    let table = if rows.is_empty() {
        "<p>You have made no request.</p>".to_owned()
    } else {
        format!(
            r#"<table><tr><th scope="col">Request</th><th scope="col">Received</th><th scope="col">Due</th><th scope="col">Where it stands</th></tr>{rows}</table>"#
        )
    };
    let options: String = RIGHTS
        .iter()
        .map(|(id, label)| format!(r#"<option value="{id}">{label}</option>"#))
        .collect();
    let jurisdiction = current.jurisdiction.clone().unwrap_or_default();
    let (title, heading) = if who.for_child() {
        (
            "Your child's privacy".to_owned(),
            format!(
                "<h1>Your child's privacy</h1><p class=\"note\">You act for {} as their parent or guardian. <a href=\"/centre/me\">Back to your own page</a></p>",
                escape(&subject)
            ),
        )
    } else {
        (
            "Your privacy".to_owned(),
            "<h1>Your privacy</h1>".to_owned(),
        )
    };
    let others = if who.for_child() {
        String::new()
    } else {
        format!(
            r#"<h2>For someone else</h2>
<form method="get" action="/centre/me">
<label for="child">Your child's account id</label>
<input type="text" id="child" name="for" required>
<p><button type="submit">Manage my child's data</button></p>
</form>
<form method="post" action="/centre/me/agent">
<input type="hidden" name="csrf" value="{csrf}">
<fieldset><legend>Ask as someone's authorised agent</legend>
<label for="person">Their e-mail address</label>
<input type="email" id="person" name="person" required>
<label for="agent-right">Ask for</label>
<select id="agent-right" name="right">{options}</select>
<label for="agent-jurisdiction">Where they live (country code)</label>
<input type="text" id="agent-jurisdiction" name="jurisdiction" required pattern="[A-Za-z]{{2}}(-[A-Za-z0-9]{{1,3}})?">
<label><input type="checkbox" name="permission" value="signed" required> I hold their signed permission to ask for them</label>
</fieldset>
<p><button type="submit">Send the request for them</button></p>
</form>"#
        )
    };
    page(
        &title,
        &format!(
            r#"{heading}
<form method="post" action="/centre/sign-out"><p>Signed in as {me}. <button class="alt" type="submit">Sign out</button></p></form>
<form method="post" action="/centre/me/choices">
<input type="hidden" name="csrf" value="{csrf}">{hidden}
<h2>What {org} may do</h2>
<fieldset><legend>Uses that need your agreement</legend>{purposes}</fieldset>
<fieldset><legend>Messages that are not about your account or orders</legend>{channels}</fieldset>
<p><button type="submit">Save my choices</button></p>
</form>
<h2>Your requests</h2>
{table}
<form method="post" action="/centre/me/requests">
<input type="hidden" name="csrf" value="{csrf}">{hidden}
<label for="right">Ask for</label>
<select id="right" name="right">{options}</select>
<label for="jurisdiction">Where you live (country code: FR, GB, US-CA)</label>
<input type="text" id="jurisdiction" name="jurisdiction" value="{jurisdiction}" required pattern="[A-Za-z]{{2}}(-[A-Za-z0-9]{{1,3}})?">
<p><button type="submit">Send my request</button></p>
</form>
{others}
<p><a href="/centre/policy">Read the privacy policy and what changed</a></p>"#,
            me = escape(&who.me),
            org = escape(&policy.organisation.name),
            jurisdiction = escape(&jurisdiction),
        ),
    )
    .into_response()
}

/// The channel's name in the policy language (`email`, `sms`).
fn channel_id(channel: Channel) -> String {
    serde_json::to_value(channel)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `POST /centre/me/choices`: records what changed.
pub async fn choices(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let fields = form(&body);
    let who = match acting(&state, &headers, field(&fields, "for")).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    let subject = who.subject.clone();
    if !state.centre.form_ok(&who.me, field(&fields, "csrf")) {
        return refuse(
            StatusCode::FORBIDDEN,
            "This form is out of date: open the page again.",
        );
    }
    let current = match state.subject_state(&subject).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let ticked = |name: &str, value: &str| fields.iter().any(|(k, v)| k == name && v == value);
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
        if was != Some(on) && (on || was.is_some()) {
            let purpose = p.id.to_string();
            kinds.push(if on {
                EventKind::ConsentGiven { purpose }
            } else {
                EventKind::ConsentWithdrawn { purpose }
            });
        }
    }
    for (channel, _) in CHANNELS {
        let opted_out = !ticked("channel", &channel_id(channel));
        if opted_out != current.channel_opt_outs.contains(&channel) {
            kinds.push(EventKind::PreferenceSet { channel, opted_out });
        }
    }
    let source = EventSource {
        channel: "privacy_centre".to_owned(),
        evidence: Some("signed in by a link to the address".to_owned()),
        ..EventSource::default()
    };
    let events = state.events_by(&subject, who.actor(), source, kinds);
    if !events.is_empty()
        && let Err(e) = state.record(events).await
    {
        return e.into_response();
    }
    Redirect::to(&who.back()).into_response()
}

/// `POST /centre/me/requests`: opens a request; the session is the
/// `account` check where the right accepts it.
pub async fn request(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let fields = form(&body);
    let who = match acting(&state, &headers, field(&fields, "for")).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    if !state.centre.form_ok(&who.me, field(&fields, "csrf")) {
        return refuse(
            StatusCode::FORBIDDEN,
            "This form is out of date: open the page again.",
        );
    }
    let agent = who.for_child().then(|| Agent {
        kind: AgentKind::Parent,
        id: who.me.clone(),
        proof: Vec::new(),
    });
    let (email, account) = if who.for_child() {
        (None, Some(who.subject.clone()))
    } else {
        (Some(who.subject.clone()), None)
    };
    match open_request(
        &state,
        &fields,
        &who.subject,
        agent,
        email,
        account,
        who.actor(),
    )
    .await
    {
        Ok(_) => Redirect::to(&who.back()).into_response(),
        Err(answer) => answer,
    }
}

/// `POST /centre/me/agent`: the signed-in person asks for someone else as
/// their authorised agent, holding their signed permission. Where the
/// policy makes the person confirm (KIDS-17), the request waits for them.
pub async fn agent(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let fields = form(&body);
    let who = match acting(&state, &headers, None).await {
        Ok(who) => who,
        Err(answer) => return answer,
    };
    if !state.centre.form_ok(&who.me, field(&fields, "csrf")) {
        return refuse(
            StatusCode::FORBIDDEN,
            "This form is out of date: open the page again.",
        );
    }
    let person = field(&fields, "person")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    if person.parse::<vow_mail::Address>().is_err() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Give the person's e-mail address.",
        );
    }
    if field(&fields, "permission") != Some("signed") {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "An agent asks only with the person's signed permission.",
        );
    }
    let agent = Agent {
        kind: AgentKind::AuthorisedAgent,
        id: who.me.clone(),
        proof: vec![vow_policy::AgentProof::SignedPermission],
    };
    let actor = vow_store::Actor {
        kind: vow_store::ActorKind::Agent,
        id: who.me.clone(),
    };
    let case = match open_request(
        &state,
        &fields,
        &person,
        Some(agent),
        Some(person.clone()),
        None,
        actor,
    )
    .await
    {
        Ok(case) => case,
        Err(answer) => return answer,
    };
    let next = match &case.request.state {
        vow_dsr::request::RequestState::Denied { reason, appeal } => format!(
            "<p>It cannot be granted: {}.</p>{}",
            escape(&reason.to_string()),
            appeal
                .as_ref()
                .map(|a| format!("<p>{}.</p>", escape(&a.to_string())))
                .unwrap_or_default()
        ),
        _ if case.request.subject_confirms => format!(
            "<p>{} will ask {} to confirm it before anything is done.</p>",
            escape(&state.policy.policy().organisation.name),
            escape(&vow_mail::mask(&person))
        ),
        _ => "<p>It will be answered once the person's identity is checked.</p>".to_owned(),
    };
    page(
        "Request sent",
        &format!(
            "<h1>Request sent</h1><p>Request <code>{}</code> for {} is {}.</p>{next}<p><a href=\"/centre/me\">Back</a></p>",
            escape(&case.request.id),
            escape(&vow_mail::mask(&person)),
            escape(&case.request.status().replace('_', " "))
        ),
    )
    .into_response()
}

/// Opens a request from one of the centre's forms (`right`,
/// `jurisdiction`) for `subject`.
async fn open_request(
    state: &AppState,
    fields: &[(String, String)],
    subject: &str,
    agent: Option<Agent>,
    email: Option<String>,
    account_id: Option<String>,
    by: vow_store::Actor,
) -> Result<vow_dsr::runner::Case, Response> {
    let kind = match field(fields, "right").unwrap_or_default() {
        "access" => RequestKind::Access,
        "portability" => RequestKind::Portability,
        "erasure" => RequestKind::Erasure,
        "restriction" => RequestKind::Restriction,
        "objection" => RequestKind::Objection { purpose: None },
        "right_to_know" => RequestKind::RightToKnow,
        _ => {
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Choose what you ask for.",
            ));
        }
    };
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
        names: Names {
            email,
            phone: None,
            account_id,
        },
        changes: Vec::new(),
        actor: actor.clone(),
        holidays: Vec::new(),
    };
    let desk = desk(state);
    let case = match desk.create(opening, now).await {
        Ok(case) => case,
        Err(e) => return Err(refuse(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string())),
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

/// `GET /centre/requests/{request}/export`: the person's own package.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Query(param): axum::extract::Query<ForParam>,
) -> Response {
    let who = match acting(&state, &headers, param.child.as_deref()).await {
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
                    .is_some_and(|a| a.kind == AgentKind::Parent && a.id == who.me))
    };
    match desk.load(&id).await {
        Ok(case) if theirs(&case) => {}
        _ => return refuse(StatusCode::NOT_FOUND, "There is no such request of yours."),
    }
    let mut zip = std::io::Cursor::new(Vec::new());
    if let Err(e) = desk.export(&id, &mut zip, None).await {
        return refuse(StatusCode::CONFLICT, &e.to_string());
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

/// `GET /centre/policy`: the policy in force, and what changed from each
/// earlier version this server ran.
pub async fn policy(State(state): State<AppState>) -> Response {
    let current = state.policy.policy();
    let rendered = match vow_policy::render::render(current, vow_policy::render::Format::Html, "en")
    {
        Ok(html) => html,
        Err(e) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let versions = state.store.policy_versions().await.unwrap_or_default();
    let mut changes = String::new();
    for pair in versions.windows(2) {
        let (Ok(old), Ok(new)) = (
            vow_policy::check(&pair[0].version, &pair[0].text),
            vow_policy::check(&pair[1].version, &pair[1].text),
        ) else {
            continue;
        };
        let diff = vow_policy::diff::diff(&old.policy, &new.policy);
        let items: String = diff
            .changes
            .iter()
            .map(|c| {
                format!(
                    "<li>{}{} {} {}{}</li>",
                    if c.material {
                        "<strong>Material:</strong> "
                    } else {
                        ""
                    },
                    escape(&format!("{:?}", c.op).to_lowercase()),
                    escape(c.section),
                    escape(&c.id),
                    c.field
                        .as_ref()
                        .map(|f| format!(" ({})", escape(f)))
                        .unwrap_or_default()
                )
            })
            .collect();
        changes.push_str(&format!(
            "<h3>From version <a href=\"/centre/policy/{old}\">{old}</a> to {new} (in force {})</h3><ul>{items}</ul>",
            pair[1].effective,
            old = escape(&pair[0].version),
            new = escape(&pair[1].version),
        ));
    }
    if changes.is_empty() {
        changes = "<p>This is the first version.</p>".to_owned();
    }
    // The rendered policy is a page of its own: the history goes before
    // its closing tag.
    let history = format!(
        "<section id=\"history\"><h2>What changed</h2>{changes}<p><a href=\"/centre\">Privacy centre</a></p></section>"
    );
    let html = match rendered.rfind("</body>") {
        Some(at) => format!("{}{history}{}", &rendered[..at], &rendered[at..]),
        None => format!("{rendered}{history}"),
    };
    axum::response::Html(html).into_response()
}

/// `GET /centre/policy/{version}`: an earlier version, as it read.
pub async fn policy_version(
    State(state): State<AppState>,
    Path(version): Path<String>,
) -> Response {
    let current = state.policy.policy();
    let Ok(Some(record)) = state
        .store
        .policy_version(current.policy.id.as_str(), &version)
        .await
    else {
        return refuse(
            StatusCode::NOT_FOUND,
            "There is no such version of the policy.",
        );
    };
    let Ok(old) = vow_policy::check(&record.version, &record.text) else {
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "This version no longer reads.",
        );
    };
    match vow_policy::render::render(&old.policy, vow_policy::render::Format::Html, "en") {
        Ok(html) => axum::response::Html(html).into_response(),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_links_to_one_address_are_limited() {
        let key = LedgerKey::from_hex(&"4b".repeat(32)).unwrap();
        let centre = Centre::new(&key, "http://127.0.0.1:8080");
        for _ in 0..LINKS_PER_WINDOW {
            assert!(centre.may_send("ada@example.org"));
        }
        assert!(
            !centre.may_send("ada@example.org"),
            "the fourth within 15 minutes"
        );
        assert!(
            centre.may_send("bob@example.org"),
            "another address is not held up"
        );
    }
}
