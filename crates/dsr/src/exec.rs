//! Running the planner's statements on any of the three engines, inside
//! one transaction per database, with the values read back the same way
//! everywhere ([`Read`]).

use sqlx::{Row, ValueRef};

use crate::Database;
use crate::plan::{Read, SqlValue, Statement};

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

macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for value in $binds {
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
                for row in bind_all!(sqlx::query(sql), &statement.binds)
                    .fetch_all(&mut **tx)
                    .await?
                {
                    out.push(read_row!(&row, statement.reads));
                }
            }
            Tx::Mysql(tx) => {
                for row in bind_all!(sqlx::query(sql), &statement.binds)
                    .fetch_all(&mut **tx)
                    .await?
                {
                    out.push(read_row!(&row, statement.reads));
                }
            }
            Tx::Sqlite(tx) => {
                for row in bind_all!(sqlx::query(sql), &statement.binds)
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
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), &statement.binds)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Mysql(tx) => bind_all!(sqlx::query(sql), &statement.binds)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql), &statement.binds)
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
