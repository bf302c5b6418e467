//! `vow collections check`: a submission against what a collection point
//! collects (EDU-01). It reads a policy file, nothing else; the work is
//! `vow_policy::submission`.

use std::process::ExitCode;

use anyhow::bail;
use clap::Subcommand;
use vow_policy::submission::{self, MAX_CATEGORIES, Submission};

use crate::output::{EXIT_FINDINGS, EXIT_OK, print_json};
use crate::policy::load_valid;
use crate::redact::PolicyArg;

#[derive(Subcommand)]
pub enum CollectionsCommand {
    /// Whether a submission may be taken at a collection point: it carries
    /// every category the point requires and none it does not collect
    /// (EDU-01). Names each category missing or extra.
    ///
    /// Exit code 0 when it may be taken, 1 when not, 2 for a point the
    /// policy does not declare (the message lists those it does) or a policy
    /// that does not check.
    ///
    /// Example: vow collections check contact_me --categories user.contact.name,user.contact.email
    Check {
        /// The collection point's id (`collection_points` in the policy).
        point: String,
        /// The categories the submission carries, comma-separated.
        #[arg(long, value_delimiter = ',', value_name = "KEY,...")]
        categories: Vec<String>,
        /// The kind of person who filled it in (a subject kind of the policy).
        #[arg(long)]
        kind: Option<String>,
        #[command(flatten)]
        policy: PolicyArg,
        /// Print the verdict as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: CollectionsCommand) -> anyhow::Result<ExitCode> {
    let CollectionsCommand::Check {
        point,
        categories,
        kind,
        policy,
        json,
    } = command;
    if categories.len() > MAX_CATEGORIES {
        bail!(
            "--categories names {} categories; at most {MAX_CATEGORIES}",
            categories.len()
        );
    }
    let path = policy.path();
    let Some(checked) = load_valid(&path, json)? else {
        return Ok(ExitCode::from(crate::output::EXIT_CANNOT_RUN));
    };
    let keys: Vec<&str> = categories
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let verdict = submission::check(
        &checked.policy,
        &point,
        Submission {
            categories: &keys,
            kind: kind.as_deref(),
        },
    )
    .map_err(|e| anyhow::anyhow!("{e} ({})", path.display()))?;
    if json {
        print_json(&verdict)?;
    } else if verdict.allowed {
        eprintln!("allowed: `{}` may take this submission", verdict.point);
    } else {
        eprintln!("refused: `{}` may not take this submission", verdict.point);
        for reason in &verdict.reasons {
            eprintln!("  - {reason}");
        }
        eprintln!(
            "  required: {}; optional: {}",
            list(&verdict.required),
            list(&verdict.optional)
        );
    }
    Ok(ExitCode::from(if verdict.allowed {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }))
}

fn list(keys: &[String]) -> String {
    if keys.is_empty() {
        "none".to_owned()
    } else {
        keys.join(", ")
    }
}
