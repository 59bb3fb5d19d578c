//! Server-side work of `funding::iati`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use surrealdb::types::{RecordId, SurrealValue};

use crate::auth::guard;
use crate::db::{self, v};
use crate::domain::Money;
use crate::domain::{parse_date, Currency};
use crate::error::AppError;
use crate::funding::disclosure::{publishable, MoneyLine};
use crate::funding::iati::*;
use crate::funding::rules::Category;
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
struct PlacementRow {
    id: RecordId,
    sending: String,
    host: String,
    state: String,
    start_date: String,
    actual_start: Option<String>,
    end_date: String,
    early_end: Option<String>,
    themes: Vec<Named>,
}

use crate::db::stored::NamedRow as Named;

/// A commitment or an expenditure as stored; `date` is an expenditure's, `at` a commitment's.
#[derive(Debug, SurrealValue)]
struct Line {
    placement: RecordId,
    category: String,
    minor: i64,
    date: Option<String>,
    at: Option<chrono::DateTime<chrono::Utc>>,
}

async fn build(state: &AppState, key: &str) -> Result<String, AppError> {
    let agreement = crate::resource::record::<crate::funding::agreements::Agreements>(&state.db, key).await?;
    let mut r = state
        .db
        .query(
            "LET $funded = array::distinct((SELECT VALUE placement FROM commitment WHERE agreement = $agreement));
             SELECT id, sending_agency.name AS sending, host_agency.name AS host, state, start_date, actual_start,
                end_date, early_end, (SELECT id, name FROM $parent.themes) AS themes FROM $funded ORDER BY start_date;
             SELECT placement, category, amount_minor AS minor, NONE AS date, created_at AS at FROM commitment
                WHERE agreement = $agreement;
             SELECT placement, category, converted_minor AS minor, date, NONE AS at FROM expenditure
                WHERE agreement = $agreement;
             SELECT VALUE created_at FROM ONLY $agreement;",
        )
        .bind(("agreement", v(db::rid("funding_agreement", key))))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("iati"))?;
    let placements: Vec<PlacementRow> = r.take(1).map_err(db::fail("iati placements"))?;
    let committed: Vec<Line> = r.take(2).map_err(db::fail("iati committed"))?;
    let spent: Vec<Line> = r.take(3).map_err(db::fail("iati spent"))?;
    let created: Option<chrono::DateTime<chrono::Utc>> = r.take(4).map_err(db::fail("iati signed"))?;
    let currency: Currency = agreement.currency;
    let date = |t: &str| parse_date(t).map_err(|e| AppError::internal("iati date", e));
    // A commitment counts on the office day it was made; an expenditure on the day it was spent.
    let lines = |rows: Vec<Line>| -> Result<Vec<MoneyLine>, AppError> {
        rows.into_iter()
            .map(|l| {
                let day = match (&l.date, l.at) {
                    (Some(day), _) => date(day)?,
                    (None, Some(at)) => state.clock.office_date(at),
                    (None, None) => return Err(AppError::internal("iati line", "no date")),
                };
                Ok(MoneyLine {
                    placement: db::key(&l.placement),
                    date: day,
                    category: Category::parse(&l.category)
                        .ok_or_else(|| AppError::internal("iati category", l.category.clone()))?,
                    amount: Money::from_minor(l.minor, currency),
                })
            })
            .collect()
    };
    let published = |rows: Vec<Line>| publishable(&lines(rows)?).map_err(|e| AppError::internal("iati sums", e));
    let (committed, spent) = (published(committed)?, published(spent)?);
    let mut iati_placements = Vec::new();
    for p in placements {
        let finished = matches!(p.state.as_str(), "completed" | "terminated");
        let last = p.early_end.clone().unwrap_or_else(|| p.end_date.clone());
        iati_placements.push(IatiPlacement {
            key: db::key(&p.id),
            sending_agency: p.sending,
            host_agency: p.host,
            started: p.actual_start.is_some(),
            state: p.state,
            planned_start: date(&p.start_date)?,
            actual_start: p.actual_start.as_deref().map(date).transpose()?,
            planned_end: date(&p.end_date)?,
            actual_end: if finished { Some(date(&last)?) } else { None },
            themes: p.themes.into_iter().map(|t| (db::key(&t.id), t.name)).collect(),
        });
    }
    let today = state.clock.today();
    let data = IatiAgreement {
        org_id: state.settings.iati_org_id.clone(),
        reference: agreement.shown.reference,
        title: agreement.shown.title,
        donor: agreement.shown.donor,
        total: agreement.shown.total,
        period_start: agreement.shown.period.start(),
        period_end: agreement.shown.period.end(),
        signed: created.map(|c| state.clock.office_date(c)).unwrap_or(agreement.shown.period.start()),
        today,
        placements: iati_placements,
        committed,
        spent,
    };
    Ok(activities(&data, &state.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string()))
}

/// `GET /export/iati/{agreement}.xml`, for RSO staff.
pub async fn handler(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let answer = async {
        let user = guard::user_from_headers(&state, &headers).await?;
        let user = guard::check(user, guard::STAFF)?;
        let key = file.strip_suffix(".xml").ok_or(AppError::NotFound)?;
        let key = crate::api::parse_key(key).map_err(|_| AppError::NotFound)?;
        let place = state.limits.export(&user)?;
        Ok((build(&state, &key).await?, place))
    };
    match answer.await {
        Ok((xml, place)) => (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            crate::admin::export::holding(xml.into(), place),
        )
            .into_response(),
        Err(error) => crate::admin::export::refusal(error),
    }
}
