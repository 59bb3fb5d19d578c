//! Committing an agreement's money to a placement, in one transaction with its checks, its
//! audit entry, its mail and the utilisation alerts it crosses (see `funding::commitments`).

use surrealdb::types::{RecordId, SurrealValue};

use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::db::{self, v, Tx};
use crate::domain::Money;
use crate::error::AppError;
use crate::error::FieldErrors;
use crate::funding::commitments::*;
use crate::funding::rules::{self, Category, Funded};
use crate::funding::service::agreements::{view, Row, FIELDS};
use crate::notifications::outbox::{self, Outgoing};
use crate::notifications::recipients::{self, Recipient};
use crate::notifications::templates::{MailContent, NominationMail};
use crate::notifications::EventKind;
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
pub(crate) struct PlacementRow {
    pub id: RecordId,
    officer_name: String,
    member: RecordId,
    sending_agency: RecordId,
    sending_name: String,
    host_agency: RecordId,
    host_name: String,
    themes: Vec<RecordId>,
    start_date: String,
    last_day: String,
    reference: String,
    state: String,
}

pub(crate) const PLACEMENT: &str = "SELECT id, officer_name, sending_agency.member AS member, sending_agency,
    sending_agency.name AS sending_name, host_agency, host_agency.name AS host_name, themes, start_date,
    early_end ?? end_date AS last_day, nomination.reference ?? '' AS reference, state FROM ONLY $placement";

pub(super) struct Parsed {
    agreement: String,
    placement: String,
    category: Category,
    amount_text: String,
    note: Option<String>,
    override_reason: Option<String>,
}

pub(super) fn parse(form: &CommitmentForm) -> Result<Parsed, AppError> {
    let mut errors = FieldErrors::new();
    let agreement = crate::api::parse_key(&form.agreement).map_err(|_| AppError::BadRequest)?;
    let placement = errors
        .take("placement", crate::api::parse_key(&form.placement).map_err(|_| "Choose the placement.".to_string()));
    let category = errors.take("category", Category::chosen(&form.category, "Choose a category."));
    if form.amount.trim().is_empty() {
        errors.add("amount", "Enter the amount.");
    }
    let text = |t: &str, max: usize, field: &'static str, errors: &mut FieldErrors| {
        let t = t.trim().to_string();
        if t.chars().count() > max {
            errors.add(field, format!("Use at most {max} characters."));
        }
        (!t.is_empty()).then_some(t)
    };
    let note = text(&form.note, 500, "note", &mut errors);
    let override_reason = text(&form.override_reason, 1000, "override_reason", &mut errors);
    errors.finish(|| ())?;
    Ok(Parsed {
        agreement,
        placement: placement.ok_or(AppError::BadRequest)?,
        category: category.ok_or(AppError::BadRequest)?,
        amount_text: form.amount.clone(),
        note,
        override_reason,
    })
}

#[tracing::instrument(skip_all, fields(user = %user.id, agreement = %form.agreement))]
pub async fn commit(user: &CurrentUser, form: &CommitmentForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let parsed = parse(form)?;
    let (parsed, state_ref) = (&parsed, &state);
    let notice = db::transact(&state, |tx| async move {
        let agreement_id = db::rid("funding_agreement", &parsed.agreement);
        // Writing the agreement first: a parallel commitment conflicts here and re-checks.
        let mut r = tx
            .run(
                &format!(
                    "UPDATE $agreement SET updated_at = $now RETURN NONE;
                     SELECT {FIELDS} FROM ONLY $agreement;
                     SELECT alert_level FROM ONLY $agreement;
                     {PLACEMENT};
                     RETURN count(SELECT id FROM commitment WHERE placement = $placement);"
                ),
                vec![
                    ("agreement", v(agreement_id.clone())),
                    ("placement", v(db::rid("placement", &parsed.placement))),
                ],
            )
            .await?;
        let row: Option<Row> = r.take(1).map_err(db::fail("agreement decode"))?;
        let agreement = view(row.ok_or(AppError::NotFound)?)?;
        #[derive(Debug, SurrealValue)]
        struct Alert {
            alert_level: i64,
        }
        let armed: Option<Alert> = r.take(2).map_err(db::fail("alert decode"))?;
        let armed = armed.map(|a| a.alert_level).unwrap_or(0);
        let placement: Option<PlacementRow> = r.take(3).map_err(db::fail("placement decode"))?;
        let placement = placement.ok_or_else(|| AppError::field("placement", "Choose the placement."))?;
        let earlier: Option<i64> = r.take(4).map_err(db::fail("commitments count"))?;
        if !matches!(placement.state.as_str(), "planned" | "active") {
            return Err(AppError::field("placement", "This placement has ended; commit money to an open one."));
        }
        let amount = Money::parse_positive(&parsed.amount_text, agreement.currency)
            .and_then(Money::within_limit)
            .map_err(|m| AppError::field("amount", m))?;
        let funded = Funded {
            member: db::key(&placement.member),
            agency: db::key(&placement.sending_agency),
            themes: placement.themes.iter().map(db::key).collect(),
        };
        rules::check_earmarks(&agreement.reference, &agreement.earmarks(), &funded)
            .map_err(|m| AppError::field("placement", m))?;
        // Overflow is refused before the total is weighed: no reason overrides it.
        rules::check_fits(agreement.committed, agreement.spent, amount).map_err(|m| AppError::field("amount", m))?;
        match rules::check_total(agreement.total, agreement.committed, amount) {
            Ok(()) => {}
            Err(past) if past.may_be_overridden() && parsed.override_reason.is_some() => {}
            Err(past) if past.may_be_overridden() => {
                return Err(AppError::field(
                    "amount",
                    format!("{} To commit it anyway, give the reason to override.", past.message()),
                ));
            }
            Err(past) => return Err(AppError::field("amount", past.message())),
        }
        tx.run(
            "CREATE commitment SET agreement = $agreement, placement = $placement, category = $category,
                amount_minor = $amount, note = $note, override_reason = $override, created_by = $user, created_at = $now",
            vec![
                ("agreement", v(agreement_id.clone())),
                ("placement", v(placement.id.clone())),
                ("category", v(parsed.category.as_str().to_string())),
                ("amount", v(amount.minor())),
                ("note", v(parsed.note.clone())),
                ("override", v(parsed.override_reason.clone())),
                ("user", v(db::rid("user", &user.id))),
            ],
        )
        .await?;
        let after = serde_json::json!({
            "agreement": agreement.reference, "placement": db::key(&placement.id),
            "category": parsed.category.as_str(), "amount": amount.to_string(), "override": parsed.override_reason,
        });
        audit::record(&tx, &Actor::user(user), "committed", "funding_agreement", &agreement.id, None, Some(&after)).await?;

        let (crossed, now) = alert_if_crossed(&tx, state_ref, &agreement_id, armed, &placement).await?;
        if earlier.unwrap_or(0) == 0 {
            let mut to = recipients::agency_contacts(&tx, &db::key(&placement.sending_agency)).await?;
            to.extend(recipients::agency_contacts(&tx, &db::key(&placement.host_agency)).await?);
            to.extend(donor_contacts(&tx, &agreement.donor_id).await?);
            let record = format!("{}-confirmed", db::key(&placement.id));
            let message = format!("Funded through agreement {} ({}).", agreement.reference, agreement.donor);
            let placement_link = format!("/placements/{}", db::key(&placement.id));
            tell(&tx, state_ref, &to, EventKind::PlacementConfirmed, (&record, &placement_link), &placement, &agreement.reference, &message)
                .await?;
        }
        let mut notice = format!("{amount} committed to {} ({}).", placement.officer_name, parsed.category.label());
        if placement.last_day.as_str() > agreement.period.end().to_string().as_str() {
            notice.push_str(&format!(
                " Note: the placement runs past the agreement's end, {}.",
                agreement.period.end()
            ));
        }
        if !crossed.is_empty() {
            notice.push_str(&format!(" The agreement is now {} used; coordinators were told.", rules::percent_text(now.utilisation_bp)));
        }
        Ok(notice)
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(&notice, format!("/funding/agreements/{}", parsed.agreement)))
}

/// After a money line: utilisation from the stored lines, read again; the alert levels it
/// crossed upwards are sent to the coordinators once, and the armed level follows it down.
pub(crate) async fn alert_if_crossed(
    tx: &Tx,
    state: &AppState,
    agreement_id: &RecordId,
    armed: i64,
    placement: &PlacementRow,
) -> Result<(Vec<i64>, crate::funding::agreements::AgreementView), AppError> {
    let mut r =
        tx.run(&format!("SELECT {FIELDS} FROM ONLY $agreement"), vec![("agreement", v(agreement_id.clone()))]).await?;
    let row: Option<Row> = r.take(0).map_err(db::fail("agreement decode"))?;
    let now = view(row.ok_or(AppError::NotFound)?)?;
    let (crossed, level) = rules::crossed(armed, now.utilisation_bp);
    if level != armed {
        tx.run(
            "UPDATE $agreement SET alert_level = $level",
            vec![("agreement", v(agreement_id.clone())), ("level", v(level))],
        )
        .await?;
    }
    let link = format!("/funding/agreements/{}", now.id);
    for crossed_level in &crossed {
        let message = format!(
            "Agreement {} is {} used ({} committed, {} spent, of {}).",
            now.reference,
            rules::percent_text(now.utilisation_bp),
            now.committed,
            now.spent,
            now.total
        );
        let record = format!("{}-{crossed_level}-{}", now.id, db::new_key());
        let to = recipients::coordinators(tx).await?;
        tell(tx, state, &to, EventKind::FundingAlert, (&record, &link), placement, &now.reference, &message).await?;
    }
    Ok((crossed, now))
}

/// The armed alert level of an agreement, read in `tx`.
pub(crate) async fn armed_level(tx: &Tx, agreement_id: &RecordId) -> Result<i64, AppError> {
    let mut r =
        tx.run("SELECT VALUE alert_level FROM ONLY $agreement", vec![("agreement", v(agreement_id.clone()))]).await?;
    let level: Option<i64> = r.take(0).map_err(db::fail("alert decode"))?;
    Ok(level.unwrap_or(0))
}

/// The donor's users: the donor's contacts for the programme's e-mails.
pub(super) async fn donor_contacts(tx: &Tx, donor: &str) -> Result<Vec<Recipient>, AppError> {
    let mut r = tx
        .run(
            "SELECT email, name, 'en' AS language FROM user WHERE donor = $donor AND disabled = false ORDER BY email",
            vec![("donor", v(db::rid("donor", donor)))],
        )
        .await?;
    r.take(0).map_err(db::fail("donor contacts decode"))
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn tell(
    tx: &Tx,
    state: &AppState,
    to: &[Recipient],
    event: EventKind,
    (record, link_path): (&str, &str),
    placement: &PlacementRow,
    reference: &str,
    message: &str,
) -> Result<(), AppError> {
    let mut seen = std::collections::HashSet::new();
    for recipient in to.iter().filter(|r| seen.insert(r.email.to_lowercase())) {
        let content = MailContent::Nomination(NominationMail {
            event,
            name: recipient.name.clone(),
            reference: if placement.reference.is_empty() { reference.to_string() } else { placement.reference.clone() },
            officer: placement.officer_name.clone(),
            sending_agency: placement.sending_name.clone(),
            host_agency: placement.host_name.clone(),
            period: format!("{} to {}", placement.start_date, placement.last_day),
            message: Some(message.to_string()),
            link: format!("{}{link_path}", state.settings.public_url),
        });
        let outgoing = Outgoing {
            record_table: "commitment",
            record_key: record,
            recipient,
            content,
            link_path: link_path.to_string(),
            secret: None,
            not_before: None,
        };
        outbox::enqueue(tx, &state.settings.public_url, outgoing).await?;
    }
    Ok(())
}

pub use super::lines::{carry, lines, of_placement};
