//! A report as its reader may see it (the author's draft, the reviewer's versions, the donor's
//! shared copy), a placement's reports, and the programme's default cycles.

use super::*;

/// The programme's default cycles.
pub async fn default_cycles(_user: &CurrentUser) -> Result<Vec<crate::reports::CycleView>, AppError> {
    let state = AppState::current()?;
    db::transact(&state, |tx| async move { crate::reports::planning::cycles_of(&tx, None).await }).await
}

/// A coordinator saves a cycle's settings (its kind never changes).
#[tracing::instrument(skip_all, fields(user = %user.id, cycle = %form.id))]
pub async fn save_cycle(
    user: &CurrentUser,
    form: &crate::reports::cycles::CycleForm,
) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(&form.id)?;
    let id = db::rid("report_cycle", &key);
    let cycle = form.validate()?;
    let today = state.clock.today();
    let (id, cycle) = (&id, &cycle);
    let placement = db::transact(&state, |tx| async move {
        let mut r = tx.run("SELECT VALUE kind FROM ONLY $id", vec![("id", v(id.clone()))]).await?;
        let kind: Option<String> = r.take(0).map_err(db::fail("cycle kind decode"))?;
        if kind.as_deref() != Some(cycle.kind.as_str()) {
            return Err(AppError::NotFound);
        }
        let placement = crate::reports::planning::change_cycle(&tx, id, cycle, today).await?;
        let after = serde_json::to_value(cycle).map_err(|e| AppError::internal("cycle snapshot", e))?;
        audit::record(&tx, &Actor::user(user), "updated", "report_cycle", &db::key(id), None, Some(&after)).await?;
        Ok(placement)
    })
    .await?;
    Ok(match placement {
        Some(p) => crate::api::Done::new(
            format!("{} cycle saved; its reports were planned again.", cycle.kind.label()),
            format!("/placements/{}", db::key(&p)),
        ),
        None => crate::api::Done::new(
            format!("{} cycle saved. Placements approved from now on get it.", cycle.kind.label()),
            "/reports/cycles",
        ),
    })
}

/// The reports of one placement that `user` may read (a donor: those shared with it), by due
/// date, read inside `tx` (for the placement's page).
pub async fn of_placement(
    tx: &Tx,
    user: &CurrentUser,
    placement: &RecordId,
    today: NaiveDate,
) -> Result<Vec<ReportSummary>, AppError> {
    let (shared, scope) = match user.role {
        Role::Donor => (format!("AND {}", crate::reports::SHARED_WITH_DONOR), Some(donor_of(user)?)),
        _ => (String::new(), None),
    };
    let mut r = tx
        .run(
            &format!(
                "SELECT {SUMMARY_FIELDS} FROM report WHERE placement = $placement {shared} ORDER BY due_date, kind"
            ),
            vec![("placement", v(placement.clone())), ("scope", v(scope))],
        )
        .await?;
    let rows: Vec<Row> = r.take(0).map_err(db::fail("placement reports decode"))?;
    rows.iter().map(|row| row.summary(today)).collect()
}

#[derive(Debug, SurrealValue)]
pub(super) struct ContentRow {
    activities: String,
    outcomes: String,
    challenges: String,
    next_steps: String,
    themes: Vec<NamedRow>,
}

#[derive(Debug, SurrealValue)]
pub(super) struct NamedRow {
    id: RecordId,
    name: String,
}

#[derive(Debug, SurrealValue)]
pub(super) struct VersionRow {
    version: i64,
    at: DateTime<Utc>,
    author_label: String,
    activities: String,
    outcomes: String,
    challenges: String,
    next_steps: String,
    themes: Vec<NamedRow>,
    /// (id, file name) of the files attached at submission.
    documents: Vec<NamedRow>,
}

#[derive(Debug, SurrealValue)]
pub(super) struct DocumentRow {
    id: RecordId,
    file_name: String,
    size: i64,
}

#[derive(Debug, SurrealValue)]
pub(super) struct EventRow {
    at: DateTime<Utc>,
    actor_label: String,
    kind: String,
    note: Option<String>,
}

pub(super) fn themes(rows: Vec<NamedRow>) -> Vec<(String, String)> {
    rows.into_iter().map(|t| (db::key(&t.id), t.name)).collect()
}

/// The report `key` as `user` may see it, read inside `tx`.
pub(crate) async fn load_in(tx: &Tx, user: &CurrentUser, key: &str) -> Result<Row, AppError> {
    let key = crate::api::parse_key(key)?;
    let mut r =
        tx.run(&format!("SELECT {SUMMARY_FIELDS} FROM ONLY $id"), vec![("id", v(db::rid("report", &key)))]).await?;
    let row: Option<Row> = r.take(0).map_err(db::fail("report decode"))?;
    let row = row.ok_or(AppError::NotFound)?;
    if user.role == Role::Donor {
        // Shared and accepted, of a placement the donor's agreements fund.
        let mut r = tx
            .run(
                &format!(
                    "RETURN count(SELECT id FROM report WHERE id = $id AND {})",
                    crate::reports::SHARED_WITH_DONOR
                ),
                vec![("id", v(row.id.clone())), ("scope", v(donor_of(user)?))],
            )
            .await?;
        let visible: Option<i64> = r.take(0).map_err(db::fail("donor report check"))?;
        return if visible.unwrap_or(0) > 0 { Ok(row) } else { Err(AppError::NotFound) };
    }
    Some(row).filter(|row| may_see(user, row)).ok_or(AppError::NotFound)
}

/// What a version row reads: its content, themes and the files it went with.
pub(super) const VERSION_FIELDS: &str = "version, at, author_label, activities, outcomes, challenges, next_steps,
    (SELECT id, name FROM $parent.themes) AS themes,
    (SELECT id, file_name AS name FROM $parent.documents) AS documents";

impl VersionRow {
    fn view(self) -> ReportVersion {
        ReportVersion {
            documents: themes(self.documents),
            version: self.version.max(0) as u32,
            at: self.at,
            author: self.author_label,
            content: ReportContent {
                activities: self.activities,
                outcomes: self.outcomes,
                challenges: self.challenges,
                next_steps: self.next_steps,
                themes: themes(self.themes),
            },
        }
    }
}

/// Who writes `row`, as its page says: the secondee by name, the host agency, or the RSO.
pub(super) fn author_label(row: &Row) -> String {
    match row.author_role.as_str() {
        "secondee" => format!("{} (the secondee)", row.officer_name),
        "host" => format!("{} (the host agency)", row.host_agency),
        other => crate::reports::cycles::Author::parse(other).map(|a| a.label()).unwrap_or("—").to_string(),
    }
}

/// The report `id` as `user` may see it: a donor, the version shared with it; anyone else, the
/// whole report, with the draft for its author alone.
#[tracing::instrument(skip_all, fields(user = %user.id, report = %id))]
pub async fn get(user: &CurrentUser, id: &str) -> Result<ReportDetail, AppError> {
    if user.role == Role::Donor {
        return shared(user, id).await.map(ReportDetail::Donor);
    }
    let state = AppState::current()?;
    let today = state.clock.today();
    let (row, content, versions, events, (choices, documents)) = db::transact(&state, |tx| async move {
        let row = load_in(&tx, user, id).await?;
        let mut r = tx
            .run(
                &format!(
                    "SELECT activities, outcomes, challenges, next_steps, (SELECT id, name FROM $parent.themes) AS themes FROM ONLY $id;
                     SELECT {VERSION_FIELDS} FROM report_version WHERE report = $id ORDER BY version DESC;
                     SELECT at, actor_label, kind, note FROM report_event WHERE report = $id ORDER BY at;
                     SELECT id, name FROM theme WHERE active = true ORDER BY name_key;
                     SELECT id, file_name, size FROM report_document WHERE report = $id ORDER BY uploaded_at;"
                ),
                vec![("id", v(row.id.clone()))],
            )
            .await?;
        let content: Option<ContentRow> = r.take(0).map_err(db::fail("report content decode"))?;
        let versions: Vec<VersionRow> = r.take(1).map_err(db::fail("report versions decode"))?;
        let events: Vec<EventRow> = r.take(2).map_err(db::fail("report history decode"))?;
        let choices: Vec<NamedRow> = r.take(3).map_err(db::fail("themes decode"))?;
        let documents: Vec<DocumentRow> = r.take(4).map_err(db::fail("report files decode"))?;
        Ok((row, content, versions, events, (choices, documents)))
    })
    .await?;
    let content = content.ok_or(AppError::NotFound)?;
    let summary = row.summary(today)?;
    let author = is_author(user, &row);
    let state_now = summary.state;
    Ok(ReportDetail::Full(ReportView {
        author_label: author_label(&row),
        resubmit_by: row.resubmit_by.as_deref().map(db::stored::date).transpose()?,
        reason: row.reason.clone(),
        draft: author.then(|| ReportContent {
            activities: content.activities,
            outcomes: content.outcomes,
            challenges: content.challenges,
            next_steps: content.next_steps,
            themes: themes(content.themes),
        }),
        documents: documents
            .into_iter()
            .map(|d| {
                let id = db::key(&d.id);
                let sent_with = versions
                    .iter()
                    .filter(|v| v.documents.iter().any(|sent| sent.id == d.id))
                    .map(|v| v.version.max(0) as u32)
                    .min();
                crate::reports::ReportFile { id, file_name: d.file_name, size: d.size, sent_with }
            })
            .collect(),
        versions: versions.into_iter().map(VersionRow::view).collect(),
        history: events
            .into_iter()
            .map(|e| {
                Ok(ReportEvent { at: e.at, actor: e.actor_label, kind: db::stored::value(&e.kind)?, note: e.note })
            })
            .collect::<Result<_, AppError>>()?,
        can_write: author && state_now.is_owed(),
        can_review: user.role == Role::Coordinator,
        theme_choices: themes(choices),
        summary,
    }))
}

/// The report `id` as the donor it is shared with sees it: its latest version, which is the one
/// accepted (a report is accepted as last submitted), with the files sent with it.
pub(super) async fn shared(user: &CurrentUser, id: &str) -> Result<DonorReportView, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    let (row, latest) = db::transact(&state, |tx| async move {
        let row = load_in(&tx, user, id).await?;
        let mut r = tx
            .run(
                &format!(
                    "SELECT {VERSION_FIELDS} FROM report_version WHERE report = $id ORDER BY version DESC LIMIT 1"
                ),
                vec![("id", v(row.id.clone()))],
            )
            .await?;
        let latest: Vec<VersionRow> = r.take(0).map_err(db::fail("shared version decode"))?;
        Ok((row, latest))
    })
    .await?;
    let version = latest.into_iter().next().ok_or(AppError::NotFound)?.view();
    Ok(DonorReportView {
        summary: row.summary(today)?,
        author_label: author_label(&row),
        version: version.version,
        content: version.content,
        documents: version.documents,
    })
}
