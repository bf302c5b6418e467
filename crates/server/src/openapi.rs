//! The OpenAPI 3.1 description, generated from the handlers and types
//! (utoipa). `docs/openapi.json` is the committed copy; a test fails when it
//! is stale, and another checks real answers against it.

use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "vow",
        description = "A privacy policy, executable: decisions with reasons and obligations, and a tamper-evident ledger of every consent and change.\n\nEvery `/v1` endpoint needs an API key (`Authorization: Bearer vow_...`) with the scope named in its security requirement; `admin` grants all. Errors share one shape, with stable codes listed in docs/errors.md.",
        license(name = "Apache-2.0")
    ),
    paths(
        routes::decisions::decisions,
        routes::redact::redact,
        routes::collections::check,
        routes::subjects::list,
        routes::subjects::show,
        routes::subjects::attributes,
        routes::subjects::events,
        routes::subjects::consents,
        routes::subjects::preferences,
        routes::subjects::membership_start,
        routes::subjects::membership_end,
        routes::subjects::guardian,
        routes::subjects::guardian_end,
        routes::subjects::children,
        routes::identities::link,
        routes::identities::unlink,
        routes::identities::owner,
        routes::subjects::purchase,
        routes::policy::current,
        routes::policy::versions,
        routes::policy::version,
        routes::ledger::head,
        routes::ledger::events,
        routes::ledger::verify,
        routes::requests::create,
        routes::requests::list,
        routes::requests::show,
        routes::requests::verify,
        routes::requests::send_code,
        crate::banner::record,
        crate::unsubscribe::headers,
        routes::requests::acknowledge,
        routes::requests::extend,
        routes::requests::deny,
        routes::requests::export,
        routes::requests::run,
        routes::keys::create,
        routes::keys::list,
        routes::keys::revoke,
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        routes::health::openapi,
    ),
    components(schemas(routes::decisions::DecisionBatch)),
    modifiers(&Security),
    tags(
        (name = "decisions", description = "May this data about this person be used for this purpose, now?"),
        (name = "subjects", description = "People, their state, and the events that change it"),
        (name = "policy", description = "The policy in force and its versions"),
        (name = "banner", description = "The cookie banner's record of each choice, as proof of consent"),
        (name = "unsubscribe", description = "One-click unsubscribe links (RFC 8058) for the messages senders send"),
        (name = "ledger", description = "The tamper-evident ledger"),
        (name = "requests", description = "Data-subject requests: access, export, erasure, rectification, restriction, objection, right to know"),
        (name = "keys", description = "API keys and their scopes"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("vow_<id>_<secret>")
                    .description(Some(
                        "An API key; its scopes are `decide`, `read`, `write`, `admin`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The answer to one decision query, as it is serialised (the engine's
/// `Decision`, flattened, with the query's subject and purpose).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct DecisionDoc {
    pub subject: Option<String>,
    pub purpose: String,
    /// Allow or deny. Deny by default: an allow needs a lawful basis and no rule that denies.
    pub allowed: bool,
    /// For a deny, every rule that denied; for an allow, what allowed it.
    pub reasons: Vec<ReasonDoc>,
    /// What comes with an allow (empty for a deny).
    pub obligations: Vec<ObligationDoc>,
    /// The policy version the decision was made under.
    pub policy_version: String,
    pub decided_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ReasonDoc {
    /// Stable rule name (`consent-missing`, `membership-denies`...).
    #[schema(example = "consent-missing")]
    pub rule: String,
    /// The policy element concerned (`purpose marketing`).
    pub element: String,
    /// The promise ids the element implements (`EDU-03`).
    pub promises: Vec<String>,
    /// A sentence a person understands.
    pub message: String,
}

/// One obligation; `type` says which.
#[derive(Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ObligationDoc {
    /// Send only these categories.
    SendOnly { categories: Vec<String> },
    /// Truncate the IP address; `truncated` is the result when the query gave one.
    TruncateIp {
        ipv4_prefix: u8,
        ipv6_prefix: u8,
        truncated: Option<String>,
    },
    /// Use only in aggregate, no per-person output.
    AggregateOnly,
    /// Any export for the purpose must be k-anonymous.
    KAnonymity { k: u32 },
    /// The message must carry an unsubscribe link.
    UnsubscribeLink,
    /// The parent or guardian must be told.
    NotifyParent,
}
