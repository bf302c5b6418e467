//! The policy as people read it: `/centre/policy`, the policy in force in
//! the reader's language with what changed between each pair of versions
//! this server ran; `/centre/policy/{version}`, an earlier version as it
//! read. Versions never change once recorded, so each rendering and each
//! diff is made once per process and kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use serde::Serialize;
use vow_policy::render::Format;
use vow_policy::render::i18n::Language;
use vow_store::{PolicyVersionRecord, Store};

use super::{PageQuery, refuse};
use crate::pages::{Lang, View, fill};
use crate::state::AppState;

/// One change between two versions, as the history lists it.
#[derive(Debug, Clone, Serialize)]
struct Change {
    material: bool,
    op: vow_policy::diff::Op,
    section: &'static str,
    id: String,
    field: Option<String>,
}

/// What changed between two texts.
type Changes = Arc<Vec<Change>>;

/// Renderings and diffs made already, by the SHA-256 of the texts.
#[derive(Default)]
pub(crate) struct PolicyPages {
    rendered: Mutex<HashMap<(String, &'static str), Arc<String>>>,
    diffs: Mutex<HashMap<(String, String), Changes>>,
}

impl PolicyPages {
    /// The version rendered as HTML in `lang`; `None` when its text no
    /// longer checks (a newer vow reading an old text).
    fn rendered(&self, record: &PolicyVersionRecord, lang: Language) -> Option<Arc<String>> {
        let key = (record.sha256.clone(), lang.tag());
        if let Some(html) = lock(&self.rendered).get(&key) {
            return Some(html.clone());
        }
        let checked = vow_policy::check(&record.version, &record.text).ok()?;
        let html =
            Arc::new(vow_policy::render::render(&checked.policy, Format::Html, lang.tag()).ok()?);
        lock(&self.rendered).insert(key, html.clone());
        Some(html)
    }

    fn diff(
        &self,
        old: &PolicyVersionRecord,
        new: &PolicyVersionRecord,
    ) -> Option<Arc<Vec<Change>>> {
        let key = (old.sha256.clone(), new.sha256.clone());
        if let Some(changes) = lock(&self.diffs).get(&key) {
            return Some(changes.clone());
        }
        let (Ok(a), Ok(b)) = (
            vow_policy::check(&old.version, &old.text),
            vow_policy::check(&new.version, &new.text),
        ) else {
            return None;
        };
        let changes: Arc<Vec<Change>> = Arc::new(
            vow_policy::diff::diff(&a.policy, &b.policy)
                .changes
                .into_iter()
                .map(|c| Change {
                    material: c.material,
                    op: c.op,
                    section: c.section,
                    id: c.id,
                    field: c.field,
                })
                .collect(),
        );
        lock(&self.diffs).insert(key, changes.clone());
        Some(changes)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `GET /centre/policy`: the policy in force, and what changed from each
/// earlier version this server ran.
pub async fn policy(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::of(&headers, q.lang.as_deref());
    let view = View::new(lang, "/centre/policy", &[]);
    let t = view.t();
    let versions = match state.store.policy_versions().await {
        Ok(v) => v,
        Err(e) => return super::unavailable(&view, &e),
    };
    let current = state.policy.policy();
    let in_force = versions
        .iter()
        .find(|v| v.policy_id == current.policy.id.as_str() && v.version == current.policy.version);
    let pages = &state.centre.policy_pages;
    let Some(rendered) = in_force.and_then(|v| pages.rendered(v, lang.language)) else {
        return refuse(
            &view,
            StatusCode::INTERNAL_SERVER_ERROR,
            t.version_unreadable,
        );
    };
    let mut steps = Vec::new();
    for pair in versions.windows(2) {
        let (old, new) = (&pair[0], &pair[1]);
        let Some(changes) = pages.diff(old, new) else {
            continue;
        };
        let heading = fill(
            t.from_version_to,
            &[
                ("new", &new.version),
                (
                    "date",
                    &vow_policy::render::date(lang.language, new.effective),
                ),
            ],
        );
        let (before, after) = heading.split_once("{old}").unwrap_or((&heading, ""));
        let changes: Vec<minijinja::Value> = changes
            .iter()
            .map(|c| {
                context! {
                    material => c.material,
                    op => match c.op {
                        vow_policy::diff::Op::Added => t.op_added,
                        vow_policy::diff::Op::Removed => t.op_removed,
                        vow_policy::diff::Op::Changed => t.op_changed,
                    },
                    section => c.section,
                    id => c.id.clone(),
                    field => c.field.clone(),
                }
            })
            .collect();
        steps.push(context! {
            before => before, after => after, old => old.version.clone(), changes => changes,
        });
    }
    // The rendered policy is a page of its own: the history goes before
    // its closing tag, the language links after its opening one.
    let Some(history) = view.fragment("centre/history.html", context! { steps => steps }) else {
        return refuse(
            &view,
            StatusCode::INTERNAL_SERVER_ERROR,
            t.version_unreadable,
        );
    };
    let nav = view.language_nav();
    let mut html = rendered.as_str().to_owned();
    if let Some(at) = html.rfind("</body>") {
        html.insert_str(at, &history);
    } else {
        html.push_str(&history);
    }
    if let Some(at) = html.find("<body>") {
        html.insert_str(at + "<body>".len(), &nav);
    }
    view.with_language_cookie(Html(html).into_response())
}

/// `GET /centre/policy/{version}`: an earlier version, as it read.
pub async fn policy_version(
    State(state): State<AppState>,
    Path(version): Path<String>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::of(&headers, q.lang.as_deref());
    let view = View::new(lang, &format!("/centre/policy/{version}"), &[]);
    let t = view.t();
    let current = state.policy.policy();
    let record = match state
        .store
        .policy_version(current.policy.id.as_str(), &version)
        .await
    {
        Ok(Some(record)) => record,
        Ok(None) => return refuse(&view, StatusCode::NOT_FOUND, t.no_such_version),
        Err(e) => return super::unavailable(&view, &e),
    };
    match state.centre.policy_pages.rendered(&record, lang.language) {
        Some(html) => view.with_language_cookie(Html(html.as_str().to_owned()).into_response()),
        None => refuse(
            &view,
            StatusCode::INTERNAL_SERVER_ERROR,
            t.version_unreadable,
        ),
    }
}
