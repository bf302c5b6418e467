//! `vow policy ...`: check, lint, render, diff and schema.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;
use vow_policy::{Checked, Report, Severity};

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
    /// Legal and consistency findings, each with the law it comes from.
    ///
    /// The policy is checked first; a policy with check errors is not linted.
    /// Exit code 1 when a finding is at or above --fail-on.
    Lint {
        /// The policy file.
        #[arg(required_unless_present = "explain")]
        file: Option<PathBuf>,
        /// Print the findings as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// The lowest severity that makes the command fail.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
        /// Explain a lint code (such as L001) and exit.
        #[arg(long, value_name = "CODE")]
        explain: Option<String>,
        /// Compare the policy with the law as it stands on this day
        /// (YYYY-MM-DD) [default: today, or the policy's `effective` date if
        /// later]. `vow law` lists the rules and their dates.
        #[arg(long, value_name = "DATE")]
        on: Option<chrono::NaiveDate>,
    },
    /// Render the human-readable privacy policy and cookie notice.
    Render {
        /// The policy file.
        file: PathBuf,
        /// Output format: md (Markdown) or html.
        #[arg(long, short, default_value = "html")]
        format: String,
        /// Language: en, fr or uk.
        #[arg(long, short, default_value = "en")]
        lang: String,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print {"format","lang","text"} as JSON instead of the document.
        #[arg(long)]
        json: bool,
    },
    /// What changed between two versions, what is material, and when the new one may take effect.
    ///
    /// Material changes take effect no earlier than the old version's notice
    /// rule allows after publication (advance notice in business days, or
    /// immediately).
    Diff {
        /// The version in force.
        old: PathBuf,
        /// The new version.
        new: PathBuf,
        /// The date the new version is published (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        published: Option<chrono::NaiveDate>,
        /// Print the diff as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Exit with code 1 when any change is material.
        #[arg(long)]
        fail_on_material: bool,
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
        PolicyCommand::Lint {
            file,
            json,
            fail_on,
            explain,
            on,
        } => match explain {
            Some(code) => explain_lint(&code, json),
            None => lint(
                &file.expect("clap requires FILE unless --explain"),
                json,
                fail_on,
                on,
            ),
        },
        PolicyCommand::Render {
            file,
            format,
            lang,
            output,
            json,
        } => render(&file, &format, &lang, output.as_deref(), json),
        PolicyCommand::Diff {
            old,
            new,
            published,
            json,
            fail_on_material,
        } => diff(&old, &new, published, json, fail_on_material),
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

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::Error => severity == Severity::Error,
            FailOn::Warning => matches!(severity, Severity::Error | Severity::Warning),
            FailOn::Info => true,
        }
    }
}

/// Checks a file for a command that needs a valid policy: prints the check
/// errors and returns `None` when there are any.
pub(crate) fn load_valid(path: &Path, json: bool) -> anyhow::Result<Option<Checked>> {
    match load(path)? {
        Ok(checked) => Ok(Some(checked)),
        Err(report) => {
            if json {
                print_json(
                    &json!({ "file": path.display().to_string(), "ok": false, "diagnostics": report.to_json() }),
                )?;
            } else {
                eprint!("{}", report.render(color_stderr()));
                eprintln!(
                    "{}: {} error(s); fix them with `vow policy check` first",
                    path.display(),
                    report.diagnostics.len()
                );
            }
            Ok(None)
        }
    }
}

fn lint(
    path: &Path,
    json: bool,
    fail_on: FailOn,
    on: Option<chrono::NaiveDate>,
) -> anyhow::Result<ExitCode> {
    let Some(checked) = load_valid(path, json)? else {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    };
    let on = on.unwrap_or_else(|| {
        chrono::Utc::now()
            .date_naive()
            .max(checked.policy.policy.effective)
    });
    let findings = vow_policy::lint::lint_on(&checked.policy, on);
    let report = Report::new(checked.source, findings);
    let failed = report.diagnostics.iter().any(|d| fail_on.fails(d.severity));
    if json {
        print_json(&json!({
            "file": path.display().to_string(),
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
            "findings": report.to_json(),
        }))?;
    } else {
        eprint!("{}", report.render(color_stderr()));
        eprintln!(
            "{}: {} error(s), {} warning(s), {} note(s)",
            path.display(),
            report.count(Severity::Error),
            report.count(Severity::Warning),
            report.count(Severity::Info)
        );
    }
    Ok(ExitCode::from(if failed { EXIT_FINDINGS } else { EXIT_OK }))
}

fn explain_lint(code: &str, json: bool) -> anyhow::Result<ExitCode> {
    let Some(lint) = vow_policy::lint::explain(code) else {
        anyhow::bail!("no lint is called `{code}`; see docs/lints.md for the list");
    };
    if json {
        print_json(lint)?;
    } else {
        println!(
            "{} {} ({})

{}

Source: {}
More: docs/lints.md#{}",
            lint.code,
            lint.name,
            lint.severity,
            lint.summary,
            lint.authority,
            lint.code.to_lowercase()
        );
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn render(
    path: &Path,
    format: &str,
    lang: &str,
    output: Option<&Path>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let format: vow_policy::render::Format = format.parse()?;
    let Some(checked) = load_valid(path, json)? else {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    };
    let text = vow_policy::render::render(&checked.policy, format, lang)?;
    match (output, json) {
        (Some(out), _) => {
            write_atomically(out, &text)?;
            if json {
                print_json(
                    &json!({ "file": path.display().to_string(), "output": out.display().to_string(), "bytes": text.len() }),
                )?;
            } else {
                eprintln!("wrote {} ({} bytes)", out.display(), text.len());
            }
        }
        (None, true) => {
            print_json(&json!({ "file": path.display().to_string(), "lang": lang, "text": text }))?
        }
        (None, false) => print!("{text}"),
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// Writes `text` to `path` through a temporary file in the same folder, so
/// a reader never sees half a file and a failed write leaves the old one.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("vow"),
        std::process::id()
    ));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn diff(
    old_path: &Path,
    new_path: &Path,
    published: Option<chrono::NaiveDate>,
    json: bool,
    fail_on_material: bool,
) -> anyhow::Result<ExitCode> {
    let (Some(old), Some(new)) = (load_valid(old_path, json)?, load_valid(new_path, json)?) else {
        return Ok(ExitCode::from(EXIT_FINDINGS));
    };
    let published = published.unwrap_or_else(|| chrono::Local::now().date_naive());
    let diff = vow_policy::diff::diff(&old.policy, &new.policy);
    let effective = vow_policy::diff::earliest_effective(&old.policy, &diff, published);
    if json {
        print_json(&json!({
            "old": old_path.display().to_string(),
            "new": new_path.display().to_string(),
            "material": diff.has_material(),
            "effective": effective,
            "changes": diff.changes,
        }))?;
    } else {
        print!("{}", human_diff(&old, &new, &diff, &effective));
    }
    let failed = fail_on_material && diff.has_material();
    Ok(ExitCode::from(if failed { EXIT_FINDINGS } else { EXIT_OK }))
}

/// `file:line` of the node a JSON pointer names.
fn line_of(checked: &Checked, pointer: Option<&str>) -> Option<String> {
    let source = &checked.source;
    let (_, node) = source.map.lookup(pointer?)?;
    let line = source.map.line_col(&source.text, node.value.offset).line;
    Some(format!("{}:{line}", source.name))
}

fn human_diff(
    old: &Checked,
    new: &Checked,
    diff: &vow_policy::diff::PolicyDiff,
    effective: &vow_policy::diff::EffectiveDate,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} → {}",
        old.policy.policy.id, old.policy.policy.version, new.policy.policy.version
    );
    if diff.is_empty() {
        let _ = writeln!(out, "no changes");
    }
    for c in &diff.changes {
        let sign = match c.op {
            vow_policy::diff::Op::Added => '+',
            vow_policy::diff::Op::Removed => '-',
            vow_policy::diff::Op::Changed => '~',
        };
        let place = line_of(new, c.new_path.as_deref())
            .or_else(|| line_of(old, c.old_path.as_deref()))
            .unwrap_or_default();
        let weight = if c.material { "MATERIAL" } else { "minor" };
        let _ = writeln!(out, "{sign} [{weight} {}] {} ({place})", c.rule, c.reason);
    }
    let material = diff.material().count();
    let _ = writeln!(
        out,
        "\n{} change(s), {material} material",
        diff.changes.len()
    );
    let _ = writeln!(
        out,
        "earliest effective date: {} — {}",
        effective.date, effective.rule
    );
    if material > 0 && !effective.notice_channels.is_empty() {
        let channels: Vec<String> = effective
            .notice_channels
            .iter()
            .map(|c| format!("{c:?}").to_lowercase())
            .collect();
        let _ = writeln!(out, "announce by: {}", channels.join(", "));
    }
    if effective.renew_acceptance {
        let _ = writeln!(out, "people must accept the new version again");
    }
    out
}
