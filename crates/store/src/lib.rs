//! The ledger: every consent, preference, membership, restriction,
//! objection, hold, disclosure, notice and request event, append-only,
//! hash-chained and sealed, and the subject state materialised from it.
//!
//! | module | owns |
//! |---|---|
//! | `ledger` | [`Event`] and its parts, the canonical encoding, the SHA-256 chain |
//! | `identity` | [`Identity`]: e-mail addresses, phone numbers, account ids and browsers that name a subject, normalised and kept as keyed digests |
//! | `key` | [`LedgerKey`]: the HMAC seals of events and of the chain's head |
//! | `verify` | [`Verifier`]: one pass over the stored rows, naming each changed, deleted, inserted or reordered event |
//! | `materialise` | [`apply`] one event to a `SubjectState`, [`rebuild`] from all |
//! | `store` | the [`Store`] trait, its records (keys, policy versions, data-subject requests), [`StoreError`], and the [`CommitObserver`]s a store tells of each commit |
//! | `batch` | group commit's pure part: linking a batch of appends, request by request |
//! | `sql` | [`SqliteStore`] and [`PostgresStore`]: one generic implementation, one writer task each; [`LedgerListener`] hears every process's commits on PostgreSQL |
//! | `any` | [`AnyStore`]: either, chosen from `--database` |

pub mod any;
pub mod batch;
pub mod identity;
pub mod key;
pub mod ledger;
pub mod materialise;
pub mod sql;
pub mod store;
pub mod verify;

pub use any::AnyStore;
pub use identity::{GuardianLinkRecord, Identity, IdentityKey, IdentityKind};
pub use key::{KeyError, LedgerKey};
pub use ledger::{Actor, ActorKind, Event, EventKind, EventSource, GENESIS, chain, link};
pub use materialise::{apply, rebuild};
pub use sql::{Heard, LedgerListener, PostgresStore, SqliteStore};
pub use store::{
    ApiKeyRecord, Commit, CommitObserver, PolicyVersionRecord, Progress, RecordOutcome,
    RequestQuery, RequestRecord, Store, StoreError, SubjectSummary, TokenKind, TokenRecord,
    TokenScope,
};
pub use verify::{SealedHead, StoredEvent, Tamper, TamperKind, Verification, Verifier, verify};
