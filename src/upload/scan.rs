//! Scanning uploaded files for viruses: the [`Scanner`] trait, and
//! [`ClamAv`], which speaks clamd's `INSTREAM` protocol over TCP or a
//! Unix socket while the file arrives, so that nothing waits for a second
//! read of it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

/// What a scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing.
    Clean,
    /// A virus, by the scanner's name for it.
    Infected(String),
}

/// Why a scan gave no verdict: the file is not accepted, and the visitor
/// is told to try again later (503), their answers kept.
#[derive(Debug)]
pub enum ScanError {
    /// The scanner could not be reached, or stopped answering.
    Unreachable(std::io::Error),
    /// It answered something other than a verdict (a size limit, say).
    Refused(String),
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable(error) => write!(f, "the virus scanner did not answer: {error}"),
            Self::Refused(reply) => write!(f, "the virus scanner refused the file: {reply}"),
        }
    }
}

impl std::error::Error for ScanError {}

/// A scan under way: fed the file chunk by chunk, then asked.
pub trait Scan: Send {
    /// Sends the next chunk of the file.
    fn feed<'a>(&'a mut self, chunk: &'a [u8]) -> BoxFuture<'a, Result<(), ScanError>>;
    /// Ends the file and waits for the verdict.
    fn verdict(self: Box<Self>) -> BoxFuture<'static, Result<Verdict, ScanError>>;
}

/// Something that scans files: [`ClamAv`], or one of the application's.
pub trait Scanner: Send + Sync + 'static {
    /// Starts scanning a file.
    fn start(&self) -> BoxFuture<'_, Result<Box<dyn Scan>, ScanError>>;
}

/// Where clamd listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClamdAddress {
    /// `host:port`.
    Tcp(String),
    /// The path of its Unix socket.
    Unix(PathBuf),
}

/// The ClamAV daemon as a [`Scanner`]: one connection per file, each
/// chunk sent as it arrives (`zINSTREAM`), each step bounded by a time
/// limit (default 30 seconds).
///
/// ```
/// use actix_wizard::upload::{ClamAv, ClamdAddress};
///
/// let clamd = ClamAv::from_address("tcp://127.0.0.1:3310").expect("an address");
/// assert_eq!(clamd.address(), &ClamdAddress::Tcp("127.0.0.1:3310".into()));
/// let local = ClamAv::from_address("/run/clamav/clamd.ctl").expect("a socket");
/// assert!(matches!(local.address(), ClamdAddress::Unix(_)));
/// ```
#[derive(Debug, Clone)]
pub struct ClamAv {
    address: ClamdAddress,
    limit: Duration,
}

impl ClamAv {
    /// clamd at `address`.
    pub fn new(address: ClamdAddress) -> Self {
        Self {
            address,
            limit: Duration::from_secs(30),
        }
    }

    /// clamd at `tcp://host:port`, or at a Unix socket's path (absolute);
    /// `None` for anything else.
    pub fn from_address(text: &str) -> Option<Self> {
        if let Some(host) = text.strip_prefix("tcp://") {
            return (!host.is_empty()).then(|| Self::new(ClamdAddress::Tcp(host.to_owned())));
        }
        let path = text.strip_prefix("unix://").unwrap_or(text);
        path.starts_with('/')
            .then(|| Self::new(ClamdAddress::Unix(PathBuf::from(path))))
    }

    /// The longest wait for clamd at each step: connecting, each chunk,
    /// the verdict.
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// Where it listens.
    pub fn address(&self) -> &ClamdAddress {
        &self.address
    }

    async fn connect(&self) -> Result<Box<dyn Connection>, ScanError> {
        let connected: std::io::Result<Box<dyn Connection>> = match &self.address {
            ClamdAddress::Tcp(host) => tokio::net::TcpStream::connect(host)
                .await
                .map(|stream| Box::new(stream) as Box<dyn Connection>),
            #[cfg(unix)]
            ClamdAddress::Unix(path) => tokio::net::UnixStream::connect(path)
                .await
                .map(|stream| Box::new(stream) as Box<dyn Connection>),
            #[cfg(not(unix))]
            ClamdAddress::Unix(_) => Err(std::io::ErrorKind::Unsupported.into()),
        };
        connected.map_err(ScanError::Unreachable)
    }
}

/// A stream to clamd.
trait Connection: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Connection for T {}

impl Scanner for ClamAv {
    fn start(&self) -> BoxFuture<'_, Result<Box<dyn Scan>, ScanError>> {
        Box::pin(async move {
            let limit = self.limit;
            let mut stream = within(limit, self.connect()).await?;
            within(limit, async {
                stream
                    .write_all(b"zINSTREAM\0")
                    .await
                    .map_err(ScanError::Unreachable)
            })
            .await?;
            Ok(Box::new(ClamdScan { stream, limit }) as Box<dyn Scan>)
        })
    }
}

/// One file on its way to clamd.
struct ClamdScan {
    stream: Box<dyn Connection>,
    limit: Duration,
}

/// clamd reads a chunk's length as 4 bytes, big-endian; a chunk is at most
/// this long here.
const MAX_CHUNK: usize = 1 << 20;

impl Scan for ClamdScan {
    fn feed<'a>(&'a mut self, chunk: &'a [u8]) -> BoxFuture<'a, Result<(), ScanError>> {
        Box::pin(async move {
            for piece in chunk.chunks(MAX_CHUNK) {
                let length = u32::try_from(piece.len()).unwrap_or(u32::MAX).to_be_bytes();
                let stream = &mut self.stream;
                within(self.limit, async {
                    stream.write_all(&length).await?;
                    stream.write_all(piece).await
                })
                .await?;
            }
            Ok(())
        })
    }

    fn verdict(self: Box<Self>) -> BoxFuture<'static, Result<Verdict, ScanError>> {
        Box::pin(async move {
            let ClamdScan { mut stream, limit } = *self;
            let mut reply = Vec::with_capacity(64);
            within(limit, async {
                stream.write_all(&[0, 0, 0, 0]).await?;
                stream.flush().await?;
                (&mut stream).take(4096).read_to_end(&mut reply).await
            })
            .await?;
            read_reply(&reply)
        })
    }
}

/// A reply as clamd writes it: `stream: OK`, `stream: NAME FOUND`, or an
/// error, ended by a NUL.
fn read_reply(reply: &[u8]) -> Result<Verdict, ScanError> {
    let text = String::from_utf8_lossy(reply);
    let text = text.trim_end_matches(['\0', '\n']).trim();
    let said = text.strip_prefix("stream:").map(str::trim);
    match said {
        Some("OK") => Ok(Verdict::Clean),
        Some(found) if found.ends_with(" FOUND") => {
            let name = found.trim_end_matches(" FOUND").trim();
            Ok(Verdict::Infected(name.to_owned()))
        }
        _ => Err(ScanError::Refused(text.to_owned())),
    }
}

/// `step`, or [`ScanError::Unreachable`] (timed out) after `limit`.
async fn within<T, E: Into<ScanError>>(
    limit: Duration,
    step: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, ScanError> {
    match timeout(limit, step).await {
        Ok(done) => done.map_err(Into::into),
        Err(_) => Err(ScanError::Unreachable(std::io::ErrorKind::TimedOut.into())),
    }
}

impl From<std::io::Error> for ScanError {
    fn from(error: std::io::Error) -> Self {
        Self::Unreachable(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read_as_clamd_writes_them() {
        assert_eq!(read_reply(b"stream: OK\0").ok(), Some(Verdict::Clean));
        let found = read_reply(b"stream: Eicar-Test-Signature FOUND\0").ok();
        assert_eq!(
            found,
            Some(Verdict::Infected("Eicar-Test-Signature".into()))
        );
        let limit = read_reply(b"INSTREAM size limit exceeded. ERROR\0");
        assert!(matches!(limit, Err(ScanError::Refused(text)) if text.contains("size limit")));
    }

    #[test]
    fn addresses_are_a_tcp_url_or_a_socket_path() {
        assert!(ClamAv::from_address("tcp://").is_none());
        assert!(ClamAv::from_address("clamd:3310").is_none());
        let unix = ClamAv::from_address("unix:///run/clamd.sock").map(|c| c.address().clone());
        assert_eq!(unix, Some(ClamdAddress::Unix("/run/clamd.sock".into())));
    }
}
