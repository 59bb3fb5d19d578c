//! Outcomes by theme: the counts in one grouped query, one theme's outcomes, and the CSV
//! (ssr).

use surrealdb::types::{RecordId, SurrealValue};

use crate::auth::{CurrentUser, Role};
use crate::db::{self, v};
use crate::error::AppError;
use crate::listing::ListQuery;
use crate::reports::outcomes::*;
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
struct CountRow {
    theme: RecordId,
    name: Option<String>,
    reports: i64,
    placements: i64,
}

#[derive(Debug, SurrealValue)]
struct OutcomeRow {
    id: RecordId,
    officer_name: String,
    sending_agency: String,
    period_end: String,
    outcomes: String,
}

/// A WHERE condition and the parameters it binds.
type Condition = (String, Vec<(&'static str, surrealdb::types::Value)>);

/// The conditions and parameters of the caller's scope and the page's filters.
fn conditions(user: &CurrentUser, query: &ListQuery) -> Result<Condition, AppError> {
    query.check()?;
    let mut sql = vec!["state = 'accepted'"];
    let mut vars = Vec::new();
    let agency = user.agency.as_ref().map(|a| db::rid("agency", &a.id));
    match user.role {
        Role::Admin | Role::Coordinator => {}
        Role::Nominator => {
            sql.push("sending_agency = $scope");
            vars.push(("scope", v(agency.ok_or(AppError::Forbidden)?)));
        }
        Role::Host => {
            sql.push("host_agency = $scope");
            vars.push(("scope", v(agency.ok_or(AppError::Forbidden)?)));
        }
        Role::Secondee => {
            sql.push("officer_email = $scope");
            vars.push(("scope", v(user.email.to_lowercase())));
        }
        Role::Donor => {
            sql.push(crate::reports::SHARED_WITH_DONOR);
            vars.push(("scope", v(user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::Forbidden)?)));
        }
    }
    let key = |text: &str| crate::api::parse_key(text).ok();
    if let Some(member) = key(&query.member) {
        sql.push("sending_agency.member = $member");
        vars.push(("member", v(db::rid("member", &member))));
    }
    if let Some(agency) = key(&query.agency) {
        sql.push("sending_agency = $agency");
        vars.push(("agency", v(db::rid("agency", &agency))));
    }
    let (from, to) = query.date_range();
    if let Some(from) = from {
        sql.push("period_end >= $from");
        vars.push(("from", v(from.to_string())));
    }
    if let Some(to) = to {
        sql.push("period_start <= $to");
        vars.push(("to", v(to.to_string())));
    }
    Ok((sql.join(" AND "), vars))
}

async fn counts(state: &AppState, user: &CurrentUser, query: &ListQuery) -> Result<Vec<ThemeCount>, AppError> {
    let (condition, vars) = conditions(user, query)?;
    let sql = format!(
        "SELECT themes AS theme, themes.name AS name, reports, array::len(placements) AS placements FROM (
            SELECT themes, count() AS reports, array::distinct(array::group(placement)) AS placements FROM (
                SELECT themes, placement FROM report WHERE {condition} AND array::len(themes) > 0 SPLIT themes
            ) GROUP BY themes
         ) ORDER BY reports DESC, name"
    );
    let mut q = state.db.query(sql);
    for (name, value) in vars {
        q = q.bind((name, value));
    }
    let mut r = q.await.and_then(|r| r.check()).map_err(db::fail("outcomes by theme"))?;
    let rows: Vec<CountRow> = r.take(0).map_err(db::fail("outcomes decode"))?;
    Ok(rows
        .into_iter()
        .map(|row| ThemeCount {
            theme_id: db::key(&row.theme),
            theme: row.name.unwrap_or_default(),
            reports: row.reports.max(0) as u64,
            placements: row.placements.max(0) as u64,
        })
        .collect())
}

pub async fn by_theme(user: &CurrentUser, query: &ListQuery) -> Result<OutcomesData, AppError> {
    let state = AppState::current()?;
    let themes = counts(&state, user, query).await?;
    let outcomes = match crate::api::parse_key(&query.theme).ok() {
        None => Vec::new(),
        Some(theme) => {
            let (condition, vars) = conditions(user, query)?;
            let sql = format!(
                "SELECT id, officer_name, sending_agency.name AS sending_agency, period_end, outcomes FROM report
                 WHERE {condition} AND themes CONTAINS $theme ORDER BY period_end DESC LIMIT 50"
            );
            let mut q = state.db.query(sql).bind(("theme", v(db::rid("theme", &theme))));
            for (name, value) in vars {
                q = q.bind((name, value));
            }
            let mut r = q.await.and_then(|r| r.check()).map_err(db::fail("outcomes of a theme"))?;
            let rows: Vec<OutcomeRow> = r.take(0).map_err(db::fail("outcomes decode"))?;
            rows.into_iter()
                .map(|row| {
                    Ok(Outcome {
                        report_id: db::key(&row.id),
                        officer_name: row.officer_name,
                        sending_agency: row.sending_agency,
                        period_end: crate::domain::parse_date(&row.period_end)
                            .map_err(|e| AppError::internal("report date", e))?,
                        outcomes: row.outcomes,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()?
        }
    };
    Ok(OutcomesData { themes, outcomes, staff: matches!(user.role, Role::Admin | Role::Coordinator) })
}

pub async fn csv(state: &AppState, user: &CurrentUser, query: &ListQuery) -> Result<String, AppError> {
    let rows = counts(state, user, query).await?;
    Ok(crate::listing::csv(
        &["theme", "accepted_reports", "placements"],
        rows.into_iter().map(|r| vec![r.theme, r.reports.to_string(), r.placements.to_string()]),
    ))
}
