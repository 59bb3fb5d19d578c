//! argon2id password hashing, off the async runtime.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::error::AppError;

/// m = 19456 KiB, t = 2, p = 1 (the OWASP baseline for argon2id).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string for a new password.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal("password hash", e))
    })
    .await
    .map_err(|e| AppError::internal("password hash task", e))?
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
/// Returns true only for a stored hash that matches.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let (phc, real) = match stored {
            Some(phc) => (phc, true),
            None => (dummy_hash().to_string(), false),
        };
        let ok = hasher().verify_password(password.as_bytes(), phc.as_str()).is_ok();
        ok && real
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_that_verify() {
        let phc = hash("correct horse battery".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery".into(), Some(phc.clone())).await);
        assert!(!verify("wrong horse battery".into(), Some(phc)).await);
        assert!(!verify("anything at all".into(), None).await);
    }
}
