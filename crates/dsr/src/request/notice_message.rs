//! The e-mails that tell a person how their request stands: that it was
//! received (how it will be verified, when it is due), or that staff put
//! its answer off (an extension: the law lets the organisation take longer
//! only if it tells the person why, within the first deadline) or refuse
//! it (with what they may do about it, where the law gives an appeal).
//!
//! Like [`code_message`](super::code_message), the words are fixed English
//! sentences with the request's facts filled in; the kind of request is
//! said with the same phrases as the code's e-mail.

use chrono::{DateTime, Utc};
use vow_mail::{Address, Message};

use super::RequestKind;
use super::appeal::Appeal;
use super::code_message::EN;

/// What a notice is about.
pub enum Notice<'a> {
    /// The request was received: it is answered by `due`, after the
    /// checks in `verification` (said in a sentence).
    Received {
        due: Option<DateTime<Utc>>,
        verification: &'a str,
    },
    /// The answer is put off from `due` to `new_due`, for `reason`.
    Extended {
        reason: &'a str,
        due: DateTime<Utc>,
        new_due: DateTime<Utc>,
    },
    /// The request is refused, for `reason`, with the appeal the law gives.
    Denied {
        reason: &'a str,
        appeal: Option<&'a Appeal>,
    },
}

/// The message telling the person at `to` (the address on file, else the
/// one the request gave) about their request of `kind`, received at
/// `received`, to `organisation`. Marked `Auto-Submitted`, so that
/// out-of-office replies do not answer it.
pub fn notice_message(
    organisation: &str,
    kind: &RequestKind,
    received: DateTime<Utc>,
    to: Address,
    notice: &Notice<'_>,
) -> Message {
    let what = (EN.what)(kind);
    let asked = format!(
        "On {} you asked {organisation} {what}.",
        received.format("%-d %B %Y")
    );
    let (subject, body) = match notice {
        Notice::Received { due, verification } => (
            format!("Your request to {organisation}: received"),
            format!(
                "{asked} This is to confirm that it was received. {verification} {answer}\n\n\
                 You do not need to do anything else now.",
                answer = match due {
                    Some(due) => format!("{organisation} will answer by {}.", day(*due)),
                    None => format!("{organisation} will answer as soon as it can."),
                },
            ),
        ),
        Notice::Extended {
            reason,
            due,
            new_due,
        } => (
            format!("Your request to {organisation}: the answer will take longer"),
            format!(
                "{asked} The law lets {organisation} take longer to answer a request that is \
                 complex, or when it has many, provided it tells you why before the first \
                 deadline. It will answer by {new}, not by {old}, because:\n\n    {reason}\n\n\
                 You do not need to do anything.",
                new = day(*new_due),
                old = day(*due),
            ),
        ),
        Notice::Denied { reason, appeal } => {
            let next = match appeal {
                Some(appeal) => format!("If you disagree, {appeal}."),
                None => "If you disagree, reply to this e-mail.".to_owned(),
            };
            (
                format!("Your request to {organisation}: it cannot be granted"),
                format!(
                    "{asked} {organisation} cannot grant it, because:\n\n    {reason}\n\n{next}"
                ),
            )
        }
    };
    let text = format!("Hello,\n\n{body}\n\n-- \n{organisation}\n");
    Message::new(to, subject, text)
        .with_header("Auto-Submitted", "auto-generated")
        .expect("a fixed, valid header")
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::appeal::AppealTo;
    use chrono::TimeZone;

    fn at(month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, month, day, 9, 30, 0).unwrap()
    }

    #[test]
    fn an_extension_says_why_and_until_when() {
        let to: Address = "ada@example.org".parse().unwrap();
        let message = notice_message(
            "Course Shop",
            &RequestKind::Access,
            at(3, 2),
            to,
            &Notice::Extended {
                reason: "your data is in three systems, one of them archived",
                due: at(4, 2),
                new_due: at(6, 2),
            },
        );
        assert_eq!(
            message.subject(),
            "Your request to Course Shop: the answer will take longer"
        );
        let text = message.text();
        assert!(
            text.contains(
                "On 2 March 2026 you asked Course Shop for a copy of the personal data it holds about you."
            ),
            "{text}"
        );
        assert!(
            text.contains("It will answer by 2 June 2026, not by 2 April 2026, because:"),
            "{text}"
        );
        assert!(
            text.contains("\n    your data is in three systems, one of them archived\n"),
            "{text}"
        );
        assert_eq!(message.header("Auto-Submitted"), Some("auto-generated"));
    }

    #[test]
    fn a_denial_gives_the_appeal_the_law_gives() {
        let to: Address = "ada@example.org".parse().unwrap();
        let appeal = Appeal {
            to: AppealTo::Authority,
            law: "UK GDPR".into(),
            body: "the Information Commissioner's Office".into(),
            answer_within: None,
            extension: None,
            then: Some("seek a judicial remedy".into()),
            citation: "UK GDPR Art. 12(4), 77, 79".into(),
        };
        let message = notice_message(
            "Course Shop",
            &RequestKind::Erasure,
            at(3, 2),
            to,
            &Notice::Denied {
                reason: "the invoices must be kept for six years",
                appeal: Some(&appeal),
            },
        );
        let text = message.text();
        assert!(
            text.contains("Course Shop cannot grant it, because:"),
            "{text}"
        );
        assert!(
            text.contains(
                "If you disagree, you may lodge a complaint with the Information Commissioner's Office"
            ),
            "{text}"
        );
    }
}
