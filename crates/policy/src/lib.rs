//! The vow policy language.
//!
//! A policy is one YAML document. This crate turns its text into a typed,
//! checked [`Policy`] (`load`), reports every error at once with its place in
//! the file (`diagnostic`), lints it against the law (`lint`), renders the
//! human-readable policy (`render`) and compares two versions (`diff`).
//!
//! It does no I/O of its own beyond what callers hand it: callers read files
//! and pass text, so everything here can be tested and fuzzed in memory.

pub mod check;
pub mod diagnostic;
pub mod diff;
pub mod duration;
pub mod generate;
pub mod ids;
pub mod index;
pub mod law;
pub mod lint;
pub mod model;
pub mod redact;
pub mod render;
pub mod source;
pub mod submission;
pub mod taxonomy;

pub use check::{Checked, check};
pub use diagnostic::{Diagnostic, Report, Severity, SourceFile};
pub use duration::Duration;
pub use ids::{CategoryKey, ElementId, Jurisdiction, Lang, PromiseId, Text};
pub use index::PolicyIndex;
pub use model::*;
