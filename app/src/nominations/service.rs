//! Server-side work on nominations: reading within the caller's scope, saving drafts, state
//! changes with their history, audit entries, e-mails and (on approval) the placement, each in
//! one transaction.

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::rules::{self, transition, Action, NominationState};
use super::*;
use crate::admin::store::ListSql;
use crate::admin::validate::{email, required_text};
use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::error::FieldErrors;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::{self, Recipient};
use crate::notifications::templates::{MailContent, NominationMail};
use crate::notifications::EventKind;
use crate::state::AppState;

const SUMMARY_FIELDS: &str = "id, reference, state, officer_name, string::lowercase(officer_name) AS officer_key,
    sending_agency.name AS sending_agency, sending_agency.member.name AS sending_member, host_agency.name AS host_agency,
    start_date, end_date, updated_at";
const SORTS: &[(&str, &str)] = &[
    ("updated", "updated_at"),
    ("officer", "officer_key"),
    ("start", "start_date"),
    ("state", "state"),
    ("reference", "reference"),
];

#[derive(Debug, SurrealValue)]
struct SummaryRow {
    id: RecordId,
    reference: String,
    state: String,
    officer_name: String,
    sending_agency: String,
    sending_member: String,
    host_agency: String,
    start_date: String,
    end_date: String,
    updated_at: DateTime<Utc>,
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn state_of(text: &str) -> NominationState {
    NominationState::parse(text).unwrap_or(NominationState::Draft)
}

impl From<SummaryRow> for NominationSummary {
    fn from(r: SummaryRow) -> Self {
        NominationSummary {
            id: db::key(&r.id),
            reference: r.reference,
            state: state_of(&r.state),
            officer_name: r.officer_name,
            sending_agency: r.sending_agency,
            sending_member: r.sending_member,
            host_agency: r.host_agency,
            start_date: r.start_date,
            end_date: r.end_date,
            updated_at: when(r.updated_at),
        }
    }
}

/// The agency a nominator acts for; `None` for RSO staff, who see every nomination.
fn scope(user: &CurrentUser) -> Result<Option<RecordId>, AppError> {
    match user.role {
        Role::Coordinator | Role::Admin => Ok(None),
        Role::Nominator => {
            let agency = user.agency.as_ref().ok_or(AppError::Forbidden)?;
            Ok(Some(db::rid("agency", &agency.id)))
        }
        _ => Err(AppError::Forbidden),
    }
}

fn query_for(user: &CurrentUser, query: &ListQuery) -> Result<(ListSql, ListQuery), AppError> {
    let mut query = query.clone();
    if query.sort.is_empty() {
        query.sort = "updated".into();
        query.dir = "desc".into();
    }
    let scope = scope(user)?;
    let key = |text: &str| crate::api::parse_key(text).ok();
    let state = NominationState::parse(&query.status).map(|s| s.as_str().to_string());
    let (member, agency, host, theme) = (key(&query.member), key(&query.agency), key(&query.host), key(&query.theme));
    let sql = ListSql::new("nomination", SUMMARY_FIELDS, SORTS)
        .filter_if(scope.is_some(), "sending_agency = $scope", "scope", v(scope))
        .filter_if(state.is_some(), "state = $state", "state", v(state))
        .filter_if(member.is_some(), "sending_agency.member = $member", "member", v(member.map(|k| db::rid("member", &k))))
        .filter_if(agency.is_some(), "sending_agency = $agency", "agency", v(agency.map(|k| db::rid("agency", &k))))
        .filter_if(host.is_some(), "host_agency = $host", "host", v(host.map(|k| db::rid("agency", &k))))
        .filter_if(theme.is_some(), "themes CONTAINS $theme", "theme", v(theme.map(|k| db::rid("theme", &k))))
        .filter_if(!query.from.trim().is_empty(), "start_date >= $from", "from", v(query.from.trim().to_string()))
        .filter_if(!query.to.trim().is_empty(), "start_date <= $to", "to", v(query.to.trim().to_string()))
        .filter_if(
            !query.q.trim().is_empty(),
            "(string::contains(string::lowercase(officer_name), $q) OR string::contains(string::lowercase(reference), $q))",
            "q",
            v(query.needle()),
        );
    Ok((sql, query))
}

#[derive(Debug, SurrealValue)]
struct StateCount {
    state: String,
    n: i64,
}

pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<NominationList, AppError> {
    let state = AppState::current()?;
    let (sql, query) = query_for(user, query)?;
    let page = sql.page::<SummaryRow>(&state.db, &query).await?.map(Into::into);
    let scope = scope(user)?;
    let mut r = state
        .db
        .query(if scope.is_some() {
            "SELECT state, count() AS n FROM nomination WHERE sending_agency = $scope GROUP BY state"
        } else {
            "SELECT state, count() AS n FROM nomination GROUP BY state"
        })
        .bind(("scope", scope))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("nomination counts"))?;
    let rows: Vec<StateCount> = r.take(0).map_err(db::fail("nomination counts decode"))?;
    let counts = NominationState::ALL
        .iter()
        .map(|s| (*s, rows.iter().find(|r| r.state == s.as_str()).map(|r| r.n.max(0) as u64).unwrap_or(0)))
        .collect();
    Ok(NominationList { page, can_create: user.role == Role::Nominator, counts })
}

pub async fn csv(state: &AppState, user: &CurrentUser, query: &ListQuery) -> Result<String, AppError> {
    query.check()?;
    let (sql, query) = query_for(user, query)?;
    let rows = sql.all::<SummaryRow>(&state.db, &query).await?;
    Ok(crate::listing::csv(
        &[
            "reference",
            "state",
            "officer",
            "sending_member",
            "sending_agency",
            "host_agency",
            "start",
            "end",
            "updated",
        ],
        rows.into_iter().map(NominationSummary::from).map(|n| {
            vec![
                n.reference,
                n.state.label().into(),
                n.officer_name,
                n.sending_member,
                n.sending_agency,
                n.host_agency,
                n.start_date,
                n.end_date,
                n.updated_at,
            ]
        }),
    ))
}

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
    languages: String,
    expertise: String,
    theme_ids: Vec<RecordId>,
    theme_names: Vec<String>,
    start_date: String,
    end_date: String,
    objectives: String,
    justification: String,
}

const FULL_FIELDS: &str = "id, reference, state, sending_agency AS sending_agency_id, sending_agency.name AS sending_agency,
    host_agency AS host_agency_id, host_agency.name AS host_agency, officer_name, position, work_email, nationality,
    languages, expertise, themes AS theme_ids, themes.name AS theme_names, start_date, end_date, objectives, justification";

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
    let key = crate::api::parse_key(key)?;
    let id = db::rid("nomination", &key);
    let mut r = state
        .db
        .query(format!(
            "SELECT {FULL_FIELDS} FROM ONLY $id;
             SELECT id, file_name, content_type, size, uploaded_at FROM nomination_document WHERE nomination = $id ORDER BY uploaded_at;
             SELECT at, actor_label, kind, from_state, to_state, message FROM nomination_event WHERE nomination = $id ORDER BY at;
             SELECT VALUE id FROM placement WHERE nomination = $id;"
        ))
        .bind(("id", id))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("nomination read"))?;
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
        state: state_of(&row.state),
        sending_agency_id: db::key(&row.sending_agency_id),
        sending_agency: row.sending_agency,
        host_agency_id: db::key(&row.host_agency_id),
        host_agency: row.host_agency,
        officer_name: row.officer_name,
        position: row.position,
        work_email: row.work_email,
        nationality: row.nationality,
        languages: row.languages,
        expertise: row.expertise,
        themes: row.theme_ids.iter().map(db::key).zip(row.theme_names).collect(),
        start_date: row.start_date,
        end_date: row.end_date,
        objectives: row.objectives,
        justification: row.justification,
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
            .map(|e| HistoryEntry {
                at: when(e.at),
                actor: e.actor_label,
                kind: e.kind,
                from_state: e.from_state,
                to_state: e.to_state,
                message: e.message,
            })
            .collect(),
        placement_id: placements.first().map(db::key),
    })
}

fn permissions(user: &CurrentUser, n: Option<&NominationView>) -> Permissions {
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
        },
    }
}

#[derive(Debug, SurrealValue)]
struct Choice {
    id: RecordId,
    label: String,
}

async fn choices(state: &AppState) -> Result<(Vec<(String, String)>, Vec<(String, String)>), AppError> {
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
    Ok(NominationPage { nomination, can, host_agencies, themes })
}

/// A short, readable, unique reference such as `NOM-2026-7K3QXM`.
fn new_reference() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let code: String = (0..6).map(|_| CHARS[rng.random_range(0..CHARS.len())] as char).collect();
    format!("NOM-{}-{code}", Utc::now().format("%Y"))
}

pub async fn save(user: &CurrentUser, form: &NominationForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let agency = scope(user)?.ok_or(AppError::Forbidden)?;
    let (hosts, themes) = choices(&state).await?;
    let theme_keys: Vec<String> = themes.iter().map(|(k, _)| k.clone()).collect();
    let content = form.validate(&theme_keys)?;
    if !hosts.iter().any(|(k, _)| *k == content.host_agency) {
        return Err(AppError::field("host_agency", "Choose a host agency from the list."));
    }
    let creating = form.id.trim().is_empty();
    let key = if creating { db::new_key() } else { crate::api::parse_key(form.id.trim())? };
    let before = if creating { None } else { Some(load(&state, user, &key).await?) };
    if let Some(before) = &before {
        if !before.state.editable() {
            return Err(AppError::Conflict(format!(
                "A nomination that is {} cannot be edited.",
                before.state.label().to_lowercase()
            )));
        }
    }
    let tx = Tx::begin(&state.db).await?;
    let result = async {
        let set = "officer_name = $officer_name, position = $position, work_email = $work_email, nationality = $nationality,
            languages = $languages, expertise = $expertise, host_agency = $host, themes = $themes, start_date = $start,
            end_date = $end, objectives = $objectives, justification = $justification, updated_at = time::now()";
        let sql = if creating {
            format!("CREATE $id SET reference = $reference, state = 'draft', sending_agency = $agency, created_by = $user, created_at = time::now(), {set}")
        } else {
            format!("UPDATE $id SET {set}")
        };
        tx.run(
            &sql,
            vec![
                ("id", v(db::rid("nomination", &key))),
                ("reference", v(new_reference())),
                ("agency", v(agency.clone())),
                ("user", v(db::rid("user", &user.id))),
                ("officer_name", v(content.officer_name.clone())),
                ("position", v(content.position.clone())),
                ("work_email", v(content.work_email.clone())),
                ("nationality", v(content.nationality.clone())),
                ("languages", v(content.languages.clone())),
                ("expertise", v(content.expertise.clone())),
                ("host", v(db::rid("agency", &content.host_agency))),
                ("themes", v(content.themes.iter().map(|t| db::rid("theme", t)).collect::<Vec<_>>())),
                ("start", v(content.start.to_string())),
                ("end", v(content.end.to_string())),
                ("objectives", v(content.objectives.clone())),
                ("justification", v(content.justification.clone())),
            ],
        )
        .await?;
        let after = serde_json::json!({
            "officer_name": content.officer_name, "position": content.position, "work_email": content.work_email,
            "host_agency": content.host_agency, "themes": content.themes, "start_date": content.start.to_string(),
            "end_date": content.end.to_string(),
        });
        let before = before.as_ref().map(|b| {
            serde_json::json!({
                "officer_name": b.officer_name, "position": b.position, "work_email": b.work_email,
                "host_agency": b.host_agency_id, "themes": b.themes.iter().map(|(k, _)| k).collect::<Vec<_>>(),
                "start_date": b.start_date, "end_date": b.end_date,
            })
        });
        audit::record(&tx, &Actor::user(user), if creating { "created" } else { "updated" }, "nomination", &key, before.as_ref(), Some(&after)).await
    }
    .await;
    tx.finish(result).await?;
    crate::api::done("Nomination saved as a draft.", &format!("/nominations/{key}"));
    Ok(())
}

/// The office's calendar date. The RSO is in Bangkok (UTC+7); dates are calendar dates there.
pub fn office_today() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(7)).date_naive()
}

fn may_act(user: &CurrentUser, n: &NominationView, action: Action) -> Result<(), AppError> {
    let ok = match action.actor() {
        rules::Actor::Nominator => {
            user.role == Role::Nominator && user.agency.as_ref().is_some_and(|a| a.id == n.sending_agency_id)
        }
        rules::Actor::Coordinator => user.role == Role::Coordinator,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// What approval confirms.
struct Approval {
    host: String,
    supervisor_name: String,
    supervisor_email: String,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
}

fn validate_approval(form: &ActionForm, hosts: &[(String, String)]) -> Result<Approval, AppError> {
    let mut errors = FieldErrors::new();
    let host = form.host_agency.trim().to_string();
    if !hosts.iter().any(|(k, _)| *k == host) {
        errors.add("host_agency", "Choose the host agency from the list.");
    }
    let supervisor_name = errors.take("supervisor_name", required_text(&form.supervisor_name, 120));
    let supervisor_email = errors.take("supervisor_email", email(&form.supervisor_email));
    let start = errors.take("start_date", date(&form.start_date));
    let end = errors.take("end_date", date(&form.end_date));
    if let (Some(start), Some(end)) = (start, end) {
        if let Err((field, message)) = rules::check_period(start, end) {
            errors.add(field, message);
        }
    }
    errors.finish(|| Approval {
        host,
        supervisor_name: supervisor_name.unwrap_or_default(),
        supervisor_email: supervisor_email.unwrap_or_default(),
        start: start.unwrap_or_default(),
        end: end.unwrap_or_default(),
    })
}

pub async fn act(user: &CurrentUser, form: &ActionForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let action = Action::parse(form.action.trim()).ok_or(AppError::BadRequest)?;
    let n = load(&state, user, &form.id).await?;
    may_act(user, &n, action)?;
    let to = transition(n.state, action).map_err(AppError::Conflict)?;
    let message =
        crate::nominations::long_text(&form.message, 4000, false).map_err(|m| AppError::field("message", m))?;
    let message = (!message.is_empty()).then_some(message);
    if matches!(action, Action::RequestChanges | Action::Reject) && message.is_none() {
        let what =
            if action == Action::Reject { "Give the reason for the decision." } else { "Say what should change." };
        return Err(AppError::field("message", what));
    }
    if matches!(action, Action::Submit | Action::Resubmit) {
        let start = date(&n.start_date).map_err(|m| AppError::field("start_date", m))?;
        rules::check_start_for_submission(start, office_today()).map_err(|(f, m)| AppError::field(f, m))?;
    }
    // On approval: what it confirms, and the chosen host agency's name for the e-mails.
    let approval = if action == Action::Approve {
        let (hosts, _) = choices(&state).await?;
        let approval = validate_approval(form, &hosts)?;
        let host_name = hosts.into_iter().find(|(k, _)| *k == approval.host).map(|(_, n)| n).unwrap_or_default();
        Some((approval, host_name))
    } else {
        None
    };

    // Recipients are read before the transaction; what is queued is written inside it.
    let coordinators = recipients::coordinators(&state.db).await?;
    let sending = recipients::agency_contacts(&state.db, &n.sending_agency_id).await?;
    let host_key = approval.as_ref().map(|(a, _)| a.host.clone()).unwrap_or_else(|| n.host_agency_id.clone());
    let host_contacts = recipients::agency_contacts(&state.db, &host_key).await?;

    let key = n.id.clone();
    let event_key = db::new_key();
    let tx = Tx::begin(&state.db).await?;
    let result = async {
        let submitted = if matches!(action, Action::Submit | Action::Resubmit) { ", submitted_at = time::now()" } else { "" };
        let mut r = tx
            .run(
                &format!("UPDATE $id SET state = $to, updated_at = time::now(){submitted} WHERE state = $from RETURN VALUE id"),
                vec![
                    ("id", v(db::rid("nomination", &key))),
                    ("to", v(to.as_str().to_string())),
                    ("from", v(n.state.as_str().to_string())),
                ],
            )
            .await?;
        let changed: Vec<RecordId> = r.take(0).map_err(db::fail("transition decode"))?;
        if changed.is_empty() {
            return Err(AppError::Conflict("The nomination changed meanwhile. Reload the page and try again.".into()));
        }
        tx.run(
            "CREATE $event SET nomination = $id, at = time::now(), actor = $actor, actor_label = $label, kind = $kind,
                from_state = $from, to_state = $to, message = $message",
            vec![
                ("event", v(db::rid("nomination_event", &event_key))),
                ("id", v(db::rid("nomination", &key))),
                ("actor", v(db::rid("user", &user.id))),
                ("label", v(format!("{} ({})", user.name, user.role.label()))),
                ("kind", v(action.as_str().to_string())),
                ("from", v(n.state.as_str().to_string())),
                ("to", v(to.as_str().to_string())),
                ("message", v(message.clone())),
            ],
        )
        .await?;
        let mut placement_key = None;
        if let Some((a, _)) = &approval {
            let pk = db::new_key();
            tx.run(
                "CREATE $placement SET nomination = $id, state = 'planned', officer_name = $officer, officer_email = $officer_email,
                    sending_agency = $sending, host_agency = $host, supervisor_name = $supervisor, supervisor_email = $supervisor_email,
                    start_date = $start, end_date = $end, objectives = $objectives, themes = $themes, created_at = time::now();
                 UPDATE $id SET host_agency = $host, start_date = $start, end_date = $end;",
                vec![
                    ("placement", v(db::rid("placement", &pk))),
                    ("id", v(db::rid("nomination", &key))),
                    ("officer", v(n.officer_name.clone())),
                    ("officer_email", v(n.work_email.clone())),
                    ("sending", v(db::rid("agency", &n.sending_agency_id))),
                    ("host", v(db::rid("agency", &a.host))),
                    ("supervisor", v(a.supervisor_name.clone())),
                    ("supervisor_email", v(a.supervisor_email.clone())),
                    ("start", v(a.start.to_string())),
                    ("end", v(a.end.to_string())),
                    ("objectives", v(n.objectives.clone())),
                    ("themes", v(n.themes.iter().map(|(k, _)| db::rid("theme", k)).collect::<Vec<_>>())),
                ],
            )
            .await
            .map_err(|e| match e {
                AppError::Conflict(_) => AppError::Conflict("This nomination already has a placement.".into()),
                other => other,
            })?;
            placement_key = Some(pk);
        }
        let after = serde_json::json!({ "state": to.as_str(), "message": message, "placement": placement_key });
        let before = serde_json::json!({ "state": n.state.as_str() });
        audit::record(&tx, &Actor::user(user), action.as_str(), "nomination", &key, Some(&before), Some(&after)).await?;
        if let Some(pk) = &placement_key {
            let snapshot = serde_json::json!({ "nomination": key, "state": "planned" });
            audit::record(&tx, &Actor::user(user), "created", "placement", pk, None, Some(&snapshot)).await?;
        }

        // The e-mails of the brief's table, in the same transaction.
        let host_name = match &approval {
            Some((_, name)) => name.clone(),
            None => n.host_agency.clone(),
        };
        let period = match &approval {
            Some((a, _)) => format!("{} to {}", a.start, a.end),
            None => format!("{} to {}", n.start_date, n.end_date),
        };
        let mail = |event: EventKind, to: &Recipient| NominationMail {
            event,
            name: to.name.clone(),
            reference: n.reference.clone(),
            officer: n.officer_name.clone(),
            sending_agency: n.sending_agency.clone(),
            host_agency: host_name.clone(),
            period: period.clone(),
            message: message.clone(),
            link: format!("{}/nominations/{key}", state.settings.public_url),
        };
        let mut queue: Vec<(EventKind, &Recipient)> = Vec::new();
        match action {
            Action::Submit | Action::Resubmit => {
                queue.extend(coordinators.iter().map(|r| (EventKind::NominationSubmitted, r)));
                queue.extend(sending.iter().map(|r| (EventKind::NominationReceipt, r)));
            }
            Action::RequestChanges => queue.extend(sending.iter().map(|r| (EventKind::ChangesRequested, r))),
            Action::Reject => queue.extend(sending.iter().map(|r| (EventKind::NominationRejected, r))),
            Action::Approve => {
                queue.extend(sending.iter().map(|r| (EventKind::NominationApproved, r)));
                queue.extend(host_contacts.iter().map(|r| (EventKind::NominationApproved, r)));
            }
            Action::Withdraw | Action::StartReview => {}
        }
        for (event, recipient) in queue {
            outbox::enqueue(
                &tx,
                &state.settings.public_url,
                Outgoing {
                    record_table: "nomination_event",
                    record_key: &event_key,
                    recipient,
                    content: MailContent::Nomination(mail(event, recipient)),
                    link_path: format!("/nominations/{key}"),
                    secret: None,
                },
            )
            .await?;
        }
        Ok(())
    }
    .await;
    tx.finish(result).await?;
    state.wake_mailer();
    let notice = match action {
        Action::Submit | Action::Resubmit => "Nomination submitted to the Regional Support Office.",
        Action::Withdraw => "Nomination withdrawn.",
        Action::StartReview => "The nomination is now under review.",
        Action::RequestChanges => "Changes requested. The sending agency has been told.",
        Action::Reject => "Nomination rejected. The sending agency has been told.",
        Action::Approve => "Nomination approved and the placement created. Both agencies have been told.",
    };
    crate::api::done(notice, &format!("/nominations/{key}"));
    Ok(())
}

pub async fn comment(user: &CurrentUser, form: &ActionForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let n = load(&state, user, &form.id).await?;
    if !permissions(user, Some(&n)).comment {
        return Err(AppError::Forbidden);
    }
    let message =
        crate::nominations::long_text(&form.message, 4000, true).map_err(|m| AppError::field("message", m))?;
    let tx = Tx::begin(&state.db).await?;
    let result = async {
        tx.run(
            "CREATE nomination_event SET nomination = $id, at = time::now(), actor = $actor, actor_label = $label, kind = 'comment', message = $message",
            vec![
                ("id", v(db::rid("nomination", &n.id))),
                ("actor", v(db::rid("user", &user.id))),
                ("label", v(format!("{} ({})", user.name, user.role.label()))),
                ("message", v(message.clone())),
            ],
        )
        .await?;
        let after = serde_json::json!({ "comment": message });
        audit::record(&tx, &Actor::user(user), "commented", "nomination", &n.id, None, Some(&after)).await
    }
    .await;
    tx.finish(result).await?;
    crate::api::done("Comment added.", &format!("/nominations/{}", n.id));
    Ok(())
}
