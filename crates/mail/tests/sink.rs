//! The sink's side of RFC 5321 that lettre does not use (HELO, RSET,
//! NOOP, AUTH PLAIN in two steps, commands out of order), spoken by hand.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use vow_mail::sink::{Sink, SinkOptions};

struct Client {
    read: BufReader<OwnedReadHalf>,
    write: OwnedWriteHalf,
}

impl Client {
    async fn connect(sink: &Sink) -> Client {
        let (read, write) = TcpStream::connect(sink.addr()).await.unwrap().into_split();
        let mut client = Client {
            read: BufReader::new(read),
            write,
        };
        assert!(client.reply().await.starts_with("220 "));
        client
    }

    /// The whole reply, its lines joined with `|`.
    async fn reply(&mut self) -> String {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            self.read.read_line(&mut line).await.unwrap();
            let line = line.trim_end().to_owned();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return lines.join("|");
            }
        }
    }

    async fn say(&mut self, line: &str) -> String {
        self.write
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
        self.reply().await
    }
}

#[tokio::test]
async fn helo_rset_noop_and_dot_unstuffing() {
    let sink = Sink::start().await.unwrap();
    let mut c = Client::connect(&sink).await;
    assert!(c.say("MAIL FROM:<a@x.example>").await.starts_with("503"));
    assert!(c.say("HELO client.example").await.starts_with("250 "));
    assert!(c.say("MAIL FROM:<a@x.example>").await.starts_with("250"));
    assert!(c.say("RSET").await.starts_with("250"));
    // RSET forgot the sender.
    assert!(c.say("RCPT TO:<b@y.example>").await.starts_with("503"));
    assert!(c.say("NOOP").await.starts_with("250"));
    assert!(
        c.say("mail from:<a@x.example> BODY=8BITMIME")
            .await
            .starts_with("250")
    );
    assert!(c.say("RCPT TO:<b@y.example>").await.starts_with("250"));
    assert!(c.say("RCPT TO:<c@y.example>").await.starts_with("250"));
    assert!(c.say("DATA").await.starts_with("354"));
    c.write
        .write_all(b"Subject: hi\r\n\r\n..starts with a dot\r\nthen a line\r\n.\r\n")
        .await
        .unwrap();
    assert!(c.reply().await.starts_with("250"));
    assert!(c.say("FROB").await.starts_with("500"));
    assert!(c.say("QUIT").await.starts_with("221"));

    let received = sink.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(received.mail_from, "a@x.example");
    assert_eq!(received.rcpt_to, vec!["b@y.example", "c@y.example"]);
    assert_eq!(
        received.raw,
        b"Subject: hi\r\n\r\n.starts with a dot\r\nthen a line\r\n"
    );
    assert_eq!(received.subject.as_deref(), Some("hi"));
    assert_eq!(
        received.text.as_deref(),
        Some(".starts with a dot\r\nthen a line\r\n")
    );
}

#[tokio::test]
async fn auth_plain_in_two_steps_and_mail_only_after_it() {
    let sink = Sink::start_with(SinkOptions::default().require_login("vow", "pw"))
        .await
        .unwrap();
    let mut c = Client::connect(&sink).await;
    let ehlo = c.say("EHLO client.example").await;
    assert!(ehlo.contains("250-AUTH PLAIN"), "{ehlo}");
    assert!(c.say("MAIL FROM:<a@x.example>").await.starts_with("530"));
    assert_eq!(c.say("AUTH PLAIN").await, "334");
    // base64 of "\0vow\0wrong", then of "\0vow\0pw".
    assert!(c.say("AHZvdwB3cm9uZw==").await.starts_with("535"));
    assert!(c.say("AUTH PLAIN AHZvdwBwdw==").await.starts_with("235"));
    assert!(c.say("MAIL FROM:<a@x.example>").await.starts_with("250"));
}
