//! Decisions as the policy grows, asked as users ask them: a synthetic
//! policy (`vow_policy::generate::synthetic_policy_yaml(n)`) with n
//! purposes, n recipients and `max(n / 10, 10)` categories, [`SUBJECTS`]
//! people, and a random mix of [`QUERIES`] questions over all of them
//! (fixed [`SEED`]), asked in turn. A benchmark that repeats one question
//! keeps that question's data in cache and reports the same time at every
//! size; a mix makes each decision find its purpose, recipient, categories
//! and person wherever they are, as a server does.
//!
//! The mix (each draw from the seeded generator):
//! - the person: any of the [`SUBJECTS`], who live in France, the UK, the
//!   US or California, each with [`CONSENTS`] consent records to random
//!   purposes (four in five given, the rest refused), one in twenty
//!   objecting to direct marketing;
//! - the purpose: half the time one the person answered, otherwise any;
//! - one category: a leaf of the purpose's group (most often), the group's
//!   key, or any leaf of the policy;
//! - half the questions are disclosures: to the recipient that serves the
//!   purpose (most often), or to any recipient.
//!
//! So the answers are allows and denies for every reason the synthetic
//! policy can give (consent, objection, categories, recipients);
//! `tests/agree.rs` checks vow and Cedar give the same to every one.

use vow_engine::{CompiledPolicy, ConsentRecord, Context, Query, SubjectState, compile};

use crate::cedar::{Cedar, World};
use crate::queries::now;

/// The sizes measured: purposes = recipients = n.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];
/// The people asked about.
pub const SUBJECTS: usize = 1_000;
/// The consent records each person has (past eight, a map is hashed).
pub const CONSENTS: usize = 16;
/// The questions of the mix.
pub const QUERIES: usize = 4_096;
/// The mix is the same in every run.
pub const SEED: u64 = 0x7e57_5eed_2026_1207;

/// SplitMix64: small, fast, and the same numbers everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One question of the mix: about which person, what.
pub struct Asked {
    /// Index into [`Mix::subjects`].
    pub subject: usize,
    pub query: Query<'static>,
}

/// The synthetic policy of size n, its people and its mix of questions, in
/// vow's and Cedar's forms.
pub struct Mix {
    pub n: usize,
    pub vow: CompiledPolicy,
    pub cedar: World,
    /// (id in the Cedar world, state).
    pub subjects: Vec<(&'static str, SubjectState)>,
    pub queries: Vec<Asked>,
}

/// Leaks `s`: the mix lives as long as the benchmark process.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl Mix {
    pub fn new(n: usize, cedar: &Cedar) -> Mix {
        let text = vow_policy::generate::synthetic_policy_yaml(n);
        let policy = vow_policy::check("synthetic.yaml", &text)
            .unwrap_or_else(|r| panic!("the synthetic policy checks:\n{}", r.render(false)))
            .policy;
        assert_eq!(policy.purposes.len(), n);
        let categories = policy.categories.len();
        let mut rng = Rng(SEED ^ n as u64);
        let purposes: Vec<&'static str> = (0..n).map(|p| leak(format!("purpose_{p}"))).collect();
        let recipients: Vec<&'static str> =
            (0..n).map(|r| leak(format!("recipient_{r}"))).collect();
        // `user.group{c % 10}.item{c}`, as the generator names them.
        let leaves: Vec<&'static str> = (0..categories)
            .map(|c| leak(format!("user.group{}.item{c}", c % 10)))
            .collect();
        let groups: Vec<&'static str> = (0..10).map(|g| leak(format!("user.group{g}"))).collect();

        let places = ["FR", "GB", "US", "US-CA"];
        let mut answered: Vec<Vec<usize>> = Vec::with_capacity(SUBJECTS);
        let subjects: Vec<(&'static str, SubjectState)> = (0..SUBJECTS)
            .map(|i| {
                let mut s = SubjectState {
                    jurisdiction: Some(places[rng.below(places.len())].into()),
                    objects_to_direct_marketing: rng.chance(5),
                    ..Default::default()
                };
                let mut mine = Vec::with_capacity(CONSENTS);
                for _ in 0..CONSENTS {
                    let p = rng.below(n);
                    mine.push(p);
                    s.consents.insert(
                        purposes[p].to_owned(),
                        ConsentRecord {
                            given: rng.chance(80),
                            at: now() - chrono::Duration::days(1 + rng.below(300) as i64),
                            policy_version: "1".into(),
                            until: None,
                        },
                    );
                }
                answered.push(mine);
                (leak(format!("subject_{i}")), s)
            })
            .collect();

        let queries = (0..QUERIES)
            .map(|_| {
                let subject = rng.below(SUBJECTS);
                let p = if rng.chance(50) {
                    answered[subject][rng.below(CONSENTS)]
                } else {
                    rng.below(n)
                };
                let group = p % 10;
                let category = match rng.below(10) {
                    // A leaf of the purpose's group: `item{group + 10k}`.
                    0..=5 => leaves[group + 10 * rng.below(categories / 10)],
                    6 | 7 => groups[group],
                    _ => leaves[rng.below(categories)],
                };
                let recipient = match rng.below(10) {
                    0..=3 => Some(recipients[p]),
                    4 => Some(recipients[rng.below(n)]),
                    _ => None,
                };
                // A question's text in one buffer of its own, as a server
                // holds a request it parsed.
                let text = leak(format!(
                    "{}{category}{}",
                    purposes[p],
                    recipient.unwrap_or("")
                ));
                let (purpose, rest) = text.split_at(purposes[p].len());
                let (category, recipient_text) = rest.split_at(category.len());
                Asked {
                    subject,
                    query: Query {
                        purpose,
                        categories: Box::leak(Box::new([category])),
                        recipient: recipient.map(|_| recipient_text),
                        context: Context::default(),
                        ..Default::default()
                    },
                }
            })
            .collect();
        let pairs: Vec<(&str, &SubjectState)> = subjects.iter().map(|(id, s)| (*id, s)).collect();
        Mix {
            n,
            vow: compile(&policy),
            cedar: cedar.world(&policy, &pairs),
            subjects,
            queries,
        }
    }

    /// Question `i` of the mix (cycling) with its person: (Cedar id, state, query).
    pub fn question(&self, i: usize) -> (&'static str, &SubjectState, &Query<'static>) {
        let asked = &self.queries[i % self.queries.len()];
        let (id, state) = &self.subjects[asked.subject];
        (id, state, &asked.query)
    }
}
