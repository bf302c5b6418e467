//! `vow request` as a person runs it, on Chinook in SQLite: create,
//! verify, a dry run that changes nothing, and an erasure killed between
//! tables (the process aborts, as under `kill -9`) that resumes and
//! completes without doing anything twice.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const KEY: &str = "4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b";

fn chinook(file: &Path) {
    let data = std::env::var_os("VOW_SAMPLE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    let path = data.join("chinook/Chinook_Sqlite.sql");
    let sql = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut child = Command::new("sqlite3")
        .arg(file)
        .stdin(Stdio::piped())
        .spawn()
        .expect("sqlite3 is installed");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &sql).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
}

fn sql(file: &Path, query: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(file)
        .arg(query)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

struct Setup {
    _dir: tempfile::TempDir,
    data: PathBuf,
    db: PathBuf,
    /// The policy the commands work under [default: the kids-coding-franchise example].
    policy: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let datasets = data.join("datasets");
        std::fs::create_dir_all(&datasets).unwrap();
        let db = dir.path().join("chinook.db");
        chinook(&db);
        // The placeholder that held invoices are re-attached to.
        sql(
            &db,
            "INSERT INTO Customer (CustomerId, FirstName, LastName, Email) VALUES (0, 'ERASED', 'ERASED', 'erased@invalid.example')",
        );
        let dataset = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../dsr/tests/datasets/chinook.yaml"
        ))
        .unwrap()
        .replace(
            "connection: { url_env: CHINOOK_DATABASE_URL }",
            "connection: { secrets_file: chinook.url }",
        );
        std::fs::write(datasets.join("chinook.yaml"), dataset).unwrap();
        std::fs::write(
            datasets.join("chinook.url"),
            format!("sqlite://{}\n", db.display()),
        )
        .unwrap();
        // A store, as a first `vow serve` leaves it.
        std::fs::write(data.join("ledger.key"), KEY).unwrap();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let key = vow_store::LedgerKey::from_hex(KEY).unwrap();
                let store = vow_store::SqliteStore::open(&data.join("vow.db"), key)
                    .await
                    .unwrap();
                vow_store::Store::close(&store).await;
            });
        Setup {
            _dir: dir,
            data,
            db,
            policy: PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../examples/kids-coding-franchise/policy.yaml"
            )),
        }
    }

    fn vow(&self, args: &[&str], failpoint: Option<&str>) -> Output {
        let policy = &self.policy;
        let mut command = Command::new(env!("CARGO_BIN_EXE_vow"));
        command.args(args).arg("--data-dir").arg(&self.data);
        // The commands that work under the policy take it.
        if args[0] == "request"
            && matches!(
                args[1],
                "create" | "verify" | "run" | "export" | "extend" | "deny" | "acknowledge"
            )
        {
            command.arg("--policy").arg(policy);
        }
        command
            .env_remove("VOW_LEDGER_KEY")
            .env_remove("VOW_FAILPOINT");
        if let Some(point) = failpoint {
            command.env("VOW_FAILPOINT", point);
        }
        command.output().expect("vow runs")
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.vow(args, None);
        assert!(
            out.status.success() || out.status.code() == Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
    }

    /// Every row of the other customers and their invoices.
    fn others(&self) -> String {
        sql(
            &self.db,
            "SELECT group_concat(r, '|') FROM (SELECT quote(CustomerId)||quote(FirstName)||quote(Email)||quote(Phone) AS r FROM Customer WHERE CustomerId NOT IN (0, 1, 2) UNION ALL SELECT quote(InvoiceId)||quote(CustomerId)||quote(BillingAddress)||quote(Total) FROM Invoice WHERE CustomerId NOT IN (0, 1, 2) UNION ALL SELECT quote(InvoiceLineId)||quote(InvoiceId)||quote(UnitPrice) FROM InvoiceLine WHERE InvoiceId IN (SELECT InvoiceId FROM Invoice WHERE CustomerId NOT IN (0, 1, 2)) ORDER BY 1)",
        )
    }
}

#[test]
fn an_erasure_killed_between_tables_resumes_and_completes() {
    let s = Setup::new();
    let others = s.others();
    let invoices = sql(&s.db, "SELECT count(*) FROM Invoice WHERE CustomerId = 1");
    let created = s.json(&[
        "request",
        "create",
        "--right",
        "erasure",
        "--subject",
        "luisg@embraer.com.br",
        "--jurisdiction",
        "GB",
        "--id",
        "req-1",
        "--json",
    ]);
    assert_eq!(created["request"]["state"]["state"], "received");
    let out = s.vow(&["request", "run", "req-1"], None);
    assert_eq!(out.status.code(), Some(1), "not verified: not finished");
    assert!(String::from_utf8_lossy(&out.stdout).contains("vow request verify req-1"));
    let verified = s.json(&[
        "request",
        "verify",
        "req-1",
        "--method",
        "account",
        "--by",
        "staff:dpo",
        "--json",
    ]);
    assert_eq!(verified["request"]["state"]["state"], "verified");

    // The dry run prints the plan with row counts and changes nothing.
    let out = s.vow(&["request", "run", "req-1", "--dry-run"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(
        plan.contains(&format!("{invoices} row(s)  Invoice")),
        "{plan}"
    );
    assert!(plan.contains("hold `accounting`"), "{plan}");
    assert_eq!(
        sql(&s.db, "SELECT count(*) FROM Customer WHERE CustomerId = 1"),
        "1"
    );

    // Killed after the second table's statement, inside the transaction.
    let out = s.vow(&["request", "run", "req-1"], Some("erase.after_table:2"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fail point `erase.after_table`"));
    assert_eq!(
        sql(&s.db, "SELECT count(*) FROM Customer WHERE CustomerId = 1"),
        "1"
    );
    assert_eq!(
        sql(&s.db, "SELECT count(*) FROM Invoice WHERE CustomerId = 1"),
        invoices
    );
    let shown = s.json(&["request", "show", "req-1", "--json"]);
    assert_eq!(shown["tasks"][0]["state"], "running");
    assert_eq!(shown["tasks"][0]["attempts"], 1);

    // Run again: it resumes and completes, once.
    let done = s.json(&["request", "run", "req-1", "--json"]);
    let case = &done[0];
    assert_eq!(
        case["request"]["state"]["state"], "partially_completed",
        "{case}"
    );
    let task = &case["tasks"][0];
    assert_eq!(
        (task["state"].as_str(), task["attempts"].as_u64()),
        (Some("done"), Some(2))
    );
    let tables = task["outcome"]["tables"].as_array().unwrap();
    let invoice = tables.iter().find(|t| t["table"] == "Invoice").unwrap();
    assert_eq!(invoice["changed"].to_string(), invoices);
    assert_eq!(
        sql(&s.db, "SELECT count(*) FROM Customer WHERE CustomerId = 1"),
        "0"
    );
    assert_eq!(
        sql(&s.db, "SELECT count(*) FROM Invoice WHERE CustomerId = 1"),
        "0"
    );
    assert_eq!(sql(&s.db, "PRAGMA foreign_key_check"), "");
    assert_eq!(s.others(), others, "another customer's rows changed");

    let steps: Vec<&str> = case["request"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["transition"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "received",
            "identity_checked",
            "started",
            "partially_completed"
        ]
    );
    let out = s.vow(&["ledger", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Killed after the erasure committed but before its result was saved:
/// the task runs again, finds nothing left of the person, and reports what
/// the committed erasure did (saved just before its commit); the database
/// is as one erasure leaves it.
#[test]
fn a_crash_after_the_commit_reruns_the_task_harmlessly() {
    let s = Setup::new();
    let others = s.others();
    s.json(&[
        "request",
        "create",
        "--right",
        "erasure",
        "--subject",
        "leonekohler@surfeu.de",
        "--jurisdiction",
        "GB",
        "--id",
        "req-2",
        "--json",
    ]);
    s.json(&[
        "request", "verify", "req-2", "--method", "account", "--json",
    ]);
    let invoices = sql(&s.db, "SELECT count(*) FROM Invoice WHERE CustomerId = 2");
    let out = s.vow(&["request", "run", "req-2"], Some("runner.after_task"));
    assert!(!out.status.success());
    assert_eq!(
        sql(&s.db, "SELECT count(*) FROM Customer WHERE CustomerId = 2"),
        "0"
    );
    let done = s.json(&["request", "run", "req-2", "--json"]);
    assert_eq!(
        done[0]["request"]["state"]["state"], "partially_completed",
        "{}",
        done[0]
    );
    let task = &done[0]["tasks"][0];
    assert_eq!(task["attempts"], 2);
    let tables = task["outcome"]["tables"].as_array().unwrap();
    let invoice = tables.iter().find(|t| t["table"] == "Invoice").unwrap();
    assert_eq!(invoice["changed"].to_string(), invoices);
    assert_eq!(
        sql(&s.db, "SELECT count(*) FROM Invoice WHERE CustomerId = 2"),
        "0"
    );
    assert_eq!(s.others(), others);
    let listed = s.json(&["request", "list", "--json"]);
    assert_eq!(listed[0]["status"], "partially_completed");
}

/// A Californian's request owes a confirmation of receipt within 10
/// business days (CCPA regs, 11 CCR § 7021(a)): the listing shows the date
/// until it is sent, then no longer.
#[test]
fn the_confirmation_of_receipt_is_tracked_until_sent() {
    let s = Setup::new();
    s.json(&[
        "request",
        "create",
        "--right",
        "access",
        "--subject",
        "luisg@embraer.com.br",
        "--jurisdiction",
        "US-CA",
        "--id",
        "req-ca",
        "--json",
    ]);
    let listed = s.json(&["request", "list", "--json"]);
    let by = listed[0]["acknowledge_by"]
        .as_str()
        .expect("a date is owed");
    let received: chrono::DateTime<chrono::Utc> =
        listed[0]["received_at"].as_str().unwrap().parse().unwrap();
    let by: chrono::DateTime<chrono::Utc> = by.parse().unwrap();
    // Ten business days: two weeks and no more than four weekend days over.
    let days = (by - received).num_days();
    assert!((13..=16).contains(&days), "{received} -> {by}");
    let text = String::from_utf8(s.vow(&["request", "list"], None).stdout).unwrap();
    assert!(
        text.contains("confirm by") && text.contains(&by.format("%Y-%m-%d").to_string()),
        "{text}"
    );

    s.json(&[
        "request",
        "acknowledge",
        "req-ca",
        "--told",
        "letter posted today",
        "--json",
    ]);
    let listed = s.json(&["request", "list", "--json"]);
    assert!(listed[0]["acknowledge_by"].is_null(), "{}", listed[0]);
}

/// An access request, verified, run, then exported: the zip holds the
/// manifest, data.json, the CSVs and the Art. 15 summary.
#[test]
fn an_access_request_is_exported_as_a_package() {
    let s = Setup::new();
    s.json(&[
        "request",
        "create",
        "--right",
        "access",
        "--subject",
        "luisg@embraer.com.br",
        "--jurisdiction",
        "GB",
        "--id",
        "req-3",
        "--json",
    ]);
    s.json(&[
        "request", "verify", "req-3", "--method", "account", "--json",
    ]);
    let done = s.json(&["request", "run", "req-3", "--json"]);
    assert_eq!(
        done[0]["request"]["state"]["state"], "completed",
        "{}",
        done[0]
    );
    let zip = s.data.join("req-3.zip");
    let manifest = s.json(&[
        "request",
        "export",
        "req-3",
        "-o",
        zip.to_str().unwrap(),
        "--json",
    ]);
    let files: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"summary.html") && files.contains(&"data.json"),
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f.ends_with("Customer.csv")),
        "{files:?}"
    );
    let bytes = std::fs::read(&zip).unwrap();
    assert_eq!(&bytes[..2], b"PK");
}

/// AGENCY-13: `vow request create` refuses a rectification of a field the
/// policy declares immutable, naming it and saying why, and records
/// nothing; without it, the request opens and the mutable field changes.
#[test]
fn agency_13_a_rectification_of_an_immutable_field_is_refused() {
    let mut s = Setup::new();
    let policy = std::fs::read_to_string(&s.policy).unwrap().replace(
        "{id: user.contact.email, name: E-mail address, sources: [subject, controller]}",
        "{id: user.contact.email, name: E-mail address, sources: [subject, controller], immutable: true}",
    );
    assert!(policy.contains("immutable: true"));
    s.policy = s.data.join("policy.yaml");
    std::fs::write(&s.policy, policy).unwrap();
    let create = |set: &[&str], json: bool| {
        let mut args = vec![
            "request",
            "create",
            "--right",
            "rectification",
            "--subject",
            "luisg@embraer.com.br",
            "--jurisdiction",
            "GB",
            "--id",
            "req-13",
        ];
        for value in set {
            args.extend(["--set", value]);
        }
        if json {
            args.push("--json");
        }
        s.vow(&args, None)
    };
    let refused = create(&["City=Curitiba", "Email=luis@example.com"], false);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("refused: `Email` cannot be changed: it holds E-mail address (`user.contact.email`), which the privacy policy declares immutable"),
        "{err}"
    );
    let refused = create(&["Email=luis@example.com"], true);
    assert_eq!(refused.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(json["refused"]["code"], "immutable_field");
    assert_eq!(json["refused"]["column"], "Email");
    assert_eq!(json["refused"]["category"], "user.contact.email");
    let listed = s.json(&["request", "list", "--json"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");

    let opened = create(&["City=Curitiba"], true);
    assert_eq!(
        opened.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    s.json(&[
        "request", "verify", "req-13", "--method", "account", "--json",
    ]);
    let done = s.json(&["request", "run", "req-13", "--json"]);
    assert_eq!(
        done[0]["request"]["state"]["state"], "completed",
        "{}",
        done[0]
    );
    assert_eq!(
        sql(
            &s.db,
            "SELECT City || ' ' || Email FROM Customer WHERE CustomerId = 1"
        ),
        "Curitiba luisg@embraer.com.br"
    );
}

/// Staff extend one request and refuse another, having told the person
/// another way (KIDS-14: one month plus two at most).
#[test]
fn staff_extend_and_deny_saying_how_the_person_was_told() {
    let s = Setup::new();
    for id in ["req-long", "req-no"] {
        s.json(&[
            "request",
            "create",
            "--right",
            "access",
            "--subject",
            "luisg@embraer.com.br",
            "--jurisdiction",
            "GB",
            "--id",
            id,
            "--json",
        ]);
    }
    let out = s.vow(
        &[
            "request",
            "extend",
            "req-long",
            "--reason",
            "three systems",
            "--until",
            "2099-01-01",
        ],
        None,
    );
    assert!(!out.status.success(), "past what the law allows");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2099"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let extended = s.json(&[
        "request",
        "extend",
        "req-long",
        "--reason",
        "your data is in three systems, one of them archived",
        "--told",
        "phone call on 2 December",
        "--by",
        "staff:ada",
        "--json",
    ]);
    assert_eq!(
        extended["request"]["due"],
        extended["request"]["deadline"]["extended_due"]
    );
    assert_eq!(extended["told"][0]["by"], "otherwise");
    assert_eq!(extended["told"][0]["how"], "phone call on 2 December");
    let denied = s.json(&[
        "request",
        "deny",
        "req-no",
        "--identity-not-verified",
        "--told",
        "letter posted on 2 December",
        "--json",
    ]);
    assert_eq!(denied["request"]["state"]["state"], "denied");
    assert_eq!(
        denied["request"]["state"]["reason"]["code"], "identity_not_verified",
        "{denied}"
    );
    let out = s.vow(&["ledger", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
