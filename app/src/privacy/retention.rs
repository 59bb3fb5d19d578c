//! Retention: the scheduler anonymises, once, every placement that ended
//! `HUB_RETENTION_YEARS` ago with its nomination, and every rejected or withdrawn nomination
//! `HUB_RETENTION_REJECTED_YEARS` after it was decided. Names become "Former secondee NOM-…"
//! and "Former supervisor", addresses a reserved one, nationality, languages and free text go,
//! documents and the mail about them go, audit entries keep the event without the removed
//! values, and a secondee account with nothing left is deleted. States, dates, themes,
//! agencies, money and report states stay, so every total, count and the IATI file are as
//! they were. Work goes in small batches, each one transaction.

use std::collections::BTreeSet;

use surrealdb::types::{RecordId, SurrealValue};

use super::rules::{self, FORMER_SECONDEE, FORMER_SUPERVISOR, REMOVED_EMAIL};
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::state::AppState;

/// Placements (or rejected nominations) per transaction: with their reports, versions, events,
/// documents, mail and audit entries, a batch stays well under a thousand records.
const BATCH: usize = 10;

/// What one run anonymised.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub placements: usize,
    pub nominations: usize,
    pub accounts: usize,
    /// Transactions it took.
    pub batches: usize,
    /// The most records one transaction named: placements, nominations, reports, documents,
    /// audit entries and accounts (each report's versions and events go with it).
    pub largest_batch: usize,
}

impl Swept {
    fn add(&mut self, batch: Anonymised) {
        self.accounts += batch.accounts;
        self.batches += 1;
        self.largest_batch = self.largest_batch.max(batch.records);
    }
}

#[derive(Debug, SurrealValue)]
struct Due {
    id: RecordId,
    nomination: RecordId,
}

/// Anonymises everything due on the office date, a batch at a time. A second run finds nothing.
pub async fn run(state: &AppState) -> Result<Swept, AppError> {
    let today = state.clock.today();
    let retention = state.settings.retention;
    let mut swept = Swept::default();
    loop {
        let mut r = db::statement(
            state,
            "SELECT id, nomination FROM placement WHERE anonymised = false AND end_date < $before
                AND state IN ['completed', 'terminated'] LIMIT $batch",
            vec![("before", v(retention.placements_ended_before(today).to_string())), ("batch", v(BATCH as i64))],
        )
        .await?;
        let due: Vec<Due> = r.take(0).map_err(db::fail("retention decode"))?;
        if due.is_empty() {
            break;
        }
        let placements: Vec<RecordId> = due.iter().map(|d| d.id.clone()).collect();
        let nominations: Vec<RecordId> = due.iter().map(|d| d.nomination.clone()).collect();
        swept.add(anonymise(state, placements, nominations).await?);
        swept.placements += due.len();
        swept.nominations += due.len();
    }
    loop {
        let mut r = db::statement(
            state,
            "SELECT VALUE id FROM nomination WHERE anonymised = false AND state IN ['rejected', 'withdrawn']
                AND updated_at < $before LIMIT $batch",
            vec![
                ("before", v(retention.decided_before(today).and_hms_opt(0, 0, 0).expect("midnight").and_utc())),
                ("batch", v(BATCH as i64)),
            ],
        )
        .await?;
        let due: Vec<RecordId> = r.take(0).map_err(db::fail("retention decode"))?;
        if due.is_empty() {
            break;
        }
        swept.nominations += due.len();
        swept.add(anonymise(state, Vec::new(), due).await?);
    }
    if swept != Swept::default() {
        tracing::info!(
            placements = swept.placements,
            nominations = swept.nominations,
            accounts = swept.accounts,
            "retention"
        );
    }
    Ok(swept)
}

#[derive(Debug, SurrealValue)]
struct Found {
    reports: Vec<RecordId>,
    secondees: Vec<RecordId>,
    /// With `NONE` where a list had nothing to give.
    emails: Vec<Option<String>>,
    /// The officers' names, as history lines may carry them.
    names: Vec<Option<String>>,
    files: Vec<String>,
}

#[derive(Debug, SurrealValue)]
struct Account {
    id: RecordId,
    email: String,
}

#[derive(Debug, SurrealValue)]
struct AuditRow {
    id: RecordId,
    actor: Option<RecordId>,
    /// The actor's role while their account exists: a secondee's own steps name them.
    actor_role: Option<String>,
    actor_label: String,
    before: Option<String>,
    after: Option<String>,
}

/// Anonymises `placements` and `nominations` (a placement's nomination with it) in one
/// transaction; afterwards removes their documents' files.
async fn anonymise(
    state: &AppState,
    placements: Vec<RecordId>,
    nominations: Vec<RecordId>,
) -> Result<Anonymised, AppError> {
    let (placements, nominations) = (&placements, &nominations);
    let mut anonymised =
        db::transact(state, |tx| async move { anonymise_in(&tx, placements, nominations).await }).await?;
    anonymised.remove_files(state).await;
    Ok(anonymised)
}

/// What an anonymisation did: the stored files whose rows went (removed from disk once its
/// transaction is committed), and how many accounts it deleted.
pub struct Anonymised {
    files: Vec<String>,
    pub accounts: usize,
    /// The records it named (see [`Swept::largest_batch`]).
    records: usize,
}

impl Anonymised {
    pub async fn remove_files(&mut self, state: &AppState) {
        for key in std::mem::take(&mut self.files) {
            crate::uploads::forget(state, &key).await;
        }
    }
}

/// [`anonymise`] inside `tx`, for a change that writes more in the same transaction (an
/// administrator's erasure, with its audit entry and its e-mail).
pub async fn anonymise_in(tx: &Tx, placements: &[RecordId], nominations: &[RecordId]) -> Result<Anonymised, AppError> {
    let found = find(tx, placements, nominations).await?;
    scrub_records(tx, placements, nominations, &found.reports).await?;
    let gone = people_gone(tx, &found).await?;
    let audit_entries = scrub_audit(tx, placements, nominations, &found, &gone).await?;
    let records =
        placements.len() + nominations.len() + found.reports.len() + found.files.len() + audit_entries + gone.len();
    Ok(Anonymised { files: found.files, accounts: gone.len(), records })
}

/// The reports, secondee accounts, addresses and stored files of the records.
async fn find(tx: &Tx, placements: &[RecordId], nominations: &[RecordId]) -> Result<Found, AppError> {
    let mut r = tx
        .run(
            "LET $reports = SELECT VALUE id FROM report WHERE placement IN $placements;
             RETURN {
                reports: $reports,
                secondees: array::distinct(SELECT VALUE secondee FROM $placements WHERE secondee != NONE),
                emails: array::distinct(array::concat(
                    SELECT VALUE officer_email FROM $placements,
                    SELECT VALUE supervisor_email FROM $placements,
                    SELECT VALUE work_email FROM $nominations
                )),
                names: array::distinct(SELECT VALUE officer_name FROM $nominations),
                files: array::concat(
                    SELECT VALUE record::id(id) FROM nomination_document WHERE nomination IN $nominations,
                    SELECT VALUE record::id(id) FROM report_document WHERE report IN $reports
                ),
             };",
            vec![("placements", v(placements.to_vec())), ("nominations", v(nominations.to_vec()))],
        )
        .await?;
    let found: Option<Found> = r.take(1).map_err(db::fail("retention find decode"))?;
    found.ok_or_else(|| AppError::internal("retention", "nothing found"))
}

/// The records themselves: names, addresses, free text, documents and the mail about them.
async fn scrub_records(
    tx: &Tx,
    placements: &[RecordId],
    nominations: &[RecordId],
    reports: &[RecordId],
) -> Result<(), AppError> {
    tx.run(
        "UPDATE $placements SET officer_name = $former + ' ' + nomination.reference, officer_email = $removed,
            supervisor_name = $supervisor, supervisor_email = $removed, end_reason = NONE, secondee = NONE,
            objectives = '', anonymised = true RETURN NONE;
         UPDATE $nominations SET officer_name = $former + ' ' + reference, position = '', work_email = $removed,
            nationality = '', nationality_as_written = NONE, languages = [], languages_as_written = NONE,
            expertise = '', objectives = '', justification = '', anonymised = true RETURN NONE;
         UPDATE $reports SET officer_name = $former + ' ' + placement.nomination.reference, officer_email = $removed,
            activities = '', outcomes = '', challenges = '', next_steps = '', reason = NONE RETURN NONE;
         -- One report at a time: `IN` finds nothing through the unique (report, version) index.
         FOR $report IN $reports {
            UPDATE report_version SET author_label = $former, activities = '', outcomes = '', challenges = '',
                next_steps = '' WHERE report = $report RETURN NONE;
         };
         UPDATE nomination_event SET message = NONE WHERE nomination IN $nominations RETURN NONE;
         UPDATE placement_event SET reason = NONE WHERE placement IN $placements RETURN NONE;
         UPDATE report_event SET note = NONE WHERE report IN $reports RETURN NONE;
         DELETE nomination_document WHERE nomination IN $nominations;
         DELETE report_document WHERE report IN $reports;
         -- Key by key: `record_key IN $keys` reads only the first field of the (table, key)
         -- indexes, so it would read every entry about every nomination or report.
         FOR $key IN $nomination_keys {
            DELETE notification WHERE record_table = 'nomination' AND record_key = $key;
            UPDATE access_event SET item = '' WHERE record_table = 'nomination' AND record_key = $key RETURN NONE;
         };
         FOR $key IN $placement_keys {
            DELETE notification WHERE record_table = 'placement' AND record_key = $key;
         };
         FOR $key IN $report_keys {
            DELETE notification WHERE record_table = 'report' AND record_key = $key;
            UPDATE access_event SET item = '' WHERE record_table = 'report' AND record_key = $key RETURN NONE;
         };",
        vec![
            ("placements", v(placements.to_vec())),
            ("nominations", v(nominations.to_vec())),
            ("reports", v(reports.to_vec())),
            ("placement_keys", v(keys(placements))),
            ("nomination_keys", v(keys(nominations))),
            ("report_keys", v(keys(reports))),
            ("former", v(FORMER_SECONDEE)),
            ("supervisor", v(FORMER_SUPERVISOR)),
            ("removed", v(REMOVED_EMAIL)),
        ],
    )
    .await?;
    Ok(())
}

/// The people nothing names any more: the mail to their addresses goes, and a secondee account
/// with no placement left is deleted with its sign-in traces. Returns the accounts deleted.
async fn people_gone(tx: &Tx, found: &Found) -> Result<Vec<RecordId>, AppError> {
    let mut r = tx
        .run(
            "SELECT VALUE work_email FROM nomination WHERE work_email IN $emails AND anonymised = false;
             SELECT VALUE officer_email FROM placement WHERE officer_email IN $emails AND anonymised = false;
             SELECT VALUE supervisor_email FROM placement WHERE supervisor_email IN $emails AND anonymised = false;
             SELECT id, email FROM user WHERE (id IN $secondees OR email IN $emails) AND role = 'secondee';
             SELECT VALUE secondee FROM placement WHERE secondee IN $secondees;",
            vec![
                ("emails", v(found.emails.iter().flatten().cloned().collect::<Vec<_>>())),
                ("secondees", v(found.secondees.clone())),
            ],
        )
        .await?;
    let mut named = BTreeSet::new();
    for index in 0..3 {
        let emails: Vec<String> = r.take(index).map_err(db::fail("retention decode"))?;
        named.extend(emails);
    }
    let accounts: Vec<Account> = r.take(3).map_err(db::fail("retention decode"))?;
    let still_placed: Vec<RecordId> = r.take(4).map_err(db::fail("retention decode"))?;
    let gone_emails: Vec<String> = found.emails.iter().flatten().filter(|e| !named.contains(*e)).cloned().collect();
    // A secondee's account goes with the last record that names them.
    let gone: Vec<RecordId> = accounts
        .into_iter()
        .filter(|a| !still_placed.contains(&a.id) && !named.contains(&a.email))
        .map(|a| a.id)
        .collect();
    // A secondee acts only on their own placements' reports: that is where their name stands.
    tx.run(
        "DELETE notification WHERE recipient_email IN $emails;
         UPDATE report_event SET actor_label = $former WHERE report IN $reports AND actor.role = 'secondee' RETURN NONE;
         -- Found first, then changed: an UPDATE whose condition calls a function reads the whole
         -- table (SurrealDB 3.3.5 plans it without the index), a SELECT reads the index.
         FOR $name IN $names {
            LET $named = SELECT VALUE id FROM report_event WHERE report IN $reports AND string::contains(actor_label, $name);
            UPDATE $named SET actor_label = $former RETURN NONE;
         };
         FOR $key IN $report_keys {
            UPDATE access_event SET reader_label = $former, reader = NONE
                WHERE record_table = 'report' AND record_key = $key AND reader.role = 'secondee' RETURN NONE;
         };
         FOR $key IN $gone_keys {
            DELETE access_event WHERE record_table = 'user' AND record_key = $key;
         };
         DELETE session WHERE user IN $gone;
         DELETE signin WHERE user IN $gone;
         DELETE passkey WHERE user IN $gone;
         DELETE recovery_code WHERE user IN $gone;
         DELETE account_token WHERE user IN $gone;
         DELETE pending_signin WHERE user IN $gone;
         DELETE webauthn_ceremony WHERE user IN $gone;
         DELETE $gone;",
        vec![
            ("emails", v(gone_emails)),
            ("gone", v(gone.clone())),
            ("gone_keys", v(keys(&gone))),
            ("reports", v(found.reports.clone())),
            ("report_keys", v(keys(&found.reports))),
            ("names", v(names(found))),
            ("former", v(FORMER_SECONDEE)),
        ],
    )
    .await?;
    Ok(gone)
}

/// The audit entries of the records (and of the deleted accounts): the event stays, the
/// removed values and the deleted people's names go. Returns how many entries it changed.
async fn scrub_audit(
    tx: &Tx,
    placements: &[RecordId],
    nominations: &[RecordId],
    found: &Found,
    gone: &[RecordId],
) -> Result<usize, AppError> {
    let reports = &found.reports;
    let names = names(found);
    let mut r = tx
        .run(
            "-- Key by key, through both fields of the (table, key) index.
             LET $about = |$table: string, $keys: array| array::flatten($keys.map(|$key|
                (SELECT id, actor, actor.role AS actor_role, actor_label, before, after FROM audit_event
                    WHERE record_table = $table AND record_key = $key)));
             RETURN $about('nomination', $nomination_keys);
             RETURN $about('placement', $placement_keys);
             RETURN $about('report', $report_keys);
             RETURN $about('user', $user_keys);",
            vec![
                ("placement_keys", v(keys(placements))),
                ("nomination_keys", v(keys(nominations))),
                ("report_keys", v(keys(reports))),
                ("user_keys", v(keys(gone))),
            ],
        )
        .await?;
    let mut rows: Vec<AuditRow> = Vec::new();
    // Statement 0 defines `$about`; its four answers follow.
    for index in 1..=4 {
        let part: Vec<AuditRow> = r.take(index).map_err(db::fail("retention audit decode"))?;
        rows.extend(part);
    }
    let scrubbed: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|row| {
            let deleted = row.actor.as_ref().is_some_and(|actor| gone.contains(actor));
            let secondee = deleted
                || row.actor_role.as_deref() == Some("secondee")
                || names.iter().any(|name| row.actor_label.contains(name.as_str()));
            serde_json::json!({
                "id": db::key(&row.id),
                "before": row.before.as_deref().and_then(rules::scrub),
                "after": row.after.as_deref().and_then(rules::scrub),
                "label": if secondee { FORMER_SECONDEE.to_string() } else { row.actor_label },
                "deleted": deleted,
            })
        })
        .collect();
    let changed = scrubbed.len();
    tx.run(
        "FOR $row IN $rows {
            UPDATE type::record('audit_event', $row.id) SET before = $row.before ?? NONE, after = $row.after ?? NONE,
                actor_label = $row.label, actor = IF $row.deleted THEN NONE ELSE actor END RETURN NONE;
         };",
        vec![("rows", v(scrubbed))],
    )
    .await?;
    Ok(changed)
}

/// The officers' names of a batch, as their history lines may carry them.
fn names(found: &Found) -> Vec<String> {
    found.names.iter().flatten().filter(|name| !name.trim().is_empty()).cloned().collect()
}

fn keys(ids: &[RecordId]) -> Vec<String> {
    ids.iter().map(db::key).collect()
}
