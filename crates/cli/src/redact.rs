//! `vow redact`: free text without what the policy never stores (EDU-07,
//! KIDS-10). It reads a policy file and the text, nothing else; the work
//! is `vow_policy::redact`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::json;
use vow_policy::redact::{MAX_INPUT_BYTES, Redactor};

use crate::output::{EXIT_FINDINGS, EXIT_OK, print_json};
use crate::policy::load_valid;

/// The policy file a command reads.
#[derive(Args)]
pub struct PolicyArg {
    /// The policy [default: <VOW_DATA_DIR or vow-data>/policy.yaml, the
    /// one `vow serve` runs].
    #[arg(long, env = "VOW_POLICY", value_name = "FILE")]
    policy: Option<PathBuf>,
}

impl PolicyArg {
    pub fn path(&self) -> PathBuf {
        self.policy.clone().unwrap_or_else(|| {
            std::env::var_os("VOW_DATA_DIR")
                .map_or_else(|| PathBuf::from("vow-data"), PathBuf::from)
                .join("policy.yaml")
        })
    }
}

#[derive(Args)]
pub struct RedactArgs {
    /// The text to redact: a file, or `-` for standard input [default: -].
    /// At most 1 MiB of UTF-8.
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,
    #[command(flatten)]
    policy: PolicyArg,
    /// Print `{text, found, categories}` as JSON on stdout instead of the
    /// redacted text (findings are then not listed on stderr).
    #[arg(long)]
    json: bool,
}

/// Reads, redacts, prints. Exit code 1 when something was found, so a
/// script can tell a text that needed it.
pub fn redact(args: RedactArgs) -> anyhow::Result<ExitCode> {
    let path = args.policy.path();
    let Some(checked) = load_valid(&path, args.json)? else {
        return Ok(ExitCode::from(crate::output::EXIT_CANNOT_RUN));
    };
    let text = read_text(args.file.as_deref())?;
    let redactor = Redactor::new(&checked.policy);
    let out = redactor.redact(&text);
    if args.json {
        print_json(&json!({
            "text": out.text,
            "found": out.found,
            "categories": redactor.categories(),
        }))?;
    } else {
        print!("{}", out.text);
        if redactor.is_empty() {
            eprintln!(
                "note: {} declares no never-stored category to look for (`never_stored: true`, with `patterns` or a card category such as user.financial.credit_card)",
                path.display()
            );
        }
        for f in &out.found {
            eprintln!(
                "redacted {} at bytes {}..{}: {}",
                f.category, f.start, f.end, f.masked
            );
        }
    }
    Ok(ExitCode::from(if out.found.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }))
}

fn read_text(file: Option<&std::path::Path>) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let name = match file {
        None => "standard input".to_owned(),
        Some(p) if p.as_os_str() == "-" => "standard input".to_owned(),
        Some(p) => p.display().to_string(),
    };
    match file.filter(|p| p.as_os_str() != "-") {
        None => std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?,
        Some(p) => std::fs::File::open(p)
            .with_context(|| format!("cannot read {}", p.display()))?
            .take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", p.display()))?,
    };
    if bytes.len() > MAX_INPUT_BYTES {
        bail!(
            "{name} is larger than {MAX_INPUT_BYTES} bytes (1 MiB), the most redacted at once: split it and redact each part"
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{name} is not UTF-8 text (invalid byte at offset {}): convert it first, for example with `iconv -t UTF-8`",
            e.utf8_error().valid_up_to()
        )
    })
}
