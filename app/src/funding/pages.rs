//! The agreement page's figures and commitments (with the coordinator's form to commit), and
//! the donor's own view: its agreements, the placements they fund, and the reports shared.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::agreements::{AgreementView, DonorAgreementView};
use super::commitments::CommitmentLine;
use super::rules::{percent_text, Category};
use crate::error::AppError;
use crate::reference::Choices;
use crate::resource::Editing;
use crate::ui::fields::{form_message, hidden, select, FormState, Input};
use crate::ui::format;
use crate::ui::layout::page_flash;
use crate::ui::layout::{loaded, loaded_quietly};
use crate::ui::{EnhancedForm, PageHeader};

/// An agreement's figures in the reporting currency, at the rate of a stated date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reporting {
    pub total: crate::domain::Money,
    pub committed: crate::domain::Money,
    pub spent: crate::domain::Money,
    /// "at 0.6543 (Reserve Bank, 2027-03-01)", or why there are no figures.
    pub basis: String,
    pub available: bool,
}

/// What the agreement page adds to the form: its commitments and the open placements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitments {
    pub lines: Vec<CommitmentLine>,
    /// Open placements as (id, label), for the commitment form.
    pub placements: Vec<(String, String)>,
    pub can_commit: bool,
    pub expenditures: Vec<super::expenditures::ExpenditureLine>,
    /// Placements with commitments under this agreement, as (id, officer), for spending.
    pub committed: Vec<(String, String)>,
    pub reporting: Reporting,
}

#[server(endpoint = "agreements/commitments")]
pub async fn agreement_commitments(#[server(default)] id: String) -> Result<Commitments, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    crate::api::answer(service::commitments(&user, &id).await)
}

/// The donor's view of its own funding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundingOfDonor {
    pub agreements: Vec<DonorAgreementView>,
    /// The figures of each agreement in the reporting currency, in the same order.
    pub reporting: Vec<Reporting>,
    /// Placements its agreements fund that are under way, first to start first (at most
    /// [`DONOR_PLACEMENTS_SHOWN`]): (id, officer, host agency, state label).
    pub placements: Vec<(String, String, String, String)>,
    /// How many placements its agreements fund, and how many of those are under way.
    pub placements_funded: u64,
    pub placements_under_way: u64,
    /// Accepted reports shared with it: (id, title, officer).
    pub reports: Vec<(String, String, String)>,
}

/// How many funded placements under way, and shared reports, the donor's home lists; the rest
/// are in the lists they link to.
pub const DONOR_PLACEMENTS_SHOWN: usize = 25;
pub const DONOR_REPORTS_SHOWN: usize = 20;

#[server(endpoint = "funding/mine")]
pub async fn donor_funding() -> Result<FundingOfDonor, AppError> {
    use crate::auth::Role;
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(&[Role::Donor])).await?;
    crate::api::answer(service::donor(&user).await)
}

/// Utilisation of each agreement under way, for the coordinator's dashboard.
#[server(endpoint = "funding/utilisation")]
pub async fn utilisation() -> Result<Vec<AgreementView>, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    // Every agreement, the same for all RSO staff (see `crate::cache`).
    static SHARED: crate::cache::Shared<Vec<AgreementView>> = crate::cache::Shared::new();
    crate::api::answer(SHARED.get_if_staff(&user, || service::under_way(&user)).await)
}

/// One agreement's printable report: cover, figures, chart, placements, outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrintableReport {
    /// As its donor is shown it, whoever prints it.
    pub agreement: DonorAgreementView,
    pub reporting: Reporting,
    /// (officer, sending agency, host agency, period, state label)
    pub placements: Vec<(String, String, String, String, String)>,
    /// (theme, accepted reports shared) of the funded placements.
    pub outcomes: Vec<(String, u64)>,
    pub printed_on: chrono::NaiveDate,
}

#[server(endpoint = "funding/report")]
pub async fn agreement_report(#[server(default)] id: String) -> Result<PrintableReport, AppError> {
    use crate::auth::Role;
    let roles = &[Role::Admin, Role::Coordinator, Role::Donor];
    let user = crate::auth::guard::require(crate::auth::guard::Access::Roles(roles)).await?;
    crate::api::answer(service::report(&user, &id).await)
}

#[cfg(feature = "ssr")]
pub mod service {
    use surrealdb::types::{RecordId, SurrealValue};

    use super::*;
    use crate::auth::{CurrentUser, Role};
    use crate::db::{self, v};
    use crate::state::AppState;

    #[derive(Debug, SurrealValue)]
    struct Choice {
        id: RecordId,
        label: String,
    }

    pub async fn commitments(user: &CurrentUser, id: &str) -> Result<Commitments, AppError> {
        let state = AppState::current()?;
        let key = crate::api::parse_key(id)?;
        let agreement = crate::resource::record::<super::super::agreements::Agreements>(&state.db, &key).await?;
        let lines = super::super::commitments::service::lines(
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
        let expenditures = super::super::expenditures::service::lines(&state, &key, agreement.currency).await?;
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
        let agreement = crate::resource::record::<super::super::agreements::Agreements>(&state.db, &key)
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
        let to = Currency::parse(&state.settings.reporting_currency)
            .map_err(|e| AppError::internal("reporting currency", e))?;
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
                        format!(
                            "No {}→{to} rate on or before {today}: add one to show the figures in {to}.",
                            a.currency
                        ),
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
                super::super::agreements::service::FIELDS
            ))
            .bind(("donor", v(donor)))
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("agreements"))?;
        let rows: Vec<super::super::agreements::service::Row> = r.take(0).map_err(db::fail("agreements decode"))?;
        rows.into_iter().map(super::super::agreements::service::view).collect()
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
        let references: Vec<String> = agreements_of(state, user).await?.into_iter().map(|a| a.id).collect();
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
        // Each from an index: the donor's agreements, and the placements and reports their
        // commitments reach (`funders`, migration 0015).
        let mut r = state
            .db
            .query(format!(
                "SELECT {fields} FROM funding_agreement WHERE donor = $scope ORDER BY period_start DESC;
                 RETURN (SELECT count() FROM placement WHERE {funded} GROUP ALL)[0].count ?? 0;
                 RETURN (SELECT count() FROM placement WHERE {funded} AND open_start > '' GROUP ALL)[0].count ?? 0;
                 SELECT id, officer_name, host_agency.name AS host, state, open_start FROM placement
                    WHERE {funded} AND open_start > '' ORDER BY open_start LIMIT {DONOR_PLACEMENTS_SHOWN};
                 SELECT id, kind, period_start, period_end, officer_name, due_date FROM report
                    WHERE {shared} ORDER BY due_date DESC LIMIT {DONOR_REPORTS_SHOWN};",
                fields = super::super::agreements::service::FIELDS,
                funded = crate::placements::FUNDED_BY_DONOR,
                shared = crate::reports::SHARED_WITH_DONOR,
            ))
            .bind(("scope", v(donor)))
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("donor overview"))?;
        let rows: Vec<super::super::agreements::service::Row> =
            r.take(0).map_err(db::fail("donor agreements decode"))?;
        let funded_count: Option<i64> = r.take(1).map_err(db::fail("donor placements count"))?;
        let under_way_count: Option<i64> = r.take(2).map_err(db::fail("donor placements count"))?;
        let funded: Vec<FundedRow> = r.take(3).map_err(db::fail("donor placements decode"))?;
        let shared: Vec<SharedRow> = r.take(4).map_err(db::fail("donor reports decode"))?;
        let label =
            |state: &str| crate::placements::PlacementState::parse(state).map(|s| s.label()).unwrap_or("—").to_string();
        let agreements: Vec<AgreementView> =
            rows.into_iter().map(super::super::agreements::service::view).collect::<Result<_, _>>()?;
        let in_reporting = reporting_all(&state, &agreements).await?;
        Ok(FundingOfDonor {
            agreements: agreements.into_iter().map(DonorAgreementView::from).collect(),
            reporting: in_reporting,
            placements: funded.into_iter().map(|p| (db::key(&p.id), p.officer_name, p.host, label(&p.state))).collect(),
            placements_funded: funded_count.unwrap_or(0).max(0) as u64,
            placements_under_way: under_way_count.unwrap_or(0).max(0) as u64,
            reports: shared
                .into_iter()
                .map(|r| {
                    let kind = crate::reports::ReportKind::parse(&r.kind).map(|k| k.label()).unwrap_or("Report");
                    (db::key(&r.id), format!("{kind}, {} to {}", r.period_start, r.period_end), r.officer_name)
                })
                .collect(),
        })
    }
}

/// The figures in the reporting currency.
pub fn reporting_figures(r: &Reporting) -> AnyView {
    if !r.available {
        return view! { <p class="muted">{r.basis.clone()}</p> }.into_any();
    }
    view! {
        <p class="muted" data-testid="reporting-figures">
            {format!("Total {}, committed {}, spent {} — {}.", r.total, r.committed, r.spent, r.basis)}
        </p>
    }
    .into_any()
}

/// The figures of an agreement as a table.
pub fn figures(a: &DonorAgreementView) -> AnyView {
    view! {
        <dl class="facts figures" data-testid="agreement-figures">
            <dt>"Total"</dt><dd>{a.total.to_string()}</dd>
            <dt>"Committed"</dt><dd>{a.committed.to_string()}</dd>
            <dt>"Spent"</dt><dd>{a.spent.to_string()}</dd>
            <dt>"Remaining (total − committed)"</dt><dd>{a.remaining().to_string()}</dd>
            <dt>"Unspent (total − spent)"</dt><dd>{a.unspent().to_string()}</dd>
            <dt>"Utilisation"</dt><dd>{percent_text(a.utilisation_bp)}</dd>
            <dt>"Period"</dt><dd>{format::period(a.period.start(), a.period.end())}</dd>
        </dl>
    }
    .into_any()
}

/// The agreement page's figures and commitments.
pub fn agreement_sections(key: &str, editing: &Editing<AgreementView, Choices>) -> AnyView {
    let Some(agreement) = editing.record.clone() else {
        return ().into_any();
    };
    let key = key.to_string();
    // The figures as the donor sees them.
    let shown = DonorAgreementView::from(agreement.clone());
    view! {
        <section class="section" aria-labelledby="figures-heading">
            <h2 id="figures-heading">"Figures"</h2>
            {figures(&shown)}
            {spend_chart(&shown)}
            <p><a href=format!("/funding/report/{}", agreement.id)>"Printable report"</a>" · "<a href=format!("/export/iati/{}.xml", agreement.id)>"IATI activity XML"</a></p>
        </section>
        {loaded_quietly(agreement_commitments(key.clone()), move |data| view! {
            {reporting_figures(&data.reporting)}
            {commitments_section(&key, &agreement, data.clone())}
            {expenditures_section(&key, &agreement, data)}
        }
        .into_any())}
    }
    .into_any()
}

fn commitments_section(key: &str, agreement: &AgreementView, data: Commitments) -> AnyView {
    let flash = page_flash();
    let state = FormState::new("/api/funding/commit", flash.as_ref(), Default::default());
    let categories = Category::ALL.iter().map(|c| (c.as_str().to_string(), c.label().to_string())).collect();
    let currency = agreement.currency.code();
    let agreement_key = key.to_string();
    view! {
        <section class="section" aria-labelledby="commitments-heading">
            <h2 id="commitments-heading">"Commitments"</h2>
            <div class="table-wrap">
                <table class="data-table" data-testid="commitments">
                    <thead><tr><th scope="col">"Placement"</th><th scope="col">"Category"</th><th scope="col">"Amount"</th><th scope="col">"Note"</th><th scope="col">"When"</th></tr></thead>
                    <tbody>
                        {data.lines.iter().map(|l| view! {
                            <tr>
                                <td><a href=format!("/placements/{}", l.placement_id)>{l.placement.clone()}</a></td>
                                <td>{l.category.label()}</td>
                                <td class="nowrap">{l.amount.to_string()}</td>
                                <td>{l.note.clone().unwrap_or_default()}{l.override_reason.clone().map(|r| format!(" (over the total: {r})"))}</td>
                                <td class="nowrap">{format::timestamp(l.at)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {data.lines.is_empty().then(|| view! { <p class="empty">"Nothing committed yet."</p> })}
            {data.can_commit.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/funding/commit" class="form form-wide" novalidate>
                        <h3>"Commit money to a placement"</h3>
                        {form_message(&state)}
                        {hidden("agreement", agreement_key)}
                        {select(&state, "placement", "Placement", data.placements.clone(), true)}
                        {select(&state, "category", "Category", categories, true)}
                        {Input::text("amount", "Amount").required().hint(&format!("In {currency}, like 12,500.00.")).render(&state)}
                        {Input::text("note", "Note").max_len(500).render(&state)}
                        {Input::text("override_reason", "Reason to commit past the total").max_len(1000).hint("Only when this commitment takes the agreement past its total.").render(&state)}
                        <div class="form-actions"><button type="submit" class="button">"Commit"</button></div>
                    </form>
                </EnhancedForm>
            })}
        </section>
    }
    .into_any()
}

/// The donor's funding: its agreements with their figures, the placements they fund, and the
/// reports shared with it.
#[component]
pub fn DonorFundingPage() -> impl IntoView {
    view! {
        {loaded(donor_funding(), move |data| view! {
            <PageHeader title="Your funding" lead="Your agreements, the placements they fund, and the reports shared with you."/>
            {donor_blocks(data)}
        }
        .into_any())}
    }
}

/// Spend against budget by category: committed as the light bar, spent as the dark one (red
/// past the commitment). Server-drawn SVG, no script; the table beside it has the same figures.
pub fn spend_chart(a: &DonorAgreementView) -> AnyView {
    const LABEL: f64 = 130.0;
    const WIDTH: f64 = 560.0;
    const ROW: f64 = 34.0;
    if a.by_category.is_empty() {
        return view! { <p class="empty">"Nothing committed yet."</p> }.into_any();
    }
    let largest = a.by_category.iter().map(|(_, c, s)| c.minor().max(s.minor())).max().unwrap_or(1).max(1) as f64;
    let x = |minor: i64| (minor.max(0) as f64 / largest) * (WIDTH - LABEL - 10.0);
    let height = ROW * a.by_category.len() as f64 + 10.0;
    let title = format!("Spend against budget by category, {}", a.reference);
    view! {
        <div class="chart-and-table">
            <svg class="spend-chart" xmlns="http://www.w3.org/2000/svg" width=WIDTH height=height viewBox=format!("0 0 {WIDTH} {height}") role="img">
                <title>{title}</title>
                {a.by_category.iter().enumerate().map(|(i, (category, committed, spent))| {
                    let y = 5.0 + ROW * i as f64;
                    let over = spent.minor() > committed.minor();
                    view! {
                        <g>
                            <text x="0" y=y + 19.0 class="chart-label">{category.label()}</text>
                            <rect x=LABEL y=y + 4.0 width=x(committed.minor()) height="22" class="bar-budget"><title>{format!("Committed {committed}")}</title></rect>
                            <rect x=LABEL y=y + 10.0 width=x(spent.minor()) height="10" class=if over { "bar-spent bar-over" } else { "bar-spent" }><title>{format!("Spent {spent}")}</title></rect>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <table class="data-table" data-testid="spend-table">
                <thead><tr><th scope="col">"Category"</th><th scope="col">"Committed"</th><th scope="col">"Spent"</th><th scope="col">"Left"</th></tr></thead>
                <tbody>
                    {a.by_category.iter().map(|(category, committed, spent)| view! {
                        <tr>
                            <td>{category.label()}</td>
                            <td class="nowrap">{committed.to_string()}</td>
                            <td class="nowrap">{spent.to_string()}</td>
                            <td class="nowrap">{committed.checked_sub(spent).map(|m| m.to_string()).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

pub fn donor_blocks(data: FundingOfDonor) -> AnyView {
    view! {
        <section class="section" aria-labelledby="agreements-heading">
            <h2 id="agreements-heading">"Agreements"</h2>
            <p><a href="/export/funding.csv">"Export the figures (CSV)"</a>" · "<a href="/export/funded-placements.csv">"Export the placements (CSV)"</a>" · "<a href="/reports">"Shared reports"</a>" · "<a href="/reports/outcomes">"Outcomes by theme"</a></p>
            {data.agreements.is_empty().then(|| view! { <p class="empty">"No agreement yet."</p> })}
            {data.agreements.iter().zip(data.reporting.iter()).map(|(a, reporting)| view! {
                <h3>{format!("{} · {}", a.reference, a.title)}</h3>
                {figures(a)}
                {reporting_figures(reporting)}
                {spend_chart(a)}
                <p><a href=format!("/funding/report/{}", a.id)>"Printable report"</a></p>
            }).collect_view()}
        </section>
        <section class="section" aria-labelledby="funded-heading">
            <h2 id="funded-heading">"Placements funded"</h2>
            <p data-testid="funded-count">
                {format!("{} funded in all, {} under way. ", data.placements_funded, data.placements_under_way)}
                <a href="/placements">"All funded placements"</a>
            </p>
            <ul class="waiting" data-testid="funded-placements">
                {data.placements.iter().map(|(id, officer, host, state)| view! {
                    <li><a href=format!("/placements/{id}")>{format!("{officer} at {host}")}</a>" "<span class="muted">{state.clone()}</span></li>
                }).collect_view()}
            </ul>
            {data.placements.is_empty().then(|| view! { <p class="empty">"No funded placement is under way."</p> })}
        </section>
        <section class="section" aria-labelledby="shared-heading">
            <h2 id="shared-heading">"Reports shared with you"</h2>
            <ul class="waiting" data-testid="shared-reports">
                {data.reports.iter().map(|(id, title, officer)| view! { <li><a href=format!("/reports/{id}")>{title.clone()}</a>{format!(" · {officer}")}</li> }).collect_view()}
            </ul>
            {(data.reports.len() == DONOR_REPORTS_SHOWN).then(|| view! { <p><a href="/reports">"All shared reports"</a></p> })}
            {data.reports.is_empty().then(|| view! { <p class="empty">"No report has been shared yet."</p> })}
        </section>
    }
    .into_any()
}

fn expenditures_section(key: &str, agreement: &AgreementView, data: Commitments) -> AnyView {
    let flash = page_flash();
    let state = FormState::new("/api/funding/spend", flash.as_ref(), Default::default()).with_ids("spend");
    let categories = Category::ALL.iter().map(|c| (c.as_str().to_string(), c.label().to_string())).collect();
    let currencies: Vec<(String, String)> = super::CURRENCIES.iter().map(|c| (c.to_string(), c.to_string())).collect();
    let own = agreement.currency.code();
    let agreement_key = key.to_string();
    let form_key = key.to_string();
    let rate_label = format!("Rate to {own} (optional)");
    let can = data.can_commit;
    view! {
        <section class="section" aria-labelledby="spending-heading">
            <h2 id="spending-heading">"Expenditures"</h2>
            <p><a href="/funding/rates">"Exchange rates"</a></p>
            <div class="table-wrap">
                <table class="data-table" data-testid="expenditures">
                    <thead><tr>
                        <th scope="col">"Date"</th><th scope="col">"Placement"</th><th scope="col">"Category"</th>
                        <th scope="col">"Amount"</th><th scope="col">"Rate"</th><th scope="col">{format!("In {own}")}</th>
                        <th scope="col">"Evidence"</th><th scope="col"><span class="visually-hidden">"Correction"</span></th>
                    </tr></thead>
                    <tbody>
                        {data.expenditures.iter().map(|e| {
                            let reversible = can && !e.reversed && e.reason.is_none();
                            let (id, agreement_key) = (e.id.clone(), agreement_key.clone());
                            view! {
                                <tr>
                                    <td class="nowrap">{format::date(e.date)}</td>
                                    <td>{e.placement.clone()}</td>
                                    <td>{e.category.label()}</td>
                                    <td class="nowrap">{e.amount.to_string()}</td>
                                    <td>{e.rate.clone()}<br/><span class="muted">{e.rate_source.clone()}</span></td>
                                    <td class="nowrap">{e.converted.to_string()}</td>
                                    <td>{e.evidence.clone()}{e.reason.clone().map(|r| view! { <br/><span class="muted">{format!("Correction: {r}")}</span> })}{e.reversed.then_some(" (reversed)")}</td>
                                    <td>{reversible.then(|| view! {
                                        <form method="post" action="/api/funding/reverse" class="inline-form">
                                            {hidden("agreement", agreement_key)}
                                            {hidden("expenditure", id)}
                                            <label class="visually-hidden" for=format!("reason-{}", e.id)>"Reason for the correction"</label>
                                            <input id=format!("reason-{}", e.id) type="text" name="reason" placeholder="Reason for the correction" maxlength="500" required/>
                                            <button type="submit" class="button-link danger">"Reverse"</button>
                                        </form>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {data.expenditures.is_empty().then(|| view! { <p class="empty">"Nothing spent yet."</p> })}
            {(can && !data.committed.is_empty()).then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/funding/spend" class="form form-wide" novalidate>
                        <h3>"Record an expenditure"</h3>
                        {form_message(&state)}
                        {hidden("agreement", form_key)}
                        {select(&state, "placement", "Placement", data.committed.clone(), true)}
                        {select(&state, "category", "Category", categories, true)}
                        {Input::text("date", "Date").kind("date").required().render(&state)}
                        {Input::text("amount", "Amount").required().render(&state)}
                        {select(&state, "currency", "Currency", currencies, true)}
                        {Input::text("rate", &rate_label).hint("Empty: the latest rate of the rates table on or before the date.").render(&state)}
                        {Input::text("rate_source", "Source of the rate").max_len(200).hint("Only with a rate entered here.").render(&state)}
                        {Input::text("evidence", "Evidence reference").required().max_len(200).hint("Receipt, voucher or payment number.").render(&state)}
                        <div class="form-actions"><button type="submit" class="button">"Record"</button></div>
                    </form>
                </EnhancedForm>
            })}
        </section>
    }
    .into_any()
}

/// The dated exchange rates: the latest 200, a form to add one, and a CSV import.
#[component]
pub fn RatesPage() -> impl IntoView {
    view! {
        {loaded(super::expenditures::list_rates(), move |rates| {
            let flash = page_flash();
            let add = FormState::new("/api/funding/rates/add", flash.as_ref(), Default::default()).with_ids("rate");
            let import = FormState::new("/api/funding/rates/import", flash.as_ref(), Default::default());
            view! {
                <PageHeader title="Exchange rates" lead="Dated rates: an expenditure in another currency takes the latest one on or before its date."/>
                <div class="table-wrap">
                    <table class="data-table" data-testid="rates">
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Pair"</th><th scope="col">"Rate"</th><th scope="col">"Source"</th></tr></thead>
                        <tbody>
                            {rates.iter().map(|r| view! {
                                <tr><td class="nowrap">{format::date(r.date)}</td><td>{format!("{} → {}", r.from, r.to)}</td><td>{r.rate.clone()}</td><td>{r.source.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {rates.is_empty().then(|| view! { <p class="empty">"No rates yet."</p> })}
                <section class="section" aria-labelledby="add-rate-heading">
                    <h2 id="add-rate-heading">"Add a rate"</h2>
                    <EnhancedForm>
                        <form method="post" action="/api/funding/rates/add" class="form form-inline" novalidate>
                            {form_message(&add)}
                            {Input::text("date", "Date").kind("date").required().render(&add)}
                            {Input::text("from", "From").required().max_len(3).hint("THB").render(&add)}
                            {Input::text("to", "To").required().max_len(3).hint("AUD").render(&add)}
                            {Input::text("rate", "Rate").required().hint("1 From buys this many To.").render(&add)}
                            {Input::text("source", "Source").required().max_len(200).render(&add)}
                            <div class="form-actions"><button type="submit" class="button-secondary">"Add"</button></div>
                        </form>
                    </EnhancedForm>
                </section>
                <section class="section" aria-labelledby="import-heading">
                    <h2 id="import-heading">"Import rates"</h2>
                    <EnhancedForm>
                        <form method="post" action="/api/funding/rates/import" class="form form-wide" novalidate>
                            {form_message(&import)}
                            <div class="field">
                                <label for="f-csv">"Rates as CSV"</label>
                                <p class="field-hint">"One rate a line: date,from,to,rate,source. All are imported, or none."</p>
                                <textarea id="f-csv" name="csv" rows="8">{import.value("csv")}</textarea>
                                <p class="field-error" data-error-for="csv" role="alert">{import.error("csv")}</p>
                            </div>
                            <div class="form-actions"><button type="submit" class="button-secondary">"Import"</button></div>
                        </form>
                    </EnhancedForm>
                </section>
            }
            .into_any()
        })}
    }
}

/// An agreement's report to print (or save as PDF from the browser): a cover, the figures and
/// the chart, the placements funded and the outcomes of the reports shared.
#[component]
pub fn AgreementReportPage() -> impl IntoView {
    let id = leptos_router::hooks::use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    view! {
        {loaded(agreement_report(id.clone()), move |r| {
            let a = &r.agreement;
            view! {
                <article class="printable">
                    <header class="print-cover">
                        <p class="muted">"Regional Support Office · Secondment programme"</p>
                        <h1>{format!("{} — {}", a.reference, a.title)}</h1>
                        <p class="lead">{format!("{} · {} · {}", a.donor, a.currency.code(), format::period(a.period.start(), a.period.end()))}</p>
                        <p class="muted">{format!("Report of {}", format::date(r.printed_on))}</p>
                    </header>
                    <section class="section"><h2>"Figures"</h2>{figures(a)}{reporting_figures(&r.reporting)}{spend_chart(a)}</section>
                    <section class="section">
                        <h2>"Placements funded"</h2>
                        <table class="data-table" data-testid="report-placements">
                            <thead><tr><th scope="col">"Officer"</th><th scope="col">"Sending agency"</th><th scope="col">"Host agency"</th><th scope="col">"Period"</th><th scope="col">"State"</th></tr></thead>
                            <tbody>{r.placements.iter().map(|(officer, sending, host, period, state)| view! {
                                <tr><td>{officer.clone()}</td><td>{sending.clone()}</td><td>{host.clone()}</td><td class="nowrap">{period.clone()}</td><td>{state.clone()}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    </section>
                    <section class="section">
                        <h2>"Outcomes by theme"</h2>
                        {r.outcomes.is_empty().then(|| view! { <p class="empty">"No shared report names a theme yet."</p> })}
                        <ul>{r.outcomes.iter().map(|(theme, n)| view! { <li>{format!("{theme}: {n} report{}", if *n == 1 { "" } else { "s" })}</li> }).collect_view()}</ul>
                    </section>
                </article>
            }
            .into_any()
        })}
    }
}

/// Utilisation per agreement as bars, with the 80 % and 100 % marks, and the table beside it.
#[component]
pub fn UtilisationChart() -> impl IntoView {
    view! {
        {loaded_quietly(utilisation(), move |agreements: Vec<AgreementView>| utilisation_chart(&agreements))}
    }
}

fn utilisation_chart(agreements: &[AgreementView]) -> AnyView {
    const LABEL: f64 = 150.0;
    const WIDTH: f64 = 560.0;
    const ROW: f64 = 28.0;
    if agreements.is_empty() {
        return view! {
            <section class="section"><h2>"Utilisation"</h2><p class="empty">"No agreement is under way."</p></section>
        }
        .into_any();
    }
    // The scale reaches 120 %, or further for an agreement beyond it.
    let top = agreements.iter().map(|a| a.utilisation_bp).max().unwrap_or(0).max(12_000) as f64;
    let x = |bp: i64| LABEL + (bp.max(0) as f64 / top) * (WIDTH - LABEL - 10.0);
    let height = ROW * agreements.len() as f64 + 24.0;
    view! {
        <section class="section" aria-labelledby="utilisation-heading">
            <h2 id="utilisation-heading">"Utilisation of agreements under way"</h2>
            <div class="chart-and-table">
                <svg class="spend-chart utilisation-chart" xmlns="http://www.w3.org/2000/svg" width=WIDTH height=height viewBox=format!("0 0 {WIDTH} {height}") role="img">
                    <title>"Utilisation per agreement, with the 80 % and 100 % alert levels"</title>
                    {agreements.iter().enumerate().map(|(i, a)| {
                        let y = 4.0 + ROW * i as f64;
                        let class = if a.utilisation_bp >= 10_000 { "bar-spent bar-over" } else if a.utilisation_bp >= 8_000 { "bar-spent bar-warn" } else { "bar-spent" };
                        view! {
                            <a href=format!("/funding/agreements/{}", a.id)>
                                <text x="0" y=y + 16.0 class="chart-label">{a.reference.clone()}</text>
                                <rect x=LABEL y=y + 4.0 width=x(a.utilisation_bp) - LABEL height="16" class=class><title>{format!("{}: {}", a.reference, percent_text(a.utilisation_bp))}</title></rect>
                            </a>
                        }
                    }).collect_view()}
                    {[8_000_i64, 10_000].into_iter().map(|bp| view! {
                        <g class="alert-mark">
                            <line x1=x(bp) x2=x(bp) y1="0" y2=height - 16.0/>
                            <text x=x(bp) - 12.0 y=height - 4.0>{percent_text(bp)}</text>
                        </g>
                    }).collect_view()}
                </svg>
                <table class="data-table" data-testid="utilisation-table">
                    <thead><tr><th scope="col">"Agreement"</th><th scope="col">"Donor"</th><th scope="col">"Committed"</th><th scope="col">"Utilisation"</th></tr></thead>
                    <tbody>
                        {agreements.iter().map(|a| view! {
                            <tr>
                                <td><a href=format!("/funding/agreements/{}", a.id)>{a.reference.clone()}</a></td>
                                <td>{a.donor.clone()}</td>
                                <td class="nowrap">{format!("{} of {}", a.committed, a.total)}</td>
                                <td>{percent_text(a.utilisation_bp)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
