//! Test harness: the whole app on its own in-memory SurrealDB, served on a free loopback port.

#![allow(dead_code)]

use std::net::SocketAddr;

use app::state::AppState;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::{Client, Response, StatusCode};
use server::Config;

pub const DEMO_PASSWORD: &str = "demo-password-1";

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    /// The configuration it was started with (its address, database, files folder).
    pub config: Config,
}

impl TestApp {
    /// Starts the app with the demo data (so every role has a login).
    pub async fn start() -> TestApp {
        TestApp::start_with(&[]).await
    }

    /// Like [`TestApp::start`], with more configuration (`HUB_*` variables).
    pub async fn start_with(settings: &[(&str, &str)]) -> TestApp {
        // Errors logged by the app show with the failing test's output. A mail that could not
        // go yet is left out: the mail tests make hundreds on purpose, and they would bury the
        // failing assertion.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn,app::notifications::worker=error")
            .with_test_writer()
            .try_init();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let public_url = format!("http://{addr}");
        let given = |key: &str| settings.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string());
        // A number of its own, not the port: a port comes round again once an earlier test has
        // ended, while that test's store may still hold its folder's lock and its files folder
        // still holds its uploads (which a later test counting files would find).
        static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let number = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let files = std::env::temp_dir().join(format!("hub-test-files-{}-{number}", std::process::id()));
        // Left by an earlier run whose process had the same id.
        let _ = std::fs::remove_dir_all(&files);
        let target = test_target(&format!("app{number}"));
        // A test that names its own database (an embedded one on disk) gets none of the server's.
        let own_database = given("HUB_DB").is_some();
        let config = Config::from_lookup(|key| match key {
            _ if given(key).is_some() => given(key),
            "HUB_DB" => Some(target.endpoint.clone()),
            "HUB_DB_USER" | "HUB_DB_PASS" | "HUB_DB_NAMESPACE" | "HUB_DB_DATABASE" if own_database => None,
            "HUB_DB_USER" => target.credentials.as_ref().map(|(user, _)| user.clone()),
            "HUB_DB_PASS" => target.credentials.as_ref().map(|(_, pass)| pass.clone()),
            "HUB_DB_NAMESPACE" => Some(target.namespace.clone()),
            "HUB_DB_DATABASE" => Some(target.database.clone()),
            "HUB_DEMO" => Some("1".into()),
            // The demo's story alone: each test knows its records.
            "HUB_DEMO_YEARS" => Some("0".into()),
            "HUB_ADDR" => Some(addr.to_string()),
            "HUB_PUBLIC_URL" => Some(public_url.clone()),
            "HUB_FILES_DIR" => Some(files.to_string_lossy().into_owned()),
            "HUB_OPERATOR_TOKEN" => Some(format!("{}.token", files.to_string_lossy())),
            // Each test reads a figure right after changing it.
            "HUB_DASHBOARD_SECONDS" => Some("0".into()),
            _ => None,
        })
        .expect("test configuration");
        let state = server::start_database(&config).await.expect("database starts");
        server::backup::install_token(&config.operator_token_file).expect("operator token");
        let operations = server::backup::routes(state.clone(), config.operator_token_file.clone());
        let router = server::router(state.clone(), server::leptos_options(&config)).merge(operations);
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        TestApp { base: public_url, state, config }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client like a script: keeps cookies, does not follow redirects, asks for JSON.
    pub fn client(&self) -> Client {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap()
    }

    /// A client like a browser without JavaScript: asks for HTML.
    pub fn browser(&self) -> Client {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("text/html,application/xhtml+xml"));
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap()
    }

    pub async fn post(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(encode(form))
            .send()
            .await
            .unwrap()
    }

    /// Posts the forms all at once, each on its own task, and returns their statuses in order.
    pub async fn post_all(&self, client: &Client, path: &str, forms: Vec<Vec<(&str, String)>>) -> Vec<StatusCode> {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, form) in forms.into_iter().enumerate() {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let request = client
                .post(self.url(path))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(encode(&pairs));
            tasks.spawn(async move { (i, request.send().await.map(|r| r.status())) });
        }
        let mut answers = vec![StatusCode::IM_A_TEAPOT; tasks.len()];
        while let Some(done) = tasks.join_next().await {
            let (i, status) = done.expect("request task");
            answers[i] = status.expect("the server answers");
        }
        answers
    }

    /// Runs `n` requests at once: each on its own task, all held at one barrier until the last
    /// is ready, so they reach the server together rather than in the order they were made.
    pub async fn race<T, F, Fut>(&self, n: usize, make: F) -> Vec<T>
    where
        T: Send + 'static,
        F: Fn(usize) -> Fut,
        Fut: std::future::Future<Output = T> + Send + 'static,
    {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..n {
            let (barrier, work) = (barrier.clone(), make(i));
            tasks.spawn(async move {
                barrier.wait().await;
                (i, work.await)
            });
        }
        let mut answers: Vec<Option<T>> = (0..n).map(|_| None).collect();
        while let Some(done) = tasks.join_next().await {
            let (i, answer) = done.expect("racing task");
            answers[i] = Some(answer);
        }
        answers.into_iter().map(|a| a.expect("every task answered")).collect()
    }

    /// A POST of a form, built now and sent when awaited (for [`TestApp::race`]).
    pub fn posting(
        &self,
        client: &Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> impl std::future::Future<Output = (StatusCode, String)> + Send + 'static {
        let request =
            client.post(self.url(path)).header(CONTENT_TYPE, "application/x-www-form-urlencoded").body(encode(form));
        async move {
            let response = request.send().await.expect("the server answers");
            (response.status(), response.text().await.unwrap_or_default())
        }
    }

    /// The key of the first record a query returns (`SELECT VALUE record::id(id) …`).
    pub async fn first_key(&self, sql: &str) -> String {
        let rows = self.rows(sql).await;
        rows.as_array()
            .and_then(|a| a.first())
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| panic!("no record for {sql}"))
    }

    /// A signed-in client.
    pub async fn login(&self, email: &str, password: &str) -> Client {
        let client = self.client();
        let response = self.post(&client, "/api/login", &[("email", email), ("password", password)]).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email} failed: {}", response.text().await.unwrap());
        client
    }

    /// A signed-in client of a staff member who has no second factor yet: signs in with the
    /// password, then sets up an authenticator app as the enrolment page asks.
    pub async fn login_enrolled(&self, email: &str, password: &str) -> Client {
        let client = self.login(email, password).await;
        let view: serde_json::Value = self.post(&client, "/api/account/app/setup", &[]).await.json().await.unwrap();
        let secret = base32_decode(&view["secret"].as_str().expect("an app set-up").replace(' ', ""));
        let code = app::auth::totp::code_at(&secret, self.state.clock.now().timestamp() as u64);
        let response = self.post(&client, "/api/account/app/confirm", &[("code", &code)]).await;
        assert_eq!(response.status(), StatusCode::OK, "enrolment of {email}: {}", response.text().await.unwrap());
        client
    }

    pub async fn login_as(&self, role: &str) -> Client {
        self.login(&format!("{role}@demo.hub"), DEMO_PASSWORD).await
    }

    /// How many records a table holds.
    pub async fn count(&self, table: &str) -> i64 {
        let mut r =
            self.state.db.query(format!("RETURN count(SELECT id FROM {table})")).await.unwrap().check().unwrap();
        let n: Option<i64> = r.take(0).unwrap();
        n.unwrap_or(0)
    }

    /// Runs a query and returns the first statement's rows as JSON.
    pub async fn rows(&self, sql: &str) -> serde_json::Value {
        let mut r = self.state.db.query(sql).await.unwrap().check().unwrap();
        let value: surrealdb::types::Value = r.take(0).unwrap();
        value.into_json_value()
    }
}

/// The storage engine of the integration tests, chosen by `HUB_TEST_ENGINE`: `mem` (the
/// default) or `surrealkv`, on disk in a folder of its own under `HUB_TEST_DB_DIR` (default: the
/// system's temporary folder), which the test script removes afterwards.
pub fn test_target(name: &str) -> app::db::Target {
    match engine().as_str() {
        "mem" => app::db::Target::new("mem://"),
        "surrealkv" => {
            let root =
                std::env::var_os("HUB_TEST_DB_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
            let folder = root.join(format!("hub-test-db-{}-{name}", std::process::id()));
            // Opened as the server opens it, with a memory budget (small: many tests run at once).
            app::db::Target {
                memory_mb: Some(64),
                ..app::db::Target::new(&format!("surrealkv://{}", folder.display()))
            }
        }
        "ws" => {
            let server = SurrealServer::from_env();
            // A database of its own for each test (and each run: the process id).
            let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            app::db::Target {
                endpoint: server.endpoint,
                credentials: Some(server.credentials),
                namespace: "tests".into(),
                database: format!("t{}_{name}", std::process::id()),
                memory_mb: None,
            }
        }
        other => panic!("HUB_TEST_ENGINE={other}: expected mem, surrealkv or ws"),
    }
}

/// Opens a database of the engine under test, named for the test.
pub async fn open_test_database(name: &str) -> app::state::Db {
    app::db::connect_to(&test_target(name)).await.expect("the test database opens")
}

/// Which engine the suite runs on (`HUB_TEST_ENGINE`): mem (the default), surrealkv or ws.
pub fn engine() -> String {
    std::env::var("HUB_TEST_ENGINE").ok().filter(|e| !e.is_empty()).unwrap_or_else(|| "mem".into())
}

/// The SurrealDB server the `ws` run uses, as `scripts/test` started it.
pub struct SurrealServer {
    pub endpoint: String,
    pub credentials: (String, String),
}

impl SurrealServer {
    pub fn from_env() -> SurrealServer {
        let endpoint =
            std::env::var("HUB_TEST_DB_URL").expect("HUB_TEST_ENGINE=ws needs HUB_TEST_DB_URL (ws://HOST:PORT)");
        let user = std::env::var("HUB_TEST_DB_USER").unwrap_or_else(|_| "root".into());
        let pass = std::env::var("HUB_TEST_DB_PASS").expect("HUB_TEST_ENGINE=ws needs HUB_TEST_DB_PASS");
        SurrealServer { endpoint, credentials: (user, pass) }
    }
}

/// RFC 4648 base32 (no padding), as the enrolment page shows an app's secret.
pub fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.chars() {
        buffer = (buffer << 5) | ALPHABET.find(c).expect("base32") as u32;
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    out
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter().map(|(k, v)| format!("{}={}", pct(k), pct(v))).collect::<Vec<_>>().join("&")
}

fn pct(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The error JSON of a refused call.
pub async fn error_json(response: Response) -> serde_json::Value {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}
