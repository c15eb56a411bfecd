//! The browser tests' harness: the examples served on 127.0.0.1, a
//! headless Chromium driven over WebDriver, axe-core, screenshots.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::app::{Accounts, Signup};
use crate::common::funnel::{FunnelPage, FunnelRecorder, system_clock};
use crate::common::servers::{free_port, skip};
use actix_web::{App, HttpServer, web};
use actix_wizard::{MemoryStore, WizardService, http::StoreOutage, http::session_middleware};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// This package's folder, `testsuite/`.
pub(crate) fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's root, where `docs/` is.
pub(crate) fn repository_root() -> PathBuf {
    manifest_dir().join("..")
}

/// chromedriver, killed when dropped; it holds one of the few places
/// for a browser ([`BROWSERS`]) while it lives.
pub(crate) struct Driver {
    child: Child,
    _place: tokio::sync::OwnedSemaphorePermit,
}

/// How many browsers (chromedriver and its Chromiums) run at once: on a
/// busy 2-core machine, Chromium started beside seven others does not
/// come up within chromedriver's own limit. A test waits for its place.
static BROWSERS: std::sync::LazyLock<std::sync::Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(tokio::sync::Semaphore::new(2)));

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser on a freshly served signup example.
pub(crate) struct Session {
    pub(crate) client: Client,
    pub(crate) base: String,
    pub(crate) axe: String,
    pub(crate) _driver: std::rc::Rc<Driver>,
    pub(crate) accounts: web::Data<Accounts>,
    pub(crate) funnel: FunnelRecorder,
    /// Where the claim's "come back later" links are written (`.eml`).
    pub(crate) outbox: std::rc::Rc<crate::common::servers::TempDir>,
    /// chromedriver's address and the browser's options, for another
    /// profile ([`Session::another_profile`]).
    pub(crate) driver_url: String,
    pub(crate) capabilities: serde_json::Map<String, Value>,
}

/// The operator's token of the funnel page in these tests.
pub(crate) const FUNNEL_TOKEN: &str = "browser-token";

pub(crate) async fn open() -> Option<Session> {
    open_with(crate::common::config()).await
}

pub(crate) async fn open_with(config: actix_wizard::WizardConfig) -> Option<Session> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    if !Path::new(&chromium).exists() {
        skip(&format!(
            "no Chromium at {chromium} (apt-get install chromium chromium-driver)"
        ));
        return None;
    }
    let axe_path = manifest_dir().join("node_modules/axe-core/axe.min.js");
    let Ok(axe) = std::fs::read_to_string(&axe_path) else {
        skip("axe-core is not installed (run npm ci in testsuite/)");
        return None;
    };

    // The signup example, served for real on a free port, with its
    // accounts and funnel in SQLite.
    let accounts = web::Data::new(
        Accounts::open("sqlite::memory:")
            .await
            .unwrap_or_else(|e| panic!("SQLite: {e}")),
    );
    let pool = accounts
        .pool()
        .cloned()
        .unwrap_or_else(|| panic!("a database"));
    let funnel = FunnelRecorder::start(pool.clone(), system_clock());
    let page = web::Data::new(FunnelPage {
        pool,
        token: FUNNEL_TOKEN.into(),
        steps: crate::common::app::STEP_NAMES.to_vec(),
        idle: Duration::from_secs(1800),
        clock: system_clock(),
        layout: <Signup as actix_wizard::Wizard>::layout,
    });
    let config = config.on_event(funnel.hook());
    let store = MemoryStore::default();
    let signup = WizardService::<Signup>::new("/signup", config.clone());
    let shared = accounts.clone();
    // The claim example beside it, at `/claim`.
    let claims = web::Data::new(
        crate::claim_app::Claims::open("sqlite::memory:")
            .await
            .unwrap_or_else(|e| panic!("SQLite: {e}")),
    );
    // The claim's receipts are kept in memory.
    let receipts = actix_wizard::upload::Uploads::new(actix_wizard::upload::Staging::in_memory());
    // Its "come back later" links are written to an outbox.
    let outbox = crate::common::servers::TempDir::new("browser-outbox");
    let mailer = actix_wizard::save_return::Outbox::new(&outbox.0, "Claims <no-reply@example.org>")
        .unwrap_or_else(|e| panic!("{e}"));
    let saving = claims
        .saving(mailer, Duration::from_secs(7 * 24 * 3600))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let claim_config = config.clone().uploads(receipts).save_and_return(saving);
    // In English and Welsh, as its `main.rs` serves it.
    let claim_config = crate::claim_app::in_both_languages(claim_config)
        .unwrap_or_else(|e| panic!("the claim's Welsh: {e}"));
    let claim = WizardService::<crate::claim_app::Claim>::new("/claim", claim_config);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(session_middleware(
                store.clone(),
                crate::common::key(),
                &config,
            ))
            .wrap(StoreOutage)
            .configure(crate::common::app::routes(signup.clone(), shared.clone()))
            .configure(crate::claim_app::routes(claim.clone(), claims.clone()))
            .configure(crate::common::funnel::routes(Some(page.clone())))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap_or_else(|e| panic!("bind: {e}"));
    let address = server.addrs()[0];
    actix_rt::spawn(server.run());

    let place = std::sync::Arc::clone(&BROWSERS)
        .acquire_owned()
        .await
        .unwrap_or_else(|e| panic!("the browsers' places: {e}"));
    let port = free_port();
    let driver = match Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => Driver {
            child,
            _place: place,
        },
        Err(e) => {
            skip(&format!("chromedriver could not start ({e})"));
            return None;
        }
    };
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update", "--no-first-run",
                     "--disable-sync", "--window-size=800,1400"]
        }),
    );
    // chromedriver was started above: wait until it answers on its port,
    // however long a busy machine takes, then ask for a session.
    crate::common::wait::until("chromedriver answers on its port", || async {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    })
    .await;
    // Chromium may fail to start within chromedriver's own limit when the
    // machine is busy (three browsers start at once): ask again, a few
    // times, and say why when it never comes.
    let driver_url = format!("http://127.0.0.1:{port}");
    let client = browser(&driver_url, &capabilities).await?;
    Some(Session {
        client,
        base: format!("http://{address}"),
        axe,
        _driver: std::rc::Rc::new(driver),
        accounts,
        funnel,
        outbox: std::rc::Rc::new(outbox),
        driver_url,
        capabilities,
    })
}

/// A browser session of chromedriver's at `driver_url`: a profile of its
/// own. Chromium may fail to start within chromedriver's own limit when
/// the machine is busy (three browsers start at once): ask again, a few
/// times, and say why when it never comes.
async fn browser(
    driver_url: &str,
    capabilities: &serde_json::Map<String, Value>,
) -> Option<Client> {
    let mut refusals = Vec::new();
    while refusals.len() < 3 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(driver_url)
            .await
        {
            Ok(session) => return Some(session),
            Err(error) => refusals.push(error.to_string()),
        }
    }
    skip(&format!(
        "chromedriver did not accept a session: {refusals:?}"
    ));
    None
}

impl Session {
    /// Another browser profile on the same server: no cookie of this
    /// one's.
    pub(crate) async fn another_profile(&self) -> Option<Session> {
        let client = browser(&self.driver_url, &self.capabilities).await?;
        Some(Session {
            client,
            base: self.base.clone(),
            axe: self.axe.clone(),
            _driver: std::rc::Rc::clone(&self._driver),
            accounts: self.accounts.clone(),
            funnel: self.funnel.clone(),
            outbox: std::rc::Rc::clone(&self.outbox),
            driver_url: self.driver_url.clone(),
            capabilities: self.capabilities.clone(),
        })
    }

    pub(crate) async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("goto {path}: {e}"));
    }

    pub(crate) async fn path(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .unwrap_or_else(|e| panic!("url: {e}"));
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    pub(crate) async fn find(&self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("no element {css} on {}: {e}", self.path().await),
        }
    }

    pub(crate) async fn type_into(&self, id: &str, text: &str) {
        let field = self.find(&format!("#{id}")).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear {id}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {id}: {e}"));
    }

    /// Follows each of the error summary's `count` links in turn: each
    /// must put the focus on a form control whose id it names (for a
    /// group, its first control), never on a fieldset or the page.
    pub(crate) async fn assert_summary_links_focus_their_controls(&self, count: usize) {
        let targets = self
            .script("return [...document.querySelectorAll('.error-summary a')].map(a => a.getAttribute('href').slice(1))")
            .await;
        let targets: Vec<String> = serde_json::from_value(targets).unwrap_or_default();
        assert_eq!(targets.len(), count, "summary links: {targets:?}");
        for id in targets {
            self.click(&format!(r##".error-summary a[href="#{id}"]"##))
                .await;
            let focused = self
                .script("return [document.activeElement.id, document.activeElement.tagName]")
                .await;
            assert_eq!(
                focused,
                json!([id, "INPUT"]),
                "the summary link to #{id} does not focus its control"
            );
        }
    }

    /// Whether the element at `css` is displayed.
    pub(crate) async fn is_shown(&self, css: &str) -> bool {
        let element = self.find(css).await;
        element
            .is_displayed()
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    pub(crate) async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Presses a form button and waits for the next page.
    pub(crate) async fn press(&self, value: &str) {
        self.script("window.__before_submit = true").await;
        self.click(&format!(r#"button[name="action"][value="{value}"]"#))
            .await;
        self.settle().await;
    }

    /// Waits until the page marked before a navigation has been replaced.
    pub(crate) async fn settle(&self) {
        crate::common::wait::until("the next page loads", || async {
            let stale = self
                .client
                .execute("return window.__before_submit === true", vec![])
                .await;
            matches!(stale, Ok(Value::Bool(false)))
        })
        .await;
    }

    pub(crate) async fn script(&self, code: &str) -> Value {
        self.client
            .execute(code, vec![])
            .await
            .unwrap_or_else(|e| panic!("script: {e}"))
    }

    pub(crate) async fn value_of(&self, id: &str) -> String {
        self.find(&format!("#{id}"))
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    pub(crate) async fn text(&self) -> String {
        self.find("body").await.text().await.unwrap_or_default()
    }

    /// Runs axe-core on the page: no violation is allowed.
    pub(crate) async fn assert_accessible(&self, what: &str) {
        let violations = self.axe_violations().await;
        assert!(violations.is_empty(), "axe on {what}: {violations:#?}");
    }

    /// What axe-core finds wrong with the page.
    pub(crate) async fn axe_violations(&self) -> Vec<String> {
        self.script(&self.axe).await;
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' +
                        v.nodes.map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("axe: {e}"));
        serde_json::from_value(result.clone()).unwrap_or_else(|e| panic!("axe gave {result} ({e})"))
    }

    /// The page fits a 375 px wide screen without sideways scrolling.
    pub(crate) async fn assert_fits_a_phone(&self, what: &str) {
        self.client
            .set_window_size(375, 800)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let width = self
            .script("return document.documentElement.scrollWidth")
            .await;
        assert!(
            width.as_u64().unwrap_or(9999) <= 375,
            "{what} is {width} px wide at 375"
        );
        self.client
            .set_window_size(800, 1400)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    pub(crate) async fn screenshot(&self, name: &str) {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot: {e}"));
        let dir = repository_root().join("docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Checks the page (axe, phone width) and keeps a screenshot of it.
    pub(crate) async fn record(&self, name: &str) {
        self.assert_accessible(name).await;
        self.assert_fits_a_phone(name).await;
        self.screenshot(name).await;
    }

    /// Opens a second tab of the same browser and switches to it; gives
    /// the first tab's handle.
    pub(crate) async fn new_tab(&self) -> fantoccini::wd::WindowHandle {
        let first = self.client.window().await.unwrap_or_else(|e| panic!("{e}"));
        let opened = self
            .client
            .new_window(true)
            .await
            .unwrap_or_else(|e| panic!("new tab: {e}"));
        self.switch_to(opened.handle).await;
        first
    }

    /// Switches to the tab `handle`.
    pub(crate) async fn switch_to(&self, handle: fantoccini::wd::WindowHandle) {
        self.client
            .switch_to_window(handle)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    pub(crate) async fn close(self) {
        let _ = self.client.close().await;
    }
}
