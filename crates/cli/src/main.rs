//! `vow`: the command line. Thin by design: it parses flags, reads files,
//! calls the library crates and prints. Nothing here is needed by a test or
//! another crate.

mod ledger;
mod output;
mod policy;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// vow makes a privacy policy executable.
///
/// The policy is one versioned YAML file. vow checks it, lints it against the
/// law, renders the human-readable policy and cookie notice from it, and says
/// what changed between two versions and when the new one may take effect.
#[derive(Parser)]
#[command(name = "vow", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Exit codes: 0 success; 1 the input has errors (or lint findings at the \
chosen level); 2 the command could not run (bad flags, unreadable file).\nDocs: docs/cli.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with policy files: check, lint, render, diff, schema.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// The tamper-evident ledger of consents, preferences and requests.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
}

fn main() -> ExitCode {
    output::reset_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Policy(command) => policy::run(command),
        Command::Ledger(command) => ledger::run(command),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(output::EXIT_CANNOT_RUN)
        }
    }
}
