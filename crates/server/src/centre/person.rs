//! Who the privacy centre is about: the person signed in, found by the
//! e-mail address they proved; their browsers, where the cookie banner
//! recorded their choices; and the children they act for.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use vow_engine::SubjectState;
use vow_policy::render::i18n::Language;
use vow_store::{EventKind, EventSource, Identity, IdentityKind, Store};

use super::access::Session;
use crate::error::ApiError;
use crate::pages::{View, cookie};
use crate::state::AppState;

/// The banner's cookie, which holds its random visitor id (`v`).
const BANNER_COOKIE: &str = "vow_consent";

/// The ledger subject the address names: the subject the organisation
/// linked the address to (`identity_linked`), else the address itself,
/// in lower case (a person known only by their address, such as a
/// newsletter reader).
pub(super) async fn subject_for_email(
    state: &AppState,
    email: &str,
) -> Result<String, vow_store::StoreError> {
    // Addresses reach here parsed already (at sign-in, on the agent's form).
    let Ok(identity) = Identity::parse(IdentityKind::Email, email) else {
        return Ok(email.trim().to_lowercase());
    };
    let linked = state
        .store
        .identity_subject(IdentityKind::Email, &identity.stored(&state.identities))
        .await?;
    Ok(linked.unwrap_or_else(|| identity.value().to_owned()))
}

/// The banner's visitor id in this browser, if the banner's cookie is
/// readable here (vow serves the centre on the site's own domain).
fn visitor(headers: &HeaderMap) -> Option<String> {
    let raw = cookie(headers, BANNER_COOKIE)?;
    let text = form_urlencoded::parse(format!("v={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    let saved: serde_json::Value = serde_json::from_str(&text).ok()?;
    let id = saved.get("v")?.as_str()?;
    Identity::parse(IdentityKind::Browser, id)
        .ok()
        .filter(|i| {
            i.value().len() <= 64
                && i.value()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(|i| i.value().to_owned())
}

/// Links the browser that just signed in to the person, so that the
/// choices its cookie banner recorded are theirs: the sign-in proved the
/// address, and the banner's cookie is in the same browser. A browser
/// linked already (to them or anyone) is left as it is; a failure only
/// leaves the browser unlinked.
pub(super) async fn link_browser(state: &AppState, subject: &str, headers: &HeaderMap) {
    let Some(visitor) = visitor(headers) else {
        return;
    };
    // A browser linked already stays with whom it is linked to: the
    // banner's id is in a cookie a page can write, so a sign-in never
    // takes a browser from someone else.
    match state
        .store
        .identity_subject(IdentityKind::Browser, &visitor)
        .await
    {
        Ok(None) => {}
        Ok(Some(_)) => return,
        Err(e) => {
            tracing::warn!(error = %e, "the browser's link could not be read");
            return;
        }
    }
    let source = EventSource {
        channel: "privacy_centre".to_owned(),
        evidence: Some(
            "signed in by a link to the address, in the browser of this banner cookie".to_owned(),
        ),
        ..EventSource::default()
    };
    let events = state.own_events(
        subject,
        source,
        vec![EventKind::IdentityLinked {
            identity: IdentityKind::Browser,
            value: visitor,
        }],
    );
    if let Err(e) = state.record(events).await {
        tracing::warn!(error = ?e, "the browser could not be linked to the person signed in");
    }
}

/// A browser's last cookie choices, as the person's page shows them.
pub(super) struct BrowserChoices {
    pub chosen: chrono::DateTime<Utc>,
    pub allowed: Vec<String>,
    pub refused: Vec<String>,
}

/// The cookie choices recorded in each browser linked to `subject`,
/// newest first, with purposes named in `lang`.
pub(super) async fn browsers(
    state: &AppState,
    subject: &str,
    lang: Language,
) -> Result<Vec<BrowserChoices>, ApiError> {
    let identities = state.store.subject_identities(subject).await?;
    let policy = state.policy.policy();
    let name = |purpose: &str| {
        policy
            .purposes
            .iter()
            .find(|p| p.id.as_str() == purpose)
            .map_or_else(|| purpose.to_owned(), |p| p.name.get(lang.tag()).to_owned())
    };
    let mut found = Vec::new();
    for (_, visitor) in identities
        .iter()
        .filter(|(kind, _)| *kind == IdentityKind::Browser)
    {
        let visitor_state = state.subject_state(&format!("visitor:{visitor}")).await?;
        let Some(chosen) = visitor_state.consents.values().map(|c| c.at).max() else {
            continue;
        };
        let mut consents: Vec<(&String, bool)> = visitor_state
            .consents
            .iter()
            .map(|(purpose, c)| (purpose, c.given))
            .collect();
        consents.sort();
        let pick = |given: bool| -> Vec<String> {
            consents
                .iter()
                .filter(|(_, g)| *g == given)
                .map(|(p, _)| name(p))
                .collect()
        };
        found.push(BrowserChoices {
            chosen,
            allowed: pick(true),
            refused: pick(false),
        });
    }
    found.sort_by_key(|b| std::cmp::Reverse(b.chosen));
    Ok(found)
}

/// The children whose data the person may manage here: verified links
/// that stand, to people the policy lets a guardian act for.
pub(super) async fn children(state: &AppState, me: &str) -> Result<Vec<String>, ApiError> {
    let links = state.store.children(me).await?;
    let mut children = Vec::new();
    for link in links.into_iter().filter(|l| l.verified) {
        let child = state.subject_state(&link.child).await?;
        if may_act_for(state, me, &child) {
            children.push(link.child);
        }
    }
    Ok(children)
}

/// Whether `me` may act for the person whose state is `child`: the ledger
/// links them (verified, not ended), the policy lets a guardian act for
/// the child's kind (`guardian.exercises_rights`), and, where a birth
/// date is known, the child is still under `required_under` (KIDS-02).
fn may_act_for(state: &AppState, me: &str, child: &SubjectState) -> bool {
    if !child.guardians.iter().any(|g| g == me) {
        return false;
    }
    let policy = state.policy.policy();
    let Some(rule) = child
        .kind
        .as_deref()
        .and_then(|k| policy.subjects.iter().find(|s| s.id.as_str() == k))
        .and_then(|s| s.guardian.as_ref())
        .filter(|g| g.exercises_rights)
    else {
        return false;
    };
    match (rule.required_under, child.age_on(Utc::now().date_naive())) {
        (Some(under), Some(age)) => age < u32::from(under),
        _ => true,
    }
}

/// Whose page it is: the signed-in person's own or, with `for`, their
/// child's.
pub(super) struct Acting {
    pub session: Session,
    /// The ledger subject the page is about.
    pub subject: String,
}

impl Acting {
    pub fn me(&self) -> &str {
        &self.session.subject
    }

    pub fn for_child(&self) -> bool {
        self.session.subject != self.subject
    }

    /// Who the ledger says acted.
    pub fn actor(&self) -> vow_store::Actor {
        vow_store::Actor {
            kind: if self.for_child() {
                vow_store::ActorKind::Agent
            } else {
                vow_store::ActorKind::Subject
            },
            id: self.me().to_owned(),
        }
    }

    /// `?for=<child>` on the child's pages, nothing on one's own.
    pub fn query(&self) -> Vec<(&str, &str)> {
        if self.for_child() {
            vec![("for", self.subject.as_str())]
        } else {
            Vec::new()
        }
    }

    /// `?for=<child>` as it goes on a link, or nothing.
    pub fn query_string(&self) -> String {
        if self.for_child() {
            let pair = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(self.query())
                .finish();
            format!("?{pair}")
        } else {
            String::new()
        }
    }

    /// The person's page, or the child's.
    pub fn back(&self) -> String {
        format!("/centre/me{}", self.query_string())
    }
}

/// The page's subject: the person signed in, or the `child` they may act
/// for. Not signed in: to the sign-in page. A child they may not act for:
/// refused, with the reason.
pub(super) async fn acting(
    state: &AppState,
    view: &View,
    headers: &HeaderMap,
    child: Option<&str>,
) -> Result<Acting, Response> {
    let Some(session) = state.centre.session(state, headers).await else {
        return Err(axum::response::Redirect::to("/centre").into_response());
    };
    let Some(child) = child
        .map(str::trim)
        .filter(|c| !c.is_empty() && *c != session.subject)
    else {
        let subject = session.subject.clone();
        return Ok(Acting { session, subject });
    };
    let child_state = state
        .subject_state(child)
        .await
        .map_err(|e| super::unavailable(view, &e))?;
    if !may_act_for(state, &session.subject, &child_state) {
        return Err(super::refuse(
            view,
            StatusCode::FORBIDDEN,
            view.t().not_linked_guardian,
        ));
    }
    Ok(Acting {
        session,
        subject: child.to_owned(),
    })
}
