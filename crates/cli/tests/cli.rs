//! The `vow` binary end to end: exit codes, `--json`, files in and out.

use std::path::PathBuf;
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    workspace().join("crates/policy/tests/fixtures").join(name)
}

fn vow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vow"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .output()
        .expect("vow runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_a_valid_policy_exits_0() {
    let minimal = fixture("minimal.yaml");
    let out = vow(&["policy", "check", minimal.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("ok"));
}

#[test]
fn check_an_invalid_policy_exits_1_with_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    let text = std::fs::read_to_string(fixture("minimal.yaml"))
        .unwrap()
        .replace("basis: contract", "basis: contrat");
    std::fs::write(&bad, text).unwrap();
    let out = vow(&["policy", "check", bad.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("bad.yaml:23:12"), "{err}");
    assert!(err.contains("did you mean `contract`?"), "{err}");

    let out = vow(&["policy", "check", "--json", bad.to_str().unwrap()]);
    assert_eq!(code(&out), 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let d = &json[0]["diagnostics"][0];
    assert_eq!(d["code"], "P005");
    assert_eq!(d["location"]["line"], 23);
    assert_eq!(d["path"], "/purposes/0/basis");
}

#[test]
fn a_missing_file_exits_2() {
    let out = vow(&["policy", "check", "no/such/file.yaml"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("cannot read no/such/file.yaml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_flags_exit_2() {
    let out = vow(&["policy", "check", "--no-such-flag"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn schema_is_json_and_matches_the_committed_copy() {
    let out = vow(&["policy", "schema"]);
    assert_eq!(code(&out), 0);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(schema["title"], "vow privacy policy");
    let committed = std::fs::read(workspace().join("schema/policy.schema.json")).unwrap();
    assert_eq!(out.stdout, committed);
}

#[test]
fn help_explains() {
    let out = vow(&["policy", "check", "--help"]);
    assert_eq!(code(&out), 0);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("every error at once"), "{help}");
}

#[test]
fn lint_reports_the_seed_problems_and_fails_on_errors() {
    // promise: AGENCY-03 — the agency's Privacy Shield transfer is reported
    let out = vow(&["policy", "lint", "examples/dev-agency/policy.yaml"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("L007::privacy-shield-transfer"), "{err}");
    assert!(err.contains("Schrems II"), "{err}");

    let out = vow(&[
        "policy",
        "lint",
        "--json",
        "--fail-on",
        "never",
        "examples/dev-agency/policy.yaml",
    ]);
    assert_eq!(code(&out), 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"L007") && codes.contains(&"L004"),
        "{codes:?}"
    );
    assert!(json["findings"][0]["authority"].is_string());
}

#[test]
fn lint_explains_a_code() {
    let out = vow(&["policy", "lint", "--explain", "L002"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("13 months"));
    assert_eq!(code(&vow(&["policy", "lint", "--explain", "L999"])), 2);
}

#[test]
fn render_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("policy.html");
    let out = vow(&[
        "policy",
        "render",
        "examples/iot-platform/policy.yaml",
        "--format",
        "html",
        "--lang",
        "uk",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = std::fs::read_to_string(&out_file).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("lang=\"uk\""));
    assert!(html.contains("Файли cookie"));
    let bad = vow(&[
        "policy",
        "render",
        "examples/iot-platform/policy.yaml",
        "--lang",
        "de",
    ]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("use one of en, fr, uk"));
}

#[test]
fn diff_gives_the_effective_date() {
    // promise: EDU-15 — 7 business days after 1 December 2026 is 10 December 2026
    let v2 = workspace().join("crates/policy/tests/fixtures/edtech-classroom-v2.yaml");
    let args = [
        "policy",
        "diff",
        "examples/edtech-classroom/policy.yaml",
        v2.to_str().unwrap(),
        "--published",
        "2026-12-01",
    ];
    let out = vow(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("earliest effective date: 2026-12-11"));
    let mut json_args = args.to_vec();
    json_args.push("--json");
    json_args.push("--fail-on-material");
    let out = vow(&json_args);
    assert_eq!(code(&out), 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["effective"]["date"], "2026-12-11");
    assert_eq!(json["material"], true);
}

/// `vow ledger verify` with the environment of a clean shell.
fn vow_ledger(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vow"))
        .arg("ledger")
        .args(args)
        .env_remove("VOW_LEDGER_KEY")
        .env_remove("VOW_DATABASE")
        .env_remove("VOW_DATA_DIR")
        .output()
        .expect("vow runs")
}

#[test]
fn ledger_verify_finds_tampering_in_the_database() {
    use sqlx::Executor;
    use vow_store::Store;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vow.db");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let key = vow_store::LedgerKey::load_or_create(&dir.path().join("ledger.key")).unwrap();
    runtime.block_on(async {
        let store = vow_store::SqliteStore::open(&db, key.clone())
            .await
            .unwrap();
        for i in 0..4 {
            let event = vow_store::Event {
                seq: 0,
                id: format!("e{i}"),
                subject: "alice".into(),
                at: chrono::Utc::now(),
                actor: vow_store::Actor {
                    kind: vow_store::ActorKind::Subject,
                    id: "alice".into(),
                },
                source: vow_store::EventSource {
                    channel: "banner".into(),
                    ..Default::default()
                },
                policy_version: "1".into(),
                kind: vow_store::EventKind::ConsentGiven {
                    purpose: format!("p{i}"),
                    until: None,
                },
                prev_hash: String::new(),
                hash: String::new(),
            };
            store.append(event).await.unwrap();
        }
        store.close().await;
    });
    let data_dir = dir.path().to_str().unwrap();
    let out = vow_ledger(&["verify", "--data-dir", data_dir]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("ledger intact: 4 event(s)"));
    // The key may come from the environment instead, or from another file.
    let out = Command::new(env!("CARGO_BIN_EXE_vow"))
        .args([
            "ledger",
            "verify",
            "--database",
            db.to_str().unwrap(),
            "--json",
        ])
        .env("VOW_LEDGER_KEY", key.to_hex())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let other = dir.path().join("other.key");
    vow_store::LedgerKey::load_or_create(&other).unwrap();
    let out = vow_ledger(&[
        "verify",
        "--data-dir",
        data_dir,
        "--key-file",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("does not match this ledger"),
        "{}",
        stderr(&out)
    );

    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        pool.execute("UPDATE ledger SET body = REPLACE(body, 'p1', 'sale') WHERE seq = 2")
            .await
            .unwrap();
        pool.execute("DELETE FROM ledger WHERE seq = 4")
            .await
            .unwrap();
        pool.close().await;
    });
    let out = vow_ledger(&["verify", "--data-dir", data_dir, "--json"]);
    assert_eq!(code(&out), 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["intact"], false);
    assert_eq!(
        (json["events"].as_u64(), json["head"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(json["tampering"][0]["seq"], 2);
    assert_eq!(json["tampering"][0]["kind"], "changed");
    assert_eq!(json["tampering"][1]["kind"], "deleted");
    assert_eq!(json["tampering"][1]["seq"], 4);
    // No progress bar when stderr is not a terminal: just the findings.
    let out = vow_ledger(&["verify", "--data-dir", data_dir]);
    assert_eq!(code(&out), 1);
    let text = stderr(&out);
    assert!(text.contains("Changed at event 2 (e1)"), "{text}");
    assert!(
        text.contains("ledger TAMPERED: 2 finding(s) in 3 event(s)"),
        "{text}"
    );
    assert!(!text.contains("verifying"), "{text}");
}

#[test]
fn ledger_verify_needs_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("vow.db"), b"").unwrap();
    let out = vow_ledger(&["verify", "--data-dir", dir.path().to_str().unwrap()]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no ledger key at"),
        "{}",
        stderr(&out)
    );
    let out = vow_ledger(&["verify", "--data-dir", "/nonexistent/vow-data"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no store at"), "{}", stderr(&out));
}

fn example(name: &str) -> String {
    workspace()
        .join("examples")
        .join(name)
        .join("policy.yaml")
        .display()
        .to_string()
}

/// `vow` with `input` on standard input.
fn vow_in(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_vow"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .env_remove("VOW_POLICY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vow runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// EDU-07, KIDS-10: `vow redact` takes card numbers and the security code
/// out of a ticket, says what it found, and exits 1 when it found any.
#[test]
fn edu_07_redact_takes_card_numbers_out_of_a_ticket() {
    let policy = example("edtech-classroom");
    let ticket = "Paid with 4242 4242 4242 4242, CVV 123. Order 2026-1207.\n";
    let out = vow_in(&["redact", "--policy", &policy], ticket);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Paid with [•••• 4242], [•••]. Order 2026-1207.\n"
    );
    assert!(
        stderr(&out).contains("redacted user.financial.credit_card at bytes 10..29: •••• 4242"),
        "{}",
        stderr(&out)
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ticket.txt");
    std::fs::write(&file, ticket).unwrap();
    let out = vow(&[
        "redact",
        file.to_str().unwrap(),
        "--policy",
        &policy,
        "--json",
    ]);
    assert_eq!(code(&out), 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["found"][0]["start"], 10);
    assert_eq!(json["found"][0]["end"], 29);
    assert_eq!(json["found"][0]["masked"], "•••• 4242");
    assert_eq!(
        json["categories"],
        serde_json::json!(["user.financial.credit_card"])
    );

    // Nothing to take out: exit 0, the text as it was.
    let out = vow_in(&["redact", "-", "--policy", &policy], "order 2026-1207");
    assert_eq!(code(&out), 0);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "order 2026-1207");

    // Over 1 MiB: refused, saying what to do.
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "a".repeat((1 << 20) + 1)).unwrap();
    let out = vow(&["redact", big.to_str().unwrap(), "--policy", &policy]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("larger than 1048576 bytes (1 MiB)"),
        "{}",
        stderr(&out)
    );
}

/// EDU-01: `vow collections check` names what a submission lacks or
/// carries too much, exits 1 then, 0 when it may be taken, 2 for an
/// unknown point.
#[test]
fn edu_01_collections_check_names_what_is_missing_or_extra() {
    let policy = example("edtech-classroom");
    let out = vow(&[
        "collections",
        "check",
        "contact_me",
        "--categories",
        "user.contact.name,user.financial.credit_card",
        "--policy",
        &policy,
    ]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("refused: `contact_me` may not take this submission"),
        "{err}"
    );
    assert!(
        err.contains(
            "`contact_me` requires `user.contact.email`, which the submission does not carry"
        ),
        "{err}"
    );
    assert!(
        err.contains("`contact_me` does not collect `user.financial.credit_card`"),
        "{err}"
    );

    let out = vow(&[
        "collections",
        "check",
        "contact_me",
        "--categories",
        "user.contact.name,user.contact.email",
        "--policy",
        &policy,
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["allowed"], true);
    assert_eq!(json["promises"], serde_json::json!(["EDU-01", "EDU-06"]));

    let out = vow(&["collections", "check", "newsletter", "--policy", &policy]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("`newsletter` is not a collection point of the policy in force; it declares registration, purchase, contact_me"),
        "{}",
        stderr(&out)
    );
}
