//! What can go wrong with mail, each case saying what failed and what to
//! change. `host:port` is in every error about the server so that a
//! message read in a log needs nothing else.

/// An error from building or sending a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    #[error("`{value}` is not an e-mail address: {reason}")]
    InvalidAddress { value: String, reason: String },

    #[error("`{name}` cannot be added as a header: {reason}")]
    InvalidHeader { name: String, reason: &'static str },

    #[error("mail settings: {0}")]
    Config(String),

    #[error(
        "cannot reach the SMTP server at {host}:{port}: {detail}\n\
         hint: check `host` and `port` in the [mail] settings (VOW_SMTP_HOST, VOW_SMTP_PORT) \
         and that the server is running"
    )]
    Unreachable {
        host: String,
        port: u16,
        detail: String,
    },

    #[error(
        "TLS with the SMTP server at {host}:{port} failed: {detail}\n\
         hint: `tls = \"tls\"` is for a server that speaks TLS from the start (port 465), \
         `tls = \"starttls\"` for one that upgrades a plain connection (port 587); a server \
         whose certificate a private authority signed needs `ca_file`"
    )]
    Tls {
        host: String,
        port: u16,
        detail: String,
    },

    #[error(
        "the SMTP server at {host}:{port} does not offer STARTTLS\n\
         hint: if it speaks TLS from the start set `tls = \"tls\"` (port 465); \
         `tls = \"none\"` only for a server on this host or a network you trust"
    )]
    NoStartTls { host: String, port: u16 },

    #[error(
        "the SMTP server at {host}:{port} refused the login of `{username}`: {reply}\n\
         hint: check `username` and `password` in the [mail] settings (VOW_SMTP_USERNAME, \
         VOW_SMTP_PASSWORD)"
    )]
    LoginRefused {
        host: String,
        port: u16,
        username: String,
        reply: String,
    },

    #[error(
        "the SMTP server at {host}:{port} offers no login vow can use (PLAIN or LOGIN)\n\
         hint: many servers offer a login only over TLS: set `tls`; or remove `username` \
         if this server needs none"
    )]
    NoLogin { host: String, port: u16 },

    #[error(
        "the SMTP server at {host}:{port} refused the sender `{from}`: {reply}\n\
         hint: set `from` in the [mail] settings to an address this server may send from"
    )]
    SenderRefused {
        host: String,
        port: u16,
        from: String,
        reply: String,
        transient: bool,
    },

    #[error(
        "the SMTP server at {host}:{port} takes mail only after a login: {reply}\n\
         hint: set `username` and `password` in the [mail] settings (VOW_SMTP_USERNAME, \
         VOW_SMTP_PASSWORD)"
    )]
    LoginRequired {
        host: String,
        port: u16,
        reply: String,
    },

    #[error(
        "the SMTP server at {host}:{port} refused the recipient `{to}`: {reply}{}",
        if *transient { "\nhint: the server may accept it later; try again" } else { "" }
    )]
    RecipientRefused {
        host: String,
        port: u16,
        to: String,
        reply: String,
        transient: bool,
    },

    #[error(
        "the SMTP server at {host}:{port} refused the message: {reply}{}",
        if *transient { "\nhint: the server may accept it later; try again" } else { "" }
    )]
    MessageRefused {
        host: String,
        port: u16,
        reply: String,
        transient: bool,
    },

    #[error(
        "the SMTP server at {host}:{port} did not finish within {seconds} s\n\
         hint: check that {host}:{port} is an SMTP server, or raise `timeout_secs`"
    )]
    Timeout {
        host: String,
        port: u16,
        seconds: u64,
    },

    #[error("the SMTP server at {host}:{port} answered what vow cannot use while {step}: {detail}")]
    Protocol {
        host: String,
        port: u16,
        step: &'static str,
        detail: String,
    },
}

impl MailError {
    /// Whether sending again later may work (a busy server, a full
    /// mailbox, a timeout); a runner retries these and gives up on the rest.
    pub fn is_transient(&self) -> bool {
        match self {
            MailError::Unreachable { .. } | MailError::Timeout { .. } => true,
            MailError::SenderRefused { transient, .. }
            | MailError::RecipientRefused { transient, .. }
            | MailError::MessageRefused { transient, .. } => *transient,
            _ => false,
        }
    }
}
