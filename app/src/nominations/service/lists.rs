//! The queue of nominations: listed, counted by age and exported, within the caller's scope
//! (a nominator sees only their own agency's nominations).

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::super::rules::NominationState;
use super::super::*;
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v};
use crate::directory::Directory;
use crate::resource::store::ListSql;
use crate::state::AppState;
use crate::ui::format;

/// A list row reads the agencies' and member's keys; their names come from the directory
/// (following the three links was half of the query's time at ten years).
pub(super) const SUMMARY_FIELDS: &str = "id, reference, state, officer_name, officer_key,
    sending_agency AS sending_agency_id, sending_member AS sending_member_id, host_agency AS host_agency_id,
    start_date, end_date, updated_at, nationality, languages";
pub(super) const SORTS: &[(&str, &str)] = &[
    ("updated", "updated_at"),
    ("officer", "officer_key"),
    ("start", "start_date"),
    ("state", "state"),
    ("reference", "reference"),
];

#[derive(Debug, SurrealValue)]
pub(super) struct SummaryRow {
    id: RecordId,
    reference: String,
    state: String,
    officer_name: String,
    sending_agency_id: RecordId,
    /// Stored since migration 0019; a row written before it and not since has none.
    sending_member_id: Option<RecordId>,
    host_agency_id: RecordId,
    start_date: String,
    end_date: String,
    updated_at: DateTime<Utc>,
    nationality: String,
    languages: Vec<String>,
}

/// A stored state; an unknown one is a fault of the data, not of the caller.
pub(super) fn state_of(text: &str) -> Result<NominationState, AppError> {
    NominationState::parse(text).ok_or_else(|| AppError::internal("nomination state", format!("unknown '{text}'")))
}

impl SummaryRow {
    fn summary(self, names: &Directory) -> Result<NominationSummary, AppError> {
        let r = self;
        Ok(NominationSummary {
            id: db::key(&r.id),
            reference: r.reference,
            state: state_of(&r.state)?,
            officer_name: r.officer_name,
            sending_agency: names.name(&r.sending_agency_id),
            sending_member: names.name_of(r.sending_member_id.as_ref()),
            host_agency: names.name(&r.host_agency_id),
            start_date: db::stored::date(&r.start_date)?,
            end_date: db::stored::date(&r.end_date)?,
            updated_at: r.updated_at,
        })
    }
}

/// The agency a nominator acts for; `None` for RSO staff, who see every nomination.
pub(super) fn scope(user: &CurrentUser) -> Result<Option<RecordId>, AppError> {
    match user.role {
        Role::Coordinator | Role::Admin => Ok(None),
        Role::Nominator => {
            let agency = user.agency.as_ref().ok_or(AppError::Forbidden)?;
            Ok(Some(db::rid("agency", &agency.id)))
        }
        _ => Err(AppError::Forbidden),
    }
}

pub(super) fn query_for(user: &CurrentUser, query: &ListQuery) -> Result<(ListSql, ListQuery), AppError> {
    let mut query = query.clone();
    if query.sort.is_empty() {
        query.sort = "updated".into();
        query.dir = "desc".into();
    }
    let scope = scope(user)?;
    let key = |text: &str| crate::api::parse_key(text).ok();
    let state = NominationState::parse(&query.status).map(|s| s.as_str().to_string());
    let (member, agency, host, theme) = (key(&query.member), key(&query.agency), key(&query.host), key(&query.theme));
    let (from, to) = query.date_range();
    let sql = ListSql::new("nomination", SUMMARY_FIELDS, SORTS)
        .with_descending_twins(&["updated_at"])
        .with_listed_order(&["updated_at_desc", "officer_key", "start_date", "state", "reference"])
        .filter_if(scope.is_some(), "sending_agency = $scope", "scope", v(scope))
        .filter_if(state.is_some(), "state = $state", "state", v(state))
        .filter_if(member.is_some(), "sending_member = $member", "member", v(member.map(|k| db::rid("member", &k))))
        .filter_if(agency.is_some(), "sending_agency = $agency", "agency", v(agency.map(|k| db::rid("agency", &k))))
        .filter_if(host.is_some(), "host_agency = $host", "host", v(host.map(|k| db::rid("agency", &k))))
        .filter_if(theme.is_some(), "themes CONTAINS $theme", "theme", v(theme.map(|k| db::rid("theme", &k))))
        // Dates are stored as ISO text, which sorts as the dates do; bind the parsed date's text.
        .filter_if(from.is_some(), "start_date >= $from", "from", v(from.map(|d| d.to_string())))
        .filter_if(to.is_some(), "start_date <= $to", "to", v(to.map(|d| d.to_string())))
        .filter_if(!query.q.trim().is_empty(), "(officer_name @@ $q OR reference @@ $q)", "q", v(query.needle()));
    Ok((sql, query))
}

pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<NominationList, AppError> {
    let state = AppState::current()?;
    let _search = state.limits.search(user, query)?;
    let (sql, query) = query_for(user, query)?;
    let names = crate::directory::current(&state).await?;
    let page = sql.page::<SummaryRow>(&state.db, &query).await?.try_map(|row| row.summary(&names))?;
    let scope = scope(user)?.map(|agency| db::key(&agency));
    let states: Vec<&str> = NominationState::ALL.iter().map(|s| s.as_str()).collect();
    let tallies = db::tally::read(&state.db, "nomination", &states, scope.as_deref()).await?;
    let counts = NominationState::ALL.iter().copied().zip(tallies).collect();
    Ok(NominationList { page, can_create: user.role == Role::Nominator, counts })
}

/// The states a nomination waits in for someone to act.
pub(super) const OPEN: [NominationState; 4] = [
    NominationState::Draft,
    NominationState::Submitted,
    NominationState::UnderReview,
    NominationState::ChangesRequested,
];

/// For each open state, when its oldest nomination got there: one indexed read per state.
pub async fn ages() -> Result<Vec<super::super::StateAge>, AppError> {
    let state = AppState::current()?;
    let sql: String = OPEN
        .iter()
        .map(|s| {
            format!(
                "SELECT VALUE updated_at FROM nomination WHERE state = '{}' ORDER BY updated_at LIMIT 1;",
                s.as_str()
            )
        })
        .collect();
    let mut r = state.db.query(sql).await.and_then(|r| r.check()).map_err(db::fail("nomination ages"))?;
    let mut ages = Vec::new();
    for (i, s) in OPEN.iter().enumerate() {
        let oldest: Vec<DateTime<Utc>> = r.take(i).map_err(db::fail("nomination ages decode"))?;
        ages.push(super::super::StateAge { state: *s, oldest_since: oldest.first().copied() });
    }
    Ok(ages)
}

pub async fn csv(
    state: &AppState,
    user: &CurrentUser,
    query: &ListQuery,
) -> Result<crate::resource::csv::CsvExport, AppError> {
    query.check()?;
    let (sql, query) = query_for(user, query)?;
    let names = crate::directory::current(state).await?;
    Ok(crate::resource::csv::CsvExport::rows(
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
            "nationality",
            "languages",
        ],
        sql,
        &state.db,
        query,
        move |row: SummaryRow| {
            // Names, not codes: the file is read by people.
            let nationality = crate::domain::countries::name(&row.nationality).unwrap_or_default().to_string();
            let languages = crate::domain::languages::names(&row.languages);
            let n = row.summary(&names)?;
            Ok(vec![
                n.reference,
                n.state.label().into(),
                n.officer_name,
                n.sending_member,
                n.sending_agency,
                n.host_agency,
                format::date(n.start_date),
                format::date(n.end_date),
                format::timestamp(n.updated_at),
                nationality,
                languages,
            ])
        },
    ))
}
