//! Writing a report and reviewing it: the content, the rule, the history, the audit entry and
//! the e-mails, in one transaction.

use super::*;
use crate::reports::rules::ReportEventKind;

/// The content of the author's form, checked: on submission, activities and outcomes are
/// required; every section is at most 10,000 characters; themes come from the list.
pub(super) fn content(
    form: &ReportForm,
    known: &[String],
    submitting: bool,
) -> Result<(ReportContent, Vec<String>), AppError> {
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
pub async fn save(user: &CurrentUser, form: &ReportForm) -> Result<crate::api::Done, AppError> {
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
                    kind = $kind, from_state = $from, to_state = $to, note = NONE;",
                vec![
                    ("id", v(row.id.clone())),
                    ("from", v(from.as_str().to_string())),
                    ("to", v(to.as_str().to_string())),
                    ("user", v(db::rid("user", &user.id))),
                    ("label", v(format!("{} ({})", user.name, user.role.label()))),
                    ("kind", v(ReportEventKind::Submitted.as_str())),
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
    Ok(crate::api::Done::new(notice, format!("/reports/{key}")))
}

pub(super) fn refusal((field, message): rules::Refusal) -> AppError {
    if field.is_empty() {
        AppError::Conflict(message)
    } else {
        AppError::field(field, message)
    }
}

/// A coordinator's step, parsed: the lifecycle action, or sharing, or a new due date.
pub(super) enum Step {
    Move(Action),
    Share(bool),
    MoveDue { to: NaiveDate, reason: String },
}

pub(super) fn parse_step(form: &ReviewForm) -> Result<Step, AppError> {
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
pub async fn review(user: &CurrentUser, form: &ReviewForm) -> Result<crate::api::Done, AppError> {
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
                    Action::Reopen { reason } | Action::Cancel { reason } | Action::Waive { reason } => {
                        (Some(reason.clone()), None)
                    }
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
                            ("kind", v(action.event_kind().as_str())),
                        ],
                    )
                    .await?;
                let changed: Vec<RecordId> = r.take(0).map_err(db::fail("report step decode"))?;
                if changed.is_empty() {
                    return Err(AppError::Conflict(
                        "The report changed meanwhile. Reload the page and try again.".into(),
                    ));
                }
                let before = serde_json::json!({ "state": from.as_str() });
                let after = serde_json::json!({ "state": to.as_str(), "note": note });
                audit::record(
                    &tx,
                    &Actor::user(user),
                    action.name(),
                    "report",
                    &db::key(&row.id),
                    Some(&before),
                    Some(&after),
                )
                .await?;
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
                        kind = $kind, from_state = $state, to_state = $state, note = NONE;",
                    vec![
                        ("id", v(row.id.clone())),
                        ("share", v(*share)),
                        ("kind", v(if *share { ReportEventKind::Shared } else { ReportEventKind::Unshared }.as_str())),
                        ("state", v(from.as_str().to_string())),
                        ("user", v(db::rid("user", &user.id))),
                        ("label", v(label)),
                    ],
                )
                .await?;
                let action = if *share { "shared" } else { "unshared" };
                audit::record(&tx, &Actor::user(user), action, "report", &db::key(&row.id), None, None).await?;
                if *share {
                    "Report shared with the donor."
                } else {
                    "Report no longer shared with the donor."
                }
            }
            Step::MoveDue { to, reason } => {
                if !from.is_owed() {
                    return Err(AppError::Conflict("This report is in; its due date no longer moves.".into()));
                }
                let period_end = db::stored::date(&row.period_end)?;
                if *to <= period_end {
                    return Err(AppError::field(
                        "due_date",
                        format!("Choose a day after the period's end, {period_end}."),
                    ));
                }
                tx.run(
                    "UPDATE $id SET due_date = $due, updated_at = $now;
                     CREATE report_event SET report = $id, at = $now, actor = $user, actor_label = $label,
                        kind = $kind, from_state = $state, to_state = $state, note = $note;",
                    vec![
                        ("id", v(row.id.clone())),
                        ("due", v(to.to_string())),
                        ("state", v(from.as_str().to_string())),
                        ("user", v(db::rid("user", &user.id))),
                        ("label", v(label)),
                        ("note", v(format!("Due {} instead of {}: {reason}", to, row.due_date))),
                        ("kind", v(ReportEventKind::DueDateMoved.as_str())),
                    ],
                )
                .await?;
                let before = serde_json::json!({ "due_date": row.due_date });
                let after = serde_json::json!({ "due_date": to.to_string(), "reason": reason });
                audit::record(
                    &tx,
                    &Actor::user(user),
                    "due_date_moved",
                    "report",
                    &db::key(&row.id),
                    Some(&before),
                    Some(&after),
                )
                .await?;
                "Due date moved."
            }
        };
        Ok((db::key(&row.id), notice))
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(notice, format!("/reports/{key}")))
}
