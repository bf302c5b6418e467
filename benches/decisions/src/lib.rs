//! The decisions benchmark of issue 4: vow against Cedar and a hand-coded
//! floor, on the same questions about the five example policies.
//!
//! Its own workspace (`benches/decisions`, outside the main one), so that
//! the main build never compiles Cedar. Run `cargo bench` here for the
//! criterion comparison and the scaling, `cargo run --release --bin
//! latency` for percentiles and throughput on one core, `cargo run --release
//! --bin scaling` for percentiles as the policy grows, `cargo test` for
//! the check that the three agree on every answer.
//!
//! - `queries`: the query set, with the answers the policies promise.
//! - `facts`: what the floor and Cedar know of a policy, read from the
//!   typed policy, not from the engine.
//! - `floor`: the same rules by hand, allow or deny only.
//! - `cedar`: the same rules as a fixed Cedar policy set over entity data.
//! - `scaled`: synthetic policies of n purposes and recipients, 1,000
//!   people and a random mix of 4,096 questions about them.

pub mod cedar;
pub mod facts;
pub mod floor;
pub mod queries;
pub mod scaled;

use vow_engine::{CompiledPolicy, compile};

use crate::cedar::{Cedar, Form, World};
use crate::floor::Floor;
use crate::queries::{Case, EXAMPLES};

/// An example policy, read and checked.
pub fn example(name: &str) -> vow_policy::Policy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    vow_policy::check(&path, &text)
        .unwrap_or_else(|report| panic!("{path} does not check:\n{}", report.render(false)))
        .policy
}

/// One example policy in the three forms.
pub struct Example {
    pub name: &'static str,
    pub vow: CompiledPolicy,
    pub floor: Floor,
    /// The policy's facts and the subjects of its cases, as Cedar entities
    /// (for either form of the policy set).
    pub cedar: World,
}

/// Everything the benchmarks and the agreement test need, built once.
pub struct Suite {
    pub cases: Vec<Case>,
    pub examples: Vec<Example>,
    /// Cedar's fastest form: one permit and one forbid policy.
    pub cedar: Cedar,
    /// One Cedar policy per rule, named by it.
    pub cedar_per_rule: Cedar,
}

impl Suite {
    pub fn load() -> Suite {
        let cases = queries::cases();
        let cedar = Cedar::new(Form::Merged);
        let examples = EXAMPLES
            .iter()
            .map(|&name| {
                let policy = example(name);
                let subjects: Vec<(&str, &vow_engine::SubjectState)> = cases
                    .iter()
                    .filter(|c| c.policy == name)
                    .map(|c| (c.name, &c.subject))
                    .collect();
                Example {
                    name,
                    vow: compile(&policy),
                    floor: Floor::new(&policy),
                    cedar: cedar.world(&policy, &subjects),
                }
            })
            .collect();
        Suite {
            cases,
            examples,
            cedar,
            cedar_per_rule: Cedar::new(Form::PerRule),
        }
    }

    /// The example policy `case` is about.
    pub fn example(&self, case: &Case) -> &Example {
        self.examples
            .iter()
            .find(|e| e.name == case.policy)
            .unwrap_or_else(|| panic!("case {} names no example policy", case.name))
    }

    /// Each case with its example policy, resolved ahead of a timed loop.
    pub fn pairs(&self) -> Vec<(&Case, &Example)> {
        self.cases.iter().map(|c| (c, self.example(c))).collect()
    }
}
