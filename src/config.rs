//! [`WizardConfig`]: limits and session settings, with sane defaults.

use std::time::Duration;

/// Settings of a wizard service and of the session it runs on.
///
/// ```
/// use std::time::Duration;
/// use actix_wizard::WizardConfig;
///
/// let config = WizardConfig::default()
///     .idle_timeout(Duration::from_secs(600))
///     .secure_cookies(false); // plain http on 127.0.0.1 during development
/// assert_eq!(config.body_limit, 16 * 1024);
/// ```
#[derive(Debug, Clone)]
pub struct WizardConfig {
    /// Largest form body accepted, in bytes (larger: 413). Default 16 KiB.
    pub body_limit: usize,
    /// Most fields a form may carry (more: 413). Default 1000.
    pub max_fields: usize,
    /// Idle time after which an unfinished run expires. Default 30 minutes.
    pub idle_timeout: Duration,
    /// Largest stored state of one run, in bytes of JSON (larger: the step
    /// is refused with a page saying so, nothing stored). Default 64 KiB;
    /// about 2,800 with the cookie store, so the cookie stays under the
    /// browsers' 4 KiB limit once encrypted.
    pub max_state_bytes: usize,
    /// Whether cookies are `Secure` (sent over https only). Default true.
    pub secure_cookies: bool,
}

impl Default for WizardConfig {
    fn default() -> Self {
        Self {
            body_limit: 16 * 1024,
            max_fields: 1000,
            idle_timeout: Duration::from_secs(30 * 60),
            max_state_bytes: 64 * 1024,
            secure_cookies: true,
        }
    }
}

impl WizardConfig {
    /// Sets [`WizardConfig::body_limit`].
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sets [`WizardConfig::max_fields`].
    pub fn max_fields(mut self, fields: usize) -> Self {
        self.max_fields = fields;
        self
    }

    /// Sets [`WizardConfig::idle_timeout`].
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets [`WizardConfig::max_state_bytes`].
    pub fn max_state_bytes(mut self, bytes: usize) -> Self {
        self.max_state_bytes = bytes;
        self
    }

    /// Sets [`WizardConfig::secure_cookies`].
    pub fn secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }
}
