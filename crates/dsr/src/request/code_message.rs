//! The e-mail that carries a one-time code: what was asked, the code, when
//! it stops working, and what to do if the person did not ask.
//!
//! Every word is in [`CodeWords`], one value per language, so that French
//! and Ukrainian are one more value each (and a missing phrase does not
//! compile). Only English exists for now.

use chrono::{DateTime, Utc};
use vow_mail::{Address, Message};

use super::RequestKind;
use super::code::{OneTimeCode, PendingCode};

/// The fixed words of a code message in one language.
pub struct CodeWords {
    /// `{organisation}`
    pub subject: &'static str,
    pub greeting: &'static str,
    /// `{organisation}`, `{what}`
    pub asked: &'static str,
    pub enter: &'static str,
    /// `{time}`, `{minutes}`, `{attempts}`
    pub expires: &'static str,
    /// `{organisation}`
    pub not_you: &'static str,
    /// `{organisation}`
    pub signature: &'static str,
    /// `%H:%M UTC on %-d %B %Y` (chrono's format)
    pub time_format: &'static str,
    pub what: fn(&RequestKind) -> String,
}

/// English.
pub const EN: CodeWords = CodeWords {
    subject: "Your code to confirm your request to {organisation}",
    greeting: "Hello,",
    asked: "Someone, we hope you, has asked {organisation} {what}. \
            {organisation} has this e-mail address on file for you, so before doing \
            anything it checks with you here.",
    enter: "To confirm that it was you, enter this code:",
    expires: "The code works once, until {time} ({minutes} minutes after it was sent), \
              and stops working after {attempts} wrong tries.",
    not_you: "If this was not you, ignore this e-mail: without the code nothing is done. \
              Do not give the code to anyone; {organisation} will never ask you for it.",
    signature: "{organisation}",
    time_format: "%H:%M UTC on %-d %B %Y",
    what: what_en,
};

fn what_en(kind: &RequestKind) -> String {
    match kind {
        RequestKind::Access => "for a copy of the personal data it holds about you".to_owned(),
        RequestKind::Portability => {
            "for the personal data you gave it, in a form a computer can read".to_owned()
        }
        RequestKind::Erasure => "to erase the personal data it holds about you".to_owned(),
        RequestKind::Rectification => "to correct the personal data it holds about you".to_owned(),
        RequestKind::Restriction => "to limit how it uses your personal data".to_owned(),
        RequestKind::Objection { purpose: Some(p) } => {
            format!("to stop using your personal data for its purpose “{p}”")
        }
        RequestKind::Objection { purpose: None } => {
            "to stop using your personal data for direct marketing".to_owned()
        }
        RequestKind::RightToKnow => "what personal data it collects about you, where from, \
             why and who it shares it with"
            .to_owned(),
        RequestKind::ShineTheLight => {
            "to whom it has given your personal data for their own direct marketing".to_owned()
        }
    }
}

/// The message that sends `code` to `to` (the address on file of the
/// [`Challenge::Code`](super::Challenge::Code)) for a request of `kind` to
/// `organisation` (the policy's `organisation.name`); `pending` says when
/// it expires and how many tries it allows. The mail is marked
/// `Auto-Submitted`, so that out-of-office replies do not answer it.
pub fn code_message(
    organisation: &str,
    kind: &RequestKind,
    to: Address,
    code: &OneTimeCode,
    pending: &PendingCode,
) -> Message {
    let words = &EN;
    let fill = |text: &str| text.replace("{organisation}", organisation);
    let minutes = (pending.expires_at() - pending.issued_at()).num_minutes();
    let asked = fill(words.asked).replace("{what}", &(words.what)(kind));
    let expires = words
        .expires
        .replace("{time}", &time(pending.expires_at(), words))
        .replace("{minutes}", &minutes.to_string())
        .replace("{attempts}", &pending.max_attempts().to_string());
    let text = format!(
        "{greeting}\n\n{asked}\n\n{enter}\n\n    {code}\n\n{expires}\n\n{not_you}\n\n-- \n{signature}\n",
        greeting = words.greeting,
        enter = words.enter,
        code = code.reveal(),
        not_you = fill(words.not_you),
        signature = fill(words.signature),
    );
    Message::new(to, fill(words.subject), text)
        .with_header("Auto-Submitted", "auto-generated")
        .expect("a fixed, valid header")
}

fn time(at: DateTime<Utc>, words: &CodeWords) -> String {
    at.format(words.time_format).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::code::CodeRules;
    use chrono::TimeZone;

    #[test]
    fn the_message_says_what_was_asked_the_code_and_when_it_expires() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
        let (code, pending) = CodeRules::default().issue(now).unwrap();
        let to: Address = "ada@example.org".parse().unwrap();
        let message = code_message("Course Shop", &RequestKind::Erasure, to, &code, &pending);
        assert_eq!(
            message.subject(),
            "Your code to confirm your request to Course Shop"
        );
        let text = message.text();
        assert!(
            text.contains("has asked Course Shop to erase the personal data"),
            "{text}"
        );
        assert!(
            text.contains(&format!("\n    {}\n", code.reveal())),
            "{text}"
        );
        assert!(
            text.contains("until 09:45 UTC on 2 March 2026 (15 minutes after it was sent)"),
            "{text}"
        );
        assert!(text.contains("after 5 wrong tries"), "{text}");
        assert!(
            text.contains("If this was not you, ignore this e-mail"),
            "{text}"
        );
        assert_eq!(message.header("Auto-Submitted"), Some("auto-generated"));
        assert_eq!(message.to().as_str(), "ada@example.org");
    }

    #[test]
    fn every_kind_is_said_in_words() {
        let kinds = [
            RequestKind::Access,
            RequestKind::Portability,
            RequestKind::Erasure,
            RequestKind::Rectification,
            RequestKind::Restriction,
            RequestKind::Objection { purpose: None },
            RequestKind::RightToKnow,
            RequestKind::ShineTheLight,
        ];
        for kind in kinds {
            let what = (EN.what)(&kind);
            assert!(!what.is_empty() && !what.contains('{'), "{kind}: {what}");
        }
    }
}
