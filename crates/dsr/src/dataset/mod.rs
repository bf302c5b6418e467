//! A dataset file: one connected database, described for requests.
//!
//! It says how to connect (never the URL itself: an environment variable
//! or a secrets file), which table holds the people and how they are
//! identified, every table that holds rows of a person and how those rows
//! reach the person's row (a path of joins), the category of each personal
//! column (from the policy's taxonomy), what erasure does to each table and
//! column, which rows are kept under which hold, and the timestamp that
//! retention counts from.
//!
//! ```yaml
//! vow_dataset: 1
//! id: rentals
//! connection: { url_env: RENTALS_DATABASE_URL }
//! subject:
//!   table: customer
//!   key: [customer_id]
//!   identity: { email: email, account_id: customer_id }
//! holds:
//!   - id: accounting
//!     reason: Payments are kept for 10 years for the tax authority.
//!     retention: 10 years
//! tables:
//!   - table: customer
//!     erase: delete
//!     columns:
//!       email: { category: user.contact.email }
//!   - table: payment
//!     path: [{ table: customer, on: { customer_id: customer_id } }]
//!     erase: keep
//!     hold: accounting
//!     retention: payment_date
//!     columns:
//!       customer_id: { erase: { set: 1 } }   # detached: the placeholder customer
//! ```

mod check;

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use vow_policy::{CategoryKey, Duration};

use crate::catalog::{Engine, TableName};

pub use check::{CODES, check_against, find_table, json_schema, json_schema_text, parse};

/// The dataset file format this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// One connected database, described for data-subject requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// The format version: `vow_dataset: 1`.
    pub vow_dataset: u32,
    /// A short id, unique among the organisation's datasets (`rentals`, `crm`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_-]*$"))]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub connection: ConnectionSpec,
    pub subject: SubjectSpec,
    /// Named reasons to keep rows despite an erasure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<Hold>,
    /// Every table that holds rows of a person, the subject's table first.
    pub tables: Vec<TableSpec>,
}

/// How to reach the database. The URL itself is never written here: the
/// dataset file is committed next to the policy, the password is not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectionSpec {
    /// The environment variable that holds the URL
    /// (`postgres://…`, `mysql://…`, `sqlite://path`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub url_env: Option<String>,
    /// A file whose first line is the URL (mode 0600 or stricter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets_file: Option<PathBuf>,
    /// The engine, when the URL should be checked against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<Engine>,
}

/// The table that holds one row per person, and how a person is found in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectSpec {
    /// `customer`, or `schema.customer`.
    pub table: String,
    /// The columns that identify the row (its primary key).
    pub key: Vec<String>,
    /// The columns that hold what a request names the person by.
    pub identity: Identity,
}

/// What a request may name the person by, and the column that holds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The organisation's own account number or customer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// How the e-mail addresses are stored, which decides how a request's
    /// address is compared with them (always without regard to case).
    #[serde(default, skip_serializing_if = "EmailCase::is_as_entered")]
    pub email_case: EmailCase,
}

/// How the e-mail column holds its addresses. An address matches whatever
/// its case; this says which comparison finds it, and so which index can
/// serve the lookup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailCase {
    /// As people typed them: compared as `LOWER(email) = lower(address)`,
    /// which reads every row unless the database has an index on
    /// `LOWER(email)`.
    #[default]
    AsEntered,
    /// In lower case (the application lower-cases them when it stores
    /// them): compared as `email = lower(address)`, which an ordinary index
    /// on the column serves.
    Lower,
    /// The column's collation compares without regard to case (MariaDB and
    /// MySQL `_ci` collations, PostgreSQL `citext`, SQLite `COLLATE
    /// NOCASE`): compared as `email = address`.
    Insensitive,
}

impl EmailCase {
    fn is_as_entered(&self) -> bool {
        *self == EmailCase::AsEntered
    }
}

/// The kinds of identifier a request may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Email,
    Phone,
    AccountId,
}

impl Identity {
    pub fn column(&self, kind: IdentityKind) -> Option<&str> {
        match kind {
            IdentityKind::Email => self.email.as_deref(),
            IdentityKind::Phone => self.phone.as_deref(),
            IdentityKind::AccountId => self.account_id.as_deref(),
        }
    }

    /// Every (kind, column) declared.
    pub fn columns(&self) -> impl Iterator<Item = (IdentityKind, &str)> {
        [
            (IdentityKind::Email, self.email.as_deref()),
            (IdentityKind::Phone, self.phone.as_deref()),
            (IdentityKind::AccountId, self.account_id.as_deref()),
        ]
        .into_iter()
        .filter_map(|(kind, column)| Some((kind, column?)))
    }
}

/// A reason to keep rows that an erasure would otherwise remove.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hold {
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_-]*$"))]
    pub id: String,
    /// Why, in words the person will read in the erasure's report.
    pub reason: String,
    /// How long the rows are kept, counted from the table's `retention`
    /// column; absent: as long as the reason lasts (a legal hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Duration>,
    /// The policy's retention rule this hold implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_rule: Option<String>,
}

/// One table that holds rows of a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// `rental`, or `schema.rental`.
    pub table: String,
    /// How a row of this table reaches the person's row: joins, from this
    /// table, ending at the subject's table. Empty for the subject's table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<Hop>,
    /// What an erasure does to the person's rows here.
    pub erase: RowErasure,
    /// Rows kept under this hold (one of `holds`): an erasure applies the
    /// columns' own `erase` and keeps the rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<String>,
    /// The column holding the time retention counts from (`rental_date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// The personal columns, and any column reviewed as not personal
    /// (`{}`). Columns not listed are not personal.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, ColumnSpec>,
}

/// One join: the current table's columns equal `table`'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hop {
    pub table: String,
    /// Column of the current table → column of `table`.
    pub on: BTreeMap<String, String>,
}

/// What erasure does to a table's rows of the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowErasure {
    /// Delete the rows (after the rows that reference them).
    Delete,
    /// Keep the rows and apply each column's `erase` (anonymise in place).
    Anonymise,
    /// Keep the rows: they are under `hold`; the columns' `erase` still
    /// applies (to detach them from the person).
    Keep,
}

/// A column of a table: its category and what erasure does to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// The data category, from the policy's taxonomy. Absent: reviewed,
    /// not personal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CategoryKey>,
    /// What an erasure that keeps the row does to the value. Absent: the
    /// default for its category (`mask` for personal columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erase: Option<ColumnErasure>,
    /// Left out of access and export packages (a password hash, a secret).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

/// What happens to one value when its row is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnErasure {
    /// `NULL` (the column must be nullable). Written `set_null`: a bare
    /// YAML `null` would mean "no erasure given".
    #[serde(rename = "set_null")]
    Null,
    /// A value of the same type and shape that says nothing about the
    /// person: `erased-17@invalid.example` for an e-mail, digits zeroed in
    /// a phone number, `1970-01-01` for a date, 0 for a number.
    Mask,
    /// A keyed hash (HMAC-SHA-256 with the dataset's key): the same input
    /// gives the same output, so the rows can still be counted together.
    Hash,
    /// Less precise: a date to its year or month, a text to its first
    /// characters, a number rounded.
    Generalise(Generalisation),
    /// A fixed value, such as the id of a placeholder row that held rows
    /// are re-attached to.
    Set(serde_json::Value),
    /// Unchanged.
    Keep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Generalisation {
    /// A date or time to 1 January of its year.
    Year,
    /// A date or time to the first day of its month.
    Month,
    /// A text to its first N characters (a postcode to its district).
    Prefix(u32),
    /// A number to a multiple of 10^N (N = 2: hundreds).
    Round(u32),
}

impl Dataset {
    /// The subject table's name.
    pub fn subject_table(&self) -> TableName {
        table_name(&self.subject.table)
    }

    pub fn table(&self, name: &TableName) -> Option<&TableSpec> {
        self.tables.iter().find(|t| &table_name(&t.table) == name)
    }

    pub fn hold(&self, id: &str) -> Option<&Hold> {
        self.holds.iter().find(|h| h.id == id)
    }
}

/// `schema.table` or `table`.
pub fn table_name(text: &str) -> TableName {
    match text.split_once('.') {
        Some((schema, name)) => TableName {
            schema: Some(schema.to_owned()),
            name: name.to_owned(),
        },
        None => TableName {
            schema: None,
            name: text.to_owned(),
        },
    }
}

/// Why a dataset's connection URL could not be found.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    #[error(
        "the environment variable `{0}` (the dataset's `connection.url_env`) is not set; export the database URL in it"
    )]
    Unset(String),
    #[error("cannot read the secrets file {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the secrets file {} is empty; its first line is the database URL", .0.display())]
    Empty(PathBuf),
    #[error("the dataset's connection names neither `url_env` nor `secrets_file`")]
    Missing,
}

impl ConnectionSpec {
    /// The database URL, from the environment variable or the secrets file
    /// (a relative path is read from `base`, the dataset file's folder).
    pub fn url(&self, base: &std::path::Path) -> Result<String, UrlError> {
        if let Some(var) = &self.url_env {
            return std::env::var(var).map_err(|_| UrlError::Unset(var.clone()));
        }
        let Some(file) = &self.secrets_file else {
            return Err(UrlError::Missing);
        };
        let path = base.join(file);
        let text = std::fs::read_to_string(&path).map_err(|source| UrlError::Unreadable {
            path: path.clone(),
            source,
        })?;
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .ok_or(UrlError::Empty(path))
    }
}
