//! The five example policies: each checks, and each tags every promise of
//! its customer (PROMISES.md) on the element that states it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

/// Example folder for each promise prefix of PROMISES.md.
const EXAMPLES: &[(&str, &str)] = &[
    ("EDU", "edtech-classroom"),
    ("AGENCY", "dev-agency"),
    ("KIDS", "kids-coding-franchise"),
    ("SHOP", "course-shop"),
    ("IOT", "iot-platform"),
];

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn example_text(name: &str) -> String {
    let path = workspace().join("examples").join(name).join("policy.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Promise ids in PROMISES.md, by prefix. The file lives in the shared
/// folder beside the repository (`../shared/docs/PROMISES.md`);
/// `VOW_PROMISES` overrides the path.
fn promises() -> BTreeMap<String, BTreeSet<String>> {
    let path = std::env::var_os("VOW_PROMISES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/docs/PROMISES.md"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read {} ({e}); the shared folder must sit beside the repository, or set VOW_PROMISES", path.display())
    });
    let mut by_prefix: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines() {
        let Some(cell) = line.strip_prefix("| ").and_then(|l| l.split(" |").next()) else {
            continue;
        };
        if let Some((prefix, number)) = cell.split_once('-')
            && prefix.chars().all(|c| c.is_ascii_uppercase())
            && number.chars().all(|c| c.is_ascii_digit())
            && !number.is_empty()
        {
            by_prefix
                .entry(prefix.to_owned())
                .or_default()
                .insert(cell.to_owned());
        }
    }
    by_prefix
}

/// Every `promises: [...]` id in the document, with the pointer of the element carrying it.
fn tagged(value: &Value, pointer: &str, out: &mut BTreeMap<String, Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "promises"
                    && let Value::Array(ids) = child
                {
                    for id in ids.iter().filter_map(Value::as_str) {
                        out.entry(id.to_owned())
                            .or_default()
                            .push(if pointer.is_empty() {
                                "/".to_owned()
                            } else {
                                pointer.to_owned()
                            });
                    }
                } else {
                    tagged(child, &format!("{pointer}/{key}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                tagged(child, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_example_checks() {
    let mut failures = String::new();
    for (_, name) in EXAMPLES {
        if let Err(report) =
            vow_policy::check(&format!("examples/{name}/policy.yaml"), &example_text(name))
        {
            failures.push_str(&report.render(false));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn every_promise_is_tagged_in_its_example() {
    let promises = promises();
    assert_eq!(
        promises.len(),
        EXAMPLES.len(),
        "PROMISES.md has prefixes {:?}",
        promises.keys()
    );
    let mut problems = Vec::new();
    for (prefix, name) in EXAMPLES {
        let value: Value = serde_saphyr::from_str(&example_text(name)).expect("example is YAML");
        let mut found = BTreeMap::new();
        tagged(&value, "", &mut found);
        let expected = &promises[*prefix];
        for id in expected {
            if !found.contains_key(id) {
                problems.push(format!("{name}: promise {id} is not tagged on any element"));
            }
        }
        for id in found.keys() {
            let known = promises.values().any(|ids| ids.contains(id));
            if !known {
                problems.push(format!("{name}: `{id}` is not a promise of PROMISES.md"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
