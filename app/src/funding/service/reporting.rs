//! The figures of funding's reporting views, within the caller's scope: an agreement's
//! commitments and expenditures, a donor's funding, utilisation, the printable report and the
//! CSV exports of figures and funded placements.

use surrealdb::types::{RecordId, SurrealValue};

use crate::auth::{CurrentUser, Role};
use crate::db::{self, v};
use crate::error::AppError;
use crate::funding::agreements::{AgreementView, DonorAgreementView};
use crate::funding::*;
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
struct Choice {
    id: RecordId,
    label: String,
}

pub async fn commitments(user: &CurrentUser, id: &str) -> Result<Commitments, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(id)?;
    let agreement = crate::resource::record::<crate::funding::agreements::Agreements>(&state.db, &key).await?;
    let lines = crate::funding::service::commitments::lines(
        &state,
        "agreement",
        db::rid("funding_agreement", &key),
        agreement.currency,
    )
    .await?;
    let mut r = state
        .db
        .query(
            "SELECT id, officer_name + ' → ' + host_agency.name + ' (' + start_date + ' to ' + (early_end ?? end_date) + ')' AS label,
                start_date FROM placement WHERE state IN ['planned', 'active'] ORDER BY start_date",
        )
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("open placements"))?;
    let placements: Vec<Choice> = r.take(0).map_err(db::fail("open placements decode"))?;
    let expenditures = crate::funding::service::expenditures::lines(&state, &key, agreement.currency).await?;
    let reporting = reporting(&state, &agreement).await?;
    let mut committed: Vec<(String, String)> = Vec::new();
    for line in &lines {
        if !committed.iter().any(|(id, _)| *id == line.placement_id) {
            committed.push((line.placement_id.clone(), line.placement.clone()));
        }
    }
    Ok(Commitments {
        reporting,
        expenditures,
        committed,
        lines,
        placements: placements.into_iter().map(|c| (db::key(&c.id), c.label)).collect(),
        can_commit: user.role == Role::Coordinator,
    })
}

#[derive(Debug, SurrealValue)]
struct FundedRow {
    id: RecordId,
    officer_name: String,
    host: String,
    state: String,
}

#[derive(Debug, SurrealValue)]
struct SharedRow {
    id: RecordId,
    kind: String,
    period_start: String,
    period_end: String,
    officer_name: String,
}

#[derive(Debug, SurrealValue)]
struct ReportPlacement {
    officer_name: String,
    sending: String,
    host: String,
    start_date: String,
    last_day: String,
    state: String,
}

#[derive(Debug, SurrealValue)]
struct ThemeCount {
    name: Option<String>,
    reports: i64,
}

/// The printable report of agreement `id`: for RSO staff, or for its own donor; for anyone
/// else the agreement does not exist.
pub async fn report(user: &CurrentUser, id: &str) -> Result<PrintableReport, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(id)?;
    let agreement = crate::resource::record::<crate::funding::agreements::Agreements>(&state.db, &key)
        .await
        .map_err(|_| AppError::NotFound)?;
    let own = user.donor.as_ref().is_some_and(|d| d.id == agreement.donor_id);
    if user.role == Role::Donor && !own {
        return Err(AppError::NotFound);
    }
    let mut r = state
        .db
        .query(
            "LET $funded = array::distinct((SELECT VALUE placement FROM commitment WHERE agreement = $agreement));
             SELECT officer_name, sending_agency.name AS sending, host_agency.name AS host, start_date,
                early_end ?? end_date AS last_day, state FROM $funded ORDER BY officer_name;
             SELECT themes.name AS name, count() AS reports FROM (
                SELECT themes FROM report WHERE placement IN $funded AND state = 'accepted' AND shared_with_donor = true
                    AND array::len(themes) > 0 SPLIT themes
             ) GROUP BY name ORDER BY reports DESC;",
        )
        .bind(("agreement", db::rid("funding_agreement", &key)))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("agreement report"))?;
    let placements: Vec<ReportPlacement> = r.take(1).map_err(db::fail("agreement report placements"))?;
    let outcomes: Vec<ThemeCount> = r.take(2).map_err(db::fail("agreement report outcomes"))?;
    let label =
        |state: &str| crate::placements::PlacementState::parse(state).map(|s| s.label()).unwrap_or("—").to_string();
    Ok(PrintableReport {
        reporting: reporting(&state, &agreement).await?,
        agreement: agreement.into(),
        placements: placements
            .into_iter()
            .map(|p| {
                (p.officer_name, p.sending, p.host, format!("{} to {}", p.start_date, p.last_day), label(&p.state))
            })
            .collect(),
        outcomes: outcomes.into_iter().map(|o| (o.name.unwrap_or_default(), o.reports.max(0) as u64)).collect(),
        printed_on: state.clock.today(),
    })
}

/// The agreements whose period includes today, most used first.
pub async fn under_way(user: &CurrentUser) -> Result<Vec<AgreementView>, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    let mut agreements: Vec<AgreementView> =
        agreements_of(&state, user).await?.into_iter().filter(|a| a.period.contains(today)).collect();
    agreements.sort_by_key(|a| std::cmp::Reverse(a.utilisation_bp));
    Ok(agreements)
}

/// `a`'s figures in the reporting currency, at the latest rate on or before today.
pub async fn reporting(state: &AppState, a: &AgreementView) -> Result<Reporting, AppError> {
    let mut all = reporting_all(state, std::slice::from_ref(a)).await?;
    all.pop().ok_or(AppError::Internal)
}

/// The figures of each of `agreements` in the reporting currency: the latest rate of each
/// currency on or before today, all read in one round trip.
pub async fn reporting_all(state: &AppState, agreements: &[AgreementView]) -> Result<Vec<Reporting>, AppError> {
    use crate::domain::{Currency, Rate};
    #[derive(Debug, SurrealValue)]
    struct Found {
        date: String,
        rate: String,
        source: String,
    }
    let to =
        Currency::parse(&state.settings.reporting_currency).map_err(|e| AppError::internal("reporting currency", e))?;
    let today = state.clock.today();
    let mut currencies: Vec<Currency> = Vec::new();
    for a in agreements {
        if a.currency != to && !currencies.contains(&a.currency) {
            currencies.push(a.currency);
        }
    }
    let mut found: Vec<Option<Found>> = Vec::new();
    if !currencies.is_empty() {
        let sql: String = (0..currencies.len())
            .map(|i| {
                format!(
                    "SELECT date, rate, source FROM exchange_rate WHERE from = $from{i} AND to = $to AND date <= $today
                     ORDER BY date ASC;"
                )
            })
            .collect();
        let mut q = state.db.query(sql).bind(("to", to.code().to_string())).bind(("today", today.to_string()));
        for (i, currency) in currencies.iter().enumerate() {
            q = q.bind((format!("from{i}"), currency.code().to_string()));
        }
        let mut r = q.await.and_then(|r| r.check()).map_err(db::fail("reporting rates"))?;
        for i in 0..currencies.len() {
            // Read forwards, the last kept (see `expenditures::rates_of`).
            let rows: Vec<Found> = r.take(i).map_err(db::fail("reporting rate decode"))?;
            found.push(rows.into_iter().last());
        }
    }
    let mut out = Vec::new();
    for a in agreements {
        let (rate, basis) = if a.currency == to {
            (Some(rust_decimal::Decimal::ONE), format!("in {to}"))
        } else {
            let index = currencies.iter().position(|c| *c == a.currency).ok_or(AppError::Internal)?;
            match &found[index] {
                Some(f) => {
                    let rate = Rate::parse(&f.rate).map_err(|e| AppError::internal("stored rate", e))?;
                    (Some(rate.value()), format!("in {to} at {} ({}, {})", f.rate, f.source, f.date))
                }
                None => (
                    None,
                    format!("No {}→{to} rate on or before {today}: add one to show the figures in {to}.", a.currency),
                ),
            }
        };
        let zero = crate::domain::Money::zero(to);
        let converted = rate.map(|rate| -> Result<_, String> {
            Ok((a.total.convert(rate, to)?, a.committed.convert(rate, to)?, a.spent.convert(rate, to)?))
        });
        out.push(match converted {
            Some(Ok((total, committed, spent))) => Reporting { total, committed, spent, basis, available: true },
            Some(Err(_)) => Reporting {
                total: zero,
                committed: zero,
                spent: zero,
                basis: format!("The figures are too large to show in {to}."),
                available: false,
            },
            None => Reporting { total: zero, committed: zero, spent: zero, basis, available: false },
        });
    }
    Ok(out)
}

/// The agreements `user` may see: a donor's own, or all for RSO staff.
async fn agreements_of(state: &AppState, user: &CurrentUser) -> Result<Vec<AgreementView>, AppError> {
    let donor = match user.role {
        Role::Donor => Some(user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::Forbidden)?),
        Role::Admin | Role::Coordinator => None,
        _ => return Err(AppError::Forbidden),
    };
    let mut r = state
        .db
        .query(format!(
            "SELECT {} FROM funding_agreement WHERE $donor = NONE OR donor = $donor ORDER BY period_start DESC",
            crate::funding::service::agreements::FIELDS
        ))
        .bind(("donor", v(donor)))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("agreements"))?;
    let rows: Vec<crate::funding::service::agreements::Row> = r.take(0).map_err(db::fail("agreements decode"))?;
    rows.into_iter().map(crate::funding::service::agreements::view).collect()
}

/// `funding.csv`: each agreement's figures by category (plain decimals, the currency apart).
pub async fn figures_csv(state: &AppState, user: &CurrentUser) -> Result<String, AppError> {
    let plain = |m: &crate::domain::Money| m.amount_text().replace(',', "");
    let mut rows = Vec::new();
    for a in agreements_of(state, user).await? {
        for (category, committed, spent) in &a.by_category {
            rows.push(vec![
                a.reference.clone(),
                a.donor.clone(),
                a.currency.code().to_string(),
                category.as_str().to_string(),
                plain(committed),
                plain(spent),
            ]);
        }
    }
    Ok(crate::listing::csv(&["agreement", "donor", "currency", "category", "committed", "spent"], rows))
}

#[derive(Debug, SurrealValue)]
struct FundedCsvRow {
    reference: String,
    officer_name: String,
    sending: String,
    host: String,
    state: String,
    start_date: String,
    last_day: String,
}

/// `funded-placements.csv`: the placements the agreements `user` may see fund.
pub async fn placements_csv(state: &AppState, user: &CurrentUser) -> Result<String, AppError> {
    let references: Vec<String> = agreements_of(state, user).await?.into_iter().map(|a| a.shown.id).collect();
    let ids: Vec<RecordId> = references.iter().map(|k| db::rid("funding_agreement", k)).collect();
    let mut r = state
        .db
        .query(
            "SELECT agreement.reference AS reference, placement.officer_name AS officer_name,
                placement.sending_agency.name AS sending, placement.host_agency.name AS host, placement.state AS state,
                placement.start_date AS start_date, placement.early_end ?? placement.end_date AS last_day
             FROM commitment WHERE agreement IN $ids GROUP BY reference, officer_name, sending, host, state, start_date, last_day
             ORDER BY reference, officer_name",
        )
        .bind(("ids", ids))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("funded placements"))?;
    let rows: Vec<FundedCsvRow> = r.take(0).map_err(db::fail("funded placements decode"))?;
    Ok(crate::listing::csv(
        &["agreement", "officer", "sending_agency", "host_agency", "state", "start", "last_day"],
        rows.into_iter()
            .map(|r| vec![r.reference, r.officer_name, r.sending, r.host, r.state, r.start_date, r.last_day]),
    ))
}

/// Only the donor's own agreements, and what they fund, whatever is asked.
pub async fn donor(user: &CurrentUser) -> Result<FundingOfDonor, AppError> {
    let state = AppState::current()?;
    let donor = user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::Forbidden)?;
    // Each from an index: the donor's agreements, its kept counts and its rows of placements
    // and shared reports in order (migration 0036), each placement or report read by its link.
    let mut r = state
        .db
        .query(format!(
            "SELECT {fields} FROM funding_agreement WHERE donor = $scope ORDER BY period_start DESC;
             SELECT placement.id AS id, placement.officer_name AS officer_name, placement.host_agency.name AS host,
                    placement.state AS state, open_start FROM donor_placement
                WHERE donor = $scope AND open_start > '' ORDER BY open_start LIMIT {DONOR_PLACEMENTS_SHOWN};
             SELECT report.id AS id, report.kind AS kind, report.period_start AS period_start,
                    report.period_end AS period_end, report.officer_name AS officer_name, due_date FROM donor_report
                WHERE donor = $scope ORDER BY due_date DESC LIMIT {DONOR_REPORTS_SHOWN};",
            fields = crate::funding::service::agreements::FIELDS,
        ))
        .bind(("scope", v(donor.clone())))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("donor overview"))?;
    let rows: Vec<crate::funding::service::agreements::Row> = r.take(0).map_err(db::fail("donor agreements decode"))?;
    let funded: Vec<FundedRow> = r.take(1).map_err(db::fail("donor placements decode"))?;
    let shared: Vec<SharedRow> = r.take(2).map_err(db::fail("donor reports decode"))?;
    let counts = db::tally::read(&state.db, "donor_placement", &["funded", "open"], Some(&db::key(&donor))).await?;
    let label =
        |state: &str| crate::placements::PlacementState::parse(state).map(|s| s.label()).unwrap_or("—").to_string();
    let agreements: Vec<AgreementView> =
        rows.into_iter().map(crate::funding::service::agreements::view).collect::<Result<_, _>>()?;
    let in_reporting = reporting_all(&state, &agreements).await?;
    Ok(FundingOfDonor {
        agreements: agreements.into_iter().map(DonorAgreementView::from).collect(),
        reporting: in_reporting,
        placements: funded.into_iter().map(|p| (db::key(&p.id), p.officer_name, p.host, label(&p.state))).collect(),
        placements_funded: counts[0],
        placements_under_way: counts[1],
        reports: shared
            .into_iter()
            .map(|r| {
                let kind = crate::reports::ReportKind::parse(&r.kind).map(|k| k.label()).unwrap_or("Report");
                (db::key(&r.id), format!("{kind}, {} to {}", r.period_start, r.period_end), r.officer_name)
            })
            .collect(),
    })
}
