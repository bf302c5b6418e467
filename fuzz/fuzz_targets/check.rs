//! Arbitrary text through the whole check pipeline, and through the report
//! rendering that locates and prints what it found: none of it may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match vow_policy::check("fuzz.yaml", text) {
        Ok(checked) => {
            let _ = vow_policy::PolicyIndex::build(&checked.policy);
        }
        Err(report) => {
            let _ = report.render(false);
            let _ = report.to_json();
        }
    }
});
