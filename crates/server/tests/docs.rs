//! What the server documents stays true: the committed OpenAPI copy is the
//! one the code generates, and every error code is in docs/errors.md.

use utoipa::OpenApi;
use vow_server::error::ErrorCode;

fn root(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

#[test]
fn the_committed_openapi_description_is_current() {
    let generated = vow_server::openapi::ApiDoc::openapi()
        .to_pretty_json()
        .unwrap()
        + "\n";
    let path = root("schema/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/openapi.json is stale: run `cargo run -p vow-cli -- openapi -o schema/openapi.json`"
    );
    let spec: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert!(
        spec["openapi"].as_str().unwrap().starts_with("3.1"),
        "OpenAPI 3.1"
    );
}

#[test]
fn every_error_code_is_documented() {
    let doc = std::fs::read_to_string(root("docs/errors.md")).expect("docs/errors.md");
    for code in ErrorCode::ALL {
        assert!(
            doc.contains(&format!("`{}`", code.as_str())),
            "docs/errors.md does not list `{}` ({})",
            code.as_str(),
            code.summary()
        );
    }
}
