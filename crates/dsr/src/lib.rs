//! Data-subject requests against the organisation's own databases.
//!
//! vow connects to the databases where the organisation keeps its
//! customers (PostgreSQL, MariaDB/MySQL, SQLite), finds a subject's rows
//! and answers access, export, erasure and rectification requests on them.
//! It only reads them, except for the rows a request's erasure or
//! rectification changes.
//!
//! | module | owns |
//! |---|---|
//! | [`connect`] | [`Database`]: a small pool from a URL (`postgres://`, `mysql://`/`mariadb://`, `sqlite://`), errors that say what to fix; quoting identifiers per engine |
//! | [`catalog`] | [`Catalog`]: what a connected database holds — tables, columns and their kinds, keys, foreign keys and their `ON DELETE` rules, partitioned tables — read from the engine's own catalogue by [`catalog::read`] |

pub mod catalog;
pub mod connect;

pub use catalog::{
    Catalog, CatalogError, Column, ColumnKind, Engine, ForeignKey, ReferentialAction, Table,
    TableName,
};
pub use connect::{ConnectError, Database};
