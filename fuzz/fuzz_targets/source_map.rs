//! The YAML source map on arbitrary text: building it and looking up
//! pointers and offsets must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vow_policy::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let map = SourceMap::build(text);
    for pointer in ["", "/a", "/a/0", "/purposes/0/id", "/x/y/z"] {
        if let Some((_, node)) = map.lookup(pointer) {
            let _ = map.line_col(text, node.value.offset);
        }
    }
    let _ = map.line_col(text, text.len());
});
