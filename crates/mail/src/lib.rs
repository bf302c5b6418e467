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

/// `jane.doe@example.com` as `j•••@example.com`: enough for the person to
/// recognise where a message went, too little to learn the address from.
/// For answers and records that must say where, without keeping where.
pub fn mask(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_masked_address_keeps_its_first_letter_and_domain() {
        assert_eq!(super::mask("jane.doe@example.com"), "j•••@example.com");
        assert_eq!(super::mask("élodie@exemple.fr"), "é•••@exemple.fr");
        assert_eq!(super::mask("not an address"), "•••");
    }
}
