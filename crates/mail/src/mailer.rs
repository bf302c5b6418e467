//! Sending: [`Mailer::new`] checks the settings once (the sender parses,
//! TLS can be set up, a password never goes over a plain connection to
//! another host), [`Mailer::send`] opens a connection per message and walks
//! through the SMTP steps itself with lettre's client connection — connect,
//! STARTTLS, login, `MAIL FROM`, `RCPT TO`, `DATA` — so that a refusal is
//! reported as the step it came from: the recipient, not "error 550".
//!
//! No connection pool: verification codes and links are a few messages an
//! hour, and a fresh connection never fails on one the server closed.

use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use crate::{MailConfig, MailError, Message, TlsMode};

/// Sends messages with the settings it was made from.
#[derive(Clone)]
pub struct Mailer {
    host: String,
    port: u16,
    from: Mailbox,
    login: Option<Credentials>,
    username: String,
    hello: ClientId,
    timeout: Duration,
    tls: Tls,
}

#[derive(Clone)]
enum Tls {
    None,
    #[cfg(feature = "tls")]
    Starttls(lettre::transport::smtp::client::TlsParameters),
    #[cfg(feature = "tls")]
    Wrapper(lettre::transport::smtp::client::TlsParameters),
}

/// A message the server accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The `Message-ID` it was sent with, `<…@domain-of-the-sender>`.
    pub message_id: String,
    /// The server's answer to the message, such as `250 2.0.0 queued as 4F2A`.
    pub reply: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &format_args!("{}:{}", self.host, self.port))
            .field("from", &self.from.to_string())
            .field("login", &self.login.as_ref().map(|_| &self.username))
            .finish_non_exhaustive()
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Mailer, MailError> {
        let from: Mailbox = config.from.trim().parse().map_err(|e| {
            MailError::Config(format!(
                "`from` is `{}`, which is not an address (`privacy@shop.example` or \
                 `Course Shop <privacy@shop.example>`): {e}",
                config.from
            ))
        })?;
        let host = config.host.trim().to_owned();
        if host.is_empty() {
            return Err(MailError::Config(
                "`host` is empty: name the SMTP server".to_owned(),
            ));
        }
        let login = match (&config.username, &config.password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password.clone())),
            (None, None) => None,
            (Some(_), None) => {
                return Err(MailError::Config(
                    "`username` is set but `password` is not (VOW_SMTP_PASSWORD)".to_owned(),
                ));
            }
            (None, Some(_)) => {
                return Err(MailError::Config(
                    "`password` is set but `username` is not (VOW_SMTP_USERNAME)".to_owned(),
                ));
            }
        };
        if login.is_some() && config.tls == TlsMode::None && !is_loopback(&host) {
            return Err(MailError::Config(format!(
                "a login to {host} with `tls = \"none\"` would send the password in the clear: \
                 set `tls` to `starttls` or `tls`"
            )));
        }
        let hello = ClientId::Domain(
            config
                .hello_name
                .clone()
                .unwrap_or_else(|| "localhost".to_owned()),
        );
        let tls = tls(config, &host)?;
        Ok(Mailer {
            port: config.port(),
            host,
            from,
            login,
            username: config.username.clone().unwrap_or_default(),
            hello,
            timeout: config.timeout(),
            tls,
        })
    }

    /// The sender, as messages show it.
    pub fn from(&self) -> String {
        self.from.to_string()
    }

    /// Sends one message and waits for the server to accept it.
    pub async fn send(&self, message: &Message) -> Result<Sent, MailError> {
        let message_id = message_id(self.from.email.domain())?;
        let bytes = self.format(message, &message_id)?;
        let sending = self.deliver(message, &bytes);
        match tokio::time::timeout(self.timeout, sending).await {
            Ok(reply) => reply.map(|reply| Sent { message_id, reply }),
            Err(_) => Err(MailError::Timeout {
                host: self.host.clone(),
                port: self.port,
                seconds: self.timeout.as_secs(),
            }),
        }
    }

    /// The message as it goes over the wire (headers, MIME body, encodings chosen by lettre).
    fn format(&self, message: &Message, message_id: &str) -> Result<Vec<u8>, MailError> {
        let mut builder = lettre::Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, message.to().lettre().clone()))
            .subject(message.subject())
            .message_id(Some(message_id.to_owned()))
            .date_now();
        for (name, value) in message.headers() {
            let name =
                HeaderName::new_from_ascii(name.clone()).map_err(|_| MailError::InvalidHeader {
                    name: name.clone(),
                    reason: "a header name is printable ASCII without spaces or `:`",
                })?;
            builder = builder.raw_header(HeaderValue::new(name, value.clone()));
        }
        let built = match message.html() {
            None => builder.singlepart(SinglePart::plain(message.text().to_owned())),
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                message.text().to_owned(),
                html.to_owned(),
            )),
        };
        let built = built.map_err(|e| MailError::Protocol {
            host: self.host.clone(),
            port: self.port,
            step: "building the message",
            detail: e.to_string(),
        })?;
        Ok(built.formatted())
    }

    async fn deliver(&self, message: &Message, bytes: &[u8]) -> Result<String, MailError> {
        let mut conn = self.connect().await?;
        let result = self.transaction(&mut conn, message, bytes).await;
        match &result {
            Ok(_) => {
                // The message is accepted; a failed goodbye changes nothing.
                let _ = conn.quit().await;
            }
            Err(_) => conn.abort().await,
        }
        result
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, MailError> {
        let wrapper = match &self.tls {
            #[cfg(feature = "tls")]
            Tls::Wrapper(parameters) => Some(parameters.clone()),
            _ => None,
        };
        let mut conn = AsyncSmtpConnection::connect_tokio1(
            (self.host.as_str(), self.port),
            Some(self.timeout),
            &self.hello,
            wrapper,
            None,
        )
        .await
        .map_err(|e| self.connect_error(e))?;
        #[cfg(feature = "tls")]
        if let Tls::Starttls(parameters) = &self.tls {
            if !conn.can_starttls() {
                conn.abort().await;
                return Err(MailError::NoStartTls {
                    host: self.host.clone(),
                    port: self.port,
                });
            }
            if let Err(e) = conn.starttls(parameters.clone(), &self.hello).await {
                conn.abort().await;
                return Err(self.connect_error(e));
            }
        }
        if let Some(login) = &self.login
            && let Err(e) = conn
                .auth(&[Mechanism::Plain, Mechanism::Login], login)
                .await
        {
            conn.abort().await;
            return Err(if e.is_client() {
                MailError::NoLogin {
                    host: self.host.clone(),
                    port: self.port,
                }
            } else {
                MailError::LoginRefused {
                    host: self.host.clone(),
                    port: self.port,
                    username: self.username.clone(),
                    reply: reply(&e),
                }
            });
        }
        Ok(conn)
    }

    fn connect_error(&self, e: lettre::transport::smtp::Error) -> MailError {
        let (host, port) = (self.host.clone(), self.port);
        #[cfg(feature = "tls")]
        if e.is_tls() {
            return MailError::Tls {
                host,
                port,
                detail: reply(&e),
            };
        }
        if e.is_timeout() {
            return MailError::Timeout {
                host,
                port,
                seconds: self.timeout.as_secs(),
            };
        }
        if e.status().is_some() {
            // Connected, but the greeting or EHLO was negative.
            return MailError::Protocol {
                host,
                port,
                step: "greeting the server",
                detail: reply(&e),
            };
        }
        MailError::Unreachable {
            host,
            port,
            detail: reply(&e),
        }
    }

    async fn transaction(
        &self,
        conn: &mut AsyncSmtpConnection,
        message: &Message,
        bytes: &[u8],
    ) -> Result<String, MailError> {
        let (host, port) = (self.host.clone(), self.port);
        let info = conn.server_info();
        let mut parameters = Vec::new();
        let to = message.to().lettre();
        let (from_text, to_text): (&str, &str) = (self.from.email.as_ref(), to.as_ref());
        if !from_text.is_ascii() || !to_text.is_ascii() {
            if !info.supports_feature(Extension::SmtpUtfEight) {
                return Err(MailError::RecipientRefused {
                    host,
                    port,
                    to: to.to_string(),
                    reply: "the address is not ASCII and the server does not offer SMTPUTF8"
                        .to_owned(),
                    transient: false,
                });
            }
            parameters.push(MailParameter::SmtpUtfEight);
        }
        if !bytes.is_ascii() && info.supports_feature(Extension::EightBitMime) {
            parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }

        let mail = Mail::new(Some(self.from.email.clone()), parameters);
        if let Err(e) = conn.command(mail).await {
            let code = e.status().map(|c| c.to_string());
            if code.as_deref() == Some("530") {
                return Err(MailError::LoginRequired {
                    host,
                    port,
                    reply: reply(&e),
                });
            }
            return Err(MailError::SenderRefused {
                host,
                port,
                from: self.from.email.to_string(),
                transient: e.is_transient(),
                reply: reply(&e),
            });
        }
        if let Err(e) = conn.command(Rcpt::new(to.clone(), vec![])).await {
            return Err(MailError::RecipientRefused {
                host,
                port,
                to: to.to_string(),
                transient: e.is_transient(),
                reply: reply(&e),
            });
        }
        let accepted = match conn.command(Data).await {
            Ok(_) => conn.message(bytes).await,
            Err(e) => Err(e),
        };
        accepted
            .map(|response| {
                let lines: Vec<&str> = response.message().collect();
                format!("{} {}", response.code(), lines.join(" "))
            })
            .map_err(|e| MailError::MessageRefused {
                host,
                port,
                transient: e.is_transient(),
                reply: reply(&e),
            })
    }
}

/// What the server said, or what went wrong on the way: lettre's error
/// text ("permanent error (550): 5.1.1 no such user") and its causes.
fn reply(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `<32 random hex digits@domain>`: unique without a clock or a counter.
fn message_id(domain: &str) -> Result<String, MailError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        MailError::Config(format!(
            "the operating system's random source failed ({e}), so no Message-ID could be made"
        ))
    })?;
    Ok(format!("<{}@{domain}>", hex::encode(bytes)))
}

#[cfg(feature = "tls")]
fn tls(config: &MailConfig, host: &str) -> Result<Tls, MailError> {
    use lettre::transport::smtp::client::{Certificate, TlsParameters};
    if config.tls == TlsMode::None {
        return Ok(Tls::None);
    }
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            MailError::Config(format!("cannot read `ca_file` {}: {e}", path.display()))
        })?;
        let certificate = Certificate::from_pem(&pem).map_err(|e| {
            MailError::Config(format!(
                "`ca_file` {} holds no PEM certificate vow can read: {e}",
                path.display()
            ))
        })?;
        builder = builder.add_root_certificate(certificate);
    }
    let parameters = builder.build_rustls().map_err(|e| {
        MailError::Config(format!("TLS for {host} cannot be set up: {}", reply(&e)))
    })?;
    Ok(match config.tls {
        TlsMode::Starttls => Tls::Starttls(parameters),
        _ => Tls::Wrapper(parameters),
    })
}

#[cfg(not(feature = "tls"))]
fn tls(config: &MailConfig, _host: &str) -> Result<Tls, MailError> {
    match config.tls {
        TlsMode::None => Ok(Tls::None),
        mode => Err(MailError::Config(format!(
            "`tls = \"{mode}\"` needs vow built with the `tls` feature of vow-mail"
        ))),
    }
}
