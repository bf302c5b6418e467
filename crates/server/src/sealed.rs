//! Values handed to browsers and mail readers that must come back
//! unchanged and say nothing to whoever reads them: unsubscribe links
//! (which name a person and a purpose), the privacy centre's form tokens.
//! A token is base64url of a random 24-byte nonce and the value as JSON,
//! encrypted and authenticated with XChaCha20-Poly1305 under a key
//! derived from the ledger key for that use alone.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::Serialize;
use serde::de::DeserializeOwned;
use vow_store::LedgerKey;

const NONCE_LEN: usize = 24;

/// Seals and opens values for one use.
pub struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    /// A sealer whose key is derived from the ledger key for `purpose`: a
    /// token made for one use is refused by every other.
    pub fn new(ledger: &LedgerKey, purpose: &str) -> Sealer {
        Sealer::with_key(ledger.derive(purpose))
    }

    /// A sealer under `key` itself (one derived from a secret that only
    /// the holder of a token has).
    pub fn with_key(key: [u8; 32]) -> Sealer {
        Sealer {
            cipher: XChaCha20Poly1305::new(&Key::from(key)),
        }
    }

    pub fn seal<T: Serialize>(&self, value: &T) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the operating system's random source works");
        let plain = serde_json::to_vec(value).expect("a sealed value serialises");
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), plain.as_slice())
            .expect("encrypting into memory cannot fail");
        let mut token = nonce.to_vec();
        token.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(token)
    }

    /// The value, if `token` is one this sealer made, unchanged.
    pub fn open<T: DeserializeOwned>(&self, token: &str) -> Option<T> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let plain = self.cipher.decrypt(&XNonce::from(nonce), sealed).ok()?;
        serde_json::from_slice(&plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_unchanged_and_only_for_its_use() {
        let key = LedgerKey::from_hex(&"4b".repeat(32)).unwrap();
        let sealer = Sealer::new(&key, "one use");
        let token = sealer.seal(&("ada@example.org", 7));
        assert_eq!(
            sealer.open::<(String, u32)>(&token),
            Some(("ada@example.org".into(), 7))
        );
        // Nothing of the value shows.
        let bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("ada"));
        assert!(!token.contains("ada"));
        // Sealed twice, two tokens: links do not tell that they are alike.
        assert_ne!(sealer.seal(&("ada@example.org", 7)), token);
        // Any bit changed, cut short, garbage, another use, another key.
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            sealer.open::<(String, u32)>(&URL_SAFE_NO_PAD.encode(&flipped)),
            None
        );
        assert_eq!(
            sealer.open::<(String, u32)>(&token[..token.len() - 2]),
            None
        );
        assert_eq!(sealer.open::<(String, u32)>("garbage"), None);
        assert_eq!(sealer.open::<(String, u32)>(""), None);
        assert_eq!(
            Sealer::new(&key, "another use").open::<(String, u32)>(&token),
            None
        );
        let other = LedgerKey::from_hex(&"5c".repeat(32)).unwrap();
        assert_eq!(
            Sealer::new(&other, "one use").open::<(String, u32)>(&token),
            None
        );
    }
}
