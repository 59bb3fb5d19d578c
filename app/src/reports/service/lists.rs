//! The lists of reports (filtered, sorted, paged and exported within the caller's scope) and
//! the home page's sections.

use super::*;

/// The list `query` asks for within `user`'s scope, reading `fields` of each row.
pub(super) fn list_query(
    user: &CurrentUser,
    query: &ListQuery,
    today: NaiveDate,
    fields: &'static str,
) -> Result<(ListSql, ListQuery), AppError> {
    query.check()?;
    let mut query = query.clone();
    let owed = matches!(query.status.as_str(), "owed" | "overdue");
    if query.sort.is_empty() {
        // A list of what is owed opens on the date each is owed by; any other on what needs
        // attention first.
        query.sort = if owed { "due" } else { "attention" }.into();
        query.dir = "asc".into();
    }
    let key = |text: &str| crate::api::parse_key(text).ok();
    let state = ReportState::parse(&query.status).map(|s| s.as_str().to_string());
    let kind = ReportKind::parse(&query.kind).map(|k| k.as_str().to_string());
    let author = crate::reports::cycles::Author::parse(&query.role).map(|a| a.as_str().to_string());
    let (sending, host, placement) = (key(&query.agency), key(&query.host), key(&query.key));
    let (from, to) = query.date_range();
    let sql = scoped(user, fields)?
        .sorted_by(if owed { OWED_SORTS } else { SORTS })
        .filter_if(state.is_some(), "state = $state", "state", v(state))
        .filter_if(query.status == "overdue", OVERDUE, "today", v(today.to_string()))
        .condition_if(query.status == "owed", OWED)
        .filter_if(kind.is_some(), "kind = $kind", "kind", v(kind))
        .filter_if(author.is_some(), "author_role = $author", "author", v(author))
        .filter_if(sending.is_some(), "sending_agency = $agency", "agency", v(sending.map(|k| db::rid("agency", &k))))
        .filter_if(host.is_some(), "host_agency = $host", "host", v(host.map(|k| db::rid("agency", &k))))
        .filter_if(
            placement.is_some(),
            "placement = $placement",
            "placement",
            v(placement.map(|k| db::rid("placement", &k))),
        )
        .filter_if(from.is_some(), "due_date >= $from", "from", v(from.map(|d| d.to_string())))
        .filter_if(to.is_some(), "due_date <= $to", "to", v(to.map(|d| d.to_string())))
        .search(&query, "officer_name @@ $q");
    Ok((sql, query))
}

#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn list(user: &CurrentUser, query: &ListQuery) -> Result<ReportList, AppError> {
    let state = AppState::current()?;
    let _search = state.limits.search(user, query)?;
    let today = state.clock.today();
    let (sql, query) = list_query(user, query, today, LIST_FIELDS)?;
    let names = crate::directory::current(&state).await?;
    let page = sql.page::<ListRow>(&state.db, &query).await?.try_map(|r| r.summary(today, &names))?;
    Ok(ReportList { page, staff: matches!(user.role, Role::Admin | Role::Coordinator) })
}

/// Up to `limit` reports of `user`'s scope matching `query` (for home pages).
pub async fn first(user: &CurrentUser, query: &ListQuery, limit: usize) -> Result<Vec<ReportSummary>, AppError> {
    in_scope(&AppState::current()?, user, query, limit).await
}

/// Up to `limit` reports of `user`'s scope matching `query`, outside a page (the calendar feed).
pub async fn in_scope(
    state: &AppState,
    user: &CurrentUser,
    query: &ListQuery,
    limit: usize,
) -> Result<Vec<ReportSummary>, AppError> {
    let today = state.clock.today();
    let (sql, query) = list_query(user, query, today, LIST_FIELDS)?;
    let names = crate::directory::current(state).await?;
    let rows = sql.first::<ListRow>(&state.db, &query, limit).await?;
    rows.into_iter().map(|r| r.summary(today, &names)).collect()
}

/// The reports blocks of a home page, by role: the secondee's next reports, the host's
/// assessments owed, the nominator's agency's reports owed, and the coordinator's due this week,
/// overdue (oldest first) and waiting for review.
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn overview(user: &CurrentUser) -> Result<Vec<crate::reports::ReportsSection>, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    let by_due =
        |status: &str| ListQuery { status: status.into(), sort: "due".into(), dir: "asc".into(), ..Default::default() };
    let section = |id: &'static str, heading: &'static str, empty: &'static str, query: ListQuery| async move {
        Ok::<_, AppError>(crate::reports::ReportsSection {
            id: id.into(),
            heading: heading.into(),
            empty: empty.into(),
            reports: first(user, &query, 12).await?,
            list: query.href("/reports"),
        })
    };
    Ok(match user.role {
        Role::Secondee => vec![
            section(
                "next-reports",
                "Your next reports",
                "No report is owed.",
                ListQuery { role: "secondee".into(), ..by_due("owed") },
            )
            .await?,
        ],
        Role::Host => vec![
            section(
                "assessments-owed",
                "Assessments owed",
                "No assessment is owed.",
                ListQuery { role: "host".into(), ..by_due("owed") },
            )
            .await?,
        ],
        Role::Nominator => vec![
            section("reports-overdue", "Overdue reports", "No report is overdue.", by_due("overdue")).await?,
            section("reports-upcoming", "Reports owed", "No report is owed.", by_due("owed")).await?,
        ],
        Role::Coordinator | Role::Admin => {
            let week = ListQuery {
                from: today.to_string(),
                to: (today + chrono::Duration::days(7)).to_string(),
                ..by_due("owed")
            };
            vec![
                section("due-this-week", "Due this week", "Nothing is due this week.", week).await?,
                section("overdue", "Overdue, oldest first", "No report is overdue.", by_due("overdue")).await?,
                section("waiting-review", "Waiting for review", "No report waits for review.", by_due("submitted"))
                    .await?,
            ]
        }
        Role::Donor => Vec::new(),
    })
}

pub async fn csv(
    state: &AppState,
    user: &CurrentUser,
    query: &ListQuery,
) -> Result<crate::resource::csv::CsvExport, AppError> {
    query.check()?;
    let today = state.clock.today();
    let (sql, query) = list_query(user, query, today, CSV_FIELDS)?;
    let names = crate::directory::current(state).await?;
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let cells = move |row: ListRow| {
        let (reference, author_role) = (row.reference.clone(), row.author_role.clone());
        let s = row.summary(today, &names)?;
        Ok(vec![
            if reference.is_empty() { s.placement_id.clone() } else { reference },
            s.officer_name,
            s.kind.as_str().to_string(),
            author_role,
            s.period_start.to_string(),
            s.period_end.to_string(),
            s.due_date.to_string(),
            s.state.as_str().to_string(),
            yes_no(s.overdue),
            s.submitted_at.map(crate::ui::format::timestamp).unwrap_or_default(),
            yes_no(s.shared_with_donor),
        ])
    };
    Ok(crate::resource::csv::CsvExport::rows(
        &[
            "placement",
            "officer",
            "kind",
            "author",
            "period_start",
            "period_end",
            "due_date",
            "state",
            "overdue",
            "submitted_at",
            "shared_with_donor",
        ],
        sql,
        &state.db,
        query,
        cells,
    ))
}
