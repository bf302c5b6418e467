//! A connected database's catalogue, engine-neutral: the tables, their
//! columns and keys, and the foreign keys between them. Discovery, checks
//! and the planner work on this, never on an engine's own system tables.
//!
//! [`read`] asks the engine's own catalogue, one module per engine
//! (`postgres`, `mysql`, `sqlite`); each also sorts its type names into
//! [`ColumnKind`]s. Reading only selects and changes nothing; its snapshot
//! (SQLite: its shared lock) lasts for a few queries only.

mod mysql;
mod postgres;
mod sqlite;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::connect::Database;

/// Reads the catalogue of the connected database: PostgreSQL, every schema
/// but the system ones; MariaDB/MySQL, the database the URL names; SQLite,
/// the `main` database. Tables come sorted by name, columns in their
/// declared order, primary key columns in key order, foreign keys sorted
/// by their columns.
pub async fn read(db: &Database) -> Result<Catalog, CatalogError> {
    let mut catalog = match db {
        Database::Postgres(pool) => postgres::read(pool).await?,
        Database::Mysql(pool) => mysql::read(pool).await?,
        Database::Sqlite(pool) => sqlite::read(pool).await?,
    };
    catalog.tables.sort_by(|a, b| a.name.cmp(&b.name));
    for table in &mut catalog.tables {
        table.foreign_keys.sort_by(|a, b| {
            (&a.columns, &a.references, &a.referenced_columns, &a.name).cmp(&(
                &b.columns,
                &b.references,
                &b.referenced_columns,
                &b.name,
            ))
        });
    }
    Ok(catalog)
}

/// Why [`read`] failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(
        "could not read the {engine} catalogue ({what}): {source}; check that the connection still works and that its user may read the catalogue"
    )]
    Query {
        engine: Engine,
        /// What was being read (`columns`, `foreign keys`…).
        what: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "the MariaDB/MySQL URL names no database, so there is no catalogue to read; add the database to the URL (mysql://user@host:3306/shop)"
    )]
    NoDatabaseSelected,
}

impl CatalogError {
    fn query(engine: Engine, what: &'static str) -> impl FnOnce(sqlx::Error) -> CatalogError {
        move |source| CatalogError::Query {
            engine,
            what,
            source,
        }
    }
}

/// The database engines vow connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Postgres,
    /// MariaDB and MySQL.
    Mysql,
    Sqlite,
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MariaDB/MySQL",
            Engine::Sqlite => "SQLite",
        })
    }
}

/// A table's name: PostgreSQL tables live in a schema (`public`); MariaDB
/// and SQLite tables in the database connected to (`schema` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TableName {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
}

/// Everything the catalogue says about the database's tables (views,
/// system tables and the partitions of a partitioned table are left out;
/// a partitioned table appears once, as its parent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub engine: Engine,
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: TableName,
    pub columns: Vec<Column>,
    /// The primary key's columns, in key order; empty when there is none.
    pub primary_key: Vec<String>,
    /// Foreign keys *from* this table.
    pub foreign_keys: Vec<ForeignKey>,
    /// PostgreSQL declarative partitioning: rows live in partitions, but
    /// statements on the parent reach them.
    pub partitioned: bool,
    /// The catalogue's estimate of the row count, when it keeps one:
    /// PostgreSQL's once the table was analysed (a partitioned table's is
    /// its partitions' sum), InnoDB's always; SQLite keeps none.
    pub estimated_rows: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The type as the engine names it (`character varying(45)`, `smallint`,
    /// `enum('G','PG')`, `NVARCHAR(40)`).
    pub data_type: String,
    /// What kind of value it holds, for masking and guessing categories.
    pub kind: ColumnKind,
    pub nullable: bool,
    /// The declared maximum length of a text column.
    pub max_length: Option<u32>,
    /// The default's expression, as the engine writes it (`now()`,
    /// `'G'::mpaa_rating`, `current_timestamp()`).
    pub default: Option<String>,
    /// Computed by the database, so never written: generated columns, and
    /// PostgreSQL's `GENERATED ALWAYS AS IDENTITY`.
    pub generated: bool,
}

/// The families of column types, across engines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "values")]
pub enum ColumnKind {
    Text,
    Integer,
    Decimal,
    Float,
    Boolean,
    Date,
    Timestamp,
    Time,
    Binary,
    Json,
    Uuid,
    /// An enumerated type (MariaDB `enum(...)`, PostgreSQL `CREATE TYPE ... AS ENUM`), with its values.
    Enum(Vec<String>),
    /// PostgreSQL arrays, full-text vectors, network and geometric types and the like.
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint's name, when it has one (SQLite does not list them).
    /// A PostgreSQL key declared on each partition rather than on their
    /// parent is one key of the parent, named after the first partition's.
    pub name: Option<String>,
    /// The referencing columns, in this table.
    pub columns: Vec<String>,
    pub references: TableName,
    /// The referenced columns, in the same order (a SQLite key that names
    /// only its parent refers to the parent's primary key, resolved here).
    /// Empty only for a SQLite key whose parent table does not exist.
    pub referenced_columns: Vec<String>,
    pub on_delete: ReferentialAction,
    pub on_update: ReferentialAction,
}

/// What the database does to referencing rows when the referenced row goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferentialAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl Catalog {
    /// The table with this name (schema-qualified or not).
    pub fn table(&self, name: &TableName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}
