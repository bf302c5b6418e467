//! Erasure: in one transaction per database, the person's rows are
//! resolved by key, cycles are broken, every table is changed in an order
//! its foreign keys allow (deleted, anonymised, or kept under a hold and
//! detached), and a verification pass reads again what is left and proves
//! that nothing personal remains but what is held, and why.

use std::collections::HashMap;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::Database;
use crate::dataset::{ColumnErasure, Dataset, RowErasure};
use crate::exec::Tx;
use crate::plan::{Plan, PlanError, SqlValue};

/// What was (or, in a dry run, would be) done to one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableOutcome {
    pub table: String,
    /// `delete`, `anonymise` or `keep`.
    pub action: RowErasure,
    /// The person's rows found here.
    pub rows: u64,
    /// Rows the statement changed (0 in a dry run).
    pub changed: u64,
    /// The columns changed in kept rows, and how.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The hold the rows are kept under, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<HeldRows>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldRows {
    pub hold: String,
    pub reason: String,
}

/// The erasure's report: per table in the order applied, then what the
/// verification found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Erasure {
    pub dry_run: bool,
    pub subjects: usize,
    pub tables: Vec<TableOutcome>,
    /// Empty when verification passed; each entry says what is still there.
    pub leftovers: Vec<String>,
}

impl Erasure {
    pub fn verified(&self) -> bool {
        !self.dry_run && self.leftovers.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The caller's step before the commit failed: nothing was changed.
    #[error("{0}; nothing was changed")]
    Interrupted(String),
    #[error("{step} on `{table}`: {source}")]
    Database {
        step: &'static str,
        table: String,
        #[source]
        source: sqlx::Error,
    },
}

/// The keyed hash of a value, as erasure writes it (hex, truncated to fit).
pub fn keyed_hash(key: &[u8], value: &str, max_length: Option<u32>) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(value.as_bytes());
    let mut text = hex::encode(mac.finalize().into_bytes());
    if let Some(n) = max_length {
        text.truncate(n as usize);
    }
    text
}

/// Erases the subjects with these keys (in the subject table's key
/// order). With `dry_run`, counts and rolls back: nothing changes.
pub async fn run(
    db: &Database,
    dataset: &Dataset,
    plan: &Plan,
    subjects: &[Vec<SqlValue>],
    hash_key: &[u8],
    dry_run: bool,
) -> Result<Erasure, EraseError> {
    run_then(
        db,
        dataset,
        plan,
        subjects,
        hash_key,
        dry_run,
        &|_| {},
        async |_| Ok(()),
    )
    .await
}

/// [`run`], calling `on_table` with each table's name once its statement
/// has run (a progress bar), and `before_commit` with the verified report
/// just before the transaction commits: the request runner saves it there,
/// so that a crash after the commit still knows what the erasure did. An
/// error from it rolls the erasure back.
#[allow(clippy::too_many_arguments)]
pub async fn run_then(
    db: &Database,
    dataset: &Dataset,
    plan: &Plan,
    subjects: &[Vec<SqlValue>],
    hash_key: &[u8],
    dry_run: bool,
    on_table: &(dyn Fn(&str) + Sync),
    before_commit: impl AsyncFnOnce(&Erasure) -> Result<(), String>,
) -> Result<Erasure, EraseError> {
    let failed = |step: &'static str, table: &str| {
        let table = table.to_owned();
        move |source| EraseError::Database {
            step,
            table,
            source,
        }
    };
    let name = |i: usize| dataset.tables[plan.tables[i].spec].table.clone();
    let mut tx = db
        .begin()
        .await
        .map_err(failed("beginning the transaction", &dataset.subject.table))?;
    // 1. Resolve: every table's rows of the people, before anything
    // changes, with the old values erasure hashes or must prove changed.
    let mut keys = Vec::with_capacity(plan.tables.len());
    let mut before: HashMap<usize, Before> = HashMap::new();
    let mut hashes: Vec<HashMap<String, Vec<SqlValue>>> = vec![HashMap::new(); plan.tables.len()];
    for (i, table) in plan.tables.iter().enumerate() {
        if subjects.is_empty() {
            keys.push(Vec::new());
            continue;
        }
        let watched: Vec<(String, ColumnErasure)> = table
            .changes
            .iter()
            .filter(|(_, erase)| must_change(erase))
            .cloned()
            .collect();
        let columns: Vec<String> = watched.iter().map(|(c, _)| c.clone()).collect();
        let rows = tx
            .fetch(&plan.resolve(i, &columns, subjects))
            .await
            .map_err(failed("finding the rows", &name(i)))?;
        let width = table.key.len();
        keys.push(rows.iter().map(|r| r[..width].to_vec()).collect());
        if watched.is_empty() || rows.is_empty() {
            continue;
        }
        for (n, (column, erase)) in watched.iter().enumerate() {
            if *erase != ColumnErasure::Hash {
                continue;
            }
            let max = table.table().column(column).and_then(|c| c.max_length);
            // In key order, as the keys: the statement pairs each key with its hash.
            let values = rows
                .iter()
                .map(|row| match &row[width + n] {
                    SqlValue::Null => SqlValue::Null,
                    SqlValue::Text(t) => SqlValue::Text(keyed_hash(hash_key, t, max)),
                    other => SqlValue::Text(keyed_hash(hash_key, &format!("{other:?}"), max)),
                })
                .collect();
            hashes[i].insert(column.clone(), values);
        }
        before.insert(
            i,
            Before {
                columns: watched,
                rows,
            },
        );
    }
    let mut outcomes: Vec<TableOutcome> = plan
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| TableOutcome {
            table: name(i),
            action: t.erase,
            rows: keys[i].len() as u64,
            changed: 0,
            columns: t.changes.iter().map(|(c, _)| c.clone()).collect(),
            hold: t
                .hold
                .as_ref()
                .and_then(|h| dataset.hold(h))
                .map(|h| HeldRows {
                    hold: h.id.clone(),
                    reason: h.reason.clone(),
                }),
        })
        .collect();
    if dry_run {
        tx.rollback()
            .await
            .map_err(failed("rolling back the dry run", &dataset.subject.table))?;
        return Ok(Erasure {
            dry_run: true,
            subjects: subjects.len(),
            tables: outcomes,
            leftovers: Vec::new(),
        });
    }
    // 2. Break cycles, then change every table in order.
    for n in 0..plan.detach_first.len() {
        let i = plan.detach_first[n].0;
        if let Some(statement) = plan.detach(n, &keys[i]) {
            tx.execute(&statement)
                .await
                .map_err(failed("detaching a cycle", &name(i)))?;
        }
    }
    for i in 0..plan.tables.len() {
        if let Some(statement) = plan.erase(i, &keys[i], &hashes[i])? {
            outcomes[i].changed = tx
                .execute(&statement)
                .await
                .map_err(failed("erasing", &name(i)))?;
        }
        on_table(&name(i));
        // Crash tests die here, between tables, with the transaction open.
        crate::fault::point("erase.after_table");
    }
    // 3. Verify, inside the transaction: a failure rolls everything back.
    let leftovers = verify(&mut tx, plan, dataset, subjects, &keys, &before).await?;
    let erasure = Erasure {
        dry_run: false,
        subjects: subjects.len(),
        tables: outcomes,
        leftovers,
    };
    if erasure.leftovers.is_empty() {
        if let Err(why) = before_commit(&erasure).await {
            tx.rollback()
                .await
                .map_err(failed("rolling back", &dataset.subject.table))?;
            return Err(EraseError::Interrupted(why));
        }
        tx.commit()
            .await
            .map_err(failed("committing", &dataset.subject.table))?;
    } else {
        tx.rollback()
            .await
            .map_err(failed("rolling back", &dataset.subject.table))?;
    }
    Ok(erasure)
}

/// The old values of the columns erasure must change in a table's kept
/// rows: each row is its key, then one value per column.
struct Before {
    columns: Vec<(String, ColumnErasure)>,
    rows: Vec<Vec<SqlValue>>,
}

/// Whether erasure must prove that a column no longer holds its old value:
/// a value set or generalised may legitimately stay as it was.
fn must_change(erase: &ColumnErasure) -> bool {
    !matches!(erase, ColumnErasure::Set(_) | ColumnErasure::Generalise(_))
}

/// What is left of the people: deleted rows must be gone; kept rows must
/// no longer be reachable from the person unless held (one query counts
/// both for every table); no changed column may still hold its old value.
async fn verify(
    tx: &mut Tx,
    plan: &Plan,
    dataset: &Dataset,
    subjects: &[Vec<SqlValue>],
    keys: &[Vec<Vec<SqlValue>>],
    before: &HashMap<usize, Before>,
) -> Result<Vec<String>, EraseError> {
    let name = |i: usize| &dataset.tables[plan.tables[i].spec].table;
    let failed = |i: usize| {
        let table = name(i).clone();
        move |source| EraseError::Database {
            step: "verifying",
            table,
            source,
        }
    };
    let mut leftovers = Vec::new();
    let left: Vec<(usize, Option<&[Vec<SqlValue>]>)> = plan
        .tables
        .iter()
        .enumerate()
        .filter(|(i, _)| !keys[*i].is_empty())
        .filter_map(|(i, table)| match table.erase {
            RowErasure::Delete => Some((i, Some(keys[i].as_slice()))),
            RowErasure::Anonymise | RowErasure::Keep if table.hold.is_none() => Some((i, None)),
            RowErasure::Anonymise | RowErasure::Keep => None,
        })
        .collect();
    if let Some(&(first, _)) = left.first() {
        let counts = tx
            .fetch(&plan.count_left(&left, subjects))
            .await
            .map_err(failed(first))?;
        let counts = counts.first().map(Vec::as_slice).unwrap_or_default();
        for ((i, by_key), count) in left.iter().zip(counts) {
            let (name, n) = (
                name(*i),
                match count {
                    SqlValue::Int(n) => *n,
                    _ => 0,
                },
            );
            if n == 0 {
                continue;
            }
            leftovers.push(match by_key {
                Some(keys) => format!(
                    "{n} of the person's {} rows in `{name}` are still there",
                    keys.len()
                ),
                None => format!("{n} rows in `{name}` still lead to the person"),
            });
        }
    }
    let mut changed: Vec<(&usize, &Before)> = before.iter().collect();
    changed.sort_by_key(|(i, _)| **i);
    for (&i, old) in changed {
        let columns: Vec<String> = old.columns.iter().map(|(c, _)| c.clone()).collect();
        let now = tx
            .fetch(&plan.select_by_key(i, &columns, &keys[i]))
            .await
            .map_err(failed(i))?;
        let width = plan.tables[i].key.len();
        for (was, is) in old.rows.iter().zip(&now) {
            for (n, (column, _)) in old.columns.iter().enumerate() {
                let (was, is) = (&was[width + n], &is[width + n]);
                // NULL already is no personal value.
                if was == is && *was != SqlValue::Null {
                    leftovers.push(format!(
                        "`{}.{column}` still holds the person's value in a kept row",
                        name(i)
                    ));
                }
            }
        }
    }
    leftovers.sort();
    leftovers.dedup();
    Ok(leftovers)
}
