//! Reports within the caller's scope: the list and its CSV, one report with its versions and
//! history, the author's draft and submission, and a coordinator's review. Every write is one
//! transaction that re-reads the report, applies `rules::decide`, and writes the change, the
//! history, the audit entry and the e-mails together.

use chrono::{DateTime, NaiveDate, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::cycles::ReportKind;
use super::rules::{self, Action, ReportDates, ReportState};
use super::{
    DonorReportView, ReportContent, ReportDetail, ReportEvent, ReportForm, ReportList, ReportSummary, ReportVersion,
    ReportView, ReviewForm,
};
use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::directory::Directory;
use crate::error::{AppError, FieldErrors};
use crate::listing::ListQuery;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::{self, Recipient};
use crate::notifications::templates::{MailContent, NominationMail};
use crate::notifications::EventKind;
use crate::resource::store::ListSql;
use crate::state::AppState;

pub(crate) const SUMMARY_FIELDS: &str =
    "id, cycle AS cycle_id, placement AS placement_id, kind, officer_name, officer_email,
    sending_agency AS sending_agency_id, sending_agency.name AS sending_agency, host_agency AS host_agency_id,
    host_agency.name AS host_agency, host_agency.time_zone AS host_zone, sending_agency.time_zone AS sending_zone,
    author_role, period_start, period_end, due_date, state, resubmit_by, reason, submitted_at, shared_with_donor,
    officer_key, placement.nomination.reference ?? '' AS reference";
const SORTS: &[(&str, &str)] =
    &[("due", "due_date"), ("period", "period_start"), ("state", "state"), ("officer", "officer_key")];
/// The sorts of a list of owed reports: "due" is the date each is owed by (a returned report's
/// resubmit-by date), which the `report_owed` index keeps in order.
const OWED_SORTS: &[(&str, &str)] =
    &[("due", "owed_by"), ("period", "period_start"), ("state", "state"), ("officer", "officer_key")];

#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct Row {
    pub id: RecordId,
    pub cycle_id: RecordId,
    pub placement_id: RecordId,
    pub kind: String,
    pub officer_name: String,
    pub officer_email: String,
    pub sending_agency_id: RecordId,
    pub sending_agency: String,
    pub host_agency_id: RecordId,
    pub host_agency: String,
    pub host_zone: Option<String>,
    pub sending_zone: Option<String>,
    pub author_role: String,
    pub period_start: String,
    pub period_end: String,
    pub due_date: String,
    pub state: String,
    pub resubmit_by: Option<String>,
    pub reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub shared_with_donor: bool,
    pub reference: String,
}

fn date(text: &str) -> Result<NaiveDate, AppError> {
    crate::domain::parse_date(text).map_err(|_| AppError::internal("report date", format!("bad date '{text}'")))
}

/// A stored state; an unknown one is a fault of the data.
fn stored_state(text: &str) -> Result<ReportState, AppError> {
    ReportState::parse(text).ok_or_else(|| AppError::internal("report state", format!("unknown '{text}'")))
}

fn stored_kind(text: &str) -> Result<ReportKind, AppError> {
    ReportKind::parse(text).ok_or_else(|| AppError::internal("report kind", format!("unknown '{text}'")))
}

/// The dates the lifecycle rules read, from the stored fields.
fn stored_dates(
    kind: ReportKind,
    period_end: &str,
    due: &str,
    resubmit_by: Option<&str>,
) -> Result<ReportDates, AppError> {
    Ok(ReportDates {
        period_end: date(period_end)?,
        due: date(due)?,
        resubmit_by: resubmit_by.map(date).transpose()?,
        early_submission_allowed: kind == ReportKind::EndOfPlacement,
    })
}

impl Row {
    pub fn state(&self) -> Result<ReportState, AppError> {
        stored_state(&self.state)
    }

    pub fn kind(&self) -> Result<ReportKind, AppError> {
        stored_kind(&self.kind)
    }

    pub fn dates(&self) -> Result<ReportDates, AppError> {
        stored_dates(self.kind()?, &self.period_end, &self.due_date, self.resubmit_by.as_deref())
    }

    /// "Secondee monthly report, 2027-03-01 to 2027-03-31": how mails and pages name it.
    pub fn title(&self) -> String {
        let kind = self.kind().map(|k| k.label()).unwrap_or("Report");
        format!("{kind}, {} to {}", self.period_start, self.period_end)
    }

    fn summary(&self, today: NaiveDate) -> Result<ReportSummary, AppError> {
        let listed = ListRow {
            id: self.id.clone(),
            placement_id: self.placement_id.clone(),
            kind: self.kind.clone(),
            officer_name: self.officer_name.clone(),
            sending_agency_id: self.sending_agency_id.clone(),
            host_agency_id: self.host_agency_id.clone(),
            author_role: self.author_role.clone(),
            period_start: self.period_start.clone(),
            period_end: self.period_end.clone(),
            due_date: self.due_date.clone(),
            state: self.state.clone(),
            resubmit_by: self.resubmit_by.clone(),
            submitted_at: self.submitted_at,
            shared_with_donor: self.shared_with_donor,
            reference: self.reference.clone(),
        };
        listed.summary_named(today, self.sending_agency.clone(), self.host_agency.clone())
    }
}

/// What a list row reads: the agencies' keys, whose names come from the directory (following
/// the links and the placement's nomination cost more than the rest of the query at ten years).
macro_rules! list_fields {
    () => {
        "id, placement AS placement_id, kind, officer_name, sending_agency AS sending_agency_id,
        host_agency AS host_agency_id, author_role, period_start, period_end, due_date, state, resubmit_by,
        submitted_at, shared_with_donor"
    };
}
const LIST_FIELDS: &str = list_fields!();
/// The CSV names each report's placement by its nomination's reference (a page links to it).
const CSV_FIELDS: &str = concat!(list_fields!(), ", placement.nomination.reference ?? '' AS reference");

#[derive(Debug, SurrealValue)]
struct ListRow {
    id: RecordId,
    placement_id: RecordId,
    kind: String,
    officer_name: String,
    sending_agency_id: RecordId,
    host_agency_id: RecordId,
    author_role: String,
    period_start: String,
    period_end: String,
    due_date: String,
    state: String,
    resubmit_by: Option<String>,
    submitted_at: Option<DateTime<Utc>>,
    shared_with_donor: bool,
    /// Read for the CSV only.
    #[surreal(default)]
    reference: String,
}

impl ListRow {
    fn summary(self, today: NaiveDate, names: &Directory) -> Result<ReportSummary, AppError> {
        let (sending, host) = (names.name(&self.sending_agency_id), names.name(&self.host_agency_id));
        self.summary_named(today, sending, host)
    }

    fn summary_named(
        self,
        today: NaiveDate,
        sending_agency: String,
        host_agency: String,
    ) -> Result<ReportSummary, AppError> {
        let (state, kind) = (stored_state(&self.state)?, stored_kind(&self.kind)?);
        let dates = stored_dates(kind, &self.period_end, &self.due_date, self.resubmit_by.as_deref())?;
        Ok(ReportSummary {
            id: db::key(&self.id),
            placement_id: db::key(&self.placement_id),
            kind,
            officer_name: self.officer_name,
            sending_agency,
            host_agency,
            period_start: date(&self.period_start)?,
            period_end: dates.period_end,
            due_date: dates.due,
            state,
            overdue: rules::overdue(state, dates, today),
            submitted_at: self.submitted_at,
            shared_with_donor: self.shared_with_donor,
        })
    }
}

fn agency_of(user: &CurrentUser) -> Option<RecordId> {
    user.agency.as_ref().map(|a| db::rid("agency", &a.id))
}

/// Who may read a report: RSO staff; the sending agency's nominators; the host agency's hosts;
/// the secondee. Anyone else is told "not found".
fn may_see(user: &CurrentUser, row: &Row) -> bool {
    match user.role {
        Role::Admin | Role::Coordinator => true,
        Role::Nominator => agency_of(user).as_ref() == Some(&row.sending_agency_id),
        Role::Host => agency_of(user).as_ref() == Some(&row.host_agency_id),
        Role::Secondee => user.email.eq_ignore_ascii_case(&row.officer_email),
        Role::Donor => false,
    }
}

/// Whether `user` is the report's assigned author.
pub(crate) fn is_author(user: &CurrentUser, row: &Row) -> bool {
    match row.author_role.as_str() {
        "secondee" => user.role == Role::Secondee && user.email.eq_ignore_ascii_case(&row.officer_email),
        "host" => user.role == Role::Host && agency_of(user).as_ref() == Some(&row.host_agency_id),
        "coordinator" => user.role == Role::Coordinator,
        _ => false,
    }
}

/// The report scope of `user` as a list query.
fn scoped(user: &CurrentUser, fields: &'static str) -> Result<ListSql, AppError> {
    let all =
        ListSql::new("report", fields, SORTS).with_listed_order(&["due_date", "officer_key", "period_start", "state"]);
    Ok(match user.role {
        Role::Admin | Role::Coordinator => all,
        Role::Nominator => {
            all.filter("sending_agency = $scope", "scope", v(agency_of(user).ok_or(AppError::Forbidden)?))
        }
        // A host's and a secondee's reports are read through their own index and sorted after:
        // a thousand rows at most, where the sort's index (reports owed, by due date) would walk
        // every owed report of the programme to find theirs (1.5 s at ten years).
        Role::Host => all
            .filter("host_agency = $scope", "scope", v(agency_of(user).ok_or(AppError::Forbidden)?))
            .through_index("report_host"),
        Role::Secondee => {
            all.filter("officer_email = $scope", "scope", v(user.email.to_lowercase())).through_index("report_officer")
        }
        Role::Donor => all.filter(super::SHARED_WITH_DONOR, "scope", v(donor_of(user)?)),
    })
}

fn donor_of(user: &CurrentUser) -> Result<RecordId, AppError> {
    user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::Forbidden)
}

/// The condition of "owed": upcoming, due, or returned for changes. `owed_by` is set exactly
/// then (migration 0013), and any date is after the empty string, so this is one index range.
const OWED: &str = "owed_by > ''";
/// The condition of "overdue", for lists: owed and past the due (or resubmit-by) date.
pub(crate) const OVERDUE: &str = "owed_by > '' AND owed_by < $today";

/// The list `query` asks for within `user`'s scope, reading `fields` of each row.
fn list_query(
    user: &CurrentUser,
    query: &ListQuery,
    today: NaiveDate,
    fields: &'static str,
) -> Result<(ListSql, ListQuery), AppError> {
    query.check()?;
    let mut query = query.clone();
    if query.sort.is_empty() {
        query.sort = "due".into();
        query.dir = "asc".into();
    }
    let key = |text: &str| crate::api::parse_key(text).ok();
    let state = ReportState::parse(&query.status).map(|s| s.as_str().to_string());
    let kind = ReportKind::parse(&query.kind).map(|k| k.as_str().to_string());
    let author = super::cycles::Author::parse(&query.role).map(|a| a.as_str().to_string());
    let (sending, host, placement) = (key(&query.agency), key(&query.host), key(&query.key));
    let (from, to) = query.date_range();
    let owed = matches!(query.status.as_str(), "owed" | "overdue");
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
        .search(&query, "string::contains(string::lowercase(officer_name), $q)");
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
pub async fn overview(user: &CurrentUser) -> Result<Vec<super::ReportsSection>, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    let by_due =
        |status: &str| ListQuery { status: status.into(), sort: "due".into(), dir: "asc".into(), ..Default::default() };
    let section = |id: &'static str, heading: &'static str, empty: &'static str, query: ListQuery| async move {
        Ok::<_, AppError>(super::ReportsSection {
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

/// The programme's default cycles.
pub async fn default_cycles(_user: &CurrentUser) -> Result<Vec<super::CycleView>, AppError> {
    let state = AppState::current()?;
    db::transact(&state, |tx| async move { super::planning::cycles_of(&tx, None).await }).await
}

/// A coordinator saves a cycle's settings (its kind never changes).
#[tracing::instrument(skip_all, fields(user = %user.id, cycle = %form.id))]
pub async fn save_cycle(user: &CurrentUser, form: &super::cycles::CycleForm) -> Result<(), AppError> {
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
        let placement = super::planning::change_cycle(&tx, id, cycle, today).await?;
        let after = serde_json::to_value(cycle).map_err(|e| AppError::internal("cycle snapshot", e))?;
        audit::record(&tx, &Actor::user(user), "updated", "report_cycle", &db::key(id), None, Some(&after)).await?;
        Ok(placement)
    })
    .await?;
    match placement {
        Some(p) => crate::api::done(
            &format!("{} cycle saved; its reports were planned again.", cycle.kind.label()),
            &format!("/placements/{}", db::key(&p)),
        ),
        None => crate::api::done(
            &format!("{} cycle saved. Placements approved from now on get it.", cycle.kind.label()),
            "/reports/cycles",
        ),
    }
    Ok(())
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
        Role::Donor => (format!("AND {}", super::SHARED_WITH_DONOR), Some(donor_of(user)?)),
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
struct ContentRow {
    activities: String,
    outcomes: String,
    challenges: String,
    next_steps: String,
    themes: Vec<NamedRow>,
}

#[derive(Debug, SurrealValue)]
struct NamedRow {
    id: RecordId,
    name: String,
}

#[derive(Debug, SurrealValue)]
struct VersionRow {
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
struct DocumentRow {
    id: RecordId,
    file_name: String,
    size: i64,
}

#[derive(Debug, SurrealValue)]
struct EventRow {
    at: DateTime<Utc>,
    actor_label: String,
    kind: String,
    note: Option<String>,
}

fn themes(rows: Vec<NamedRow>) -> Vec<(String, String)> {
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
                &format!("RETURN count(SELECT id FROM report WHERE id = $id AND {})", super::SHARED_WITH_DONOR),
                vec![("id", v(row.id.clone())), ("scope", v(donor_of(user)?))],
            )
            .await?;
        let visible: Option<i64> = r.take(0).map_err(db::fail("donor report check"))?;
        return if visible.unwrap_or(0) > 0 { Ok(row) } else { Err(AppError::NotFound) };
    }
    Some(row).filter(|row| may_see(user, row)).ok_or(AppError::NotFound)
}

/// What a version row reads: its content, themes and the files it went with.
const VERSION_FIELDS: &str = "version, at, author_label, activities, outcomes, challenges, next_steps,
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
fn author_label(row: &Row) -> String {
    match row.author_role.as_str() {
        "secondee" => format!("{} (the secondee)", row.officer_name),
        "host" => format!("{} (the host agency)", row.host_agency),
        other => super::cycles::Author::parse(other).map(|a| a.label()).unwrap_or("—").to_string(),
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
        resubmit_by: row.resubmit_by.as_deref().map(date).transpose()?,
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
                super::ReportFile { id, file_name: d.file_name, size: d.size, sent_with }
            })
            .collect(),
        versions: versions.into_iter().map(VersionRow::view).collect(),
        history: events
            .into_iter()
            .map(|e| ReportEvent { at: e.at, actor: e.actor_label, kind: e.kind, note: e.note })
            .collect(),
        can_write: author && state_now.is_owed(),
        can_review: user.role == Role::Coordinator,
        theme_choices: themes(choices),
        summary,
    }))
}

/// The report `id` as the donor it is shared with sees it: its latest version, which is the one
/// accepted (a report is accepted as last submitted), with the files sent with it.
async fn shared(user: &CurrentUser, id: &str) -> Result<DonorReportView, AppError> {
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

/// The content of the author's form, checked: on submission, activities and outcomes are
/// required; every section is at most 10,000 characters; themes come from the list.
fn content(form: &ReportForm, known: &[String], submitting: bool) -> Result<(ReportContent, Vec<String>), AppError> {
    let mut errors = FieldErrors::new();
    let mut section = |name: &'static str, text: &str, required: bool| {
        let text = text.trim().to_string();
        if required && text.is_empty() {
            errors.add(name, "Write this section before submitting.");
        } else if text.chars().count() > 10_000 {
            errors.add(name, "Use at most 10,000 characters.");
        }
        text
    };
    let activities = section("activities", &form.activities, submitting);
    let outcomes = section("outcomes", &form.outcomes, submitting);
    let challenges = section("challenges", &form.challenges, false);
    let next_steps = section("next_steps", &form.next_steps, false);
    let mut chosen = Vec::new();
    for theme in form.themes.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !known.iter().any(|k| k == theme) {
            errors.add("themes", "Choose themes from the list.");
        } else if !chosen.iter().any(|c| c == theme) {
            chosen.push(theme.to_string());
        }
    }
    errors.finish(|| (ReportContent { activities, outcomes, challenges, next_steps, themes: Vec::new() }, chosen))
}

/// The author saves the draft, or submits it: a new version, kept as sent.
#[tracing::instrument(skip_all, fields(user = %user.id, report = %form.id))]
pub async fn save(user: &CurrentUser, form: &ReportForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let submitting = form.intent == "submit";
    let known: Vec<String> = {
        let mut r = state
            .db
            .query("SELECT VALUE record::id(id) FROM theme WHERE active = true")
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("themes"))?;
        r.take(0).map_err(db::fail("themes decode"))?
    };
    let (content, chosen) = content(form, &known, submitting)?;
    let today = state.clock.today();
    let (content, chosen) = (&content, &chosen);
    let key = db::transact(&state, |tx| async move {
        let row = load_in(&tx, user, &form.id).await?;
        if !is_author(user, &row) {
            return Err(AppError::Conflict("Only the report's author writes it.".into()));
        }
        let from = row.state()?;
        if !from.is_owed() {
            return Err(AppError::Conflict(format!(
                "This report is {}; it is not written any more.",
                from.label().to_lowercase()
            )));
        }
        let to =
            if submitting { rules::decide(from, &Action::Submit, row.dates()?, today).map_err(refusal)? } else { from };
        let themes: Vec<RecordId> = chosen.iter().map(|k| db::rid("theme", k)).collect();
        tx.run(
            "UPDATE $id SET activities = $activities, outcomes = $outcomes, challenges = $challenges,
                next_steps = $next_steps, themes = $themes, updated_at = $now",
            vec![
                ("id", v(row.id.clone())),
                ("activities", v(content.activities.clone())),
                ("outcomes", v(content.outcomes.clone())),
                ("challenges", v(content.challenges.clone())),
                ("next_steps", v(content.next_steps.clone())),
                ("themes", v(themes)),
            ],
        )
        .await?;
        if submitting {
            tx.run(
                "LET $version = (SELECT VALUE version FROM ONLY $id) + 1;
                 LET $themes = (SELECT VALUE themes FROM ONLY $id);
                 LET $documents = (SELECT VALUE id FROM report_document WHERE report = $id);
                 UPDATE $id SET version = $version, state = $to, submitted_at = $now, resubmit_by = NONE
                    WHERE state = $from;
                 CREATE report_version SET report = $id, version = $version, at = $now, author = $user,
                    author_label = $label, activities = $activities, outcomes = $outcomes, challenges = $challenges,
                    next_steps = $next_steps, themes = $themes, documents = $documents;
                 CREATE report_event SET report = $id, at = $now, actor = $user, actor_label = $label,
                    kind = 'submitted', from_state = $from, to_state = $to, note = NONE;",
                vec![
                    ("id", v(row.id.clone())),
                    ("from", v(from.as_str().to_string())),
                    ("to", v(to.as_str().to_string())),
                    ("user", v(db::rid("user", &user.id))),
                    ("label", v(format!("{} ({})", user.name, user.role.label()))),
                    ("activities", v(content.activities.clone())),
                    ("outcomes", v(content.outcomes.clone())),
                    ("challenges", v(content.challenges.clone())),
                    ("next_steps", v(content.next_steps.clone())),
                ],
            )
            .await?;
        }
        let action = if submitting { "submitted" } else { "draft_saved" };
        let after = serde_json::json!({ "state": to.as_str() });
        audit::record(&tx, &Actor::user(user), action, "report", &db::key(&row.id), None, Some(&after)).await?;
        Ok(db::key(&row.id))
    })
    .await?;
    let notice =
        if submitting { "Report submitted. The Regional Support Office will review it." } else { "Draft saved." };
    crate::api::done(notice, &format!("/reports/{key}"));
    Ok(())
}

fn refusal((field, message): rules::Refusal) -> AppError {
    if field.is_empty() {
        AppError::Conflict(message)
    } else {
        AppError::field(field, message)
    }
}

/// A coordinator's step, parsed: the lifecycle action, or sharing, or a new due date.
enum Step {
    Move(Action),
    Share(bool),
    MoveDue { to: NaiveDate, reason: String },
}

fn parse_step(form: &ReviewForm) -> Result<Step, AppError> {
    let text = |t: &str| t.trim().to_string();
    Ok(match form.action.as_str() {
        "accept" => Step::Move(Action::Accept),
        "return" => {
            let resubmit_by =
                crate::domain::parse_date(&form.resubmit_by).map_err(|m| AppError::field("resubmit_by", m))?;
            Step::Move(Action::Return { comment: text(&form.comment), resubmit_by })
        }
        "reopen" => Step::Move(Action::Reopen { reason: text(&form.reason) }),
        "cancel" => Step::Move(Action::Cancel { reason: text(&form.reason) }),
        "waive" => Step::Move(Action::Waive { reason: text(&form.reason) }),
        "share" => Step::Share(true),
        "unshare" => Step::Share(false),
        "move_due" => {
            let mut errors = FieldErrors::new();
            let to = errors.take("due_date", crate::domain::parse_date(&form.due_date));
            if form.reason.trim().is_empty() {
                errors.add("reason", "Give the reason for the new due date.");
            }
            errors.finish(|| ())?;
            Step::MoveDue { to: to.ok_or(AppError::BadRequest)?, reason: text(&form.reason) }
        }
        _ => return Err(AppError::BadRequest),
    })
}

#[tracing::instrument(skip_all, fields(user = %user.id, report = %form.id, action = %form.action))]
pub async fn review(user: &CurrentUser, form: &ReviewForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let step = parse_step(form)?;
    let today = state.clock.today();
    let (step, state_ref) = (&step, &state);
    let (key, notice) = db::transact(&state, |tx| async move {
        let row = load_in(&tx, user, &form.id).await?;
        let from = row.state()?;
        let label = format!("{} ({})", user.name, user.role.label());
        let notice = match step {
            Step::Move(action) => {
                let to = rules::decide(from, action, row.dates()?, today).map_err(refusal)?;
                let (note, resubmit_by) = match action {
                    Action::Return { comment, resubmit_by } => (Some(comment.clone()), Some(resubmit_by.to_string())),
                    Action::Reopen { reason } | Action::Cancel { reason } | Action::Waive { reason } => (Some(reason.clone()), None),
                    _ => (None, None),
                };
                let mut r = tx
                    .run(
                        "UPDATE $id SET state = $to, resubmit_by = $resubmit_by ?? resubmit_by,
                            reason = IF $to IN ['cancelled', 'waived'] THEN $note ELSE reason END,
                            accepted_at = IF $to = 'accepted' THEN $now ELSE accepted_at END,
                            shared_with_donor = IF $to = 'accepted' THEN shared_with_donor ELSE false END,
                            updated_at = $now
                         WHERE state = $from RETURN VALUE id;
                         CREATE report_event SET report = $id, at = $now, actor = $user, actor_label = $label,
                            kind = $kind, from_state = $from, to_state = $to, note = $note;",
                        vec![
                            ("id", v(row.id.clone())),
                            ("from", v(from.as_str().to_string())),
                            ("to", v(to.as_str().to_string())),
                            ("resubmit_by", v(resubmit_by)),
                            ("note", v(note.clone())),
                            ("user", v(db::rid("user", &user.id))),
                            ("label", v(label)),
                            ("kind", v(action.name().to_string())),
                        ],
                    )
                    .await?;
                let changed: Vec<RecordId> = r.take(0).map_err(db::fail("report step decode"))?;
                if changed.is_empty() {
                    return Err(AppError::Conflict("The report changed meanwhile. Reload the page and try again.".into()));
                }
                let before = serde_json::json!({ "state": from.as_str() });
                let after = serde_json::json!({ "state": to.as_str(), "note": note });
                audit::record(&tx, &Actor::user(user), action.name(), "report", &db::key(&row.id), Some(&before), Some(&after)).await?;
                let event = match action {
                    Action::Return { .. } => Some(EventKind::ReportReturned),
                    Action::Accept => Some(EventKind::ReportAccepted),
                    _ => None,
                };
                if let Some(event) = event {
                    tell_author(&tx, state_ref, &row, event, note.as_deref(), None).await?;
                }
                match action {
                    Action::Accept => "Report accepted. Its author has been told.",
                    Action::Return { .. } => "Report returned to its author with your comment.",
                    Action::Reopen { .. } => "Report reopened for review.",
                    Action::Cancel { .. } => "Report cancelled.",
                    Action::Waive { .. } => "Report waived.",
                    _ => "Done.",
                }
            }
            Step::Share(share) => {
                if *share && from != ReportState::Accepted {
                    return Err(AppError::Conflict("Accept the report before sharing it with the donor.".into()));
                }
                tx.run(
                    "UPDATE $id SET shared_with_donor = $share, updated_at = $now;
                     CREATE report_event SET report = $id, at = $now, actor = $user, actor_label = $label,
                        kind = IF $share THEN 'shared' ELSE 'unshared' END, from_state = $state, to_state = $state, note = NONE;",
                    vec![
                        ("id", v(row.id.clone())),
                        ("share", v(*share)),
                        ("state", v(from.as_str().to_string())),
                        ("user", v(db::rid("user", &user.id))),
                        ("label", v(label)),
                    ],
                )
                .await?;
                let action = if *share { "shared" } else { "unshared" };
                audit::record(&tx, &Actor::user(user), action, "report", &db::key(&row.id), None, None).await?;
                if *share { "Report shared with the donor." } else { "Report no longer shared with the donor." }
            }
            Step::MoveDue { to, reason } => {
                if !from.is_owed() {
                    return Err(AppError::Conflict("This report is in; its due date no longer moves.".into()));
                }
                let period_end = date(&row.period_end)?;
                if *to <= period_end {
                    return Err(AppError::field("due_date", format!("Choose a day after the period's end, {period_end}.")));
                }
                tx.run(
                    "UPDATE $id SET due_date = $due, updated_at = $now;
                     CREATE report_event SET report = $id, at = $now, actor = $user, actor_label = $label,
                        kind = 'due_date_moved', from_state = $state, to_state = $state, note = $note;",
                    vec![
                        ("id", v(row.id.clone())),
                        ("due", v(to.to_string())),
                        ("state", v(from.as_str().to_string())),
                        ("user", v(db::rid("user", &user.id))),
                        ("label", v(label)),
                        ("note", v(format!("Due {} instead of {}: {reason}", to, row.due_date))),
                    ],
                )
                .await?;
                let before = serde_json::json!({ "due_date": row.due_date });
                let after = serde_json::json!({ "due_date": to.to_string(), "reason": reason });
                audit::record(&tx, &Actor::user(user), "due_date_moved", "report", &db::key(&row.id), Some(&before), Some(&after)).await?;
                "Due date moved."
            }
        };
        Ok((db::key(&row.id), notice))
    })
    .await?;
    state.wake_mailer();
    crate::api::done(notice, &format!("/reports/{key}"));
    Ok(())
}

/// Who writes `row`, as mail recipients: the secondee (by their work e-mail), the host agency's
/// contacts, or the coordinators.
pub(crate) async fn authors(tx: &Tx, row: &Row) -> Result<Vec<Recipient>, AppError> {
    match row.author_role.as_str() {
        "secondee" => Ok(vec![Recipient {
            email: row.officer_email.clone(),
            name: row.officer_name.clone(),
            language: "en".into(),
        }]),
        "host" => recipients::agency_contacts(tx, &db::key(&row.host_agency_id)).await,
        _ => recipients::coordinators(tx).await,
    }
}

/// The agency whose contacts hear about `row` with its author, and that agency's time zone: the
/// sending agency for a secondee's report, the host for the host's.
pub(crate) fn authors_agency(row: &Row) -> (&RecordId, Option<&str>) {
    match row.author_role.as_str() {
        "host" => (&row.host_agency_id, row.host_zone.as_deref()),
        _ => (&row.sending_agency_id, row.sending_zone.as_deref()),
    }
}

/// A mail about a report: what, to whom, keyed by which record, saying what, and when.
pub(crate) struct ReportMail<'a> {
    pub event: EventKind,
    pub to: &'a [Recipient],
    pub record: (&'static str, &'a str),
    pub message: Option<&'a str>,
    /// Not before this instant (08:00 where the author's agency is); `None` sends at once.
    pub not_before: Option<DateTime<Utc>>,
}

/// Queues `mail` about `row`.
pub(crate) async fn tell(tx: &Tx, state: &AppState, row: &Row, mail: ReportMail<'_>) -> Result<(), AppError> {
    let ReportMail { event, to, record: (record_table, record_key), message, not_before } = mail;
    let key = db::key(&row.id);
    for recipient in to {
        let content = MailContent::Nomination(NominationMail {
            event,
            name: recipient.name.clone(),
            reference: row.title(),
            officer: row.officer_name.clone(),
            sending_agency: row.sending_agency.clone(),
            host_agency: row.host_agency.clone(),
            period: format!("due {}", row.due_date),
            message: message.map(str::to_string),
            link: format!("{}/reports/{key}", state.settings.public_url),
        });
        let outgoing = Outgoing {
            record_table,
            record_key,
            recipient,
            content,
            link_path: format!("/reports/{key}"),
            secret: None,
            not_before,
        };
        outbox::enqueue(tx, &state.settings.public_url, outgoing).await?;
    }
    Ok(())
}

/// "Returned" and "accepted" go to the author.
async fn tell_author(
    tx: &Tx,
    state: &AppState,
    row: &Row,
    event: EventKind,
    message: Option<&str>,
    not_before: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    let to = authors(tx, row).await?;
    let record = format!("{}-{}", db::key(&row.id), db::new_key());
    let mail = ReportMail { event, to: &to, record: ("report_event", &record), message, not_before };
    tell(tx, state, row, mail).await
}
