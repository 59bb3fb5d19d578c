//! Acting on a nomination: the lifecycle's transitions and comments. Each action is one
//! transaction holding the state change, the history event, the audit entry, the e-mails and,
//! on approval, the placement.

use surrealdb::types::RecordId;

use super::super::rules::{self, transition, Action, NominationEventKind};
use super::super::*;
use super::read::{choices, load_in, permissions};
use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::error::FieldErrors;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::{self, Recipient};
use crate::notifications::templates::{MailContent, NominationMail};
use crate::resource::fields::{checked, email, required_text};
use crate::state::AppState;

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
    supervisor_email: crate::domain::Email,
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
    errors.complete(|| {
        Some(Approval {
            host,
            supervisor_name: supervisor_name?,
            supervisor_email: supervisor_email?,
            start: start?,
            end: end?,
        })
    })
}

/// The message of a step: checked text, required where the step needs one.
fn step_message(form: &ActionForm, action: Action) -> Result<Option<String>, AppError> {
    let message =
        crate::nominations::long_text(&form.message, 4000, false).map_err(|m| AppError::field("message", m))?;
    let message = (!message.is_empty()).then_some(message);
    if let (Some(needed), None) = (rules::required_message(action), &message) {
        return Err(AppError::field("message", needed));
    }
    Ok(message)
}

#[tracing::instrument(skip_all, fields(user = %user.id, nomination = %form.id, action = %form.action))]
pub async fn act(user: &CurrentUser, form: &ActionForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let action = Action::parse(form.action.trim()).ok_or(AppError::BadRequest)?;
    // Approval confirms a host agency from those that may be chosen.
    let hosts = if action == Action::Approve { Some(choices(&state).await?.0) } else { None };
    let today = state.clock.today();
    let (state_ref, hosts) = (&state, &hosts);
    let key = db::transact(&state, |tx| async move {
        let n = load_in(&tx, user, &form.id).await?;
        may_act(user, &n, action)?;
        let to = transition(n.state, action).map_err(AppError::Conflict)?;
        let message = step_message(form, action)?;
        // A submission confirms the privacy notice with it when the form did not.
        let mut confirms_notice = false;
        if matches!(action, Action::Submit | Action::Resubmit) {
            rules::check_start_for_submission(n.start_date, today).map_err(|(f, m)| AppError::field(f, m))?;
            let ticked = checked(&form.officer_told);
            notice::may_submit(n.notice.as_ref(), ticked).map_err(|(f, m)| AppError::field(f, m))?;
            confirms_notice = ticked && !n.notice.as_ref().is_some_and(notice::Confirmation::is_current);
            if let Some((call, _)) = &n.call {
                let answer = crate::calls::rules::Answer {
                    member: "",
                    host_agency: &n.host_agency_id,
                    themes: &n.themes.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
                    start: n.start_date,
                    end: n.end_date,
                };
                let sending = db::rid("agency", &n.sending_agency_id);
                let new = action == Action::Submit;
                crate::calls::service::answer::check_in(&tx, call, &sending, answer, state_ref.clock.now(), new)
                    .await?;
            }
        }
        // What approval confirms is checked once the step itself is known to be allowed.
        let approval = match hosts {
            Some(hosts) => {
                let approval = validate_approval(form, hosts)?;
                let host_name = hosts.iter().find(|(k, _)| *k == approval.host).map(|(_, n)| n.clone());
                Some((approval, host_name.unwrap_or_default()))
            }
            None => None,
        };
        if let (Some(_), Some((call, _))) = (&approval, &n.call) {
            crate::calls::service::answer::take_place(&tx, call).await?;
        }
        let event_key = record_transition(&tx, user, &n, action, to, message.as_deref(), confirms_notice).await?;
        let placement = match &approval {
            Some((a, _)) => Some(create_placement(&tx, state_ref, user, &n, a).await?),
            None => None,
        };
        let mut after = serde_json::json!({ "state": to.as_str(), "message": message, "placement": placement });
        if confirms_notice {
            after["privacy_notice"] = notice::VERSION.into();
        }
        let before = serde_json::json!({ "state": n.state.as_str() });
        audit::record(&tx, &Actor::user(user), action.as_str(), "nomination", &n.id, Some(&before), Some(&after))
            .await?;
        let host_name = approval.as_ref().map(|(_, name)| name.clone());
        queue_mails(
            &tx,
            state_ref,
            &n,
            action,
            &event_key,
            message.as_deref(),
            approval.as_ref().map(|(a, _)| a),
            host_name,
        )
        .await?;
        Ok(n.id.clone())
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(rules::notice(action), format!("/nominations/{key}")))
}

/// Moves the nomination from its state to `to` (only if nobody moved it meanwhile) and writes
/// the history event, with the privacy notice's confirmation when the step `confirms_notice`.
/// Returns the event's key, which the e-mails refer to.
async fn record_transition(
    tx: &Tx,
    user: &CurrentUser,
    n: &NominationView,
    action: Action,
    to: NominationState,
    message: Option<&str>,
    confirms_notice: bool,
) -> Result<String, AppError> {
    let submitted = if matches!(action, Action::Submit | Action::Resubmit) { ", submitted_at = $now" } else { "" };
    let notice = if confirms_notice {
        ", notice_version = $notice_version, notice_confirmed_at = $now, notice_confirmed_by = $actor"
    } else {
        ""
    };
    let event_key = db::new_key();
    let mut r = tx
        .run(
            &format!(
                "UPDATE $id SET state = $to, updated_at = $now{submitted}{notice} WHERE state = $from RETURN VALUE id;
                 CREATE $event SET nomination = $id, at = $now, actor = $actor, actor_label = $label, kind = $kind,
                    from_state = $from, to_state = $to, message = $message;"
            ),
            vec![
                ("id", v(db::rid("nomination", &n.id))),
                ("to", v(to.as_str().to_string())),
                ("from", v(n.state.as_str().to_string())),
                ("event", v(db::rid("nomination_event", &event_key))),
                ("actor", v(db::rid("user", &user.id))),
                ("label", v(format!("{} ({})", user.name, user.role.label()))),
                ("kind", v(NominationEventKind::Step(action).as_str())),
                ("message", v(message.map(str::to_string))),
                ("notice_version", v(notice::VERSION)),
            ],
        )
        .await?;
    let changed: Vec<RecordId> = r.take(0).map_err(db::fail("transition decode"))?;
    if changed.is_empty() {
        return Err(AppError::Conflict("The nomination changed meanwhile. Reload the page and try again.".into()));
    }
    db::tally::moved(tx, "nomination", &n.sending_agency_id, Some(n.state.as_str()), to.as_str()).await?;
    Ok(event_key)
}

/// Creates the one placement of an approved nomination, with the confirmed host, supervisor
/// and dates, and its audit entry. A UNIQUE index on the nomination refuses a second one.
/// The officer's `secondee` account is made (or linked) and invited in the same transaction.
async fn create_placement(
    tx: &Tx,
    state: &AppState,
    user: &CurrentUser,
    n: &NominationView,
    a: &Approval,
) -> Result<String, AppError> {
    let pk = db::new_key();
    tx.run(
        "CREATE $placement SET nomination = $id, state = $state, officer_name = $officer, officer_email = $officer_email,
            sending_agency = $sending, host_agency = $host, supervisor_name = $supervisor, supervisor_email = $supervisor_email,
            start_date = $start, end_date = $end, original_end = $end, objectives = $objectives, themes = $themes,
            created_at = $now, updated_at = $now, reminders_from = $today, sending_member = $sending.member;
         UPDATE $id SET host_agency = $host, start_date = $start, end_date = $end;",
        vec![
            ("placement", v(db::rid("placement", &pk))),
            ("id", v(db::rid("nomination", &n.id))),
            ("state", v(crate::placements::PlacementState::Planned.as_str().to_string())),
            ("officer", v(n.officer_name.clone())),
            ("officer_email", v(n.work_email.clone())),
            ("sending", v(db::rid("agency", &n.sending_agency_id))),
            ("host", v(db::rid("agency", &a.host))),
            ("supervisor", v(a.supervisor_name.clone())),
            ("supervisor_email", v(a.supervisor_email.as_str())),
            ("start", v(a.start.to_string())),
            ("end", v(a.end.to_string())),
            ("objectives", v(n.objectives.clone())),
            ("themes", v(n.themes.iter().map(|(k, _)| db::rid("theme", k)).collect::<Vec<_>>())),
            ("today", v(state.clock.today().to_string())),
        ],
    )
    .await
    .map_err(|e| match e {
        AppError::Conflict(_) => AppError::Conflict("This nomination already has a placement.".into()),
        other => other,
    })?;
    let snapshot = serde_json::json!({ "nomination": n.id, "state": "planned" });
    audit::record(tx, &Actor::user(user), "created", "placement", &pk, None, Some(&snapshot)).await?;
    // Another placement of the same officer may share these days: flag both.
    crate::placements::service::recheck_overlaps(tx, &n.work_email).await?;
    let placement = db::rid("placement", &pk);
    let days = crate::domain::Period::new(a.start, a.end).map_err(|e| AppError::field("end_date", e))?;
    crate::reports::planning::attach_defaults(tx, &placement, days, state.clock.today()).await?;
    let sending = db::rid("agency", &n.sending_agency_id);
    let officer = (n.officer_name.as_str(), n.work_email.as_str());
    crate::placements::service::link_secondee(tx, state, user, &placement, officer, &sending).await?;
    Ok(pk)
}

/// Queues the e-mails of the brief's table for this step (see [`rules::mails_for`]).
#[allow(clippy::too_many_arguments)]
async fn queue_mails(
    tx: &Tx,
    state: &AppState,
    n: &NominationView,
    action: Action,
    event_key: &str,
    message: Option<&str>,
    approval: Option<&Approval>,
    host_name: Option<String>,
) -> Result<(), AppError> {
    let plan = rules::mails_for(action);
    if plan.is_empty() {
        return Ok(());
    }
    let host_key = approval.map(|a| a.host.clone()).unwrap_or_else(|| n.host_agency_id.clone());
    let period = match approval {
        Some(a) => crate::ui::format::period(a.start, a.end),
        None => crate::ui::format::period(n.start_date, n.end_date),
    };
    let host_name = host_name.unwrap_or_else(|| n.host_agency.clone());
    for (event, audience) in plan {
        let recipients: Vec<Recipient> = match audience {
            rules::Audience::Coordinators => recipients::coordinators(tx).await?,
            rules::Audience::SendingAgency => recipients::agency_contacts(tx, &n.sending_agency_id).await?,
            rules::Audience::HostAgency => recipients::agency_contacts(tx, &host_key).await?,
        };
        for recipient in &recipients {
            let content = MailContent::Nomination(NominationMail {
                event: *event,
                name: recipient.name.clone(),
                reference: n.reference.clone(),
                officer: n.officer_name.clone(),
                sending_agency: n.sending_agency.clone(),
                host_agency: host_name.clone(),
                period: period.clone(),
                message: message.map(str::to_string),
                link: format!("{}/nominations/{}", state.settings.public_url, n.id),
            });
            let outgoing = Outgoing {
                record_table: "nomination_event",
                record_key: event_key,
                recipient,
                content,
                link_path: format!("/nominations/{}", n.id),
                secret: None,
                not_before: None,
            };
            outbox::enqueue(tx, &state.settings.public_url, outgoing).await?;
        }
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(user = %user.id, nomination = %form.id))]
pub async fn comment(user: &CurrentUser, form: &ActionForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let message =
        crate::nominations::long_text(&form.message, 4000, true).map_err(|m| AppError::field("message", m))?;
    let message = &message;
    let key = db::transact(&state, |tx| async move {
        let n = load_in(&tx, user, &form.id).await?;
        if !permissions(user, Some(&n)).comment {
            return Err(AppError::Forbidden);
        }
        tx.run(
            "CREATE nomination_event SET nomination = $id, at = $now, actor = $actor, actor_label = $label, kind = $kind, message = $message",
            vec![
                ("id", v(db::rid("nomination", &n.id))),
                ("actor", v(db::rid("user", &user.id))),
                ("label", v(format!("{} ({})", user.name, user.role.label()))),
                ("message", v(message.clone())),
                ("kind", v(NominationEventKind::Comment.as_str())),
            ],
        )
        .await?;
        let after = serde_json::json!({ "comment": message });
        audit::record(&tx, &Actor::user(user), "commented", "nomination", &n.id, None, Some(&after)).await?;
        Ok(n.id.clone())
    })
    .await?;
    Ok(crate::api::Done::new("Comment added.", format!("/nominations/{key}")))
}
