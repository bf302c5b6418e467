//! One-time codes for identity checks ([`Challenge::Code`]): issuing one,
//! keeping only what checks it, and checking what the person types.
//!
//! [`CodeRules::issue`] draws the digits from the operating system's
//! random source and returns the code once, to be sent, beside the
//! [`PendingCode`] the request keeps: a salted hash, the expiry and the
//! attempts used, serialisable so that a runner stores it with the request
//! and checks it in another process. [`PendingCode::check`] answers
//! [`CodeCheck`]; time is an input, as everywhere in [`request`](super).
//!
//! **Why HMAC-SHA-256 and not a slow hash.** The hash is HMAC-SHA-256 of
//! the digits keyed by 16 random bytes of salt drawn for each code. A slow
//! hash (argon2) protects a secret with entropy to spare; a six-digit code
//! has a million values, which even argon2 cannot keep from someone who
//! holds the row for an afternoon, and it would make every check cost a
//! server tens of milliseconds of CPU on demand. What keeps a code safe is
//! that it dies in minutes and after a few tries, and that the hash kept is
//! never the code: the salt makes each hash unique, so a copy of the store
//! shows no code and no two rows can be compared. The comparison is
//! constant-time (`hmac`'s `verify_slice`).
//!
//! The words of the message that carries a code are in
//! [`code_message`](super::code_message).
//!
//! [`Challenge::Code`]: super::Challenge::Code

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How codes are made: length, life and tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRules {
    length: usize,
    valid_for: TimeDelta,
    max_attempts: u32,
}

/// Why [`CodeRules::new`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCodeRules {
    #[error(
        "a code of {0} digits is not allowed: use {min} to {max} (fewer are guessed too easily)",
        min = CodeRules::MIN_LENGTH,
        max = CodeRules::MAX_LENGTH
    )]
    Length(usize),
    #[error("a code must be valid for between one minute and one day, not {0}")]
    ValidFor(TimeDelta),
    #[error("a code must allow between 1 and 10 attempts, not {0}")]
    Attempts(u32),
}

impl CodeRules {
    pub const DEFAULT_LENGTH: usize = 6;
    pub const MIN_LENGTH: usize = 6;
    pub const MAX_LENGTH: usize = 12;
    pub const DEFAULT_VALID_FOR: TimeDelta = TimeDelta::minutes(15);
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

    pub fn new(
        length: usize,
        valid_for: TimeDelta,
        max_attempts: u32,
    ) -> Result<CodeRules, InvalidCodeRules> {
        if !(Self::MIN_LENGTH..=Self::MAX_LENGTH).contains(&length) {
            return Err(InvalidCodeRules::Length(length));
        }
        if valid_for < TimeDelta::minutes(1) || valid_for > TimeDelta::days(1) {
            return Err(InvalidCodeRules::ValidFor(valid_for));
        }
        if !(1..=10).contains(&max_attempts) {
            return Err(InvalidCodeRules::Attempts(max_attempts));
        }
        Ok(CodeRules {
            length,
            valid_for,
            max_attempts,
        })
    }

    pub fn length(&self) -> usize {
        self.length
    }

    pub fn valid_for(&self) -> TimeDelta {
        self.valid_for
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// A new code issued at `now`: the code to send, and what to keep.
    /// Reads the operating system's random source, and nothing else.
    pub fn issue(&self, now: DateTime<Utc>) -> Result<(OneTimeCode, PendingCode), RandomFailed> {
        let code = random_digits(self.length)?;
        let mut salt = [0u8; SALT_LEN];
        getrandom::fill(&mut salt).map_err(|e| RandomFailed(e.to_string()))?;
        let pending = PendingCode::new(&code, salt, self, now);
        Ok((code, pending))
    }
}

impl Default for CodeRules {
    /// Six digits, fifteen minutes, five attempts.
    fn default() -> Self {
        CodeRules {
            length: Self::DEFAULT_LENGTH,
            valid_for: Self::DEFAULT_VALID_FOR,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// The operating system could not give random bytes: no code was issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random source failed, so no code was issued: {0}")]
pub struct RandomFailed(pub String);

/// The digits to send. They are shown only through [`OneTimeCode::reveal`]:
/// `Debug` hides them, so a code never lands in a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    /// The digits, for the message that carries them.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OneTimeCode({} digits)", self.0.len())
    }
}

/// Uniform digits: bytes of 250 and above are drawn again, so that each
/// digit is `byte % 10` of 25 equal runs.
fn random_digits(length: usize) -> Result<OneTimeCode, RandomFailed> {
    let mut code = String::with_capacity(length);
    let mut bytes = [0u8; 32];
    while code.len() < length {
        getrandom::fill(&mut bytes).map_err(|e| RandomFailed(e.to_string()))?;
        for b in bytes {
            if b < 250 && code.len() < length {
                code.push(char::from(b'0' + b % 10));
            }
        }
    }
    Ok(OneTimeCode(code))
}

const SALT_LEN: usize = 16;

/// What a request keeps of a code it sent: enough to check an answer,
/// never the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCode {
    /// HMAC-SHA-256 of the digits under `salt`.
    #[serde(with = "hex::serde")]
    hash: [u8; 32],
    #[serde(with = "hex::serde")]
    salt: [u8; SALT_LEN],
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    /// Answers checked so far, right or wrong.
    attempts: u32,
    max_attempts: u32,
    /// The right code was given: it cannot be used again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    used: bool,
}

/// The outcome of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CodeCheck {
    /// The code is right: the check has passed, and the code is spent.
    Verified,
    /// Not the code; this many tries remain.
    Wrong { attempts_left: u32 },
    /// The code has expired; a new one must be sent.
    Expired,
    /// Every try was used (this answer may have been the last, wrong one):
    /// the code is void and a new one must be sent.
    TooManyAttempts,
    /// The code was already used to verify.
    AlreadyUsed,
}

impl fmt::Display for CodeCheck {
    /// What to tell the person who typed it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeCheck::Verified => f.write_str("the code is right"),
            CodeCheck::Wrong { attempts_left: 1 } => {
                f.write_str("that is not the code; one try is left")
            }
            CodeCheck::Wrong { attempts_left } => {
                write!(f, "that is not the code; {attempts_left} tries are left")
            }
            CodeCheck::Expired => f.write_str("the code has expired; ask for a new one"),
            CodeCheck::TooManyAttempts => {
                f.write_str("too many wrong tries: the code no longer works; ask for a new one")
            }
            CodeCheck::AlreadyUsed => {
                f.write_str("the code has already been used; ask for a new one")
            }
        }
    }
}

fn keyed(salt: &[u8; SALT_LEN]) -> Hmac<Sha256> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(salt).expect("HMAC takes a key of any length")
}

impl PendingCode {
    fn new(
        code: &OneTimeCode,
        salt: [u8; SALT_LEN],
        rules: &CodeRules,
        now: DateTime<Utc>,
    ) -> Self {
        let mut mac = keyed(&salt);
        mac.update(code.reveal().as_bytes());
        PendingCode {
            hash: mac.finalize().into_bytes().into(),
            salt,
            issued_at: now,
            expires_at: now + rules.valid_for,
            attempts: 0,
            max_attempts: rules.max_attempts,
            used: false,
        }
    }

    pub fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }

    /// The first instant at which the code no longer works.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    pub fn attempts_left(&self) -> u32 {
        self.max_attempts.saturating_sub(self.attempts)
    }

    /// Checks `given` (spaces and dashes ignored: `123 456` is `123456`)
    /// at `now`. Every answer checked uses one try, the right one too; an
    /// answer to a code expired, void or used changes nothing.
    pub fn check(&mut self, given: &str, now: DateTime<Utc>) -> CodeCheck {
        if self.used {
            return CodeCheck::AlreadyUsed;
        }
        if self.attempts >= self.max_attempts {
            return CodeCheck::TooManyAttempts;
        }
        if now >= self.expires_at {
            return CodeCheck::Expired;
        }
        self.attempts += 1;
        let digits: String = given
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let mut mac = keyed(&self.salt);
        mac.update(digits.as_bytes());
        if mac.verify_slice(&self.hash).is_ok() {
            self.used = true;
            return CodeCheck::Verified;
        }
        match self.attempts_left() {
            0 => CodeCheck::TooManyAttempts,
            attempts_left => CodeCheck::Wrong { attempts_left },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, second).unwrap()
    }

    fn pending(code: &str) -> PendingCode {
        PendingCode::new(
            &OneTimeCode(code.to_owned()),
            [7; SALT_LEN],
            &CodeRules::default(),
            at(30, 0),
        )
    }

    #[test]
    fn the_right_code_verifies_once() {
        let mut p = pending("123456");
        assert_eq!(p.check("123 456", at(31, 0)), CodeCheck::Verified);
        assert_eq!(p.check("123456", at(31, 5)), CodeCheck::AlreadyUsed);
    }

    #[test]
    fn a_wrong_code_says_how_many_tries_are_left_then_the_code_is_void() {
        let mut p = pending("123456");
        for left in (1..=4).rev() {
            let check = p.check("654321", at(31, 0));
            assert_eq!(
                check,
                CodeCheck::Wrong {
                    attempts_left: left
                }
            );
        }
        assert_eq!(
            p.check("654321", at(31, 0)).to_string(),
            "too many wrong tries: the code no longer works; ask for a new one"
        );
        // Void: even the right code no longer verifies.
        assert_eq!(p.check("123456", at(31, 0)), CodeCheck::TooManyAttempts);
        assert_eq!(p.attempts_left(), 0);
    }

    #[test]
    fn a_code_expires_after_fifteen_minutes_without_using_a_try() {
        let mut p = pending("123456");
        assert_eq!(p.expires_at(), at(45, 0));
        assert_eq!(p.check("123456", at(45, 0)), CodeCheck::Expired);
        assert_eq!(p.attempts_left(), 5);
        let mut p = pending("123456");
        assert_eq!(
            p.check("123456", at(44, 59)),
            CodeCheck::Verified,
            "still valid a second before"
        );
    }

    #[test]
    fn nothing_kept_holds_the_code() {
        let p = pending("123456");
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("123456"), "{json}");
        assert!(!p.hash.windows(6).any(|w| w == b"123456"));
        // Not a bare SHA-256 of the code, which a table of a million would undo.
        let bare: [u8; 32] = <Sha256 as sha2::Digest>::digest(b"123456").into();
        assert_ne!(p.hash, bare);
        // Another salt, another hash for the same code.
        let other = PendingCode::new(
            &OneTimeCode("123456".into()),
            [8; SALT_LEN],
            &CodeRules::default(),
            at(30, 0),
        );
        assert_ne!(p.hash, other.hash);
        assert_eq!(
            format!("{:?}", OneTimeCode("123456".into())),
            "OneTimeCode(6 digits)"
        );
    }

    #[test]
    fn a_pending_code_survives_the_store() {
        let mut p = pending("123456");
        assert_eq!(
            p.check("000000", at(31, 0)),
            CodeCheck::Wrong { attempts_left: 4 }
        );
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["attempts"], 1);
        assert_eq!(json["expires_at"], "2026-03-02T09:45:00Z");
        let mut back: PendingCode = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.check("123456", at(32, 0)), CodeCheck::Verified);
        let tampered = serde_json::json!({
            "hash": "not hex", "salt": "00", "issued_at": "2026-03-02T09:30:00Z",
            "expires_at": "2026-03-02T09:45:00Z", "attempts": 0, "max_attempts": 5
        });
        assert!(serde_json::from_value::<PendingCode>(tampered).is_err());
    }

    #[test]
    fn issued_codes_are_random_digits_of_the_length_asked() {
        let rules = CodeRules::new(8, TimeDelta::minutes(10), 3).unwrap();
        let (code, mut p) = rules.issue(at(30, 0)).unwrap();
        assert_eq!(code.reveal().len(), 8);
        assert!(code.reveal().bytes().all(|b| b.is_ascii_digit()));
        assert_eq!((p.expires_at(), p.max_attempts()), (at(40, 0), 3));
        assert_eq!(p.check(code.reveal(), at(31, 0)), CodeCheck::Verified);
        // A thousand codes of six digits: all kinds of digits, hardly a repeat.
        let codes: std::collections::BTreeSet<String> = (0..1000)
            .map(|_| {
                CodeRules::default()
                    .issue(at(30, 0))
                    .unwrap()
                    .0
                    .reveal()
                    .to_owned()
            })
            .collect();
        assert!(codes.len() > 990, "{}", codes.len());
        for digit in '0'..='9' {
            assert!(codes.iter().any(|c| c.contains(digit)), "{digit}");
        }
    }

    #[test]
    fn rules_refuse_weak_or_odd_settings() {
        assert_eq!(
            CodeRules::new(4, TimeDelta::minutes(15), 5)
                .unwrap_err()
                .to_string(),
            "a code of 4 digits is not allowed: use 6 to 12 (fewer are guessed too easily)"
        );
        assert!(CodeRules::new(6, TimeDelta::seconds(30), 5).is_err());
        assert!(CodeRules::new(6, TimeDelta::minutes(15), 0).is_err());
        assert_eq!(
            CodeRules::default(),
            CodeRules::new(6, TimeDelta::minutes(15), 5).unwrap()
        );
    }
}
