//! `vow`: the command line. Thin: parses flags and calls the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "vow", version, about = "vow makes a privacy policy executable")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with policy files.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Parse and validate a policy file.
    Check { file: std::path::PathBuf },
    /// Print the JSON Schema of the policy language.
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Policy(PolicyCommand::Check { file }) => {
            let text = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(err) => {
                    eprintln!("error: cannot read {}: {err}", file.display());
                    return ExitCode::from(2);
                }
            };
            match serde_saphyr_check(&text) {
                Ok(()) => {
                    println!("{}: ok", file.display());
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("{}: {err}", file.display());
                    ExitCode::from(1)
                }
            }
        }
        Command::Policy(PolicyCommand::Schema) => {
            let schema = schemars_schema();
            println!("{schema}");
            ExitCode::SUCCESS
        }
    }
}

fn serde_saphyr_check(text: &str) -> Result<(), String> {
    vow_policy::quick_parse(text).map(|_| ())
}

fn schemars_schema() -> String {
    vow_policy::quick_schema()
}
