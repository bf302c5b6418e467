//! `vow dataset discover` then `vow dataset check`, as a person would run
//! them, on Chinook in SQLite.

use std::process::{Command, Stdio};

fn chinook(dir: &std::path::Path) -> String {
    let file = dir.join("chinook.db");
    // The shared folder sits beside the repository; VOW_SAMPLE_DATA overrides it.
    let data = std::env::var_os("VOW_SAMPLE_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    let path = data.join("chinook/Chinook_Sqlite.sql");
    let sql = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut child = Command::new("sqlite3")
        .arg(&file)
        .stdin(Stdio::piped())
        .spawn()
        .expect("sqlite3 is installed");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &sql).unwrap();
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    format!("sqlite://{}", file.display())
}

fn vow(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vow"));
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("vow runs")
}

#[test]
fn a_discovered_draft_checks_against_its_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = chinook(dir.path());
    let draft = dir.path().join("chinook.dataset.yaml");
    let out = vow(
        &[
            "dataset",
            "discover",
            &url,
            "--subject-table",
            "Customer",
            "--identity",
            "email=Email,account_id=CustomerId",
            "--id",
            "music",
            "--url-env",
            "MUSIC_DB",
            "-o",
            draft.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("3 tables hold rows of a `Customer`: Customer, Invoice, InvoiceLine")
    );
    let text = std::fs::read_to_string(&draft).unwrap();
    assert!(text.starts_with("# A draft by `vow dataset discover`"));
    // The URL is never written into the file, only where to find it.
    assert!(
        !text.contains("chinook.db") && text.contains("MUSIC_DB"),
        "{text}"
    );

    let out = vow(
        &["dataset", "check", draft.to_str().unwrap(), "--json"],
        &[("MUSIC_DB", &url)],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(out.status.code(), Some(0));

    // Without the variable, the check says which one to set.
    let out = vow(&["dataset", "check", draft.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`MUSIC_DB`"));

    // A column the database does not have is an error with its line.
    let broken = text.replacen("Email:", "Emial:", 1);
    std::fs::write(&draft, broken).unwrap();
    let out = vow(
        &["dataset", "check", draft.to_str().unwrap(), "--json"],
        &[("MUSIC_DB", &url)],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = report["diagnostics"].as_array().unwrap();
    let unknown = all
        .iter()
        .find(|d| d["code"] == "D008")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(unknown["help"], "did you mean `Email`?");
    assert!(unknown["location"]["line"].as_u64().unwrap() > 0);
    // And the real column, now undescribed, is a warning.
    assert!(
        all.iter()
            .any(|d| d["code"] == "D101" && d["severity"] == "warning")
    );
}
