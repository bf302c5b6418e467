//! The privacy centre: where a person manages what the organisation does
//! with their data. Server-rendered in English, French or Ukrainian, and
//! it works without JavaScript.
//!
//! | module | owns |
//! |---|---|
//! | `access` | sign-in by a single-use mailed link, sessions the store can revoke, form tokens, the limits on sign-in mail |
//! | `person` | who the page is about: the subject the address names, their browsers (the banner's choices), the children they act for |
//! | `me` | the person's page and its forms: consents and channels, requests, corrections, requests as someone's agent, the download of a copy |
//! | `policy` | the policy in force and its earlier versions, with what changed |

mod access;
mod me;
mod person;
mod policy;

use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vow_store::LedgerKey;

pub use access::{SignInLimits, enter, home, link, sign_in, sign_out};
pub use me::{agent, choices, export, me, rectify, request};
pub use policy::{policy, policy_version};

use crate::pages::View;
use crate::sealed::Sealer;

/// What the centre keeps between requests: its keys and settings, and
/// the policy pages it rendered.
pub struct Centre {
    /// Form tokens and the "Continue" check of sign-in links.
    forms: Sealer,
    /// The key clients are counted by (the store keeps no IP address).
    clients: [u8; 32],
    base: String,
    limits: SignInLimits,
    policy_pages: policy::PolicyPages,
}

impl Centre {
    pub fn new(ledger: &LedgerKey, public_url: &str, limits: SignInLimits) -> Centre {
        Centre {
            forms: Sealer::new(ledger, "privacy-centre-form"),
            clients: ledger.derive("privacy-centre-clients"),
            base: public_url.trim_end_matches('/').to_owned(),
            limits,
            policy_pages: Default::default(),
        }
    }
}

/// The query of the centre's pages.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// `en`, `fr` or `uk`: the page in that language (remembered).
    lang: Option<String>,
    /// A child's subject id: their page, for a parent.
    #[serde(rename = "for")]
    child: Option<String>,
    /// Set after the choices were saved.
    saved: Option<String>,
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

/// The page for a store or desk failure: logged, and said plainly.
fn unavailable(view: &View, error: &dyn std::fmt::Debug) -> Response {
    tracing::error!(error = ?error, "the privacy centre could not reach its records");
    refuse(view, StatusCode::SERVICE_UNAVAILABLE, view.t().unavailable)
}

/// "That did not work", why, and the way back.
fn refuse(view: &View, status: StatusCode, why: &str) -> Response {
    let t = view.t();
    view.message(
        status,
        t.did_not_work,
        &[why],
        Some(("/centre", t.back_to_centre)),
    )
}
