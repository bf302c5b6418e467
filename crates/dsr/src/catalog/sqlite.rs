//! SQLite's catalogue (`pragma_table_list`, `pragma_table_xinfo`,
//! `pragma_foreign_key_list`) of the `main` database.
//!
//! Ordinary and virtual tables (a full-text index holds copies of what it
//! indexes); the shadow tables behind a virtual table, SQLite's own
//! `sqlite_*` tables and views are left out. SQLite keeps no row estimate
//! that is cheap and current, so `estimated_rows` is `None`.

use std::collections::HashMap;

use sqlx::SqlitePool;

use super::{
    Catalog, CatalogError, Column, ColumnKind, Engine, ForeignKey, ReferentialAction, Table,
    TableName,
};

const TABLES: &str = r"
SELECT name, wr FROM pragma_table_list
WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\_%' ESCAPE '\'";

/// `hidden`: 0 an ordinary column, 1 a virtual table's hidden column,
/// 2 a virtual generated column, 3 a stored one.
const COLUMNS: &str = r#"
SELECT name, type, "notnull", dflt_value, pk, hidden
FROM pragma_table_xinfo(?1) WHERE hidden <> 1 ORDER BY cid"#;

const FOREIGN_KEYS: &str = r#"
SELECT id, "table", "from", "to", on_update, on_delete
FROM pragma_foreign_key_list(?1) ORDER BY id, seq"#;

/// A foreign key as SQLite lists it: the parent as the key names it (any
/// case) and its columns, absent when the key refers to the parent's
/// primary key.
struct Declared {
    table: usize,
    parent: String,
    columns: Vec<String>,
    parent_columns: Vec<Option<String>>,
    on_delete: ReferentialAction,
    on_update: ReferentialAction,
}

pub(super) async fn read(pool: &SqlitePool) -> Result<Catalog, CatalogError> {
    let err = |what| CatalogError::query(Engine::Sqlite, what);
    // One read transaction: every pragma sees the same schema.
    let mut tx = pool.begin().await.map_err(err("a read transaction"))?;
    let tables: Vec<(String, bool)> = sqlx::query_as(TABLES)
        .fetch_all(&mut *tx)
        .await
        .map_err(err("tables"))?;

    let mut out = Vec::with_capacity(tables.len());
    let mut declared = Vec::new();
    for (name, without_rowid) in tables {
        let columns: Vec<(String, String, bool, Option<String>, i64, i64)> =
            sqlx::query_as(COLUMNS)
                .bind(&name)
                .fetch_all(&mut *tx)
                .await
                .map_err(err("columns"))?;
        let mut primary_key: Vec<(i64, String)> = columns
            .iter()
            .filter(|c| c.4 > 0)
            .map(|c| (c.4, c.0.clone()))
            .collect();
        primary_key.sort();
        // An `INTEGER PRIMARY KEY` is the rowid and a WITHOUT ROWID table's
        // key is NOT NULL, whatever the column says.
        let rowid_alias = primary_key.len() == 1
            && columns
                .iter()
                .any(|c| c.4 == 1 && c.1.eq_ignore_ascii_case("INTEGER"));
        let columns = columns
            .into_iter()
            .map(|(name, data_type, not_null, default, pk, hidden)| Column {
                kind: kind(&data_type),
                max_length: max_length(&data_type),
                nullable: !not_null && !(pk > 0 && (without_rowid || rowid_alias)),
                default,
                generated: hidden >= 2,
                name,
                data_type,
            })
            .collect();

        let keys: Vec<(i64, String, String, Option<String>, String, String)> =
            sqlx::query_as(FOREIGN_KEYS)
                .bind(&name)
                .fetch_all(&mut *tx)
                .await
                .map_err(err("foreign keys"))?;
        let mut last_id = None;
        for (id, parent, column, parent_column, on_update, on_delete) in keys {
            if last_id != Some(id) {
                last_id = Some(id);
                declared.push(Declared {
                    table: out.len(),
                    parent,
                    columns: Vec::new(),
                    parent_columns: Vec::new(),
                    on_delete: action(&on_delete),
                    on_update: action(&on_update),
                });
            }
            let fk = declared.last_mut().expect("pushed above");
            fk.columns.push(column);
            fk.parent_columns.push(parent_column);
        }

        out.push(Table {
            name: TableName { schema: None, name },
            columns,
            primary_key: primary_key.into_iter().map(|(_, c)| c).collect(),
            foreign_keys: Vec::new(),
            partitioned: false,
            estimated_rows: None,
        });
    }
    tx.commit()
        .await
        .map_err(err("the end of the transaction"))?;

    // SQLite matches table names without regard to ASCII case.
    let by_name: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.name.to_ascii_lowercase(), i))
        .collect();
    for fk in declared {
        let parent = by_name
            .get(&fk.parent.to_ascii_lowercase())
            .map(|&i| &out[i]);
        let referenced_columns = if fk.parent_columns.iter().all(Option::is_some) {
            fk.parent_columns.into_iter().flatten().collect()
        } else {
            // `REFERENCES parent` alone: the parent's primary key. A parent
            // that does not exist (SQLite allows it) has none.
            parent.map(|p| p.primary_key.clone()).unwrap_or_default()
        };
        let references = TableName {
            schema: None,
            name: parent.map_or(fk.parent, |p| p.name.name.clone()),
        };
        out[fk.table].foreign_keys.push(ForeignKey {
            name: None,
            columns: fk.columns,
            references,
            referenced_columns,
            on_delete: fk.on_delete,
            on_update: fk.on_update,
        });
    }
    Ok(Catalog {
        engine: Engine::Sqlite,
        tables: out,
    })
}

/// The kind of a column from its declared type. Names that say more than
/// SQLite's storage does come first (DATETIME, BOOLEAN, NUMERIC(10,2)),
/// then SQLite's own affinity rules (INT…, CHAR/CLOB/TEXT, BLOB, REAL/FLOA/DOUB).
pub(crate) fn kind(declared: &str) -> ColumnKind {
    let upper = declared.trim().to_ascii_uppercase();
    let name = upper.split('(').next().unwrap_or_default().trim();
    match name {
        "BOOLEAN" | "BOOL" => return ColumnKind::Boolean,
        "DATE" => return ColumnKind::Date,
        "DATETIME" | "TIMESTAMP" => return ColumnKind::Timestamp,
        "TIME" => return ColumnKind::Time,
        "DECIMAL" | "NUMERIC" | "MONEY" => return ColumnKind::Decimal,
        "JSON" | "JSONB" => return ColumnKind::Json,
        "UUID" | "GUID" | "UNIQUEIDENTIFIER" => return ColumnKind::Uuid,
        "" => return ColumnKind::Other,
        _ => {}
    }
    if name.contains("INT") {
        ColumnKind::Integer
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|s| name.contains(s)) {
        ColumnKind::Text
    } else if name.contains("BLOB") {
        ColumnKind::Binary
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|s| name.contains(s)) {
        ColumnKind::Float
    } else {
        // NUMERIC affinity, under a name that says nothing more.
        ColumnKind::Other
    }
}

/// The length a text type declares (`NVARCHAR(40)`), which SQLite keeps but
/// does not enforce.
fn max_length(declared: &str) -> Option<u32> {
    if kind(declared) != ColumnKind::Text {
        return None;
    }
    let (_, rest) = declared.split_once('(')?;
    let (n, _) = rest.split_once([')', ','])?;
    n.trim().parse().ok()
}

/// `on_delete` / `on_update` as `pragma_foreign_key_list` spells them.
fn action(rule: &str) -> ReferentialAction {
    match rule.to_ascii_uppercase().as_str() {
        "CASCADE" => ReferentialAction::Cascade,
        "SET NULL" => ReferentialAction::SetNull,
        "SET DEFAULT" => ReferentialAction::SetDefault,
        "RESTRICT" => ReferentialAction::Restrict,
        _ => ReferentialAction::NoAction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_declared_types() {
        let cases = [
            ("INTEGER", ColumnKind::Integer),
            ("INT", ColumnKind::Integer),
            ("UNSIGNED BIG INT", ColumnKind::Integer),
            ("tinyint", ColumnKind::Integer),
            ("NVARCHAR(40)", ColumnKind::Text),
            ("VARYING CHARACTER(255)", ColumnKind::Text),
            ("TEXT", ColumnKind::Text),
            ("CLOB", ColumnKind::Text),
            ("BLOB", ColumnKind::Binary),
            ("REAL", ColumnKind::Float),
            ("DOUBLE PRECISION", ColumnKind::Float),
            ("FLOAT", ColumnKind::Float),
            ("NUMERIC(10,2)", ColumnKind::Decimal),
            ("DECIMAL(5, 2)", ColumnKind::Decimal),
            ("DATETIME", ColumnKind::Timestamp),
            ("timestamp", ColumnKind::Timestamp),
            ("DATE", ColumnKind::Date),
            ("TIME", ColumnKind::Time),
            ("BOOLEAN", ColumnKind::Boolean),
            ("JSON", ColumnKind::Json),
            ("UUID", ColumnKind::Uuid),
            ("", ColumnKind::Other),
            ("STRING", ColumnKind::Other),
        ];
        for (declared, expected) in cases {
            assert_eq!(kind(declared), expected, "{declared:?}");
        }
    }

    #[test]
    fn reads_declared_text_lengths() {
        assert_eq!(max_length("NVARCHAR(40)"), Some(40));
        assert_eq!(max_length("VARCHAR( 12 )"), Some(12));
        assert_eq!(max_length("TEXT"), None);
        assert_eq!(max_length("NUMERIC(10,2)"), None);
        assert_eq!(max_length("CHAR(x)"), None);
    }

    #[test]
    fn maps_referential_actions() {
        assert_eq!(action("NO ACTION"), ReferentialAction::NoAction);
        assert_eq!(action("RESTRICT"), ReferentialAction::Restrict);
        assert_eq!(action("CASCADE"), ReferentialAction::Cascade);
        assert_eq!(action("SET NULL"), ReferentialAction::SetNull);
        assert_eq!(action("SET DEFAULT"), ReferentialAction::SetDefault);
    }
}
