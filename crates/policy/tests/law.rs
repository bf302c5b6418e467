//! docs/law.md is the law tables as Markdown: it changes only with them.

#[test]
fn docs_law_md_is_generated_from_the_tables() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/law.md");
    let committed = std::fs::read_to_string(path).expect("docs/law.md");
    assert!(
        committed == vow_policy::law::document::markdown(),
        "docs/law.md is stale: run `cargo run -p vow-cli -- law --format markdown -o docs/law.md`"
    );
}
