//! `vow dataset check`: a dataset file, then the dataset against the
//! policy (categories) and against the database's catalogue (tables,
//! columns, joins, erasure that the foreign keys allow). Every finding
//! at once, each located in the file.

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use serde_json::Value;
use vow_policy::diagnostic::{CodeInfo, Diagnostic, Report, Severity, SourceFile, nearest};
use vow_policy::source::escape;
use vow_policy::{CategoryKey, Policy};

use super::{ColumnErasure, Dataset, FORMAT_VERSION, RowErasure, table_name};
use crate::catalog::{Catalog, ColumnKind, ReferentialAction, Table, TableName};
use crate::guess;

macro_rules! codes {
    ($($ident:ident = $code:literal, $name:literal, $severity:ident, $summary:literal;)*) => {
        $(pub const $ident: CodeInfo = CodeInfo {
            code: $code,
            name: $name,
            severity: Severity::$severity,
            summary: $summary,
        };)*
        /// Every dataset check code, in order.
        pub const CODES: &[CodeInfo] = &[$($ident),*];
    };
}

codes! {
    UNSUPPORTED_VERSION = "D001", "unsupported-version", Error, "The `vow_dataset:` format version is not one this build reads.";
    DUPLICATE_TABLE = "D002", "duplicate-table", Error, "A table is described twice.";
    BAD_PATH = "D003", "bad-path", Error, "A table's path does not end at the subject's table, or the subject's table has a path.";
    UNKNOWN_HOLD = "D004", "unknown-hold", Error, "A table is kept under a hold that `holds` does not declare, or kept under none.";
    CONNECTION = "D005", "connection", Error, "The connection names neither an environment variable nor a secrets file, or both.";
    UNKNOWN_CATEGORY = "D006", "unknown-category", Error, "A column's category is not declared in the policy (nor below a declared one).";
    UNKNOWN_TABLE = "D007", "unknown-table", Error, "The database has no table of that name.";
    UNKNOWN_COLUMN = "D008", "unknown-column", Error, "The table has no column of that name.";
    NOT_NULLABLE = "D009", "not-nullable", Error, "Erasure would set NULL in a column declared NOT NULL.";
    BLOCKED_DELETE = "D010", "blocked-delete", Error, "Rows to delete are referenced by rows the dataset keeps, through a foreign key that forbids it.";
    BAD_RETENTION = "D011", "bad-retention", Error, "The retention column does not hold a date or a time.";
    BAD_ERASURE = "D012", "bad-erasure", Error, "A column's erasure does not fit its type (a year of a text, a prefix of a number).";
    UNANNOTATED = "D101", "unannotated-column", Warning, "A column that looks personal is not described: review it, and list it (with `{}` if it is not personal).";
    UNLISTED_TABLE = "D102", "unlisted-table", Warning, "A table holds rows that reference a person's rows, but the dataset does not list it.";
    CASCADE_INTO_KEPT = "D103", "cascade-into-kept", Warning, "Deleting rows cascades into rows the dataset means to keep.";
}

/// The JSON Schema (2020-12) of a dataset file.
pub fn json_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema =
            serde_json::to_value(schemars::schema_for!(Dataset)).expect("the schema serialises");
        if let Some(obj) = schema.as_object_mut() {
            obj.insert(
                "$id".into(),
                Value::String("https://vow.dev/schema/dataset-v1.json".into()),
            );
        }
        schema
    })
}

/// The schema as pretty-printed JSON, as committed in `schema/dataset.schema.json`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(json_schema()).expect("the schema serialises");
    text.push('\n');
    text
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(json_schema())
            .expect("the generated schema is a valid JSON Schema")
    })
}

/// Reads a dataset file (`name` in messages): its structure, then what can
/// be checked without the database or the policy. On failure the report
/// holds every error found.
pub fn parse(name: &str, text: &str) -> Result<(Dataset, SourceFile), Box<Report>> {
    let source = SourceFile::new(name, text);
    let dataset: Dataset = match vow_policy::check::check_document(
        &source,
        validator(),
        json_schema(),
        "the dataset",
        "vow dataset schema",
    ) {
        Ok(dataset) => dataset,
        Err(diagnostics) => return Err(Box::new(Report::new(source, diagnostics))),
    };
    let diagnostics = check_shape(&dataset);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Box::new(Report::new(source, diagnostics)));
    }
    Ok((dataset, source))
}

fn check_shape(dataset: &Dataset) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if dataset.vow_dataset != FORMAT_VERSION {
        out.push(
            Diagnostic::error(
                &UNSUPPORTED_VERSION,
                "/vow_dataset",
                format!(
                    "this build of vow reads dataset format {FORMAT_VERSION}, not {}",
                    dataset.vow_dataset
                ),
            )
            .with_help(format!(
                "write `vow_dataset: {FORMAT_VERSION}`, or upgrade vow"
            )),
        );
    }
    let c = &dataset.connection;
    if c.url_env.is_some() == c.secrets_file.is_some() {
        out.push(
            Diagnostic::error(
                &CONNECTION,
                "/connection",
                "the connection must name exactly one of `url_env` and `secrets_file`",
            )
            .with_help("`url_env: CRM_DATABASE_URL` reads the URL from that variable; the URL itself never goes in the file"),
        );
    }
    let subject = dataset.subject_table();
    let mut seen = HashSet::new();
    let mut subject_listed = false;
    for (i, table) in dataset.tables.iter().enumerate() {
        let at = format!("/tables/{i}");
        let name = table_name(&table.table);
        if !seen.insert(name.clone()) {
            out.push(
                Diagnostic::error(
                    &DUPLICATE_TABLE,
                    format!("{at}/table"),
                    format!("`{}` is described twice", table.table),
                )
                .with_help("merge the two entries"),
            );
        }
        if name == subject {
            subject_listed = true;
            if !table.path.is_empty() {
                out.push(
                    Diagnostic::error(
                        &BAD_PATH,
                        format!("{at}/path"),
                        "the subject's table has no path: its rows are the people",
                    )
                    .with_help("remove `path`"),
                );
            }
        } else if table.path.is_empty() {
            out.push(
                Diagnostic::error(&BAD_PATH, format!("{at}/table"), format!("`{}` has no path to the subject's table `{}`", table.table, dataset.subject.table))
                    .with_help("add `path: [{ table: <subject table>, on: { <column here>: <its column> } }]`, or run `vow dataset discover` for a draft"),
            );
        } else if let Some(last) = table.path.last()
            && table_name(&last.table) != subject
        {
            out.push(
                Diagnostic::error(
                    &BAD_PATH,
                    format!("{at}/path/{}/table", table.path.len() - 1),
                    format!(
                        "the path ends at `{}`, not at the subject's table `{}`",
                        last.table, dataset.subject.table
                    ),
                )
                .with_help("add the joins that lead on to the subject's table"),
            );
        }
        for (h, hop) in table.path.iter().enumerate() {
            if hop.on.is_empty() {
                out.push(
                    Diagnostic::error(&BAD_PATH, format!("{at}/path/{h}/on"), "a join needs at least one pair of columns")
                        .with_help("`on: { customer_id: customer_id }`: this table's column, then the joined table's"),
                );
            }
        }
        match (&table.erase, &table.hold) {
            (RowErasure::Keep, None) => out.push(
                Diagnostic::error(&UNKNOWN_HOLD, format!("{at}/erase"), format!("`{}` is kept, but under no hold", table.table))
                    .with_help("name the reason: `hold: <one of holds>`; the erasure report tells the person why"),
            ),
            (_, Some(hold)) if dataset.hold(hold).is_none() => {
                let mut d = Diagnostic::error(&UNKNOWN_HOLD, format!("{at}/hold"), format!("no hold `{hold}` is declared"));
                d = match nearest(hold, dataset.holds.iter().map(|h| h.id.as_str())) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help("declare it under `holds:` with its reason and retention"),
                };
                out.push(d);
            }
            _ => {}
        }
    }
    if !subject_listed {
        out.push(
            Diagnostic::error(
                &BAD_PATH,
                "/subject/table",
                format!(
                    "the subject's table `{}` is not among `tables`",
                    dataset.subject.table
                ),
            )
            .with_help("list it first, with its columns and what erasure does to it"),
        );
    }
    out
}

/// The dataset against the policy (`policy`) and the database (`catalog`),
/// either of which may be absent. Errors and warnings, in file order.
pub fn check_against(
    dataset: &Dataset,
    policy: Option<&Policy>,
    catalog: Option<&Catalog>,
) -> Vec<Diagnostic> {
    let mut out = check_shape(dataset);
    if let Some(policy) = policy {
        categories(dataset, policy, &mut out);
    }
    if let Some(catalog) = catalog {
        database(dataset, catalog, &mut out);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.code.cmp(b.code)));
    out
}

fn categories(dataset: &Dataset, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let declared: Vec<&CategoryKey> = policy.categories.iter().map(|c| &c.id).collect();
    for (i, table) in dataset.tables.iter().enumerate() {
        for (name, column) in &table.columns {
            let Some(category) = &column.category else {
                continue;
            };
            if declared
                .iter()
                .any(|d| category == *d || category.is_within(d))
            {
                continue;
            }
            let mut d = Diagnostic::error(
                &UNKNOWN_CATEGORY,
                format!("/tables/{i}/columns/{}/category", escape(name)),
                format!("the policy declares no category `{category}` (nor one it belongs to)"),
            );
            d = match nearest(category.as_str(), declared.iter().map(|c| c.as_str())) {
                Some(near) => d.with_help(format!("did you mean `{near}`? Otherwise declare it in the policy's `categories`")),
                None => d.with_help("declare it in the policy's `categories`: a request must be able to say what it is"),
            };
            out.push(d);
        }
    }
}

/// The catalogue's table for a dataset name: exact, or by name alone in
/// any schema (`public` first).
pub fn find_table<'c>(catalog: &'c Catalog, name: &TableName) -> Option<&'c Table> {
    if name.schema.is_some() {
        return catalog.table(name);
    }
    let mut candidates = catalog.tables.iter().filter(|t| t.name.name == name.name);
    let first = candidates.next()?;
    if first.name.schema.as_deref() == Some("public") {
        return Some(first);
    }
    Some(
        candidates
            .find(|t| t.name.schema.as_deref() == Some("public"))
            .unwrap_or(first),
    )
}

fn database(dataset: &Dataset, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let names = || catalog.tables.iter().map(|t| t.name.name.as_str());
    let unknown_table = |path: String, name: &str| {
        let d = Diagnostic::error(
            &UNKNOWN_TABLE,
            path,
            format!("the database has no table `{name}`"),
        );
        match nearest(name, names()) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None => {
                d.with_help("`vow dataset discover` lists the tables that hold a person's rows")
            }
        }
    };
    let unknown_column = |path: String, table: &Table, column: &str| {
        let d = Diagnostic::error(
            &UNKNOWN_COLUMN,
            path,
            format!("`{}` has no column `{column}`", table.name.name),
        );
        match nearest(column, table.columns.iter().map(|c| c.name.as_str())) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None => d.with_help(format!(
                "its columns: {}",
                table
                    .columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    };
    let subject = find_table(catalog, &dataset.subject_table());
    match subject {
        None => out.push(unknown_table(
            "/subject/table".into(),
            &dataset.subject.table,
        )),
        Some(subject) => {
            for (k, key) in dataset.subject.key.iter().enumerate() {
                if subject.column(key).is_none() {
                    out.push(unknown_column(format!("/subject/key/{k}"), subject, key));
                }
            }
            for (kind, column) in dataset.subject.identity.columns() {
                if subject.column(column).is_none() {
                    let kind = serde_json::to_value(kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    out.push(unknown_column(
                        format!("/subject/identity/{kind}"),
                        subject,
                        column,
                    ));
                }
            }
        }
    }
    // Which catalogue table each dataset entry is.
    let resolved: Vec<Option<&Table>> = dataset
        .tables
        .iter()
        .map(|t| find_table(catalog, &table_name(&t.table)))
        .collect();
    for (i, (spec, table)) in dataset.tables.iter().zip(&resolved).enumerate() {
        let at = format!("/tables/{i}");
        let Some(table) = table else {
            out.push(unknown_table(format!("{at}/table"), &spec.table));
            continue;
        };
        // The path: each join's columns exist on both sides.
        let mut current = *table;
        for (h, hop) in spec.path.iter().enumerate() {
            let Some(next) = find_table(catalog, &table_name(&hop.table)) else {
                out.push(unknown_table(format!("{at}/path/{h}/table"), &hop.table));
                break;
            };
            for (here, there) in &hop.on {
                if current.column(here).is_none() {
                    out.push(unknown_column(
                        format!("{at}/path/{h}/on/{}", escape(here)),
                        current,
                        here,
                    ));
                }
                if next.column(there).is_none() {
                    out.push(unknown_column(
                        format!("{at}/path/{h}/on/{}", escape(here)),
                        next,
                        there,
                    ));
                }
            }
            current = next;
        }
        if let Some(retention) = &spec.retention {
            match table.column(retention) {
                None => out.push(unknown_column(format!("{at}/retention"), table, retention)),
                Some(c) if !matches!(c.kind, ColumnKind::Date | ColumnKind::Timestamp) => out.push(
                    Diagnostic::error(
                        &BAD_RETENTION,
                        format!("{at}/retention"),
                        format!(
                            "`{}.{retention}` is {}, not a date or a time",
                            table.name.name, c.data_type
                        ),
                    )
                    .with_help("name the column that says when the row was made or last used"),
                ),
                Some(_) => {}
            }
        }
        for (name, column) in &spec.columns {
            let path = format!("{at}/columns/{}", escape(name));
            let Some(c) = table.column(name) else {
                out.push(unknown_column(path, table, name).on_key());
                continue;
            };
            let rows_stay = spec.erase != RowErasure::Delete;
            match &column.erase {
                Some(ColumnErasure::Null) if !c.nullable && rows_stay => out.push(
                    Diagnostic::error(
                        &NOT_NULLABLE,
                        format!("{path}/erase"),
                        format!(
                            "`{}.{name}` is NOT NULL: it cannot be erased to NULL",
                            table.name.name
                        ),
                    )
                    .with_help("use `mask` (a value of the same shape) or `set:` a placeholder"),
                ),
                Some(ColumnErasure::Generalise(g)) => {
                    use super::Generalisation::*;
                    let fits = match g {
                        Year | Month => matches!(c.kind, ColumnKind::Date | ColumnKind::Timestamp),
                        Prefix(_) => c.kind == ColumnKind::Text,
                        Round(_) => matches!(
                            c.kind,
                            ColumnKind::Integer | ColumnKind::Decimal | ColumnKind::Float
                        ),
                    };
                    if !fits {
                        out.push(
                            Diagnostic::error(
                                &BAD_ERASURE,
                                format!("{path}/erase"),
                                format!("`{}.{name}` is {}: it cannot be generalised that way", table.name.name, c.data_type),
                            )
                            .with_help("years and months generalise dates, prefixes texts, rounding numbers"),
                        );
                    }
                }
                _ => {}
            }
        }
        // Personal-looking columns nobody described.
        for c in &table.columns {
            if spec.columns.contains_key(&c.name) {
                continue;
            }
            if let Some(guess) = guess::column(c) {
                out.push(
                    Diagnostic::error(
                        &UNANNOTATED,
                        format!("{at}/table"),
                        format!("`{}.{}` looks like {} but is not described", table.name.name, c.name, guess.category),
                    )
                    .with_help(format!("add `{}: {{ category: {} }}` under `columns`, or `{}: {{}}` if it is not personal", c.name, guess.category, c.name)),
                );
            }
        }
    }
    // Tables that reference a listed table but are not listed themselves,
    // and deletes that the foreign keys would refuse or cascade.
    let listed: BTreeSet<&TableName> = resolved.iter().flatten().map(|t| &t.name).collect();
    for other in &catalog.tables {
        for fk in &other.foreign_keys {
            let Some(target) = resolved
                .iter()
                .position(|t| t.is_some_and(|t| t.name == fk.references))
            else {
                continue;
            };
            let target_spec = &dataset.tables[target];
            let referencing = resolved
                .iter()
                .position(|t| t.is_some_and(|t| t.name == other.name));
            if referencing.is_none() && !listed.contains(&other.name) {
                if fk.references == dataset_subject_name(dataset, catalog) {
                    out.push(
                        Diagnostic::error(
                            &UNLISTED_TABLE,
                            "/tables",
                            format!(
                                "`{}` references `{}` ({} → {}) but is not in the dataset",
                                other.name.name,
                                fk.references.name,
                                fk.columns.join(", "),
                                fk.referenced_columns.join(", ")
                            ),
                        )
                        .with_help(
                            "list it with its path, or run `vow dataset discover` for a draft",
                        ),
                    );
                }
                continue;
            }
            if target_spec.erase != RowErasure::Delete {
                continue;
            }
            // The referencing rows stay (or are unlisted) while the ones they
            // point at go: only fine if the key is detached first.
            let stays = match referencing {
                None => true,
                Some(r) => dataset.tables[r].erase != RowErasure::Delete,
            };
            if !stays {
                continue;
            }
            let detached = referencing.is_some_and(|r| {
                fk.columns.iter().all(|c| {
                    matches!(
                        dataset.tables[r]
                            .columns
                            .get(c)
                            .and_then(|s| s.erase.as_ref()),
                        Some(ColumnErasure::Null | ColumnErasure::Set(_))
                    )
                })
            });
            if detached {
                continue;
            }
            let at = match referencing {
                Some(r) => format!("/tables/{r}/table"),
                None => format!("/tables/{target}/erase"),
            };
            match fk.on_delete {
                ReferentialAction::Cascade => out.push(
                    Diagnostic::error(
                        &CASCADE_INTO_KEPT,
                        at,
                        format!("deleting from `{}` cascades into `{}`, which the dataset keeps", fk.references.name, other.name.name),
                    )
                    .with_help(format!("detach `{}.{}` with `erase: set_null` or `set:`, or delete those rows too", other.name.name, fk.columns.join(", "))),
                ),
                ReferentialAction::SetNull | ReferentialAction::SetDefault => {}
                ReferentialAction::Restrict | ReferentialAction::NoAction => out.push(
                    Diagnostic::error(
                        &BLOCKED_DELETE,
                        at,
                        format!(
                            "`{}` rows are deleted, but `{}` keeps rows that reference them ({} → {}, ON DELETE {})",
                            fk.references.name,
                            other.name.name,
                            fk.columns.join(", "),
                            fk.referenced_columns.join(", "),
                            match fk.on_delete { ReferentialAction::Restrict => "RESTRICT", _ => "NO ACTION" }
                        ),
                    )
                    .with_help(format!(
                        "detach them (`{}: {{ erase: set_null }}` or `{{ erase: {{ set: <placeholder id> }} }}`), delete them too, or anonymise `{}` instead of deleting it",
                        fk.columns.join(", "),
                        fk.references.name
                    )),
                ),
            }
        }
    }
}

fn dataset_subject_name(dataset: &Dataset, catalog: &Catalog) -> TableName {
    find_table(catalog, &dataset.subject_table())
        .map(|t| t.name.clone())
        .unwrap_or_else(|| dataset.subject_table())
}
