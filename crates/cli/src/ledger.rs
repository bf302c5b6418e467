//! `vow ledger ...`: the tamper-evident ledger.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use vow_store::{AnyStore, LedgerKey, Store};

use crate::output::{EXIT_FINDINGS, EXIT_OK, print_json};

/// Findings printed on stderr; `--json` has them all.
const SHOWN: usize = 100;

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Check the ledger: report every event that was changed, deleted,
    /// inserted or reordered in the database.
    ///
    /// Each event's hash chains it to the one before, and a seal made with
    /// the ledger key (kept outside the database) proves the store wrote
    /// it; the sealed head says how many events there are, so deleting the
    /// last ones shows too. Exit code 1 when the ledger was tampered with.
    Verify {
        /// The store: a PostgreSQL URL (`postgres://...`) or a SQLite file;
        /// default: `vow.db` in --data-dir.
        #[arg(long, env = "VOW_DATABASE")]
        database: Option<String>,
        /// Where `vow serve` keeps its SQLite store and ledger key.
        #[arg(long, default_value = "vow-data", env = "VOW_DATA_DIR")]
        data_dir: PathBuf,
        /// The ledger key file; default: the VOW_LEDGER_KEY variable (64 hex
        /// digits), else `ledger.key` in --data-dir.
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// Print the findings as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: LedgerCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match command {
        LedgerCommand::Verify {
            database,
            data_dir,
            key_file,
            json,
        } => runtime.block_on(verify(database, &data_dir, key_file, json)),
    }
}

async fn verify(
    database: Option<String>,
    data_dir: &Path,
    key_file: Option<PathBuf>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let database = match database {
        Some(url) if AnyStore::is_postgres(&url) => url,
        given => {
            let path = given.map_or_else(|| data_dir.join("vow.db"), PathBuf::from);
            anyhow::ensure!(
                path.exists(),
                "no ledger at {}: start `vow serve` first, or pass --data-dir or --database",
                path.display()
            );
            path.display().to_string()
        }
    };
    let key = ledger_key(data_dir, key_file)?;
    let store = AnyStore::open(&database, key)
        .await
        .with_context(|| format!("cannot open the ledger at {database}"))?;

    let bar = if json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "verifying {bar:40} {human_pos}/{human_len} events, {eta} left",
            )
            .expect("a valid template"),
        )
    };
    let verified = store
        .verify_with(&|checked, expected| {
            bar.set_length(expected.max(checked));
            bar.set_position(checked);
        })
        .await;
    bar.finish_and_clear();
    store.close().await;
    let verified = verified.context("cannot read the ledger")?;

    if json {
        print_json(&json!({
            "events": verified.events,
            "head": verified.head,
            "intact": verified.intact(),
            "tampering": verified.tampering,
        }))?;
    } else if verified.intact() {
        eprintln!(
            "ledger intact: {} event(s), hash chain, seals and sealed head verified",
            verified.events
        );
    } else {
        for t in verified.tampering.iter().take(SHOWN) {
            let id = if t.id.is_empty() {
                String::new()
            } else {
                format!(" ({})", t.id)
            };
            eprintln!("{:?} at event {}{id}: {}", t.kind, t.seq, t.detail);
        }
        if verified.tampering.len() > SHOWN {
            eprintln!(
                "... and {} more (--json lists them all)",
                verified.tampering.len() - SHOWN
            );
        }
        eprintln!(
            "ledger TAMPERED: {} finding(s) in {} event(s)",
            verified.tampering.len(),
            verified.events
        );
    }
    Ok(ExitCode::from(if verified.intact() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }))
}

/// `--key-file`, else `VOW_LEDGER_KEY`, else `<data-dir>/ledger.key`. Never
/// creates one: a verifier without the ledger's key cannot vouch for it.
fn ledger_key(data_dir: &Path, key_file: Option<PathBuf>) -> anyhow::Result<LedgerKey> {
    if let Some(path) = key_file {
        return Ok(LedgerKey::load(&path)?);
    }
    if let Ok(hex) = std::env::var("VOW_LEDGER_KEY") {
        return LedgerKey::from_hex(&hex).context("VOW_LEDGER_KEY");
    }
    let path = data_dir.join("ledger.key");
    anyhow::ensure!(
        path.exists(),
        "no ledger key at {}: pass --key-file or set VOW_LEDGER_KEY to the key the ledger was sealed with",
        path.display()
    );
    Ok(LedgerKey::load(&path)?)
}
