//! The vow decision engine: pure, no I/O, no clock reads.
//!
//! `compile` turns a checked policy into a [`CompiledPolicy`] (ids interned,
//! category sets as bitsets); `decide` answers one [`Query`] about one
//! [`SubjectState`] at a given instant with a [`Decision`]: allow or deny,
//! the reasons (`reason`: sentences written only when shown), and the
//! obligations of an allow. `could_consent` says whether a purpose may be
//! offered to a person at all (their age and kind allowing).

pub mod bits;
pub mod compile;
pub mod decide;
mod ids;
pub mod offer;
pub mod reason;
pub mod state;

pub use compile::{CompiledPolicy, compile};
pub use decide::{Action, Context, Decision, Obligation, Query, decide};
pub use offer::could_consent;
pub use reason::{CategoryList, Element, Message, Reason};
pub use state::{CommunicationOptOut, ConsentRecord, SubjectState};
