//! A report's files (see `crate::attachments`): the author attaches them while the report is
//! owed (the same rules as nomination documents: PDF, PNG or JPEG, at most 10 MB, at most
//! five), and may remove or replace one until it has been sent: a file that went with a
//! submitted version stays, as that version was read with it. Whoever may read the report may
//! download them.

use super::rules::ReportEventKind;
use crate::attachments::{actor_label, Locked, Owner};
use crate::auth::guard::Access;
use crate::auth::CurrentUser;
use crate::db::{self, v, Tx};
use crate::error::AppError;

pub struct ReportFiles;

impl Owner for ReportFiles {
    const TABLE: &'static str = "report";
    const FILES: &'static str = "report_document";
    const WORD: &'static str = "file";
    const MAX: usize = crate::nominations::files::MAX_PER_NOMINATION;
    const ACCESS: Access<'static> = Access::Roles(super::READERS);
    const READ: crate::audit::access::ReadKind = crate::audit::access::ReadKind::ReportFile;
    const SENT_WITH: Option<&'static str> =
        Some("(SELECT VALUE version FROM report_version WHERE report = $owner AND $doc IN documents)");

    async fn lock(tx: &Tx, user: &CurrentUser, key: &str) -> Result<Locked, AppError> {
        let row = super::service::load_in(tx, user, key).await?;
        if !super::service::is_author(user, &row) {
            return Err(AppError::Forbidden);
        }
        if !row.state()?.is_owed() {
            return Err(AppError::Conflict("Files are attached while the report is being written.".into()));
        }
        let mut r = tx
            .run(
                "UPDATE $id SET updated_at = $now RETURN NONE;
                 RETURN count(SELECT id FROM report_document WHERE report = $id);",
                vec![("id", v(row.id.clone()))],
            )
            .await?;
        let count: Option<i64> = r.take(1).map_err(db::fail("report files count"))?;
        Ok(Locked { owner: row.id, state: row.state, count: count.unwrap_or(0) })
    }

    async fn history(tx: &Tx, user: &CurrentUser, locked: &Locked, message: String) -> Result<(), AppError> {
        tx.run(
            "CREATE report_event SET report = $report, at = $now, actor = $actor, actor_label = $label, kind = $kind,
                from_state = $state, to_state = $state, note = $message;",
            vec![
                ("report", v(locked.owner.clone())),
                ("actor", v(db::rid("user", &user.id))),
                ("label", v(actor_label(user))),
                ("kind", v(ReportEventKind::File.as_str())),
                ("state", v(locked.state.clone())),
                ("message", v(message)),
            ],
        )
        .await
        .map(|_| ())
    }

    async fn may_read(tx: &Tx, user: &CurrentUser, key: &str) -> Result<(), AppError> {
        super::service::load_in(tx, user, key).await.map(|_| ())
    }
}
