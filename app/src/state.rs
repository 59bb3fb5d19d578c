//! Server-side application state, given to every request through Leptos context and an axum
//! extension.

use std::sync::Arc;

use crate::clock::Clock;
use crate::db::engine::{Handle, Query};
use crate::net::Cidr;
use crate::signing::ServerKey;

/// The database handle. It counts the queries sent through it, so that a test can see how
/// many statements a page costs (and catch a page that starts reading once per row).
///
/// It also knows whether the database answered its last probe ([`Db::probe`]). On a SurrealDB
/// server that has gone away the SDK does not fail a query: it holds it until it has connected
/// again. So requests look at this instead of waiting, and are told at once that the service
/// is unavailable.
///
/// One SDK handle, shared: a clone of `Surreal` is a new session on a SurrealDB server (which
/// allows 256 per connection), so clones of `Db` (one in every route, request and task) share
/// the one handle. A transaction takes a session of its own for its length
/// (`db::transact`).
#[derive(Debug, Clone)]
pub struct Db {
    inner: Arc<Handle>,
    queries: Arc<std::sync::atomic::AtomicU64>,
    answering: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Db {
    pub fn new(inner: Handle) -> Self {
        Db {
            inner: Arc::new(inner),
            queries: Arc::default(),
            answering: Arc::new(tokio::sync::watch::Sender::new(true)),
        }
    }

    /// Whether the last probe was answered (true until a probe says otherwise).
    pub fn is_answering(&self) -> bool {
        *self.answering.borrow()
    }

    /// Completes when a probe finds the database not answering.
    pub async fn stops_answering(&self) {
        let mut answering = self.answering.subscribe();
        let _ = answering.wait_for(|up| !up).await;
    }

    /// Asks the database for an answer within `patience`, and remembers whether it came. Not
    /// counted among the queries (it is not a page's).
    pub async fn probe(&self, patience: std::time::Duration) -> Result<(), String> {
        let outcome = match tokio::time::timeout(patience, self.inner.query("RETURN 1")).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {} ms", patience.as_millis())),
        };
        self.answering.send_if_modified(|up| {
            let changed = *up != outcome.is_ok();
            *up = outcome.is_ok();
            changed
        });
        outcome
    }

    /// Starts a query (counted).
    pub fn query<'a>(&'a self, sql: impl Into<std::borrow::Cow<'a, str>>) -> Query<'a> {
        self.queries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.query(sql)
    }

    /// The queries sent so far through this handle and its clones.
    pub fn queries(&self) -> u64 {
        self.queries.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The SDK's handle, for what is not a query (transactions, export and import).
    pub fn handle(&self) -> &Handle {
        &self.inner
    }
}

/// Settings that the app crate needs at request time. The server binary reads them from the
/// environment (see the README's configuration table).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Base URL used in links, without a trailing slash.
    pub public_url: String,
    /// Whether cookies carry `Secure` (true when the public URL is https).
    pub secure_cookies: bool,
    /// Whether a mail server is configured; without one, mail waits in the outbox.
    pub smtp_configured: bool,
    /// Where uploaded documents are stored.
    pub files_dir: std::path::PathBuf,
    /// Signs the flash and device cookies (kept in the database; see `auth::signing`).
    pub key: ServerKey,
    /// Proxies whose `X-Forwarded-For` is believed (`HUB_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<Cidr>,
    /// The RSO's IATI organisation identifier (`HUB_IATI_ORG_ID`).
    pub iati_org_id: String,
    /// The currency agreements' figures are also shown in (`HUB_REPORTING_CURRENCY`).
    pub reporting_currency: String,
    /// Addresses of staff accounts that may work without a second factor: the demo logins in a
    /// demo database (`HUB_DEMO=1`), and nobody anywhere else.
    pub second_factor_exempt: Vec<String>,
    /// How long personal data is kept (`HUB_RETENTION_YEARS`, `HUB_RETENTION_REJECTED_YEARS`).
    pub retention: crate::privacy::rules::Retention,
}

/// The IATI organisation identifier until `HUB_IATI_ORG_ID` gives the registered one.
pub const DEFAULT_IATI_ORG_ID: &str = "XX-RSO-SECONDMENTS";

impl Settings {
    pub fn new(public_url: &str) -> Self {
        let public_url = public_url.trim_end_matches('/').to_string();
        let secure_cookies = public_url.starts_with("https://");
        Settings {
            public_url,
            secure_cookies,
            smtp_configured: false,
            files_dir: "data/files".into(),
            key: ServerKey::random(),
            trusted_proxies: Vec::new(),
            iati_org_id: DEFAULT_IATI_ORG_ID.into(),
            reporting_currency: "USD".into(),
            second_factor_exempt: Vec::new(),
            retention: Default::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    /// Wakes the mail worker after a transaction queued mail.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// The office clock: the only source of "now" and "today".
    pub clock: Clock,
    /// How many exports and searches each user may have running at once in this process.
    pub limits: Arc<crate::limits::Limits>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings, clock: Clock) -> Self {
        AppState {
            db,
            settings: Arc::new(settings),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            clock,
            limits: Arc::default(),
        }
    }

    /// Call after committing a transaction that queued mail.
    pub fn wake_mailer(&self) {
        self.mail_wake.notify_one();
    }

    /// The state of the current request (server functions and pages).
    /// The state, when there is one: none while the routes are listed at start-up, which
    /// renders the shell outside any request.
    pub fn try_current() -> Option<AppState> {
        leptos::prelude::use_context::<AppState>()
    }

    pub fn current() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| crate::error::AppError::internal("state", "AppState missing from context"))
    }
}
