//! `vow policy ...`: check, lint, render, diff and schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;
use vow_policy::{Checked, Report};

use crate::output::{EXIT_FINDINGS, EXIT_OK, color_stderr, print_json};

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Parse and validate policy files; report every error at once.
    ///
    /// Each error has a stable code (P001...), the file, line and column, the
    /// source line with a caret, and a hint. Exit code 1 when any file has
    /// an error.
    Check {
        /// Policy files (YAML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the diagnostics as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of the policy language (for editors).
    ///
    /// Point your editor's YAML language server at it, e.g. with a first line
    /// `# yaml-language-server: $schema=policy.schema.json`.
    Schema {
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

pub fn run(command: PolicyCommand) -> anyhow::Result<ExitCode> {
    match command {
        PolicyCommand::Check { files, json } => check(&files, json),
        PolicyCommand::Schema { output } => {
            let text = vow_policy::check::json_schema_text();
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(ExitCode::from(EXIT_OK))
        }
    }
}

/// Reads and checks one file. `Err` means the file could not be read.
pub fn load(path: &Path) -> anyhow::Result<Result<Checked, Box<Report>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(vow_policy::check(&path.display().to_string(), &text))
}

fn check(files: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    let mut results = Vec::new();
    for path in files {
        match load(path)? {
            Ok(checked) => {
                if json {
                    results.push(json!({
                        "file": path.display().to_string(),
                        "ok": true,
                        "policy": checked.policy.policy.id,
                        "version": checked.policy.policy.version,
                        "diagnostics": [],
                    }));
                } else {
                    let p = &checked.policy;
                    eprintln!(
                        "{}: ok — policy `{}` version {}: {} purposes, {} categories, {} recipients, {} trackers",
                        path.display(),
                        p.policy.id,
                        p.policy.version,
                        p.purposes.len(),
                        p.categories.len(),
                        p.recipients.len(),
                        p.trackers.len()
                    );
                }
            }
            Err(report) => {
                failed = true;
                if json {
                    results.push(json!({
                        "file": path.display().to_string(),
                        "ok": false,
                        "diagnostics": report.to_json(),
                    }));
                } else {
                    eprint!("{}", report.render(color_stderr()));
                    eprintln!("{}: {} error(s)", path.display(), report.diagnostics.len());
                }
            }
        }
    }
    if json {
        print_json(&results)?;
    }
    Ok(ExitCode::from(if failed { EXIT_FINDINGS } else { EXIT_OK }))
}
