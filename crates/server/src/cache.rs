//! Subject states in memory, so that a decision costs no database read.
//!
//! The store is the truth; this is a bounded cache in front of it. Writes
//! through this process invalidate the subject at once; writes by other
//! processes sharing a PostgreSQL store are seen by the sync task, which
//! tails the ledger and invalidates what it finds (`vow serve` docs give the
//! interval: what one process writes, the others decide on within it).
//!
//! A load that raced with an invalidation must not put the old state back:
//! each shard has an epoch, bumped on invalidation, and a load inserts only
//! if its shard's epoch did not move while it read the store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};

use quick_cache::sync::Cache;
use vow_engine::SubjectState;
use vow_store::{Store, StoreError};

const SHARDS: usize = 64;

static HITS: LazyLock<metrics::Counter> =
    LazyLock::new(|| metrics::counter!("vow_state_cache_hits_total"));
static MISSES: LazyLock<metrics::Counter> =
    LazyLock::new(|| metrics::counter!("vow_state_cache_misses_total"));

pub struct SubjectCache {
    states: Cache<String, Arc<SubjectState>>,
    epochs: [AtomicU64; SHARDS],
}

impl SubjectCache {
    pub fn new(capacity: usize) -> SubjectCache {
        SubjectCache {
            states: Cache::new(capacity.max(1)),
            epochs: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    fn epoch(&self, subject: &str) -> &AtomicU64 {
        // FNV-1a: cheap, and only spreads subjects over shards.
        let hash = subject.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        &self.epochs[(hash % SHARDS as u64) as usize]
    }

    /// The subject's state, from memory or else from the store.
    pub async fn get<S: Store>(
        &self,
        store: &S,
        subject: &str,
    ) -> Result<Arc<SubjectState>, StoreError> {
        if let Some(state) = self.states.get(subject) {
            HITS.increment(1);
            return Ok(state);
        }
        MISSES.increment(1);
        let epoch = self.epoch(subject);
        let before = epoch.load(Ordering::Acquire);
        let state = Arc::new(store.state(subject).await?);
        if epoch.load(Ordering::Acquire) == before {
            self.states.insert(subject.to_owned(), Arc::clone(&state));
        }
        Ok(state)
    }

    /// Forgets the subject: its state changed in the store.
    pub fn invalidate(&self, subject: &str) {
        self.epoch(subject).fetch_add(1, Ordering::AcqRel);
        self.states.remove(subject);
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}
