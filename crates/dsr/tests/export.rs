//! The export package of an access request on Chinook (SQLite), under the
//! course shop's policy: every file the manifest lists with its hash, one
//! CSV per table equal to what access read, data.json typed and complete,
//! and a summary that answers GDPR Art. 15(1)(a)-(h) from the policy.
//!
//! `VOW_EXPORT_SUMMARY=path.html` keeps the English summary of the first
//! test (for looking at it in a browser).

mod common;

use std::io::{Cursor, Read};

use sha2::{Digest, Sha256};
use vow_dsr::Database;
use vow_dsr::access::Found;
use vow_dsr::dataset::{Dataset, IdentityKind};
use vow_dsr::export::{ExportKind, ExportRequest, Held, Manifest, write_package};
use vow_dsr::plan::{Plan, SqlValue};
use vow_policy::Policy;

const EMAIL: &str = "camille.bernard@yahoo.fr";

fn dataset(name: &str) -> Dataset {
    let path = format!("{}/tests/datasets/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("dataset file");
    vow_dsr::dataset::parse(&path, &text)
        .unwrap_or_else(|r| panic!("{}", r.render(false)))
        .0
}

fn policy(name: &str) -> Policy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example policy");
    vow_policy::check(&path, &text)
        .unwrap_or_else(|r| panic!("{}", r.render(false)))
        .policy
}

async fn found(db: &Database, dataset: &Dataset, email: &str) -> Found {
    let catalog = vow_dsr::catalog::read(db).await.expect("catalogue");
    let plan = Plan::new(dataset, &catalog).expect("plans");
    vow_dsr::access::collect(
        db,
        dataset,
        &plan,
        IdentityKind::Email,
        &[SqlValue::Text(email.into())],
    )
    .await
    .expect("access")
}

fn request(kind: ExportKind, language: Option<&str>) -> ExportRequest {
    ExportRequest {
        id: "req-2024-0042".into(),
        subject: EMAIL.into(),
        kind,
        jurisdiction: "FR".into(),
        at: "2024-03-05T10:20:31Z".parse().unwrap(),
        language: language.map(str::to_owned),
    }
}

/// A package's entries, in the zip's order.
struct Package {
    manifest: Manifest,
    entries: Vec<(String, Vec<u8>)>,
}

impl Package {
    fn file(&self, path: &str) -> &[u8] {
        self.entries
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, b)| b.as_slice())
            .unwrap_or_else(|| panic!("no {path} in the package"))
    }

    fn text(&self, path: &str) -> &str {
        std::str::from_utf8(self.file(path)).expect("UTF-8")
    }
}

fn export(
    policy: &Policy,
    request: &ExportRequest,
    held: &[Held<'_>],
) -> (Vec<u8>, Manifest, Package) {
    let mut out = Cursor::new(Vec::new());
    let manifest = write_package(&mut out, policy, request, held).expect("writes the package");
    let bytes = out.into_inner();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).expect("a zip");
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        assert_eq!(file.compression(), zip::CompressionMethod::Deflated);
        let time = file.last_modified().expect("a time");
        assert_eq!(
            (
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute()
            ),
            (2024, 3, 5, 10, 20),
            "every entry carries the request's time"
        );
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        entries.push((file.name().expect("a UTF-8 name").into_owned(), content));
    }
    let package = Package {
        manifest: serde_json::from_slice(&entries[0].1).expect("manifest.json first"),
        entries,
    };
    (bytes, manifest, package)
}

/// A value as the CSV files write it.
fn cell(value: &SqlValue) -> String {
    match value {
        SqlValue::Null => String::new(),
        SqlValue::Int(i) => i.to_string(),
        SqlValue::Float(f) => f.to_string(),
        SqlValue::Bool(b) => b.to_string(),
        SqlValue::Text(t) => t.clone(),
    }
}

fn from_json(value: &serde_json::Value) -> SqlValue {
    match value {
        serde_json::Value::Null => SqlValue::Null,
        serde_json::Value::Bool(b) => SqlValue::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Int(i),
            None => SqlValue::Float(n.as_f64().expect("a number")),
        },
        serde_json::Value::String(s) => SqlValue::Text(s.clone()),
        other => panic!("not a value: {other}"),
    }
}

#[tokio::test]
async fn the_package_holds_every_row_access_found() {
    let sample = common::chinook_sqlite();
    let db = Database::connect(&sample.url).await.expect("connects");
    let chinook = dataset("chinook");
    let found = found(&db, &chinook, EMAIL).await;
    assert_eq!(found.subjects, vec![vec![SqlValue::Int(39)]]);
    let shop = policy("course-shop");
    let held = [Held {
        dataset: &chinook,
        found: &found,
    }];
    let (bytes, manifest, package) = export(&shop, &request(ExportKind::Access, None), &held);

    // The manifest, first in the zip, is the one returned, and lists every
    // other entry, in order, with its size and SHA-256.
    assert_eq!(package.entries[0].0, "manifest.json");
    assert_eq!(package.manifest, manifest);
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    let stored: Vec<&str> = package.entries[1..]
        .iter()
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(listed, stored);
    for file in &manifest.files {
        let content = package.file(&file.path);
        assert_eq!(file.bytes, content.len() as u64, "{}", file.path);
        assert_eq!(
            file.sha256,
            hex::encode(Sha256::digest(content)),
            "{}",
            file.path
        );
    }
    assert_eq!(manifest.request.id, "req-2024-0042");
    assert_eq!(manifest.language, "fr", "the policy's first language");
    assert_eq!(
        manifest.generated_at.to_rfc3339(),
        "2024-03-05T10:20:31+00:00"
    );
    assert_eq!(manifest.datasets[0].subjects, 1);

    // One CSV per table, its rows exactly the access result's.
    let tables = &manifest.datasets[0].tables;
    assert_eq!(tables.len(), found.tables.len());
    let mut with_rows = 0;
    for (entry, rows) in tables.iter().zip(&found.tables) {
        assert_eq!(entry.table, rows.table);
        assert_eq!(entry.csv, format!("csv/chinook/{}.csv", rows.table));
        assert_eq!(entry.rows, rows.rows.len());
        let text = package.text(&entry.csv);
        assert!(text.ends_with("\r\n"), "RFC 4180 line ends");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let records: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(records[0], rows.columns, "the header row");
        let expected: Vec<Vec<String>> = rows
            .rows
            .iter()
            .map(|r| r.iter().map(cell).collect())
            .collect();
        assert_eq!(records[1..], expected[..], "{}", rows.table);
        with_rows += usize::from(!rows.rows.is_empty());
    }
    assert_eq!(with_rows, 3, "the customer, their invoices and their lines");
    // The address holds a comma: quoted.
    assert!(
        package
            .text("csv/chinook/Customer.csv")
            .contains(",\"4, Rue Milton\",")
    );

    // data.json: the same rows, typed, as objects of their columns in order.
    let data: serde_json::Value = serde_json::from_slice(package.file("data.json")).unwrap();
    assert_eq!(data["vow_export"], 1);
    assert_eq!(data["request"]["kind"], "access");
    for (table, rows) in data["datasets"][0]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&found.tables)
    {
        assert_eq!(table["table"], rows.table.as_str());
        let back: Vec<Vec<SqlValue>> = table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                let row = row.as_object().unwrap();
                let columns: Vec<&String> = row.keys().collect();
                assert_eq!(columns, rows.columns.iter().collect::<Vec<_>>());
                row.values().map(from_json).collect()
            })
            .collect();
        assert_eq!(back, rows.rows, "{}", rows.table);
    }
    let invoice = &data["datasets"][0]["tables"][1];
    assert_eq!(invoice["columns"][1]["name"], "CustomerId");
    assert!(
        invoice["rows"][0]["InvoiceId"].is_i64(),
        "numbers stay numbers"
    );
    assert!(invoice["rows"][0]["BillingCity"].is_string());
    assert_eq!(
        data["datasets"][0]["tables"][0]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "Email")
            .unwrap()["category"],
        "user.contact.email"
    );
    let again = serde_json::to_vec_pretty(&data).unwrap();
    assert_eq!(
        again[..],
        package.file("data.json")[..again.len()],
        "data.json is what it parses to"
    );

    // The same inputs, the same bytes.
    let (twice, _, _) = export(&shop, &request(ExportKind::Access, None), &held);
    assert!(bytes == twice, "the package is deterministic");

    if let Some(path) = std::env::var_os("VOW_EXPORT_SUMMARY") {
        let (_, _, english) = export(&shop, &request(ExportKind::Access, Some("en")), &held);
        std::fs::write(path, english.file("summary.html")).expect("writes the summary");
    }
}

#[tokio::test]
async fn the_summary_answers_article_15_from_the_policy() {
    let sample = common::chinook_sqlite();
    let db = Database::connect(&sample.url).await.expect("connects");
    let chinook = dataset("chinook");
    let found = found(&db, &chinook, EMAIL).await;
    let shop = policy("course-shop");
    let held = [Held {
        dataset: &chinook,
        found: &found,
    }];

    let (_, _, package) = export(&shop, &request(ExportKind::Access, Some("en")), &held);
    let html = package.text("summary.html");
    let section = |letter: char| -> &str {
        let start = html
            .find(&format!("id=\"art15-{letter}\""))
            .unwrap_or_else(|| panic!("no section ({letter})"));
        let end = html[start..].find("</section>").expect("a closed section") + start;
        &html[start..end]
    };
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("Code Courses Paris") && html.contains("req-2024-0042"));

    // (a) the purposes that use what is held, with their basis.
    let a = section('a');
    assert!(a.contains("Providing and operating the Services"));
    assert!(a.contains("Performance of a contract with you"));
    assert!(a.contains("Promotional messages, surveys and business updates"));
    assert!(a.contains("You can withdraw your consent at any time: e-mail (info@shop.example.fr)"));
    assert!(
        !a.contains("Google Analytics"),
        "web analytics uses no data held here"
    );
    // (b) the categories held, by the policy's names, and where.
    let b = section('b');
    assert!(b.contains("E-mail address") && b.contains("Purchase history"));
    assert!(b.contains("Postal address") && b.contains("Phone number"));
    assert!(b.contains("chinook › Invoice: InvoiceDate, Total"));
    assert!(!b.contains("user.contact.fax_number"), "Camille has no fax");
    // (c) recipients, with transfers outside the EEA and their safeguards.
    let c = section('c');
    assert!(c.contains("Wix.com") && c.contains("Wix payment gateways"));
    assert!(c.contains("outside the EEA") && c.contains("no safeguard stated"));
    assert!(c.contains("Service provider (processor)"));
    assert!(
        !c.contains("Google Analytics"),
        "it receives nothing held here"
    );
    // (d) retention per table, with the hold that keeps invoices.
    let d = section('d');
    assert!(d.contains("Until your account is closed"));
    assert!(d.contains("Longer if the law requires it"));
    assert!(d.contains(
        "Kept 10 years from InvoiceDate, even after an erasure request: Invoices are kept for ten years"
    ));
    // (e) the four rights: two from the policy, two from the GDPR.
    let e = section('e');
    assert!(e.contains("Correct your data") && e.contains("Delete your data"));
    assert!(e.contains("We answer within 1 month."));
    assert!(e.contains("E-mail: info@shop.example.fr"));
    assert!(e.contains("Given to you by law (GDPR Art. 18)"));
    assert!(e.contains("Given to you by law (GDPR Art. 21)"));
    assert!(e.contains("Access your data") && e.contains("Withdraw consent"));
    // (f) the CNIL, for a person in France.
    let f = section('f');
    assert!(f.contains("lodge a complaint with a supervisory authority"));
    assert!(f.contains("Commission nationale de l&#x27;informatique et des libertés (CNIL)"));
    assert!(f.contains("GDPR Art. 77"));
    // (g) sources.
    let g = section('g');
    assert!(g.contains("Purchase history") && g.contains("Collected automatically"));
    assert!(g.contains("Not collected from you: Purchase history."));
    // (h) no automated decisions, and said so.
    let h = section('h');
    assert!(h.contains("declares no decision about you based solely on automated processing"));
    assert!(h.contains("We do not use your data for profiling either."));

    // Self-contained: no script, no external resource.
    for banned in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(banned), "{banned}");
    }

    // The policy's own language by default.
    let (_, _, french) = export(&shop, &request(ExportKind::Access, None), &held);
    let fr = french.text("summary.html");
    assert!(fr.contains("<html lang=\"fr\">"));
    assert!(fr.contains("Pourquoi nous utilisons vos données"));
    assert!(fr.contains("hors de l&#x27;EEE"));
    assert!(fr.contains("Ce droit vous est donné par la loi (RGPD art. 18)"));
    // In the UK: the UK GDPR and the ICO; in California, the CPPA and only
    // the rights the policy grants.
    let mut uk = request(ExportKind::Access, Some("en"));
    uk.jurisdiction = "GB".into();
    let (_, _, package) = export(&shop, &uk, &held);
    let html = package.text("summary.html");
    assert!(html.contains("Given to you by law (UK GDPR Art. 18)"));
    assert!(html.contains("Information Commissioner&#x27;s Office (ICO)"));
    assert!(html.contains("outside the UK") && !html.contains("outside the EEA"));
    let mut ca = request(ExportKind::Access, Some("en"));
    ca.jurisdiction = "US-CA".into();
    let (_, _, package) = export(&shop, &ca, &held);
    let html = package.text("summary.html");
    assert!(html.contains("California Privacy Protection Agency"));
    assert!(!html.contains("Given to you by law") && !html.contains("Restrict processing"));
    assert!(html.contains("Correct your data") && !html.contains("outside the"));

    // A language the policy is not published in: its first.
    let (_, _, german) = export(&shop, &request(ExportKind::Access, Some("de")), &held);
    assert!(german.text("summary.html").contains("<html lang=\"fr\">"));
}

#[tokio::test]
async fn data_is_escaped_and_secrets_left_out() {
    let sample = common::chinook_sqlite();
    let db = Database::connect(&sample.url).await.expect("connects");
    common::execute(
        &db,
        "UPDATE Customer SET FirstName = '<script>alert(\"x\")</script>', Company = 'A & B <b>' WHERE CustomerId = 39",
    )
    .await;
    let mut chinook = dataset("chinook");
    chinook.tables[0]
        .columns
        .get_mut("Phone")
        .expect("Phone is listed")
        .secret = true;
    let found = found(&db, &chinook, EMAIL).await;
    let shop = policy("course-shop");
    let held = [Held {
        dataset: &chinook,
        found: &found,
    }];
    let (_, manifest, package) = export(&shop, &request(ExportKind::Access, Some("en")), &held);

    let html = package.text("summary.html");
    assert!(!html.contains("<script>alert"), "markup in data is text");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;&#x2f;script&gt;"));
    assert!(html.contains("A &amp; B &lt;b&gt;"));
    // The CSV keeps the value as it is.
    assert!(
        package
            .text("csv/chinook/Customer.csv")
            .contains("\"<script>alert(\"\"x\"\")</script>\"")
    );

    // The secret column is in no file, and the manifest says so.
    let customer = &manifest.datasets[0].tables[0];
    assert_eq!(customer.omitted, ["Phone"]);
    assert!(!customer.columns.iter().any(|c| c == "Phone"));
    assert!(
        !package
            .text("csv/chinook/Customer.csv")
            .contains("+33 01 49 70 65 65")
    );
    assert!(!package.text("data.json").contains("+33 01 49 70 65 65"));
    assert!(!html.contains("+33 01 49 70 65 65"));
    assert!(html.contains("Left out of this package: Phone."));
    // Still held, so still listed among the kinds of data.
    assert!(html.contains("Phone number"));
}

#[tokio::test]
async fn portability_and_nobody_found() {
    let sample = common::chinook_sqlite();
    let db = Database::connect(&sample.url).await.expect("connects");
    let chinook = dataset("chinook");
    let shop = policy("course-shop");

    let found = found(&db, &chinook, EMAIL).await;
    let held = [Held {
        dataset: &chinook,
        found: &found,
    }];
    let (_, manifest, package) =
        export(&shop, &request(ExportKind::Portability, Some("en")), &held);
    assert_eq!(manifest.request.kind, ExportKind::Portability);
    let html = package.text("summary.html");
    assert!(html.contains("Data portability request"));
    assert!(html.contains("structured, machine-readable form"));
    let data: serde_json::Value = serde_json::from_slice(package.file("data.json")).unwrap();
    assert_eq!(data["request"]["kind"], "portability");

    // Several datasets: sorted by id, each in its own folder.
    let mut archive = chinook.clone();
    archive.id = "archive".into();
    let both = [
        held[0],
        Held {
            dataset: &archive,
            found: &found,
        },
    ];
    let (_, manifest, package) = export(&shop, &request(ExportKind::Access, None), &both);
    let ids: Vec<&str> = manifest.datasets.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["archive", "chinook"]);
    assert_eq!(
        package.file("csv/archive/Invoice.csv"),
        package.file("csv/chinook/Invoice.csv")
    );

    let nobody = self::found(&db, &chinook, "nobody@example.org").await;
    let held = [Held {
        dataset: &chinook,
        found: &nobody,
    }];
    let (_, manifest, package) = export(&shop, &request(ExportKind::Access, Some("en")), &held);
    assert_eq!(manifest.datasets[0].subjects, 0);
    assert!(manifest.datasets[0].tables.iter().all(|t| t.rows == 0));
    // Every table still has its file: the header alone.
    let header = package.text("csv/chinook/Customer.csv");
    assert_eq!(header.lines().count(), 1);
    let html = package.text("summary.html");
    assert!(html.contains("found no personal data about you"));
    assert!(html.contains("We hold no personal data about you."));
    assert!(html.contains("We do not disclose the data we hold about you to anyone."));

    // One dataset given twice is refused.
    let twice = [held[0], held[0]];
    let err = write_package(
        Cursor::new(Vec::new()),
        &shop,
        &request(ExportKind::Access, None),
        &twice,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "the dataset `chinook` is given twice");
}
