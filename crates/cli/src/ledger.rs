//! `vow ledger ...`: the tamper-evident ledger.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use vow_server::serve::{Create, open_store};
use vow_store::Store;

use crate::output::{EXIT_FINDINGS, EXIT_OK, print_json};
use crate::serve::StoreArgs;

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
        #[command(flatten)]
        store: StoreArgs,
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
        LedgerCommand::Verify { store, json } => runtime.block_on(verify(&store, json)),
    }
}

async fn verify(args: &StoreArgs, json: bool) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let store = open_store(&config, Create::No).await?;

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
