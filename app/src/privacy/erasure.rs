//! Erasure on request: an administrator anonymises one officer now, by work e-mail, with a
//! reason, under the same rules as retention. Refused while the person has a placement under
//! way, a nomination still open, or money on a placement not yet reconciled, with the record
//! that stops it. The anonymisation, its audit entry and the e-mail that tells the person are
//! one transaction.

use surrealdb::types::{RecordId, SurrealValue};

use super::retention;
use super::CopyRequest;
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::db::{self, v};
use crate::error::AppError;
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::Recipient;
use crate::notifications::templates::{AccountMail, MailContent};
use crate::notifications::EventKind;
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
struct Placement {
    id: RecordId,
    nomination: RecordId,
    reference: String,
    state: String,
}

#[derive(Debug, SurrealValue)]
struct Nomination {
    id: RecordId,
    reference: String,
    state: String,
}

#[derive(Debug, SurrealValue)]
struct Named {
    name: String,
}

#[derive(Debug, SurrealValue)]
struct Unreconciled {
    reference: String,
    committed_minor: i64,
    spent_minor: i64,
}

/// Why an erasure cannot go ahead now: the first record that stops it.
fn refusal(placements: &[Placement], nominations: &[Nomination], money: &[Unreconciled]) -> Option<String> {
    if let Some(p) = placements.iter().find(|p| ["planned", "active"].contains(&p.state.as_str())) {
        return Some(format!(
            "This person's placement {} is {}: their data can be erased once it has ended.",
            p.reference, p.state
        ));
    }
    let open = ["draft", "submitted", "under_review", "changes_requested"];
    if let Some(n) = nominations.iter().find(|n| open.contains(&n.state.as_str())) {
        return Some(format!(
            "The nomination {} is still open ({}): it must be withdrawn or decided first.",
            n.reference,
            n.state.replace('_', " ")
        ));
    }
    money.first().map(|m| {
        format!(
            "The money of placement {} is not yet reconciled (committed {} and spent {} in minor units): reconcile it first.",
            m.reference, m.committed_minor, m.spent_minor
        )
    })
}

/// Anonymises the officer `form.email` names, or says why not (at the e-mail field).
#[tracing::instrument(skip_all, fields(admin = %admin.id))]
pub async fn erase(admin: &CurrentUser, form: &CopyRequest) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let (email, reason) = form.validate()?;
    let (state_ref, email_ref, reason_ref) = (&state, email.as_str(), reason.as_str());
    let mut anonymised = db::transact(&state, |tx| async move {
        let mut r = tx
            .run(
                "SELECT id, nomination, nomination.reference AS reference, state FROM placement
                    WHERE officer_email = $email AND anonymised = false;
                 SELECT id, reference, state FROM nomination WHERE work_email = $email AND anonymised = false;
                 SELECT name FROM ONLY user WHERE email = $email LIMIT 1;",
                vec![("email", v(email_ref.to_string()))],
            )
            .await?;
        let placements: Vec<Placement> = r.take(0).map_err(db::fail("erasure decode"))?;
        let nominations: Vec<Nomination> = r.take(1).map_err(db::fail("erasure decode"))?;
        let account: Option<Named> = r.take(2).map_err(db::fail("erasure decode"))?;
        if placements.is_empty() && nominations.is_empty() {
            return Err(AppError::field("email", "Nobody with this address is named as an officer in the Hub."));
        }
        let ids: Vec<RecordId> = placements.iter().map(|p| p.id.clone()).collect();
        let mut r = tx
            .run(
                "SELECT placement.nomination.reference AS reference, committed_minor, spent_minor FROM funding_line
                    WHERE placement IN $placements AND committed_minor != spent_minor",
                vec![("placements", v(ids.clone()))],
            )
            .await?;
        let money: Vec<Unreconciled> = r.take(0).map_err(db::fail("erasure decode"))?;
        if let Some(message) = refusal(&placements, &nominations, &money) {
            return Err(AppError::field("email", message));
        }
        let mut all_nominations: Vec<RecordId> = nominations.iter().map(|n| n.id.clone()).collect();
        for p in &placements {
            if !all_nominations.contains(&p.nomination) {
                all_nominations.push(p.nomination.clone());
            }
        }
        let anonymised = retention::anonymise_in(&tx, &ids, &all_nominations).await?;
        let after = serde_json::json!({
            "reason": reason_ref,
            "placements": ids.len(),
            "nominations": all_nominations.len(),
        });
        audit::record(&tx, &Actor::user(admin), "personal_data_erased", "person", email_ref, None, Some(&after))
            .await?;
        // Greeted by their account's name, when they had one (the records' names are gone now).
        let name = account.map(|a| a.name).unwrap_or_else(|| "Officer".to_string());
        let mail = AccountMail {
            event: EventKind::PersonalDataErased,
            name: name.clone(),
            facts: vec![("When".into(), crate::ui::format::timestamp_in(tx.now(), state_ref.clock.zone()))],
            link: state_ref.settings.public_url.clone(),
        };
        // The address itself is gone from the records: the mail is keyed by when it was sent.
        let record_key = format!("erased{}", tx.now().timestamp_micros());
        let recipient = Recipient { email: email_ref.to_string(), name, language: "en".into() };
        outbox::enqueue(
            &tx,
            &state_ref.settings.public_url,
            Outgoing {
                record_table: "person",
                record_key: &record_key,
                recipient: &recipient,
                content: MailContent::Account(mail),
                link_path: "/".into(),
                secret: None,
                not_before: None,
            },
        )
        .await?;
        Ok(anonymised)
    })
    .await?;
    anonymised.remove_files(&state).await;
    state.wake_mailer();
    Ok(crate::api::Done::new(
        "The person's data was erased, and they were told by e-mail.",
        super::REQUEST_PAGE.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement(state: &str) -> Placement {
        Placement {
            id: db::rid("placement", "p"),
            nomination: db::rid("nomination", "n"),
            reference: "NOM-2026-1".into(),
            state: state.into(),
        }
    }

    #[test]
    fn an_erasure_waits_for_what_is_under_way() {
        assert!(refusal(&[placement("active")], &[], &[]).unwrap().contains("NOM-2026-1 is active"));
        assert!(refusal(&[placement("planned")], &[], &[]).is_some());
        let open =
            Nomination { id: db::rid("nomination", "n"), reference: "NOM-2026-2".into(), state: "under_review".into() };
        assert!(refusal(&[], &[open], &[]).unwrap().contains("still open (under review)"));
        let money = Unreconciled { reference: "NOM-2026-1".into(), committed_minor: 500, spent_minor: 400 };
        assert!(refusal(&[placement("completed")], &[], &[money]).unwrap().contains("not yet reconciled"));
        assert_eq!(refusal(&[placement("completed"), placement("terminated")], &[], &[]), None);
    }
}
