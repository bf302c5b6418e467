//! MariaDB's and MySQL's catalogue (`information_schema`) of the database
//! the URL names.
//!
//! Every text column is read through `CAST(… AS CHAR)` and every number
//! through `CAST(… AS UNSIGNED)`: depending on the server, `information_schema`
//! answers in `VARBINARY`, `LONGTEXT` or `utf8mb3`, and the casts make one
//! type of each out of them.

use std::collections::HashMap;

use sqlx::MySqlPool;

use super::{
    Catalog, CatalogError, Column, ColumnKind, Engine, ForeignKey, ReferentialAction, Table,
    TableName,
};

/// Base tables, with MariaDB's system-versioned tables (which are base
/// tables with a history); views and sequences are left out.
const TABLES: &str = "
SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_ROWS AS UNSIGNED)
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')";

const COLUMNS: &str = "
SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR),
       CAST(DATA_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), CAST(COLUMN_DEFAULT AS CHAR),
       CAST(EXTRA AS CHAR), CAST(GENERATION_EXPRESSION AS CHAR),
       CAST(CHARACTER_MAXIMUM_LENGTH AS UNSIGNED)
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, ORDINAL_POSITION";

/// The primary key's columns and each foreign key's, one row a column, in
/// key order; a foreign key's referenced column is on the same row.
const KEYS: &str = "
SELECT CAST(k.TABLE_NAME AS CHAR), CAST(k.CONSTRAINT_NAME AS CHAR), CAST(k.COLUMN_NAME AS CHAR),
       CAST(k.REFERENCED_TABLE_SCHEMA AS CHAR), CAST(k.REFERENCED_TABLE_NAME AS CHAR),
       CAST(k.REFERENCED_COLUMN_NAME AS CHAR),
       CAST(r.DELETE_RULE AS CHAR), CAST(r.UPDATE_RULE AS CHAR)
FROM information_schema.KEY_COLUMN_USAGE k
LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME
      AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA = DATABASE()
  AND (k.CONSTRAINT_NAME = 'PRIMARY' OR k.REFERENCED_TABLE_NAME IS NOT NULL)
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

pub(super) async fn read(pool: &MySqlPool) -> Result<Catalog, CatalogError> {
    let err = |what| CatalogError::query(Engine::Mysql, what);
    // One connection for every query: `DATABASE()` is the connection's.
    let mut conn = pool.acquire().await.map_err(err("a connection"))?;
    let (database,): (Option<String>,) = sqlx::query_as("SELECT CAST(DATABASE() AS CHAR)")
        .fetch_one(&mut *conn)
        .await
        .map_err(err("the database's name"))?;
    let Some(database) = database else {
        return Err(CatalogError::NoDatabaseSelected);
    };

    let tables: Vec<(String, Option<u64>)> = sqlx::query_as(TABLES)
        .fetch_all(&mut *conn)
        .await
        .map_err(err("tables"))?;
    type ColumnRow = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<u64>,
    );
    let columns: Vec<ColumnRow> = sqlx::query_as(COLUMNS)
        .fetch_all(&mut *conn)
        .await
        .map_err(err("columns"))?;
    type KeyRow = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let keys: Vec<KeyRow> = sqlx::query_as(KEYS)
        .fetch_all(&mut *conn)
        .await
        .map_err(err("keys"))?;

    let mut index = HashMap::new();
    let mut out = Vec::with_capacity(tables.len());
    for (name, rows) in tables {
        index.insert(name.clone(), out.len());
        out.push(Table {
            name: TableName { schema: None, name },
            columns: Vec::new(),
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            partitioned: false,
            estimated_rows: rows,
        });
    }
    for (table, name, column_type, data_type, nullable, default, extra, expression, max) in columns
    {
        // Columns of views are listed too.
        let Some(&i) = index.get(&table) else {
            continue;
        };
        let kind = kind(&column_type);
        let extra = extra.unwrap_or_default().to_ascii_uppercase();
        let generated = expression.is_some_and(|e| !e.trim().is_empty())
            || [
                "VIRTUAL GENERATED",
                "STORED GENERATED",
                "PERSISTENT GENERATED",
            ]
            .iter()
            .any(|g| extra.contains(g));
        let declared_length = matches!(data_type.to_ascii_lowercase().as_str(), "char" | "varchar");
        out[i].columns.push(Column {
            name,
            data_type: column_type,
            kind,
            nullable: nullable.eq_ignore_ascii_case("YES"),
            max_length: max
                .filter(|_| declared_length)
                .and_then(|n| u32::try_from(n).ok()),
            // MariaDB writes a nullable column's absent default as `NULL`.
            default: default.filter(|d| !generated && d != "NULL"),
            generated,
        });
    }
    // Rows come grouped by table and constraint, in key order.
    for (table, constraint, column, ref_schema, ref_table, ref_column, on_delete, on_update) in keys
    {
        let Some(&i) = index.get(&table) else {
            continue;
        };
        let table = &mut out[i];
        if constraint == "PRIMARY" {
            table.primary_key.push(column);
            continue;
        }
        let (Some(ref_table), Some(ref_column)) = (ref_table, ref_column) else {
            continue;
        };
        let references = TableName {
            // A key into another database of the same server names it.
            schema: ref_schema.filter(|s| *s != database),
            name: ref_table,
        };
        match table.foreign_keys.last_mut() {
            Some(fk) if fk.name.as_deref() == Some(constraint.as_str()) => {
                fk.columns.push(column);
                fk.referenced_columns.push(ref_column);
            }
            _ => table.foreign_keys.push(ForeignKey {
                name: Some(constraint),
                columns: vec![column],
                references,
                referenced_columns: vec![ref_column],
                on_delete: action(on_delete.as_deref()),
                on_update: action(on_update.as_deref()),
            }),
        }
    }
    Ok(Catalog {
        engine: Engine::Mysql,
        tables: out,
    })
}

/// The kind of a column from its `COLUMN_TYPE` (`tinyint(1)`,
/// `smallint(5) unsigned`, `enum('G','PG')`, `varchar(45)`).
pub(crate) fn kind(column_type: &str) -> ColumnKind {
    let lower = column_type.trim().to_ascii_lowercase();
    let name = lower
        .split(|c: char| c == '(' || c.is_whitespace())
        .next()
        .unwrap_or_default();
    match name {
        // MariaDB and MySQL spell BOOLEAN `tinyint(1)`.
        "tinyint" if lower.starts_with("tinyint(1)") => ColumnKind::Boolean,
        "bool" | "boolean" => ColumnKind::Boolean,
        "bit" if lower.starts_with("bit(1)") || lower == "bit" => ColumnKind::Boolean,
        "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "year" => {
            ColumnKind::Integer
        }
        "decimal" | "numeric" | "dec" | "fixed" => ColumnKind::Decimal,
        "float" | "double" | "real" => ColumnKind::Float,
        "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" => ColumnKind::Text,
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => {
            ColumnKind::Binary
        }
        "date" => ColumnKind::Date,
        "datetime" | "timestamp" => ColumnKind::Timestamp,
        "time" => ColumnKind::Time,
        "json" => ColumnKind::Json,
        "uuid" => ColumnKind::Uuid,
        "enum" => match enum_values(column_type.trim()) {
            Some(values) => ColumnKind::Enum(values),
            None => ColumnKind::Other,
        },
        // `set(...)` holds several values at once; bit(n), spatial, inet6…
        _ => ColumnKind::Other,
    }
}

/// The values of `enum('a','b')`, a quote inside a value doubled (`'it''s'`).
fn enum_values(column_type: &str) -> Option<Vec<String>> {
    let open = column_type.find('(')?;
    let mut chars = column_type[open + 1..].chars().peekable();
    let mut values = Vec::new();
    loop {
        if chars.next()? != '\'' {
            return None;
        }
        let mut value = String::new();
        loop {
            match chars.next()? {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    value.push('\'');
                }
                '\'' => break,
                c => value.push(c),
            }
        }
        values.push(value);
        match chars.next()? {
            ',' => continue,
            ')' => return Some(values),
            _ => return None,
        }
    }
}

/// `DELETE_RULE` / `UPDATE_RULE`.
fn action(rule: Option<&str>) -> ReferentialAction {
    match rule.map(str::to_ascii_uppercase).as_deref() {
        Some("CASCADE") => ReferentialAction::Cascade,
        Some("SET NULL") => ReferentialAction::SetNull,
        Some("SET DEFAULT") => ReferentialAction::SetDefault,
        Some("RESTRICT") => ReferentialAction::Restrict,
        _ => ReferentialAction::NoAction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_column_types() {
        let cases = [
            ("tinyint(1)", ColumnKind::Boolean),
            ("tinyint(3) unsigned", ColumnKind::Integer),
            ("tinyint", ColumnKind::Integer),
            ("smallint(5) unsigned", ColumnKind::Integer),
            ("int(11)", ColumnKind::Integer),
            ("bigint(20) unsigned zerofill", ColumnKind::Integer),
            ("year(4)", ColumnKind::Integer),
            ("year", ColumnKind::Integer),
            ("bit(1)", ColumnKind::Boolean),
            ("bit(8)", ColumnKind::Other),
            ("decimal(5,2)", ColumnKind::Decimal),
            ("double", ColumnKind::Float),
            ("float unsigned", ColumnKind::Float),
            ("varchar(45)", ColumnKind::Text),
            ("char(3)", ColumnKind::Text),
            ("longtext", ColumnKind::Text),
            ("blob", ColumnKind::Binary),
            ("varbinary(16)", ColumnKind::Binary),
            ("date", ColumnKind::Date),
            ("datetime", ColumnKind::Timestamp),
            ("timestamp(6)", ColumnKind::Timestamp),
            ("time", ColumnKind::Time),
            ("json", ColumnKind::Json),
            ("uuid", ColumnKind::Uuid),
            ("geometry", ColumnKind::Other),
            ("set('Trailers','Commentaries')", ColumnKind::Other),
            ("INT(11)", ColumnKind::Integer),
        ];
        for (column_type, expected) in cases {
            assert_eq!(kind(column_type), expected, "{column_type}");
        }
    }

    #[test]
    fn reads_enum_values() {
        assert_eq!(
            kind("enum('G','PG','PG-13','R','NC-17')"),
            ColumnKind::Enum(vec![
                "G".into(),
                "PG".into(),
                "PG-13".into(),
                "R".into(),
                "NC-17".into()
            ])
        );
        assert_eq!(
            kind("enum('it''s','a,b','(x)')"),
            ColumnKind::Enum(vec!["it's".into(), "a,b".into(), "(x)".into()])
        );
        assert_eq!(kind("enum('')"), ColumnKind::Enum(vec![String::new()]));
        assert_eq!(kind("enum('unterminated"), ColumnKind::Other);
        assert_eq!(kind("enum(x)"), ColumnKind::Other);
    }

    #[test]
    fn maps_referential_rules() {
        assert_eq!(action(Some("RESTRICT")), ReferentialAction::Restrict);
        assert_eq!(action(Some("CASCADE")), ReferentialAction::Cascade);
        assert_eq!(action(Some("SET NULL")), ReferentialAction::SetNull);
        assert_eq!(action(Some("SET DEFAULT")), ReferentialAction::SetDefault);
        assert_eq!(action(Some("NO ACTION")), ReferentialAction::NoAction);
        assert_eq!(action(None), ReferentialAction::NoAction);
    }
}
