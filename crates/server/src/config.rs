//! `vow serve` settings: flags and `VOW_*` environment variables (read by
//! the CLI), over `vow.toml`, over defaults. With none of them, vow runs on
//! SQLite in `./vow-data` with the example policy on 127.0.0.1:8080.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Settings as given: every field optional, so that layers can be merged.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on (`127.0.0.1:8080`; port 0 picks a free port).
    pub bind: Option<SocketAddr>,
    /// Directory of the SQLite store, the ledger key and the example policy.
    pub data_dir: Option<PathBuf>,
    /// `postgres://...` to share the store between several processes; a
    /// SQLite file path otherwise (default `<data_dir>/vow.db`).
    pub database: Option<String>,
    /// The policy file (default: `<data_dir>/policy.yaml`, written from the
    /// course-shop example on first start).
    pub policy: Option<PathBuf>,
    /// File holding the ledger's sealing key (hex). Default
    /// `<data_dir>/ledger.key`; `VOW_LEDGER_KEY` gives the key itself.
    pub ledger_key_file: Option<PathBuf>,
    /// The dataset files data-subject requests run in (default: every
    /// `*.yaml` in `<data_dir>/datasets`). Relative paths are from the
    /// working directory.
    pub datasets: Option<Vec<PathBuf>>,
    /// The address people reach this server at, for the links vow puts in
    /// e-mails (unsubscribe) [default: `http://<bind>`].
    pub public_url: Option<String>,
    /// The SMTP server one-time codes are sent through (`[mail]`: host,
    /// port, from, username, password, tls); `VOW_SMTP_*` override it.
    pub mail: Option<vow_mail::MailConfig>,
    /// Largest request body, in bytes (default 1 MiB).
    pub body_limit_bytes: Option<usize>,
    /// Longest a request may take, in milliseconds (default 10,000).
    pub request_timeout_ms: Option<u64>,
    /// Most queries in one decision batch (default 1,000).
    pub max_batch: Option<usize>,
    /// Subject states kept in memory (default 100,000).
    pub state_cache: Option<usize>,
    /// Sign-in e-mails the privacy centre sends in 15 minutes, to everyone
    /// together (default 300); each address gets at most 3, each client
    /// address may ask for at most 10.
    pub sign_in_mail_limit: Option<u64>,
    /// How often to look for other processes' writes and keys, in ms (default 500).
    pub sync_interval_ms: Option<u64>,
    /// On PostgreSQL, hear other processes' writes as they commit (LISTEN)
    /// rather than at the next look only (default true).
    pub sync_listen: Option<bool>,
    /// `text` (default) or `json` logs on stderr.
    pub log_format: Option<LogFormat>,
    /// Log filter, as for `RUST_LOG` (default `info`).
    pub log: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<LogFormat, String> {
        match s {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!(
                "`{other}` is not a log format: use `text` or `json`"
            )),
        }
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database: Database,
    pub policy: Option<PathBuf>,
    /// The key file named by a flag, variable or `vow.toml`, if any.
    pub ledger_key_file: Option<PathBuf>,
    /// Dataset files named by a flag or `vow.toml`; `None`: those in
    /// `<data_dir>/datasets`.
    pub datasets: Option<Vec<PathBuf>>,
    /// Where people reach this server, without a trailing `/`.
    pub public_url: String,
    /// SMTP settings from `vow.toml` (defaults and `VOW_SMTP_*` are applied
    /// where mail is sent).
    pub mail: Option<vow_mail::MailConfig>,
    pub body_limit: usize,
    pub request_timeout: Duration,
    pub max_batch: usize,
    pub state_cache: usize,
    pub sign_in_limits: crate::centre::SignInLimits,
    pub sync_interval: Duration,
    pub sync_listen: bool,
    pub log_format: LogFormat,
    pub log: String,
}

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Config {
    /// The dataset files: those named, else every `*.yaml` (or `*.yml`) in
    /// `<data_dir>/datasets`, sorted; none when that folder does not exist.
    pub fn dataset_files(&self) -> std::io::Result<Vec<PathBuf>> {
        if let Some(named) = &self.datasets {
            return Ok(named.clone());
        }
        let dir = self.data_dir.join("datasets");
        let mut files = Vec::new();
        match std::fs::read_dir(&dir) {
            Ok(entries) => {
                for entry in entries {
                    let path = entry?.path();
                    if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                        files.push(path);
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        files.sort();
        Ok(files)
    }

    /// Where the ledger key is: the file named, else `<data_dir>/ledger.key`.
    pub fn key_file(&self) -> PathBuf {
        self.ledger_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("ledger.key"))
    }
}

impl Database {
    /// For messages: the path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("SQLite {}", path.display()),
            Database::Postgres(url) => format!("PostgreSQL {}", redact(url)),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

impl Settings {
    /// Reads `vow.toml`; errors say the file, line and column.
    pub fn from_file(path: &Path) -> Result<Settings, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            let position = e
                .span()
                .map(|span| {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    format!(":{line}:{column}")
                })
                .unwrap_or_default();
            format!(
                "{}{position}: {}\nhint: the settings are listed in docs/serve.md",
                path.display(),
                e.message()
            )
        })
    }

    /// `self` where set, else `lower`.
    pub fn over(self, lower: Settings) -> Settings {
        Settings {
            bind: self.bind.or(lower.bind),
            data_dir: self.data_dir.or(lower.data_dir),
            database: self.database.or(lower.database),
            policy: self.policy.or(lower.policy),
            ledger_key_file: self.ledger_key_file.or(lower.ledger_key_file),
            datasets: self.datasets.or(lower.datasets),
            mail: self.mail.or(lower.mail),
            public_url: self.public_url.or(lower.public_url),
            body_limit_bytes: self.body_limit_bytes.or(lower.body_limit_bytes),
            request_timeout_ms: self.request_timeout_ms.or(lower.request_timeout_ms),
            max_batch: self.max_batch.or(lower.max_batch),
            state_cache: self.state_cache.or(lower.state_cache),
            sign_in_mail_limit: self.sign_in_mail_limit.or(lower.sign_in_mail_limit),
            sync_interval_ms: self.sync_interval_ms.or(lower.sync_interval_ms),
            sync_listen: self.sync_listen.or(lower.sync_listen),
            log_format: self.log_format.or(lower.log_format),
            log: self.log.or(lower.log),
        }
    }

    /// Fills in the defaults.
    pub fn resolve(self) -> Config {
        let data_dir = self.data_dir.unwrap_or_else(|| PathBuf::from("vow-data"));
        let database = match self.database {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres(url)
            }
            Some(path) => Database::Sqlite(PathBuf::from(
                path.strip_prefix("sqlite://").unwrap_or(&path),
            )),
            None => Database::Sqlite(data_dir.join("vow.db")),
        };
        let bind = self
            .bind
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        Config {
            bind,
            public_url: self
                .public_url
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| format!("http://{bind}")),
            ledger_key_file: self.ledger_key_file,
            datasets: self.datasets,
            mail: self.mail,
            data_dir,
            database,
            policy: self.policy,
            body_limit: self.body_limit_bytes.unwrap_or(1024 * 1024),
            request_timeout: Duration::from_millis(self.request_timeout_ms.unwrap_or(10_000)),
            max_batch: self.max_batch.unwrap_or(1_000),
            state_cache: self.state_cache.unwrap_or(100_000),
            sign_in_limits: crate::centre::SignInLimits {
                overall: self
                    .sign_in_mail_limit
                    .unwrap_or(crate::centre::SignInLimits::default().overall),
                ..Default::default()
            },
            sync_interval: Duration::from_millis(self.sync_interval_ms.unwrap_or(500).max(10)),
            sync_listen: self.sync_listen.unwrap_or(true),
            log_format: self.log_format.unwrap_or_default(),
            log: self.log.unwrap_or_else(|| "info".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_merge_and_defaults_fill_in() {
        let flags = Settings {
            bind: Some("0.0.0.0:9000".parse().unwrap()),
            ..Default::default()
        };
        let file: Settings = toml::from_str(
            "bind = \"127.0.0.1:1\"\ndatabase = \"postgres://u:pw@db/vow\"\nmax_batch = 10\n",
        )
        .unwrap();
        let config = flags.over(file).resolve();
        assert_eq!(config.bind.port(), 9000);
        assert_eq!(config.max_batch, 10);
        assert_eq!(
            config.database.describe(),
            "PostgreSQL postgres://u:***@db/vow"
        );
        let default = Settings::default().resolve();
        assert_eq!(default.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(
            default.database,
            Database::Sqlite(PathBuf::from("vow-data/vow.db"))
        );
    }

    #[test]
    fn file_errors_say_where() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vow.toml");
        std::fs::write(&path, "bind = \"127.0.0.1:8080\"\nmax_bach = 3\n").unwrap();
        let error = Settings::from_file(&path).unwrap_err();
        assert!(error.contains("vow.toml:2:1"), "{error}");
        assert!(error.contains("unknown field `max_bach`"), "{error}");
    }
}
