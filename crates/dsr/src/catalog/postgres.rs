//! PostgreSQL's catalogue (`pg_catalog`), version 12 or later.
//!
//! Ordinary and partitioned tables of every schema but the system ones; a
//! partition is left out and its parent stands for it. Foreign keys
//! declared on partitions rather than on the parent (Pagila's `payment`)
//! are lifted onto the parent, and keys that point at a partition point at
//! its parent, so the planner sees one table.

use std::collections::HashMap;

use sqlx::PgPool;

use super::{
    Catalog, CatalogError, Column, ColumnKind, Engine, ForeignKey, ReferentialAction, Table,
    TableName,
};

const SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

/// Tables: not partitions, not views. A partitioned table's estimate is
/// the sum of its leaf partitions', known only when each one's is.
const TABLES: &str = "
SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind = 'p',
       CASE WHEN c.relkind = 'p' THEN (
           SELECT CASE WHEN bool_and(p.reltuples >= 0) THEN sum(p.reltuples)::float8 END
           FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid
           WHERE t.isleaf)
       WHEN c.reltuples >= 0 THEN c.reltuples::float8 END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ";

/// Columns of those tables, in order. A generated column's expression is
/// not its default; an identity `ALWAYS` column cannot be written either.
const COLUMNS: &str = "
SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, a.atttypmod),
       a.atttypid::int8, a.atttypmod, NOT a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
       a.attgenerated <> '' OR a.attidentity = 'a'
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND ";

/// Every type a column uses, every domain (to resolve a domain to its
/// base type) and every domain's base type.
const TYPES: &str = "
SELECT t.oid::int8, t.typname::text, n.nspname::text, t.typtype::text, t.typcategory::text,
       t.typbasetype::int8, t.typtypmod
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd'
   OR t.oid IN (SELECT atttypid FROM pg_attribute WHERE attnum > 0)
   OR t.oid IN (SELECT typbasetype FROM pg_type WHERE typtype = 'd')";

const ENUMS: &str = "
SELECT enumtypid::int8, array_agg(enumlabel::text ORDER BY enumsortorder)
FROM pg_enum GROUP BY enumtypid";

const PRIMARY_KEYS: &str = "
SELECT con.conrelid::int8,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord)
FROM pg_constraint con WHERE con.contype = 'p'";

/// Foreign keys declared by hand (`conparentid = 0`: a partition's copy of
/// its parent's key, and the per-partition halves of a key referencing a
/// partitioned table, are left out), each on and to the partition tree's
/// root.
const FOREIGN_KEYS: &str = "
SELECT COALESCE(pg_partition_root(con.conrelid), con.conrelid::regclass)::oid::int8,
       con.conname::text, rn.nspname::text, rc.relname::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       ARRAY(SELECT a.attname::text
             FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       con.confdeltype::text, con.confupdtype::text
FROM pg_constraint con
JOIN pg_class rc ON rc.oid = COALESCE(pg_partition_root(con.confrelid), con.confrelid::regclass)
JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0
ORDER BY 1, con.conname";

/// A row of `pg_type`, as far as classifying goes.
#[derive(Debug, Clone)]
pub(crate) struct PgType {
    pub name: String,
    pub schema: String,
    /// `typtype`: b base, d domain, e enum, c composite, r range, m multirange, p pseudo.
    pub typtype: String,
    /// `typcategory`: S string, N numeric, B boolean, D date/time, A array, U user…
    pub category: String,
    pub base: i64,
    pub typmod: i32,
}

pub(super) async fn read(pool: &PgPool) -> Result<Catalog, CatalogError> {
    let err = |what| CatalogError::query(Engine::Postgres, what);
    // One snapshot for every query, so a concurrent migration cannot be seen half done.
    let mut tx = pool
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
        .map_err(err("a read-only transaction"))?;

    let tables: Vec<(i64, String, String, bool, Option<f64>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{TABLES}{SCHEMAS}")))
            .fetch_all(&mut *tx)
            .await
            .map_err(err("tables"))?;
    type ColumnRow = (i64, String, String, i64, i32, bool, Option<String>, bool);
    let columns: Vec<ColumnRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COLUMNS}{SCHEMAS} ORDER BY a.attrelid, a.attnum"
    )))
    .fetch_all(&mut *tx)
    .await
    .map_err(err("columns"))?;
    let types: Vec<(i64, String, String, String, String, i64, i32)> = sqlx::query_as(TYPES)
        .fetch_all(&mut *tx)
        .await
        .map_err(err("types"))?;
    let enums: Vec<(i64, Vec<String>)> = sqlx::query_as(ENUMS)
        .fetch_all(&mut *tx)
        .await
        .map_err(err("enum values"))?;
    let primary_keys: Vec<(i64, Vec<String>)> = sqlx::query_as(PRIMARY_KEYS)
        .fetch_all(&mut *tx)
        .await
        .map_err(err("primary keys"))?;
    type ForeignKeyRow = (
        i64,
        String,
        String,
        String,
        Vec<String>,
        Vec<String>,
        String,
        String,
    );
    let foreign_keys: Vec<ForeignKeyRow> = sqlx::query_as(FOREIGN_KEYS)
        .fetch_all(&mut *tx)
        .await
        .map_err(err("foreign keys"))?;
    tx.commit()
        .await
        .map_err(err("the end of the transaction"))?;

    let types: HashMap<i64, PgType> = types
        .into_iter()
        .map(|(oid, name, schema, typtype, category, base, typmod)| {
            let t = PgType {
                name,
                schema,
                typtype,
                category,
                base,
                typmod,
            };
            (oid, t)
        })
        .collect();
    let enums: HashMap<i64, Vec<String>> = enums.into_iter().collect();

    let mut index = HashMap::new();
    let mut out = Vec::with_capacity(tables.len());
    for (oid, schema, name, partitioned, estimate) in tables {
        index.insert(oid, out.len());
        out.push(Table {
            name: TableName {
                schema: Some(schema),
                name,
            },
            columns: Vec::new(),
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            partitioned,
            estimated_rows: estimate.map(|rows| rows.round() as u64),
        });
    }
    for (table, name, data_type, type_oid, typmod, nullable, default, generated) in columns {
        let Some(&i) = index.get(&table) else {
            continue;
        };
        let (base, base_oid, typmod) = resolve(&types, type_oid, typmod);
        let kind = match base {
            Some(base) => kind(base, enums.get(&base_oid)),
            None => ColumnKind::Other,
        };
        let max_length = match base {
            Some(t) if matches!(t.name.as_str(), "varchar" | "bpchar") && typmod > 4 => {
                u32::try_from(typmod - 4).ok()
            }
            _ => None,
        };
        out[i].columns.push(Column {
            name,
            data_type,
            kind,
            nullable,
            max_length,
            default,
            generated,
        });
    }
    for (table, columns) in primary_keys {
        if let Some(&i) = index.get(&table) {
            out[i].primary_key = columns;
        }
    }
    for (table, name, ref_schema, ref_name, columns, referenced_columns, on_delete, on_update) in
        foreign_keys
    {
        let Some(&i) = index.get(&table) else {
            continue;
        };
        let fk = ForeignKey {
            name: Some(name),
            columns,
            references: TableName {
                schema: Some(ref_schema),
                name: ref_name,
            },
            referenced_columns,
            on_delete: action(&on_delete),
            on_update: action(&on_update),
        };
        // The same key declared on each partition is one key of the parent,
        // named after the first partition's (rows come sorted by name).
        let same = |k: &ForeignKey| {
            (
                &k.columns,
                &k.references,
                &k.referenced_columns,
                k.on_delete,
                k.on_update,
            ) == (
                &fk.columns,
                &fk.references,
                &fk.referenced_columns,
                fk.on_delete,
                fk.on_update,
            )
        };
        if !out[i].foreign_keys.iter().any(same) {
            out[i].foreign_keys.push(fk);
        }
    }
    Ok(Catalog {
        engine: Engine::Postgres,
        tables: out,
    })
}

/// Follows a domain to the type it is over (through domains over domains),
/// with the innermost type modifier that was set.
fn resolve(types: &HashMap<i64, PgType>, oid: i64, typmod: i32) -> (Option<&PgType>, i64, i32) {
    let (mut oid, mut typmod) = (oid, typmod);
    // A domain cannot be over itself; the bound only guards a corrupt catalogue.
    for _ in 0..32 {
        match types.get(&oid) {
            Some(t) if t.typtype == "d" => {
                if typmod < 0 {
                    typmod = t.typmod;
                }
                oid = t.base;
            }
            found => return (found, oid, typmod),
        }
    }
    (None, oid, typmod)
}

/// The kind of a (non-domain) type. Built-in types by name; others (an
/// extension's, like `citext`) by category.
pub(crate) fn kind(t: &PgType, enum_values: Option<&Vec<String>>) -> ColumnKind {
    if t.typtype == "e" {
        return ColumnKind::Enum(enum_values.cloned().unwrap_or_default());
    }
    if t.schema == "pg_catalog" {
        let by_name = match t.name.as_str() {
            "text" | "varchar" | "bpchar" | "name" | "char" => Some(ColumnKind::Text),
            "int2" | "int4" | "int8" => Some(ColumnKind::Integer),
            "numeric" | "money" => Some(ColumnKind::Decimal),
            "float4" | "float8" => Some(ColumnKind::Float),
            "bool" => Some(ColumnKind::Boolean),
            "date" => Some(ColumnKind::Date),
            "timestamp" | "timestamptz" => Some(ColumnKind::Timestamp),
            "time" | "timetz" => Some(ColumnKind::Time),
            "bytea" => Some(ColumnKind::Binary),
            "json" | "jsonb" => Some(ColumnKind::Json),
            "uuid" => Some(ColumnKind::Uuid),
            _ => None,
        };
        if let Some(kind) = by_name {
            return kind;
        }
    }
    match t.category.as_str() {
        "S" => ColumnKind::Text,
        "B" => ColumnKind::Boolean,
        "E" => ColumnKind::Enum(enum_values.cloned().unwrap_or_default()),
        _ => ColumnKind::Other,
    }
}

/// `confdeltype` / `confupdtype`.
fn action(code: &str) -> ReferentialAction {
    match code {
        "r" => ReferentialAction::Restrict,
        "c" => ReferentialAction::Cascade,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        // "a", and anything a later version adds: the database checks and refuses.
        _ => ReferentialAction::NoAction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin(name: &str, category: &str) -> PgType {
        PgType {
            name: name.into(),
            schema: "pg_catalog".into(),
            typtype: "b".into(),
            category: category.into(),
            base: 0,
            typmod: -1,
        }
    }

    #[test]
    fn classifies_builtin_types_by_name() {
        let cases = [
            ("text", "S", ColumnKind::Text),
            ("varchar", "S", ColumnKind::Text),
            ("bpchar", "S", ColumnKind::Text),
            ("int4", "N", ColumnKind::Integer),
            ("int8", "N", ColumnKind::Integer),
            ("numeric", "N", ColumnKind::Decimal),
            ("float8", "N", ColumnKind::Float),
            ("bool", "B", ColumnKind::Boolean),
            ("date", "D", ColumnKind::Date),
            ("timestamptz", "D", ColumnKind::Timestamp),
            ("time", "D", ColumnKind::Time),
            ("bytea", "U", ColumnKind::Binary),
            ("jsonb", "U", ColumnKind::Json),
            ("uuid", "U", ColumnKind::Uuid),
            ("tsvector", "U", ColumnKind::Other),
            ("inet", "I", ColumnKind::Other),
            ("_text", "A", ColumnKind::Other),
            ("interval", "T", ColumnKind::Other),
            ("oid", "N", ColumnKind::Other),
        ];
        for (name, category, expected) in cases {
            assert_eq!(kind(&builtin(name, category), None), expected, "{name}");
        }
    }

    #[test]
    fn classifies_other_types_by_category_and_enums_with_their_values() {
        let citext = PgType {
            schema: "public".into(),
            ..builtin("citext", "S")
        };
        assert_eq!(kind(&citext, None), ColumnKind::Text);
        // A user type that shares a built-in's name is not taken for it.
        let date = PgType {
            schema: "shop".into(),
            ..builtin("date", "U")
        };
        assert_eq!(kind(&date, None), ColumnKind::Other);
        let rating = PgType {
            schema: "public".into(),
            typtype: "e".into(),
            ..builtin("mpaa_rating", "E")
        };
        let values = vec!["G".to_owned(), "PG".to_owned()];
        assert_eq!(
            kind(&rating, Some(&values)),
            ColumnKind::Enum(values.clone())
        );
    }

    #[test]
    fn resolves_domains_to_their_base_type_and_typmod() {
        let mut types = HashMap::new();
        types.insert(23, builtin("int4", "N"));
        types.insert(1043, builtin("varchar", "S"));
        let domain = |base, typmod| PgType {
            schema: "public".into(),
            typtype: "d".into(),
            base,
            typmod,
            ..builtin("year", "N")
        };
        types.insert(9000, domain(23, -1));
        types.insert(9001, domain(1043, 44));
        types.insert(9002, domain(9001, -1));
        let (base, oid, _) = resolve(&types, 9000, -1);
        assert_eq!((base.map(|t| t.name.as_str()), oid), (Some("int4"), 23));
        let (base, oid, typmod) = resolve(&types, 9002, -1);
        assert_eq!(
            (base.map(|t| t.name.as_str()), oid, typmod),
            (Some("varchar"), 1043, 44)
        );
        assert!(resolve(&types, 4242, -1).0.is_none());
    }

    #[test]
    fn maps_referential_actions() {
        assert_eq!(action("a"), ReferentialAction::NoAction);
        assert_eq!(action("r"), ReferentialAction::Restrict);
        assert_eq!(action("c"), ReferentialAction::Cascade);
        assert_eq!(action("n"), ReferentialAction::SetNull);
        assert_eq!(action("d"), ReferentialAction::SetDefault);
    }
}
