//! Every statutory rule vow applies, as one list: for `vow law` (text or
//! JSON, for one jurisdiction or all) and for `docs/law.md`, which is this
//! module's Markdown and which a test keeps in step with the tables.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

use super::acts::ACTS;
use super::{
    ChildScope, Reach, RightScope, StatutoryLimit, children, deadlines, law_name, rights, signals,
};
use crate::model::{Law, RightKind};

/// What kind of rule a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Right,
    Deadline,
    Acknowledgement,
    NoDeadline,
    ConsentAge,
    OptOutSignal,
}

/// One statutory rule.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub kind: RuleKind,
    /// Where it applies, as policies name places (`EU`, `FR`, `US-CA`).
    pub jurisdiction: String,
    /// The law, by name.
    pub law: String,
    /// The rule, in a sentence.
    pub rule: String,
    pub citation: String,
    /// The day it took effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<NaiveDate>,
}

/// A right's name as the policy file writes it (`right_to_know`), spaced.
pub fn right_name(right: RightKind) -> String {
    match serde_json::to_value(right) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => format!("{right:?}"),
    }
}

/// The places a law covers, as policies name them.
fn places(law: Law) -> &'static str {
    match law {
        Law::Gdpr | Law::Eprivacy => "EU",
        Law::UkGdpr | Law::Pecr => "GB",
        Law::Ccpa | Law::Caloppa | Law::ShineTheLight => "US-CA",
        Law::Coppa | Law::CanSpam => "US",
        Law::Pipeda | Law::Casl => "CA",
        Law::UaPdp => "UA",
    }
}

fn scope_note(scope: RightScope) -> &'static str {
    match scope {
        RightScope::Always => "",
        RightScope::ConsentOrContract => {
            " — for data processed on consent or a contract, by automated means"
        }
        RightScope::LegitimateInterestsOrPublicTask => {
            " — to processing on legitimate interests or a public task unless the controller shows compelling grounds; to direct marketing always"
        }
    }
}

fn limit_note(limit: Option<StatutoryLimit>) -> String {
    match limit {
        None => String::new(),
        Some(StatutoryLimit::Rolling { count, months }) => {
            format!("; the business need not answer more than {count} times in {months} months")
        }
        Some(StatutoryLimit::CalendarYear) => {
            "; the business need not answer more than once a calendar year".to_owned()
        }
    }
}

/// Every rule, in a stable order: rights, deadlines, confirmations of
/// receipt, places without a time, ages of consent, opt-out signals.
pub fn rules() -> Vec<Rule> {
    let mut out = Vec::new();
    for r in rights::RIGHTS {
        out.push(Rule {
            kind: RuleKind::Right,
            jurisdiction: places(r.law).to_owned(),
            law: law_name(r.law).to_owned(),
            rule: format!(
                "right of {}{}{}{}",
                right_name(r.right),
                scope_note(r.scope),
                limit_note(r.limit),
                if r.agents {
                    "; an authorised agent may ask"
                } else {
                    ""
                }
            ),
            citation: r.citation.to_owned(),
            effective: Some(r.effective),
        });
    }
    for (right, d) in deadlines::all_deadlines() {
        out.push(Rule {
            kind: RuleKind::Deadline,
            jurisdiction: places(d.law).to_owned(),
            law: law_name(d.law).to_owned(),
            rule: format!(
                "{}: answer within {}{}",
                right_name(right),
                d.deadline,
                d.extension
                    .map(|e| format!(", extendable by {e}"))
                    .unwrap_or_default()
            ),
            citation: d.citation.to_owned(),
            effective: Some(d.effective),
        });
    }
    for a in deadlines::all_acknowledgements() {
        let rights: Vec<String> = a.rights.iter().map(|r| right_name(*r)).collect();
        out.push(Rule {
            kind: RuleKind::Acknowledgement,
            jurisdiction: places(a.law).to_owned(),
            law: law_name(a.law).to_owned(),
            rule: format!(
                "{}: confirm receipt within {}, saying {}",
                rights.join(", "),
                a.within,
                a.content
            ),
            citation: a.citation.to_owned(),
            effective: Some(a.effective),
        });
    }
    for n in deadlines::all_no_deadlines() {
        out.push(Rule {
            kind: RuleKind::NoDeadline,
            jurisdiction: n.jurisdiction.to_owned(),
            law: "—".to_owned(),
            rule: format!(
                "{}: no statutory time to answer; the policy's own applies",
                right_name(n.right)
            ),
            citation: n.note.to_owned(),
            effective: None,
        });
    }
    for a in children::CONSENT_AGES {
        let what = match a.scope {
            ChildScope::Consent => "processing that relies on consent needs a parent's consent",
            ChildScope::Everything => {
                "nothing is collected or used without a verifiable parental consent"
            }
        };
        out.push(Rule {
            kind: RuleKind::ConsentAge,
            jurisdiction: a.jurisdiction.to_owned(),
            law: law_name(a.law).to_owned(),
            rule: format!("under {}: {what}", a.age),
            citation: a.citation.to_owned(),
            effective: Some(a.effective),
        });
    }
    for s in signals::OPT_OUT_SIGNALS {
        let tags: Vec<String> = s
            .opts_out_of
            .iter()
            .map(|t| match serde_json::to_value(t) {
                Ok(serde_json::Value::String(t)) => t.replace('_', " "),
                _ => format!("{t:?}"),
            })
            .collect();
        out.push(Rule {
            kind: RuleKind::OptOutSignal,
            jurisdiction: s.jurisdiction.to_owned(),
            law: s.law.to_owned(),
            rule: format!(
                "Global Privacy Control is a request to opt out of {}",
                tags.join(", ")
            ),
            citation: s.citation.to_owned(),
            effective: Some(s.effective),
        });
    }
    out
}

/// The rules that apply to a person in `jurisdiction` (`FR`, `US-CO`).
pub fn rules_in(jurisdiction: &str) -> Vec<Rule> {
    let laws = super::default_laws(jurisdiction);
    let named: Vec<&str> = laws.iter().map(|l| law_name(*l)).collect();
    let country = jurisdiction
        .split_once('-')
        .map_or(jurisdiction, |(c, _)| c);
    rules()
        .into_iter()
        .filter(|r| match r.kind {
            RuleKind::Right | RuleKind::Deadline | RuleKind::Acknowledgement => {
                named.contains(&r.law.as_str())
            }
            RuleKind::NoDeadline => super::covers(&r.jurisdiction, jurisdiction),
            RuleKind::ConsentAge => r.jurisdiction == country || r.jurisdiction == jurisdiction,
            RuleKind::OptOutSignal => r.jurisdiction == jurisdiction,
        })
        .collect()
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn date_cell(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// `docs/law.md`.
pub fn markdown() -> String {
    let mut md = String::new();
    md.push_str("<!-- Generated by `vow law --format markdown -o docs/law.md` from crates/policy/src/law; do not edit by hand. -->\n\n");
    md.push_str("# The law vow applies\n\n");
    md.push_str(
        "A policy may promise more than the law, never less. Where a policy is silent or \
weaker, vow applies these rules for the person's jurisdiction, underneath the policy: \
the request desk grants a statutory right the policy does not declare, with the law's \
deadline; the engine asks a parent's consent below the age the person's country sets \
and honours Global Privacy Control in the states whose law requires it; and \
`vow policy lint` says where the file falls short (lints L028–L031, \
[lints.md](lints.md)). A jurisdiction's laws are the ones the policy declares for it \
and, always, the ones that bind anyone there (the GDPR in the EU, COPPA in the United \
States); laws that bind only businesses over a threshold (the CCPA, Shine the Light) \
apply where the policy names them or names the place without listing its laws.\n\n",
    );
    md.push_str("This is reference data, kept small and cited; it is not legal advice. `vow law --jurisdiction FR` prints the rules for one place, `--json` as JSON. The tables were last checked against their sources on ");
    let _ = write!(md, "{}", super::REVIEWED);
    md.push_str(
        ", the day `vow policy lint` takes the law as standing on unless given `--on`.\n\n",
    );
    md.push_str("What vow does not model, and how it errs on the person's side:\n\n");
    md.push_str("- Where a law gives a right but sets no time, and the policy declares the right nowhere, vow allows ");
    let _ = write!(md, "{}", crate::law::UNTIMED);
    md.push_str(" (the shortest time any law here gives a request).\n");
    md.push_str("- The UK's Data (Use and Access) Act 2025 lets the month start once the controller has what it needs to identify the person (\"stop the clock\", UK GDPR Art. 12A, in force 5 February 2026); vow counts from receipt, which is never later.\n");
    md.push_str("- Maryland's Act covers processing from 1 April 2026; vow honours the signal from the Act's 1 October 2025.\n");
    md.push_str("- A business's size, revenue or number of customers (the thresholds of the CCPA, Shine the Light and the state laws) is not modelled: such a law applies where the policy names it.\n");
    md.push_str("- For US states other than California, vow holds the duty to honour an opt-out signal, not yet their request rights.\n\n");

    md.push_str(
        "## Laws\n\n| law | title | where | reach | in force from |\n|---|---|---|---|---|\n",
    );
    for a in ACTS {
        let reach = match a.reach {
            Reach::Territorial => "anyone processing the data of people there",
            Reach::Threshold => "businesses over a threshold: where the policy names it",
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {reach} | {} |",
            cell(a.name),
            cell(a.title),
            cell(a.places),
            a.effective
        );
    }
    let sections = [
        (
            RuleKind::Right,
            "Rights",
            "Granted by the desk whether or not the policy declares them; a right with a scope is granted only where the processing falls in it.",
        ),
        (
            RuleKind::Deadline,
            "Deadlines",
            "A request's deadline is the shorter of the law's and the policy's promise; an extension is counted from the first due date.",
        ),
        (
            RuleKind::Acknowledgement,
            "Confirming receipt",
            "The desk records when receipt must be confirmed and lists requests whose confirmation is late.",
        ),
        (
            RuleKind::NoDeadline,
            "Where the law sets no time",
            "The policy's own deadline is all there is; `vow policy lint` reports it (L031).",
        ),
        (
            RuleKind::ConsentAge,
            "Age of digital consent",
            "Below this age in the person's country, a parent's verified consent is needed; the engine takes the older of this age and the policy's `children.consent_age`. An EU or EEA country without its own provision keeps the GDPR's 16.",
        ),
        (
            RuleKind::OptOutSignal,
            "Universal opt-out signals",
            "From the date given, a person in the state who sends Global Privacy Control is opted out of the purposes so tagged, whatever the policy says.",
        ),
    ];
    let all = rules();
    for (kind, title, intro) in sections {
        let _ = write!(
            md,
            "\n## {title}\n\n{intro}\n\n| where | law | rule | citation | in force from |\n|---|---|---|---|---|\n"
        );
        for r in all.iter().filter(|r| r.kind == kind) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                cell(&r.jurisdiction),
                cell(&r.law),
                cell(&r.rule),
                cell(&r.citation),
                date_cell(r.effective)
            );
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_a_citation_and_a_date_unless_it_says_why() {
        for r in rules() {
            assert!(!r.citation.is_empty(), "{r:?}");
            assert!(
                r.effective.is_some() || r.kind == RuleKind::NoDeadline,
                "{r:?}"
            );
        }
    }

    #[test]
    fn rules_for_a_place() {
        let fr = rules_in("FR");
        assert!(
            fr.iter()
                .any(|r| r.kind == RuleKind::ConsentAge && r.rule.contains("under 15"))
        );
        assert!(
            fr.iter()
                .any(|r| r.rule.starts_with("right of restriction"))
        );
        assert!(!fr.iter().any(|r| r.law == "CCPA"));
        let co = rules_in("US-CO");
        assert!(co.iter().any(|r| r.kind == RuleKind::OptOutSignal));
        assert!(
            co.iter()
                .any(|r| r.kind == RuleKind::ConsentAge && r.law == "COPPA")
        );
    }
}
