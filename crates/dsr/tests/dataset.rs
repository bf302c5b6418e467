//! Dataset files: the committed schema is current, and bad files get
//! located errors that say how to fix them.

#[test]
fn committed_schema_is_current() {
    let committed = include_str!("../../../schema/dataset.schema.json");
    assert!(
        committed == vow_dsr::dataset::json_schema_text(),
        "schema/dataset.schema.json is stale: run `cargo run -p vow-cli -- dataset schema -o schema/dataset.schema.json`"
    );
}

/// (code, message and help, line) of each error.
fn errors(text: &str) -> Vec<(String, String, usize)> {
    let report = vow_dsr::dataset::parse("bad.yaml", text).expect_err("the file is refused");
    report
        .diagnostics
        .iter()
        .map(|d| {
            let said = format!("{} / {}", d.message, d.help.as_deref().unwrap_or(""));
            (d.code.to_owned(), said, d.location.map_or(0, |l| l.line))
        })
        .collect()
}

#[test]
fn a_misspelt_field_is_located_with_the_nearest_name() {
    let found = errors(
        "vow_dataset: 1\nid: shop\nconnection: { url_env: SHOP_URL }\nsubject: { table: customer, key: [id], identity: { email: email } }\ntables:\n  - table: customer\n    erase: delete\n    colums: {}\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    let (code, message, line) = &found[0];
    assert_eq!((code.as_str(), *line), ("P002", 8));
    assert!(
        message.contains("`colums`") && message.contains("`columns`"),
        "{message}"
    );
}

#[test]
fn meaning_errors_come_all_at_once() {
    let found = errors(
        "vow_dataset: 1\nid: shop\nconnection: { url_env: SHOP_URL, secrets_file: shop.url }\nsubject: { table: customer, key: [id], identity: { email: email } }\n\
         tables:\n  - table: customer\n    erase: delete\n  - table: orders\n    erase: keep\n  - table: payments\n    path: [{ table: orders, on: { order_id: id } }]\n    erase: keep\n    hold: acounting\n",
    );
    let codes: Vec<&str> = found.iter().map(|(c, _, _)| c.as_str()).collect();
    // Both connection sources; orders without a path and kept under no hold;
    // payments' path not ending at the customer, and an undeclared hold.
    for code in ["D005", "D003", "D004"] {
        assert!(codes.contains(&code), "{code} missing from {found:?}");
    }
    assert!(found.len() >= 5, "{found:?}");
    assert!(
        found.iter().all(|(_, _, line)| *line > 0),
        "every error has its line: {found:?}"
    );
}

/// Every check code is documented in docs/datasets.md.
#[test]
fn every_code_is_documented() {
    let docs = include_str!("../../../docs/datasets.md");
    for code in vow_dsr::dataset::CODES {
        assert!(
            docs.contains(&format!("| {} | {} |", code.code, code.name)),
            "{} is not in docs/datasets.md",
            code.code
        );
    }
}
