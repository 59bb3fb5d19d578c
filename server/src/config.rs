//! Configuration from environment variables. Each has a default; `server --help` lists them.

use std::fmt;
use std::net::SocketAddr;

/// A value that must never reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A new demo database shows this many years of a programme (see `start_database`).
pub const DEFAULT_DEMO_YEARS: u32 = 2;

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub db_endpoint: String,
    pub db_credentials: Option<(String, Secret)>,
    /// On a SurrealDB server: the namespace and database of this programme.
    pub db_namespace: String,
    pub db_database: String,
    /// The embedded store's memory budget in MiB (`HUB_DB_MEMORY_MB`).
    pub db_memory_mb: u64,
    pub public_url: String,
    pub demo: bool,
    /// Years of generated programme history a new demo database starts with (`HUB_DEMO_YEARS`);
    /// 0 is the demo's story alone.
    pub demo_years: u32,
    pub log_filter: String,
    pub log_json: bool,
    /// The SMTP server; without one, mail waits in the outbox.
    pub smtp_url: Option<Secret>,
    pub mail_from: lettre::message::Mailbox,
    /// Where uploaded documents are kept.
    pub files_dir: std::path::PathBuf,
    /// Where the running server keeps the token `server backup` presents to it.
    pub operator_token_file: std::path::PathBuf,
    /// The office's time zone: what "today" means for every date rule.
    pub timezone: chrono_tz::Tz,
    /// A demo or test server's office date (`HUB_TODAY`, only with `HUB_DEMO=1`).
    pub today: Option<chrono::NaiveDate>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`HUB_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<app::net::Cidr>,
    /// The RSO's IATI organisation identifier (`HUB_IATI_ORG_ID`).
    pub iati_org_id: String,
    /// The currency every agreement's figures are also shown in (`HUB_REPORTING_CURRENCY`).
    pub reporting_currency: String,
    /// How long personal data is kept (`HUB_RETENTION_YEARS`, `HUB_RETENTION_REJECTED_YEARS`).
    pub retention: app::privacy::rules::Retention,
    /// How long the dashboard's programme-wide figures are shared (`HUB_DASHBOARD_SECONDS`).
    pub dashboard_keep: std::time::Duration,
    /// How long a server holds a mail it is sending before another may take it over
    /// (`HUB_MAIL_LEASE_SECONDS`): after a server died mid-send.
    pub mail_lease: std::time::Duration,
}

impl Config {
    /// Where the data lives, as the database layer takes it.
    pub fn db_target(&self) -> app::db::Target {
        app::db::Target {
            endpoint: self.db_endpoint.clone(),
            credentials: self.db_credentials.clone().map(|(user, pass)| (user, pass.0)),
            namespace: self.db_namespace.clone(),
            database: self.db_database.clone(),
            memory_mb: Some(self.db_memory_mb),
        }
    }
}

/// The embedded store's memory budget when `HUB_DB_MEMORY_MB` is not set: with the app's own
/// few tens of MiB, a server fits a 512 MiB unit (`docs/DEPLOY.md`).
pub const DEFAULT_DB_MEMORY_MB: u64 = 256;

pub const HELP: &str = "\
Secondment Hub server

USAGE:
    server [--help]           serve the app
    server backup FILE        write a backup (database and uploaded files) to FILE,
                              through the running server when there is one
    server restore FILE       load a backup into an empty database and files folder
    server generate [--years N] [--seed N] [--scale F] [--force]
                              fill a database with generated years of a programme

Configuration is read from environment variables:

    HUB_ADDR         Listen address.                          default 127.0.0.1:3000
    HUB_DB           SurrealDB endpoint: surrealkv://PATH (embedded, on disk),
                     mem:// (in memory, lost at exit) or ws://HOST:PORT (server).
                                                              default surrealkv://data/hub.db
    HUB_DB_USER      Root user for a ws:// SurrealDB server.  default none
    HUB_DB_PASS      Its password.                            default none
    HUB_DB_NAMESPACE The namespace on that server (made if missing). default hub
    HUB_DB_DATABASE  The database in it (made if missing).    default hub
    HUB_DB_MEMORY_MB The embedded store's memory in MiB: a quarter buffers writes
                     (one transaction must fit), the rest caches what was read.
                     From 32 to 65536; with surrealkv:// only.   default 256
    HUB_PUBLIC_URL   Base URL used in links; https makes cookies Secure.
                                                              default http://HUB_ADDR
    HUB_DEMO         1 seeds demo data into an empty database. default 0
    HUB_DEMO_YEARS   Years of programme history the demo adds. default 2 (0: the story alone)
    HUB_LOG          Log filter (tracing syntax).             default info,surrealdb=warn,surrealkv=warn
    HUB_LOG_FORMAT   text or json.                            default text
    HUB_SMTP_URL     SMTP server for outgoing mail: smtp://HOST:PORT,
                     smtp://USER:PASS@HOST:587?tls=required or smtps://USER:PASS@HOST:465.
                     Without it, mail is kept in the outbox (see the mail log).
                                                              default none
    HUB_MAIL_FROM    Sender of outgoing mail.                 default Secondment Hub <no-reply@HOST>
    HUB_FILES_DIR    Folder for uploaded documents.           default data/files
    HUB_OPERATOR_TOKEN  File where the running server keeps the token that
                     `server backup` presents to it (made at each start, mode 600).
                                                              default data/operator.token
    HUB_TIMEZONE     The office's time zone (IANA name): what \"today\" is for
                     start dates, due dates and reminders.    default Asia/Bangkok
    HUB_TODAY        YYYY-MM-DD: run a demo or test server on this office date.
                     Only together with HUB_DEMO=1.           default none (the real date)
    HUB_TRUSTED_PROXIES  Reverse proxies in front of the server, as address ranges
                     (10.0.0.0/8, 127.0.0.1, ...), comma-separated. Only from these is
                     X-Forwarded-For believed as the client's address.
                                                              default none
    HUB_REPORTING_CURRENCY  The currency agreements' figures are also shown in, at the
                     latest rate on or before the day shown.  default USD
    HUB_DASHBOARD_SECONDS  How long the coordinators' dashboard reuses its programme-wide
                     figures (shared by all RSO staff; 0: made for every page). default 5
    HUB_MAIL_LEASE_SECONDS  How long a server holds a mail it is sending before another
                     server may take it over (when the first died mid-send); longer
                     than the slowest SMTP send.                  default 120
    HUB_IATI_ORG_ID  The Regional Support Office's IATI organisation identifier,
                     used in the IATI export.                 default XX-RSO-SECONDMENTS
    HUB_RETENTION_YEARS  Years after a placement ends before the officer's and the
                     supervisor's personal data are removed from it.   default 7
    HUB_RETENTION_REJECTED_YEARS  Years after a nomination is rejected or withdrawn
                     before the officer's personal data are removed.   default 2
";

impl Config {
    /// Reads the configuration through `get` (the process environment in `main`).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let value = |key: &str| get(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let addr_text = value("HUB_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr =
            addr_text.parse().map_err(|_| format!("HUB_ADDR: '{addr_text}' is not an address like 127.0.0.1:3000"))?;
        let db_endpoint = value("HUB_DB").unwrap_or_else(|| "surrealkv://data/hub.db".into());
        let known = ["mem://", "surrealkv://", "ws://", "wss://"];
        if !known.iter().any(|scheme| db_endpoint.starts_with(scheme)) {
            return Err(format!("HUB_DB: '{db_endpoint}' must start with mem://, surrealkv://, ws:// or wss://"));
        }
        let db_credentials = match (value("HUB_DB_USER"), value("HUB_DB_PASS")) {
            (Some(user), Some(pass)) => Some((user, Secret(pass))),
            (None, None) => None,
            _ => return Err("HUB_DB_USER and HUB_DB_PASS go together: set both or neither".into()),
        };
        let name = |key: &str| -> Result<String, String> {
            let text = value(key).unwrap_or_else(|| "hub".into());
            let fine = text.len() <= 64
                && text.starts_with(|c: char| c.is_ascii_alphabetic())
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if fine {
                Ok(text)
            } else {
                Err(format!("{key}: '{text}' should be letters, digits and '_', starting with a letter"))
            }
        };
        let (db_namespace, db_database) = (name("HUB_DB_NAMESPACE")?, name("HUB_DB_DATABASE")?);
        let public_url = value("HUB_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(format!("HUB_PUBLIC_URL: '{public_url}' must start with http:// or https://"));
        }
        let demo = match value("HUB_DEMO").as_deref() {
            None | Some("0") | Some("false") | Some("no") => false,
            Some("1") | Some("true") | Some("yes") => true,
            Some(other) => return Err(format!("HUB_DEMO: '{other}' should be 1 or 0")),
        };
        let demo_years = match value("HUB_DEMO_YEARS") {
            None => DEFAULT_DEMO_YEARS,
            Some(text) => match text.trim().parse::<u32>() {
                Ok(years) if years <= 10 => years,
                _ => return Err(format!("HUB_DEMO_YEARS: '{text}' should be a number of years from 0 to 10")),
            },
        };
        let log_json = match value("HUB_LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => return Err(format!("HUB_LOG_FORMAT: '{other}' should be text or json")),
        };
        let smtp_url = match value("HUB_SMTP_URL") {
            None => None,
            Some(url) => {
                check_smtp_url(&url)?;
                Some(Secret(url))
            }
        };
        let mail_from_text = value("HUB_MAIL_FROM").unwrap_or_else(|| default_sender(&public_url));
        let mail_from = mail_from_text.parse::<lettre::message::Mailbox>().map_err(|_| {
            format!("HUB_MAIL_FROM: '{mail_from_text}' is not an address like Secondment Hub <no-reply@hub.example>")
        })?;
        let files_dir = value("HUB_FILES_DIR").unwrap_or_else(|| "data/files".into()).into();
        let operator_token_file = value("HUB_OPERATOR_TOKEN").unwrap_or_else(|| "data/operator.token".into()).into();
        let timezone = app::clock::Clock::parse_zone(
            &value("HUB_TIMEZONE").unwrap_or_else(|| app::clock::DEFAULT_TIMEZONE.into()),
        )
        .map_err(|e| format!("HUB_TIMEZONE: {e}"))?;
        let today = match value("HUB_TODAY") {
            None => None,
            Some(_) if !demo => {
                return Err("HUB_TODAY moves the office clock and is allowed only with HUB_DEMO=1".into())
            }
            Some(text) => Some(
                chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                    .map_err(|_| format!("HUB_TODAY: '{text}' is not a date like 2027-03-15"))?,
            ),
        };
        let trusted_proxies = app::net::Cidr::parse_list(&value("HUB_TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| format!("HUB_TRUSTED_PROXIES: {e}"))?;
        let iati_org_id = value("HUB_IATI_ORG_ID").unwrap_or_else(|| app::state::DEFAULT_IATI_ORG_ID.into());
        if iati_org_id.chars().any(|c| c.is_whitespace() || c == '<' || c == '&') {
            return Err(format!(
                "HUB_IATI_ORG_ID: '{iati_org_id}' is not an organisation identifier like XM-DAC-12345"
            ));
        }
        let reporting_currency =
            app::domain::Currency::parse(&value("HUB_REPORTING_CURRENCY").unwrap_or_else(|| "USD".into()))
                .map_err(|e| format!("HUB_REPORTING_CURRENCY: {e}"))?
                .code()
                .to_string();
        let years = |name: &str, default: u32| match value(name) {
            None => Ok(default),
            Some(text) => app::privacy::rules::Retention::parse_years(&text).map_err(|e| format!("{name}: {e}")),
        };
        let defaults = app::privacy::rules::Retention::default();
        let retention = app::privacy::rules::Retention {
            placement_years: years("HUB_RETENTION_YEARS", defaults.placement_years)?,
            rejected_years: years("HUB_RETENTION_REJECTED_YEARS", defaults.rejected_years)?,
        };
        let dashboard_text = value("HUB_DASHBOARD_SECONDS").unwrap_or_else(|| "5".into());
        let dashboard_keep =
            dashboard_text.parse::<u64>().ok().filter(|s| *s <= 3600).map(std::time::Duration::from_secs).ok_or_else(
                || format!("HUB_DASHBOARD_SECONDS: '{dashboard_text}' is not a number of seconds from 0 to 3600"),
            )?;
        let memory_text = value("HUB_DB_MEMORY_MB").unwrap_or_else(|| DEFAULT_DB_MEMORY_MB.to_string());
        let db_memory_mb = memory_text
            .parse::<u64>()
            .ok()
            .filter(|mb| (32..=65536).contains(mb))
            .ok_or_else(|| format!("HUB_DB_MEMORY_MB: '{memory_text}' is not a number of MiB from 32 to 65536"))?;
        let lease_text = value("HUB_MAIL_LEASE_SECONDS").unwrap_or_else(|| "120".into());
        let mail_lease = lease_text
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=3600).contains(s))
            .map(std::time::Duration::from_secs)
            .ok_or_else(|| {
                format!("HUB_MAIL_LEASE_SECONDS: '{lease_text}' is not a number of seconds from 1 to 3600")
            })?;
        Ok(Config {
            mail_lease,
            dashboard_keep,
            reporting_currency,
            retention,
            iati_org_id,
            trusted_proxies,
            timezone,
            today,
            files_dir,
            operator_token_file,
            smtp_url,
            mail_from,
            addr,
            db_endpoint,
            db_credentials,
            db_namespace,
            db_database,
            db_memory_mb,
            public_url: public_url.trim_end_matches('/').to_string(),
            demo,
            demo_years,
            log_filter: value("HUB_LOG").unwrap_or_else(|| "info,surrealdb=warn,surrealkv=warn".into()),
            log_json,
        })
    }
}

/// Refuses an SMTP URL that cannot be used, naming the variable but not repeating the URL (it
/// may carry a password).
fn check_smtp_url(url: &str) -> Result<(), String> {
    if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
        return Err("HUB_SMTP_URL must start with smtp:// or smtps://".into());
    }
    app::notifications::worker::check_url(url)
}

fn default_sender(public_url: &str) -> String {
    let host = public_url.split("://").nth(1).unwrap_or("").split(['/', ':']).next().unwrap_or("");
    let host = if host.chars().any(|c| c.is_ascii_alphabetic()) && host.contains('.') { host } else { "localhost" };
    format!("Secondment Hub <no-reply@{host}>")
}

#[cfg(test)]
mod tests;
