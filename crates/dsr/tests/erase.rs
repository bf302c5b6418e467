//! Erasure on the sample databases: the customer's personal data is gone,
//! held rows stay (detached from the person), the database is consistent,
//! and every other customer's rows are exactly as they were.

mod common;

use vow_dsr::Database;
use vow_dsr::dataset::{Dataset, IdentityKind, RowErasure};
use vow_dsr::erase::Erasure;
use vow_dsr::plan::{Plan, SqlValue};

const KEY: &[u8] = b"test hash key, 32 bytes at least";

fn dataset(name: &str) -> Dataset {
    let path = format!("{}/tests/datasets/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("dataset file");
    vow_dsr::dataset::parse(&path, &text)
        .unwrap_or_else(|r| panic!("{}", r.render(false)))
        .0
}

async fn one(db: &Database, sql: &str) -> String {
    match db {
        Database::Postgres(p) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
        }
        Database::Mysql(p) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
        }
        Database::Sqlite(p) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
        }
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Checks the dataset against the database, plans, finds the customer
/// by e-mail, and erases (or dry-runs) them.
async fn erase(db: &Database, dataset: &Dataset, email: &str, dry_run: bool) -> Erasure {
    let catalog = vow_dsr::catalog::read(db).await.expect("catalogue");
    let findings = vow_dsr::dataset::check_against(dataset, None, Some(&catalog));
    let errors: Vec<_> = findings
        .iter()
        .filter(|d| d.severity == vow_policy::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let plan = Plan::new(dataset, &catalog).expect("plans");
    let found = vow_dsr::access::collect(
        db,
        dataset,
        &plan,
        IdentityKind::Email,
        &[SqlValue::Text(email.into())],
    )
    .await
    .expect("finds");
    assert_eq!(found.subjects.len(), 1, "one customer has {email}");
    vow_dsr::erase::run(db, dataset, &plan, &found.subjects, KEY, dry_run)
        .await
        .expect("erases")
}

fn rows(erasure: &Erasure, table: &str) -> u64 {
    erasure
        .tables
        .iter()
        .find(|t| t.table == table)
        .unwrap_or_else(|| panic!("{table}"))
        .rows
}

#[tokio::test]
async fn pagila_erasure_removes_the_person_and_keeps_detached_payments() {
    let sample = common::pagila_postgres();
    let db = Database::connect(&sample.url).await.unwrap();
    // The placeholders payments are re-attached to.
    common::execute(&db, "INSERT INTO customer (customer_id, store_id, first_name, last_name, address_id, active) VALUES (0, 1, 'ERASED', 'ERASED', 1, 0)").await;
    common::execute(&db, "INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, staff_id) VALUES (0, '2000-01-01', 1, 0, 1)").await;
    let others = "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (\
        SELECT c::text AS t FROM customer c WHERE customer_id NOT IN (0, 1) \
        UNION ALL SELECT r::text FROM rental r WHERE customer_id NOT IN (0, 1) \
        UNION ALL SELECT p::text FROM payment p WHERE customer_id NOT IN (0, 1) \
        UNION ALL SELECT a::text FROM address a WHERE address_id NOT IN (SELECT address_id FROM customer WHERE customer_id = 1)) x";
    let before = one(&db, others).await;
    let payments = one(&db, "SELECT string_agg(payment_id::text, ',' ORDER BY payment_id) FROM payment WHERE customer_id = 1").await;
    let rentals: i64 = one(
        &db,
        "SELECT count(*)::text FROM rental WHERE customer_id = 1",
    )
    .await
    .parse()
    .unwrap();
    let dataset = dataset("pagila");

    // The dry run counts and changes nothing.
    let plan = erase(&db, &dataset, "MARY.SMITH@sakilacustomer.org", true).await;
    assert!(plan.dry_run && !plan.verified());
    assert_eq!(rows(&plan, "rental") as i64, rentals);
    assert_eq!(rows(&plan, "payment") as usize, payments.split(',').count());
    assert_eq!(rows(&plan, "customer"), 1);
    assert_eq!(rows(&plan, "address"), 1);
    assert!(plan.tables.iter().all(|t| t.changed == 0));
    assert_eq!(
        one(
            &db,
            "SELECT count(*)::text FROM customer WHERE customer_id = 1"
        )
        .await,
        "1"
    );
    // Referencing rows first: payments, rentals, the customer, then their address.
    let order: Vec<&str> = plan.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(order, ["payment", "rental", "customer", "address"]);

    let done = erase(&db, &dataset, "MARY.SMITH@sakilacustomer.org", false).await;
    assert!(done.verified(), "{:?}", done.leftovers);
    assert_eq!(one(&db, "SELECT count(*)::text FROM customer WHERE customer_id = 1 OR lower(email) = 'mary.smith@sakilacustomer.org'").await, "0");
    assert_eq!(
        one(
            &db,
            "SELECT count(*)::text FROM rental WHERE customer_id = 1"
        )
        .await,
        "0"
    );
    assert_eq!(
        one(
            &db,
            "SELECT count(*)::text FROM address WHERE address = '1913 Hanoi Way'"
        )
        .await,
        "0"
    );
    // The payments are still there, for the accounts, tied to nobody.
    let kept = one(&db, &format!("SELECT count(*)::text || ' ' || min(customer_id)::text || ' ' || max(rental_id)::text FROM payment WHERE payment_id IN ({payments})")).await;
    assert_eq!(kept, format!("{} 0 0", payments.split(',').count()));
    let held = done.tables.iter().find(|t| t.table == "payment").unwrap();
    assert_eq!(held.action, RowErasure::Keep);
    assert_eq!(held.hold.as_ref().unwrap().hold, "accounting");
    // Nobody else was touched.
    assert_eq!(one(&db, others).await, before);
    // And a second erasure finds nobody.
    let catalog = vow_dsr::catalog::read(&db).await.unwrap();
    let plan = Plan::new(&dataset, &catalog).unwrap();
    let again = vow_dsr::access::collect(
        &db,
        &dataset,
        &plan,
        IdentityKind::Email,
        &[SqlValue::Text("mary.smith@sakilacustomer.org".into())],
    )
    .await
    .unwrap();
    assert!(again.subjects.is_empty());
    db.close().await;
}

#[tokio::test]
async fn sakila_erasure_removes_the_person_and_keeps_detached_payments() {
    let sample = common::sakila_mariadb();
    // (An AUTO_INCREMENT key turns an inserted 0 into the next id: the
    // placeholder is 65000, the largest SMALLINT UNSIGNED ids are free.)
    let db = Database::connect(&sample.url).await.unwrap();
    common::execute(&db, "INSERT INTO customer (customer_id, store_id, first_name, last_name, address_id, active, create_date) VALUES (65000, 1, 'ERASED', 'ERASED', 1, 0, '2000-01-01')").await;
    // A checksum of every other customer's rows: the sum of each row's CRC,
    // with the count (no length limit, whichever connection runs it).
    let others = "SELECT CONCAT(COUNT(*), ':', SUM(CRC32(t))) FROM (\
        SELECT CONCAT_WS(',', customer_id, store_id, first_name, last_name, email, address_id, active, create_date) AS t FROM customer WHERE customer_id NOT IN (65000, 1) \
        UNION ALL SELECT CONCAT_WS(',', 'r', rental_id, rental_date, inventory_id, customer_id, return_date, staff_id) FROM rental WHERE customer_id NOT IN (65000, 1) \
        UNION ALL SELECT CONCAT_WS(',', 'p', payment_id, customer_id, staff_id, rental_id, amount, payment_date) FROM payment WHERE customer_id NOT IN (65000, 1)) x";
    let before = one(&db, others).await;
    let payments: i64 = one(
        &db,
        "SELECT CAST(COUNT(*) AS CHAR) FROM payment WHERE customer_id = 1",
    )
    .await
    .parse()
    .unwrap();
    let dataset = dataset("sakila");
    let done = erase(&db, &dataset, "MARY.SMITH@sakilacustomer.org", false).await;
    assert!(done.verified(), "{:?}", done.leftovers);
    assert_eq!(
        one(
            &db,
            "SELECT CAST(COUNT(*) AS CHAR) FROM customer WHERE customer_id = 1"
        )
        .await,
        "0"
    );
    assert_eq!(
        one(
            &db,
            "SELECT CAST(COUNT(*) AS CHAR) FROM rental WHERE customer_id = 1"
        )
        .await,
        "0"
    );
    // Kept, on the placeholder, their rental key cleared.
    assert_eq!(
        one(&db, "SELECT CAST(COUNT(*) AS CHAR) FROM payment WHERE customer_id = 65000 AND rental_id IS NULL").await,
        payments.to_string()
    );
    assert_eq!(one(&db, others).await, before);
    db.close().await;
}

#[tokio::test]
async fn chinook_erasure_keeps_generalised_invoices() {
    let sample = common::chinook_sqlite();
    let db = Database::connect(&sample.url).await.unwrap();
    common::execute(&db, "INSERT INTO Customer (CustomerId, FirstName, LastName, Email) VALUES (0, 'ERASED', 'ERASED', 'erased@invalid.example')").await;
    let others = "SELECT group_concat(t, '|') FROM (SELECT * FROM (\
        SELECT CustomerId || ',' || FirstName || ',' || LastName || ',' || ifnull(Email, '') AS t FROM Customer WHERE CustomerId NOT IN (0, 1) \
        UNION ALL SELECT InvoiceId || ',' || CustomerId || ',' || InvoiceDate || ',' || ifnull(BillingAddress, '') || ',' || Total FROM Invoice WHERE CustomerId NOT IN (0, 1)) ORDER BY t)";
    let before = one(&db, others).await;
    let invoices = one(
        &db,
        "SELECT group_concat(InvoiceId) FROM Invoice WHERE CustomerId = 1",
    )
    .await;
    let totals = one(
        &db,
        &format!("SELECT CAST(SUM(Total) AS TEXT) FROM Invoice WHERE InvoiceId IN ({invoices})"),
    )
    .await;
    let dataset = dataset("chinook");
    let done = erase(&db, &dataset, "luisg@embraer.com.br", false).await;
    assert!(done.verified(), "{:?}", done.leftovers);
    assert_eq!(
        one(
            &db,
            "SELECT CAST(COUNT(*) AS TEXT) FROM Customer WHERE CustomerId = 1"
        )
        .await,
        "0"
    );
    // Every invoice kept, detached; the street masked, the postcode cut,
    // the date to 1 January of its year; the totals as they were.
    let kept = one(&db, &format!(
        "SELECT COUNT(*) || ' ' || MIN(CustomerId) || ' ' || SUM(BillingAddress LIKE 'erased-%') || ' ' || SUM(length(BillingPostalCode) <= 2) || ' ' || SUM(InvoiceDate LIKE '____-01-01%') FROM Invoice WHERE InvoiceId IN ({invoices})"
    )).await;
    let n = invoices.split(',').count();
    assert_eq!(kept, format!("{n} 0 {n} {n} {n}"));
    assert_eq!(
        one(
            &db,
            &format!(
                "SELECT CAST(SUM(Total) AS TEXT) FROM Invoice WHERE InvoiceId IN ({invoices})"
            )
        )
        .await,
        totals
    );
    assert_eq!(one(&db, others).await, before);
    db.close().await;
}
