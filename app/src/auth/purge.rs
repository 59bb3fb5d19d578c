//! What signing in leaves behind that nobody will read again: throttle counts whose hour has
//! ended, expired sessions, second steps and passkey ceremonies never finished, sign-ins older
//! than the history keeps, and account links long expired. Removed by the scheduler's daily work, so that callers who
//! never sign in (or never come back) cannot grow these tables for good.

use crate::db;
use crate::error::AppError;
use crate::state::AppState;

pub async fn run(state: &AppState) -> Result<(), AppError> {
    let statements = [
        super::attempts::PURGE_ENDED,
        super::session::PURGE_EXPIRED,
        super::signin::PURGE_PENDING,
        super::passkeys_service::PURGE,
        super::signin::PURGE_HISTORY,
        super::tokens::PURGE_EXPIRED,
    ]
    .concat();
    db::write(state, &statements, vec![]).await
}
