//! Server-side work of `funding::agreements`.

use crate::auth::{CurrentUser, Role};
use crate::domain::{parse_date, Currency, Money, Period};
use crate::funding::agreements::*;
use crate::funding::rules::utilisation_bp;
use crate::reference::Choices;
use crate::resource::prelude::*;
use crate::resource::store::{chosen, NamedRow};
use crate::resource::Valid;
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
pub struct Row {
    id: RecordId,
    donor_id: RecordId,
    donor: String,
    reference: String,
    title: String,
    currency: String,
    total_minor: i64,
    period_start: String,
    period_end: String,
    earmark_members: Vec<NamedRow>,
    earmark_agencies: Vec<NamedRow>,
    earmark_themes: Vec<NamedRow>,
    notes: String,
    /// Kept by the events of migration 0012 (see `fn::funding_moved`).
    committed_minor: i64,
    spent_minor: i64,
    used_minor: i64,
    committed_by_category: std::collections::BTreeMap<String, i64>,
    spent_by_category: std::collections::BTreeMap<String, i64>,
}

/// One line per (placement, category) committed: what was set aside and what was spent.
pub const FIELDS: &str = "id, donor AS donor_id, donor.name AS donor, reference, reference_key, title, currency,
    total_minor, period_start, period_end, notes,
    (SELECT id, name FROM $parent.earmark_members) AS earmark_members,
    (SELECT id, name FROM $parent.earmark_agencies) AS earmark_agencies,
    (SELECT id, name FROM $parent.earmark_themes) AS earmark_themes,
    committed_minor ?? 0 AS committed_minor, spent_minor ?? 0 AS spent_minor, used_minor ?? 0 AS used_minor,
    committed_by_category ?? {} AS committed_by_category, spent_by_category ?? {} AS spent_by_category,
    string::lowercase(donor.name) AS donor_key";

pub fn view(r: Row) -> Result<AgreementView, AppError> {
    let currency = Currency::parse(&r.currency).map_err(|e| AppError::internal("agreement currency", e))?;
    let date = |t: &str| parse_date(t).map_err(|e| AppError::internal("agreement date", e));
    let period = Period::new(date(&r.period_start)?, date(&r.period_end)?)
        .map_err(|e| AppError::internal("agreement period", e))?;
    let named = NamedRow::pairs;
    let by_category = crate::funding::rules::Category::ALL
        .into_iter()
        .map(|category| {
            let of = |figures: &std::collections::BTreeMap<String, i64>| {
                Money::from_minor(figures.get(category.as_str()).copied().unwrap_or(0), currency)
            };
            (category, of(&r.committed_by_category), of(&r.spent_by_category))
        })
        .filter(|(_, committed, spent)| !committed.is_zero() || !spent.is_zero())
        .collect();
    let shown = DonorAgreementView {
        id: db::key(&r.id),
        donor: r.donor,
        reference: r.reference,
        title: r.title,
        currency,
        total: Money::from_minor(r.total_minor, currency),
        committed: Money::from_minor(r.committed_minor, currency),
        spent: Money::from_minor(r.spent_minor, currency),
        period,
        utilisation_bp: utilisation_bp(r.total_minor, r.used_minor),
        by_category,
    };
    Ok(AgreementView {
        shown,
        donor_id: db::key(&r.donor_id),
        earmark_members: named(r.earmark_members),
        earmark_agencies: named(r.earmark_agencies),
        earmark_themes: named(r.earmark_themes),
        notes: r.notes,
    })
}

impl Stored for Agreements {
    type Row = Row;
    type Prepared = ();
    const FIELDS: &'static str = FIELDS;
    const SORTS: &'static [(&'static str, &'static str)] =
        &[("start", "period_start"), ("reference", "reference_key"), ("donor", "donor_key")];
    const UNIQUE: (&'static str, &'static str) =
        ("reference", "This donor already has an agreement with this reference.");
    const CSV: &'static [CsvColumn<AgreementView>] = &[
        ("reference", |a| a.reference.clone()),
        ("donor", |a| a.donor.clone()),
        ("title", |a| a.title.clone()),
        ("currency", |a| a.currency.code().to_string()),
        ("total", |a| a.total.amount_text().replace(',', "")),
        ("committed", |a| a.committed.amount_text().replace(',', "")),
        ("spent", |a| a.spent.amount_text().replace(',', "")),
        ("remaining", |a| a.remaining().amount_text().replace(',', "")),
        ("utilisation_percent", |a| format!("{}.{:02}", a.utilisation_bp / 100, a.utilisation_bp % 100)),
        ("period_start", |a| a.period.start().to_string()),
        ("period_end", |a| a.period.end().to_string()),
    ];

    fn view(r: Row) -> Result<AgreementView, AppError> {
        view(r)
    }

    fn filter(sql: ListSql, query: &ListQuery) -> ListSql {
        let donor = crate::api::parse_key(&query.member).ok();
        sql.search(query, "(string::contains(reference_key, $q) OR string::contains(string::lowercase(title), $q))")
            .filter_if(donor.is_some(), "donor = $donor", "donor", v(donor.map(|d| db::rid("donor", &d))))
    }

    fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)> {
        let a = change.valid;
        let ids = |table: &'static str, keys: &[String]| v(keys.iter().map(|k| db::rid(table, k)).collect::<Vec<_>>());
        vec![
            ("donor", v(db::rid("donor", &a.donor))),
            ("reference", v(a.reference.clone())),
            ("reference_key", v(a.reference.to_lowercase())),
            ("title", v(a.title.clone())),
            ("currency", v(a.total.currency().code().to_string())),
            ("total_minor", v(a.total.minor())),
            ("period_start", v(a.period.start().to_string())),
            ("period_end", v(a.period.end().to_string())),
            ("earmark_members", ids("member", &a.members)),
            ("earmark_agencies", ids("agency", &a.agencies)),
            ("earmark_themes", ids("theme", &a.themes)),
            ("notes", v(a.notes.clone())),
        ]
    }

    fn can_edit(user: &CurrentUser) -> bool {
        user.role == Role::Coordinator
    }

    async fn choices() -> Result<Choices, AppError> {
        crate::reference::service::choices().await
    }

    /// The donor must exist.
    async fn prepare(state: &AppState, _: &CurrentUser, _: &str, a: &Valid<Self>) -> Result<(), AppError> {
        chosen(&state.db, "donor", &a.donor, "donor", "Choose a donor from the list.").await.map(|_| ())
    }

    /// Its donor and currency stay once money is committed or spent under it.
    async fn check(tx: &Tx, change: &Change<'_, Self>, before: Option<&AgreementView>) -> Result<(), AppError> {
        let Some(before) = before else { return Ok(()) };
        let a = change.valid;
        let after = (a.donor.as_str(), a.total.currency());
        if after == (before.donor_id.as_str(), before.currency) {
            return Ok(());
        }
        let mut r = tx
            .run(
                "RETURN count(SELECT id FROM commitment WHERE agreement = $agreement LIMIT 1)
                    + count(SELECT id FROM expenditure WHERE agreement = $agreement LIMIT 1)",
                vec![("agreement", v(db::rid(Self::TABLE, change.key)))],
            )
            .await?;
        let lines: Option<i64> = r.take(0).map_err(db::fail("agreement lines"))?;
        let mut errors = FieldErrors::new();
        let before = (before.donor_id.as_str(), before.currency);
        for (field, message) in crate::funding::rules::fixed_once_funded(lines.unwrap_or(0) > 0, before, after) {
            errors.add(field, message);
        }
        errors.finish(|| ())
    }

    /// Back to the agreement, where its commitments are.
    fn saved(change: &Change<'_, Self>, after: &AgreementView) -> (String, String) {
        (format!("Agreement {} saved.", after.reference), format!("/funding/agreements/{}", change.key))
    }
}
