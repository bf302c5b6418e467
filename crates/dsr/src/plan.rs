//! The traversal planner: from a dataset and the database's catalogue, the
//! set-based statements a request runs — one per table, never one per row.
//!
//! A request works in two steps, inside one transaction per database:
//! 1. **resolve**: the person's rows in every table, by primary key
//!    (`SELECT key FROM t WHERE <reach>`), before anything changes — so the
//!    order of the changes cannot hide rows, and a dry run can count them;
//! 2. **apply**: per table, in an order the foreign keys allow (rows that
//!    reference others first), one `DELETE … WHERE key IN (…)` or
//!    `UPDATE … SET … WHERE key IN (…)` over the resolved keys.
//!
//! `<reach>` follows the table's path as nested `IN` subqueries (or
//! `EXISTS` for a join on several columns), ending at the subject's keys.
//!
//! On PostgreSQL a list of keys is one array per key column (`k = ANY($1)`,
//! `(a, b) IN (SELECT * FROM unnest($1, $2))`): a statement's text does
//! not depend on how many rows it names, so each is prepared once per
//! connection and planned once (the pool asks for generic plans), and a
//! batch of thousands of rows is planned as fast as one.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::catalog::{Catalog, Column, ColumnKind, Engine, ReferentialAction, Table, TableName};
use crate::dataset::{
    ColumnErasure, Dataset, EmailCase, Generalisation, IdentityKind, RowErasure, find_table,
    table_name,
};

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

/// What one placeholder takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Value(SqlValue),
    /// A list of values of one column as one array (PostgreSQL only): the
    /// statement's text does not grow with the rows it names, so the
    /// server parses and plans it once per connection, and a batch of
    /// thousands of keys costs one placeholder per key column.
    Array(Vec<SqlValue>),
}

/// A statement and what to bind to its placeholders, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: String,
    pub binds: Vec<Bind>,
    /// For a query: how to read each selected column.
    pub reads: Vec<Read>,
}

/// How a selected column comes back: the select list casts every column
/// to one of these, whatever the engine's own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Int,
    Float,
    Bool,
    Text,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    #[error(
        "the dataset names table `{0}`, which the database does not have; run `vow dataset check`"
    )]
    UnknownTable(String),
    #[error(
        "`{0}` has no primary key: vow resolves a person's rows by key before changing them; add a primary key (or a unique key declared as one)"
    )]
    NoPrimaryKey(String),
    #[error("the dataset has no `{0}` identity column; add it under `subject.identity`")]
    NoIdentity(&'static str),
    #[error(
        "the foreign keys between {0} form a cycle that no nullable key breaks; declare one of them `erase: set_null` or delete the rows by hand"
    )]
    Cycle(String),
    #[error("`{table}` has no column `{column}`")]
    UnknownColumn { table: String, column: String },
    #[error("`{table}.{column}` cannot be erased this way: {why}")]
    Erasure {
        table: String,
        column: String,
        why: String,
    },
}

/// One table of the plan.
#[derive(Debug, Clone)]
pub struct PlannedTable {
    /// Index in the dataset's `tables`.
    pub spec: usize,
    pub name: TableName,
    pub erase: RowErasure,
    pub hold: Option<String>,
    /// The primary key's columns.
    pub key: Vec<String>,
    /// Columns changed when the row is kept, and how.
    pub changes: Vec<(String, ColumnErasure)>,
    table: Table,
}

impl PlannedTable {
    pub fn table(&self) -> &Table {
        &self.table
    }
}

/// The statements of a dataset's requests.
#[derive(Debug, Clone)]
pub struct Plan {
    pub engine: Engine,
    /// In erasure order: rows that reference others first.
    pub tables: Vec<PlannedTable>,
    /// Before any erasure step: (table, columns) set to NULL in the
    /// person's rows, to break a cycle of foreign keys.
    pub detach_first: Vec<(usize, Vec<String>)>,
    subject: Table,
    subject_key: Vec<String>,
    paths: Vec<Vec<(Table, BTreeMap<String, String>)>>,
}

impl Plan {
    pub fn new(dataset: &Dataset, catalog: &Catalog) -> Result<Plan, PlanError> {
        let engine = catalog.engine;
        let subject = find_table(catalog, &dataset.subject_table())
            .ok_or_else(|| PlanError::UnknownTable(dataset.subject.table.clone()))?
            .clone();
        let mut tables = Vec::new();
        let mut paths = Vec::new();
        for (i, spec) in dataset.tables.iter().enumerate() {
            let table = find_table(catalog, &table_name(&spec.table))
                .ok_or_else(|| PlanError::UnknownTable(spec.table.clone()))?
                .clone();
            if table.primary_key.is_empty() {
                return Err(PlanError::NoPrimaryKey(spec.table.clone()));
            }
            let mut path = Vec::new();
            for hop in &spec.path {
                let next = find_table(catalog, &table_name(&hop.table))
                    .ok_or_else(|| PlanError::UnknownTable(hop.table.clone()))?;
                path.push((next.clone(), hop.on.clone()));
            }
            let changes = match spec.erase {
                RowErasure::Delete => Vec::new(),
                RowErasure::Anonymise | RowErasure::Keep => spec
                    .columns
                    .iter()
                    .filter_map(|(name, c)| {
                        let erase = match (&c.erase, &c.category, spec.erase) {
                            (Some(ColumnErasure::Keep), _, _) => return None,
                            (Some(e), _, _) => e.clone(),
                            // Kept rows keep their values unless told otherwise;
                            // anonymised rows lose every personal one.
                            (None, Some(_), RowErasure::Anonymise) => ColumnErasure::Mask,
                            (None, _, _) => return None,
                        };
                        Some((name.clone(), erase))
                    })
                    .collect(),
            };
            for (column, erase) in &changes {
                let c = table.column(column).ok_or_else(|| PlanError::Erasure {
                    table: spec.table.clone(),
                    column: column.clone(),
                    why: "the table has no such column".into(),
                })?;
                if matches!(erase, ColumnErasure::Null) && !c.nullable {
                    return Err(PlanError::Erasure {
                        table: spec.table.clone(),
                        column: column.clone(),
                        why: "it is NOT NULL".into(),
                    });
                }
            }
            tables.push(PlannedTable {
                spec: i,
                name: table.name.clone(),
                erase: spec.erase,
                hold: spec.hold.clone(),
                key: table.primary_key.clone(),
                changes,
                table,
            });
            paths.push(path);
        }
        let (order, cuts) = erasure_order(&tables, catalog)?;
        let mut ordered_paths = Vec::new();
        let mut ordered = Vec::new();
        for &i in &order {
            ordered.push(tables[i].clone());
            ordered_paths.push(paths[i].clone());
        }
        let position = |i: usize| {
            order
                .iter()
                .position(|&o| o == i)
                .expect("every table is ordered")
        };
        Ok(Plan {
            engine,
            detach_first: cuts
                .into_iter()
                .map(|(a, columns)| (position(a), columns))
                .collect(),
            tables: ordered,
            subject_key: dataset.subject.key.clone(),
            subject,
            paths: ordered_paths,
        })
    }

    /// The subjects' keys from what a request names them by.
    pub fn find_subjects(
        &self,
        dataset: &Dataset,
        kind: IdentityKind,
        values: &[SqlValue],
    ) -> Result<Statement, PlanError> {
        self.find(dataset, kind, values, &self.subject_key, false)
    }

    /// The plan's table that is the subjects' own (the dataset's entry
    /// with no path), if the dataset lists it.
    pub fn subject_table(&self) -> Option<usize> {
        (0..self.tables.len()).find(|&i| self.paths[i].is_empty())
    }

    /// The subjects' rows in their own table, every column as
    /// [`Plan::select_rows`] reads them, ordered by key, from what a
    /// request names them by: access finds the people and reads their
    /// first table in one query. The keys are at
    /// [`Plan::subject_key_columns`].
    pub fn find_subject_rows(
        &self,
        dataset: &Dataset,
        kind: IdentityKind,
        values: &[SqlValue],
    ) -> Result<Statement, PlanError> {
        let columns: Vec<String> = self
            .subject
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        self.find(dataset, kind, values, &columns, true)
    }

    /// Where the subject's key is among the columns of its table.
    pub fn subject_key_columns(&self) -> Vec<usize> {
        self.subject_key
            .iter()
            .filter_map(|k| self.subject.columns.iter().position(|c| c.name == *k))
            .collect()
    }

    fn find(
        &self,
        dataset: &Dataset,
        kind: IdentityKind,
        values: &[SqlValue],
        selected: &[String],
        ordered: bool,
    ) -> Result<Statement, PlanError> {
        let column = dataset
            .subject
            .identity
            .column(kind)
            .ok_or(PlanError::NoIdentity(match kind {
                IdentityKind::Email => "email",
                IdentityKind::Phone => "phone",
                IdentityKind::AccountId => "account_id",
            }))?;
        let mut sql = Sql::new(self.engine);
        sql.push("SELECT ");
        sql.select_list(&self.subject, selected);
        sql.push(" FROM ");
        sql.push(&self.engine.quote_table(&self.subject.name));
        sql.push(" WHERE ");
        // An e-mail address matches whatever its case. Both sides are
        // lowered by the database, so that they are lowered alike; the
        // column only when it may hold capitals, so that an ordinary index
        // on it serves the lookup when it holds none.
        let (lower_column, lower_value) = match (kind, dataset.subject.identity.email_case) {
            (IdentityKind::Email, EmailCase::AsEntered) => (true, true),
            (IdentityKind::Email, EmailCase::Lower) => (false, true),
            _ => (false, false),
        };
        let quoted = self.engine.quote(column);
        sql.push(&if lower_column {
            format!("LOWER({quoted})")
        } else {
            quoted
        });
        sql.push(" IN (");
        let typed = self.subject.column(column);
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            if lower_value {
                sql.push("LOWER(");
                sql.bind_typed(typed, value.clone());
                sql.push(")");
            } else {
                sql.bind_typed(typed, value.clone());
            }
        }
        if values.is_empty() {
            sql.push("NULL");
        }
        sql.push(")");
        if ordered {
            sql.order_by_key(&self.subject, &self.subject_key);
        }
        Ok(sql.finish())
    }

    /// The keys of the subjects' rows in the `i`th table of the plan.
    pub fn select_keys(&self, i: usize, subject_keys: &[Vec<SqlValue>]) -> Statement {
        let table = &self.tables[i];
        let mut sql = Sql::new(self.engine);
        sql.push("SELECT ");
        sql.select_list(&table.table, &table.key);
        sql.push(" FROM ");
        sql.push(&self.engine.quote_table(&table.name));
        sql.push(" WHERE ");
        self.reach(&mut sql, i, subject_keys);
        sql.finish()
    }

    /// What erasure resolves in the `i`th table before changing anything:
    /// the keys of the subjects' rows, then `columns` (the old values it
    /// hashes or must prove changed), ordered by key.
    pub fn resolve(
        &self,
        i: usize,
        columns: &[String],
        subject_keys: &[Vec<SqlValue>],
    ) -> Statement {
        let table = &self.tables[i];
        let mut selected = table.key.clone();
        selected.extend(columns.iter().cloned());
        let mut sql = Sql::new(self.engine);
        sql.push("SELECT ");
        sql.select_list(&table.table, &selected);
        sql.push(" FROM ");
        sql.push(&self.engine.quote_table(&table.name));
        sql.push(" WHERE ");
        self.reach(&mut sql, i, subject_keys);
        if !columns.is_empty() {
            sql.order_by_key(&table.table, &table.key);
        }
        sql.finish()
    }

    /// One query, one row: per `(table, keys)` of `left`, how many rows
    /// erasure should have removed from the person are still there — with
    /// `Some(keys)`, the rows with those keys (a table whose rows are
    /// deleted); with `None`, the rows that still lead to the subjects (a
    /// table whose rows are kept, detached).
    pub fn count_left(
        &self,
        left: &[(usize, Option<&[Vec<SqlValue>]>)],
        subject_keys: &[Vec<SqlValue>],
    ) -> Statement {
        let mut sql = Sql::new(self.engine);
        sql.push("SELECT ");
        for (n, (i, keys)) in left.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            let table = &self.tables[*i];
            sql.push("(SELECT COUNT(*) FROM ");
            sql.push(&self.engine.quote_table(&table.name));
            sql.push(" WHERE ");
            match keys {
                Some(keys) => sql.key_in(&table.table, &table.key, keys),
                None => self.reach(&mut sql, *i, subject_keys),
            }
            sql.push(")");
            sql.reads.push(Read::Int);
        }
        sql.finish()
    }

    /// The subjects' rows in the `i`th table, every column (each as text,
    /// number or boolean: see [`Sql::select_list`]), for access and export.
    pub fn select_rows(&self, i: usize, subject_keys: &[Vec<SqlValue>]) -> Statement {
        let table = &self.tables[i];
        let columns: Vec<String> = table.table.columns.iter().map(|c| c.name.clone()).collect();
        let mut sql = Sql::new(self.engine);
        sql.push("SELECT ");
        sql.select_list(&table.table, &columns);
        sql.push(" FROM ");
        sql.push(&self.engine.quote_table(&table.name));
        sql.push(" WHERE ");
        self.reach(&mut sql, i, subject_keys);
        sql.order_by_key(&table.table, &table.key);
        sql.finish()
    }

    /// Some columns of the `i`th table's rows with these keys: the key
    /// first, then `columns`, ordered by key.
    pub fn select_by_key(
        &self,
        i: usize,
        columns: &[String],
        row_keys: &[Vec<SqlValue>],
    ) -> Statement {
        let table = &self.tables[i];
        let mut selected = table.key.clone();
        selected.extend(columns.iter().cloned());
        let mut sql = Sql::new(self.engine);
        sql.push("SELECT ");
        sql.select_list(&table.table, &selected);
        sql.push(" FROM ");
        sql.push(&self.engine.quote_table(&table.name));
        sql.push(" WHERE ");
        sql.key_in(&table.table, &table.key, row_keys);
        sql.order_by_key(&table.table, &table.key);
        sql.finish()
    }

    /// The change an erasure makes to the `i`th table's rows with these
    /// keys; `None` when it makes none (kept rows, nothing to detach).
    /// `hashes` gives, per column erased to a keyed hash, each row's new
    /// value in key order (computed by the caller from the values).
    pub fn erase(
        &self,
        i: usize,
        row_keys: &[Vec<SqlValue>],
        hashes: &HashMap<String, Vec<SqlValue>>,
    ) -> Result<Option<Statement>, PlanError> {
        let table = &self.tables[i];
        if row_keys.is_empty() {
            return Ok(None);
        }
        let mut sql = Sql::new(self.engine);
        let quoted = self.engine.quote_table(&table.name);
        match table.erase {
            RowErasure::Delete => {
                sql.push("DELETE FROM ");
                sql.push(&quoted);
            }
            RowErasure::Anonymise | RowErasure::Keep => {
                if table.changes.is_empty() {
                    return Ok(None);
                }
                sql.push("UPDATE ");
                sql.push(&quoted);
                sql.push(" SET ");
                for (n, (column, erase)) in table.changes.iter().enumerate() {
                    if n > 0 {
                        sql.push(", ");
                    }
                    let c = table.table.column(column).expect("checked when planned");
                    sql.push(&self.engine.quote(column));
                    sql.push(" = ");
                    self.erased_value(&mut sql, table, c, erase, row_keys, hashes.get(column))?;
                }
            }
        }
        sql.push(" WHERE ");
        sql.key_in(&table.table, &table.key, row_keys);
        Ok(Some(sql.finish()))
    }

    /// The `n`th of `detach_first`, over the rows with these keys.
    pub fn detach(&self, n: usize, row_keys: &[Vec<SqlValue>]) -> Option<Statement> {
        let (i, columns) = &self.detach_first[n];
        let table = &self.tables[*i];
        if row_keys.is_empty() {
            return None;
        }
        let mut sql = Sql::new(self.engine);
        sql.push("UPDATE ");
        sql.push(&self.engine.quote_table(&table.name));
        sql.push(" SET ");
        let sets: Vec<String> = columns
            .iter()
            .map(|c| format!("{} = NULL", self.engine.quote(c)))
            .collect();
        sql.push(&sets.join(", "));
        sql.push(" WHERE ");
        sql.key_in(&table.table, &table.key, row_keys);
        Some(sql.finish())
    }

    /// Rectification: sets `changes` (column, new value) in the subjects'
    /// own rows, one statement for all of them; `None` when nobody was found.
    pub fn rectify(
        &self,
        changes: &[(String, SqlValue)],
        subject_keys: &[Vec<SqlValue>],
    ) -> Result<Option<Statement>, PlanError> {
        if subject_keys.is_empty() || changes.is_empty() {
            return Ok(None);
        }
        let mut sql = Sql::new(self.engine);
        sql.push("UPDATE ");
        sql.push(&self.engine.quote_table(&self.subject.name));
        sql.push(" SET ");
        for (n, (column, value)) in changes.iter().enumerate() {
            let c = self
                .subject
                .column(column)
                .ok_or_else(|| PlanError::UnknownColumn {
                    table: self.subject.name.name.clone(),
                    column: column.clone(),
                })?;
            if matches!(value, SqlValue::Null) && !c.nullable {
                return Err(PlanError::Erasure {
                    table: self.subject.name.name.clone(),
                    column: column.clone(),
                    why: "it is NOT NULL, so it cannot be emptied".into(),
                });
            }
            if n > 0 {
                sql.push(", ");
            }
            sql.push(&self.engine.quote(column));
            sql.push(" = ");
            sql.bind_typed(Some(c), value.clone());
        }
        sql.push(" WHERE ");
        sql.key_in(&self.subject, &self.subject_key, subject_keys);
        Ok(Some(sql.finish()))
    }

    /// The subjects' current values of `columns` in their own rows, key first.
    pub fn subject_values(
        &self,
        columns: &[String],
        subject_keys: &[Vec<SqlValue>],
    ) -> Result<Statement, PlanError> {
        let mut selected = self.subject_key.clone();
        for column in columns {
            if self.subject.column(column).is_none() {
                return Err(PlanError::UnknownColumn {
                    table: self.subject.name.name.clone(),
                    column: column.clone(),
                });
            }
            selected.push(column.clone());
        }
        let mut sql = Sql::new(self.engine);
        sql.push("SELECT ");
        sql.select_list(&self.subject, &selected);
        sql.push(" FROM ");
        sql.push(&self.engine.quote_table(&self.subject.name));
        sql.push(" WHERE ");
        sql.key_in(&self.subject, &self.subject_key, subject_keys);
        Ok(sql.finish())
    }

    fn erased_value(
        &self,
        sql: &mut Sql,
        table: &PlannedTable,
        c: &Column,
        erase: &ColumnErasure,
        row_keys: &[Vec<SqlValue>],
        hashes: Option<&Vec<SqlValue>>,
    ) -> Result<(), PlanError> {
        let e = self.engine;
        let col = e.quote(&c.name);
        let bad = |why: &str| PlanError::Erasure {
            table: table.name.name.clone(),
            column: c.name.clone(),
            why: why.to_owned(),
        };
        match erase {
            ColumnErasure::Keep => sql.push(&col),
            ColumnErasure::Null => sql.push("NULL"),
            ColumnErasure::Set(value) => {
                let v = match value {
                    serde_json::Value::Null => SqlValue::Null,
                    serde_json::Value::Bool(b) => SqlValue::Bool(*b),
                    serde_json::Value::Number(n) => match n.as_i64() {
                        Some(i) => SqlValue::Int(i),
                        None => SqlValue::Float(n.as_f64().unwrap_or(0.0)),
                    },
                    serde_json::Value::String(s) => SqlValue::Text(s.clone()),
                    other => SqlValue::Text(other.to_string()),
                };
                sql.bind_typed(Some(c), v);
            }
            ColumnErasure::Hash => {
                let hashes = hashes.ok_or_else(|| bad("no hashed values were computed"))?;
                if hashes.len() != row_keys.len() {
                    return Err(bad("one hashed value per row is needed"));
                }
                sql.push("CASE");
                for (key, hash) in row_keys.iter().zip(hashes) {
                    sql.push(" WHEN ");
                    sql.key_equals(&table.table, &table.key, key);
                    sql.push(" THEN ");
                    sql.bind_typed(Some(c), hash.clone());
                }
                sql.push(" END");
            }
            ColumnErasure::Mask => sql.push(
                &mask(e, c, &table.key)
                    .ok_or_else(|| bad("it has no maskable type; use `null` or `set:`"))?,
            ),
            ColumnErasure::Generalise(g) => sql.push(
                &generalise(e, c, *g)
                    .ok_or_else(|| bad("its type cannot be generalised that way"))?,
            ),
        }
        Ok(())
    }

    /// `<reach>` for the `i`th table: its rows that lead to these subjects.
    fn reach(&self, sql: &mut Sql, i: usize, subject_keys: &[Vec<SqlValue>]) {
        let table = &self.tables[i].table;
        self.reach_from(sql, table, &table.name, &self.paths[i], subject_keys);
    }

    fn reach_from(
        &self,
        sql: &mut Sql,
        table: &Table,
        alias: &TableName,
        path: &[(Table, BTreeMap<String, String>)],
        subject_keys: &[Vec<SqlValue>],
    ) {
        let e = self.engine;
        let qualified = |t: &TableName, c: &str| format!("{}.{}", e.quote_table(t), e.quote(c));
        let Some(((next, on), rest)) = path.split_first() else {
            // The subject's own table.
            sql.key_in_qualified(table, alias, &self.subject_key, subject_keys);
            return;
        };
        // The last join onto the subject's key: compare with the keys directly.
        if rest.is_empty()
            && on.len() == self.subject_key.len()
            && self.subject_key.iter().all(|k| on.values().any(|v| v == k))
        {
            let here: Vec<String> = self
                .subject_key
                .iter()
                .map(|k| {
                    on.iter()
                        .find(|(_, v)| *v == k)
                        .map(|(h, _)| h.clone())
                        .expect("matched above")
                })
                .collect();
            let typed: Vec<Option<&Column>> =
                self.subject_key.iter().map(|k| next.column(k)).collect();
            sql.tuple_in(
                &here.iter().map(|h| qualified(alias, h)).collect::<Vec<_>>(),
                &typed,
                subject_keys,
            );
            return;
        }
        if on.len() == 1 {
            let (here, there) = on.iter().next().expect("one pair");
            sql.push(&qualified(alias, here));
            sql.push(" IN (SELECT ");
            sql.push(&qualified(&next.name, there));
            sql.push(" FROM ");
            sql.push(&e.quote_table(&next.name));
            sql.push(" WHERE ");
            self.reach_from(sql, next, &next.name, rest, subject_keys);
            sql.push(")");
        } else {
            sql.push("EXISTS (SELECT 1 FROM ");
            sql.push(&e.quote_table(&next.name));
            sql.push(" WHERE ");
            for (here, there) in on {
                sql.push(&qualified(&next.name, there));
                sql.push(" = ");
                sql.push(&qualified(alias, here));
                sql.push(" AND ");
            }
            self.reach_from(sql, next, &next.name, rest, subject_keys);
            sql.push(")");
        }
    }
}

/// Columns of a table set to NULL to break a cycle: (table, columns).
type Cut = (usize, Vec<String>);

/// Rows that reference others are changed first: an order in which no
/// foreign key between the dataset's tables is broken, whatever its
/// `ON DELETE` rule. A cycle is broken at a nullable key, which is set to
/// NULL in the person's rows before anything else (the cuts returned).
fn erasure_order(
    tables: &[PlannedTable],
    catalog: &Catalog,
) -> Result<(Vec<usize>, Vec<Cut>), PlanError> {
    let index: HashMap<&TableName, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.name, i))
        .collect();
    // edges[a] holds b when a must go before b: a's rows reference b's, which are deleted.
    let mut edges: Vec<HashSet<usize>> = vec![HashSet::new(); tables.len()];
    // Where a cycle may be cut: the referencing columns, when nullable.
    let mut breakable: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for (a, t) in tables.iter().enumerate() {
        let Some(table) = catalog.table(&t.name) else {
            continue;
        };
        for fk in &table.foreign_keys {
            let Some(&b) = index.get(&fk.references) else {
                continue;
            };
            if a == b {
                continue; // a self-reference orders nothing between tables
            }
            // Only deletes of the referenced table need the referencing rows gone first.
            if tables[b].erase != RowErasure::Delete || fk.on_delete == ReferentialAction::Cascade {
                continue;
            }
            edges[a].insert(b);
            if fk
                .columns
                .iter()
                .all(|c| table.column(c).is_some_and(|c| c.nullable))
            {
                breakable.insert((a, b), fk.columns.clone());
            }
        }
    }
    // Kahn's algorithm, taking tables in dataset order among the ready ones.
    let mut order = Vec::with_capacity(tables.len());
    let mut cuts = Vec::new();
    let mut done = vec![false; tables.len()];
    while order.len() < tables.len() {
        let ready = (0..tables.len()).find(|&b| {
            !done[b] && (0..tables.len()).all(|a| done[a] || a == b || !edges[a].contains(&b))
        });
        match ready {
            Some(b) => {
                // Nothing left references b's rows: b goes now.
                done[b] = true;
                order.push(b);
            }
            None => {
                let left: Vec<usize> = (0..tables.len()).filter(|&i| !done[i]).collect();
                let cut = left.iter().find_map(|&a| {
                    edges[a]
                        .iter()
                        .find(|&&b| !done[b] && breakable.contains_key(&(a, b)))
                        .map(|&b| (a, b))
                });
                match cut {
                    Some((a, b)) => {
                        edges[a].remove(&b);
                        cuts.push((a, breakable[&(a, b)].clone()));
                    }
                    None => {
                        return Err(PlanError::Cycle(
                            left.iter()
                                .map(|&i| format!("`{}`", tables[i].name.name))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ));
                    }
                }
            }
        }
    }
    Ok((order, cuts))
}

/// A value of the same type and shape that says nothing about the person,
/// unique per row where the column may be unique (it embeds the row's key).
fn mask(e: Engine, c: &Column, key: &[String]) -> Option<String> {
    let col = e.quote(&c.name);
    // `'erased-'`, then the key's columns with dashes between them.
    let mut erased = vec!["'erased-'".to_owned()];
    for (i, k) in key.iter().enumerate() {
        if i > 0 {
            erased.push("'-'".to_owned());
        }
        erased.push(match e {
            Engine::Postgres => format!("CAST({} AS TEXT)", e.quote(k)),
            _ => e.quote(k),
        });
    }
    let concat = |parts: &[String]| match e {
        Engine::Mysql => format!("CONCAT({})", parts.join(", ")),
        _ => parts.join(" || "),
    };
    let fit = |text: String| match c.max_length {
        Some(n) => format!("SUBSTR({text}, 1, {n})"),
        None => text,
    };
    Some(match &c.kind {
        ColumnKind::Text => {
            let name = c.name.to_lowercase();
            if name.contains("mail") {
                let mut parts = erased;
                parts.push("'@invalid.example'".to_owned());
                fit(concat(&parts))
            } else if name.contains("phone") || name.contains("fax") || name.contains("mobile") {
                // Every digit zeroed: the shape stays, the number goes.
                let mut text = col.clone();
                for d in 1..=9 {
                    text = format!("REPLACE({text}, '{d}', '0')");
                }
                text
            } else {
                fit(concat(&erased))
            }
        }
        ColumnKind::Integer | ColumnKind::Decimal | ColumnKind::Float => "0".into(),
        ColumnKind::Boolean => match e {
            Engine::Postgres => "FALSE".into(),
            _ => "0".into(),
        },
        ColumnKind::Date => match e {
            Engine::Postgres => "DATE '1970-01-01'".into(),
            _ => "'1970-01-01'".into(),
        },
        ColumnKind::Timestamp => match e {
            Engine::Postgres => format!("CAST('1970-01-01 00:00:00+00' AS {})", c.data_type),
            _ => "'1970-01-01 00:00:00'".into(),
        },
        ColumnKind::Time => match e {
            Engine::Postgres => "TIME '00:00:00'".into(),
            _ => "'00:00:00'".into(),
        },
        ColumnKind::Binary => match e {
            Engine::Postgres => "'\\x'::bytea".into(),
            Engine::Mysql => "''".into(),
            Engine::Sqlite => "X''".into(),
        },
        ColumnKind::Json => match e {
            Engine::Postgres => format!("CAST('{{}}' AS {})", c.data_type),
            _ => "'{}'".into(),
        },
        ColumnKind::Uuid => "'00000000-0000-0000-0000-000000000000'".into(),
        ColumnKind::Enum(values) => {
            let first = values.first()?;
            let literal = format!("'{}'", first.replace('\'', "''"));
            match e {
                Engine::Postgres => format!("CAST({literal} AS {})", c.data_type),
                _ => literal,
            }
        }
        ColumnKind::Other => {
            if c.nullable {
                "NULL".into()
            } else {
                return None;
            }
        }
    })
}

fn generalise(e: Engine, c: &Column, g: Generalisation) -> Option<String> {
    let col = e.quote(&c.name);
    Some(match (g, &c.kind) {
        (
            Generalisation::Year | Generalisation::Month,
            ColumnKind::Date | ColumnKind::Timestamp,
        ) => {
            let unit = if g == Generalisation::Year {
                "year"
            } else {
                "month"
            };
            match e {
                Engine::Postgres => format!("CAST(date_trunc('{unit}', {col}) AS {})", c.data_type),
                Engine::Mysql => {
                    let day = if g == Generalisation::Year {
                        format!("MAKEDATE(YEAR({col}), 1)")
                    } else {
                        format!("DATE_FORMAT({col}, '%Y-%m-01')")
                    };
                    if c.kind == ColumnKind::Timestamp {
                        format!("TIMESTAMP({day})")
                    } else {
                        day
                    }
                }
                Engine::Sqlite => {
                    let pattern = if g == Generalisation::Year {
                        "%Y-01-01"
                    } else {
                        "%Y-%m-01"
                    };
                    if c.kind == ColumnKind::Timestamp {
                        format!("strftime('{pattern} 00:00:00', {col})")
                    } else {
                        format!("strftime('{pattern}', {col})")
                    }
                }
            }
        }
        (Generalisation::Prefix(n), ColumnKind::Text) => format!("SUBSTR({col}, 1, {n})"),
        (
            Generalisation::Round(n),
            ColumnKind::Integer | ColumnKind::Decimal | ColumnKind::Float,
        ) => {
            let scale = 10_i64.checked_pow(n)?;
            match e {
                Engine::Postgres => format!(
                    "CAST(ROUND(CAST({col} AS NUMERIC), -{n}) AS {})",
                    c.data_type
                ),
                Engine::Mysql => format!("ROUND({col}, -{n})"),
                Engine::Sqlite => format!("(ROUND({col} / {scale}.0) * {scale})"),
            }
        }
        _ => return None,
    })
}

/// A statement being written, with its binds.
pub struct Sql {
    engine: Engine,
    text: String,
    binds: Vec<Bind>,
    reads: Vec<Read>,
}

impl Sql {
    pub fn new(engine: Engine) -> Sql {
        Sql {
            engine,
            text: String::with_capacity(256),
            binds: Vec::new(),
            reads: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub fn finish(self) -> Statement {
        Statement {
            sql: self.text,
            binds: self.binds,
            reads: self.reads,
        }
    }

    /// A placeholder for `value`, cast on PostgreSQL to the column's type
    /// when the value travels as text (dates, decimals, enums, uuids).
    fn bind_typed(&mut self, column: Option<&Column>, value: SqlValue) {
        let text_for_typed = matches!(value, SqlValue::Text(_))
            && column.is_some_and(|c| !matches!(c.kind, ColumnKind::Text));
        self.binds.push(Bind::Value(value));
        match self.engine {
            Engine::Postgres => {
                let n = self.binds.len();
                match column {
                    Some(c) if text_for_typed => self
                        .text
                        .push_str(&format!("CAST(${n} AS {})", c.data_type)),
                    _ => self.text.push_str(&format!("${n}")),
                }
            }
            Engine::Mysql | Engine::Sqlite => self.text.push('?'),
        }
    }

    /// One array of a column's values (PostgreSQL), cast to an array of
    /// the column's type so that its index serves the comparison.
    fn bind_array(&mut self, column: Option<&Column>, values: Vec<SqlValue>) {
        self.binds.push(Bind::Array(values));
        let n = self.binds.len();
        match column {
            Some(c) => self
                .text
                .push_str(&format!("CAST(${n} AS {}[])", c.data_type)),
            None => self.text.push_str(&format!("${n}")),
        }
    }

    fn binds_list(&mut self, column: Option<&Column>, values: &[SqlValue]) {
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind_typed(column, v.clone());
        }
        if values.is_empty() {
            // `IN ()` is not SQL; `IN (NULL)` matches nothing.
            self.push("NULL");
        }
    }

    /// The columns, each cast to a type the executor reads the same way on
    /// every engine ([`Read`]): integers as 64-bit integers, floats as
    /// doubles, booleans as booleans (0/1 on MariaDB and SQLite), binary as
    /// hexadecimal text, everything else (decimals, dates, enums, uuids,
    /// JSON) as its text.
    pub fn select_list(&mut self, table: &Table, columns: &[String]) {
        let e = self.engine;
        for (i, name) in columns.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            let col = format!("{}.{}", e.quote_table(&table.name), e.quote(name));
            let kind = table
                .column(name)
                .map(|c| c.kind.clone())
                .unwrap_or(ColumnKind::Other);
            let (text, read) = match (&kind, e) {
                (ColumnKind::Integer, Engine::Postgres) => {
                    (format!("CAST({col} AS BIGINT)"), Read::Int)
                }
                (ColumnKind::Integer, Engine::Mysql) => {
                    (format!("CAST({col} AS SIGNED)"), Read::Int)
                }
                (ColumnKind::Integer, Engine::Sqlite) => {
                    (format!("CAST({col} AS INTEGER)"), Read::Int)
                }
                (ColumnKind::Float, Engine::Postgres) => {
                    (format!("CAST({col} AS DOUBLE PRECISION)"), Read::Float)
                }
                (ColumnKind::Float, Engine::Mysql) => {
                    (format!("CAST({col} AS DOUBLE)"), Read::Float)
                }
                (ColumnKind::Float, Engine::Sqlite) => {
                    (format!("CAST({col} AS REAL)"), Read::Float)
                }
                (ColumnKind::Boolean, Engine::Postgres) => (col, Read::Bool),
                (ColumnKind::Boolean, Engine::Mysql) => {
                    (format!("CAST({col} AS SIGNED)"), Read::Bool)
                }
                (ColumnKind::Boolean, Engine::Sqlite) => {
                    (format!("CAST({col} AS INTEGER)"), Read::Bool)
                }
                (ColumnKind::Binary, Engine::Postgres) => {
                    (format!("encode({col}, 'hex')"), Read::Text)
                }
                (ColumnKind::Binary, Engine::Mysql) => (format!("HEX({col})"), Read::Text),
                (ColumnKind::Binary, Engine::Sqlite) => (format!("hex({col})"), Read::Text),
                (_, Engine::Postgres) => (format!("CAST({col} AS TEXT)"), Read::Text),
                (_, Engine::Mysql) => (
                    format!("CAST({col} AS CHAR CHARACTER SET utf8mb4)"),
                    Read::Text,
                ),
                (_, Engine::Sqlite) => (format!("CAST({col} AS TEXT)"), Read::Text),
            };
            self.push(&text);
            self.reads.push(read);
        }
    }

    /// ` ORDER BY` the key's columns, qualified: the table's own columns,
    /// not the select list's casts, which carry the same names.
    fn order_by_key(&mut self, table: &Table, key: &[String]) {
        let e = self.engine;
        let order: Vec<String> = key
            .iter()
            .map(|k| format!("{}.{}", e.quote_table(&table.name), e.quote(k)))
            .collect();
        self.push(" ORDER BY ");
        self.push(&order.join(", "));
    }

    fn key_in(&mut self, table: &Table, key: &[String], rows: &[Vec<SqlValue>]) {
        let e = self.engine;
        let columns: Vec<String> = key.iter().map(|k| e.quote(k)).collect();
        let typed: Vec<Option<&Column>> = key.iter().map(|k| table.column(k)).collect();
        self.tuple_in(&columns, &typed, rows);
    }

    fn key_in_qualified(
        &mut self,
        table: &Table,
        alias: &TableName,
        key: &[String],
        rows: &[Vec<SqlValue>],
    ) {
        let e = self.engine;
        let columns: Vec<String> = key
            .iter()
            .map(|k| format!("{}.{}", e.quote_table(alias), e.quote(k)))
            .collect();
        let typed: Vec<Option<&Column>> = key.iter().map(|k| table.column(k)).collect();
        self.tuple_in(&columns, &typed, rows);
    }

    /// `c IN (…)` for one column, `(a, b) IN ((…), (…))` for several; on
    /// PostgreSQL `c = ANY($1)` and `(a, b) IN (SELECT * FROM unnest($1,
    /// $2))`, one array per column (a list of row values is planned as one
    /// OR branch per row, which takes seconds for a few thousand).
    fn tuple_in(&mut self, columns: &[String], typed: &[Option<&Column>], rows: &[Vec<SqlValue>]) {
        if self.engine == Engine::Postgres {
            let column = |j: usize| rows.iter().map(|r| r[j].clone()).collect::<Vec<_>>();
            if columns.len() == 1 {
                self.push(&columns[0]);
                self.push(" = ANY(");
                self.bind_array(typed[0], column(0));
                self.push(")");
                return;
            }
            self.push("(");
            self.push(&columns.join(", "));
            self.push(") IN (SELECT * FROM unnest(");
            for (j, typed) in typed.iter().enumerate() {
                if j > 0 {
                    self.push(", ");
                }
                self.bind_array(*typed, column(j));
            }
            self.push("))");
            return;
        }
        if columns.len() == 1 {
            self.push(&columns[0]);
            self.push(" IN (");
            let values: Vec<SqlValue> = rows.iter().map(|r| r[0].clone()).collect();
            self.binds_list(typed[0], &values);
            self.push(")");
            return;
        }
        self.push("(");
        self.push(&columns.join(", "));
        self.push(") IN (");
        if rows.is_empty() {
            self.push("SELECT ");
            self.push(&vec!["NULL"; columns.len()].join(", "));
            self.push(" WHERE 1 = 0");
        }
        if self.engine == Engine::Sqlite && !rows.is_empty() {
            // SQLite compares row values with a VALUES list, not a list of rows.
            self.push("VALUES ");
        }
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push("(");
            for (j, v) in row.iter().enumerate() {
                if j > 0 {
                    self.push(", ");
                }
                self.bind_typed(typed[j], v.clone());
            }
            self.push(")");
        }
        self.push(")");
    }

    fn key_equals(&mut self, table: &Table, key: &[String], row: &[SqlValue]) {
        let e = self.engine;
        for (j, (k, v)) in key.iter().zip(row).enumerate() {
            if j > 0 {
                self.push(" AND ");
            }
            self.push(&e.quote(k));
            self.push(" = ");
            self.bind_typed(table.column(k), v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ForeignKey, TableName};

    fn column(name: &str, kind: ColumnKind, nullable: bool) -> Column {
        Column {
            name: name.into(),
            data_type: match kind {
                ColumnKind::Integer => "integer",
                ColumnKind::Timestamp => "timestamp with time zone",
                ColumnKind::Date => "date",
                _ => "text",
            }
            .into(),
            kind,
            nullable,
            max_length: None,
            default: None,
            generated: false,
        }
    }

    fn name(n: &str) -> TableName {
        TableName {
            schema: Some("public".into()),
            name: n.into(),
        }
    }

    fn fk(
        columns: &[&str],
        to: &str,
        referenced: &[&str],
        on_delete: ReferentialAction,
    ) -> ForeignKey {
        ForeignKey {
            name: None,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            references: name(to),
            referenced_columns: referenced.iter().map(|c| c.to_string()).collect(),
            on_delete,
            on_update: ReferentialAction::NoAction,
        }
    }

    /// Pagila's shape, in small: customer, its address, its rentals, and
    /// payments that reference both the rental and the customer.
    fn catalog(engine: Engine) -> Catalog {
        use ColumnKind::*;
        let table = |n: &str, columns: Vec<Column>, key: &[&str], fks: Vec<ForeignKey>| Table {
            name: name(n),
            columns,
            primary_key: key.iter().map(|k| k.to_string()).collect(),
            foreign_keys: fks,
            partitioned: false,
            estimated_rows: None,
        };
        Catalog {
            engine,
            tables: vec![
                table(
                    "address",
                    vec![
                        column("address_id", Integer, false),
                        column("address", Text, false),
                        column("phone", Text, false),
                    ],
                    &["address_id"],
                    vec![],
                ),
                table(
                    "customer",
                    vec![
                        column("customer_id", Integer, false),
                        column("email", Text, true),
                        column("address_id", Integer, false),
                        column("create_date", Date, false),
                    ],
                    &["customer_id"],
                    vec![fk(
                        &["address_id"],
                        "address",
                        &["address_id"],
                        ReferentialAction::Restrict,
                    )],
                ),
                table(
                    "payment",
                    vec![
                        column("payment_id", Integer, false),
                        column("payment_date", Timestamp, false),
                        column("customer_id", Integer, false),
                        column("rental_id", Integer, false),
                    ],
                    &["payment_date", "payment_id"],
                    vec![
                        fk(
                            &["customer_id"],
                            "customer",
                            &["customer_id"],
                            ReferentialAction::Restrict,
                        ),
                        fk(
                            &["rental_id"],
                            "rental",
                            &["rental_id"],
                            ReferentialAction::SetNull,
                        ),
                    ],
                ),
                table(
                    "rental",
                    vec![
                        column("rental_id", Integer, false),
                        column("customer_id", Integer, false),
                        column("rental_date", Timestamp, false),
                    ],
                    &["rental_id"],
                    vec![fk(
                        &["customer_id"],
                        "customer",
                        &["customer_id"],
                        ReferentialAction::Restrict,
                    )],
                ),
            ],
        }
    }

    fn dataset() -> Dataset {
        let (dataset, _) = crate::dataset::parse(
            "rentals.yaml",
            r#"
vow_dataset: 1
id: rentals
connection: { url_env: RENTALS_URL }
subject: { table: customer, key: [customer_id], identity: { email: email, account_id: customer_id } }
holds:
  - { id: accounting, reason: Payments are kept for the tax authority., retention: 10 years }
tables:
  - table: customer
    erase: delete
    retention: create_date
    columns:
      email: { category: user.contact.email }
  - table: address
    path: [{ table: customer, on: { address_id: address_id } }]
    erase: delete
    columns:
      address: { category: user.contact.address.street }
      phone: { category: user.contact.phone_number }
  - table: rental
    path: [{ table: customer, on: { customer_id: customer_id } }]
    erase: delete
  - table: payment
    path: [{ table: rental, on: { rental_id: rental_id } }, { table: customer, on: { customer_id: customer_id } }]
    erase: keep
    hold: accounting
    columns:
      customer_id: { erase: { set: 1 } }
"#,
        )
        .unwrap_or_else(|report| panic!("{}", report.render(false)));
        dataset
    }

    fn order(plan: &Plan) -> Vec<&str> {
        plan.tables.iter().map(|t| t.name.name.as_str()).collect()
    }

    #[test]
    fn referencing_rows_go_first() {
        let plan = Plan::new(&dataset(), &catalog(Engine::Postgres)).unwrap();
        // Payments reference rentals and the customer; the customer references its address.
        assert_eq!(order(&plan), ["payment", "rental", "customer", "address"]);
    }

    #[test]
    fn reach_follows_the_path_as_nested_subqueries() {
        let plan = Plan::new(&dataset(), &catalog(Engine::Postgres)).unwrap();
        let keys = vec![vec![SqlValue::Int(5)], vec![SqlValue::Int(7)]];
        let payment = plan.select_keys(0, &keys);
        assert_eq!(
            payment.sql,
            r#"SELECT CAST("public"."payment"."payment_date" AS TEXT), CAST("public"."payment"."payment_id" AS BIGINT) FROM "public"."payment" WHERE "public"."payment"."rental_id" IN (SELECT "public"."rental"."rental_id" FROM "public"."rental" WHERE "public"."rental"."customer_id" = ANY(CAST($1 AS integer[])))"#
        );
        // One array, whatever the number of keys: the text stays the same.
        assert_eq!(payment.binds, vec![Bind::Array(keys.concat())]);
        assert_eq!(plan.select_keys(0, &keys[..1]).sql, payment.sql);
        let address = plan.select_keys(3, &keys);
        assert!(address.sql.ends_with(r#"WHERE "public"."address"."address_id" IN (SELECT "public"."customer"."address_id" FROM "public"."customer" WHERE "public"."customer"."customer_id" = ANY(CAST($1 AS integer[])))"#), "{}", address.sql);
    }

    #[test]
    fn e_mail_lookups_lower_the_column_only_when_it_may_hold_capitals() {
        let mut dataset = dataset();
        let plan = Plan::new(&dataset, &catalog(Engine::Postgres)).unwrap();
        let asked = [SqlValue::Text("Mary.Smith@Example.org".into())];
        let find = |dataset: &Dataset, kind| plan.find_subjects(dataset, kind, &asked).unwrap();
        let where_ = |s: Statement| s.sql.split(" WHERE ").nth(1).unwrap().to_owned();
        assert_eq!(
            where_(find(&dataset, IdentityKind::Email)),
            r#"LOWER("email") IN (LOWER($1))"#
        );
        dataset.subject.identity.email_case = EmailCase::Lower;
        assert_eq!(
            where_(find(&dataset, IdentityKind::Email)),
            r#""email" IN (LOWER($1))"#
        );
        dataset.subject.identity.email_case = EmailCase::Insensitive;
        assert_eq!(
            where_(find(&dataset, IdentityKind::Email)),
            r#""email" IN ($1)"#
        );
        // Other identities are compared as they are.
        let by_id = plan
            .find_subjects(&dataset, IdentityKind::AccountId, &[SqlValue::Int(7)])
            .unwrap();
        assert_eq!(where_(by_id), r#""customer_id" IN ($1)"#);
        // Access reads the subject's whole row with the lookup, by key order.
        let rows = plan
            .find_subject_rows(&dataset, IdentityKind::Email, &asked)
            .unwrap();
        assert_eq!(rows.reads.len(), 4);
        assert!(
            rows.sql
                .ends_with(r#" ORDER BY "public"."customer"."customer_id""#),
            "{}",
            rows.sql
        );
        assert_eq!(plan.subject_key_columns(), [0]);
        assert_eq!(order(&plan)[plan.subject_table().unwrap()], "customer");
    }

    #[test]
    fn what_is_left_is_counted_in_one_query() {
        for engine in [Engine::Postgres, Engine::Sqlite] {
            let plan = Plan::new(&dataset(), &catalog(engine)).unwrap();
            let rentals = vec![vec![SqlValue::Int(3)], vec![SqlValue::Int(4)]];
            let subjects = vec![vec![SqlValue::Int(5)]];
            // The rentals by key; the payments by what still leads to the customer.
            let count = plan.count_left(&[(1, Some(&rentals)), (0, None)], &subjects);
            let expected = match engine {
                Engine::Postgres => {
                    r#"SELECT (SELECT COUNT(*) FROM "public"."rental" WHERE "rental_id" = ANY(CAST($1 AS integer[]))), (SELECT COUNT(*) FROM "public"."payment" WHERE "public"."payment"."rental_id" IN (SELECT "public"."rental"."rental_id" FROM "public"."rental" WHERE "public"."rental"."customer_id" = ANY(CAST($2 AS integer[]))))"#
                }
                _ => {
                    r#"SELECT (SELECT COUNT(*) FROM "public"."rental" WHERE "rental_id" IN (?, ?)), (SELECT COUNT(*) FROM "public"."payment" WHERE "public"."payment"."rental_id" IN (SELECT "public"."rental"."rental_id" FROM "public"."rental" WHERE "public"."rental"."customer_id" IN (?)))"#
                }
            };
            assert_eq!(count.sql, expected);
            assert_eq!(count.reads, [Read::Int, Read::Int]);
        }
    }

    #[test]
    fn erasure_deletes_by_key_and_detaches_what_it_keeps() {
        for engine in [Engine::Postgres, Engine::Mysql, Engine::Sqlite] {
            let plan = Plan::new(&dataset(), &catalog(engine)).unwrap();
            let payments = vec![
                vec![
                    SqlValue::Text("2022-02-01 10:00:00+00".into()),
                    SqlValue::Int(16050),
                ],
                vec![
                    SqlValue::Text("2022-02-03 11:00:00+00".into()),
                    SqlValue::Int(16051),
                ],
            ];
            let update = plan.erase(0, &payments, &HashMap::new()).unwrap().unwrap();
            let expected = match engine {
                Engine::Postgres => {
                    r#"UPDATE "public"."payment" SET "customer_id" = $1 WHERE ("payment_date", "payment_id") IN (SELECT * FROM unnest(CAST($2 AS timestamp with time zone[]), CAST($3 AS integer[])))"#
                }
                Engine::Mysql => {
                    "UPDATE `public`.`payment` SET `customer_id` = ? WHERE (`payment_date`, `payment_id`) IN ((?, ?), (?, ?))"
                }
                Engine::Sqlite => {
                    r#"UPDATE "public"."payment" SET "customer_id" = ? WHERE ("payment_date", "payment_id") IN (VALUES (?, ?), (?, ?))"#
                }
            };
            assert_eq!(update.sql, expected);
            assert_eq!(update.binds[0], Bind::Value(SqlValue::Int(1)));
            let delete = plan
                .erase(1, &[vec![SqlValue::Int(3)]], &HashMap::new())
                .unwrap()
                .unwrap();
            assert!(delete.sql.starts_with("DELETE FROM "), "{}", delete.sql);
            // Nothing to do for no rows.
            assert_eq!(plan.erase(1, &[], &HashMap::new()).unwrap(), None);
        }
    }

    #[test]
    fn masks_keep_the_shape_and_every_type_has_one() {
        use ColumnKind::*;
        let key = vec!["id".to_owned()];
        for engine in [Engine::Postgres, Engine::Mysql, Engine::Sqlite] {
            for kind in [
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
                Enum(vec!["G".into(), "PG".into()]),
            ] {
                assert!(
                    mask(engine, &column("x", kind.clone(), false), &key).is_some(),
                    "{engine:?} {kind:?}"
                );
            }
            assert!(mask(engine, &column("x", Other, false), &key).is_none());
            let phone = mask(engine, &column("phone", Text, false), &key).unwrap();
            assert_eq!(phone.matches("REPLACE(").count(), 9, "{phone}");
            let email = mask(engine, &column("email", Text, true), &key).unwrap();
            assert!(
                email.contains("'@invalid.example'") && email.contains("id"),
                "{email}"
            );
        }
    }

    #[test]
    fn a_cycle_without_a_nullable_key_is_refused() {
        let mut catalog = catalog(Engine::Postgres);
        let address = catalog
            .tables
            .iter_mut()
            .find(|t| t.name.name == "address")
            .unwrap();
        address
            .columns
            .push(column("owner_id", ColumnKind::Integer, false));
        address.foreign_keys.push(fk(
            &["owner_id"],
            "customer",
            &["customer_id"],
            ReferentialAction::Restrict,
        ));
        assert!(matches!(
            Plan::new(&dataset(), &catalog),
            Err(PlanError::Cycle(_))
        ));
        // With the key nullable, the cycle is broken there: the address's
        // owner is set to NULL first, then the customer goes before its address.
        let address = catalog
            .tables
            .iter_mut()
            .find(|t| t.name.name == "address")
            .unwrap();
        address.columns.last_mut().unwrap().nullable = true;
        let plan = Plan::new(&dataset(), &catalog).unwrap();
        assert_eq!(order(&plan), ["payment", "rental", "customer", "address"]);
        let (table, columns) = &plan.detach_first[0];
        assert_eq!(
            (plan.tables[*table].name.name.as_str(), columns.as_slice()),
            ("address", &["owner_id".to_owned()][..])
        );
        let detach = plan.detach(0, &[vec![SqlValue::Int(9)]]).unwrap();
        assert_eq!(
            detach.sql,
            r#"UPDATE "public"."address" SET "owner_id" = NULL WHERE "address_id" = ANY(CAST($1 AS integer[]))"#
        );
    }
}
