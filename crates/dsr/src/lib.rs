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
//! | [`dataset`] | the dataset file — how to connect, who the people are, which tables hold their rows and how, what erasure does — and its checks against the policy and the catalogue |
//! | [`guess`] | what a column probably holds, from its name and type |
//! | [`discover`] | a draft dataset from the catalogue: foreign keys followed both ways from the subject's table |
//! | [`request`] | a request as pure logic: its deadline under the law and the policy, limits, verification and agents, appeals, and the state machine whose steps the ledger records |
//! | [`plan`] | the set-based statements of a request: resolve the person's rows by key, then one statement per table, in an order the foreign keys allow |
//! | [`runner`] | [`runner::Desk`]: opens a request, records each step in the ledger, runs one persisted task per dataset (resumed after a crash, retried with backoff while a database is down), then the request's effect on the subject's state |
//! | [`know`] | the California right to know: categories held, sources, purposes, and disclosures per recipient from the ledger |
//! | [`fault`] | fail points (`VOW_FAILPOINT`) where crash tests make the process die |
//! | [`exec`], [`access`], [`erase`] | running them in one transaction per database: access reads a person's rows; erasure applies the plan and verifies before it commits |
//! | [`export`] | the package an access or portability request sends: a zip of `manifest.json` (hashes), `data.json`, one CSV per table and `summary.html` (GDPR Art. 15(1)(a)-(h) in the policy's language), the same bytes for the same inputs |

pub mod access;
pub mod catalog;
pub mod connect;
pub mod dataset;
pub mod discover;
pub mod erase;
pub mod exec;
pub mod export;
pub mod fault;
pub mod guess;
pub mod know;
pub mod plan;
pub mod request;
pub mod runner;

pub use catalog::{
    Catalog, CatalogError, Column, ColumnKind, Engine, ForeignKey, ReferentialAction, Table,
    TableName,
};
pub use connect::{ConnectError, Database};
