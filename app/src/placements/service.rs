//! Reading placements within the caller's scope, and moving them: a coordinator's extension,
//! early end or cancellation, and the scheduler's start and end. Every move is one transaction
//! that re-reads the placement, applies `rules::decide`, writes the dates, the history event and
//! the audit entry, re-checks the officer's overlaps, queues the e-mails and calls the one
//! carry-through hook where report re-planning and commitment checks will plug in.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::rules::{self, Dates, Move, PlacementState};
use super::{DonorPlacementView, PlacementActionForm, PlacementDetail, PlacementEvent, PlacementView};
use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::directory::Directory;
use crate::error::{AppError, FieldErrors};
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients;
use crate::notifications::templates::{MailContent, NominationMail};
use crate::notifications::EventKind;
use crate::state::AppState;

pub const FIELDS: &str = "id, state, officer_name, officer_email, sending_agency AS sending_agency_id,
    sending_agency.name AS sending_agency, host_agency AS host_agency_id, host_agency.name AS host_agency,
    supervisor_name, supervisor_email, start_date, end_date, original_end, actual_start, early_end, end_reason,
    overlap, objectives, nomination AS nomination_id, nomination.reference ?? '' AS nomination_reference,
    sending_agency.time_zone AS sending_zone, host_agency.time_zone AS host_zone, reminders_from,
    created_at, secondee AS secondee_id, secondee.disabled AS secondee_disabled,
    secondee.password_hash != NONE AS secondee_active";

#[derive(Debug, SurrealValue)]
pub struct Row {
    id: RecordId,
    state: String,
    officer_name: String,
    officer_email: String,
    sending_agency_id: RecordId,
    sending_agency: String,
    host_agency_id: RecordId,
    host_agency: String,
    supervisor_name: String,
    supervisor_email: String,
    start_date: String,
    end_date: String,
    original_end: Option<String>,
    actual_start: Option<String>,
    early_end: Option<String>,
    end_reason: Option<String>,
    overlap: bool,
    objectives: String,
    nomination_id: RecordId,
    nomination_reference: String,
    sending_zone: Option<String>,
    host_zone: Option<String>,
    reminders_from: Option<String>,
    created_at: Option<DateTime<Utc>>,
    secondee_id: Option<RecordId>,
    secondee_disabled: Option<bool>,
    secondee_active: Option<bool>,
}

#[derive(Debug, SurrealValue)]
struct EventRow {
    at: DateTime<Utc>,
    actor_label: String,
    kind: String,
    from_state: String,
    to_state: String,
    old_end: Option<String>,
    new_end: Option<String>,
    reason: Option<String>,
}

fn stored_date(text: &str) -> Result<NaiveDate, AppError> {
    crate::domain::parse_date(text).map_err(|_| AppError::internal("placement date", format!("bad date '{text}'")))
}

fn stored_state(text: &str) -> Result<PlacementState, AppError> {
    PlacementState::parse(text).ok_or_else(|| AppError::internal("placement state", format!("unknown '{text}'")))
}

/// A placement's dates from their stored text (`end_date` is the current end; rows made before
/// extensions existed have no `original_end`, which is then the current end).
fn stored_dates(
    start_date: &str,
    end_date: &str,
    original_end: Option<&str>,
    actual_start: Option<&str>,
    early_end: Option<&str>,
) -> Result<Dates, AppError> {
    Ok(Dates {
        planned_start: stored_date(start_date)?,
        actual_start: actual_start.map(stored_date).transpose()?,
        original_end: stored_date(original_end.unwrap_or(end_date))?,
        current_end: stored_date(end_date)?,
        early_end: early_end.map(stored_date).transpose()?,
    })
}

impl Row {
    pub fn dates(&self) -> Result<Dates, AppError> {
        stored_dates(
            &self.start_date,
            &self.end_date,
            self.original_end.as_deref(),
            self.actual_start.as_deref(),
            self.early_end.as_deref(),
        )
    }

    pub fn record(&self) -> &RecordId {
        &self.id
    }

    pub fn state(&self) -> Result<PlacementState, AppError> {
        stored_state(&self.state)
    }

    /// The office date on which the dates were last set: a reminder window open before it
    /// sends nothing. Placements made before this was kept count from their creation.
    pub fn reminders_from(&self, clock: &crate::clock::Clock) -> Result<NaiveDate, AppError> {
        match (&self.reminders_from, self.created_at) {
            (Some(text), _) => stored_date(text),
            (None, Some(at)) => Ok(clock.office_date(at)),
            (None, None) => Ok(NaiveDate::MIN),
        }
    }
}

/// Who may see a placement: RSO staff; the sending agency's nominators; the host agency's
/// contacts; the secondee (by their work e-mail); a donor whose agreements fund it (checked in
/// `load_in`). Anyone else is told "not found".
fn may_see(user: &CurrentUser, row: &Row) -> bool {
    let agency = user.agency.as_ref().map(|a| db::rid("agency", &a.id));
    match user.role {
        Role::Admin | Role::Coordinator => true,
        Role::Nominator => agency.as_ref() == Some(&row.sending_agency_id),
        Role::Host => agency.as_ref() == Some(&row.host_agency_id),
        Role::Secondee => user.email.eq_ignore_ascii_case(&row.officer_email),
        Role::Donor => false,
    }
}

/// The placement `key` as `user` may see it, read inside `tx`.
async fn load_in(tx: &Tx, user: &CurrentUser, key: &str) -> Result<(Row, Vec<EventRow>), AppError> {
    let key = crate::api::parse_key(key)?;
    let mut r = tx
        .run(
            &format!(
                "SELECT {FIELDS} FROM ONLY $id;
                 SELECT at, actor_label, kind, from_state, to_state, old_end, new_end, reason
                    FROM placement_event WHERE placement = $id ORDER BY at;"
            ),
            vec![("id", v(db::rid("placement", &key)))],
        )
        .await?;
    let row: Option<Row> = r.take(0).map_err(db::fail("placement decode"))?;
    let events: Vec<EventRow> = r.take(1).map_err(db::fail("placement history decode"))?;
    let row = row.ok_or(AppError::NotFound)?;
    if user.role == Role::Donor {
        let donor = user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::NotFound)?;
        let mut r = tx
            .run(
                &format!("RETURN count(SELECT id FROM placement WHERE id = $id AND {})", super::FUNDED_BY_DONOR),
                vec![("id", v(row.id.clone())), ("scope", v(donor))],
            )
            .await?;
        let funded: Option<i64> = r.take(0).map_err(db::fail("donor placement check"))?;
        return if funded.unwrap_or(0) > 0 { Ok((row, events)) } else { Err(AppError::NotFound) };
    }
    let row = Some(row).filter(|row| may_see(user, row)).ok_or(AppError::NotFound)?;
    Ok((row, events))
}

fn view(
    user: &CurrentUser,
    row: Row,
    events: Vec<EventRow>,
    (reports, cycles, funding): (
        Vec<crate::reports::ReportSummary>,
        Vec<crate::reports::CycleView>,
        Vec<crate::funding::commitments::FundingLine>,
    ),
) -> Result<PlacementView, AppError> {
    let state = stored_state(&row.state)?;
    let dates = row.dates()?;
    let optional = |d: Option<String>| d.as_deref().map(stored_date).transpose();
    let history = events
        .into_iter()
        .map(|e| {
            Ok(PlacementEvent {
                at: e.at,
                actor: e.actor_label,
                kind: e.kind,
                from_state: PlacementState::parse(&e.from_state),
                to_state: PlacementState::parse(&e.to_state),
                old_end: optional(e.old_end)?,
                new_end: optional(e.new_end)?,
                reason: e.reason,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let open = matches!(state, PlacementState::Planned | PlacementState::Active);
    let secondee = match (&row.secondee_id, row.secondee_disabled, row.secondee_active) {
        (None, _, _) => super::SecondeeAccount::None,
        (Some(_), Some(true), _) => super::SecondeeAccount::Disabled,
        (Some(_), _, Some(true)) => super::SecondeeAccount::Active,
        (Some(_), _, _) => super::SecondeeAccount::Invited,
    };
    let staff = user.role == Role::Coordinator;
    Ok(PlacementView {
        id: db::key(&row.id),
        state,
        officer_name: row.officer_name,
        officer_email: row.officer_email,
        sending_agency: row.sending_agency,
        host_agency: row.host_agency,
        supervisor_name: row.supervisor_name,
        supervisor_email: row.supervisor_email,
        dates,
        end_reason: row.end_reason,
        overlap: row.overlap,
        objectives: row.objectives,
        nomination_id: db::key(&row.nomination_id),
        nomination_reference: row.nomination_reference,
        history,
        can_act: staff && open,
        can_invite: staff && open && secondee != super::SecondeeAccount::Active,
        reports,
        cycles,
        funding,
        secondee,
    })
}

/// What the donor funding `row` sees of it, with the reports shared with it.
fn donor_view(row: Row, reports: Vec<crate::reports::ReportSummary>) -> Result<DonorPlacementView, AppError> {
    Ok(DonorPlacementView {
        id: db::key(&row.id),
        state: row.state()?,
        dates: row.dates()?,
        reference: row.nomination_reference,
        officer_name: row.officer_name,
        sending_agency: row.sending_agency,
        host_agency: row.host_agency,
        overlap: row.overlap,
        objectives: row.objectives,
        reports,
    })
}

#[tracing::instrument(skip_all, fields(user = %user.id, placement = %id))]
pub async fn get(user: &CurrentUser, id: &str) -> Result<PlacementDetail, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    let (row, events, reports) = db::transact(&state, |tx| async move {
        let (row, events) = load_in(&tx, user, id).await?;
        let reports = crate::reports::service::of_placement(&tx, user, &row.id, today).await?;
        let (cycles, funding) = if matches!(user.role, Role::Admin | Role::Coordinator) {
            (
                crate::reports::planning::cycles_of(&tx, Some(&row.id)).await?,
                crate::funding::commitments::service::of_placement(&tx, &row.id).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        Ok((row, events, (reports, cycles, funding)))
    })
    .await?;
    if user.role == Role::Donor {
        return donor_view(row, reports.0).map(PlacementDetail::Donor);
    }
    view(user, row, events, reports).map(PlacementDetail::Full)
}

/// A coordinator's move parsed from the form, with the message at the field for bad input.
fn parse_move(form: &PlacementActionForm) -> Result<Move, AppError> {
    let mut errors = FieldErrors::new();
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        errors.add("reason", "Give the reason.");
    } else if reason.chars().count() > 2000 {
        errors.add("reason", "Use at most 2000 characters.");
    }
    let action = match form.action.trim() {
        "extend" => errors
            .take("new_end", crate::domain::parse_date(&form.new_end))
            .map(|new_end| Move::Extend { new_end, reason: reason.clone() }),
        "end_early" => errors
            .take("last_day", crate::domain::parse_date(&form.last_day))
            .map(|last_day| Move::EndEarly { last_day, reason: reason.clone() }),
        "cancel" => Some(Move::Cancel { reason: reason.clone() }),
        _ => return Err(AppError::BadRequest),
    };
    errors.finish(|| action)?.ok_or(AppError::BadRequest)
}

/// Who acted, for the history and the audit trail.
pub enum By<'a> {
    User(&'a CurrentUser),
    Scheduler,
}

impl By<'_> {
    fn label(&self) -> String {
        match self {
            By::User(user) => format!("{} ({})", user.name, user.role.label()),
            By::Scheduler => "Secondment Hub (daily run)".into(),
        }
    }

    fn actor(&self) -> Actor {
        match self {
            By::User(user) => Actor::user(user),
            By::Scheduler => Actor::system(),
        }
    }

    fn user_id(&self) -> Option<RecordId> {
        match self {
            By::User(user) => Some(db::rid("user", &user.id)),
            By::Scheduler => None,
        }
    }
}

#[tracing::instrument(skip_all, fields(user = %user.id, placement = %form.id, action = %form.action))]
pub async fn act(user: &CurrentUser, form: &PlacementActionForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let action = parse_move(form)?;
    let today = state.clock.today();
    let (action, state_ref) = (&action, &state);
    let key = db::transact(&state, |tx| async move {
        let (row, _) = load_in(&tx, user, &form.id).await?;
        let (_, carried) = apply(&tx, state_ref, &row, action, today, By::User(user)).await?;
        Ok((db::key(&row.id), carried))
    })
    .await?;
    let (key, carried) = key;
    state.wake_mailer();
    let notice = match action {
        Move::Extend { .. } => "Placement extended. Both agencies have been told.",
        Move::EndEarly { .. } => "Early end recorded. Both agencies have been told.",
        Move::Cancel { .. } => "Placement cancelled. Both agencies have been told.",
        Move::Start | Move::Finish => "Done.",
    };
    crate::api::done(format!("{notice} {}", carried.describe()).trim_end(), &format!("/placements/{key}"));
    Ok(())
}

/// Applies `action` to the placement `row` (read in `tx`): the rule, the dates, the history, the
/// audit entry, the overlaps, the e-mails and the carry-through, all in `tx`. Returns the new
/// state. The update is conditional on the state read, so a parallel move makes this one retry.
pub async fn apply(
    tx: &Tx,
    state: &AppState,
    row: &Row,
    action: &Move,
    today: NaiveDate,
    by: By<'_>,
) -> Result<(PlacementState, Carried), AppError> {
    let from = stored_state(&row.state)?;
    let dates = row.dates()?;
    let after = rules::decide(from, dates, action, today).map_err(|(field, message)| {
        if field.is_empty() {
            AppError::Conflict(message)
        } else {
            AppError::field(field, message)
        }
    })?;
    let (kind, reason) = match action {
        Move::Start => ("started", None),
        Move::Finish if after.state == PlacementState::Terminated => ("ended_early", None),
        Move::Finish => ("completed", None),
        Move::Cancel { reason } => ("cancelled", Some(reason.trim().to_string())),
        Move::EndEarly { reason, .. } => ("early_end", Some(reason.trim().to_string())),
        Move::Extend { reason, .. } => ("extended", Some(reason.trim().to_string())),
    };
    let end_reason = match action {
        Move::Cancel { .. } | Move::EndEarly { .. } => reason.clone(),
        _ => row.end_reason.clone(),
    };
    let (old_end, new_end) = match action {
        Move::Extend { new_end, .. } => (Some(dates.current_end), Some(*new_end)),
        Move::EndEarly { last_day, .. } => (Some(dates.current_end), Some(*last_day)),
        _ => (None, None),
    };
    let text = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    let event_key = db::new_key();
    let mut r = tx
        .run(
            "UPDATE $id SET state = $to, actual_start = $actual_start, end_date = $current_end, early_end = $early_end,
                end_reason = $end_reason, extensions = (extensions ?? 0) + $extended, updated_at = $now,
                reminders_from = $rearmed ?? reminders_from
             WHERE state = $from RETURN VALUE id;
             CREATE $event SET placement = $id, at = $now, actor = $actor, actor_label = $label, kind = $kind,
                from_state = $from, to_state = $to, old_end = $old_end, new_end = $new_end, reason = $reason;",
            vec![
                ("id", v(row.id.clone())),
                ("from", v(from.as_str().to_string())),
                ("to", v(after.state.as_str().to_string())),
                ("actual_start", v(text(after.dates.actual_start))),
                ("current_end", v(after.dates.current_end.to_string())),
                ("early_end", v(text(after.dates.early_end))),
                ("end_reason", v(end_reason)),
                ("event", v(db::rid("placement_event", &event_key))),
                ("actor", v(by.user_id())),
                ("label", v(by.label())),
                ("kind", v(kind.to_string())),
                ("old_end", v(text(old_end))),
                ("new_end", v(text(new_end))),
                ("reason", v(reason.clone())),
                ("extended", v(i64::from(matches!(action, Move::Extend { .. })))),
                // A new end re-arms the end reminder from today (see `reminders`).
                ("rearmed", v(new_end.map(|_| today.to_string()))),
            ],
        )
        .await?;
    let changed: Vec<RecordId> = r.take(0).map_err(db::fail("placement move decode"))?;
    if changed.is_empty() {
        return Err(AppError::Conflict("The placement changed meanwhile. Reload the page and try again.".into()));
    }
    let key = db::key(&row.id);
    let before = serde_json::json!({ "state": from.as_str(), "end": dates.current_end.to_string() });
    let after_json = serde_json::json!({
        "state": after.state.as_str(), "end": after.dates.current_end.to_string(),
        "early_end": text(after.dates.early_end), "reason": reason,
    });
    audit::record(tx, &by.actor(), kind, "placement", &key, Some(&before), Some(&after_json)).await?;
    recheck_overlaps(tx, &row.officer_email).await?;
    let event = match action {
        Move::Extend { .. } => Some(EventKind::PlacementExtended),
        Move::EndEarly { .. } => Some(EventKind::PlacementEndedEarly),
        Move::Cancel { .. } => Some(EventKind::PlacementCancelled),
        Move::Start | Move::Finish => None,
    };
    if let Some(event) = event {
        let last = after.dates.early_end.unwrap_or(after.dates.current_end);
        let period = crate::ui::format::period(after.dates.actual_start.unwrap_or(dates.planned_start), last);
        let notice =
            Notice { event, record: ("placement_event", &event_key), period, message: reason.clone(), opens: None };
        tell_agencies(tx, state, row, &notice).await?;
    }
    let carried = carry_through(tx, row, &dates, &after, today).await?;
    Ok((after.state, carried))
}

/// Where a change of a placement's days carries through to what depends on them, in the same
/// transaction: its reports are re-planned (an extension adds and re-cuts, an early end clips
/// and cancels, a cancellation cancels what is not in). The funding issue re-checks commitments
/// here too.
async fn carry_through(
    tx: &Tx,
    row: &Row,
    before: &Dates,
    after: &rules::After,
    today: NaiveDate,
) -> Result<Carried, AppError> {
    let cancelled = after.state == PlacementState::Terminated && after.dates.actual_start.is_none();
    if before.occupied() == after.dates.occupied() && !cancelled {
        return Ok(Carried::default());
    }
    let reports = crate::reports::planning::replan(tx, &row.id, after.dates.occupied(), cancelled, today).await?;
    let funding =
        crate::funding::commitments::service::carry(tx, &row.id, before.occupied(), after.dates.occupied()).await?;
    Ok(Carried { reports, funding })
}

/// What a change of a placement's days did to what depends on it, for the notice.
#[derive(Debug, Default)]
pub struct Carried {
    pub reports: crate::reports::planning::Replanned,
    /// What the funding needs now (a shortfall, an agreement ending first, money to release).
    pub funding: Vec<String>,
}

impl Carried {
    pub fn describe(&self) -> String {
        let mut parts = vec![self.reports.describe()];
        parts.extend(self.funding.iter().cloned());
        parts.retain(|p| !p.is_empty());
        parts.join(" ")
    }
}

/// An e-mail to a placement's two agencies: what, about which record, and (for a reminder) the
/// day its window opens, so that it goes out at 08:00 where each agency is.
pub struct Notice<'a> {
    pub event: EventKind,
    pub record: (&'static str, &'a str),
    pub period: String,
    pub message: Option<String>,
    pub opens: Option<NaiveDate>,
}

/// Queues `notice` to the notification contacts of the sending and the host agency, and, for an
/// extension, early end or cancellation, to the users of the donors whose agreements fund it
/// (without its message).
pub async fn tell_agencies(tx: &Tx, state: &AppState, row: &Row, notice: &Notice<'_>) -> Result<(), AppError> {
    let page = format!("/placements/{}", db::key(&row.id));
    if notice.opens.is_none() {
        let mut r = tx
            .run(
                "SELECT email, name, 'en' AS language FROM user WHERE role = 'donor' AND disabled = false
                    AND donor IN (SELECT VALUE agreement.donor FROM commitment WHERE placement = $placement) ORDER BY email",
                vec![("placement", v(row.id.clone()))],
            )
            .await?;
        let donors: Vec<recipients::Recipient> = r.take(0).map_err(db::fail("donor recipients decode"))?;
        // Donors are told what changed, not the coordinator's reason, which is written for the
        // agencies; they follow their placements from their funding page.
        let told = Notice { message: None, period: notice.period.clone(), ..*notice };
        queue_to(tx, state, row, &told, (&donors, "/funding"), None).await?;
    }
    let agencies = [(&row.sending_agency_id, &row.sending_zone), (&row.host_agency_id, &row.host_zone)];
    for (agency, zone) in agencies {
        let not_before = notice.opens.map(|opens| {
            let zone = zone
                .as_deref()
                .and_then(|name| crate::clock::Clock::parse_zone(name).ok())
                .unwrap_or_else(|| state.clock.zone());
            super::reminders::send_time(opens, zone, state.clock.now())
        });
        let contacts = recipients::agency_contacts(tx, &db::key(agency)).await?;
        queue_to(tx, state, row, notice, (&contacts, &page), not_before).await?;
    }
    Ok(())
}

/// Queues `notice` about `row` to `to`, linking to `link_path`, not before `not_before`.
async fn queue_to(
    tx: &Tx,
    state: &AppState,
    row: &Row,
    notice: &Notice<'_>,
    (to, link_path): (&[recipients::Recipient], &str),
    not_before: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    for recipient in to {
        let content = MailContent::Nomination(NominationMail {
            event: notice.event,
            name: recipient.name.clone(),
            reference: row.nomination_reference.clone(),
            officer: row.officer_name.clone(),
            sending_agency: row.sending_agency.clone(),
            host_agency: row.host_agency.clone(),
            period: notice.period.clone(),
            message: notice.message.clone(),
            link: format!("{}{link_path}", state.settings.public_url),
        });
        let outgoing = Outgoing {
            record_table: notice.record.0,
            record_key: notice.record.1,
            recipient,
            content,
            link_path: link_path.to_string(),
            secret: None,
            not_before,
        };
        outbox::enqueue(tx, &state.settings.public_url, outgoing).await?;
    }
    Ok(())
}

/// What became of the secondee's account when a placement was linked to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondeeLink {
    /// A new account, or one that never chose a password: an invitation was queued.
    Invited,
    /// An account that can already sign in: linked, nothing sent.
    Linked,
    /// A disabled secondee account: linked, not invited (an admin enables it first).
    Disabled,
    /// The address belongs to an account of another role, which is left as it is.
    OtherRole,
}

impl SecondeeLink {
    pub fn notice(self, email: &str) -> String {
        match self {
            SecondeeLink::Invited => format!("An invitation to sign in as the secondee was e-mailed to {email}."),
            SecondeeLink::Linked => format!("{email} already has a secondee account and can sign in."),
            SecondeeLink::Disabled => format!("The secondee account of {email} is disabled; an admin can enable it."),
            SecondeeLink::OtherRole => {
                format!("{email} belongs to an account of another role, so no secondee account was made.")
            }
        }
    }
}

#[derive(Debug, SurrealValue)]
struct AccountRow {
    id: RecordId,
    role: String,
    disabled: bool,
    can_sign_in: bool,
}

/// Makes or links the `secondee` account of the officer's work e-mail for `placement`, and
/// queues the existing invitation mail when the account cannot sign in yet. Runs in `tx`, so
/// the account, the link, the audit entry and the mail are written together.
pub async fn link_secondee(
    tx: &Tx,
    state: &AppState,
    inviter: &CurrentUser,
    placement: &RecordId,
    officer: (&str, &str),
    sending_agency: &RecordId,
) -> Result<SecondeeLink, AppError> {
    let (name, email) = (officer.0, officer.1.trim().to_lowercase());
    let mut r = tx
        .run(
            "SELECT id, role, disabled, password_hash != NONE AS can_sign_in FROM user WHERE email = $email LIMIT 1",
            vec![("email", v(email.clone()))],
        )
        .await?;
    let existing: Vec<AccountRow> = r.take(0).map_err(db::fail("secondee account decode"))?;
    let (user, link) = match existing.into_iter().next() {
        Some(account) if account.role != Role::Secondee.as_str() => return Ok(SecondeeLink::OtherRole),
        Some(account) if account.disabled => (account.id, SecondeeLink::Disabled),
        Some(account) if account.can_sign_in => (account.id, SecondeeLink::Linked),
        Some(account) => (account.id, SecondeeLink::Invited),
        None => {
            let user = db::rid("user", &db::new_key());
            tx.run(
                "CREATE $user SET email = $email, name = $name, role = 'secondee', agency = $agency,
                    disabled = false, created_at = $now",
                vec![
                    ("user", v(user.clone())),
                    ("email", v(email.clone())),
                    ("name", v(name.to_string())),
                    ("agency", v(sending_agency.clone())),
                ],
            )
            .await?;
            let snapshot = serde_json::json!({ "email": email, "role": "secondee", "placement": db::key(placement) });
            audit::record(tx, &Actor::user(inviter), "created", "user", &db::key(&user), None, Some(&snapshot)).await?;
            (user, SecondeeLink::Invited)
        }
    };
    tx.run(
        "UPDATE $placement SET secondee = $user",
        vec![("placement", v(placement.clone())), ("user", v(user.clone()))],
    )
    .await?;
    if link == SecondeeLink::Invited {
        crate::auth::accounts::service::queue_invitation(tx, state, inviter, &user, &email, name, Role::Secondee)
            .await?;
        audit::record(tx, &Actor::user(inviter), "invited", "user", &db::key(&user), None, None).await?;
    }
    Ok(link)
}

/// A coordinator's "invite secondee": makes or links the account and (re-)sends the invitation.
#[tracing::instrument(skip_all, fields(user = %user.id, placement = %form.id))]
pub async fn invite_secondee(user: &CurrentUser, form: &PlacementActionForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let state_ref = &state;
    let (key, email, link) = db::transact(&state, |tx| async move {
        let (row, _) = load_in(&tx, user, &form.id).await?;
        if !matches!(row.state()?, PlacementState::Planned | PlacementState::Active) {
            return Err(AppError::Conflict("This placement has ended; its secondee is not invited any more.".into()));
        }
        let officer = (row.officer_name.as_str(), row.officer_email.as_str());
        let link = link_secondee(&tx, state_ref, user, &row.id, officer, &row.sending_agency_id).await?;
        Ok((db::key(&row.id), row.officer_email.clone(), link))
    })
    .await?;
    state.wake_mailer();
    crate::api::done(&link.notice(&email), &format!("/placements/{key}"));
    Ok(())
}

#[derive(Debug, SurrealValue)]
struct OverlapRow {
    id: RecordId,
    state: String,
    start_date: String,
    end_date: String,
    original_end: Option<String>,
    actual_start: Option<String>,
    early_end: Option<String>,
    overlap: bool,
}

/// Sets the overlap flag of every placement of this officer (same lower-cased work e-mail):
/// flagged, never blocked. A cancelled placement occupies no days.
pub async fn recheck_overlaps(tx: &Tx, officer_email: &str) -> Result<(), AppError> {
    let mut r = tx
        .run(
            "SELECT id, state, start_date, end_date, original_end, actual_start, early_end, overlap
             FROM placement WHERE officer_email = $email",
            vec![("email", v(officer_email.to_lowercase()))],
        )
        .await?;
    let rows: Vec<OverlapRow> = r.take(0).map_err(db::fail("overlap decode"))?;
    let mut placed = Vec::new();
    for row in &rows {
        let dates = stored_dates(
            &row.start_date,
            &row.end_date,
            row.original_end.as_deref(),
            row.actual_start.as_deref(),
            row.early_end.as_deref(),
        )?;
        let cancelled = row.state == PlacementState::Terminated.as_str() && dates.actual_start.is_none();
        placed.push((!cancelled).then_some(dates));
    }
    for (i, row) in rows.iter().enumerate() {
        let overlaps = placed[i].is_some_and(|a| {
            placed.iter().enumerate().any(|(j, b)| j != i && b.is_some_and(|b| rules::overlap(&a, &b)))
        });
        if overlaps != row.overlap {
            tx.run("UPDATE $id SET overlap = $overlap", vec![("id", v(row.id.clone())), ("overlap", v(overlaps))])
                .await?;
        }
    }
    Ok(())
}

/// The placements the scheduler may have to move on `today`, read inside `tx`.
pub async fn due(tx: &Tx, today: NaiveDate) -> Result<Vec<Row>, AppError> {
    let day = today.to_string();
    let mut r = tx
        .run(
            &format!(
                "SELECT {FIELDS} FROM placement WHERE state = 'planned' AND start_date <= $today;
                 SELECT {FIELDS} FROM placement WHERE state = 'active' AND last_day < $today;"
            ),
            vec![("today", v(day))],
        )
        .await?;
    let mut rows: Vec<Row> = r.take(0).map_err(db::fail("due decode"))?;
    let ending: Vec<Row> = r.take(1).map_err(db::fail("due decode"))?;
    rows.extend(ending);
    Ok(rows)
}

/// One placement, read again inside `tx` (for the scheduler's per-placement transaction).
pub async fn reread(tx: &Tx, id: &RecordId) -> Result<Option<Row>, AppError> {
    let mut r = tx.run(&format!("SELECT {FIELDS} FROM ONLY $id"), vec![("id", v(id.clone()))]).await?;
    r.take(0).map_err(db::fail("placement decode"))
}

// ---- The list of placements: filtered, sorted, paged and exported, within the caller's scope.

/// A list row reads the agencies' keys; their names come from the directory (following the
/// links was a large part of the query's time at ten years).
const LIST_FIELDS: &str = "id, nomination.reference ?? '' AS reference, officer_name,
    officer_key, sending_agency AS sending_agency_id,
    host_agency AS host_agency_id, state, start_date, actual_start, original_end, end_date, early_end,
    extensions, overlap";
const SORTS: &[(&str, &str)] =
    &[("start", "start_date"), ("end", "end_date"), ("officer", "officer_key"), ("state", "state")];
/// The sorts of placements under way: "start" reads the `placement_open_start` index, which
/// holds only those (migration 0013), instead of every start date since the programme began.
const OPEN_SORTS: &[(&str, &str)] =
    &[("start", "open_start"), ("end", "end_date"), ("officer", "officer_key"), ("state", "state")];
/// Planned or active (see `OPEN_SORTS`).
const UNDER_WAY: &str = "open_start > ''";

#[derive(Debug, SurrealValue)]
struct SummaryRow {
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
    fn summary(self, names: &Directory) -> Result<super::PlacementSummary, AppError> {
        let r = self;
        Ok(super::PlacementSummary {
            id: db::key(&r.id),
            reference: r.reference,
            officer_name: r.officer_name,
            sending_agency: names.name(&r.sending_agency_id),
            host_agency: names.name(&r.host_agency_id),
            state: stored_state(&r.state)?,
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
fn scoped(user: &CurrentUser) -> Result<crate::resource::store::ListSql, AppError> {
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
            super::FUNDED_BY_DONOR,
            "scope",
            v(user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::Forbidden)?),
        ),
    })
}

fn list_query(
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
        .filter_if(
            !query.q.trim().is_empty(),
            "string::contains(string::lowercase(officer_name), $q)",
            "q",
            v(query.needle()),
        );
    Ok((sql, query))
}

#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn list(user: &CurrentUser, query: &crate::listing::ListQuery) -> Result<super::PlacementList, AppError> {
    let state = AppState::current()?;
    let _search = state.limits.search(user, query)?;
    let (sql, query) = list_query(user, query)?;
    let names = crate::directory::current(&state).await?;
    let page = sql.page::<SummaryRow>(&state.db, &query).await?.try_map(|row| row.summary(&names))?;
    Ok(super::PlacementList { page, staff: matches!(user.role, Role::Admin | Role::Coordinator) })
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
) -> Result<Vec<super::PlacementSummary>, AppError> {
    query.check()?;
    let (sql, query) = list_query(user, query)?;
    let names = crate::directory::current(state).await?;
    let rows = sql.first::<SummaryRow>(&state.db, &query, limit).await?;
    rows.into_iter().map(|row| row.summary(&names)).collect()
}

/// How far ahead the home page looks for starts and ends.
const SOON_DAYS: u64 = 30;
/// How many placements each list of the home page shows.
const HOME_ROWS: usize = 12;

/// The placements block of a home page, within the caller's scope: the placements under way,
/// what starts or ends within [`SOON_DAYS`], and for RSO staff the count by state and the
/// overlaps. Nothing for a donor, whose home page does not show it.
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn overview(user: &CurrentUser) -> Result<super::PlacementsAtGlance, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    if user.role == Role::Donor {
        // A donor's home shows its funding instead (`funding::pages::donor_blocks`).
        let (current, starting, ending, counts, overlaps) = Default::default();
        return Ok(super::PlacementsAtGlance { today, current, starting, ending, counts, overlaps });
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
    Ok(super::PlacementsAtGlance { today, current, starting, ending, counts, overlaps })
}

/// At most this many placements are drawn on one timeline; the page says when there are more.
const TIMELINE_LIMIT: usize = 1000;
/// The longest window a timeline draws.
const TIMELINE_MAX_YEARS: u32 = 10;

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

pub async fn timeline(user: &CurrentUser, query: &crate::listing::ListQuery) -> Result<super::TimelineData, AppError> {
    timeline_of(user, query, TIMELINE_LIMIT).await
}

/// The first `limit` placements of the query's window, by start; `truncated` when there are more.
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn timeline_of(
    user: &CurrentUser,
    query: &crate::listing::ListQuery,
    limit: usize,
) -> Result<super::TimelineData, AppError> {
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
    Ok(super::TimelineData {
        from: window.start(),
        to: window.end(),
        today,
        rows,
        truncated,
        staff: matches!(user.role, Role::Admin | Role::Coordinator),
    })
}

#[derive(Debug, SurrealValue)]
struct CountRow {
    id: Option<RecordId>,
    name: Option<String>,
    n: i64,
}

/// Placements under way by sending member and by theme, most first.
pub async fn counts() -> Result<super::CountsUnderWay, AppError> {
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
    Ok(super::CountsUnderWay { by_member: pairs(members), by_theme: pairs(themes) })
}
