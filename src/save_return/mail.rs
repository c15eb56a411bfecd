//! Sending the link: [`Mailer`], with an SMTP implementation ([`Smtp`])
//! and an outbox of `.eml` files ([`Outbox`]), both on lettre.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::future::LocalBoxFuture;
use lettre::message::{Mailbox, Message, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// A message to send: to whom, its subject and its plain-text body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    /// The address it goes to.
    pub to: String,
    /// Its subject.
    pub subject: String,
    /// Its plain-text body.
    pub body: String,
}

/// Why a message was not sent.
#[derive(Debug)]
pub enum MailError {
    /// The address or the sender's is not one a message can go to.
    Address(String),
    /// The mail server did not answer in time.
    Timeout,
    /// The mail server, or the outbox, refused or failed.
    Failed(String),
}

impl fmt::Display for MailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Address(why) => write!(f, "not an address a message can go to: {why}"),
            Self::Timeout => f.write_str("the mail server did not answer in time"),
            Self::Failed(why) => write!(f, "the message was not sent: {why}"),
        }
    }
}

impl std::error::Error for MailError {}

/// Sends messages. [`Smtp`] sends through a mail server, [`Outbox`]
/// writes them to a directory; a test or another service implements it.
pub trait Mailer: Send + Sync + 'static {
    /// Sends `letter`.
    fn send<'a>(&'a self, letter: &'a Letter) -> LocalBoxFuture<'a, Result<(), MailError>>;
}

/// `letter` as a message from `from`.
fn message(from: &Mailbox, letter: &Letter) -> Result<Message, MailError> {
    let to: Mailbox = letter
        .to
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Address(e.to_string()))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(letter.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(letter.body.clone())
        .map_err(|e| MailError::Address(e.to_string()))
}

fn sender(from: &str) -> Result<Mailbox, MailError> {
    from.parse()
        .map_err(|e: lettre::address::AddressError| MailError::Address(e.to_string()))
}

/// Messages written as `.eml` files to a directory, one per message: the
/// default, which needs nothing installed (read them with any mail
/// program, or in a test).
///
/// ```no_run
/// # fn make() -> Result<(), Box<dyn std::error::Error>> {
/// use actix_wizard::save_return::Outbox;
/// let outbox = Outbox::new("outbox", "Claim your expenses <no-reply@example.com>")?;
/// # Ok(())
/// # }
/// ```
pub struct Outbox {
    dir: PathBuf,
    from: Mailbox,
    transport: AsyncFileTransport<Tokio1Executor>,
}

impl Outbox {
    /// An outbox in `dir` (made if missing), its messages from `from`.
    pub fn new(dir: impl AsRef<Path>, from: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir)?;
        Ok(Self {
            transport: AsyncFileTransport::new(&dir),
            dir,
            from: sender(from)?,
        })
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Mailer for Outbox {
    fn send<'a>(&'a self, letter: &'a Letter) -> LocalBoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            let message = message(&self.from, letter)?;
            self.transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Failed(e.to_string()))
        })
    }
}

/// Messages sent through a mail server, given as `smtp://HOST:PORT`
/// (plain SMTP, as on a local relay); for TLS or a login, build lettre's
/// transport with the features it needs and give it to
/// [`Smtp::with_transport`]. A server that does not answer within the
/// timeout (10 s by default) is [`MailError::Timeout`].
///
/// ```no_run
/// # fn make() -> Result<(), Box<dyn std::error::Error>> {
/// use actix_wizard::save_return::Smtp;
/// let smtp = Smtp::new("smtp://127.0.0.1:1025", "Claims <no-reply@example.com>")?;
/// # Ok(())
/// # }
/// ```
pub struct Smtp {
    from: Mailbox,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    timeout: Duration,
}

impl Smtp {
    /// Sends through the server at `url` (`smtp://HOST:PORT`, port 25 when
    /// it has none), from `from`.
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        Self::with_timeout(url, from, Duration::from_secs(10))
    }

    /// The same, giving up after `timeout`.
    pub fn with_timeout(url: &str, from: &str, timeout: Duration) -> Result<Self, MailError> {
        let (host, port) = server_of(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(timeout))
            .build();
        Self::with_transport(transport, from, timeout)
    }

    /// Sends through a transport of lettre's built by the application
    /// (TLS, credentials, a pool), from `from`, giving up after `timeout`.
    pub fn with_transport(
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: &str,
        timeout: Duration,
    ) -> Result<Self, MailError> {
        Ok(Self {
            from: sender(from)?,
            transport,
            timeout,
        })
    }
}

/// The host and port of `smtp://HOST[:PORT]`.
fn server_of(url: &str) -> Result<(String, u16), MailError> {
    let refused = || MailError::Failed(format!("`{url}` is not smtp://HOST:PORT"));
    let rest = url.strip_prefix("smtp://").ok_or_else(refused)?;
    let rest = rest.trim_end_matches('/');
    match rest.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() => {
            Ok((host.to_owned(), port.parse().map_err(|_| refused())?))
        }
        None if !rest.is_empty() => Ok((rest.to_owned(), 25)),
        _ => Err(refused()),
    }
}

impl Mailer for Smtp {
    fn send<'a>(&'a self, letter: &'a Letter) -> LocalBoxFuture<'a, Result<(), MailError>> {
        Box::pin(async move {
            let message = message(&self.from, letter)?;
            // lettre's timeout is per read or write; this bounds the whole
            // send.
            match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
                Err(_) => Err(MailError::Timeout),
                Ok(Err(error)) if error.is_timeout() => Err(MailError::Timeout),
                Ok(Err(error)) => Err(MailError::Failed(error.to_string())),
                Ok(Ok(_)) => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_is_read_from_its_url() {
        assert_eq!(
            server_of("smtp://127.0.0.1:1025").ok(),
            Some(("127.0.0.1".into(), 1025))
        );
        assert_eq!(
            server_of("smtp://mail.example.org").ok(),
            Some(("mail.example.org".into(), 25))
        );
        assert!(server_of("http://x:1").is_err());
        assert!(server_of("smtp://x:port").is_err());
    }
}
