//! What a person receives: one recipient, a subject, a plain-text body,
//! optionally an HTML one, and extra headers. The sender, the date and the
//! `Message-ID` are the [`Mailer`](crate::Mailer)'s to add.
//!
//! Everything is checked here, when the message is made, so a message
//! that exists can be sent: the address parses, a header name is a field
//! name and no value can smuggle a line break into the header block.

use std::fmt;
use std::str::FromStr;

use crate::MailError;

/// An e-mail address (`ada@example.org`), without a display name.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Address(lettre::Address);

impl FromStr for Address {
    type Err = MailError;

    /// Surrounding spaces are ignored: addresses on file often carry them.
    fn from_str(s: &str) -> Result<Address, MailError> {
        s.trim()
            .parse::<lettre::Address>()
            .map(Address)
            .map_err(|e| MailError::InvalidAddress {
                value: s.to_owned(),
                reason: e.to_string(),
            })
    }
}

impl Address {
    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    pub(crate) fn lettre(&self) -> &lettre::Address {
        &self.0
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.as_str())
    }
}

/// One message to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    to: Address,
    subject: String,
    text: String,
    html: Option<String>,
    headers: Vec<(String, String)>,
}

/// Headers the mailer writes itself, or that describe the body it builds.
const RESERVED: &[&str] = &[
    "from",
    "sender",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "mime-version",
];

impl Message {
    /// A plain-text message. Line breaks in `subject` become spaces.
    pub fn new(to: Address, subject: impl Into<String>, text: impl Into<String>) -> Message {
        let subject: String = subject.into();
        let subject = subject
            .split(['\r', '\n'])
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Message {
            to,
            subject,
            text: text.into(),
            html: None,
            headers: Vec::new(),
        }
    }

    /// The same message with an HTML alternative; mail readers show one
    /// of the two, so both must say the same.
    pub fn with_html(mut self, html: impl Into<String>) -> Message {
        self.html = Some(html.into());
        self
    }

    /// Adds a header (`List-Unsubscribe`, `Auto-Submitted`…). The value is
    /// sent as given, encoded only if it is not ASCII.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Message, MailError> {
        let invalid = |reason| MailError::InvalidHeader {
            name: name.to_owned(),
            reason,
        };
        if name.is_empty() || name.len() > 76 {
            return Err(invalid("a header name has 1 to 76 characters"));
        }
        if !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(invalid(
                "a header name is printable ASCII without spaces or `:`",
            ));
        }
        let lower = name.to_ascii_lowercase();
        if RESERVED.contains(&lower.as_str()) || lower.starts_with("content-") {
            return Err(invalid(
                "the mailer writes this header itself from the message and the settings",
            ));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(invalid(
                "a header value cannot hold line breaks or other control characters",
            ));
        }
        self.headers.push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    pub fn to(&self) -> &Address {
        &self.to
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn html(&self) -> Option<&str> {
        self.html.as_deref()
    }

    /// The extra headers, in the order added.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first extra header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> Address {
        "ada@example.org".parse().unwrap()
    }

    #[test]
    fn addresses_parse_at_the_edge() {
        assert_eq!(
            " ada@example.org ".parse::<Address>().unwrap().as_str(),
            "ada@example.org"
        );
        let err = "ada.example.org".parse::<Address>().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`ada.example.org` is not an e-mail address:"),
            "{err}"
        );
    }

    #[test]
    fn headers_cannot_inject_lines_or_replace_the_mailers() {
        let message = Message::new(ada(), "Your\r\ncode", "text")
            .with_header("List-Unsubscribe", "<https://shop.example/u/1>")
            .unwrap();
        assert_eq!(message.subject(), "Your code");
        assert_eq!(
            message.header("list-unsubscribe"),
            Some("<https://shop.example/u/1>")
        );
        let injected = Message::new(ada(), "s", "t")
            .with_header("X-Note", "a\r\nBcc: eve@example.org")
            .unwrap_err();
        assert!(injected.to_string().contains("line breaks"), "{injected}");
        for name in ["Bcc", "content-type", "X Note", "X:Note", ""] {
            assert!(
                Message::new(ada(), "s", "t")
                    .with_header(name, "v")
                    .is_err(),
                "{name}"
            );
        }
    }
}
