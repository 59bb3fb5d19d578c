//! The lists of placements (filtered, sorted, paged and exported within the caller's scope), the
//! home page's block, the timeline and the counts under way.

use super::*;

/// A list row reads the agencies' keys; their names come from the directory (following the
/// links was a large part of the query's time at ten years).
pub(super) const LIST_FIELDS: &str = "id, nomination.reference ?? '' AS reference, officer_name,
    officer_key, sending_agency AS sending_agency_id,
    host_agency AS host_agency_id, state, start_date, actual_start, original_end, end_date, early_end,
    extensions, overlap";
pub(super) const SORTS: &[(&str, &str)] =
    &[("start", "start_date"), ("end", "end_date"), ("officer", "officer_key"), ("state", "state")];
/// The sorts of placements under way: "start" reads the `placement_open_start` index, which
/// holds only those (migration 0013), instead of every start date since the programme began.
pub(super) const OPEN_SORTS: &[(&str, &str)] =
    &[("start", "open_start"), ("end", "end_date"), ("officer", "officer_key"), ("state", "state")];
/// Planned or active (see `OPEN_SORTS`).
pub(super) const UNDER_WAY: &str = "open_start > ''";

#[derive(Debug, SurrealValue)]
pub(super) struct SummaryRow {
    id: RecordId,
    reference: String,
    officer_name: String,
    sending_agency_id: RecordId,
    host_agency_id: RecordId,
    state: String,
    start_date: String,
    actual_start: Option<String>,
    original_end: Option<String>,
    end_date: String,
    early_end: Option<String>,
    extensions: Option<i64>,
    overlap: bool,
}

impl SummaryRow {
    fn summary(self, names: &Directory) -> Result<crate::placements::PlacementSummary, AppError> {
        let r = self;
        Ok(crate::placements::PlacementSummary {
            id: db::key(&r.id),
            reference: r.reference,
            officer_name: r.officer_name,
            sending_agency: names.name(&r.sending_agency_id),
            host_agency: names.name(&r.host_agency_id),
            state: db::stored::value::<PlacementState>(&r.state)?,
            dates: stored_dates(
                &r.start_date,
                &r.end_date,
                r.original_end.as_deref(),
                r.actual_start.as_deref(),
                r.early_end.as_deref(),
            )?,
            extensions: r.extensions.unwrap_or(0).max(0) as u32,
            overlap: r.overlap,
        })
    }
}

/// The placements `user` may list: all for RSO staff, the agency's for its nominators (sent) and
/// hosts (hosted), their own for a secondee, none for a donor (until funding).
pub(super) fn scoped(user: &CurrentUser) -> Result<crate::resource::store::ListSql, AppError> {
    let agency = user.agency.as_ref().map(|a| db::rid("agency", &a.id));
    let all = crate::resource::store::ListSql::new("placement", LIST_FIELDS, SORTS)
        .with_descending_twins(&["start_date"])
        .with_listed_order(&["start_date_desc", "officer_key", "end_date", "state"]);
    Ok(match user.role {
        Role::Admin | Role::Coordinator => all,
        Role::Nominator => all.filter("sending_agency = $scope", "scope", v(agency.ok_or(AppError::Forbidden)?)),
        Role::Host => all.filter("host_agency = $scope", "scope", v(agency.ok_or(AppError::Forbidden)?)),
        Role::Secondee => all.filter("officer_email = $scope", "scope", v(user.email.to_lowercase())),
        Role::Donor => all.filter(
            crate::placements::FUNDED_BY_DONOR,
            "scope",
            v(user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::Forbidden)?),
        ),
    })
}

pub(super) fn list_query(
    user: &CurrentUser,
    query: &crate::listing::ListQuery,
) -> Result<(crate::resource::store::ListSql, crate::listing::ListQuery), AppError> {
    let mut query = query.clone();
    if query.sort.is_empty() {
        query.sort = "start".into();
        query.dir = "desc".into();
    }
    let scope = scoped(user)?;
    let key = |text: &str| crate::api::parse_key(text).ok();
    let state = PlacementState::parse(&query.status).map(|s| s.as_str().to_string());
    let (sending, host, theme, member) = (key(&query.agency), key(&query.host), key(&query.theme), key(&query.member));
    let (from, to) = query.date_range();
    let sql = scope
        .filter_if(state.is_some(), "state = $state", "state", v(state))
        .filter_if(sending.is_some(), "sending_agency = $agency", "agency", v(sending.map(|k| db::rid("agency", &k))))
        .filter_if(host.is_some(), "host_agency = $host", "host", v(host.map(|k| db::rid("agency", &k))))
        .filter_if(theme.is_some(), "themes CONTAINS $theme", "theme", v(theme.map(|k| db::rid("theme", &k))))
        .filter_if(member.is_some(), "sending_member = $member", "member", v(member.map(|k| db::rid("member", &k))))
        .filter_if(query.kind == "overlap", "overlap = true", "overlap", v(true))
        // The period window: placements that share at least one day with it.
        .filter_if(from.is_some(), "last_day >= $from", "from", v(from.map(|d| d.to_string())))
        .filter_if(to.is_some(), "start_date <= $to", "to", v(to.map(|d| d.to_string())))
        .filter_if(!query.q.trim().is_empty(), "officer_name @@ $q", "q", v(query.needle()));
    Ok((sql, query))
}

#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn list(
    user: &CurrentUser,
    query: &crate::listing::ListQuery,
) -> Result<crate::placements::PlacementList, AppError> {
    let state = AppState::current()?;
    let _search = state.limits.search(user, query)?;
    let (sql, query) = list_query(user, query)?;
    let names = crate::directory::current(&state).await?;
    let page = sql.page::<SummaryRow>(&state.db, &query).await?.try_map(|row| row.summary(&names))?;
    Ok(crate::placements::PlacementList { page, staff: matches!(user.role, Role::Admin | Role::Coordinator) })
}

pub async fn csv(
    state: &AppState,
    user: &CurrentUser,
    query: &crate::listing::ListQuery,
) -> Result<crate::resource::csv::CsvExport, AppError> {
    query.check()?;
    let (sql, query) = list_query(user, query)?;
    let names = crate::directory::current(state).await?;
    let day = |d: Option<NaiveDate>| d.map(crate::ui::format::date).unwrap_or_default();
    Ok(crate::resource::csv::CsvExport::rows(
        &[
            "reference",
            "officer",
            "sending_agency",
            "host_agency",
            "state",
            "planned_start",
            "actual_start",
            "original_end",
            "current_end",
            "early_end",
            "extensions",
            "overlap",
        ],
        sql,
        &state.db,
        query,
        move |row: SummaryRow| {
            let p = row.summary(&names)?;
            Ok(vec![
                p.reference,
                p.officer_name,
                p.sending_agency,
                p.host_agency,
                p.state.as_str().to_string(),
                day(Some(p.dates.planned_start)),
                day(p.dates.actual_start),
                day(Some(p.dates.original_end)),
                day(Some(p.dates.current_end)),
                day(p.dates.early_end),
                p.extensions.to_string(),
                if p.overlap { "yes".into() } else { "no".into() },
            ])
        },
    ))
}

/// Up to `limit` placements of `user`'s scope matching `query` (the calendar feed).
pub async fn in_scope(
    state: &AppState,
    user: &CurrentUser,
    query: &crate::listing::ListQuery,
    limit: usize,
) -> Result<Vec<crate::placements::PlacementSummary>, AppError> {
    query.check()?;
    let (sql, query) = list_query(user, query)?;
    let names = crate::directory::current(state).await?;
    let rows = sql.first::<SummaryRow>(&state.db, &query, limit).await?;
    rows.into_iter().map(|row| row.summary(&names)).collect()
}

/// How far ahead the home page looks for starts and ends.
pub(super) const SOON_DAYS: u64 = 30;
/// How many placements each list of the home page shows.
pub(super) const HOME_ROWS: usize = 12;

/// The placements block of a home page, within the caller's scope: the placements under way,
/// what starts or ends within [`SOON_DAYS`], and for RSO staff the count by state and the
/// overlaps. Nothing for a donor, whose home page does not show it.
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn overview(user: &CurrentUser) -> Result<crate::placements::PlacementsAtGlance, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    if user.role == Role::Donor {
        // A donor's home shows its funding instead (`funding::pages::donor_blocks`).
        let (current, starting, ending, counts, overlaps) = Default::default();
        return Ok(crate::placements::PlacementsAtGlance { today, current, starting, ending, counts, overlaps });
    }
    let soon = today.checked_add_days(chrono::Days::new(SOON_DAYS)).unwrap_or(today);
    let (from, to) = (v(today.to_string()), v(soon.to_string()));
    let sorted = |sort: &str| crate::listing::ListQuery { sort: sort.into(), dir: "asc".into(), ..Default::default() };
    let names = crate::directory::current(&state).await?;
    let summaries =
        |rows: Vec<SummaryRow>| rows.into_iter().map(|row| row.summary(&names)).collect::<Result<Vec<_>, AppError>>();
    let current = scoped(user)?.condition(UNDER_WAY).sorted_by(OPEN_SORTS);
    let current = summaries(current.first(&state.db, &sorted("start"), HOME_ROWS).await?)?;
    let starting = scoped(user)?.filter("state = 'planned' AND start_date >= $from", "from", from.clone()).filter(
        "start_date <= $to",
        "to",
        to.clone(),
    );
    let starting = summaries(starting.first(&state.db, &sorted("start"), HOME_ROWS).await?)?;
    let ending = scoped(user)?.filter("state = 'active' AND last_day >= $from", "from", from).filter(
        "last_day <= $to",
        "to",
        to,
    );
    let ending = summaries(ending.first(&state.db, &sorted("end"), HOME_ROWS).await?)?;
    let staff = matches!(user.role, Role::Admin | Role::Coordinator);
    let (counts, overlaps) = if staff {
        // One indexed count per state, in one round trip.
        let sql: String = PlacementState::ALL
            .iter()
            .map(|s| format!("SELECT count() AS total FROM placement WHERE state = '{}' GROUP ALL;", s.as_str()))
            .collect();
        let mut r = state.db.query(sql).await.and_then(|r| r.check()).map_err(db::fail("placement counts"))?;
        let mut counts = Vec::new();
        for (i, placement_state) in PlacementState::ALL.into_iter().enumerate() {
            let total: Option<i64> = r.take((i, "total")).map_err(db::fail("placement counts decode"))?;
            counts.push((placement_state, total.unwrap_or(0).max(0) as u64));
        }
        let overlapping = scoped(user)?.condition("overlap = true").condition(UNDER_WAY).sorted_by(OPEN_SORTS);
        (counts, summaries(overlapping.first(&state.db, &sorted("start"), HOME_ROWS).await?)?)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(crate::placements::PlacementsAtGlance { today, current, starting, ending, counts, overlaps })
}

/// At most this many placements are drawn on one timeline; the page says when there are more.
pub(super) const TIMELINE_LIMIT: usize = 1000;
/// The longest window a timeline draws.
pub(super) const TIMELINE_MAX_YEARS: u32 = 10;

/// The timeline's window from the query, by default from three months back to nine ahead; a
/// window that runs backwards or spans more than ten years is refused at its field.
pub fn timeline_window(query: &crate::listing::ListQuery, today: NaiveDate) -> Result<crate::domain::Period, AppError> {
    use crate::domain::{add_months, Period};
    query.check()?;
    let this_month = today.with_day(1).unwrap_or(today);
    let (from, to) = query.date_range();
    let from = from.unwrap_or_else(|| this_month.checked_sub_months(chrono::Months::new(3)).unwrap_or(this_month));
    let to = to.unwrap_or_else(|| add_months(from, 12).pred_opt().unwrap_or(from));
    let window = Period::new(from, to).map_err(|_| AppError::field("to", "Choose an end on or after the start."))?;
    if add_months(from, 12 * TIMELINE_MAX_YEARS) <= to {
        return Err(AppError::field("to", "Choose a window of at most ten years."));
    }
    Ok(window)
}

/// Bars on the coordinator's dashboard: enough to see what starts and ends soon; the timeline
/// page draws them all.
pub const DASHBOARD_TIMELINE_ROWS: usize = 25;

pub async fn timeline(
    user: &CurrentUser,
    query: &crate::listing::ListQuery,
) -> Result<crate::placements::TimelineData, AppError> {
    timeline_of(user, query, TIMELINE_LIMIT).await
}

/// The first `limit` placements of the query's window, by start; `truncated` when there are more.
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn timeline_of(
    user: &CurrentUser,
    query: &crate::listing::ListQuery,
    limit: usize,
) -> Result<crate::placements::TimelineData, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    let window = timeline_window(query, today)?;
    let mut query = query.clone();
    query.from = window.start().to_string();
    query.to = window.end().to_string();
    query.sort = "start".into();
    query.dir = "asc".into();
    let (sql, query) = list_query(user, &query)?;
    // A window that starts within the last year holds the placements still running then: read
    // those through the last-day index (a thousand rows at ten years) rather than every start
    // since the programme began, which is the start-date index the planner picks for the sort.
    let recent = today.checked_sub_months(chrono::Months::new(12)).unwrap_or(today);
    let sql = if window.start() >= recent { sql.through_index("placement_last_day") } else { sql };
    let names = crate::directory::current(&state).await?;
    let rows = sql.first::<SummaryRow>(&state.db, &query, limit + 1).await?;
    let truncated = rows.len() > limit;
    let rows = rows.into_iter().take(limit).map(|row| row.summary(&names)).collect::<Result<Vec<_>, _>>()?;
    Ok(crate::placements::TimelineData {
        from: window.start(),
        to: window.end(),
        today,
        rows,
        truncated,
        staff: matches!(user.role, Role::Admin | Role::Coordinator),
    })
}

#[derive(Debug, SurrealValue)]
pub(super) struct CountRow {
    id: Option<RecordId>,
    name: Option<String>,
    n: i64,
}

/// Placements under way by sending member and by theme, most first.
pub async fn counts() -> Result<crate::placements::CountsUnderWay, AppError> {
    let state = AppState::current()?;
    let mut r = state
        .db
        .query(
            "SELECT id, id.name AS name, n FROM (
                SELECT sending_member AS id, count() AS n FROM placement
                WHERE open_start > '' AND sending_member != NONE GROUP BY id
             ) ORDER BY n DESC, name;
             SELECT themes AS id, themes.name AS name, n FROM (
                SELECT themes, count() AS n FROM (
                    SELECT themes FROM placement WHERE open_start > '' AND array::len(themes) > 0 SPLIT themes
                ) GROUP BY themes
             ) ORDER BY n DESC, name;",
        )
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("placement counts"))?;
    let pairs = |rows: Vec<CountRow>| {
        rows.into_iter()
            .filter_map(|c| c.id.map(|id| (db::key(&id), c.name.unwrap_or_default(), c.n.max(0) as u64)))
            .collect::<Vec<_>>()
    };
    let members: Vec<CountRow> = r.take(0).map_err(db::fail("counts by member decode"))?;
    let themes: Vec<CountRow> = r.take(1).map_err(db::fail("counts by theme decode"))?;
    Ok(crate::placements::CountsUnderWay { by_member: pairs(members), by_theme: pairs(themes) })
}
