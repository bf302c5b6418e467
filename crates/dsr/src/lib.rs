//! Data-subject requests against the organisation's own databases.
//!
//! - [`catalog`]: what a connected database holds — tables, columns, keys,
//!   foreign keys and their `ON DELETE` rules, partitions — read from its
//!   own catalogue (PostgreSQL, MariaDB/MySQL, SQLite).
//! - [`request`]: a data-subject request as pure logic — its deadline under
//!   the law and the policy, limits, verification and agents, appeals, and
//!   the state machine whose steps the ledger records.

pub mod catalog;
pub mod request;
