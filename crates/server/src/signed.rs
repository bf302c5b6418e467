//! Values handed to browsers and mail readers that must come back
//! unchanged: unsubscribe links, sign-in links, the privacy centre's
//! session. `<payload>.<mac>`: the value as JSON in base64url, and the
//! first 16 bytes of its HMAC-SHA-256 under a key derived from the ledger
//! key for that use alone, checked in constant time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Sha256;
use vow_store::LedgerKey;

const MAC_LEN: usize = 16;

/// Seals and opens values for one use.
pub struct Signer {
    key: [u8; 32],
}

impl Signer {
    /// A signer whose key is derived from the ledger key for `purpose`:
    /// a token made for one use is refused by every other.
    pub fn new(ledger: &LedgerKey, purpose: &str) -> Signer {
        Signer {
            key: ledger.derive(purpose),
        }
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        mac.update(payload.as_bytes());
        mac
    }

    pub fn seal<T: Serialize>(&self, value: &T) -> String {
        let payload =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("a sealed value serialises"));
        let tag = self.mac(&payload).finalize().into_bytes();
        format!("{payload}.{}", URL_SAFE_NO_PAD.encode(&tag[..MAC_LEN]))
    }

    /// The value, if `token` is one this signer sealed, unchanged.
    pub fn open<T: DeserializeOwned>(&self, token: &str) -> Option<T> {
        let (payload, tag) = token.split_once('.')?;
        let given = URL_SAFE_NO_PAD.decode(tag).ok()?;
        if given.len() != MAC_LEN {
            return None;
        }
        self.mac(payload).verify_truncated_left(&given).ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_unchanged_and_only_for_its_use() {
        let key = LedgerKey::from_hex(&"4b".repeat(32)).unwrap();
        let signer = Signer::new(&key, "one use");
        let token = signer.seal(&("ada", 7));
        assert_eq!(
            signer.open::<(String, u32)>(&token),
            Some(("ada".into(), 7))
        );
        let other = signer.seal(&("bob", 7));
        let forged = format!(
            "{}.{}",
            other.split_once('.').unwrap().0,
            token.split_once('.').unwrap().1
        );
        assert_eq!(signer.open::<(String, u32)>(&forged), None);
        assert_eq!(signer.open::<(String, u32)>("garbage"), None);
        assert_eq!(
            signer.open::<(String, u32)>(&token[..token.len() - 2]),
            None
        );
        assert_eq!(
            Signer::new(&key, "another use").open::<(String, u32)>(&token),
            None
        );
    }
}
