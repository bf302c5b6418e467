//! The real lettre client against the SMTP sink: what is sent is what
//! arrives, and each refusal is reported as the step it came from.

use std::time::Duration;

use vow_mail::sink::{NoMessage, Sink, SinkOptions};
use vow_mail::{Address, MailConfig, MailError, Mailer, Message};

const WAIT: Duration = Duration::from_secs(5);

fn to(address: &str) -> Address {
    address.parse().expect("a valid address")
}

#[tokio::test]
async fn a_message_arrives_as_it_was_sent() {
    let sink = Sink::start().await.unwrap();
    let config = MailConfig {
        from: "Course Shop <privacy@shop.example>".into(),
        ..sink.config()
    };
    let mailer = Mailer::new(&config).unwrap();
    // Non-ASCII, a line that starts with a dot, `=` signs and a long line:
    // quoted-printable, dot-stuffing and the subject's encoded words.
    let text = "Bonjour Zoë,\n.hidden line\nA = B\n".to_owned() + &"x".repeat(200) + "\n";
    let message = Message::new(to("zoe@example.org"), "Votre code — Café", text.clone())
        .with_html("<p>Bonjour Zoë</p>")
        .with_header(
            "List-Unsubscribe",
            "<https://shop.example/unsubscribe/abc>, <mailto:unsubscribe@shop.example>",
        )
        .unwrap()
        .with_header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        .unwrap();

    let sent = mailer.send(&message).await.unwrap();
    let received = sink.next(WAIT).await.unwrap();

    assert_eq!(received.mail_from, "privacy@shop.example");
    assert_eq!(received.rcpt_to, vec!["zoe@example.org".to_owned()]);
    assert_eq!(received.subject.as_deref(), Some("Votre code — Café"));
    assert_eq!(received.header("To"), Some("zoe@example.org"));
    assert_eq!(
        received.header("From"),
        Some("\"Course Shop\" <privacy@shop.example>")
    );
    assert_eq!(
        received.header("Message-ID"),
        Some(sent.message_id.as_str())
    );
    assert!(
        sent.message_id.ends_with("@shop.example>"),
        "{}",
        sent.message_id
    );
    assert!(sent.reply.starts_with("250"), "{}", sent.reply);
    assert!(received.header("Date").is_some());
    assert_eq!(
        received.header("List-Unsubscribe"),
        Some("<https://shop.example/unsubscribe/abc>, <mailto:unsubscribe@shop.example>")
    );
    assert_eq!(
        received.header("list-unsubscribe-post"),
        Some("List-Unsubscribe=One-Click")
    );
    let body = received.text.as_deref().unwrap().replace("\r\n", "\n");
    assert_eq!(body, text);
    assert_eq!(received.html.as_deref(), Some("<p>Bonjour Zoë</p>"));
    // The raw text is the client's, dot-stuffing undone.
    let raw = String::from_utf8_lossy(&received.raw);
    assert!(raw.contains("\r\nSubject: Votre code =?utf-8?"), "{raw}");
    assert!(!raw.contains("\r\n..hidden"), "{raw}");
}

#[tokio::test]
async fn messages_arrive_in_order_and_waiting_for_none_times_out() {
    let sink = Sink::start().await.unwrap();
    let mailer = Mailer::new(&sink.config()).unwrap();
    for n in 1..=3 {
        let message = Message::new(to("ada@example.org"), format!("number {n}"), "text");
        mailer.send(&message).await.unwrap();
    }
    for n in 1..=3 {
        let received = sink.next(WAIT).await.unwrap();
        assert_eq!(received.subject, Some(format!("number {n}")));
        assert_eq!(received.text.as_deref().map(str::trim_end), Some("text"));
        assert_eq!(received.html, None);
    }
    let short = Duration::from_millis(50);
    assert_eq!(sink.next(short).await.unwrap_err(), NoMessage(short));
    assert!(sink.try_next().is_none());
}

#[tokio::test]
async fn a_refused_recipient_is_named() {
    let sink = Sink::start_with(SinkOptions::default().reject_recipient("gone@example.org"))
        .await
        .unwrap();
    let mailer = Mailer::new(&sink.config()).unwrap();
    let err = mailer
        .send(&Message::new(to("gone@example.org"), "s", "t"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, MailError::RecipientRefused { to, transient: false, .. } if to == "gone@example.org"),
        "{err:?}"
    );
    let text = err.to_string();
    let server = format!("127.0.0.1:{}", sink.addr().port());
    assert!(
        text.starts_with(&format!(
            "the SMTP server at {server} refused the recipient `gone@example.org`: "
        )),
        "{text}"
    );
    assert!(
        text.contains("550") && text.contains("No such mailbox"),
        "{text}"
    );
    assert!(!err.is_transient());
    // Nothing was accepted, and the next message goes through.
    mailer
        .send(&Message::new(to("here@example.org"), "s", "t"))
        .await
        .unwrap();
    assert_eq!(
        sink.next(WAIT).await.unwrap().rcpt_to,
        vec!["here@example.org"]
    );
}

#[tokio::test]
async fn a_login_is_sent_when_set_and_refused_when_wrong() {
    let sink = Sink::start_with(SinkOptions::default().require_login("vow", "s3cret"))
        .await
        .unwrap();
    let login = |password: &str| MailConfig {
        username: Some("vow".into()),
        password: Some(password.into()),
        ..sink.config()
    };
    let message = Message::new(to("ada@example.org"), "s", "t");

    Mailer::new(&login("s3cret"))
        .unwrap()
        .send(&message)
        .await
        .unwrap();
    assert_eq!(sink.next(WAIT).await.unwrap().login.as_deref(), Some("vow"));

    let err = Mailer::new(&login("wrong"))
        .unwrap()
        .send(&message)
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::LoginRefused { .. }), "{err:?}");
    assert!(
        err.to_string().contains("refused the login of `vow`"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("wrong"),
        "the password is never shown: {err}"
    );

    let err = Mailer::new(&sink.config())
        .unwrap()
        .send(&message)
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::LoginRequired { .. }), "{err:?}");
    assert!(
        err.to_string().contains("set `username` and `password`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_is_not_there_is_named_with_what_to_check() {
    // A port that was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = MailConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        ..MailConfig::default()
    };
    let err = Mailer::new(&config)
        .unwrap()
        .send(&Message::new(to("ada@example.org"), "s", "t"))
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Unreachable { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "cannot reach the SMTP server at 127.0.0.1:{port}: "
        )),
        "{text}"
    );
    assert!(text.contains("hint: check `host` and `port`"), "{text}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let config = MailConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        timeout_secs: 1,
        ..MailConfig::default()
    };
    let err = Mailer::new(&config)
        .unwrap()
        .send(&Message::new(to("ada@example.org"), "s", "t"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, MailError::Timeout { seconds: 1, .. }),
        "{err:?}"
    );
    drop(silent);
}

#[cfg(feature = "tls")]
#[tokio::test]
async fn starttls_that_the_server_does_not_offer_is_refused_not_skipped() {
    let sink = Sink::start().await.unwrap();
    let config = MailConfig {
        tls: vow_mail::TlsMode::Starttls,
        ..sink.config()
    };
    let err = Mailer::new(&config)
        .unwrap()
        .send(&Message::new(to("ada@example.org"), "s", "t"))
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::NoStartTls { .. }), "{err:?}");
    assert!(sink.try_next().is_none(), "nothing went out in the clear");
}

#[test]
fn settings_that_cannot_work_are_refused_before_sending() {
    let plain_login = MailConfig {
        host: "smtp.example.org".into(),
        username: Some("vow".into()),
        password: Some("pw".into()),
        ..MailConfig::default()
    };
    let err = Mailer::new(&plain_login).unwrap_err();
    assert!(
        err.to_string()
            .contains("would send the password in the clear"),
        "{err}"
    );
    let half_login = MailConfig {
        username: Some("vow".into()),
        ..MailConfig::default()
    };
    assert!(
        Mailer::new(&half_login)
            .unwrap_err()
            .to_string()
            .contains("`password` is not")
    );
    let bad_from = MailConfig {
        from: "privacy at shop".into(),
        ..MailConfig::default()
    };
    assert!(
        Mailer::new(&bad_from)
            .unwrap_err()
            .to_string()
            .starts_with("mail settings: `from` is `privacy at shop`, which is not an address")
    );
}
