//! The SMTP settings: a `[mail]` table of `vow.toml`, `VOW_SMTP_*`
//! variables over it, and defaults under both (a mail server on
//! `localhost:25`, no TLS, sending as `vow@localhost`).
//!
//! ```toml
//! [mail]
//! host = "smtp.example.org"
//! tls = "starttls"          # port 587 unless `port` says otherwise
//! from = "Course Shop <privacy@shop.example>"
//! username = "privacy@shop.example"
//! # password: better in VOW_SMTP_PASSWORD than in the file
//! ```

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::MailError;

/// How to reach the mail server and who the mail is from.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// The SMTP server's host name or address (default `localhost`).
    pub host: String,
    /// Its port (default: 25 without TLS, 587 for STARTTLS, 465 for TLS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The sender: `privacy@shop.example` or `Course Shop <privacy@shop.example>`.
    pub from: String,
    /// The login, if the server asks for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// `none` (default), `starttls` or `tls`.
    pub tls: TlsMode,
    /// Longest one message may take, connection included, in seconds (default 30).
    pub timeout_secs: u64,
    /// The name vow gives itself in `EHLO` (default `localhost`); some
    /// servers want the sending host's real name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hello_name: Option<String>,
    /// A PEM file of extra certificate authorities to trust, for a server
    /// whose certificate a private CA signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

/// Whether and how the connection to the server is encrypted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain SMTP: only for a server on this host or a trusted network.
    #[default]
    None,
    /// Plain SMTP upgraded with `STARTTLS`, which the server must offer.
    Starttls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

impl TlsMode {
    /// The usual port of the mode.
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::None => 25,
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
        }
    }
}

impl std::str::FromStr for TlsMode {
    type Err = MailError;

    fn from_str(s: &str) -> Result<TlsMode, MailError> {
        match s {
            "none" => Ok(TlsMode::None),
            "starttls" => Ok(TlsMode::Starttls),
            "tls" => Ok(TlsMode::Tls),
            other => Err(MailError::Config(format!(
                "`{other}` is not a TLS mode: use `none`, `starttls` or `tls`"
            ))),
        }
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TlsMode::None => "none",
            TlsMode::Starttls => "starttls",
            TlsMode::Tls => "tls",
        })
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            host: "localhost".to_owned(),
            port: None,
            from: "vow@localhost".to_owned(),
            username: None,
            password: None,
            tls: TlsMode::None,
            timeout_secs: 30,
            hello_name: None,
            ca_file: None,
        }
    }
}

/// Never prints the password.
impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("tls", &self.tls)
            .field("timeout_secs", &self.timeout_secs)
            .field("hello_name", &self.hello_name)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// The variables read by [`MailConfig::with_env`], each over the field it names.
pub const ENV_VARS: &[&str] = &[
    "VOW_SMTP_HOST",
    "VOW_SMTP_PORT",
    "VOW_SMTP_FROM",
    "VOW_SMTP_USERNAME",
    "VOW_SMTP_PASSWORD",
    "VOW_SMTP_TLS",
];

impl MailConfig {
    /// The port to connect to: the one given, else the mode's usual one.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or_else(|| self.tls.default_port())
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }

    /// `self` with the `VOW_SMTP_*` variables that `var` finds put over it
    /// (pass `|name| std::env::var(name).ok()`; tests pass a map).
    pub fn with_env(
        mut self,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<MailConfig, MailError> {
        if let Some(host) = var("VOW_SMTP_HOST") {
            self.host = host;
        }
        if let Some(port) = var("VOW_SMTP_PORT") {
            self.port = Some(port.trim().parse().map_err(|_| {
                MailError::Config(format!(
                    "VOW_SMTP_PORT is `{port}`, which is not a port number (1 to 65535)"
                ))
            })?);
        }
        if let Some(from) = var("VOW_SMTP_FROM") {
            self.from = from;
        }
        if let Some(username) = var("VOW_SMTP_USERNAME") {
            self.username = Some(username);
        }
        if let Some(password) = var("VOW_SMTP_PASSWORD") {
            self.password = Some(password);
        }
        if let Some(tls) = var("VOW_SMTP_TLS") {
            self.tls = tls.trim().parse()?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_a_local_server_without_tls() {
        let config = MailConfig::default();
        assert_eq!((config.host.as_str(), config.port()), ("localhost", 25));
        assert_eq!(config.tls, TlsMode::None);
        let starttls: MailConfig = toml::from_str("tls = \"starttls\"").unwrap();
        assert_eq!(starttls.port(), 587);
        let tls: MailConfig = toml::from_str("tls = \"tls\"\nport = 2465").unwrap();
        assert_eq!(tls.port(), 2465);
    }

    #[test]
    fn a_mail_table_reads_from_vow_toml() {
        #[derive(Debug, Deserialize)]
        struct File {
            mail: MailConfig,
        }
        let file: File = toml::from_str(
            "[mail]\nhost = \"smtp.example.org\"\ntls = \"starttls\"\n\
             from = \"Course Shop <privacy@shop.example>\"\nusername = \"privacy\"\n",
        )
        .unwrap();
        assert_eq!(file.mail.host, "smtp.example.org");
        assert_eq!(file.mail.username.as_deref(), Some("privacy"));
        assert_eq!(file.mail.timeout_secs, 30);
        let wrong = toml::from_str::<File>("[mail]\ntls = \"ssl\"\n").unwrap_err();
        assert!(wrong.message().contains("unknown variant `ssl`"), "{wrong}");
        let typo = toml::from_str::<File>("[mail]\nhots = \"x\"\n").unwrap_err();
        assert!(typo.message().contains("unknown field `hots`"), "{typo}");
    }

    #[test]
    fn variables_go_over_the_file_and_the_password_is_never_printed() {
        let vars = |name: &str| match name {
            "VOW_SMTP_HOST" => Some("mail.internal".to_owned()),
            "VOW_SMTP_PORT" => Some("2525".to_owned()),
            "VOW_SMTP_PASSWORD" => Some("hunter2".to_owned()),
            "VOW_SMTP_TLS" => Some("tls".to_owned()),
            _ => None,
        };
        let config = MailConfig::default().with_env(vars).unwrap();
        assert_eq!(
            (config.host.as_str(), config.port()),
            ("mail.internal", 2525)
        );
        assert_eq!(config.tls, TlsMode::Tls);
        assert_eq!(config.password.as_deref(), Some("hunter2"));
        assert!(!format!("{config:?}").contains("hunter2"));

        let bad = MailConfig::default()
            .with_env(|name| (name == "VOW_SMTP_PORT").then(|| "smtp".to_owned()))
            .unwrap_err();
        assert_eq!(
            bad.to_string(),
            "mail settings: VOW_SMTP_PORT is `smtp`, which is not a port number (1 to 65535)"
        );
    }
}
