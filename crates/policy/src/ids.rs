//! Identifiers and small value types shared by the whole policy model.
//!
//! Each is a newtype over a string that has been checked against its
//! pattern, so code inside the crate never re-validates an id. The same
//! patterns go into the JSON Schema.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $pattern:expr, $check:expr, $what:expr, $example:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The regular expression every value matches.
            pub const PATTERN: &'static str = $pattern;

            /// Checks `value` against [`Self::PATTERN`].
            pub fn parse(value: &str) -> Result<Self, String> {
                let check: fn(&str) -> bool = $check;
                if check(value) {
                    Ok(Self(value.to_owned()))
                } else {
                    Err(format!("`{value}` is not a valid {}: {}", $what, $example))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": $example,
                })
            }
        }
    };
}

string_id!(
    /// The id of a policy element (purpose, recipient, tracker, ...): lower
    /// case letters, digits, `_`, `-` and `.`, starting with a letter.
    ElementId,
    r"^[a-z][a-z0-9_.-]{0,127}$",
    |v| v.len() <= 128 && starts_lower(v) && v.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b)),
    "id",
    "lower-case letters, digits, `_`, `-` and `.`, starting with a letter, such as `marketing_email` or `payment-processor`"
);

string_id!(
    /// A data category key in the fideslang style: dotted lower-case
    /// segments, such as `user.contact.email`.
    CategoryKey,
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
    |v| v.split('.').all(|seg| starts_lower(seg) && seg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')),
    "data category key",
    "dotted lower-case segments, such as `user.contact.email`"
);

string_id!(
    /// The id of a promise in PROMISES.md, such as `EDU-07`.
    PromiseId,
    r"^[A-Z]{2,10}-[0-9]{2,3}$",
    |v| match v.split_once('-') {
        Some((a, n)) => (2..=10).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_uppercase()) && (2..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    },
    "promise id",
    "upper-case letters, a dash and two or three digits, such as `EDU-07`"
);

string_id!(
    /// A jurisdiction: an ISO 3166-1 country code (`GB`, `FR`, `US`), a
    /// subdivision (`US-CA`), or a region (`EU`, `EEA`, `UK`, `GLOBAL`).
    Jurisdiction,
    r"^([A-Z]{2}(-[A-Z0-9]{1,3})?|EU|EEA|GLOBAL)$",
    |v| matches!(v, "EU" | "EEA" | "GLOBAL") || {
        let (country, sub) = v.split_once('-').map_or((v, None), |(c, s)| (c, Some(s)));
        country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase())
            && sub.is_none_or(|s| (1..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
    },
    "jurisdiction",
    "an ISO 3166 code such as `GB`, `US` or `US-CA`, or one of `EU`, `EEA`, `GLOBAL`"
);

string_id!(
    /// A language tag such as `en`, `fr`, `uk` or `en-GB`.
    Lang,
    r"^[a-z]{2,3}(-[A-Z]{2})?$",
    |v| {
        let (lang, region) = v.split_once('-').map_or((v, None), |(l, r)| (l, Some(r)));
        (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase())
            && region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
    },
    "language tag",
    "a language tag such as `en`, `fr`, `uk` or `en-GB`"
);

fn starts_lower(v: &str) -> bool {
    v.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

impl CategoryKey {
    /// Whether `self` is `other` or one of its descendants
    /// (`user.contact.email` is within `user.contact`).
    pub fn is_within(&self, other: &CategoryKey) -> bool {
        self.0 == other.0
            || (self.0.len() > other.0.len()
                && self.0.starts_with(&other.0)
                && self.0.as_bytes()[other.0.len()] == b'.')
    }

    /// The parent key, if any (`user.contact` for `user.contact.email`).
    pub fn parent(&self) -> Option<CategoryKey> {
        self.0
            .rsplit_once('.')
            .map(|(p, _)| CategoryKey(p.to_owned()))
    }
}

/// Human-readable text: one string, or one string per language.
///
/// ```yaml
/// name: Marketing e-mail
/// name: { en: Marketing e-mail, fr: Courriel commercial }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    Localized(BTreeMap<Lang, String>),
}

impl Text {
    /// The text in `lang`, falling back to English, then to any language.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            Text::Plain(text) => text,
            Text::Localized(map) => map
                .iter()
                .find(|(l, _)| l.as_str() == lang)
                .or_else(|| map.iter().find(|(l, _)| l.as_str() == "en"))
                .or_else(|| map.iter().next())
                .map(|(_, t)| t.as_str())
                .unwrap_or(""),
        }
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text::Plain(text.to_owned())
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get("en"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_their_patterns() {
        assert!(ElementId::parse("marketing_email").is_ok());
        assert!(ElementId::parse("Marketing").is_err());
        assert!(CategoryKey::parse("user.contact.email").is_ok());
        assert!(CategoryKey::parse("user..email").is_err());
        assert!(PromiseId::parse("EDU-07").is_ok());
        assert!(PromiseId::parse("edu-07").is_err());
        assert!(Jurisdiction::parse("US-CA").is_ok());
        assert!(Jurisdiction::parse("EU").is_ok());
        assert!(Jurisdiction::parse("california").is_err());
    }

    #[test]
    fn category_hierarchy() {
        let email = CategoryKey::parse("user.contact.email").unwrap();
        let contact = CategoryKey::parse("user.contact").unwrap();
        let cont = CategoryKey::parse("user.cont").unwrap();
        assert!(email.is_within(&contact));
        assert!(!email.is_within(&cont));
        assert!(!contact.is_within(&email));
        assert_eq!(email.parent(), Some(contact));
    }

    #[test]
    fn text_falls_back_to_english() {
        let mut map = BTreeMap::new();
        map.insert(Lang::parse("en").unwrap(), "Hello".to_owned());
        map.insert(Lang::parse("fr").unwrap(), "Bonjour".to_owned());
        let text = Text::Localized(map);
        assert_eq!(text.get("fr"), "Bonjour");
        assert_eq!(text.get("uk"), "Hello");
    }
}
