//! The coordinators' queue: confirmed enquiries by state, a coordinator's notes and moves, and
//! accepting one (the agency, and the member when new, are created and the contact invited as
//! its focal point, in one transaction with the audit entries and the mail).

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use crate::audit::{self, Actor};
use crate::auth::{CurrentUser, Role};
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::interest::rules::{self, EnquiryAction, EnquiryState};
use crate::interest::*;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::Recipient;
use crate::notifications::rules::EventKind;
use crate::notifications::templates::{AccountMail, MailContent};
use crate::state::AppState;

/// The queue shows at most this many of a state, newest first.
const PAGE: usize = 200;

#[derive(Debug, SurrealValue)]
struct Row {
    id: RecordId,
    reference: String,
    state: String,
    agency_name: String,
    member_id: Option<RecordId>,
    member_name: Option<String>,
    other_state: Option<String>,
    contact_name: String,
    email: String,
    contact_role: String,
    theme_names: Vec<String>,
    hosting: bool,
    sending: bool,
    message: String,
    notes: String,
    decline_reason: Option<String>,
    agency_id: Option<RecordId>,
    agency_label: Option<String>,
    created_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
}

const FIELDS: &str = "id, reference, state, agency_name, member AS member_id, member.name AS member_name, other_state,
    contact_name, email, contact_role, themes.name AS theme_names, hosting, sending, message, notes, decline_reason,
    agency AS agency_id, agency.name AS agency_label, created_at, confirmed_at";

fn view(r: Row) -> Result<EnquiryView, AppError> {
    let state = EnquiryState::parse(&r.state).ok_or_else(|| AppError::internal("enquiry state", r.state.clone()))?;
    let member = match r.member_id {
        Some(id) => (db::key(&id), r.member_name.unwrap_or_default()),
        None => (String::new(), r.other_state.unwrap_or_default()),
    };
    Ok(EnquiryView {
        id: db::key(&r.id),
        reference: r.reference,
        state,
        agency_name: r.agency_name,
        member,
        contact_name: r.contact_name,
        email: r.email,
        contact_role: r.contact_role,
        themes: r.theme_names,
        hosting: r.hosting,
        sending: r.sending,
        message: r.message,
        notes: r.notes,
        decline_reason: r.decline_reason,
        agency: r.agency_id.map(|id| (db::key(&id), r.agency_label.unwrap_or_default())),
        created_at: r.created_at,
        confirmed_at: r.confirmed_at,
    })
}

#[derive(Debug, SurrealValue)]
struct StateCount {
    state: String,
    count: i64,
}

/// Confirmed enquiries of a state (all states but the unconfirmed when none is chosen).
pub async fn list(status: &str) -> Result<EnquiryList, AppError> {
    let state = AppState::current()?;
    let chosen = EnquiryState::parse(status.trim()).filter(|s| *s != EnquiryState::Unconfirmed);
    let condition = if chosen.is_some() { "state = $state" } else { "state != 'unconfirmed'" };
    let mut r = state
        .db
        .query(format!(
            "SELECT {FIELDS} FROM enquiry WHERE {condition} ORDER BY created_at DESC LIMIT {PAGE};
             SELECT state, count() AS count FROM enquiry WHERE state != 'unconfirmed' GROUP BY state;"
        ))
        .bind(("state", chosen.map(|s| s.as_str().to_string())))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("enquiries"))?;
    let rows: Vec<Row> = r.take(0).map_err(db::fail("enquiries decode"))?;
    let counts: Vec<StateCount> = r.take(1).map_err(db::fail("enquiry counts decode"))?;
    Ok(EnquiryList {
        items: rows.into_iter().map(view).collect::<Result<_, _>>()?,
        counts: counts.into_iter().filter_map(|c| EnquiryState::parse(&c.state).map(|s| (s, c.count))).collect(),
    })
}

async fn load_in(tx: &Tx, key: &str) -> Result<EnquiryView, AppError> {
    let mut r = tx.run(&format!("SELECT {FIELDS} FROM ONLY $id"), vec![("id", v(db::rid("enquiry", key)))]).await?;
    let row: Option<Row> = r.take(0).map_err(db::fail("enquiry decode"))?;
    view(row.ok_or(AppError::NotFound)?)
}

/// One confirmed enquiry (an unconfirmed one is not the RSO's to see yet), with the members.
pub async fn get(id: &str) -> Result<EnquiryRecord, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(id)?;
    let key = &key;
    let enquiry = db::transact(&state, |tx| async move { load_in(&tx, key).await }).await?;
    if enquiry.state == EnquiryState::Unconfirmed {
        return Err(AppError::NotFound);
    }
    let members = crate::reference::service::choices().await?.members;
    Ok(EnquiryRecord { enquiry, members })
}

fn mail_to(enquiry: &EnquiryView) -> Recipient {
    Recipient { email: enquiry.email.clone(), name: enquiry.contact_name.clone(), language: "en".into() }
}

/// A coordinator's move: discuss, keep notes, or decline with a reason (e-mailed).
#[tracing::instrument(skip_all, fields(user = %user.id, enquiry = %form.id, action = %form.action))]
pub async fn act(user: &CurrentUser, form: &EnquiryActionForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let action = EnquiryAction::parse(form.action.trim()).ok_or(AppError::BadRequest)?;
    let key = crate::api::parse_key(form.id.trim())?;
    let notes = crate::nominations::long_text(&form.notes, 4000, false).map_err(|m| AppError::field("notes", m))?;
    let reason = if action == EnquiryAction::Decline { Some(decline_reason(&form.reason)?) } else { None };
    let (key_ref, state_ref, notes, reason) = (&key, &state, &notes, &reason);
    db::transact(&state, |tx| async move {
        let enquiry = load_in(&tx, key_ref).await?;
        let to = rules::decide(enquiry.state, action).map_err(AppError::Conflict)?;
        // Notes are saved with any move; an empty box leaves them as they were.
        let notes = if notes.is_empty() { enquiry.notes.clone() } else { notes.clone() };
        tx.run(
            "UPDATE $id SET state = $to, notes = $notes, decline_reason = $reason, updated_at = $now WHERE state = $from RETURN NONE",
            vec![
                ("id", v(db::rid("enquiry", key_ref))),
                ("to", v(to.as_str())),
                ("from", v(enquiry.state.as_str())),
                ("notes", v(notes.clone())),
                ("reason", v(reason.clone())),
            ],
        )
        .await?;
        let before = serde_json::json!({ "state": enquiry.state.as_str(), "notes": enquiry.notes });
        let after = serde_json::json!({ "state": to.as_str(), "notes": notes, "reason": reason });
        audit::record(&tx, &Actor::user(user), action.as_str(), "enquiry", key_ref, Some(&before), Some(&after)).await?;
        if let Some(reason) = reason {
            let content = MailContent::Account(AccountMail {
                event: EventKind::EnquiryDeclined,
                name: enquiry.contact_name.clone(),
                facts: vec![("Agency".into(), enquiry.agency_name.clone()), ("Reason".into(), reason.clone())],
                link: format!("{}/programme", state_ref.settings.public_url),
            });
            let outgoing = Outgoing {
                record_table: "enquiry",
                record_key: key_ref,
                recipient: &mail_to(&enquiry),
                content,
                link_path: "/programme".into(),
                secret: None,
                not_before: None,
            };
            outbox::enqueue(&tx, &state_ref.settings.public_url, outgoing).await?;
        }
        Ok(())
    })
    .await?;
    state.wake_mailer();
    let notice = match action {
        EnquiryAction::Discuss => "Marked as in discussion.",
        EnquiryAction::Note => "Notes saved.",
        EnquiryAction::Decline => "Declined; the contact is told why.",
    };
    Ok(crate::api::Done::new(notice, format!("/interest/{key}")))
}

/// Accepts an enquiry as the coordinator checked it: creates the member when new, the agency,
/// and the contact's account as its focal point, and sends the invitation.
#[tracing::instrument(skip_all, fields(user = %user.id, enquiry = %form.id))]
pub async fn accept(user: &CurrentUser, form: &AcceptForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(form.id.trim())?;
    let valid = form.validate()?;
    if let Ok(member) = &valid.member {
        crate::resource::store::chosen(&state.db, "member", member, "member", "Choose the member from the list.")
            .await?;
    }
    let (key_ref, state_ref, valid_ref) = (&key, &state, &valid);
    let agency = db::transact(&state, |tx| async move {
        let enquiry = load_in(&tx, key_ref).await?;
        rules::may_accept(enquiry.state).map_err(AppError::Conflict)?;
        let mut r = tx
            .run(
                "RETURN {
                    agency: count(SELECT id FROM agency WHERE name_key = $agency_key AND member = $member_id),
                    user: count(SELECT id FROM user WHERE email = $email),
                    member: count(SELECT id FROM member WHERE name_key = $member_key),
                 };",
                vec![
                    ("agency_key", v(crate::resource::fields::name_key(&valid_ref.agency_name))),
                    ("email", v(valid_ref.contact_email.clone())),
                    ("member_id", v(valid_ref.member.as_ref().ok().map(|m| db::rid("member", m)))),
                    (
                        "member_key",
                        v(valid_ref.member.as_ref().err().map(|(name, _)| crate::resource::fields::name_key(name))),
                    ),
                ],
            )
            .await?;
        let taken: Option<Taken> = r.take(0).map_err(db::fail("acceptance check"))?;
        let taken = taken.unwrap_or_default();
        let mut errors = crate::error::FieldErrors::new();
        if taken.agency > 0 {
            errors.add("agency_name", "An agency has this name already.");
        }
        if taken.user > 0 {
            errors.add("contact_email", "An account has this address already.");
        }
        if taken.member > 0 {
            errors.add("member_name", "A member has this name already: choose it from the list.");
        }
        errors.finish(|| ())?;
        let member_key = match &valid_ref.member {
            Ok(member) => member.clone(),
            Err((name, iso)) => {
                let member = db::new_key();
                tx.run(
                    "CREATE $id SET name = $name, name_key = $key, kind = 'state', iso_code = $iso, active = true, created_at = $now",
                    vec![
                        ("id", v(db::rid("member", &member))),
                        ("name", v(name.clone())),
                        ("key", v(crate::resource::fields::name_key(name))),
                        ("iso", v(iso.clone())),
                    ],
                )
                .await?;
                let after = serde_json::json!({ "name": name, "from_enquiry": key_ref });
                audit::record(&tx, &Actor::user(user), "created", "member", &member, None, Some(&after)).await?;
                member
            }
        };
        let agency = db::new_key();
        let contact = db::new_key();
        tx.run(
            "CREATE $agency SET name = $name, name_key = $name_key, member = $member, hosts = $hosts, sends = $sends, active = true, created_at = $now;
             CREATE $user SET email = $email, name = $contact_name, role = 'nominator', agency = $agency, disabled = false, created_at = $now;
             UPDATE $enquiry SET state = 'accepted', agency = $agency, updated_at = $now RETURN NONE;",
            vec![
                ("agency", v(db::rid("agency", &agency))),
                ("name", v(valid_ref.agency_name.clone())),
                ("name_key", v(crate::resource::fields::name_key(&valid_ref.agency_name))),
                ("member", v(db::rid("member", &member_key))),
                ("hosts", v(valid_ref.hosts)),
                ("sends", v(valid_ref.sends)),
                ("user", v(db::rid("user", &contact))),
                ("email", v(valid_ref.contact_email.clone())),
                ("contact_name", v(valid_ref.contact_name.clone())),
                ("enquiry", v(db::rid("enquiry", key_ref))),
            ],
        )
        .await?;
        let agency_after = serde_json::json!({ "name": valid_ref.agency_name, "member": member_key, "from_enquiry": key_ref });
        audit::record(&tx, &Actor::user(user), "created", "agency", &agency, None, Some(&agency_after)).await?;
        let user_after = serde_json::json!({ "email": valid_ref.contact_email, "role": "nominator", "agency": agency });
        audit::record(&tx, &Actor::user(user), "created", "user", &contact, None, Some(&user_after)).await?;
        let before = serde_json::json!({ "state": enquiry.state.as_str() });
        let after = serde_json::json!({ "state": "accepted", "agency": agency, "contact": contact });
        audit::record(&tx, &Actor::user(user), "accept", "enquiry", key_ref, Some(&before), Some(&after)).await?;
        let user_id = db::rid("user", &contact);
        crate::auth::accounts_service::queue_invitation(
            &tx,
            state_ref,
            user,
            &user_id,
            &valid_ref.contact_email,
            &valid_ref.contact_name,
            Role::Nominator,
        )
        .await?;
        Ok(agency)
    })
    .await?;
    crate::directory::saved("agency");
    crate::directory::saved("member");
    crate::reference::saved("agency");
    crate::reference::saved("member");
    state.wake_mailer();
    tracing::info!(%agency, "enquiry accepted");
    Ok(crate::api::Done::new(
        format!(
            "Accepted: {} is an agency now, and {} is invited as its focal point.",
            valid.agency_name, valid.contact_email
        ),
        format!("/interest/{key}"),
    ))
}

#[derive(Debug, Default, SurrealValue)]
struct Taken {
    agency: i64,
    user: i64,
    member: i64,
}
