//! Who a subject is outside vow: the e-mail addresses, phone numbers,
//! account ids and browsers (the banner's visitor id) that name one
//! person. The organisation links them to its subject ids
//! (`identity_linked`), and the privacy centre finds the person it signs
//! in by e-mail through them.
//!
//! The ledger is append-only, so it never holds an address, a phone
//! number or an account id in clear: an event carries the keyed digest of
//! the normalised value (HMAC-SHA-256 under a key derived from the ledger
//! key), which a lookup computes the same way. Erasing a person's data
//! leaves no address behind in the ledger, and reading the database does
//! not reveal whom a digest names. A browser is the exception: its id is
//! the banner's random one, which names nothing outside vow and is the
//! subject of the banner's own events (`visitor:<id>`) already, so it is
//! kept as it is, and the privacy centre can find those events.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::key::LedgerKey;

/// What kind of name an identity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IdentityKind {
    /// An e-mail address, compared in lower case.
    Email,
    /// A phone number, compared by its digits and a leading `+`.
    Phone,
    /// The organisation's own id for the person (a customer number).
    Account,
    /// A browser: the cookie banner's random visitor id.
    Browser,
}

impl IdentityKind {
    pub const ALL: [IdentityKind; 4] = [
        IdentityKind::Email,
        IdentityKind::Phone,
        IdentityKind::Account,
        IdentityKind::Browser,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Email => "email",
            IdentityKind::Phone => "phone",
            IdentityKind::Account => "account",
            IdentityKind::Browser => "browser",
        }
    }

    pub fn parse(text: &str) -> Option<IdentityKind> {
        IdentityKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// An identity, normalised: two spellings of one address are one identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    kind: IdentityKind,
    value: String,
}

impl Identity {
    /// Normalises `value` as a `kind`; the error says what is wrong with it.
    pub fn parse(kind: IdentityKind, value: &str) -> Result<Identity, String> {
        let value = value.trim();
        if value.is_empty() || value.len() > 320 || value.chars().any(char::is_control) {
            return Err(format!(
                "an identity is 1 to 320 characters without control characters; got {value:?}"
            ));
        }
        let value = match kind {
            IdentityKind::Email => {
                let lower = value.to_lowercase();
                match lower.rsplit_once('@') {
                    Some((local, domain))
                        if !local.is_empty()
                            && domain.contains('.')
                            && !domain.starts_with('.')
                            && !domain.ends_with('.')
                            && !lower.chars().any(char::is_whitespace) =>
                    {
                        lower
                    }
                    _ => {
                        return Err(format!(
                            "{value:?} is not an e-mail address (name@example.org)"
                        ));
                    }
                }
            }
            IdentityKind::Phone => {
                let plus = value.starts_with('+');
                let digits: String = value.chars().filter(char::is_ascii_digit).collect();
                let allowed = |c: char| c.is_ascii_digit() || " +-.()/".contains(c);
                if digits.len() < 5 || digits.len() > 15 || !value.chars().all(allowed) {
                    return Err(format!(
                        "{value:?} is not a phone number (5 to 15 digits, `+` for the country code)"
                    ));
                }
                if plus { format!("+{digits}") } else { digits }
            }
            IdentityKind::Account | IdentityKind::Browser => value.to_owned(),
        };
        Ok(Identity { kind, value })
    }

    pub fn kind(&self) -> IdentityKind {
        self.kind
    }

    /// The normalised value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// What the ledger and the index keep of it: a keyed digest, or a
    /// browser's id as it is.
    pub fn stored(&self, key: &IdentityKey) -> String {
        if self.kind == IdentityKind::Browser {
            return self.value.clone();
        }
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key.0)
            .expect("HMAC takes a key of any length");
        mac.update(self.kind.as_str().as_bytes());
        mac.update(b"\0");
        mac.update(self.value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The key identities are digested under, derived from the ledger key:
/// every process sharing a ledger computes the same digests.
#[derive(Clone)]
pub struct IdentityKey([u8; 32]);

impl IdentityKey {
    pub fn new(ledger: &LedgerKey) -> IdentityKey {
        IdentityKey(ledger.derive("identities"))
    }
}

impl std::fmt::Debug for IdentityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdentityKey(..)")
    }
}

/// The subjects a guardian is linked to, as the index keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardianLinkRecord {
    pub guardian: String,
    pub child: String,
    /// The link (and the parent's consent) was verified.
    pub verified: bool,
    /// The event that made the link, by number.
    pub seq: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_identity_are_one_identity() {
        let key = IdentityKey::new(&LedgerKey::from_hex(&"4b".repeat(32)).unwrap());
        let digest = |kind, value| {
            Identity::parse(kind, value)
                .map(|i| i.stored(&key))
                .unwrap()
        };
        assert_eq!(
            digest(IdentityKind::Email, " Ada@Example.ORG "),
            digest(IdentityKind::Email, "ada@example.org")
        );
        assert_eq!(
            digest(IdentityKind::Phone, "+33 6 12-34.56 78"),
            digest(IdentityKind::Phone, "+33612345678")
        );
        assert_ne!(
            digest(IdentityKind::Phone, "+33612345678"),
            digest(IdentityKind::Phone, "33612345678"),
            "a country code is not a trunk prefix"
        );
        assert_ne!(
            digest(IdentityKind::Account, "42"),
            digest(IdentityKind::Phone, "+44 20 7946 0042"),
        );
        assert_eq!(
            digest(IdentityKind::Browser, "0f1e-2d3c"),
            "0f1e-2d3c",
            "a browser's random id is kept as it is"
        );
        assert_ne!(
            digest(IdentityKind::Account, "0f1e-2d3c"),
            "0f1e-2d3c",
            "an account id is not"
        );
        let other = IdentityKey::new(&LedgerKey::from_hex(&"4c".repeat(32)).unwrap());
        assert_ne!(
            Identity::parse(IdentityKind::Account, "42")
                .unwrap()
                .stored(&other),
            digest(IdentityKind::Account, "42"),
            "another ledger, other digests"
        );
    }

    #[test]
    fn malformed_identities_are_refused_with_the_reason() {
        for (kind, value) in [
            (IdentityKind::Email, "ada"),
            (IdentityKind::Email, "ada@localhost"),
            (IdentityKind::Email, "a da@example.org"),
            (IdentityKind::Phone, "call me"),
            (IdentityKind::Phone, "123"),
            (IdentityKind::Account, ""),
            (IdentityKind::Browser, "a\nb"),
        ] {
            let error = Identity::parse(kind, value).unwrap_err();
            assert!(!error.is_empty(), "{kind:?} {value:?}");
        }
    }
}
