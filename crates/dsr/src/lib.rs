//! Data-subject requests against the organisation's own databases.
//!
//! - [`catalog`]: what a connected database holds — tables, columns, keys,
//!   foreign keys and their `ON DELETE` rules, partitions — read from its
//!   own catalogue (PostgreSQL, MariaDB/MySQL, SQLite).
//! - [`dataset`]: the dataset file — how to connect, who the people are,
//!   which tables hold their rows and how, what erasure does — and its checks.
//! - [`guess`]: what a column probably holds, from its name and type.

pub mod catalog;
pub mod dataset;
pub mod discover;
pub mod guess;
pub mod plan;
