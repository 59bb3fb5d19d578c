//! The Secondment Hub server: configuration, database start-up, the axum router with its
//! middleware, and the operational endpoints. The application itself lives in the `app` crate.

pub mod backup;
pub mod config;
pub mod generate;
pub mod middleware;

use std::sync::Arc;

use app::attachments;
use app::clock::Clock;
use app::nominations::documents::NominationDocuments;
use app::reports::documents::ReportFiles;
use app::state::{AppState, Settings};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};

pub use config::Config;

/// The state the router needs: the application's, and Leptos's options.
#[derive(Clone, axum::extract::FromRef)]
pub struct ServerState {
    pub app: AppState,
    pub leptos: LeptosOptions,
}

/// Connects the database, applies migrations and, when asked, seeds the demo data.
pub async fn start_database(config: &Config) -> Result<AppState, String> {
    let db = app::db::connect_to(&config.db_target())
        .await
        .map_err(|e| format!("HUB_DB: cannot open {}: {e}", config.db_endpoint))?;
    app::db::migrations::apply(&db).await.map_err(|e| format!("database migration failed: {e}"))?;
    let mut settings = Settings::new(&config.public_url);
    settings.smtp_configured = config.smtp_url.is_some();
    settings.files_dir = config.files_dir.clone();
    settings.trusted_proxies = config.trusted_proxies.clone();
    settings.iati_org_id = config.iati_org_id.clone();
    settings.reporting_currency = config.reporting_currency.clone();
    settings.retention = config.retention;
    app::cache::set_keep(config.dashboard_keep);
    let clock = Clock::system(config.timezone);
    if let Some(today) = config.today {
        clock.set_today(today);
        tracing::warn!(
            %today,
            timezone = %config.timezone,
            "HUB_TODAY is set: this demo server's office clock is moved to {today}; dates and reminders follow it"
        );
    }
    settings.key = app::auth::key_store::load_or_create(&db, clock.now()).await?;
    if config.demo {
        settings.second_factor_exempt =
            app::demo::seed::DEMO_LOGINS.iter().map(|(email, _)| email.to_string()).collect();
        tracing::warn!(
            "HUB_DEMO=1: the six demo logins may sign in without a second factor; every other administrator and \
             coordinator must set one up"
        );
    }
    let state = AppState::new(db, settings, clock);
    if config.demo {
        demo_data(&state, config.demo_years).await.map_err(|e| format!("demo data: {e}"))?;
    }
    Ok(state)
}

/// The scale of the demo's generated history: about 40 nominations a year across the demo's
/// members, with their placements, reports, money, audit and mail.
const DEMO_SCALE: f64 = 0.02;

/// Fills an empty database with the demo: its story (the six logins and their records) and,
/// unless `years` is 0, that many years of a programme generated around it. A database that
/// has data is left as it is.
async fn demo_data(state: &AppState, years: u32) -> Result<(), app::error::AppError> {
    if years == 0 || !app::demo::generate::is_empty(state).await? {
        return app::demo::seed::seed_if_empty(state).await.map(|_| ());
    }
    let plan = app::demo::generate::Plan { years, seed: 1, scale: DEMO_SCALE };
    let written = app::demo::generate::run(state, plan, false, &|step| tracing::info!("demo history: {step}")).await?;
    tracing::info!(nominations = written.get("nomination").copied().unwrap_or(0), years, "demo history generated");
    Ok(())
}

/// Starts the mail delivery worker when an SMTP server is configured. It stops when `stop`
/// completes. Returns its task, or `None` without SMTP (mail then waits in the outbox).
pub fn start_mail_worker(
    config: &Config,
    state: &AppState,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Option<tokio::task::JoinHandle<()>>, String> {
    use app::notifications::worker::{transport, Worker, WorkerSettings};
    let Some(url) = &config.smtp_url else {
        tracing::warn!("HUB_SMTP_URL is not set: e-mail stays in the outbox (see the mail log)");
        return Ok(None);
    };
    let transport = transport(&url.0, 4)?;
    let domain = config.mail_from.email.domain().to_string();
    let mut settings = WorkerSettings::new(config.mail_from.clone(), &domain);
    settings.lease = config.mail_lease;
    let worker = Worker::new(state.clone(), transport, settings);
    Ok(Some(tokio::spawn(worker.run(stop))))
}

/// Leptos's options, set from our configuration rather than from cargo-leptos's environment
/// so that the binary behaves the same however it was started.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    LeptosOptions::builder()
        .output_name(Arc::<str>::from("hub"))
        .site_root(Arc::<str>::from(site_root))
        .site_pkg_dir(Arc::<str>::from("pkg"))
        .site_addr(config.addr)
        .hash_files(assets_are_hashed())
        .build()
}

/// Whether the build gave the site's files hashed names: it then leaves `hash.txt` (the
/// hashes) beside the server binary, where Leptos reads it to name them in each page.
pub fn assets_are_hashed() -> bool {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").is_file())).unwrap_or(false)
}

/// The built assets under `/pkg`: the precompressed `.br` or `.gz` file where the build made one
/// and the browser takes it, and, when the names carry their content's hash, a year in every
/// cache (a new build has new names), so a repeat visit fetches only the page.
fn assets(pkg_dir: String) -> Router<ServerState> {
    let files = tower_http::services::ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip();
    let caching = if assets_are_hashed() { "public, max-age=31536000, immutable" } else { "no-cache" };
    // Only a file found is kept: a missing one may exist after the next deployment.
    let cache = move |mut response: axum::response::Response| async move {
        if response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED {
            let value = axum::http::HeaderValue::from_static(caching);
            response.headers_mut().insert(axum::http::header::CACHE_CONTROL, value);
        }
        response
    };
    Router::new().fallback_service(files).layer(axum::middleware::map_response(cache))
}

/// The whole application router.
pub fn router(state: AppState, options: LeptosOptions) -> Router {
    let routes = generate_route_list(app::App);
    let context_state = state.clone();
    let fallback_state = state.clone();
    let fallback_options = options.clone();
    let shell_options = options.clone();
    let secure = state.settings.secure_cookies;
    let site = middleware::Site {
        scheme: if secure { "https" } else { "http" },
        session_cookie: app::auth::session::cookie_name(secure),
    };
    let db = state.db.clone();
    let server_state = ServerState { app: state, leptos: options };
    let leptos = Router::<ServerState>::new()
        .leptos_routes_with_context(
            &server_state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_context(app::auth::guard::RequestUser::default());
            },
            move || app::shell(shell_options.clone()),
        )
        .route("/export/{file}", get(export))
        .route("/export/iati/{file}", get(app::funding::service::iati::handler))
        .route("/calendar/{file}", get(app::calendar::service::handler))
        .route("/documents/{id}", get(attachments::download::<NominationDocuments>))
        .route(
            "/nominations/{id}/documents/{doc}/remove",
            axum::routing::post(attachments::remove::<NominationDocuments>),
        )
        .route("/reports/documents/{id}", get(attachments::download::<ReportFiles>))
        .route(app::privacy::OWN_COPY, get(app::privacy::handlers::own))
        .route(app::privacy::handlers::COPY_ACTION, axum::routing::post(app::privacy::handlers::for_person))
        .route("/reports/{id}/documents/{doc}/remove", axum::routing::post(attachments::remove::<ReportFiles>))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        // Built assets: a missing file is a plain 404, never a page.
        .nest("/pkg", assets(format!("{}/pkg", fallback_options.site_root)))
        // Other unknown paths: a file of the public folder, or the "page not found" page, which
        // needs the same context as every page.
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
            move || {
                provide_context(fallback_state.clone());
                provide_context(app::auth::guard::RequestUser::default());
            },
            app::shell,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(middleware::MAX_BODY_BYTES));
    // Uploads have their own, larger limit; the handler also stops reading past 10 MB.
    let uploads = Router::<ServerState>::new()
        .route("/nominations/{id}/documents", axum::routing::post(attachments::upload::<NominationDocuments>))
        .route("/nominations/{id}/documents/{doc}", axum::routing::post(attachments::replace::<NominationDocuments>))
        .route("/reports/{id}/documents", axum::routing::post(attachments::upload::<ReportFiles>))
        .route("/reports/{id}/documents/{doc}", axum::routing::post(attachments::replace::<ReportFiles>))
        .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(UPLOAD_BODY_BYTES));
    middleware::wrap(leptos.merge(uploads).with_state(server_state), site, db)
}

/// The hard cap of an upload request. The handler itself stops reading a file past 10 MB and
/// answers with a message at the field; this cap only stops absurd requests.
const UPLOAD_BODY_BYTES: usize = 64 * 1024 * 1024;

async fn export(
    State(state): State<AppState>,
    path: axum::extract::Path<String>,
    query: axum::extract::Query<std::collections::HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    app::admin::export::handler(State(state), path, query, headers).await
}

/// Ready when the database answers.
/// How long `/readyz` waits for the database. A SurrealDB server that has gone away may leave
/// a query waiting for a reconnection rather than failing it; a load balancer's health check
/// needs its answer at once.
const READY_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.db.probe(READY_PATIENCE).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// How often the database of a `ws://` deployment is probed, and how long a probe waits.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(500);
const WATCH_PATIENCE: std::time::Duration = std::time::Duration::from_millis(1500);

/// Keeps [`app::state::Db::is_answering`] current for a database on a server, so that while it
/// is away requests are answered "service unavailable" at once (see `middleware`), and stops
/// with `stop`. An embedded database cannot go away: nothing to watch.
pub async fn watch_database(db: app::state::Db, endpoint: &str, stop: impl std::future::Future<Output = ()>) {
    if !(endpoint.starts_with("ws://") || endpoint.starts_with("wss://")) {
        return;
    }
    tokio::pin!(stop);
    loop {
        let was = db.is_answering();
        match db.probe(WATCH_PATIENCE).await {
            Ok(()) if !was => tracing::info!("the database answers again"),
            Err(error) if was => {
                tracing::error!(%error, "the database does not answer; requests get 503 until it does")
            }
            _ => {}
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(WATCH_EVERY) => {}
        }
    }
}
