//! Access: every row the dataset says is a person's, read in one
//! transaction (a consistent snapshot), one query per table.

use serde::{Deserialize, Serialize};

use crate::Database;
use crate::dataset::{Dataset, IdentityKind};
use crate::plan::{Plan, SqlValue};

/// A person's rows in one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRows {
    /// As the dataset names it.
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
}

/// What one database holds about the people found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Found {
    /// The subjects' keys in their table (none: nobody matched).
    pub subjects: Vec<Vec<SqlValue>>,
    /// Per table, in the dataset's order.
    pub tables: Vec<TableRows>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error("reading `{table}`: {source}")]
    Query {
        table: String,
        #[source]
        source: sqlx::Error,
    },
}

impl Serialize for SqlValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SqlValue::Null => s.serialize_none(),
            SqlValue::Int(i) => s.serialize_i64(*i),
            SqlValue::Float(f) => s.serialize_f64(*f),
            SqlValue::Bool(b) => s.serialize_bool(*b),
            SqlValue::Text(t) => s.serialize_str(t),
        }
    }
}

/// Read back as written: JSON null, integers, other numbers, booleans, strings.
impl<'de> Deserialize<'de> for SqlValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SqlValue, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Null => SqlValue::Null,
            serde_json::Value::Bool(b) => SqlValue::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => SqlValue::Int(i),
                None => SqlValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(t) => SqlValue::Text(t),
            other => SqlValue::Text(other.to_string()),
        })
    }
}

/// Finds the people named by `kind` = `values`, then reads their rows in
/// every table of the dataset, inside one read transaction.
pub async fn collect(
    db: &Database,
    dataset: &Dataset,
    plan: &Plan,
    kind: IdentityKind,
    values: &[SqlValue],
) -> Result<Found, AccessError> {
    collect_each(db, dataset, plan, kind, values, &|_| {}).await
}

/// [`collect`], calling `on_table` with each table's name once its rows
/// are read (a progress bar).
pub async fn collect_each(
    db: &Database,
    dataset: &Dataset,
    plan: &Plan,
    kind: IdentityKind,
    values: &[SqlValue],
    on_table: &(dyn Fn(&str) + Sync),
) -> Result<Found, AccessError> {
    let query = |table: &str| {
        let table = table.to_owned();
        move |source| AccessError::Query { table, source }
    };
    let mut tx = db.begin().await.map_err(query(&dataset.subject.table))?;
    // The people, and with them their rows in their own table when the
    // dataset lists it: one query less.
    let own = plan.subject_table();
    let (subjects, mut own_rows) = match own {
        Some(_) => {
            let rows = tx
                .fetch(&plan.find_subject_rows(dataset, kind, values)?)
                .await
                .map_err(query(&dataset.subject.table))?;
            let key = plan.subject_key_columns();
            let subjects = rows
                .iter()
                .map(|row| key.iter().map(|&k| row[k].clone()).collect())
                .collect();
            (subjects, Some(rows))
        }
        None => {
            let find = plan.find_subjects(dataset, kind, values)?;
            let subjects = tx
                .fetch(&find)
                .await
                .map_err(query(&dataset.subject.table))?;
            (subjects, None)
        }
    };
    let mut tables = Vec::with_capacity(plan.tables.len());
    for (i, table) in plan.tables.iter().enumerate() {
        let name = &dataset.tables[table.spec].table;
        let rows = if Some(i) == own {
            own_rows.take().unwrap_or_default()
        } else if subjects.is_empty() {
            Vec::new()
        } else {
            tx.fetch(&plan.select_rows(i, &subjects))
                .await
                .map_err(query(name))?
        };
        on_table(name);
        tables.push((
            table.spec,
            TableRows {
                table: name.clone(),
                columns: table
                    .table()
                    .columns
                    .iter()
                    .map(|c| c.name.clone())
                    .collect(),
                rows,
            },
        ));
    }
    // A read-only transaction: nothing to keep.
    tx.rollback().await.map_err(query(&dataset.subject.table))?;
    tables.sort_by_key(|(spec, _)| *spec);
    Ok(Found {
        subjects,
        tables: tables.into_iter().map(|(_, t)| t).collect(),
    })
}
