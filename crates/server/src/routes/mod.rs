//! The handlers, one module per resource.

pub mod collections;
pub mod decisions;
pub mod health;
pub mod identities;
pub mod keys;
pub mod ledger;
pub mod policy;
pub mod redact;
pub mod requests;
pub mod subjects;
