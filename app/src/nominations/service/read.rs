//! Reading one nomination, and what the caller may do with it. A nominator reads only their own
//! agency's nominations; anything else is "not found".

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::super::rules::{self, transition, Action, NominationEventKind, NominationState};
use super::super::*;
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::state::AppState;

use super::lists::{scope, state_of};

#[derive(Debug, SurrealValue)]
struct FullRow {
    id: RecordId,
    reference: String,
    state: String,
    sending_agency_id: RecordId,
    sending_agency: String,
    host_agency_id: RecordId,
    host_agency: String,
    officer_name: String,
    position: String,
    work_email: String,
    nationality: String,
    nationality_as_written: Option<String>,
    languages: Vec<String>,
    languages_as_written: Option<String>,
    expertise: String,
    theme_ids: Vec<RecordId>,
    theme_names: Vec<String>,
    start_date: String,
    end_date: String,
    objectives: String,
    justification: String,
    notice_version: Option<i64>,
    notice_confirmed_at: Option<DateTime<Utc>>,
    notice_confirmed_by: Option<String>,
    call_id: Option<RecordId>,
    call_label: Option<String>,
}

const FULL_FIELDS: &str = "id, reference, state, sending_agency AS sending_agency_id, sending_agency.name AS sending_agency,
    host_agency AS host_agency_id, host_agency.name AS host_agency, officer_name, position, work_email, nationality,
    nationality_as_written, languages, languages_as_written, expertise, themes AS theme_ids, themes.name AS theme_names, start_date, end_date, objectives, justification,
    notice_version, notice_confirmed_at, notice_confirmed_by.name AS notice_confirmed_by,
    call AS call_id, (IF call != NONE THEN call.title + ' (' + call.reference + ')' END) AS call_label";

#[derive(Debug, SurrealValue)]
struct DocumentRow {
    id: RecordId,
    file_name: String,
    content_type: String,
    size: i64,
}

#[derive(Debug, SurrealValue)]
struct EventRow {
    at: DateTime<Utc>,
    actor_label: String,
    kind: String,
    from_state: Option<String>,
    to_state: Option<String>,
    message: Option<String>,
}

/// Loads a nomination the caller may see, or `NotFound` (also for other agencies' records:
/// a guessed id tells nothing).
pub async fn load(state: &AppState, user: &CurrentUser, key: &str) -> Result<NominationView, AppError> {
    db::transact(state, |tx| async move { load_in(&tx, user, key).await }).await
}

/// [`load`] inside a transaction, so that a change decides on what it reads in the same unit.
pub async fn load_in(tx: &Tx, user: &CurrentUser, key: &str) -> Result<NominationView, AppError> {
    let key = crate::api::parse_key(key)?;
    let id = db::rid("nomination", &key);
    let mut r = tx
        .run(
            &format!(
                "SELECT {FULL_FIELDS} FROM ONLY $id;
                 SELECT id, file_name, content_type, size, uploaded_at FROM nomination_document WHERE nomination = $id ORDER BY uploaded_at;
                 SELECT at, actor_label, kind, from_state, to_state, message FROM nomination_event WHERE nomination = $id ORDER BY at;
                 SELECT VALUE id FROM placement WHERE nomination = $id;"
            ),
            vec![("id", v(id))],
        )
        .await?;
    let row: Option<FullRow> = r.take(0).map_err(db::fail("nomination decode"))?;
    let row = row.ok_or(AppError::NotFound)?;
    if let Some(agency) = scope(user)? {
        if agency != row.sending_agency_id {
            return Err(AppError::NotFound);
        }
    }
    let documents: Vec<DocumentRow> = r.take(1).map_err(db::fail("documents decode"))?;
    let events: Vec<EventRow> = r.take(2).map_err(db::fail("history decode"))?;
    let placements: Vec<RecordId> = r.take(3).map_err(db::fail("placement decode"))?;
    Ok(NominationView {
        id: db::key(&row.id),
        reference: row.reference,
        state: state_of(&row.state)?,
        sending_agency_id: db::key(&row.sending_agency_id),
        sending_agency: row.sending_agency,
        host_agency_id: db::key(&row.host_agency_id),
        host_agency: row.host_agency,
        officer_name: row.officer_name,
        position: row.position,
        work_email: row.work_email,
        nationality: row.nationality,
        nationality_as_written: row.nationality_as_written,
        languages: row.languages,
        languages_as_written: row.languages_as_written,
        expertise: row.expertise,
        themes: row.theme_ids.iter().map(db::key).zip(row.theme_names).collect(),
        start_date: db::stored::date(&row.start_date)?,
        end_date: db::stored::date(&row.end_date)?,
        objectives: row.objectives,
        justification: row.justification,
        call: row.call_id.map(|c| (db::key(&c), row.call_label.unwrap_or_default())),
        notice: match (row.notice_version, row.notice_confirmed_at) {
            (Some(version), Some(at)) => {
                Some(notice::Confirmation { version, at, by: row.notice_confirmed_by.unwrap_or_default() })
            }
            _ => None,
        },
        documents: documents
            .into_iter()
            .map(|d| DocumentView {
                id: db::key(&d.id),
                file_name: d.file_name,
                content_type: d.content_type,
                size: d.size,
            })
            .collect(),
        history: events
            .into_iter()
            .map(|e| {
                Ok(HistoryEntry {
                    at: e.at,
                    actor: e.actor_label,
                    kind: NominationEventKind::parse(&e.kind)
                        .ok_or_else(|| AppError::internal("nomination event kind", format!("unknown '{}'", e.kind)))?,
                    from_state: e.from_state.as_deref().and_then(NominationState::parse),
                    to_state: e.to_state.as_deref().and_then(NominationState::parse),
                    message: e.message,
                })
            })
            .collect::<Result<_, AppError>>()?,
        placement_id: placements.first().map(db::key),
    })
}

pub(super) fn permissions(user: &CurrentUser, n: Option<&NominationView>) -> Permissions {
    let own = |n: &NominationView| {
        user.role == Role::Nominator && user.agency.as_ref().is_some_and(|a| a.id == n.sending_agency_id)
    };
    let allowed = |n: &NominationView, actor: rules::Actor| -> Vec<Action> {
        Action::ALL.into_iter().filter(|a| a.actor() == actor && transition(n.state, *a).is_ok()).collect()
    };
    match n {
        None => Permissions { edit: user.role == Role::Nominator, ..Default::default() },
        Some(n) => Permissions {
            edit: own(n) && n.state.editable(),
            nominator_actions: if own(n) { allowed(n, rules::Actor::Nominator) } else { vec![] },
            coordinator_actions: if user.role == Role::Coordinator {
                allowed(n, rules::Actor::Coordinator)
            } else {
                vec![]
            },
            comment: (own(n) || user.role == Role::Coordinator) && !n.state.is_final(),
            start_from: own(n),
        },
    }
}

#[derive(Debug, SurrealValue)]
struct Choice {
    id: RecordId,
    label: String,
}

pub(super) async fn choices(state: &AppState) -> Result<(Vec<(String, String)>, Vec<(String, String)>), AppError> {
    let mut r = state
        .db
        .query(
            "SELECT id, name + ' (' + member.name + ')' AS label, name_key FROM agency WHERE hosts = true AND active = true ORDER BY name_key;
             SELECT id, name AS label, name_key FROM theme WHERE active = true ORDER BY name_key;",
        )
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("nomination choices"))?;
    let pairs = |rows: Vec<Choice>| rows.into_iter().map(|c| (db::key(&c.id), c.label)).collect::<Vec<_>>();
    let hosts: Vec<Choice> = r.take(0).map_err(db::fail("hosts decode"))?;
    let themes: Vec<Choice> = r.take(1).map_err(db::fail("themes decode"))?;
    Ok((pairs(hosts), pairs(themes)))
}

pub async fn get(user: &CurrentUser, id: &str) -> Result<NominationPage, AppError> {
    let state = AppState::current()?;
    let nomination = if id.is_empty() { None } else { Some(load(&state, user, id).await?) };
    let can = permissions(user, nomination.as_ref());
    let (host_agencies, themes) =
        if can.edit || !can.coordinator_actions.is_empty() { choices(&state).await? } else { (vec![], vec![]) };
    let member_countries = if can.edit { member_countries(&state).await? } else { vec![] };
    Ok(NominationPage { nomination, can, host_agencies, themes, member_countries, copied_from: None })
}

/// The members' states as alpha-2 codes, by name: the nationalities most nominations have.
async fn member_countries(state: &AppState) -> Result<Vec<String>, AppError> {
    let mut r = state
        .db
        .query("SELECT VALUE iso_code FROM member WHERE kind = 'state' AND active = true AND iso_code != NONE ORDER BY name_key")
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("member states"))?;
    let codes: Vec<String> = r.take(0).map_err(db::fail("member states decode"))?;
    Ok(codes.iter().filter_map(|c| crate::domain::countries::alpha2_of(c)).map(str::to_string).collect())
}

/// The new-draft form filled from `id`, an earlier nomination of the caller's own agency (any
/// other is answered as not found). The period is left to choose again; documents and history
/// stay with the earlier one.
pub async fn start_from(user: &CurrentUser, id: &str) -> Result<NominationPage, AppError> {
    let state = AppState::current()?;
    let earlier = load(&state, user, id).await?;
    if !permissions(user, Some(&earlier)).start_from {
        return Err(AppError::NotFound);
    }
    let mut page = get(user, "").await?;
    page.copied_from = Some(earlier.reference.clone());
    page.nomination =
        Some(NominationView { documents: Vec::new(), history: Vec::new(), notice: None, call: None, ..earlier });
    Ok(page)
}
