//! An SMTP server for tests (feature `sink`): it listens on 127.0.0.1 on a
//! port of its own, speaks as much of RFC 5321 as a client needs — `EHLO`/
//! `HELO`, `AUTH PLAIN`, `MAIL FROM`, `RCPT TO`, `DATA` with dot-unstuffing,
//! `RSET`, `NOOP`, `QUIT` — and keeps each message it accepts, with its
//! envelope, its raw text and the headers and bodies read back from it
//! (quoted-printable, base64 and encoded words decoded, by `mail-parser`).
//!
//! It is not a mail server: no TLS, no relaying, nothing kept on disk, and
//! it stops when the [`Sink`] is dropped.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use std::time::Duration;
//! let sink = vow_mail::sink::Sink::start().await?;
//! let mailer = vow_mail::Mailer::new(&sink.config()).unwrap();
//! // … send through `mailer` …
//! let received = sink.next(Duration::from_secs(5)).await.unwrap();
//! # Ok(()) }
//! ```

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, mpsc};
use tokio::task::{JoinHandle, JoinSet};

use crate::MailConfig;

/// Longest line a client may send, and largest message kept.
const MAX_LINE: u64 = 64 * 1024;
const MAX_MESSAGE: usize = 10 * 1024 * 1024;

/// How the sink behaves.
#[derive(Debug, Clone, Default)]
pub struct SinkOptions {
    reject: Vec<String>,
    login: Option<(String, String)>,
}

impl SinkOptions {
    /// Answers `550 5.1.1` to `RCPT TO` this address (any case).
    pub fn reject_recipient(mut self, address: &str) -> SinkOptions {
        self.reject.push(address.to_ascii_lowercase());
        self
    }

    /// Offers `AUTH PLAIN` and takes mail only after this login.
    pub fn require_login(mut self, username: &str, password: &str) -> SinkOptions {
        self.login = Some((username.to_owned(), password.to_owned()));
        self
    }
}

/// A message the sink accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// `MAIL FROM`, without the angle brackets.
    pub mail_from: String,
    /// Every accepted `RCPT TO`.
    pub rcpt_to: Vec<String>,
    /// Who logged in, if anyone did.
    pub login: Option<String>,
    /// The message as the client meant it: dot-unstuffed, lines ending in CRLF.
    pub raw: Vec<u8>,
    /// Each header in order, its value unfolded but not decoded.
    pub headers: Vec<(String, String)>,
    /// The subject, decoded.
    pub subject: Option<String>,
    /// The first `text/plain` part, decoded.
    pub text: Option<String>,
    /// The first `text/html` part, decoded.
    pub html: Option<String>,
}

impl Received {
    /// The first header of that name (any case), unfolded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// No message arrived in time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no message reached the SMTP sink within {0:?}")]
pub struct NoMessage(pub Duration);

/// A running sink; dropping it stops it.
pub struct Sink {
    addr: SocketAddr,
    messages: Mutex<mpsc::UnboundedReceiver<Received>>,
    server: JoinHandle<()>,
}

impl Sink {
    /// A sink that accepts every message.
    pub async fn start() -> io::Result<Sink> {
        Sink::start_with(SinkOptions::default()).await
    }

    pub async fn start_with(options: SinkOptions) -> io::Result<Sink> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (sender, messages) = mpsc::unbounded_channel();
        let options = Arc::new(options);
        let server = tokio::spawn(async move {
            // Dropping the set (when the sink is dropped) ends every session.
            let mut sessions = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let session = Session::new(options.clone(), sender.clone());
                sessions.spawn(session.run(stream));
                while sessions.try_join_next().is_some() {}
            }
        });
        Ok(Sink {
            addr,
            messages: Mutex::new(messages),
            server,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Settings that send to this sink: 127.0.0.1, its port, no TLS.
    pub fn config(&self) -> MailConfig {
        MailConfig {
            host: self.addr.ip().to_string(),
            port: Some(self.addr.port()),
            timeout_secs: 5,
            ..MailConfig::default()
        }
    }

    /// The next message accepted (in order of acceptance), waiting at most `within`.
    pub async fn next(&self, within: Duration) -> Result<Received, NoMessage> {
        let mut messages = self.messages.lock().await;
        match tokio::time::timeout(within, messages.recv()).await {
            Ok(Some(message)) => Ok(message),
            _ => Err(NoMessage(within)),
        }
    }

    /// A message already accepted and not yet taken, without waiting.
    pub fn try_next(&self) -> Option<Received> {
        self.messages.try_lock().ok()?.try_recv().ok()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// One client connection.
struct Session {
    options: Arc<SinkOptions>,
    sender: mpsc::UnboundedSender<Received>,
    greeted: bool,
    login: Option<String>,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

impl Session {
    fn new(options: Arc<SinkOptions>, sender: mpsc::UnboundedSender<Received>) -> Session {
        Session {
            options,
            sender,
            greeted: false,
            login: None,
            mail_from: None,
            rcpt_to: Vec::new(),
        }
    }

    /// Ends when the client quits or goes away, or a write fails.
    async fn run(mut self, stream: TcpStream) {
        let _ = stream.set_nodelay(true);
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        let _ = self.converse(&mut read, &mut write).await;
    }

    async fn converse<R, W>(&mut self, read: &mut R, write: &mut W) -> io::Result<()>
    where
        R: AsyncBufReadExt + Unpin,
        W: AsyncWriteExt + Unpin,
    {
        reply(write, "220 vow-sink ESMTP ready").await?;
        while let Some(line) = read_line(read).await {
            let ehlo;
            let line = String::from_utf8_lossy(&line);
            let (verb, argument) = match line.split_once(' ') {
                Some((verb, argument)) => (verb.to_ascii_uppercase(), argument.trim()),
                None => (line.to_ascii_uppercase(), ""),
            };
            let answer = match verb.as_str() {
                "EHLO" => {
                    self.greeted = true;
                    self.reset();
                    let mut lines = vec!["250-vow-sink greets you", "250-8BITMIME"];
                    if self.options.login.is_some() {
                        lines.push("250-AUTH PLAIN");
                    }
                    lines.push("250 SMTPUTF8");
                    ehlo = lines.join("\r\n");
                    &ehlo
                }
                "HELO" => {
                    self.greeted = true;
                    self.reset();
                    "250 vow-sink greets you"
                }
                "AUTH" => self.auth(argument, read, write).await?,
                "MAIL" => {
                    if !self.greeted {
                        "503 5.5.1 Say EHLO or HELO first"
                    } else if self.options.login.is_some() && self.login.is_none() {
                        "530 5.7.0 Authentication required"
                    } else if let Some(from) = path(argument, "FROM:") {
                        self.reset();
                        self.mail_from = Some(from);
                        "250 2.1.0 Sender OK"
                    } else {
                        "501 5.5.4 Syntax: MAIL FROM:<address>"
                    }
                }
                "RCPT" => {
                    if self.mail_from.is_none() {
                        "503 5.5.1 Need MAIL before RCPT"
                    } else if let Some(to) = path(argument, "TO:") {
                        if self.options.reject.contains(&to.to_ascii_lowercase()) {
                            "550 5.1.1 No such mailbox here"
                        } else {
                            self.rcpt_to.push(to);
                            "250 2.1.5 Recipient OK"
                        }
                    } else {
                        "501 5.5.4 Syntax: RCPT TO:<address>"
                    }
                }
                "DATA" => {
                    if self.rcpt_to.is_empty() {
                        "503 5.5.1 Need RCPT before DATA"
                    } else {
                        reply(write, "354 End data with <CR><LF>.<CR><LF>").await?;
                        match self.data(read).await {
                            Some(answer) => answer,
                            None => return Ok(()),
                        }
                    }
                }
                "RSET" => {
                    self.reset();
                    "250 2.0.0 OK"
                }
                "NOOP" => "250 2.0.0 OK",
                "VRFY" => "252 2.5.0 Cannot VRFY, but will take the message",
                "QUIT" => return reply(write, "221 2.0.0 Bye").await,
                "STARTTLS" => "502 5.5.1 The sink speaks no TLS",
                _ => "500 5.5.2 Command not recognised",
            };
            reply(write, answer).await?;
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.mail_from = None;
        self.rcpt_to.clear();
    }

    /// `AUTH PLAIN <base64>`, or `AUTH PLAIN`, an empty challenge and the
    /// credentials on their own line.
    async fn auth<R, W>(
        &mut self,
        argument: &str,
        read: &mut R,
        write: &mut W,
    ) -> io::Result<&'static str>
    where
        R: AsyncBufReadExt + Unpin,
        W: AsyncWriteExt + Unpin,
    {
        let Some((username, password)) = self.options.login.clone() else {
            return Ok("502 5.5.1 No login here");
        };
        if self.login.is_some() {
            return Ok("503 5.5.1 Already logged in");
        }
        let (mechanism, initial) = match argument.split_once(' ') {
            Some((mechanism, initial)) => (mechanism, Some(initial.trim().to_owned())),
            None => (argument, None),
        };
        if !mechanism.eq_ignore_ascii_case("PLAIN") {
            return Ok("504 5.5.4 Only AUTH PLAIN");
        }
        let response = match initial {
            Some(initial) => initial,
            None => {
                reply(write, "334 ").await?;
                match read_line(read).await {
                    Some(line) => String::from_utf8_lossy(&line).into_owned(),
                    None => return Ok("501 5.5.2 No credentials"),
                }
            }
        };
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(response.trim())
            .unwrap_or_default();
        // authzid NUL authcid NUL password
        let parts: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
        Ok(match parts.as_slice() {
            [_, user, pass] if *user == username.as_bytes() && *pass == password.as_bytes() => {
                self.login = Some(username);
                "235 2.7.0 Authentication successful"
            }
            _ => "535 5.7.8 Authentication credentials invalid",
        })
    }

    /// Reads the text after `DATA` up to the lone `.` line, and keeps it
    /// (`None`: the client went away first).
    async fn data<R: AsyncBufReadExt + Unpin>(&mut self, read: &mut R) -> Option<&'static str> {
        let mut raw = Vec::new();
        let mut too_large = false;
        loop {
            let line = read_line(read).await?;
            if line == b"." {
                break;
            }
            // Dot-unstuffing (RFC 5321 § 4.5.2).
            let line = line.strip_prefix(b".").unwrap_or(&line);
            if raw.len() + line.len() + 2 > MAX_MESSAGE {
                too_large = true;
                continue;
            }
            raw.extend_from_slice(line);
            raw.extend_from_slice(b"\r\n");
        }
        if too_large {
            self.reset();
            return Some("552 5.3.4 Message too big for the sink");
        }
        let received = parse(
            self.mail_from.take().unwrap_or_default(),
            std::mem::take(&mut self.rcpt_to),
            self.login.clone(),
            raw,
        );
        // The test may have stopped listening; the client is answered all the same.
        let _ = self.sender.send(received);
        Some("250 2.0.0 Message accepted")
    }
}

async fn reply<W: AsyncWriteExt + Unpin>(write: &mut W, text: &str) -> io::Result<()> {
    // One write per reply: two would wait on the client's delayed ACK.
    write.write_all(format!("{text}\r\n").as_bytes()).await?;
    write.flush().await
}

/// One line without its CRLF; `None` at the end of the stream or past [`MAX_LINE`].
async fn read_line<R: AsyncBufReadExt + Unpin>(read: &mut R) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let n = read
        .take(MAX_LINE)
        .read_until(b'\n', &mut buffer)
        .await
        .ok()?;
    if n == 0 || !buffer.ends_with(b"\n") {
        return None;
    }
    buffer.pop();
    if buffer.ends_with(b"\r") {
        buffer.pop();
    }
    Some(buffer)
}

/// `FROM:<a@b> BODY=8BITMIME` → `a@b`.
fn path(argument: &str, prefix: &str) -> Option<String> {
    let rest = argument
        .get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .map(|_| argument[prefix.len()..].trim_start())?;
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_owned())
}

fn parse(mail_from: String, rcpt_to: Vec<String>, login: Option<String>, raw: Vec<u8>) -> Received {
    let mut received = Received {
        mail_from,
        rcpt_to,
        login,
        raw,
        headers: Vec::new(),
        subject: None,
        text: None,
        html: None,
    };
    let Some(parsed) = mail_parser::MessageParser::default().parse(&received.raw) else {
        return received;
    };
    let headers = parsed
        .headers_raw()
        .map(|(name, value)| (name.to_owned(), unfold(value)))
        .collect();
    let subject = parsed.subject().map(str::to_owned);
    let leaf = |html: bool| {
        parsed
            .parts
            .iter()
            .find(|p| p.is_text() && p.is_text_html() == html)
            .and_then(|p| p.text_contents())
            .map(str::to_owned)
    };
    let (text, html) = (leaf(false), leaf(true));
    received.headers = headers;
    received.subject = subject;
    received.text = text;
    received.html = html;
    received
}

/// A header value on one line: folds (CRLF + space) become the space.
fn unfold(value: &str) -> String {
    value
        .replace("\r\n", "")
        .replace('\n', "")
        .trim()
        .to_owned()
}
