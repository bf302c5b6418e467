//! Running the planner's statements on any of the three engines, inside
//! one transaction per database, with the values read back the same way
//! everywhere ([`Read`]).

use sqlx::{Row, ValueRef};

use crate::Database;
use crate::plan::{Bind, Read, SqlValue, Statement};

/// A transaction on one connected database.
pub enum Tx {
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    Mysql(sqlx::Transaction<'static, sqlx::MySql>),
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
}

impl Database {
    /// Begins a transaction (on SQLite, taking the write lock at once, so
    /// that it never fails half-way to upgrade a read lock).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Database::Postgres(pool) => Tx::Postgres(pool.begin().await?),
            Database::Mysql(pool) => Tx::Mysql(pool.begin().await?),
            Database::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
        })
    }
}

macro_rules! bind_values {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            let Bind::Value(value) = bind else {
                unreachable!("the planner binds arrays on PostgreSQL only")
            };
            query = match value {
                SqlValue::Null => query.bind(None::<String>),
                SqlValue::Int(i) => query.bind(*i),
                SqlValue::Float(f) => query.bind(*f),
                SqlValue::Bool(b) => query.bind(*b),
                SqlValue::Text(t) => query.bind(t.as_str()),
            };
        }
        query
    }};
}

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// PostgreSQL takes arrays too: integers, floats or booleans when every
/// value that is not NULL is one (a column's values are of one type), text
/// otherwise, which the statement casts to the column's type.
fn bind_postgres<'q>(mut query: PgQuery<'q>, binds: &'q [Bind]) -> PgQuery<'q> {
    for bind in binds {
        query = match bind {
            Bind::Value(SqlValue::Null) => query.bind(None::<String>),
            Bind::Value(SqlValue::Int(i)) => query.bind(*i),
            Bind::Value(SqlValue::Float(f)) => query.bind(*f),
            Bind::Value(SqlValue::Bool(b)) => query.bind(*b),
            Bind::Value(SqlValue::Text(t)) => query.bind(t.as_str()),
            Bind::Array(values) => {
                if let Some(ints) = all_of(values, |v| match v {
                    SqlValue::Int(i) => Some(*i),
                    _ => None,
                }) {
                    query.bind(ints)
                } else if let Some(floats) = all_of(values, |v| match v {
                    SqlValue::Float(f) => Some(*f),
                    _ => None,
                }) {
                    query.bind(floats)
                } else if let Some(bools) = all_of(values, |v| match v {
                    SqlValue::Bool(b) => Some(*b),
                    _ => None,
                }) {
                    query.bind(bools)
                } else {
                    query.bind(values.iter().map(as_text).collect::<Vec<_>>())
                }
            }
        };
    }
    query
}

/// The values as `T`s (NULL as `None`) when each one that is not NULL is
/// one, and at least one is.
fn all_of<T>(values: &[SqlValue], get: impl Fn(&SqlValue) -> Option<T>) -> Option<Vec<Option<T>>> {
    let mut any = false;
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        if *v == SqlValue::Null {
            out.push(None);
        } else {
            out.push(Some(get(v)?));
            any = true;
        }
    }
    any.then_some(out)
}

/// A value as PostgreSQL reads it from text.
fn as_text(value: &SqlValue) -> Option<String> {
    match value {
        SqlValue::Null => None,
        SqlValue::Int(i) => Some(i.to_string()),
        SqlValue::Float(f) => Some(f.to_string()),
        SqlValue::Bool(b) => Some(b.to_string()),
        SqlValue::Text(t) => Some(t.clone()),
    }
}

macro_rules! read_row {
    ($row:expr, $reads:expr) => {{
        let row = $row;
        let mut values = Vec::with_capacity($reads.len());
        for (i, read) in $reads.iter().enumerate() {
            let null = row.try_get_raw(i)?.is_null();
            values.push(if null {
                SqlValue::Null
            } else {
                match read {
                    Read::Int => SqlValue::Int(row.try_get::<i64, _>(i)?),
                    Read::Float => SqlValue::Float(row.try_get::<f64, _>(i)?),
                    Read::Bool => SqlValue::Bool(read_bool!(row, i)),
                    Read::Text => SqlValue::Text(row.try_get::<String, _>(i)?),
                }
            });
        }
        values
    }};
}

macro_rules! read_bool {
    ($row:expr, $i:expr) => {
        match $row.try_get::<bool, _>($i) {
            Ok(b) => b,
            Err(_) => $row.try_get::<i64, _>($i)? != 0,
        }
    };
}

impl Tx {
    /// The rows of a query, each value read as the statement says.
    pub async fn fetch(
        &mut self,
        statement: &Statement,
    ) -> Result<Vec<Vec<SqlValue>>, sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(statement.sql.as_str());
        let mut out = Vec::new();
        match self {
            Tx::Postgres(tx) => {
                for row in bind_postgres(sqlx::query(sql), &statement.binds)
                    .fetch_all(&mut **tx)
                    .await?
                {
                    out.push(read_row!(&row, statement.reads));
                }
            }
            Tx::Mysql(tx) => {
                for row in bind_values!(sqlx::query(sql), &statement.binds)
                    .fetch_all(&mut **tx)
                    .await?
                {
                    out.push(read_row!(&row, statement.reads));
                }
            }
            Tx::Sqlite(tx) => {
                for row in bind_values!(sqlx::query(sql), &statement.binds)
                    .fetch_all(&mut **tx)
                    .await?
                {
                    out.push(read_row!(&row, statement.reads));
                }
            }
        }
        Ok(out)
    }

    /// Runs a change; the number of rows it touched.
    pub async fn execute(&mut self, statement: &Statement) -> Result<u64, sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(statement.sql.as_str());
        Ok(match self {
            Tx::Postgres(tx) => bind_postgres(sqlx::query(sql), &statement.binds)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Mysql(tx) => bind_values!(sqlx::query(sql), &statement.binds)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Sqlite(tx) => bind_values!(sqlx::query(sql), &statement.binds)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        })
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Postgres(tx) => tx.commit().await,
            Tx::Mysql(tx) => tx.commit().await,
            Tx::Sqlite(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Postgres(tx) => tx.rollback().await,
            Tx::Mysql(tx) => tx.rollback().await,
            Tx::Sqlite(tx) => tx.rollback().await,
        }
    }
}
