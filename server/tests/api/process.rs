//! Real server processes for the tests that need them (crash durability, several app servers,
//! a SurrealDB server restart): started from the built binary with a clean environment, ready
//! once `/readyz` says so, killed with SIGKILL.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::Client;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hub-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One app server process (the real binary), on a port of its own.
pub struct AppProcess {
    child: std::process::Child,
    pub base: String,
    pub port: u16,
    env: Vec<(String, String)>,
    log: PathBuf,
}

impl AppProcess {
    /// The environment of a server on `database` with the demo logins and no demo history,
    /// files under `dir`, plus `extra`.
    pub fn demo_env(database: String, dir: &std::path::Path, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut env = vec![
            ("HUB_DB".to_string(), database),
            ("HUB_FILES_DIR".to_string(), dir.join("files").display().to_string()),
            ("HUB_DEMO".to_string(), "1".to_string()),
            ("HUB_DEMO_YEARS".to_string(), "0".to_string()),
            ("HUB_LOG".to_string(), "warn".to_string()),
        ];
        for (name, value) in extra {
            env.retain(|(n, _)| n != name);
            env.push((name.to_string(), value.to_string()));
        }
        env
    }

    pub async fn start(name: &str, dir: &std::path::Path, env: &[(String, String)]) -> AppProcess {
        let port = free_port();
        let log = dir.join(format!("{name}.log"));
        let mut env = env.to_vec();
        env.push(("HUB_ADDR".into(), format!("127.0.0.1:{port}")));
        env.push(("HUB_OPERATOR_TOKEN".into(), dir.join(format!("{name}.token")).display().to_string()));
        let child = spawn(&env, &log);
        let process = AppProcess { child, base: format!("http://127.0.0.1:{port}"), port, env, log };
        process.ready().await
    }

    async fn ready(mut self) -> AppProcess {
        let probe = Client::new();
        for _ in 0..600 {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited ({status}); see {}", self.log.display());
            }
            let ready = probe.get(format!("{}/readyz", self.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return self;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = self.child.kill();
        panic!("not ready within a minute; see {}", self.log.display());
    }

    /// SIGKILL (no shutdown at all) and a new process on the same port and settings.
    pub async fn kill_and_restart(mut self) -> AppProcess {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
        self.child = spawn(&self.env, &self.log);
        self.ready().await
    }

    /// What the server has printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The server's resident memory now, in KiB (Linux).
    pub fn resident_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for AppProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(env: &[(String, String)], log: &std::path::Path) -> std::process::Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("the server binary starts")
}

/// Waits (up to `seconds`) until `check` holds.
pub async fn until<F, Fut>(seconds: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}: not within {seconds} s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
