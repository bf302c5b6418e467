//! The ledger: every consent, preference, membership, restriction,
//! objection, hold, disclosure, notice and request event, append-only and
//! hash-chained, and the subject state materialised from it.
//!
//! This first part is the pure core — events, their canonical encoding,
//! the chain and its verification, and materialisation. The SQLite and
//! PostgreSQL stores that persist it come next (issue 4).

pub mod ledger;
pub mod materialise;
pub mod sql;

pub use ledger::{
    Actor, ActorKind, Event, EventKind, EventSource, Tamper, TamperKind, chain, verify,
};
pub use materialise::{apply, rebuild};
pub use sql::{SqlLedger, StoreError};
