//! The public side: the programme page's content, an enquiry held until its address is
//! confirmed (the link is signed and carries its expiry), the confirmation, and the purge.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::use_context;
use surrealdb::types::SurrealValue;

use crate::audit::{self, Actor};
use crate::db::{self, v};
use crate::error::AppError;
use crate::interest::rules::{self, EnquiryState};
use crate::interest::*;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::{self, Recipient};
use crate::notifications::rules::EventKind;
use crate::notifications::templates::{AccountMail, MailContent};
use crate::state::AppState;

const FORM_PURPOSE: &str = "enquiry-form";
const CONFIRM_PURPOSE: &str = "enquiry-confirm";

use crate::db::stored::NamedRow as Named;

/// The page: themes, members, the calls open to all members, and a signed form start.
pub async fn page() -> Result<ProgrammeContent, AppError> {
    let state = AppState::current()?;
    let now = state.clock.now();
    let mut r = state
        .db
        .query(
            "SELECT id, name, name_key FROM theme WHERE active = true ORDER BY name_key;
             SELECT id, name, name_key FROM member WHERE active = true ORDER BY name_key;",
        )
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("programme page"))?;
    let pairs = Named::pairs;
    let themes: Vec<Named> = r.take(0).map_err(db::fail("programme themes"))?;
    let members: Vec<Named> = r.take(1).map_err(db::fail("programme members"))?;
    let calls = crate::calls::service::open_to_all(&state, 50)
        .await?
        .into_iter()
        .map(|c| PublicCall {
            title: c.title.clone(),
            host_agency: c.host_agency.clone(),
            window: c.window(),
            closes: c.closes_local,
        })
        .collect();
    Ok(ProgrammeContent {
        themes: pairs(themes),
        members: pairs(members),
        calls,
        form_started: state.settings.key.sign(FORM_PURPOSE, &now.timestamp().to_string()),
    })
}

fn signed_time(state: &AppState, purpose: &str, signed: &str) -> Option<DateTime<Utc>> {
    let message = state.settings.key.verify(purpose, signed.trim())?;
    DateTime::from_timestamp(message.parse().ok()?, 0)
}

/// A refusal of the form as a whole (no field to point at).
fn refused(message: String) -> AppError {
    AppError::Invalid { message, errors: Vec::new() }
}

#[derive(Debug, SurrealValue)]
struct Counts {
    network: i64,
    address: i64,
}

/// Holds an enquiry until its address is confirmed, and mails the link.
#[tracing::instrument(skip_all)]
pub async fn enquire(form: &EnquiryForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let now = state.clock.now();
    rules::check_form(&form.website, signed_time(&state, FORM_PURPOSE, &form.started), now)
        .map_err(|(_, message)| refused(message))?;
    let valid = form.validate()?;
    if let Some(member) = &valid.member {
        crate::resource::store::chosen(
            &state.db,
            "member",
            member,
            "member",
            "Choose your member state from the list.",
        )
        .await?;
    }
    let parts = use_context::<http::request::Parts>();
    let ip = crate::auth::attempts::client_ip(&state, parts.as_ref());
    let scope = ip.map(|ip| state.settings.key.digest("enquiry-network", &crate::net::throttle_scope(ip)));
    let key = db::new_key();
    let reference = format!("EOI-{}", &key[..6].to_uppercase());
    let (valid, key_ref, scope, state_ref, reference) = (&valid, &key, &scope, &state, &reference);
    db::transact(&state, |tx| async move {
        // Counted in the transaction that adds one, so that parallel sends cannot pass a limit.
        let mut r = tx
            .run(
                "RETURN {
                    network: IF $scope = NONE THEN 0 ELSE count(SELECT id FROM enquiry WHERE from_scope = $scope AND created_at > $hour_ago) END,
                    address: count(SELECT id FROM enquiry WHERE email = $email AND created_at > $day_ago),
                 };",
                vec![
                    ("scope", v(scope.clone())),
                    ("email", v(valid.email.clone())),
                    ("hour_ago", v(now - Duration::hours(1))),
                    ("day_ago", v(now - Duration::days(1))),
                ],
            )
            .await?;
        let counts: Option<Counts> = r.take(0).map_err(db::fail("enquiry limits"))?;
        let counts = counts.unwrap_or(Counts { network: 0, address: 0 });
        rules::check_limits(counts.network, counts.address).map_err(|(field, message)| match field {
            "" => AppError::TooManyRequests(message),
            field => AppError::field(field, message),
        })?;
        tx.run(
            "CREATE $id SET reference = $reference, state = 'unconfirmed', agency_name = $agency_name, member = $member,
                other_state = $other_state, contact_name = $contact_name, email = $email, contact_role = $contact_role,
                themes = (SELECT VALUE id FROM $themes WHERE active = true), hosting = $hosting, sending = $sending,
                message = $message, from_scope = $scope, created_at = $now, updated_at = $now",
            vec![
                ("id", v(db::rid("enquiry", key_ref))),
                ("reference", v(reference.clone())),
                ("agency_name", v(valid.agency_name.clone())),
                ("member", v(valid.member.as_ref().map(|m| db::rid("member", m)))),
                ("other_state", v(valid.other_state.clone())),
                ("contact_name", v(valid.contact_name.clone())),
                ("email", v(valid.email.clone())),
                ("contact_role", v(valid.contact_role.clone())),
                ("themes", v(valid.themes.iter().map(|t| db::rid("theme", t)).collect::<Vec<_>>())),
                ("hosting", v(valid.hosting)),
                ("sending", v(valid.sending)),
                ("message", v(valid.message.clone())),
                ("scope", v(scope.clone())),
            ],
        )
        .await?;
        let expires = now + Duration::hours(rules::CONFIRM_HOURS);
        let token = state_ref.settings.key.sign(CONFIRM_PURPOSE, &format!("{key_ref}-{}", expires.timestamp()));
        let path = format!("/programme/confirm?token={token}");
        let recipient = Recipient { email: valid.email.clone(), name: valid.contact_name.clone(), language: "en".into() };
        let content = MailContent::Account(AccountMail {
            event: EventKind::EnquiryConfirm,
            name: valid.contact_name.clone(),
            facts: vec![
                ("Agency".into(), valid.agency_name.clone()),
                ("Reference".into(), reference.clone()),
                ("The link is valid for".into(), format!("{} hours", rules::CONFIRM_HOURS)),
            ],
            link: format!("{}{path}", state_ref.settings.public_url),
        });
        let outgoing = Outgoing {
            record_table: "enquiry",
            record_key: key_ref,
            recipient: &recipient,
            content,
            link_path: path,
            secret: Some(token),
            not_before: None,
        };
        outbox::enqueue(&tx, &state_ref.settings.public_url, outgoing).await
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(
        "Thank you. We have e-mailed you a link: open it within 72 hours to confirm your address, and your enquiry reaches the Regional Support Office.",
        "/programme",
    ))
}

#[derive(Debug, SurrealValue)]
struct Held {
    state: String,
    agency_name: String,
    contact_name: String,
    email: String,
}

/// Confirms the enquiry of a link: once, within its time; the coordinators are told.
#[tracing::instrument(skip_all)]
pub async fn confirm(form: &ConfirmForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let now = state.clock.now();
    let invalid = || AppError::field("token", "This link is not valid. Copy the whole link from the e-mail.");
    let message = state.settings.key.verify(CONFIRM_PURPOSE, form.token.trim()).ok_or_else(invalid)?;
    let (key, expires) = message.rsplit_once('-').ok_or_else(invalid)?;
    let expires = expires.parse::<i64>().ok().and_then(|t| DateTime::from_timestamp(t, 0)).ok_or_else(invalid)?;
    if now > expires {
        return Err(AppError::field("token", "This link has expired. Please send the form again."));
    }
    let key = crate::api::parse_key(key).map_err(|_| invalid())?;
    let (key_ref, state_ref) = (&key, &state);
    db::transact(&state, |tx| async move {
        let mut r = tx
            .run(
                "SELECT state, agency_name, contact_name, email FROM ONLY $id",
                vec![("id", v(db::rid("enquiry", key_ref)))],
            )
            .await?;
        let held: Option<Held> = r.take(0).map_err(db::fail("enquiry decode"))?;
        let held = held.ok_or_else(|| AppError::field("token", "This enquiry is no longer held. Please send the form again."))?;
        if held.state != EnquiryState::Unconfirmed.as_str() {
            return Err(AppError::field("token", "This address is already confirmed: your enquiry is with the Regional Support Office."));
        }
        tx.run(
            "UPDATE $id SET state = 'new', confirmed_at = $now, updated_at = $now WHERE state = 'unconfirmed' RETURN NONE",
            vec![("id", v(db::rid("enquiry", key_ref)))],
        )
        .await?;
        let actor = Actor { user_key: None, label: format!("{} <{}>", held.contact_name, held.email) };
        let after = serde_json::json!({ "state": "new" });
        audit::record(&tx, &actor, "confirmed", "enquiry", key_ref, None, Some(&after)).await?;
        for recipient in recipients::coordinators(&tx).await? {
            let content = MailContent::Account(AccountMail {
                event: EventKind::EnquiryReceived,
                name: recipient.name.clone(),
                facts: vec![("Agency".into(), held.agency_name.clone()), ("Contact".into(), held.contact_name.clone())],
                link: format!("{}/interest/{key_ref}", state_ref.settings.public_url),
            });
            let outgoing = Outgoing {
                record_table: "enquiry",
                record_key: key_ref,
                recipient: &recipient,
                content,
                link_path: format!("/interest/{key_ref}"),
                secret: None,
                not_before: None,
            };
            outbox::enqueue(&tx, &state_ref.settings.public_url, outgoing).await?;
        }
        Ok(())
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(
        "Your address is confirmed. The Regional Support Office has your enquiry and will write to you.",
        "/programme",
    ))
}

/// The scheduler's part: unconfirmed enquiries go after seven days and decided ones after the
/// retention of rejected nominations (two years by default), with their mail; the sender's
/// network is forgotten after a day.
pub async fn purge(state: &AppState) -> Result<(), AppError> {
    let now = state.clock.now();
    let decided_before = state.settings.retention.decided_before(state.clock.today());
    db::write(
        state,
        "LET $old = SELECT VALUE record::id(id) FROM enquiry WHERE
            (state = 'unconfirmed' AND created_at < $unconfirmed_before)
            OR (state IN ['accepted', 'declined'] AND updated_at < $decided_before);
         FOR $key IN $old { DELETE notification WHERE record_table = 'enquiry' AND record_key = $key; };
         DELETE enquiry WHERE (state = 'unconfirmed' AND created_at < $unconfirmed_before)
            OR (state IN ['accepted', 'declined'] AND updated_at < $decided_before);
         UPDATE enquiry SET from_scope = NONE WHERE from_scope != NONE AND created_at < $scope_before RETURN NONE;",
        vec![
            ("unconfirmed_before", v(now - Duration::days(rules::UNCONFIRMED_DAYS))),
            ("scope_before", v(now - Duration::hours(rules::SCOPE_KEPT_HOURS))),
            ("decided_before", v(decided_before.and_hms_opt(0, 0, 0).expect("midnight").and_utc())),
        ],
    )
    .await
}
