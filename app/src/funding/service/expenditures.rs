//! Server-side work of `funding::expenditures`.

use surrealdb::types::{RecordId, SurrealValue};

use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::db::{self, v, Tx};
use crate::domain::{parse_date, Currency, Money, Rate};
use crate::error::AppError;
use crate::error::FieldErrors;
use crate::funding::expenditures::*;
use crate::funding::rules::{self, Category, DatedRate};
use crate::funding::service::agreements::{view, Row, FIELDS};
use crate::funding::service::commitments::{alert_if_crossed, armed_level, PlacementRow, PLACEMENT};
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
struct RateRow {
    date: String,
    from: String,
    to: String,
    rate: String,
    source: String,
}

fn stored_rate(r: RateRow) -> Result<DatedRate, AppError> {
    let bad = |e: String| AppError::internal("stored rate", e);
    Ok(DatedRate {
        date: parse_date(&r.date).map_err(bad)?,
        from: Currency::parse(&r.from).map_err(bad)?,
        to: Currency::parse(&r.to).map_err(bad)?,
        rate: Rate::parse(&r.rate).map_err(bad)?,
        source: r.source,
    })
}

/// The rate of one pair in force on `date` (the latest on or before it), if any. Read
/// forwards and the last kept: on the embedded store a backward index scan costs about
/// 80 ms however few rows it reads, and a pair has a few hundred rates at most.
async fn rates_of(tx: &Tx, from: Currency, to: Currency, date: chrono::NaiveDate) -> Result<Vec<DatedRate>, AppError> {
    let mut r = tx
        .run(
            "SELECT date, from, to, rate, source FROM exchange_rate WHERE from = $from AND to = $to AND date <= $date
             ORDER BY date ASC",
            vec![("from", v(from.code().to_string())), ("to", v(to.code().to_string())), ("date", v(date.to_string()))],
        )
        .await?;
    let rows: Vec<RateRow> = r.take(0).map_err(db::fail("rates decode"))?;
    rows.into_iter().last().map(stored_rate).into_iter().collect()
}

#[tracing::instrument(skip_all, fields(user = %user.id, agreement = %form.agreement))]
pub async fn record(user: &CurrentUser, form: &ExpenditureForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let agreement_key = crate::api::parse_key(&form.agreement).map_err(|_| AppError::BadRequest)?;
    let mut errors = FieldErrors::new();
    let placement = errors
        .take("placement", crate::api::parse_key(&form.placement).map_err(|_| "Choose the placement.".to_string()));
    let category = errors.take("category", Category::chosen(&form.category, "Choose a category."));
    let date = errors.take("date", parse_date(&form.date));
    let currency = errors.take("currency", Currency::parse(&form.currency));
    let amount = currency
        .and_then(|c| errors.take("amount", Money::parse_positive(&form.amount, c).and_then(Money::within_limit)));
    let manual_rate = if form.rate.trim().is_empty() { None } else { errors.take("rate", Rate::parse(&form.rate)) };
    let source = form.rate_source.trim().to_string();
    if manual_rate.is_some() && source.is_empty() {
        errors.add("rate_source", "Say where the rate comes from.");
    }
    let evidence = form.evidence.trim().to_string();
    if evidence.is_empty() {
        errors.add("evidence", "Give the evidence reference (receipt, voucher or payment number).");
    } else if evidence.chars().count() > 200 {
        errors.add("evidence", "Use at most 200 characters.");
    }
    errors.finish(|| ())?;
    let (placement, category, date, amount) = (
        placement.ok_or(AppError::BadRequest)?,
        category.ok_or(AppError::BadRequest)?,
        date.ok_or(AppError::BadRequest)?,
        amount.ok_or(AppError::BadRequest)?,
    );
    let (placement, evidence, source, state_ref, agreement_key) =
        (&placement, &evidence, &source, &state, &agreement_key);
    let notice = db::transact(&state, |tx| async move {
        let agreement_id = db::rid("funding_agreement", agreement_key);
        let armed = armed_level(&tx, &agreement_id).await?;
        let mut r = tx
            .run(
                &format!(
                    "UPDATE $agreement SET updated_at = $now RETURN NONE;
                     SELECT {FIELDS} FROM ONLY $agreement;
                     {PLACEMENT};
                     RETURN count(SELECT id FROM commitment WHERE agreement = $agreement AND placement = $placement
                        AND category = $category);"
                ),
                vec![
                    ("agreement", v(agreement_id.clone())),
                    ("placement", v(db::rid("placement", placement))),
                    ("category", v(category.as_str().to_string())),
                ],
            )
            .await?;
        let row: Option<Row> = r.take(1).map_err(db::fail("agreement decode"))?;
        let agreement = view(row.ok_or(AppError::NotFound)?)?;
        let placement_row: Option<PlacementRow> = r.take(2).map_err(db::fail("placement decode"))?;
        let placement_row = placement_row.ok_or_else(|| AppError::field("placement", "Choose the placement."))?;
        let committed: Option<i64> = r.take(3).map_err(db::fail("commitments count"))?;
        if committed.unwrap_or(0) == 0 {
            return Err(AppError::field(
                "category",
                format!(
                    "Nothing is committed for {} of this placement under this agreement.",
                    category.label().to_lowercase()
                ),
            ));
        }
        if !agreement.period.contains(date) {
            return Err(AppError::field(
                "date",
                format!(
                    "Choose a date within the agreement, {} to {}.",
                    agreement.period.start(),
                    agreement.period.end()
                ),
            ));
        }
        let (rate, rate_source) = match manual_rate {
            Some(rate) if amount.currency() != agreement.currency => (Some(rate.value()), source.clone()),
            _ => {
                let table = rates_of(&tx, amount.currency(), agreement.currency, date).await?;
                match rules::rate_on(&table, amount.currency(), agreement.currency, date)
                    .map_err(|m| AppError::field("rate", m))?
                {
                    Some(dated) => (Some(dated.rate.value()), format!("{} ({})", dated.source, dated.date)),
                    None => (None, "Same currency".to_string()),
                }
            }
        };
        let converted = rules::converted(amount, rate, agreement.currency).map_err(|m| AppError::field("amount", m))?;
        if converted.within_limit().is_err() {
            let limit = Money::from_minor(Money::LIMIT_MINOR, agreement.currency);
            return Err(AppError::field(
                "amount",
                format!("That amount is too large: it comes to {converted}, and must come to less than {limit}."),
            ));
        }
        rules::check_fits(agreement.committed, agreement.spent, converted).map_err(|m| AppError::field("amount", m))?;
        let rate_text = rate.map(|r| r.to_string()).unwrap_or_else(|| "1".into());
        tx.run(
            "CREATE expenditure SET agreement = $agreement, placement = $placement, category = $category, date = $date,
                amount_minor = $amount, currency = $currency, rate = $rate, rate_source = $source,
                converted_minor = $converted, evidence = $evidence, created_by = $user, created_at = $now",
            vec![
                ("agreement", v(agreement_id.clone())),
                ("placement", v(placement_row.id.clone())),
                ("category", v(category.as_str().to_string())),
                ("date", v(date.to_string())),
                ("amount", v(amount.minor())),
                ("currency", v(amount.currency().code().to_string())),
                ("rate", v(rate_text.clone())),
                ("source", v(rate_source)),
                ("converted", v(converted.minor())),
                ("evidence", v(evidence.clone())),
                ("user", v(db::rid("user", &user.id))),
            ],
        )
        .await?;
        let after = serde_json::json!({
            "placement": placement, "category": category.as_str(), "date": date.to_string(),
            "amount": amount.to_string(), "rate": rate_text, "converted": converted.to_string(), "evidence": evidence,
        });
        audit::record(&tx, &Actor::user(user), "spent", "funding_agreement", &agreement.id, None, Some(&after)).await?;
        let (crossed, now) = alert_if_crossed(&tx, state_ref, &agreement_id, armed, &placement_row).await?;
        let mut notice = format!("{amount} recorded as {converted} at {rate_text}.");
        if !crossed.is_empty() {
            notice.push_str(&format!(
                " The agreement is now {} used; coordinators were told.",
                rules::percent_text(now.utilisation_bp)
            ));
        }
        Ok(notice)
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new(&notice, format!("/funding/agreements/{}", form.agreement.trim())))
}

/// An expenditure line as stored, for its correction and for the agreement's page.
#[derive(Debug, SurrealValue)]
struct StoredLine {
    id: RecordId,
    officer_name: String,
    reason: Option<String>,
    agreement: RecordId,
    placement: RecordId,
    category: String,
    date: String,
    amount_minor: i64,
    currency: String,
    rate: String,
    rate_source: String,
    converted_minor: i64,
    evidence: String,
    reverses: Option<RecordId>,
    reversed: bool,
}

const LINE: &str =
    "id, placement.officer_name AS officer_name, reason, agreement, placement, category, date, amount_minor, currency, rate, rate_source, converted_minor,
    evidence, reverses, count(SELECT id FROM expenditure WHERE reverses = $parent.id) > 0 AS reversed";

/// A reversing line: the same amounts negated, naming the line and the reason.
#[tracing::instrument(skip_all, fields(user = %user.id, expenditure = %form.expenditure))]
pub async fn reverse(user: &CurrentUser, form: &ReverseForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(&form.expenditure)?;
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        return Err(AppError::field("reason", "Give the reason for the correction."));
    }
    let (key, reason, state_ref) = (&key, &reason, &state);
    let agreement = db::transact(&state, |tx| async move {
        let id = db::rid("expenditure", key);
        let mut r = tx.run(&format!("SELECT {LINE} FROM ONLY $id"), vec![("id", v(id.clone()))]).await?;
        let line: Option<StoredLine> = r.take(0).map_err(db::fail("expenditure decode"))?;
        let line = line.ok_or(AppError::NotFound)?;
        if line.reversed || line.reverses.is_some() {
            return Err(AppError::Conflict("This line is a correction or was already corrected.".into()));
        }
        let armed = armed_level(&tx, &line.agreement).await?;
        let negated = |minor: i64| {
            minor.checked_neg().ok_or_else(|| AppError::internal("expenditure", "amount cannot be negated"))
        };
        let (amount, converted) = (negated(line.amount_minor)?, negated(line.converted_minor)?);
        tx.run(
            "UPDATE $agreement SET updated_at = $now RETURN NONE;
             CREATE expenditure SET agreement = $agreement, placement = $placement, category = $category, date = $date,
                amount_minor = $amount, currency = $currency, rate = $rate, rate_source = $source,
                converted_minor = $converted, evidence = $evidence, reverses = $id, reason = $reason,
                created_by = $user, created_at = $now",
            vec![
                ("agreement", v(line.agreement.clone())),
                ("placement", v(line.placement.clone())),
                ("category", v(line.category.clone())),
                ("date", v(line.date.clone())),
                ("amount", v(amount)),
                ("currency", v(line.currency.clone())),
                ("rate", v(line.rate.clone())),
                ("source", v(line.rate_source.clone())),
                ("converted", v(converted)),
                ("evidence", v(line.evidence.clone())),
                ("id", v(id.clone())),
                ("reason", v(reason.clone())),
                ("user", v(db::rid("user", &user.id))),
            ],
        )
        .await?;
        let after = serde_json::json!({ "reverses": key, "reason": reason });
        audit::record(
            &tx,
            &Actor::user(user),
            "corrected",
            "funding_agreement",
            &db::key(&line.agreement),
            None,
            Some(&after),
        )
        .await?;
        let mut r = tx.run(PLACEMENT, vec![("placement", v(line.placement.clone()))]).await?;
        let placement: Option<PlacementRow> = r.take(0).map_err(db::fail("placement decode"))?;
        if let Some(placement) = placement {
            alert_if_crossed(&tx, state_ref, &line.agreement, armed, &placement).await?;
        }
        Ok(db::key(&line.agreement))
    })
    .await?;
    state.wake_mailer();
    Ok(crate::api::Done::new("Correction recorded: the line is reversed.", format!("/funding/agreements/{agreement}")))
}

/// The expenditure lines of an agreement, newest first.
pub async fn lines(state: &AppState, agreement: &str, currency: Currency) -> Result<Vec<ExpenditureLine>, AppError> {
    let mut r = state
        .db
        .query(format!(
            "SELECT {LINE} FROM expenditure WHERE agreement = $agreement ORDER BY date DESC, created_at DESC LIMIT 500"
        ))
        .bind(("agreement", db::rid("funding_agreement", agreement)))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("expenditures"))?;
    let rows: Vec<StoredLine> = r.take(0).map_err(db::fail("expenditures decode"))?;
    rows.into_iter()
        .map(|l| {
            let bad = |e: String| AppError::internal("stored expenditure", e);
            let spent_in = Currency::parse(&l.currency).map_err(bad)?;
            Ok(ExpenditureLine {
                id: db::key(&l.id),
                placement: l.officer_name,
                category: Category::parse(&l.category).ok_or_else(|| bad(l.category.clone()))?,
                date: parse_date(&l.date).map_err(bad)?,
                amount: Money::from_minor(l.amount_minor, spent_in),
                rate: l.rate,
                rate_source: l.rate_source,
                converted: Money::from_minor(l.converted_minor, currency),
                evidence: l.evidence,
                reason: l.reason,
                reversed: l.reversed,
            })
        })
        .collect()
}

async fn insert_rates(tx: &Tx, user: &CurrentUser, rates: &[DatedRate]) -> Result<(), AppError> {
    for rate in rates {
        tx.run(
            "CREATE exchange_rate SET date = $date, from = $from, to = $to, rate = $rate, source = $source,
                created_by = $user, created_at = $now",
            vec![
                ("date", v(rate.date.to_string())),
                ("from", v(rate.from.code().to_string())),
                ("to", v(rate.to.code().to_string())),
                ("rate", v(rate.rate.to_string())),
                ("source", v(rate.source.clone())),
                ("user", v(db::rid("user", &user.id))),
            ],
        )
        .await?;
    }
    let after = serde_json::json!({ "rates": rates.len() });
    audit::record(tx, &Actor::user(user), "rates_added", "exchange_rate", "table", None, Some(&after)).await
}

pub async fn add_rate(user: &CurrentUser, form: &RateForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let rate = parse_rate(form).map_err(|errors| {
        let mut all = FieldErrors::new();
        for (field, message) in errors {
            all.add(field, message);
        }
        all.finish(|| ()).err().unwrap_or(AppError::BadRequest)
    })?;
    let rates = [rate];
    let rates = &rates;
    db::transact(&state, |tx| async move { insert_rates(&tx, user, rates).await }).await?;
    Ok(crate::api::Done::new("Rate added.", "/funding/rates"))
}

pub async fn import(user: &CurrentUser, form: &RatesImportForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let rates = parse_rates_csv(&form.csv).map_err(|m| AppError::field("csv", m))?;
    let rates = &rates;
    db::transact(&state, |tx| async move { insert_rates(&tx, user, rates).await }).await?;
    Ok(crate::api::Done::new(format!("{} rates imported.", rates.len()), "/funding/rates"))
}

pub async fn rates() -> Result<Vec<RateLine>, AppError> {
    let state = AppState::current()?;
    let mut r = state
        .db
        .query("SELECT date, from, to, rate, source FROM exchange_rate ORDER BY date DESC, from, to LIMIT 200")
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("rates"))?;
    let rows: Vec<RateRow> = r.take(0).map_err(db::fail("rates decode"))?;
    rows.into_iter()
        .map(|r| {
            Ok(RateLine {
                date: parse_date(&r.date).map_err(|e| AppError::internal("stored rate", e))?,
                from: r.from,
                to: r.to,
                rate: r.rate,
                source: r.source,
            })
        })
        .collect()
}
