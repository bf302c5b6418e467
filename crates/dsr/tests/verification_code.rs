//! Identity verification by code, end to end: the policy's rule says a
//! code to the e-mail on file, the code goes out through the real SMTP
//! client to the test sink, and the code read out of the mail received
//! verifies the request — once, and only in time.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use vow_dsr::request::{
    Challenge, CodeCheck, CodeRules, OnFile, PendingCode, RequestKind, VerificationRule,
    code_message, grant,
};
use vow_mail::Mailer;
use vow_mail::sink::{Received, Sink};
use vow_policy::{Policy, VerificationMethod};

fn example(name: &str) -> Policy {
    let path = format!(
        "{}/../../examples/{name}/policy.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    vow_policy::check(&path, &text)
        .expect("example checks")
        .policy
}

fn received_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap()
}

/// The first run of digits of the code's length on a line of its own.
fn code_in(mail: &Received, length: usize) -> String {
    let text = mail.text.as_deref().expect("a text body");
    text.lines()
        .map(str::trim)
        .find(|line| line.len() == length && line.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in:\n{text}"))
        .to_owned()
}

/// Sends the code of an access request by `course-shop`'s rules to the
/// address on file, and returns what the request keeps and the mail.
async fn send_code(sink: &Sink, on_file: &OnFile) -> (PendingCode, Received) {
    let shop = example("course-shop");
    let kind = RequestKind::Access;
    let rule = VerificationRule::for_grant(
        &grant(&shop, &kind, "FR", received_at().date_naive()).unwrap(),
    );
    let Challenge::Code { method, to } = rule
        .challenge(VerificationMethod::EmailOnFile, on_file)
        .unwrap()
    else {
        panic!("a code to the e-mail on file");
    };
    assert_eq!(method, VerificationMethod::EmailOnFile);

    let (code, pending) = CodeRules::default().issue(received_at()).unwrap();
    let message = code_message(
        &shop.organisation.name,
        &kind,
        to.parse().unwrap(),
        &code,
        &pending,
    );
    let mailer = Mailer::new(&sink.config()).unwrap();
    mailer.send(&message).await.unwrap();
    let mail = sink.next(Duration::from_secs(5)).await.unwrap();
    (pending, mail)
}

#[tokio::test]
async fn the_code_sent_to_the_email_on_file_verifies_the_request() {
    let sink = Sink::start().await.unwrap();
    let on_file = OnFile {
        email: Some("ada@example.org".into()),
        ..OnFile::default()
    };
    let (mut pending, mail) = send_code(&sink, &on_file).await;

    // To the address on file, and only there.
    assert_eq!(mail.rcpt_to, vec!["ada@example.org".to_owned()]);
    assert_eq!(mail.header("To"), Some("ada@example.org"));
    let shop = example("course-shop");
    let subject = mail.subject.as_deref().unwrap();
    assert!(subject.contains(&shop.organisation.name), "{subject}");
    assert_eq!(mail.header("Auto-Submitted"), Some("auto-generated"));
    let text = mail.text.as_deref().unwrap();
    assert!(
        text.contains("for a copy of the personal data it holds about you"),
        "{text}"
    );
    assert!(text.contains("until 09:45 UTC on 2 March 2026"), "{text}");
    assert!(
        text.contains("If this was not you, ignore this e-mail"),
        "{text}"
    );

    // The request keeps its pending code through the store, as JSON.
    let code = code_in(&mail, CodeRules::DEFAULT_LENGTH);
    let stored = serde_json::to_value(&pending).unwrap();
    let kept: Vec<&str> = stored
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        kept,
        [
            "hash",
            "salt",
            "issued_at",
            "expires_at",
            "attempts",
            "max_attempts"
        ],
        "the code itself is never kept"
    );
    assert!(!stored.to_string().contains(&format!("\"{code}\"")));
    pending = serde_json::from_value(stored).unwrap();

    let later = received_at() + TimeDelta::minutes(3);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        pending.check(wrong, later),
        CodeCheck::Wrong { attempts_left: 4 }
    );
    assert_eq!(pending.check(&code, later), CodeCheck::Verified);
    assert_eq!(pending.check(&code, later), CodeCheck::AlreadyUsed);
}

#[tokio::test]
async fn the_code_read_too_late_no_longer_verifies() {
    let sink = Sink::start().await.unwrap();
    let on_file = OnFile {
        email: Some("ada@example.org".into()),
        ..OnFile::default()
    };
    let (mut pending, mail) = send_code(&sink, &on_file).await;
    let code = code_in(&mail, CodeRules::DEFAULT_LENGTH);
    let too_late = received_at() + TimeDelta::minutes(15);
    assert_eq!(pending.check(&code, too_late), CodeCheck::Expired);
}
