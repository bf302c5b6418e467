//! `vow serve`, and the settings every command that opens the store shares.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;
use vow_server::config::LogFormat;
use vow_server::serve::{ServeError, Started};
use vow_server::{Config, Settings};

use crate::output::{EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, color_stderr};

/// Where the store is. Flags and `VOW_*` variables win over `vow.toml`.
#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    /// Settings file (default: ./vow.toml when it exists). See docs/serve.md.
    #[arg(long, env = "VOW_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory of the SQLite store, the ledger key and the policy [default: vow-data].
    #[arg(long, env = "VOW_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// `postgres://user@host/db` to share one store between several
    /// servers; a SQLite file otherwise [default: <data-dir>/vow.db].
    #[arg(long, env = "VOW_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    /// File with the ledger's sealing key [default: <data-dir>/ledger.key];
    /// VOW_LEDGER_KEY gives the key itself.
    #[arg(
        long,
        alias = "key-file",
        env = "VOW_LEDGER_KEY_FILE",
        value_name = "FILE"
    )]
    pub ledger_key_file: Option<PathBuf>,
}

impl StoreArgs {
    /// These flags over `vow.toml` over the defaults.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(path) => Settings::from_file(path).map_err(anyhow::Error::msg)?,
            None if std::path::Path::new("vow.toml").exists() => {
                Settings::from_file(std::path::Path::new("vow.toml")).map_err(anyhow::Error::msg)?
            }
            None => Settings::default(),
        };
        let flags = Settings {
            data_dir: self.data_dir.clone(),
            database: self.database.clone(),
            ledger_key_file: self.ledger_key_file.clone(),
            ..Settings::default()
        };
        Ok(flags.over(file))
    }

    pub fn config(&self) -> anyhow::Result<Config> {
        Ok(self.settings()?.resolve())
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on; port 0 picks a free one [default: 127.0.0.1:8080].
    #[arg(long, env = "VOW_BIND", value_name = "ADDR")]
    pub bind: Option<SocketAddr>,
    /// The policy to put in force [default: <data-dir>/policy.yaml, written
    /// from the course-shop example on first start].
    #[arg(long, env = "VOW_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The address people reach this server at, for links in e-mails
    /// (unsubscribe) [default: http://<bind>].
    #[arg(long, env = "VOW_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Largest request body in bytes [default: 1048576].
    #[arg(long, env = "VOW_BODY_LIMIT_BYTES", value_name = "BYTES")]
    pub body_limit_bytes: Option<usize>,
    /// Longest a request may take, in ms [default: 10000].
    #[arg(long, env = "VOW_REQUEST_TIMEOUT_MS", value_name = "MS")]
    pub request_timeout_ms: Option<u64>,
    /// Most queries in one decision batch [default: 1000].
    #[arg(long, env = "VOW_MAX_BATCH", value_name = "N")]
    pub max_batch: Option<usize>,
    /// Subject states kept in memory [default: 100000].
    #[arg(long, env = "VOW_STATE_CACHE", value_name = "N")]
    pub state_cache: Option<usize>,
    /// Sign-in e-mails the privacy centre sends per 15 minutes, to everyone
    /// together [default: 300].
    #[arg(long, env = "VOW_SIGN_IN_MAIL_LIMIT", value_name = "N")]
    pub sign_in_mail_limit: Option<u64>,
    /// How often to pick up other servers' writes and keys, in ms [default: 500].
    #[arg(long, env = "VOW_SYNC_INTERVAL_MS", value_name = "MS")]
    pub sync_interval_ms: Option<u64>,
    /// On PostgreSQL, hear other servers' writes as they commit (LISTEN),
    /// not only at the next look [default: true].
    #[arg(long, env = "VOW_SYNC_LISTEN", value_name = "BOOL")]
    pub sync_listen: Option<bool>,
    /// Log format on stderr: text or json [default: text].
    #[arg(long, env = "VOW_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Log filter, as RUST_LOG [default: info].
    #[arg(long, env = "VOW_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    /// Print where vow listens (and the first admin key) as one JSON line on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let flags = Settings {
        bind: args.bind,
        public_url: args.public_url.clone(),
        policy: args.policy.clone(),
        body_limit_bytes: args.body_limit_bytes,
        request_timeout_ms: args.request_timeout_ms,
        max_batch: args.max_batch,
        state_cache: args.state_cache,
        sign_in_mail_limit: args.sign_in_mail_limit,
        sync_interval_ms: args.sync_interval_ms,
        sync_listen: args.sync_listen,
        log_format: args.log_format,
        log: args.log.clone(),
        ..Settings::default()
    };
    let config = flags.over(args.store.settings()?).resolve();
    vow_server::serve::init_logging(config.log_format, &config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let json = args.json;
    let result = runtime.block_on(vow_server::serve::serve(
        config,
        move |started| announce(started, json),
        vow_server::serve::shutdown_signal(),
    ));
    match result {
        Ok(()) => Ok(ExitCode::from(EXIT_OK)),
        Err(ServeError::Policy { report, .. }) => {
            eprint!("{}", report.render(color_stderr()));
            eprintln!(
                "vow serve: the policy has errors; fix them (`vow policy check FILE` shows the same) and start again"
            );
            Ok(ExitCode::from(EXIT_FINDINGS))
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(EXIT_CANNOT_RUN))
        }
    }
}

/// Says where vow listens: on stdout, so scripts can read it.
fn announce(s: &Started, json: bool) {
    if json {
        // One line, so that a script can read it before the server stops.
        println!(
            "{}",
            json!({
                "url": s.url,
                "api": format!("{}/v1", s.url),
                "openapi": format!("{}/openapi.json", s.url),
                "privacy_centre": format!("{}/centre", s.url),
                "banner": format!("{}/banner.js", s.url),
                "banner_demo": format!("{}/demo", s.url),
                "policy": {"file": s.policy_path, "id": s.policy_id, "version": s.policy_version},
                "store": s.database,
                "admin_key": s.admin_token,
            })
        );
        return;
    }
    let example = if s.example_written {
        " (the course-shop example, written just now: edit it, or pass --policy)"
    } else {
        ""
    };
    println!("vow {} is serving {}", env!("CARGO_PKG_VERSION"), s.url);
    println!(
        "  policy    {} version {} from {}{example}",
        s.policy_id,
        s.policy_version,
        s.policy_path.display()
    );
    println!("  store     {}", s.database);
    println!("  privacy centre  {}/centre", s.url);
    println!(
        "  cookie banner   <script src=\"{}/banner.js\"></script>   (see it at {}/demo)",
        s.url, s.url
    );
    println!(
        "  API       {}/v1   (OpenAPI: {}/openapi.json)",
        s.url, s.url
    );
    println!(
        "  health    {}/healthz  {}/readyz  {}/metrics",
        s.url, s.url, s.url
    );
    if let Some(token) = &s.admin_token {
        println!();
        println!("  admin key {token}");
        println!("            shown once: vow keeps only its hash. Create narrower keys with");
        println!("            `vow keys create --scope decide` (or POST /v1/keys).");
    }
    println!("Stop with Ctrl-C.");
}

/// `vow openapi`: the description the server serves.
pub fn openapi(output: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    use utoipa::OpenApi;
    let text = vow_server::openapi::ApiDoc::openapi().to_pretty_json()? + "\n";
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::from(EXIT_OK))
}
