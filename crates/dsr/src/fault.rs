//! Fail points: named places where a test makes the process die, to show
//! that work resumes correctly after a crash.
//!
//! `VOW_FAILPOINT=erase.after_table:2` aborts the process (as `kill -9`
//! would end it: no destructors, no commit) the second time execution
//! passes `erase.after_table`. Several points are separated by commas.
//! Without the variable a point costs one relaxed atomic load.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::OnceLock;

/// The points set by `VOW_FAILPOINT`, each with the passage it dies at.
fn armed() -> &'static Option<Mutex<HashMap<String, u64>>> {
    static ARMED: OnceLock<Option<Mutex<HashMap<String, u64>>>> = OnceLock::new();
    ARMED.get_or_init(|| {
        let spec = std::env::var("VOW_FAILPOINT").ok()?;
        let points = spec
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once(':') {
                Some((name, n)) => (name.to_owned(), n.parse().unwrap_or(1)),
                None => (p.to_owned(), 1),
            })
            .collect();
        Some(Mutex::new(points))
    })
}

/// Passes the point `name`: aborts the process when `VOW_FAILPOINT`
/// says this passage is the one to die at.
pub fn point(name: &str) {
    let Some(points) = armed() else {
        return;
    };
    let mut points = points.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(left) = points.get_mut(name) {
        *left = left.saturating_sub(1);
        if *left == 0 {
            eprintln!("vow: fail point `{name}` reached: aborting (VOW_FAILPOINT)");
            std::process::abort();
        }
    }
}
