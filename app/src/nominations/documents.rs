//! A nomination's documents (see `crate::attachments`): its sending agency's nominators attach,
//! replace and remove them while it is a draft or has changes requested; whoever may see the
//! nomination downloads them.

use crate::attachments::{actor_label, Locked, Owner};
use crate::auth::guard::Access;
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::error::AppError;

pub struct NominationDocuments;

impl Owner for NominationDocuments {
    const TABLE: &'static str = "nomination";
    const FILES: &'static str = "nomination_document";
    const WORD: &'static str = "document";
    const MAX: usize = super::files::MAX_PER_NOMINATION;
    const ACCESS: Access<'static> = super::service_access::READERS;
    const READ: crate::audit::access::ReadKind = crate::audit::access::ReadKind::NominationDocument;

    async fn lock(tx: &Tx, user: &CurrentUser, key: &str) -> Result<Locked, AppError> {
        let n = super::service::load_in(tx, user, key).await?;
        let own = user.role == Role::Nominator && user.agency.as_ref().is_some_and(|a| a.id == n.sending_agency_id);
        if !own {
            return Err(AppError::Forbidden);
        }
        if !n.state.editable() {
            return Err(AppError::Conflict(
                "Documents can be changed only while the nomination is a draft or has changes requested.".into(),
            ));
        }
        let owner = db::rid("nomination", key);
        let mut r = tx
            .run(
                "UPDATE $nomination SET updated_at = $now RETURN NONE;
                 RETURN count(SELECT id FROM nomination_document WHERE nomination = $nomination);",
                vec![("nomination", v(owner.clone()))],
            )
            .await?;
        let count: Option<i64> = r.take(1).map_err(db::fail("document count"))?;
        Ok(Locked { owner, state: n.state.as_str().to_string(), count: count.unwrap_or(0) })
    }

    async fn history(tx: &Tx, user: &CurrentUser, locked: &Locked, message: String) -> Result<(), AppError> {
        tx.run(
            "CREATE nomination_event SET nomination = $nomination, at = $now, actor = $actor, actor_label = $label,
                kind = $kind, message = $message;",
            vec![
                ("nomination", v(locked.owner.clone())),
                ("actor", v(db::rid("user", &user.id))),
                ("label", v(actor_label(user))),
                ("message", v(message)),
                ("kind", v(super::rules::NominationEventKind::Documents.as_str())),
            ],
        )
        .await
        .map(|_| ())
    }

    async fn may_read(tx: &Tx, user: &CurrentUser, key: &str) -> Result<(), AppError> {
        super::service::load_in(tx, user, key).await.map(|_| ())
    }
}
