//! A placement's funding lines: carried through when its days change (in the placement's own
//! transaction), read for its page, and an agreement's lines for the agreement's page.

use crate::db::{self, v, Tx};
use crate::domain::Money;
use crate::error::AppError;
use crate::funding::commitments::*;
use crate::funding::rules::Category;
use crate::state::AppState;
use surrealdb::types::{RecordId, SurrealValue};

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
        let stipend: i128 = lines.iter().filter(|c| c.category == "stipend").map(|c| i128::from(c.amount_minor)).sum();
        // The stipend for `days` of the old length, checked: none when no stipend is committed
        // or when it would not fit (a note leaves a figure out rather than show a wrong one).
        let pro_rata = |days: i128| {
            (stipend > 0).then_some(())?;
            let minor = stipend.checked_mul(days)? / old_days.max(1);
            i64::try_from(minor).ok().map(|minor| Money::from_minor(minor, currency))
        };
        if new_days > old_days {
            if let Some(needed) = pro_rata(new_days - old_days) {
                notes.push(format!("Agreement {}: the extension needs about {needed} more stipend.", first.reference));
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
pub async fn of_placement(
    tx: &Tx,
    placement: &RecordId,
) -> Result<Vec<crate::funding::commitments::FundingLine>, AppError> {
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
            Ok(crate::funding::commitments::FundingLine {
                agreement_id: db::key(&c.agreement),
                reference: c.reference,
                category: Category::parse(&c.category)
                    .ok_or_else(|| AppError::internal("category", c.category.clone()))?,
                amount: Money::from_minor(c.amount_minor, currency),
            })
        })
        .collect()
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
