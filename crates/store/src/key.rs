//! The ledger key and the seals made with it.
//!
//! A SHA-256 chain alone proves nothing against someone who can write the
//! database: they can edit an event and recompute every later hash, or
//! delete the last events. So each event's `(seq, hash)` and the chain's
//! head carry a seal, an HMAC-SHA256 under a key kept outside the database
//! (`vow-data/ledger.key`, or `VOW_LEDGER_KEY`). Without the key, no forged
//! or recomputed event verifies, and a truncated ledger no longer reaches
//! its sealed head.
//!
//! What the key does not prove: that the database was not rolled back
//! whole, or its head row to an older sealed value, by someone who kept a
//! copy. The key is a secret of the operator, like a TLS key.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Domain separation: an event's seal can never stand in for a head's.
const EVENT: &[u8] = b"vow-ledger-event\0";
const HEAD: &[u8] = b"vow-ledger-head\0";
const CHECK: &[u8] = b"vow-ledger-key-check\0";
const DERIVED: &[u8] = b"vow-derived-key\0";

/// 32 secret bytes that seal the ledger.
#[derive(Clone, PartialEq, Eq)]
pub struct LedgerKey([u8; 32]);

/// Why a ledger key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("a ledger key is 64 hexadecimal digits (32 bytes); {0}")]
    Malformed(String),
    #[error("cannot read the ledger key {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the ledger key {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the system's random number generator failed: {0}")]
    Random(String),
}

impl LedgerKey {
    /// A new random key.
    pub fn generate() -> Result<LedgerKey, KeyError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(LedgerKey(bytes))
    }

    /// A key from its 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<LedgerKey, KeyError> {
        let text = text.trim();
        let bytes = hex::decode(text).map_err(|e| KeyError::Malformed(e.to_string()))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| KeyError::Malformed(format!("this one has {} bytes", b.len())))?;
        Ok(LedgerKey(bytes))
    }

    /// The key as 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads the key file at `path`.
    pub fn load(path: &Path) -> Result<LedgerKey, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.to_owned(),
            source,
        })?;
        LedgerKey::from_hex(&text)
    }

    /// Reads the key file at `path`, or creates it (and its directory) with
    /// a new random key, mode 0600, when there is none. Two processes racing to create it end
    /// up with the same key: the file appears whole or not at all.
    pub fn load_or_create(path: &Path) -> Result<LedgerKey, KeyError> {
        match LedgerKey::load(path) {
            Err(KeyError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            }
            other => return other,
        }
        let key = LedgerKey::generate()?;
        let write = |source| KeyError::Write {
            path: path.to_owned(),
            source,
        };
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        // Written aside, then linked into place: linking fails if another
        // process got there first, and then its key is the key.
        let aside = path.with_extension(format!("key.{}.tmp", std::process::id()));
        let written = write_private(&aside, &key.to_hex()).map_err(write);
        let linked = written.and_then(|()| std::fs::hard_link(&aside, path).map_err(write));
        let _ = std::fs::remove_file(&aside);
        match linked {
            Ok(()) => {
                if let Some(dir) = dir {
                    // The directory entry must survive a crash too.
                    std::fs::File::open(dir)
                        .and_then(|d| d.sync_all())
                        .map_err(write)?;
                }
                Ok(key)
            }
            Err(KeyError::Write { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists =>
            {
                LedgerKey::load(path)
            }
            Err(e) => Err(e),
        }
    }

    /// The seal of the event numbered `seq` whose hash is `hash`.
    pub fn seal_event(&self, seq: u64, hash: &str) -> String {
        hex::encode(self.mac(EVENT, seq, hash).finalize().into_bytes())
    }

    /// The seal of the chain's head: the last event is `seq`, with `hash`.
    pub fn seal_head(&self, seq: u64, hash: &str) -> String {
        hex::encode(self.mac(HEAD, seq, hash).finalize().into_bytes())
    }

    /// Whether `seal` is the seal of event `seq` with `hash` (constant time).
    pub fn verify_event(&self, seq: u64, hash: &str, seal: &str) -> bool {
        verify_mac(self.mac(EVENT, seq, hash), seal)
    }

    /// Whether `seal` is the seal of a head at event `seq` with `hash`.
    pub fn verify_head(&self, seq: u64, hash: &str, seal: &str) -> bool {
        verify_mac(self.mac(HEAD, seq, hash), seal)
    }

    /// A key for another use (`purpose`, such as the keyed hashes an
    /// erasure writes), derived from this one: one secret to keep, and
    /// knowing the derived key reveals nothing of the ledger key.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        self.mac(DERIVED, 0, purpose).finalize().into_bytes().into()
    }

    /// A value stored with the ledger that tells whether a key is the one
    /// it was sealed with, without revealing the key.
    pub fn check_value(&self) -> String {
        hex::encode(self.mac(CHECK, 0, "").finalize().into_bytes())
    }

    fn mac(&self, domain: &[u8], seq: u64, hash: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC takes a key of any length");
        mac.update(domain);
        mac.update(&seq.to_be_bytes());
        mac.update(hash.as_bytes());
        mac
    }
}

fn verify_mac(mac: Hmac<Sha256>, seal: &str) -> bool {
    hex::decode(seal).is_ok_and(|bytes| mac.verify_slice(&bytes).is_ok())
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    writeln!(file, "{text}")?;
    file.sync_all()
}

impl fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LedgerKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vow-data/ledger.key");
        let key = LedgerKey::load_or_create(&path).unwrap();
        assert_eq!(LedgerKey::load_or_create(&path).unwrap(), key);
        assert_eq!(LedgerKey::load(&path).unwrap(), key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }

    #[test]
    fn hex_round_trips_and_bad_keys_say_why() {
        let key = LedgerKey::generate().unwrap();
        assert_eq!(LedgerKey::from_hex(&key.to_hex()).unwrap(), key);
        let short = LedgerKey::from_hex("abcd").unwrap_err().to_string();
        assert!(short.contains("this one has 2 bytes"), "{short}");
        assert!(LedgerKey::from_hex("zz").is_err());
        assert_eq!(format!("{key:?}"), "LedgerKey(..)");
    }

    #[test]
    fn seals_depend_on_key_seq_hash_and_kind() {
        let key = LedgerKey::from_hex(&"11".repeat(32)).unwrap();
        let other = LedgerKey::from_hex(&"22".repeat(32)).unwrap();
        let seal = key.seal_event(3, "abc");
        assert!(key.verify_event(3, "abc", &seal));
        assert!(!key.verify_event(4, "abc", &seal));
        assert!(!key.verify_event(3, "abd", &seal));
        assert!(!other.verify_event(3, "abc", &seal));
        // An event's seal is not a head's.
        assert!(!key.verify_head(3, "abc", &seal));
        assert!(key.verify_head(3, "abc", &key.seal_head(3, "abc")));
        assert!(!key.verify_event(3, "abc", "not hex"));
        assert_ne!(key.check_value(), other.check_value());
    }
}
