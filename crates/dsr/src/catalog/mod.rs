//! A connected database's catalogue, engine-neutral: the tables, their
//! columns and keys, and the foreign keys between them. Discovery, checks
//! and the planner work on this, never on an engine's own system tables.

use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// The catalogue's estimate of the row count, when it keeps one.
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
    /// The default's expression, as the engine writes it.
    pub default: Option<String>,
    /// Computed by the database: cannot be written.
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
    /// The constraint's name, when it has one.
    pub name: Option<String>,
    /// The referencing columns, in this table.
    pub columns: Vec<String>,
    pub references: TableName,
    /// The referenced columns, in the same order.
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
