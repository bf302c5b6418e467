//! Data-subject requests against the organisation's own databases.
//!
//! - [`catalog`]: what a connected database holds — tables, columns, keys,
//!   foreign keys and their `ON DELETE` rules, partitions — read from its
//!   own catalogue (PostgreSQL, MariaDB/MySQL, SQLite).

pub mod catalog;
