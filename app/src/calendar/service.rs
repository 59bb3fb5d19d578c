//! The feed's reads, its address and the handler that serves it (ssr).

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use surrealdb::types::{RecordId, SurrealValue};

use super::ics::{self, Event};
use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, NamedRef, Role};
use crate::db::{self, v};
use crate::error::AppError;
use crate::listing::ListQuery;
use crate::state::AppState;

const PURPOSE: &str = "calendar";
/// At most this many events of each kind in a feed.
const MAX_EVENTS: usize = 1000;

#[derive(Debug, SurrealValue)]
struct Account {
    id: RecordId,
    email: String,
    name: String,
    role: String,
    disabled: bool,
    calendar_generation: Option<i64>,
    agency_id: Option<RecordId>,
    agency_name: Option<String>,
    donor_id: Option<RecordId>,
    donor_name: Option<String>,
}

const ACCOUNT: &str = "SELECT id, email, name, role, disabled, calendar_generation, agency AS agency_id,
    agency.name AS agency_name, donor AS donor_id, donor.name AS donor_name FROM ONLY $id";

async fn account(state: &AppState, user_key: &str) -> Result<Option<Account>, AppError> {
    let mut r = state
        .db
        .query(ACCOUNT)
        .bind(("id", db::rid("user", user_key)))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("calendar account"))?;
    r.take(0).map_err(db::fail("calendar account decode"))
}

fn address(state: &AppState, user_key: &str, generation: i64) -> String {
    let signed = state.settings.key.sign(PURPOSE, &format!("{user_key}-{generation}"));
    format!("{}/calendar/{signed}.ics", state.settings.public_url)
}

pub async fn link(user: &CurrentUser) -> Result<String, AppError> {
    let state = AppState::current()?;
    let account = account(&state, &user.id).await?.ok_or(AppError::NotFound)?;
    Ok(address(&state, &user.id, account.calendar_generation.unwrap_or(0)))
}

pub async fn renew(user: &CurrentUser) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let id = db::rid("user", &user.id);
    let id = &id;
    db::transact(&state, |tx| async move {
        tx.run("UPDATE $id SET calendar_generation = (calendar_generation ?? 0) + 1", vec![("id", v(id.clone()))])
            .await?;
        audit::record(&tx, &Actor::user(user), "calendar_link_renewed", "user", &db::key(id), None, None).await
    })
    .await?;
    Ok(crate::api::Done::new("A new calendar link was made. The old one no longer works.", "/account"))
}

/// The user a feed address belongs to, if its signature holds, its generation is current
/// and the account is enabled.
async fn owner(state: &AppState, file: &str) -> Result<Option<CurrentUser>, AppError> {
    let Some(signed) = file.strip_suffix(".ics") else { return Ok(None) };
    let Some(message) = state.settings.key.verify(PURPOSE, signed) else { return Ok(None) };
    let Some((user_key, generation)) = message.rsplit_once('-') else { return Ok(None) };
    let Ok(user_key) = crate::api::parse_key(user_key) else { return Ok(None) };
    let Some(account) = account(state, &user_key).await? else { return Ok(None) };
    if account.disabled || generation != account.calendar_generation.unwrap_or(0).to_string() {
        return Ok(None);
    }
    let Some(role) = Role::parse(&account.role) else { return Ok(None) };
    let named =
        |id: Option<RecordId>, name: Option<String>| id.zip(name).map(|(id, name)| NamedRef { id: db::key(&id), name });
    Ok(Some(CurrentUser {
        id: db::key(&account.id),
        email: account.email,
        name: account.name,
        role,
        agency: named(account.agency_id, account.agency_name),
        donor: named(account.donor_id, account.donor_name),
        must_enrol: false,
    }))
}

/// The feed's events for `user`: report due dates (the reports they write; for focal points
/// and RSO staff, those they follow) from 60 days back to a year ahead, the starts and ends of
/// open placements they see, and the closing days of the open calls they may read.
async fn events(state: &AppState, user: &CurrentUser) -> Result<Vec<Event>, AppError> {
    let today = state.clock.today();
    let base = &state.settings.public_url;
    let mut events = Vec::new();
    if user.role == Role::Donor {
        return Ok(events);
    }
    let role = match user.role {
        Role::Secondee => "secondee",
        Role::Host => "host",
        _ => "",
    };
    let reports = ListQuery {
        status: "owed".into(),
        role: role.into(),
        from: (today - chrono::Duration::days(60)).to_string(),
        to: (today + chrono::Duration::days(400)).to_string(),
        sort: "due".into(),
        dir: "asc".into(),
        ..Default::default()
    };
    for r in crate::reports::service::in_scope(state, user, &reports, MAX_EVENTS).await? {
        events.push(Event {
            uid: format!("report-{}@secondment-hub", r.id),
            day: r.due_date,
            summary: format!("Report due: {} ({})", r.kind.label(), r.officer_name),
            description: format!("Period {} to {}", r.period_start, r.period_end),
            url: format!("{base}/reports/{}", r.id),
        });
    }
    for status in ["planned", "active"] {
        let query = ListQuery { status: status.into(), sort: "start".into(), dir: "asc".into(), ..Default::default() };
        for p in crate::placements::service::in_scope(state, user, &query, MAX_EVENTS).await? {
            let url = format!("{base}/placements/{}", p.id);
            if p.dates.actual_start.is_none() {
                events.push(Event {
                    uid: format!("placement-{}-start@secondment-hub", p.id),
                    day: p.dates.planned_start,
                    summary: format!("Placement starts: {} at {}", p.officer_name, p.host_agency),
                    description: format!("{} → {}", p.sending_agency, p.host_agency),
                    url: url.clone(),
                });
            }
            events.push(Event {
                uid: format!("placement-{}-end@secondment-hub", p.id),
                day: p.dates.early_end.unwrap_or(p.dates.current_end),
                summary: format!("Placement ends: {} at {}", p.officer_name, p.host_agency),
                description: format!("{} → {}", p.sending_agency, p.host_agency),
                url,
            });
        }
    }
    if matches!(user.role, Role::Nominator | Role::Coordinator | Role::Admin) {
        for call in crate::calls::service::open_for(state, user, MAX_EVENTS).await? {
            events.push(Event {
                uid: format!("call-{}-closes@secondment-hub", call.id),
                day: state.clock.office_date(call.closes_at),
                summary: format!("Call closes: {} ({})", call.title, call.closes_local),
                description: format!("{} at {}, placements within {}", call.reference, call.host_agency, call.window()),
                url: format!("{base}/calls/{}", call.id),
            });
        }
    }
    Ok(events)
}

/// `GET /calendar/{secret}.ics`: the feed, or 404 for any address that is not current.
pub async fn handler(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let feed = async {
        let Some(user) = owner(&state, &file).await? else { return Err(AppError::NotFound) };
        let events = events(&state, &user).await?;
        Ok(ics::render(&format!("Secondment Hub – {}", user.name), &events, state.clock.now()))
    };
    match feed.await {
        Ok(body) => (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "private, max-age=300")],
            body,
        )
            .into_response(),
        Err(error) => {
            let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::NOT_FOUND);
            (status, error.to_string()).into_response()
        }
    }
}
