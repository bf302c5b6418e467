//! Subject states in memory, so that a decision costs no database read.
//!
//! The store is the truth; this is a bounded cache in front of it, and it
//! forgets a subject as soon as the ledger changes them:
//!
//! - whatever this process appends — through the API, the privacy centre,
//!   the request desk — the store's writer tells the cache (it is the
//!   store's [`CommitObserver`]) after the commit and before the append
//!   returns, so the next decision in this process sees it;
//! - what other processes append (another `vow serve` on PostgreSQL, `vow
//!   request run` on the same SQLite file) the sync task (`sync.rs`) reads
//!   from the ledger and forgets here. The event numbers this process
//!   committed are kept for it ([`SubjectCache::seen_from`]), so that it
//!   reads only what others wrote.
//!
//! A load that raced with an invalidation must not put the old state back:
//! each shard has an epoch, bumped on invalidation, and a load inserts only
//! if its shard's epoch did not move while it read the store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use quick_cache::sync::Cache;
use vow_engine::SubjectState;
use vow_store::{Commit, CommitObserver, Store, StoreError};

const SHARDS: usize = 64;

/// Ranges of event numbers kept for the sync task: past this many (other
/// processes' events between each, and the sync task not running), the
/// oldest are dropped, and the sync task reads those events again.
const WRITTEN_RANGES: usize = 1024;

static HITS: LazyLock<metrics::Counter> =
    LazyLock::new(|| metrics::counter!("vow_state_cache_hits_total"));
static MISSES: LazyLock<metrics::Counter> =
    LazyLock::new(|| metrics::counter!("vow_state_cache_misses_total"));

pub struct SubjectCache {
    states: Cache<String, Arc<SubjectState>>,
    epochs: [AtomicU64; SHARDS],
    /// The event numbers this process committed, as sorted, disjoint
    /// `(first, last)` ranges: their subjects are forgotten already.
    written: Mutex<Vec<(u64, u64)>>,
}

impl SubjectCache {
    pub fn new(capacity: usize) -> SubjectCache {
        SubjectCache {
            states: Cache::new(capacity.max(1)),
            epochs: std::array::from_fn(|_| AtomicU64::new(0)),
            written: Mutex::new(Vec::new()),
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

    /// `cursor` (every event up to it is accounted for) moved past the
    /// events this process committed right after it. Forgets the ranges
    /// below the result.
    pub fn seen_from(&self, cursor: u64) -> u64 {
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        let mut cursor = cursor;
        let mut used = 0;
        for &(first, last) in written.iter() {
            if first > cursor + 1 {
                break;
            }
            cursor = cursor.max(last);
            used += 1;
        }
        written.drain(..used);
        cursor
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}

impl CommitObserver for SubjectCache {
    fn committed(&self, commit: &Commit<'_>) {
        for subject in commit.subjects {
            self.invalidate(subject);
        }
        // A commit that may have failed is not known to hold its numbers:
        // the sync task reads them if they are there.
        if commit.certain {
            let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
            add_range(&mut written, commit.first, commit.last);
            if written.len() > WRITTEN_RANGES {
                written.remove(0);
            }
        }
    }
}

/// Adds `first..=last` to sorted, disjoint ranges, joining it to those it
/// touches. Commits come in order, so it usually extends the last one.
fn add_range(ranges: &mut Vec<(u64, u64)>, first: u64, last: u64) {
    let at = ranges.partition_point(|&(_, l)| l + 1 < first);
    let (mut first, mut last) = (first, last);
    let mut end = at;
    while end < ranges.len() && ranges[end].0 <= last + 1 {
        first = first.min(ranges[end].0);
        last = last.max(ranges[end].1);
        end += 1;
    }
    ranges.splice(at..end, [(first, last)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(cache: &SubjectCache, first: u64, last: u64) {
        cache.committed(&Commit {
            first,
            last,
            subjects: &[],
            certain: true,
        });
    }

    #[test]
    fn the_cursor_moves_over_this_process_own_commits_only() {
        let cache = SubjectCache::new(10);
        commit(&cache, 3, 4);
        commit(&cache, 5, 5);
        commit(&cache, 9, 10);
        assert_eq!(cache.seen_from(0), 0, "1 and 2 were written elsewhere");
        assert_eq!(cache.seen_from(2), 5);
        assert_eq!(cache.seen_from(5), 5, "6 to 8 were written elsewhere");
        commit(&cache, 7, 8);
        assert_eq!(cache.seen_from(6), 10);
        assert!(cache.written.lock().unwrap().is_empty());
        // Ranges below the cursor are dropped with the rest.
        commit(&cache, 12, 12);
        assert_eq!(cache.seen_from(20), 20);
        assert!(cache.written.lock().unwrap().is_empty());
    }

    #[test]
    fn ranges_join_in_any_order() {
        let mut ranges = Vec::new();
        for (first, last) in [(5, 6), (1, 2), (9, 9), (3, 4), (7, 8), (12, 13)] {
            add_range(&mut ranges, first, last);
        }
        assert_eq!(ranges, vec![(1, 9), (12, 13)]);
    }

    #[test]
    fn a_commit_that_may_have_failed_forgets_its_subjects_and_claims_no_number() {
        let cache = SubjectCache::new(10);
        cache.committed(&Commit {
            first: 1,
            last: 1,
            subjects: &["ada".to_owned()],
            certain: false,
        });
        assert_eq!(cache.seen_from(0), 0);
        assert_eq!(cache.epoch("ada").load(Ordering::Acquire), 1);
    }
}
