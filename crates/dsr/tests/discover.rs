//! `vow dataset discover` on the sample databases: the draft lists every
//! table that holds rows of a customer, each with a path to the customer,
//! and nothing shared by all customers (stores, staff, films).

mod common;

use vow_dsr::dataset::{ConnectionSpec, Identity, check_against};
use vow_dsr::discover::{Start, run};
use vow_dsr::{Database, TableName};

fn start(table: &str, email: &str, key: &str) -> Start {
    Start {
        id: "sample".into(),
        subject: TableName {
            schema: None,
            name: table.into(),
        },
        identity: Identity {
            email: Some(email.into()),
            phone: None,
            account_id: Some(key.into()),
            ..Identity::default()
        },
        connection: ConnectionSpec {
            url_env: Some("SAMPLE_DATABASE_URL".into()),
            secrets_file: None,
            engine: None,
        },
    }
}

fn tables(dataset: &vow_dsr::dataset::Dataset) -> Vec<&str> {
    dataset.tables.iter().map(|t| t.table.as_str()).collect()
}

async fn discover(url: &str, start: &Start) -> vow_dsr::dataset::Dataset {
    let db = Database::connect(url).await.expect("connects");
    let dataset = run(&db, start).await.expect("discovers");
    // The draft checks against its own database without an error.
    let catalog = vow_dsr::catalog::read(&db).await.expect("catalogue");
    let errors: Vec<_> = check_against(&dataset, None, Some(&catalog))
        .into_iter()
        .filter(|d| d.severity == vow_policy::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    db.close().await;
    dataset
}

#[tokio::test]
async fn pagila_customer_rows_are_found() {
    let sample = common::pagila_postgres();
    let dataset = discover(&sample.url, &start("customer", "email", "customer_id")).await;
    assert_eq!(
        tables(&dataset),
        ["customer", "payment", "rental", "address"]
    );
    let payment = &dataset.tables[1];
    // The shortest path: payment.customer_id, not through the rental.
    assert_eq!(payment.path.len(), 1);
    assert_eq!(
        payment.path[0].on.get("customer_id").map(String::as_str),
        Some("customer_id")
    );
    assert_eq!(
        dataset.tables[0].columns["email"]
            .category
            .as_ref()
            .unwrap()
            .as_str(),
        "user.contact.email"
    );
    assert_eq!(
        dataset.tables[3].columns["phone"]
            .category
            .as_ref()
            .unwrap()
            .as_str(),
        "user.contact.phone_number"
    );
    assert_eq!(dataset.tables[2].retention.as_deref(), Some("rental_date"));
}

#[tokio::test]
async fn sakila_customer_rows_are_found() {
    let sample = common::sakila_mariadb();
    let dataset = discover(&sample.url, &start("customer", "email", "customer_id")).await;
    assert_eq!(
        tables(&dataset),
        ["customer", "payment", "rental", "address"]
    );
}

#[tokio::test]
async fn chinook_customer_rows_are_found() {
    let sample = common::chinook_sqlite();
    let dataset = discover(&sample.url, &start("Customer", "Email", "CustomerId")).await;
    // Invoices, their lines through the invoice; the support employee is
    // shared by many customers and stays out.
    assert_eq!(tables(&dataset), ["Customer", "Invoice", "InvoiceLine"]);
    assert_eq!(dataset.tables[2].path.len(), 2);
    assert_eq!(
        dataset.tables[0].columns["Phone"]
            .category
            .as_ref()
            .unwrap()
            .as_str(),
        "user.contact.phone_number"
    );
}
