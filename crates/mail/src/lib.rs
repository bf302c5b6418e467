//! E-mail for vow: the only crate that talks SMTP.
//!
//! - [`config`]: [`MailConfig`], the `[mail]` settings of `vow.toml` (server,
//!   port, sender, login, TLS), with `VOW_SMTP_*` variables over them.
//! - [`message`]: [`Message`], what a person receives (recipient, subject,
//!   plain text, optional HTML, extra headers such as `List-Unsubscribe`),
//!   and [`Address`], an e-mail address parsed once at the edge.
//! - [`mailer`]: [`Mailer`], which sends a [`Message`] through lettre's
//!   SMTP client one step at a time, so that a failure says which step
//!   failed (server unreachable, TLS, login, sender, recipient, content)
//!   and what to change.
//! - `sink` (feature `sink`): an SMTP server on 127.0.0.1 that keeps what
//!   it receives, so tests send real mail through the real client.
//!
//! What a message says (a verification code, a link) is written by the
//! crates that know why it is sent; this crate only carries it.

pub mod config;
pub mod error;
pub mod mailer;
pub mod message;
#[cfg(feature = "sink")]
pub mod sink;

pub use config::{MailConfig, TlsMode};
pub use error::MailError;
pub use mailer::{Mailer, Sent};
pub use message::{Address, Message};
