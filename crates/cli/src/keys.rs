//! `vow keys ...`: API keys, straight in the store (a running server picks
//! changes up within its sync interval).

use std::process::ExitCode;

use chrono::Utc;
use clap::Subcommand;
use serde_json::json;
use vow_server::auth::{self, Scope};
use vow_server::serve::Create;
use vow_store::Store;

use crate::output::{EXIT_FINDINGS, EXIT_OK, print_json};
use crate::serve::StoreArgs;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it (once: only its hash is kept).
    ///
    /// Scopes: decide (POST /v1/decisions), read (subjects, history, policy,
    /// verification), write (record consents and other events), admin
    /// (everything, and keys).
    Create {
        /// A scope the key grants; repeat for several.
        #[arg(long = "scope", required = true, value_name = "SCOPE", value_parser = ["decide", "read", "write", "admin"])]
        scopes: Vec<String>,
        /// What the key is for.
        #[arg(long, default_value = "created with vow keys")]
        name: String,
        /// A staff role of the policy (`roles`) the key acts for: its reads
        /// of a person's state, history and export package reach only the
        /// categories the role may read (AGENCY-09). Without it the key is
        /// limited by its scopes alone.
        #[arg(long, value_name = "ROLE")]
        role: Option<String>,
        /// The policy that declares the role [default: the one `vow serve`
        /// keeps in the data directory].
        #[arg(long, value_name = "FILE")]
        policy: Option<std::path::PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
        /// Print the key as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// List the keys (ids, names, scopes; never secrets).
    List {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by id. Exit code 1 when no key has that id.
    Revoke {
        /// The key id (the part after `vow_`).
        id: String,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: KeysCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match command {
            KeysCommand::Create {
                scopes,
                name,
                role,
                policy,
                store,
                json,
            } => {
                let mut settings = store.settings()?;
                if policy.is_some() {
                    settings.policy = policy;
                }
                let config = settings.resolve();
                if let Some(role) = &role {
                    let policy = crate::request::policy_in_force(&config)?;
                    let roles: Vec<&str> = policy.roles.iter().map(|r| r.id.as_str()).collect();
                    if !roles.contains(&role.as_str()) {
                        anyhow::bail!(
                            "the policy {} declares no role `{role}`; {}",
                            policy.policy.id,
                            if roles.is_empty() {
                                "it declares none: add them under `roles:`".to_owned()
                            } else {
                                format!("its roles: {}", roles.join(", "))
                            }
                        );
                    }
                }
                let store = vow_server::serve::open_store(&config, Create::No).await?;
                let scopes: Vec<Scope> = scopes.iter().filter_map(|s| Scope::parse(s)).collect();
                let key = auth::generate_for_role(&name, &scopes, role.as_deref(), Utc::now());
                store.create_key(key.record.clone()).await?;
                store.close().await;
                if json {
                    print_json(&json!({"id": key.record.id, "name": key.record.name, "scopes": key.record.scopes, "role": key.record.role, "token": key.token}))?;
                } else {
                    println!("{}", key.token);
                    let role = key
                        .record
                        .role
                        .as_deref()
                        .map(|r| format!(", acting for the role {r}"))
                        .unwrap_or_default();
                    eprintln!(
                        "key {} ({}) with scope(s) {}{role}: shown once, store it now",
                        key.record.id,
                        key.record.name,
                        key.record.scopes.join(", ")
                    );
                }
                Ok(ExitCode::from(EXIT_OK))
            }
            KeysCommand::List { store, json } => {
                let config = store.config()?;
                let store = vow_server::serve::open_store(&config, Create::No).await?;
                let keys = store.keys().await?;
                store.close().await;
                if json {
                    let list: Vec<_> = keys
                        .iter()
                        .map(|k| json!({"id": k.id, "name": k.name, "scopes": k.scopes, "role": k.role, "created_at": k.created_at, "revoked_at": k.revoked_at}))
                        .collect();
                    print_json(&json!({ "keys": list }))?;
                } else {
                    println!("{:<14} {:<22} {:<20} {:<26} NAME", "ID", "SCOPES", "ROLE", "CREATED");
                    for k in &keys {
                        let status = if k.revoked_at.is_some() { " (revoked)" } else { "" };
                        println!(
                            "{:<14} {:<22} {:<20} {:<26} {}{status}",
                            k.id,
                            k.scopes.join(","),
                            k.role.as_deref().unwrap_or("-"),
                            k.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                            k.name
                        );
                    }
                }
                Ok(ExitCode::from(EXIT_OK))
            }
            KeysCommand::Revoke { id, store, json } => {
                let config = store.config()?;
                let store = vow_server::serve::open_store(&config, Create::No).await?;
                let revoked = store.revoke_key(&id, Utc::now()).await?;
                store.close().await;
                if json {
                    print_json(&json!({"id": id, "revoked": revoked}))?;
                } else if revoked {
                    eprintln!("key {id} revoked");
                } else {
                    eprintln!("no key has the id {id}: `vow keys list` shows them");
                }
                Ok(ExitCode::from(if revoked { EXIT_OK } else { EXIT_FINDINGS }))
            }
        }
    })
}
