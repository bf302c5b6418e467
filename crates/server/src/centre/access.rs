//! Signing in and out of the privacy centre.
//!
//! - A sign-in link is a random secret mailed to the address given; the
//!   store keeps its SHA-256 with the address, for 15 minutes, and marks
//!   it used when it signs someone in: it works once.
//! - Opening the link changes nothing (mail scanners open links): the page
//!   asks to continue, sets a short-lived `SameSite=Strict` cookie and puts
//!   a sealed check of that cookie and the link in the form. The POST must
//!   bring both, and come from this site (`Sec-Fetch-Site`), so another
//!   site cannot sign a visitor in as someone else (login CSRF).
//! - A session is another random secret in an `HttpOnly`, `SameSite=Lax`
//!   cookie; the store keeps its SHA-256 and revokes it on sign-out, in
//!   every process at once.
//! - Every form carries a token sealed to the session it was shown in.
//! - Sign-in mail is limited per address, per client and overall, counted
//!   and stored in one step in the store, so that every process sharing
//!   it, and every request at once, counts the same.
//! - What the store keeps with a link or a session (the address, the
//!   language) is encrypted under a key derived from the token's own
//!   secret: the database alone reads no address.

use axum::extract::{ConnectInfo, Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use minijinja::context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vow_store::{Identity, IdentityKind, Store, TokenKind, TokenRecord, TokenScope};

use super::{PageQuery, field, form, person};
use crate::pages::{Lang, View, cookie, fill};
use crate::state::AppState;

pub(super) const SESSION_COOKIE: &str = "vow_centre";
const PRE_COOKIE: &str = "vow_centre_pre";
const SESSION_HOURS: i64 = 12;
pub(super) const LINK_MINUTES: i64 = 15;

/// How many sign-in links may go out in [`LINK_MINUTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    /// To one address: the form cannot flood a mailbox.
    pub per_address: u64,
    /// Asked from one client address.
    pub per_client: u64,
    /// In all: the form cannot make the organisation's mail a spam source.
    pub overall: u64,
}

impl Default for SignInLimits {
    fn default() -> SignInLimits {
        SignInLimits {
            per_address: 3,
            per_client: 10,
            overall: 300,
        }
    }
}

/// A signed-in browser.
pub(super) struct Session {
    /// The SHA-256 of the cookie's secret, as the store keeps it.
    pub id: String,
    /// Who the person is in the ledger.
    pub subject: String,
    /// The address they signed in with.
    pub email: String,
    /// Its keyed digest, as the store keeps it.
    pub email_digest: String,
}

/// What the store keeps with a sign-in link or a session, sealed under
/// the token's secret ([`Carried::seal`]).
#[derive(Serialize, Deserialize)]
struct Carried {
    email: String,
    lang: String,
}

impl Carried {
    fn sealer(secret: &str) -> crate::sealed::Sealer {
        let mut key = Sha256::new();
        key.update(b"vow privacy centre token\0");
        key.update(secret.as_bytes());
        crate::sealed::Sealer::with_key(key.finalize().into())
    }

    fn seal(&self, secret: &str) -> serde_json::Value {
        serde_json::Value::String(Carried::sealer(secret).seal(self))
    }

    /// What `token` carries, opened with the secret its holder gave.
    fn open(token: &TokenRecord, secret: &str) -> Option<Carried> {
        Carried::sealer(secret).open(token.data.as_str()?)
    }
}

/// A form token: the session it was shown in.
#[derive(Serialize, Deserialize)]
struct FormClaim {
    s: String,
}

/// The check the "Continue" form carries: this link, this browser.
#[derive(Serialize, Deserialize)]
struct ContinueClaim {
    link: String,
    nonce: String,
}

/// A new random secret (what a browser or a mailbox holds) and its id
/// (what the store keeps).
fn new_secret() -> (String, String) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let id = id_of(&secret);
    (secret, id)
}

fn id_of(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl super::Centre {
    /// The session the request's cookie stands for, if live.
    pub(super) async fn session(&self, state: &AppState, headers: &HeaderMap) -> Option<Session> {
        let secret = cookie(headers, SESSION_COOKIE)?;
        let token = state
            .store
            .token(&id_of(secret), TokenKind::Session)
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "the session could not be read"))
            .ok()??;
        if !token.live(Utc::now()) {
            return None;
        }
        let carried = Carried::open(&token, secret)?;
        let subject = token.subject?;
        // The organisation may have moved the address to another subject
        // since: the session ends rather than show the wrong person.
        match person::subject_for_email(state, &carried.email).await {
            Ok(now) if now == subject => {}
            Ok(_) => {
                tracing::info!("a session ended: its address names another subject now");
                return None;
            }
            Err(_) => return None,
        }
        Some(Session {
            id: token.id,
            subject,
            email: carried.email,
            email_digest: token.email.unwrap_or_default(),
        })
    }

    /// The token every form of a page shown in `session` carries.
    pub(super) fn form_token(&self, session: &Session) -> String {
        self.forms.seal(&FormClaim {
            s: session.id.clone(),
        })
    }

    pub(super) fn form_ok(&self, session: &Session, given: Option<&str>) -> bool {
        given
            .and_then(|t| self.forms.open::<FormClaim>(t))
            .is_some_and(|c| c.s == session.id)
    }

    fn secure(&self) -> &'static str {
        if self.base.starts_with("https:") {
            "; Secure"
        } else {
            ""
        }
    }

    /// The keyed digest of a client's address, for counting: the store
    /// keeps no IP address. An IPv6 client counts by its /64, which one
    /// household or one attacker holds whole.
    fn client_digest(&self, ip: std::net::IpAddr) -> String {
        use hmac::{Hmac, KeyInit, Mac};
        let network = match ip {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        };
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.clients)
            .expect("HMAC takes a key of any length");
        mac.update(network.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// `GET /centre`: sign in, or the person's page when signed in.
pub async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::of(&headers, q.lang.as_deref());
    if state.centre.session(&state, &headers).await.is_some() {
        return Redirect::to("/centre/me").into_response();
    }
    let view = View::new(lang, "/centre", &[]);
    let org = &state.policy.policy().organisation.name;
    view.page(
        StatusCode::OK,
        "centre/home.html",
        &fill(view.t().centre_title, &[("org", org)]),
        context! { org => org },
    )
}

/// `POST /centre/sign-in`: mail a sign-in link to the address given.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    body: String,
) -> Response {
    let view = View::new(Lang::of(&headers, None), "/centre", &[]);
    let t = view.t();
    let refuse = |status, why: &str| super::refuse(&view, status, why);
    let fields = form(&body);
    let given = field(&fields, "email").unwrap_or_default();
    let (Ok(identity), Ok(address)) = (
        Identity::parse(IdentityKind::Email, given),
        given.trim().to_lowercase().parse::<vow_mail::Address>(),
    ) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, t.not_an_email);
    };
    let email = identity.value().to_owned();
    let centre = &state.centre;
    let now = Utc::now();
    let since = now - Duration::minutes(LINK_MINUTES);
    let email_digest = identity.stored(&state.identities);
    // The connection's address: a forwarded header is anyone's to write.
    let client = connect.map(|Extension(ConnectInfo(addr))| centre.client_digest(addr.ip()));
    let store = &state.store;
    let _ = store.purge_tokens(now).await;
    let (secret, id) = new_secret();
    let record = TokenRecord {
        id,
        kind: TokenKind::SignIn,
        subject: None,
        email: Some(email_digest.clone()),
        client: client.clone(),
        created_at: now,
        expires_at: now + Duration::minutes(LINK_MINUTES),
        used_at: None,
        revoked_at: None,
        data: Carried {
            email: email.clone(),
            lang: view.lang.tag().to_owned(),
        }
        .seal(&secret),
    };
    let limits = centre.limits;
    let mut within = vec![
        (TokenScope::Email(&email_digest), limits.per_address),
        (TokenScope::All, limits.overall),
    ];
    if let Some(client) = &client {
        within.insert(1, (TokenScope::Client(client), limits.per_client));
    }
    match store.create_token_within(&record, &within, since).await {
        Ok(None) => {}
        Ok(Some(reached)) => {
            let why = match within[reached].0 {
                TokenScope::Email(_) => t.too_many_links,
                TokenScope::Client(_) => t.too_many_from_here,
                _ => t.too_busy,
            };
            tracing::warn!(
                limit = reached,
                "a sign-in link was refused: too many lately"
            );
            return refuse(StatusCode::TOO_MANY_REQUESTS, why);
        }
        Err(e) => return super::unavailable(&view, &e),
    }
    let org = &state.policy.policy().organisation.name;
    let url = format!("{}/centre/link/{secret}", centre.base);
    let minutes = LINK_MINUTES.to_string();
    let message = vow_mail::Message::new(
        address,
        fill(t.mail_subject, &[("org", org)]),
        fill(
            t.mail_body,
            &[("org", org), ("url", &url), ("minutes", &minutes)],
        ),
    )
    .with_header("Auto-Submitted", "auto-generated")
    .expect("a fixed, valid header");
    if let Err(e) = state.requests.mailer.send(&message).await {
        // The error names the step that failed, not the address.
        tracing::warn!(
            transient = e.is_transient(),
            "the sign-in link could not be sent"
        );
        let _ = store.revoke_token(&record.id, Utc::now()).await;
        return refuse(StatusCode::BAD_GATEWAY, t.mail_failed);
    }
    view.page(
        StatusCode::OK,
        "centre/sent.html",
        t.check_email_title,
        context! { address => vow_mail::mask(&email), minutes => minutes },
    )
}

/// Why a sign-in link no longer works, if it does not.
fn dead_link(view: &View, token: Option<&TokenRecord>) -> Option<Response> {
    let t = view.t();
    let now = Utc::now();
    let (status, why) = match token {
        None => (StatusCode::NOT_FOUND, t.link_unknown),
        Some(l) if l.used_at.is_some() => (StatusCode::GONE, t.link_used),
        Some(l) if !l.live(now) => (StatusCode::GONE, t.link_expired),
        Some(_) => return None,
    };
    Some(super::refuse(view, status, why))
}

/// `GET /centre/link/{token}`: asks to continue. Changes nothing but a
/// cookie that ties the sign-in to this browser.
pub async fn link(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let id = id_of(&secret);
    let token = match state.store.token(&id, TokenKind::SignIn).await {
        Ok(t) => t,
        Err(e) => {
            let view = View::new(Lang::of(&headers, q.lang.as_deref()), "/centre", &[]);
            return super::unavailable(&view, &e);
        }
    };
    let carried = token.as_ref().and_then(|t| Carried::open(t, &secret));
    let lang = Lang::of(
        &headers,
        q.lang
            .as_deref()
            .or(carried.as_ref().map(|c| c.lang.as_str())),
    );
    let view = View::new(lang, &format!("/centre/link/{secret}"), &[]);
    if let Some(answer) = dead_link(&view, token.as_ref()) {
        return answer;
    }
    let Some(email) = carried.map(|c| c.email) else {
        return super::refuse(&view, StatusCode::NOT_FOUND, view.t().link_unknown);
    };
    let (nonce, _) = new_secret();
    let check = state.centre.forms.seal(&ContinueClaim {
        link: id,
        nonce: nonce.clone(),
    });
    let mut answer = view.page(
        StatusCode::OK,
        "centre/link.html",
        view.t().sign_in_title,
        context! { address => email, token => secret, check => check },
    );
    let h = answer.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{PRE_COOKIE}={nonce}; Path=/centre/link; HttpOnly; SameSite=Strict; Max-Age={}{}",
        LINK_MINUTES * 60,
        state.centre.secure()
    )) {
        h.append(header::SET_COOKIE, v);
    }
    answer
}

/// `POST /centre/link/{token}`: signs in, once.
pub async fn enter(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let view = View::new(Lang::of(&headers, None), "/centre", &[]);
    let t = view.t();
    let id = id_of(&secret);
    let fields = form(&body);
    // Only the "Continue" form of this site, in the browser that opened
    // the link, signs in.
    let from_here = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|site| site == "same-origin");
    let checked = field(&fields, "check")
        .and_then(|c| state.centre.forms.open::<ContinueClaim>(c))
        .is_some_and(|c| c.link == id && cookie(&headers, PRE_COOKIE) == Some(c.nonce.as_str()));
    if !from_here || !checked {
        tracing::warn!(
            from_here,
            "a sign-in was refused: not from the link's own page"
        );
        return super::refuse(&view, StatusCode::FORBIDDEN, t.link_other_browser);
    }
    let token = match state.store.token(&id, TokenKind::SignIn).await {
        Ok(t) => t,
        Err(e) => return super::unavailable(&view, &e),
    };
    if let Some(answer) = dead_link(&view, token.as_ref()) {
        return answer;
    }
    let Some(carried) = token.as_ref().and_then(|t| Carried::open(t, &secret)) else {
        return super::refuse(&view, StatusCode::NOT_FOUND, t.link_unknown);
    };
    let subject = match person::subject_for_email(&state, &carried.email).await {
        Ok(s) => s,
        Err(e) => return super::unavailable(&view, &e),
    };
    let now = Utc::now();
    // Of two clicks at once, one signs in.
    match state
        .store
        .use_token(&id, TokenKind::SignIn, &subject, now)
        .await
    {
        Ok(Some(_)) => {}
        Ok(None) => return super::refuse(&view, StatusCode::GONE, t.link_used),
        Err(e) => return super::unavailable(&view, &e),
    }
    let (session, session_id) = new_secret();
    let record = TokenRecord {
        id: session_id,
        kind: TokenKind::Session,
        subject: Some(subject.clone()),
        email: token.and_then(|t| t.email),
        client: None,
        created_at: now,
        expires_at: now + Duration::hours(SESSION_HOURS),
        used_at: None,
        revoked_at: None,
        data: carried.seal(&session),
    };
    if let Err(e) = state.store.create_token(&record).await {
        return super::unavailable(&view, &e);
    }
    person::link_browser(&state, &subject, &headers).await;
    tracing::info!("signed in to the privacy centre");
    let secure = state.centre.secure();
    let mut answer = Redirect::to("/centre/me").into_response();
    for cookie in [
        format!(
            "{SESSION_COOKIE}={session}; Path=/centre; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            SESSION_HOURS * 3600
        ),
        format!("{PRE_COOKIE}=; Path=/centre/link; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    ] {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            answer.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    answer
}

/// `POST /centre/sign-out`: ends this session, or with `everywhere` every
/// session of the person.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let view = View::new(Lang::of(&headers, None), "/centre", &[]);
    let t = view.t();
    let fields = form(&body);
    let everywhere = field(&fields, "everywhere").is_some();
    let now = Utc::now();
    let mut said = t.signed_out_body;
    if let Some(session) = state.centre.session(&state, &headers).await {
        let ended = if everywhere {
            if !state.centre.form_ok(&session, field(&fields, "csrf")) {
                return super::refuse(&view, StatusCode::FORBIDDEN, t.form_out_of_date);
            }
            said = t.signed_out_everywhere_body;
            // Every session, and every sign-in link not used yet.
            let store = &state.store;
            store
                .revoke_tokens(
                    TokenKind::Session,
                    TokenScope::Subject(&session.subject),
                    now,
                )
                .await
                .and(
                    store
                        .revoke_tokens(
                            TokenKind::SignIn,
                            TokenScope::Email(&session.email_digest),
                            now,
                        )
                        .await,
                )
                .map(|_| ())
        } else {
            state.store.revoke_token(&session.id, now).await.map(|_| ())
        };
        if let Err(e) = ended {
            return super::unavailable(&view, &e);
        }
    }
    let mut answer = view.message(
        StatusCode::OK,
        t.signed_out_title,
        &[said],
        Some(("/centre", t.back_to_centre)),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/centre; HttpOnly; SameSite=Lax; Max-Age=0{}",
        state.centre.secure()
    )) {
        answer.headers_mut().append(header::SET_COOKIE, v);
    }
    answer
}
