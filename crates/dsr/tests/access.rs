//! Access on the sample databases returns exactly the customer's rows: the
//! same rows, table by table, as hand-written SQL for the same customer.

mod common;

use vow_dsr::Database;
use vow_dsr::dataset::{ConnectionSpec, Identity, IdentityKind};
use vow_dsr::discover::{Start, run};
use vow_dsr::plan::{Plan, SqlValue};

async fn found(
    url: &str,
    subject: &str,
    email_column: &str,
    key: &str,
    email: &str,
) -> (Database, vow_dsr::access::Found) {
    let db = Database::connect(url).await.expect("connects");
    let start = Start {
        id: "sample".into(),
        subject: vow_dsr::TableName {
            schema: None,
            name: subject.into(),
        },
        identity: Identity {
            email: Some(email_column.into()),
            phone: None,
            account_id: Some(key.into()),
            ..Identity::default()
        },
        connection: ConnectionSpec {
            url_env: Some("SAMPLE_URL".into()),
            secrets_file: None,
            engine: None,
        },
    };
    let dataset = run(&db, &start).await.expect("discovers");
    let catalog = vow_dsr::catalog::read(&db).await.expect("catalogue");
    let plan = Plan::new(&dataset, &catalog).expect("plans");
    // The address is written in upper case in the samples; any case finds it.
    let found = vow_dsr::access::collect(
        &db,
        &dataset,
        &plan,
        IdentityKind::Email,
        &[SqlValue::Text(email.to_lowercase())],
    )
    .await
    .expect("access");
    (db, found)
}

/// The first column of each row (the tables' keys come first in the samples).
fn ids(found: &vow_dsr::access::Found, table: &str) -> Vec<i64> {
    let t = found
        .tables
        .iter()
        .find(|t| t.table == table)
        .unwrap_or_else(|| panic!("no {table}"));
    let key = t
        .columns
        .iter()
        .position(|c| c.ends_with("_id") || c.ends_with("Id"))
        .expect("a key column");
    let mut ids: Vec<i64> = t
        .rows
        .iter()
        .map(|r| match r[key] {
            SqlValue::Int(i) => i,
            ref other => panic!("{other:?}"),
        })
        .collect();
    ids.sort_unstable();
    ids
}

async fn hand(db: &Database, sql: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = match db {
        Database::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await
            .unwrap(),
        Database::Mysql(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await
            .unwrap(),
        Database::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await
            .unwrap(),
    };
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn pagila_access_is_exactly_the_customers_rows() {
    let sample = common::pagila_postgres();
    let (db, found) = found(
        &sample.url,
        "customer",
        "email",
        "customer_id",
        "MARY.SMITH@sakilacustomer.org",
    )
    .await;
    assert_eq!(found.subjects, vec![vec![SqlValue::Int(1)]]);
    assert_eq!(ids(&found, "customer"), [1]);
    assert_eq!(
        ids(&found, "rental"),
        hand(
            &db,
            "SELECT rental_id::bigint FROM rental WHERE customer_id = 1"
        )
        .await
    );
    assert_eq!(
        ids(&found, "payment"),
        hand(
            &db,
            "SELECT payment_id::bigint FROM payment WHERE customer_id = 1"
        )
        .await
    );
    assert_eq!(
        ids(&found, "address"),
        hand(
            &db,
            "SELECT address_id::bigint FROM customer WHERE customer_id = 1"
        )
        .await
    );
    assert!(ids(&found, "rental").len() > 20);
    // Every column, typed: the e-mail as text, the flag as a boolean, the date as text.
    let customer = &found.tables[0];
    let at = |c: &str| customer.columns.iter().position(|x| x == c).unwrap();
    assert_eq!(
        customer.rows[0][at("email")],
        SqlValue::Text("MARY.SMITH@sakilacustomer.org".into())
    );
    assert_eq!(customer.rows[0][at("activebool")], SqlValue::Bool(true));
    assert!(
        matches!(&customer.rows[0][at("create_date")], SqlValue::Text(d) if d.starts_with("20"))
    );
}

#[tokio::test]
async fn sakila_access_is_exactly_the_customers_rows() {
    let sample = common::sakila_mariadb();
    let (db, found) = found(
        &sample.url,
        "customer",
        "email",
        "customer_id",
        "MARY.SMITH@sakilacustomer.org",
    )
    .await;
    assert_eq!(found.subjects, vec![vec![SqlValue::Int(1)]]);
    assert_eq!(
        ids(&found, "rental"),
        hand(
            &db,
            "SELECT CAST(rental_id AS SIGNED) FROM rental WHERE customer_id = 1"
        )
        .await
    );
    assert_eq!(
        ids(&found, "payment"),
        hand(
            &db,
            "SELECT CAST(payment_id AS SIGNED) FROM payment WHERE customer_id = 1"
        )
        .await
    );
    assert_eq!(
        ids(&found, "address"),
        hand(
            &db,
            "SELECT CAST(address_id AS SIGNED) FROM customer WHERE customer_id = 1"
        )
        .await
    );
}

#[tokio::test]
async fn chinook_access_is_exactly_the_customers_rows() {
    let sample = common::chinook_sqlite();
    let (db, found) = found(
        &sample.url,
        "Customer",
        "Email",
        "CustomerId",
        "luisg@embraer.com.br",
    )
    .await;
    assert_eq!(found.subjects, vec![vec![SqlValue::Int(1)]]);
    assert_eq!(
        ids(&found, "Invoice"),
        hand(&db, "SELECT InvoiceId FROM Invoice WHERE CustomerId = 1").await
    );
    assert_eq!(
        ids(&found, "InvoiceLine"),
        hand(&db, "SELECT InvoiceLineId FROM InvoiceLine WHERE InvoiceId IN (SELECT InvoiceId FROM Invoice WHERE CustomerId = 1)").await
    );
}

#[tokio::test]
async fn nobody_found_reads_nothing() {
    let sample = common::chinook_sqlite();
    let (_db, found) = found(
        &sample.url,
        "Customer",
        "Email",
        "CustomerId",
        "nobody@example.invalid",
    )
    .await;
    assert!(found.subjects.is_empty());
    assert!(found.tables.iter().all(|t| t.rows.is_empty()));
}
