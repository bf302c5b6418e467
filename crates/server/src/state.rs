//! What every handler shares: the store, the policy in force, the subject
//! cache, the keys, the limits.

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use vow_engine::SubjectState;
use vow_store::{Actor, ActorKind, AnyStore, Event, EventKind, EventSource, Store};

use crate::auth::KeyRing;
use crate::cache::SubjectCache;
use crate::error::ApiResult;
use crate::runtime::PolicyInForce;

/// Request limits.
#[derive(Debug, Clone)]
pub struct Limits {
    pub body: usize,
    pub timeout: Duration,
    pub batch: usize,
    /// Most events or subjects returned by one page.
    pub page: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body: 1024 * 1024,
            timeout: Duration::from_secs(10),
            batch: 1_000,
            page: 1_000,
        }
    }
}

/// The datasets requests run in, the key of an erasure's keyed hashes and
/// the mailer of one-time codes.
pub struct RequestSetup {
    pub targets: Vec<vow_dsr::runner::Target>,
    pub hash_key: [u8; 32],
    /// Sends one-time codes (`[mail]` in vow.toml, `VOW_SMTP_*`).
    pub mailer: vow_mail::Mailer,
}

pub struct Shared {
    pub store: AnyStore,
    pub policy: Arc<PolicyInForce>,
    /// Subject states in memory; the store's commit observer.
    pub subjects: Arc<SubjectCache>,
    pub keys: KeyRing,
    /// What data-subject requests run in.
    pub requests: RequestSetup,
    /// Signs and checks one-click unsubscribe links.
    pub unsubscribe: crate::unsubscribe::Links,
    /// The privacy centre's sign-in links and sessions.
    pub centre: crate::centre::Centre,
    /// The key identities (e-mail addresses, phone numbers, account ids)
    /// are kept and looked up under.
    pub identities: vow_store::IdentityKey,
    pub limits: Limits,
    pub metrics: PrometheusHandle,
    /// False until start-up finished and while the store is unreachable.
    pub ready: AtomicBool,
}

/// The handlers' state: cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }

    /// The request desk over this server's store, policy and datasets;
    /// `channel` is where requests it opens come from (`api`,
    /// `privacy_centre`).
    pub fn desk(&self, channel: &'static str) -> vow_dsr::runner::Desk<'_, vow_store::AnyStore> {
        vow_dsr::runner::Desk {
            store: &self.store,
            policy: self.policy.policy(),
            targets: &self.requests.targets,
            hash_key: &self.requests.hash_key,
            backoff: vow_dsr::runner::Backoff::default(),
            channel,
            watch: &vow_dsr::runner::Quiet,
        }
    }

    /// A subject's state, from the cache.
    pub async fn subject_state(&self, subject: &str) -> ApiResult<Arc<SubjectState>> {
        Ok(self.subjects.get(&self.store, subject).await?)
    }

    /// The events of something `subject` did themselves (a banner choice,
    /// a click on an unsubscribe link, a switch in the privacy centre):
    /// one per kind, ids `<UUIDv7>:<n>`, under the policy in force.
    pub fn own_events(
        &self,
        subject: &str,
        source: EventSource,
        kinds: Vec<EventKind>,
    ) -> Vec<Event> {
        let actor = Actor {
            kind: ActorKind::Subject,
            id: subject.to_owned(),
        };
        self.events_by(subject, actor, source, kinds)
    }

    /// [`own_events`](Self::own_events) made by `actor` for `subject` (a
    /// parent for their child).
    pub fn events_by(
        &self,
        subject: &str,
        actor: Actor,
        source: EventSource,
        kinds: Vec<EventKind>,
    ) -> Vec<Event> {
        let base = uuid::Uuid::now_v7().to_string();
        let at = chrono::Utc::now();
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| Event {
                seq: 0,
                id: format!("{base}:{i}"),
                subject: subject.to_owned(),
                at,
                actor: actor.clone(),
                source: source.clone(),
                policy_version: self.policy.version().to_owned(),
                kind,
                prev_hash: String::new(),
                hash: String::new(),
            })
            .collect()
    }

    /// Appends events (all or nothing). The cache has forgotten the
    /// subjects' states by the time it returns (the store told it).
    pub async fn record(&self, events: Vec<Event>) -> ApiResult<Vec<Event>> {
        let stored = self.store.append_all(events).await?;
        for e in &stored {
            metrics::counter!("vow_ledger_events_total", "type" => e.kind.name()).increment(1);
            tracing::info!(seq = e.seq, id = %e.id, subject = %e.subject, kind = e.kind.name(), "event recorded");
        }
        Ok(stored)
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
