//! Committing an agreement's money to a placement. One transaction checks the earmarks and the
//! total against what is stored at that moment (it writes the agreement first, so two parallel
//! commitments conflict and the second one re-checks), writes the line and its audit entry,
//! tells the agencies and the donor when it is the placement's first, and sends the utilisation
//! alerts it crosses.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CommitmentForm {
    pub agreement: String,
    pub placement: String,
    pub category: String,
    pub amount: String,
    pub note: String,
    /// Only to commit past the agreement's total.
    pub override_reason: String,
}

/// A commitment line as the agreement page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentLine {
    pub placement_id: String,
    pub placement: String,
    pub category: super::rules::Category,
    pub amount: crate::domain::Money,
    pub note: Option<String>,
    pub override_reason: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A commitment as the placement's page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundingLine {
    pub agreement_id: String,
    pub reference: String,
    pub category: super::rules::Category,
    pub amount: crate::domain::Money,
}

#[server(endpoint = "funding/commit")]
pub async fn commit(#[server(flatten)] form: CommitmentForm) -> Result<(), AppError> {
    use crate::auth::Role;
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(&[Role::Coordinator])).await?;
    let result = service::commit(&user, &form).await;
    crate::api::respond(result, &form)
}

#[cfg(feature = "ssr")]
pub mod service {
    use surrealdb::types::{RecordId, SurrealValue};

    use super::super::agreements::service::{view, Row, FIELDS};
    use super::super::rules::{self, Category, Funded};
    use super::*;
    use crate::audit::{self, Actor};
    use crate::auth::CurrentUser;
    use crate::db::{self, v, Tx};
    use crate::domain::Money;
    use crate::error::FieldErrors;
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

    struct Parsed {
        agreement: String,
        placement: String,
        category: Category,
        amount_text: String,
        note: Option<String>,
        override_reason: Option<String>,
    }

    fn parse(form: &CommitmentForm) -> Result<Parsed, AppError> {
        let mut errors = FieldErrors::new();
        let agreement = crate::api::parse_key(&form.agreement).map_err(|_| AppError::BadRequest)?;
        let placement = errors
            .take("placement", crate::api::parse_key(&form.placement).map_err(|_| "Choose the placement.".to_string()));
        let category =
            errors.take("category", Category::parse(&form.category).ok_or_else(|| "Choose a category.".to_string()));
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
        Ok(crate::api::Done::new(&notice, &format!("/funding/agreements/{}", parsed.agreement)))
    }

    /// After a money line: utilisation from the stored lines, read again; the alert levels it
    /// crossed upwards are sent to the coordinators once, and the armed level follows it down.
    pub(crate) async fn alert_if_crossed(
        tx: &Tx,
        state: &AppState,
        agreement_id: &RecordId,
        armed: i64,
        placement: &PlacementRow,
    ) -> Result<(Vec<i64>, super::super::agreements::AgreementView), AppError> {
        let mut r = tx
            .run(&format!("SELECT {FIELDS} FROM ONLY $agreement"), vec![("agreement", v(agreement_id.clone()))])
            .await?;
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
            tell(tx, state, &to, EventKind::FundingAlert, (&record, &link), placement, &now.reference, &message)
                .await?;
        }
        Ok((crossed, now))
    }

    /// The armed alert level of an agreement, read in `tx`.
    pub(crate) async fn armed_level(tx: &Tx, agreement_id: &RecordId) -> Result<i64, AppError> {
        let mut r = tx
            .run("SELECT VALUE alert_level FROM ONLY $agreement", vec![("agreement", v(agreement_id.clone()))])
            .await?;
        let level: Option<i64> = r.take(0).map_err(db::fail("alert decode"))?;
        Ok(level.unwrap_or(0))
    }

    #[derive(Debug, SurrealValue)]
    struct Committed {
        agreement: RecordId,
        reference: String,
        agreement_end: String,
        currency: String,
        category: String,
        amount_minor: i64,
    }

    /// What a change of a placement's days from `before` to `after` means for its funding, in
    /// words for the coordinator: the stipend an extension still needs (pro rata) and an
    /// agreement that ends first, or the stipend an early end can release. Moves no money.
    pub async fn carry(
        tx: &Tx,
        placement: &RecordId,
        before: crate::domain::Period,
        after: crate::domain::Period,
    ) -> Result<Vec<String>, AppError> {
        let mut r = tx
            .run(
                "SELECT agreement, agreement.reference AS reference, agreement.period_end AS agreement_end,
                    agreement.currency AS currency, category, amount_minor FROM commitment WHERE placement = $placement",
                vec![("placement", v(placement.clone()))],
            )
            .await?;
        let rows: Vec<Committed> = r.take(0).map_err(db::fail("placement funding decode"))?;
        let mut notes = Vec::new();
        let mut agreements: Vec<&RecordId> = Vec::new();
        for row in &rows {
            if !agreements.contains(&&row.agreement) {
                agreements.push(&row.agreement);
            }
        }
        let (old_days, new_days) = (i128::from(before.days()), i128::from(after.days()));
        for agreement in agreements {
            let lines: Vec<&Committed> = rows.iter().filter(|c| &c.agreement == agreement).collect();
            let first = lines[0];
            let currency =
                crate::domain::Currency::parse(&first.currency).map_err(|e| AppError::internal("currency", e))?;
            // At most a few hundred lines of i64 each: their sum fits in i128.
            let stipend: i128 =
                lines.iter().filter(|c| c.category == "stipend").map(|c| i128::from(c.amount_minor)).sum();
            // The stipend for `days` of the old length, checked: none when no stipend is committed
            // or when it would not fit (a note leaves a figure out rather than show a wrong one).
            let pro_rata = |days: i128| {
                (stipend > 0).then_some(())?;
                let minor = stipend.checked_mul(days)? / old_days.max(1);
                i64::try_from(minor).ok().map(|minor| Money::from_minor(minor, currency))
            };
            if new_days > old_days {
                if let Some(needed) = pro_rata(new_days - old_days) {
                    notes.push(format!(
                        "Agreement {}: the extension needs about {needed} more stipend.",
                        first.reference
                    ));
                }
                if after.end().to_string() > first.agreement_end {
                    notes.push(format!(
                        "Agreement {} ends on {}, before the placement's new last day.",
                        first.reference, first.agreement_end
                    ));
                }
            } else if new_days < old_days {
                if let Some(released) = pro_rata(old_days - new_days) {
                    notes.push(format!(
                        "Agreement {}: about {released} of the stipend committed can be released.",
                        first.reference
                    ));
                }
            }
        }
        Ok(notes)
    }

    /// The commitments funding a placement, for its page, read inside `tx`.
    pub async fn of_placement(tx: &Tx, placement: &RecordId) -> Result<Vec<super::FundingLine>, AppError> {
        let mut r = tx
            .run(
                "SELECT agreement, agreement.reference AS reference, agreement.period_end AS agreement_end,
                    agreement.currency AS currency, category, amount_minor FROM commitment WHERE placement = $placement
                    ORDER BY created_at",
                vec![("placement", v(placement.clone()))],
            )
            .await?;
        let rows: Vec<Committed> = r.take(0).map_err(db::fail("placement funding decode"))?;
        rows.into_iter()
            .map(|c| {
                let currency =
                    crate::domain::Currency::parse(&c.currency).map_err(|e| AppError::internal("currency", e))?;
                Ok(super::FundingLine {
                    agreement_id: db::key(&c.agreement),
                    reference: c.reference,
                    category: Category::parse(&c.category)
                        .ok_or_else(|| AppError::internal("category", c.category.clone()))?,
                    amount: Money::from_minor(c.amount_minor, currency),
                })
            })
            .collect()
    }

    /// The donor's users: the donor's contacts for the programme's e-mails.
    async fn donor_contacts(tx: &Tx, donor: &str) -> Result<Vec<Recipient>, AppError> {
        let mut r = tx
            .run(
                "SELECT email, name, 'en' AS language FROM user WHERE donor = $donor AND disabled = false ORDER BY email",
                vec![("donor", v(db::rid("donor", donor)))],
            )
            .await?;
        r.take(0).map_err(db::fail("donor contacts decode"))
    }

    #[allow(clippy::too_many_arguments)]
    async fn tell(
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
                reference: if placement.reference.is_empty() {
                    reference.to_string()
                } else {
                    placement.reference.clone()
                },
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

    #[derive(Debug, SurrealValue)]
    struct LineRow {
        placement: RecordId,
        officer_name: String,
        category: String,
        amount_minor: i64,
        note: Option<String>,
        override_reason: Option<String>,
        created_at: chrono::DateTime<chrono::Utc>,
    }

    /// The commitment lines of an agreement (or of a placement), newest first.
    pub async fn lines(
        state: &AppState,
        condition: &str,
        record: RecordId,
        currency: crate::domain::Currency,
    ) -> Result<Vec<CommitmentLine>, AppError> {
        let mut r = state
            .db
            .query(format!(
                "SELECT placement, placement.officer_name AS officer_name, category, amount_minor, note, override_reason,
                    created_at FROM commitment WHERE {condition} = $record ORDER BY created_at DESC"
            ))
            .bind(("record", record))
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("commitments"))?;
        let rows: Vec<LineRow> = r.take(0).map_err(db::fail("commitments decode"))?;
        rows.into_iter()
            .map(|l| {
                Ok(CommitmentLine {
                    placement_id: db::key(&l.placement),
                    placement: l.officer_name,
                    category: Category::parse(&l.category)
                        .ok_or_else(|| AppError::internal("category", l.category.clone()))?,
                    amount: Money::from_minor(l.amount_minor, currency),
                    note: l.note,
                    override_reason: l.override_reason,
                    at: l.created_at,
                })
            })
            .collect()
    }
}
