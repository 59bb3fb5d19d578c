//! The server binary: reads the configuration, starts the database and serves the app until
//! SIGTERM or Ctrl-C.

use std::net::SocketAddr;

use server::{config, Config};

/// mimalloc rather than glibc's allocator. The store decodes every row it reads into many small
/// allocations; measured on ten years of data, glibc's malloc and free were a quarter of the
/// server's time on a list page, and its per-thread arenas held memory after load (peak RSS
/// 665 MB under 16 clients). With mimalloc the same page took 19 instead of 31 ms, and the peak
/// was 352 MB. It also hands argon2's 19 MiB blocks back after each sign-in.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{}", config::HELP);
        return;
    }
    let config = match Config::from_lookup(|k| std::env::var(k).ok()) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("configuration error: {message}\n\n{}", config::HELP);
            std::process::exit(2);
        }
    };
    init_logging(&config);

    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("generate") {
        let outcome = server::generate::parse(&args[1..]);
        let outcome = match outcome {
            Ok((plan, force)) => server::generate::run(&config, plan, force).await,
            Err(message) => Err(format!("{message}\n{}", server::generate::USAGE)),
        };
        if let Err(message) = outcome {
            eprintln!("{message}");
            std::process::exit(1);
        }
        return;
    }

    if let Some(command @ ("backup" | "restore")) = args.first().map(String::as_str) {
        let Some(file) = args.get(1).filter(|_| args.len() == 2) else {
            eprintln!("{}", server::backup::USAGE);
            std::process::exit(2);
        };
        let file = std::path::Path::new(file);
        let done = if command == "backup" {
            server::backup::backup_command(&config, file).await
        } else {
            server::backup::restore_command(&config, file).await
        };
        match done {
            Ok(summary) => println!("{command} of {}: {summary}", file.display()),
            Err(message) => {
                eprintln!("{command} failed: {message}");
                std::process::exit(1);
            }
        }
        return;
    }

    let state = match server::start_database(&config).await {
        Ok(state) => state,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("start-up failed: {message}");
            std::process::exit(1);
        }
    };
    let (stop_mail, mut mail_stopped) = tokio::sync::watch::channel(false);
    let worker = match server::start_mail_worker(&config, &state, async move {
        let _ = mail_stopped.changed().await;
    }) {
        Ok(worker) => worker,
        Err(message) => {
            eprintln!("start-up failed: {message}");
            std::process::exit(2);
        }
    };
    // The daily placement moves: at start (catching up after downtime), then every few minutes.
    let mut scheduler_stopped = stop_mail.subscribe();
    let scheduler = tokio::spawn(app::placements::scheduler::run_forever(state.clone(), async move {
        let _ = scheduler_stopped.changed().await;
    }));
    let mut watch_stopped = stop_mail.subscribe();
    let (db, endpoint) = (state.db.clone(), config.db_endpoint.clone());
    tokio::spawn(async move {
        server::watch_database(db, &endpoint, async move {
            let _ = watch_stopped.changed().await;
        })
        .await
    });
    if let Err(message) = server::backup::install_token(&config.operator_token_file) {
        eprintln!("start-up failed: {message}");
        std::process::exit(2);
    }
    let operations = server::backup::routes(state.clone(), config.operator_token_file.clone());
    let app = server::router(state, server::leptos_options(&config)).merge(operations);
    let listener = match tokio::net::TcpListener::bind(config.addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("HUB_ADDR: cannot listen on {}: {error}", config.addr);
            std::process::exit(1);
        }
    };
    tracing::info!(url = %config.public_url, database = %database_kind(&config.db_endpoint), "Secondment Hub listening");
    println!("Secondment Hub is running at {}", config.public_url);
    if config.demo {
        println!("Demo logins (password demo-password-1):");
        for (email, role) in app::demo::seed::DEMO_LOGINS {
            println!("  {role:<12} {email}");
        }
    }
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await;
    let _ = stop_mail.send(true);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), scheduler).await;
    if let Some(worker) = worker {
        // Let a send in flight finish; a mail cut off here is retried by the next start.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), worker).await;
    }
    if let Err(error) = served {
        tracing::error!(%error, "server error");
        std::process::exit(1);
    }
    tracing::info!("shut down cleanly");
}

/// The scheme only: a ws:// endpoint may carry a host name we need not log.
fn database_kind(endpoint: &str) -> &str {
    endpoint.split("://").next().unwrap_or("unknown")
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_json {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested");
}
