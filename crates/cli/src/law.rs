//! `vow law`: the statutory rules vow applies underneath a policy, for one
//! jurisdiction or all, as text, Markdown (`docs/law.md`) or JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use vow_policy::law::document::{self, Rule, RuleKind};

use crate::output::{EXIT_OK, print_json};

#[derive(Args)]
pub struct LawArgs {
    /// Only the rules for a person in this jurisdiction (`FR`, `US-CO`, `GB`).
    #[arg(long, short)]
    jurisdiction: Option<String>,
    /// `text` (default) or `markdown` (the whole of docs/law.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The rules as JSON on stdout.
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Markdown,
}

pub fn run(args: LawArgs) -> anyhow::Result<ExitCode> {
    let rules = match &args.jurisdiction {
        Some(j) => document::rules_in(&j.trim().to_uppercase()),
        None => document::rules(),
    };
    if args.json {
        print_json(&rules)?;
        return Ok(ExitCode::from(EXIT_OK));
    }
    let text = match args.format {
        Format::Markdown if args.jurisdiction.is_none() => document::markdown(),
        Format::Markdown | Format::Text => text(&rules, args.jurisdiction.as_deref()),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn heading(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Right => "Rights",
        RuleKind::Deadline => "Deadlines",
        RuleKind::Acknowledgement => "Confirming receipt",
        RuleKind::NoDeadline => "Where the law sets no time",
        RuleKind::ConsentAge => "Age of digital consent",
        RuleKind::OptOutSignal => "Universal opt-out signals",
    }
}

fn text(rules: &[Rule], jurisdiction: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(j) = jurisdiction {
        if rules.is_empty() {
            return format!(
                "vow knows no statutory rule for {j}: the policy alone applies there.\n"
            );
        }
        out.push_str(&format!("The law vow applies to a person in {j}:\n"));
    }
    let mut last = None;
    for r in rules {
        if last != Some(r.kind) {
            out.push_str(&format!("\n{}\n", heading(r.kind)));
            last = Some(r.kind);
        }
        let since = r
            .effective
            .map(|d| format!(", from {d}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:<6} {}: {} ({}{since})\n",
            r.jurisdiction, r.law, r.rule, r.citation
        ));
    }
    out
}
