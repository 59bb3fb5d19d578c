//! argon2id password hashing, off the async runtime, with a bound on how many run at once.
//!
//! Each hash takes about 19 MiB and a core for tens of milliseconds. Unbounded, a burst of sign-ins
//! would run hundreds at once (the blocking pool allows 512) and exhaust memory; so at most one
//! hash per core runs, the others wait a short while, and past that the caller is told the
//! server is busy (503 with Retry-After) rather than queued without end.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::error::AppError;

/// m = 19456 KiB, t = 2, p = 1 (the OWASP baseline for argon2id).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How long a hash may wait for its turn before the request is answered "busy".
pub const MAX_WAIT: Duration = Duration::from_secs(10);

/// Hashes that may run at once: one per core.
fn hashers() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(hashers()))
}

type Job = Box<dyn FnOnce() + Send>;

/// The threads that hash, one per core, started on first use. Hashing on a few long-lived
/// threads rather than the runtime's blocking pool matters for memory: the allocator keeps a
/// freed 19 MiB block for the thread (arena) that used it, so hundreds of short-lived blocking
/// threads would each keep one (measured: 1 GB resident after 600 sign-ins at once), while
/// these few reuse theirs.
fn hashing_threads() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<Job>> {
    static JOBS: OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> = OnceLock::new();
    JOBS.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..hashers() {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new().name(format!("argon2-{n}")).spawn(move || loop {
                let job = match receiver.lock() {
                    Ok(receiver) => receiver.recv(),
                    Err(_) => return,
                };
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            });
            if let Err(error) = spawned {
                tracing::error!(%error, "password hashing thread could not start");
            }
        }
        std::sync::Mutex::new(sender)
    })
}

/// Runs `work` on a hashing thread and waits for its answer.
async fn on_hashing_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = answer.send(work());
    });
    hashing_threads()
        .lock()
        .map_err(|_| AppError::internal("password hash", "hashing threads poisoned"))?
        .send(job)
        .map_err(|_| AppError::internal("password hash", "hashing threads stopped"))?;
    answered.await.map_err(|_| AppError::internal("password hash", "hashing thread dropped the job"))
}

/// Waits for a turn to hash, or answers busy after [`MAX_WAIT`].
async fn turn() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    match tokio::time::timeout(MAX_WAIT, permits().acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(_)) => Err(AppError::internal("password hash", "semaphore closed")),
        Err(_) => {
            tracing::warn!("password hashing saturated; answering busy");
            Err(AppError::Busy)
        }
    }
}

/// A PHC string for a new password.
pub async fn hash(password: String) -> Result<String, AppError> {
    let _turn = turn().await?;
    on_hashing_thread(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal("password hash", e))
    })
    .await?
}

/// A valid hash of a random password, to verify against when the account does not exist, so
/// that an unknown e-mail costs as much time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let random: String = super::session::new_token();
        hasher().hash_password(random.as_bytes()).map(|h| h.to_string()).unwrap_or_default()
    })
}

/// Verifies `password` against `stored`, or against a dummy hash when there is none.
/// Returns true only for a stored hash that matches; `Busy` when no turn came in time.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let _turn = turn().await?;
    let checked = on_hashing_thread(move || {
        let (phc, real) = match stored {
            Some(phc) => (phc, true),
            None => (dummy_hash().to_string(), false),
        };
        let ok = hasher().verify_password(password.as_bytes(), phc.as_str()).is_ok();
        ok && real
    })
    .await?;
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_that_verify() {
        let phc = hash("correct horse battery".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery".into(), Some(phc.clone())).await.unwrap());
        assert!(!verify("wrong horse battery".into(), Some(phc)).await.unwrap());
        assert!(!verify("anything at all".into(), None).await.unwrap());
    }
}
