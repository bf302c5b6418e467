//! `vow`: the command line. Thin by design: it parses flags, reads files,
//! calls the library crates and prints. Nothing here is needed by a test or
//! another crate.

mod collections;
mod dataset;
mod keys;
mod law;
mod ledger;
mod output;
mod policy;
mod redact;
mod request;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// vow makes a privacy policy executable.
///
/// The policy is one versioned YAML file. vow checks it, lints it against the
/// law, renders the human-readable policy and cookie notice from it, and says
/// what changed between two versions and when the new one may take effect.
/// `vow serve` answers "may this data about this person be used for this
/// purpose, now?" over HTTP, with reasons and obligations, and keeps a
/// tamper-evident ledger of every consent and change.
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
    /// Run the API: decisions, subjects, consents, the ledger.
    ///
    /// With no settings: SQLite in ./vow-data, the course-shop example policy
    /// (written to vow-data/policy.yaml), 127.0.0.1:8080. Prints the URL and,
    /// on first start, an admin key. Settings: flags, VOW_* variables, or
    /// vow.toml (docs/serve.md).
    Serve(serve::ServeArgs),
    /// API keys: create, list, revoke.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Print the API's OpenAPI 3.1 description (the one /openapi.json serves).
    Openapi {
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Work with policy files: check, lint, render, diff, schema.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// The law vow applies underneath every policy: statutory rights, deadlines,
    /// ages of digital consent and opt-out signals, each with its citation and the
    /// date it took effect.
    ///
    /// A policy may promise more than the law, never less: where it is silent or
    /// weaker, vow applies these rules for the person's jurisdiction.
    ///
    /// Examples: vow law --jurisdiction FR; vow law --json; vow law --format markdown -o docs/law.md
    Law(law::LawArgs),
    /// The tamper-evident ledger of consents, preferences and requests.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
    /// Connected databases, described for data-subject requests: discover,
    /// check, schema.
    #[command(subcommand)]
    Dataset(dataset::DatasetCommand),
    /// Data-subject requests: create, list, show, verify, run — access,
    /// export, erasure, rectification, restriction, objection, right to know.
    #[command(subcommand)]
    Request(request::RequestCommand),
    /// Take what the policy never stores out of free text (a support ticket,
    /// a note): payment card numbers (13 to 19 digits, Luhn-valid, in one
    /// run or groups separated by single spaces or dashes) where a card
    /// category is never stored, and each never-stored category's
    /// `patterns`. Prints the text with each finding replaced by its masked
    /// form (`[•••• 4242]`), and what was found on stderr.
    ///
    /// Exit code 0 when nothing was found, 1 when something was, 2 when it
    /// could not run (a policy that does not check, a file unreadable, not
    /// UTF-8 or over 1 MiB). Examples: vow redact ticket.txt;
    /// pbpaste | vow redact --policy policy.yaml --json
    Redact(redact::RedactArgs),
    /// Collection points: check a submission against what a point collects.
    #[command(subcommand)]
    Collections(collections::CollectionsCommand),
}

fn main() -> ExitCode {
    output::reset_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Keys(command) => keys::run(command),
        Command::Openapi { output } => serve::openapi(output.as_deref()),
        Command::Policy(command) => policy::run(command),
        Command::Law(args) => law::run(args),
        Command::Ledger(command) => ledger::run(command),
        Command::Dataset(command) => dataset::run(command),
        Command::Request(command) => request::run(command),
        Command::Redact(args) => redact::redact(args),
        Command::Collections(command) => collections::run(command),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(output::EXIT_CANNOT_RUN)
        }
    }
}
