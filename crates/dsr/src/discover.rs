//! `vow dataset discover`: a draft dataset from the database's catalogue.
//!
//! From the subject's table, foreign keys are followed both ways:
//! - *down*, transitively: every table whose rows reference a reached
//!   table's rows holds rows of the person (rentals, then their payments),
//!   each reached by its shortest path;
//! - *up*, one step from the subject's table: a table the person's row
//!   references holds the person's data only when that row is theirs alone
//!   (a customer's address, not the store the customer shops at). Whether it
//!   is theirs alone is read from the data by the caller (no two people
//!   share a referenced row) and handed in as `own_parents`.
//!
//! Columns get categories guessed from their names and types, to be
//! reviewed: a draft is where a person starts, not a finished dataset.

use std::collections::{BTreeMap, HashSet, VecDeque};

use vow_policy::CategoryKey;

use crate::catalog::{Catalog, ColumnKind, ForeignKey, Table, TableName};
use crate::dataset::{
    ColumnSpec, ConnectionSpec, Dataset, FORMAT_VERSION, Hop, Identity, RowErasure, SubjectSpec,
    TableSpec,
};
use crate::guess;

/// What discovery starts from.
#[derive(Debug, Clone)]
pub struct Start {
    pub id: String,
    pub subject: TableName,
    pub identity: Identity,
    pub connection: ConnectionSpec,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("the database has no table `{0}`{hint}", hint = .1.as_deref().map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default())]
    NoSuchTable(String, Option<String>),
    #[error("`{table}` has no column `{column}` for the {kind} (its columns: {columns})")]
    NoSuchColumn {
        table: String,
        column: String,
        kind: &'static str,
        columns: String,
    },
    #[error("`{0}` has no primary key: vow needs one to tell one person's row from another's")]
    NoPrimaryKey(String),
}

/// A table reached from the subject, and how.
#[derive(Debug, Clone)]
pub struct Reached {
    pub table: TableName,
    pub path: Vec<Hop>,
}

/// The subject's table's foreign keys *up* to other tables: the candidates
/// for `own_parents`, which the caller tests against the data.
pub fn parent_candidates<'c>(catalog: &'c Catalog, subject: &Table) -> Vec<&'c ForeignKey> {
    catalog
        .table(&subject.name)
        .map(|t| {
            t.foreign_keys
                .iter()
                .filter(|fk| fk.references != t.name)
                .collect()
        })
        .unwrap_or_default()
}

/// Every table holding rows of a person, the subject's table first, each
/// with its shortest path to it.
pub fn reach(catalog: &Catalog, subject: &Table, own_parents: &[&ForeignKey]) -> Vec<Reached> {
    let mut out = vec![Reached {
        table: subject.name.clone(),
        path: Vec::new(),
    }];
    let mut seen: HashSet<TableName> = HashSet::from([subject.name.clone()]);
    let mut queue = VecDeque::from([0usize]);
    while let Some(i) = queue.pop_front() {
        let target = out[i].table.clone();
        let target_path = out[i].path.clone();
        for table in &catalog.tables {
            for fk in &table.foreign_keys {
                if fk.references != target || seen.contains(&table.name) {
                    continue;
                }
                let mut path = vec![Hop {
                    table: display(&target),
                    on: fk
                        .columns
                        .iter()
                        .cloned()
                        .zip(fk.referenced_columns.iter().cloned())
                        .collect(),
                }];
                path.extend(target_path.iter().cloned());
                seen.insert(table.name.clone());
                out.push(Reached {
                    table: table.name.clone(),
                    path,
                });
                queue.push_back(out.len() - 1);
            }
        }
    }
    for fk in own_parents {
        if seen.insert(fk.references.clone()) {
            out.push(Reached {
                table: fk.references.clone(),
                path: vec![Hop {
                    table: display(&subject.name),
                    on: fk
                        .referenced_columns
                        .iter()
                        .cloned()
                        .zip(fk.columns.iter().cloned())
                        .collect(),
                }],
            });
        }
    }
    out
}

/// The subject's table in the catalogue, or the nearest name in the error.
fn subject_table<'c>(catalog: &'c Catalog, start: &Start) -> Result<&'c Table, DiscoverError> {
    crate::dataset::find_table(catalog, &start.subject).ok_or_else(|| {
        DiscoverError::NoSuchTable(
            display(&start.subject),
            vow_policy::diagnostic::nearest(
                &start.subject.name,
                catalog.tables.iter().map(|t| t.name.name.as_str()),
            )
            .map(str::to_owned),
        )
    })
}

/// The draft dataset.
pub fn draft(
    catalog: &Catalog,
    start: &Start,
    own_parents: &[&ForeignKey],
) -> Result<Dataset, DiscoverError> {
    let subject = subject_table(catalog, start)?;
    if subject.primary_key.is_empty() {
        return Err(DiscoverError::NoPrimaryKey(display(&subject.name)));
    }
    for (kind, column) in start.identity.columns() {
        if subject.column(column).is_none() {
            return Err(DiscoverError::NoSuchColumn {
                table: display(&subject.name),
                column: column.to_owned(),
                kind: match kind {
                    crate::dataset::IdentityKind::Email => "e-mail address",
                    crate::dataset::IdentityKind::Phone => "phone number",
                    crate::dataset::IdentityKind::AccountId => "account id",
                },
                columns: subject
                    .columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let tables = reach(catalog, subject, own_parents)
        .into_iter()
        .filter_map(|r| {
            let table = catalog.table(&r.table)?;
            Some(describe(table, r.path, r.table == subject.name))
        })
        .collect();
    Ok(Dataset {
        vow_dataset: FORMAT_VERSION,
        id: start.id.clone(),
        name: None,
        description: Some(format!(
            "Draft by `vow dataset discover` from the {} catalogue: review every category and erasure before use.",
            match catalog.engine {
                crate::catalog::Engine::Postgres => "PostgreSQL",
                crate::catalog::Engine::Mysql => "MariaDB/MySQL",
                crate::catalog::Engine::Sqlite => "SQLite",
            }
        )),
        connection: start.connection.clone(),
        subject: SubjectSpec {
            table: display(&subject.name),
            key: subject.primary_key.clone(),
            identity: start.identity.clone(),
        },
        holds: Vec::new(),
        tables,
    })
}

/// A table's entry: columns guessed, the keys that link rows left out.
fn describe(table: &Table, path: Vec<Hop>, is_subject: bool) -> TableSpec {
    let keys: HashSet<&str> = table
        .primary_key
        .iter()
        .chain(table.foreign_keys.iter().flat_map(|fk| fk.columns.iter()))
        .map(String::as_str)
        .collect();
    let mut columns = BTreeMap::new();
    for column in &table.columns {
        if let Some(guess) = guess::column(column) {
            columns.insert(
                column.name.clone(),
                ColumnSpec {
                    category: Some(
                        CategoryKey::parse(guess.category)
                            .expect("guessed categories are valid keys"),
                    ),
                    erase: None,
                    secret: guess.secret,
                },
            );
        } else if !is_subject && !keys.contains(column.name.as_str()) && !bookkeeping(&column.name)
        {
            // What the person did: the rental's date, the payment's amount.
            columns.insert(
                column.name.clone(),
                ColumnSpec {
                    category: Some(
                        CategoryKey::parse(guess::activity(&table.name.name))
                            .expect("activity categories are valid keys"),
                    ),
                    erase: None,
                    secret: false,
                },
            );
        }
    }
    TableSpec {
        table: display(&table.name),
        path,
        erase: RowErasure::Delete,
        hold: None,
        retention: retention_column(table),
        columns,
    }
}

/// Columns that say when a row was written, not anything about a person.
fn bookkeeping(name: &str) -> bool {
    matches!(
        name.to_lowercase().as_str(),
        "last_update" | "updated_at" | "modified_at" | "last_modified" | "version"
    )
}

/// The column retention most likely counts from: a date named for the
/// row's event (`rental_date`, `created_at`), else the last update.
fn retention_column(table: &Table) -> Option<String> {
    let dated = || {
        table
            .columns
            .iter()
            .filter(|c| matches!(c.kind, ColumnKind::Date | ColumnKind::Timestamp))
    };
    dated()
        .find(|c| {
            let n = c.name.to_lowercase();
            (n.ends_with("date") || n.starts_with("created") || n.ends_with("_at"))
                && !bookkeeping(&n)
        })
        .or_else(|| dated().find(|c| bookkeeping(&c.name)))
        .map(|c| c.name.clone())
}

/// `schema.table`, leaving out PostgreSQL's default `public`.
pub fn display(name: &TableName) -> String {
    match name.schema.as_deref() {
        None | Some("public") => name.name.clone(),
        Some(schema) => format!("{schema}.{}", name.name),
    }
}

/// Discovery against a live database: reads its catalogue, asks the data
/// which of the subject's referenced rows are each person's own, and
/// drafts the dataset.
pub async fn run(db: &crate::Database, start: &Start) -> Result<Dataset, RunError> {
    let catalog = crate::catalog::read(db).await?;
    let subject = subject_table(&catalog, start)?;
    let mut own = Vec::new();
    for fk in parent_candidates(&catalog, subject) {
        if owned_alone(db, subject, fk).await? {
            own.push(fk);
        }
    }
    Ok(draft(&catalog, start, &own)?)
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error("reading `{table}` to see whether its rows are shared: {source}")]
    Query {
        table: String,
        #[source]
        source: sqlx::Error,
    },
}

/// Whether no two of the subject's rows reference the same row through
/// `fk` (an address is one person's; a store is everyone's).
async fn owned_alone(
    db: &crate::Database,
    subject: &Table,
    fk: &ForeignKey,
) -> Result<bool, RunError> {
    let e = db.engine();
    let columns: Vec<String> = fk.columns.iter().map(|c| e.quote(c)).collect();
    let not_null: Vec<String> = columns.iter().map(|c| format!("{c} IS NOT NULL")).collect();
    // Identifiers quoted per engine; no value from outside is spliced in.
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT {cols} FROM {table} WHERE {not_null} GROUP BY {cols} HAVING COUNT(*) > 1) shared",
        cols = columns.join(", "),
        table = e.quote_table(&subject.name),
        not_null = not_null.join(" AND "),
    );
    let shared: i64 = match db {
        crate::Database::Postgres(pool) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
                .fetch_one(pool)
                .await
        }
        crate::Database::Mysql(pool) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
                .fetch_one(pool)
                .await
        }
        crate::Database::Sqlite(pool) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
                .fetch_one(pool)
                .await
        }
    }
    .map_err(|source| RunError::Query {
        table: display(&subject.name),
        source,
    })?;
    Ok(shared == 0)
}
