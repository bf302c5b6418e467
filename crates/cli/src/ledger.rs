//! `vow ledger ...`: the tamper-evident ledger.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;
use vow_store::SqlLedger;

use crate::output::{EXIT_FINDINGS, EXIT_OK, print_json};

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Check the hash chain: report every event that was changed, deleted,
    /// inserted or reordered in the database.
    ///
    /// Exit code 1 when the ledger was tampered with.
    Verify {
        /// A PostgreSQL URL (`postgres://...`); default: the SQLite ledger in --data-dir.
        #[arg(long, env = "VOW_DATABASE")]
        database: Option<String>,
        /// Where `vow serve` keeps its SQLite store.
        #[arg(long, default_value = "vow-data", env = "VOW_DATA_DIR")]
        data_dir: PathBuf,
        /// Print the findings as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: LedgerCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match command {
            LedgerCommand::Verify { database, data_dir, json } => {
                let ledger = match &database {
                    Some(url) if url.starts_with("postgres") => SqlLedger::postgres(url).await.with_context(|| format!("cannot open {url}"))?,
                    Some(other) => anyhow::bail!("`{other}` is not a postgres:// URL; leave --database out to use the SQLite store in --data-dir"),
                    None => {
                        let path = data_dir.join("vow.db");
                        anyhow::ensure!(path.exists(), "no ledger at {}: start `vow serve` first, or pass --data-dir or --database", path.display());
                        SqlLedger::sqlite(&path).await.with_context(|| format!("cannot open {}", path.display()))?
                    }
                };
                let events = ledger.events().await?;
                let found = vow_store::verify(&events);
                ledger.close().await;
                if json {
                    print_json(&json!({ "events": events.len(), "intact": found.is_empty(), "tampering": found }))?;
                } else if found.is_empty() {
                    eprintln!("ledger intact: {} event(s), hash chain verified", events.len());
                } else {
                    for t in &found {
                        eprintln!("{:?} at event {} ({}): {}", t.kind, t.seq, t.id, t.detail);
                    }
                    eprintln!("ledger TAMPERED: {} finding(s) in {} event(s)", found.len(), events.len());
                }
                Ok(ExitCode::from(if found.is_empty() { EXIT_OK } else { EXIT_FINDINGS }))
            }
        }
    })
}
