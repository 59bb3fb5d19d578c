//! Funding agreements: a donor's money for the programme, in one currency, over a period, with
//! earmarks. Coordinators create and edit them; admins read them. The edit page shows the
//! figures and the commitments (see `commitments.rs`).

use super::rules::percent_text;
use crate::domain::{parse_date, Currency, Money, Period};
use crate::reference::Choices;
use crate::resource::fields::{optional_text, required_text};
use crate::resource::prelude::*;

/// An agreement with its figures (kept on the agreement by the changes to its lines).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementView {
    pub id: String,
    pub donor_id: String,
    pub donor: String,
    pub reference: String,
    pub title: String,
    pub currency: Currency,
    pub total: Money,
    pub committed: Money,
    pub spent: Money,
    pub period: Period,
    /// (id, name) of each earmark list; empty means any.
    pub earmark_members: Vec<(String, String)>,
    pub earmark_agencies: Vec<(String, String)>,
    pub earmark_themes: Vec<(String, String)>,
    pub notes: String,
    /// Basis points: Σ max(committed, spent) per commitment ÷ total.
    pub utilisation_bp: i64,
    /// (category, committed, spent), in the order of the categories, those with money only.
    pub by_category: Vec<(super::rules::Category, Money, Money)>,
}

impl AgreementView {
    /// Total − committed.
    pub fn remaining(&self) -> Money {
        self.total.checked_sub(&self.committed).unwrap_or(self.total)
    }

    /// Total − spent.
    pub fn unspent(&self) -> Money {
        self.total.checked_sub(&self.spent).unwrap_or(self.total)
    }

    pub fn earmarks(&self) -> super::rules::Earmarks {
        super::rules::Earmarks {
            members: self.earmark_members.clone(),
            agencies: self.earmark_agencies.clone(),
            themes: self.earmark_themes.clone(),
        }
    }
}

/// An agreement as its donor is shown it (its pages and the printable report): its figures,
/// without the RSO's notes and earmarks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonorAgreementView {
    pub id: String,
    pub donor: String,
    pub reference: String,
    pub title: String,
    pub currency: Currency,
    pub total: Money,
    pub committed: Money,
    pub spent: Money,
    pub period: Period,
    pub utilisation_bp: i64,
    pub by_category: Vec<(super::rules::Category, Money, Money)>,
}

impl From<AgreementView> for DonorAgreementView {
    fn from(a: AgreementView) -> Self {
        DonorAgreementView {
            id: a.id,
            donor: a.donor,
            reference: a.reference,
            title: a.title,
            currency: a.currency,
            total: a.total,
            committed: a.committed,
            spent: a.spent,
            period: a.period,
            utilisation_bp: a.utilisation_bp,
            by_category: a.by_category,
        }
    }
}

impl DonorAgreementView {
    /// Total − committed.
    pub fn remaining(&self) -> Money {
        self.total.checked_sub(&self.committed).unwrap_or(self.total)
    }

    /// Total − spent.
    pub fn unspent(&self) -> Money {
        self.total.checked_sub(&self.spent).unwrap_or(self.total)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AgreementForm {
    pub id: String,
    pub donor: String,
    pub reference: String,
    pub title: String,
    pub currency: String,
    pub total: String,
    pub period_start: String,
    pub period_end: String,
    pub members: Vec<String>,
    pub agencies: Vec<String>,
    pub themes: Vec<String>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidAgreement {
    pub donor: String,
    pub reference: String,
    pub title: String,
    pub total: Money,
    pub period: Period,
    pub members: Vec<String>,
    pub agencies: Vec<String>,
    pub themes: Vec<String>,
    pub notes: String,
}

/// Record keys chosen in a list of checkboxes, each well formed and named once.
fn keys(values: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        crate::domain::RecordKey::parse(value).map_err(|_| "Choose from the list.".to_string())?;
        if !out.iter().any(|k| k == value) {
            out.push(value.to_string());
        }
    }
    Ok(out)
}

impl Validate for AgreementForm {
    type Valid = ValidAgreement;

    fn validate(&self) -> Result<ValidAgreement, AppError> {
        let mut errors = FieldErrors::new();
        let donor = errors.take(
            "donor",
            optional_text(&self.donor, 40).and_then(|d| d.ok_or_else(|| "Choose the donor.".to_string())),
        );
        let reference = errors.take("reference", required_text(&self.reference, 60));
        let title = errors.take("title", required_text(&self.title, 200));
        let currency = errors.take("currency", Currency::parse(&self.currency));
        let total = currency
            .and_then(|c| errors.take("total", Money::parse_positive(&self.total, c).and_then(Money::within_limit)));
        let start = errors.take("period_start", parse_date(&self.period_start));
        let end = errors.take("period_end", parse_date(&self.period_end));
        let period = match (start, end) {
            (Some(start), Some(end)) => errors.take("period_end", Period::new(start, end)),
            _ => None,
        };
        let members = errors.take("members", keys(&self.members));
        let agencies = errors.take("agencies", keys(&self.agencies));
        let themes = errors.take("themes", keys(&self.themes));
        let notes = errors.take("notes", optional_text(&self.notes, 4000));
        errors.finish(|| ())?;
        match (donor, reference, title, total, period, members, agencies, themes, notes) {
            (
                Some(donor),
                Some(reference),
                Some(title),
                Some(total),
                Some(period),
                Some(members),
                Some(agencies),
                Some(themes),
                Some(notes),
            ) => Ok(ValidAgreement {
                donor,
                reference,
                title,
                total,
                period,
                members,
                agencies,
                themes,
                notes: notes.unwrap_or_default(),
            }),
            _ => Err(AppError::BadRequest),
        }
    }
}

/// The agreements as a [`Resource`].
pub struct Agreements;

fn amount(m: &Money) -> String {
    m.to_string()
}

impl Resource for Agreements {
    const TABLE: &'static str = "funding_agreement";
    const NAMES: Names = Names {
        one: "agreement",
        many: "agreements",
        page: "/funding/agreements",
        title: "Funding agreements",
        lead: "Donors' agreements: their totals, what is committed to placements, and what is left.",
    };
    const COLUMNS: &'static [Column<AgreementView>] = &[
        Column::sorted("reference", "Reference", |a| a.reference.clone()),
        Column::sorted("donor", "Donor", |a| a.donor.clone()),
        Column::plain("Total", |a| amount(&a.total)),
        Column::plain("Committed", |a| amount(&a.committed)),
        Column::plain("Remaining", |a| amount(&a.remaining())),
        Column::plain("Utilisation", |a| percent_text(a.utilisation_bp)),
        Column::sorted("start", "Period", |a| crate::ui::format::period(a.period.start(), a.period.end())),
    ];
    type View = AgreementView;
    type Form = AgreementForm;
    type Choices = Choices;

    fn key(a: &AgreementView) -> &str {
        &a.id
    }

    async fn filters() -> Vec<SelectFilter> {
        let choices = crate::reference::reference_choices().await.unwrap_or_default();
        vec![("member", "Donor", choices.donors)]
    }

    fn defaults(a: Option<&AgreementView>) -> BTreeMap<String, String> {
        values([
            ("donor", a.map(|a| a.donor_id.clone()).unwrap_or_default()),
            ("reference", a.map(|a| a.reference.clone()).unwrap_or_default()),
            ("title", a.map(|a| a.title.clone()).unwrap_or_default()),
            ("currency", a.map(|a| a.currency.code().to_string()).unwrap_or_else(|| "AUD".into())),
            ("total", a.map(|a| a.total.amount_text()).unwrap_or_default()),
            ("period_start", a.map(|a| a.period.start().to_string()).unwrap_or_default()),
            ("period_end", a.map(|a| a.period.end().to_string()).unwrap_or_default()),
            ("notes", a.map(|a| a.notes.clone()).unwrap_or_default()),
        ])
    }

    fn fields(state: &FormState, editing: &Editing<AgreementView, Choices>) -> AnyView {
        let record = editing.record.as_ref();
        let chosen = |list: fn(&AgreementView) -> &Vec<(String, String)>| -> Vec<String> {
            record.map(|a| list(a).iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default()
        };
        let (members, agencies, themes) =
            (chosen(|a| &a.earmark_members), chosen(|a| &a.earmark_agencies), chosen(|a| &a.earmark_themes));
        let currencies = super::CURRENCIES.iter().map(|c| (c.to_string(), c.to_string())).collect();
        view! {
            {select(state, "donor", "Donor", editing.choices.donors.clone(), true)}
            {Input::text("reference", "Reference").required().max_len(60).hint("Unique for the donor, like AUS-2027-01.").render(state)}
            {Input::text("title", "Title").required().max_len(200).render(state)}
            {select(state, "currency", "Currency", currencies, true)}
            {Input::text("total", "Total").required().hint("In the agreement's currency, like 250,000.00.").render(state)}
            {Input::text("period_start", "Period start").kind("date").required().render(state)}
            {Input::text("period_end", "Period end").kind("date").required().render(state)}
            {checkboxes("members", "May fund officers of (none ticked: any member)", &editing.choices.members, &members, state)}
            {checkboxes("agencies", "May fund officers sent by (none ticked: any agency)", &editing.choices.agencies, &agencies, state)}
            {checkboxes("themes", "May fund placements on (none ticked: any theme)", &editing.choices.themes, &themes, state)}
            {Input::text("notes", "Notes").max_len(4000).render(state)}
        }
        .into_any()
    }
}

/// A list of checkboxes posting `name[]`.
fn checkboxes(
    name: &'static str,
    legend: &'static str,
    options: &[(String, String)],
    chosen: &[String],
    state: &FormState,
) -> AnyView {
    let error = state.error(name);
    view! {
        <fieldset class="fieldset checkbox-columns">
            <legend>{legend}</legend>
            {options.iter().map(|(key, label)| {
                let id = format!("f-{name}-{key}");
                let checked = chosen.contains(key);
                view! {
                    <div class="field field-check">
                        <input id=id.clone() type="checkbox" name=format!("{name}[]") value=key.clone() checked=checked/>
                        <label for=id>{label.clone()}</label>
                    </div>
                }
            }).collect_view()}
            <p class="field-error" data-error-for=name role="alert">{error}</p>
        </fieldset>
    }
    .into_any()
}

crate::resource::endpoints::resource_endpoints! {
    resource: Agreements, view: AgreementView, choices: Choices, form: AgreementForm,
    list: list_agreements = "agreements/list", get: get_agreement = "agreements/get", read: crate::auth::guard::STAFF,
    save: save_agreement = "agreements/save", write: crate::auth::guard::Access::Roles(&[crate::auth::Role::Coordinator]),
}

#[cfg(feature = "ssr")]
pub mod service {
    use super::super::rules::utilisation_bp;
    use super::*;
    use crate::auth::{CurrentUser, Role};
    use crate::resource::store::chosen;
    use crate::resource::Valid;
    use crate::state::AppState;

    #[derive(Debug, SurrealValue)]
    pub struct NamedRow {
        id: RecordId,
        name: String,
    }

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
        let named = |rows: Vec<NamedRow>| rows.into_iter().map(|n| (db::key(&n.id), n.name)).collect();
        let by_category = super::super::rules::Category::ALL
            .into_iter()
            .map(|category| {
                let of = |figures: &std::collections::BTreeMap<String, i64>| {
                    Money::from_minor(figures.get(category.as_str()).copied().unwrap_or(0), currency)
                };
                (category, of(&r.committed_by_category), of(&r.spent_by_category))
            })
            .filter(|(_, committed, spent)| !committed.is_zero() || !spent.is_zero())
            .collect();
        Ok(AgreementView {
            id: db::key(&r.id),
            donor_id: db::key(&r.donor_id),
            donor: r.donor,
            reference: r.reference,
            title: r.title,
            currency,
            total: Money::from_minor(r.total_minor, currency),
            committed: Money::from_minor(r.committed_minor, currency),
            spent: Money::from_minor(r.spent_minor, currency),
            period,
            earmark_members: named(r.earmark_members),
            earmark_agencies: named(r.earmark_agencies),
            earmark_themes: named(r.earmark_themes),
            notes: r.notes,
            utilisation_bp: utilisation_bp(r.total_minor, r.used_minor),
            by_category,
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
            let ids =
                |table: &'static str, keys: &[String]| v(keys.iter().map(|k| db::rid(table, k)).collect::<Vec<_>>());
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
            for (field, message) in super::super::rules::fixed_once_funded(lines.unwrap_or(0) > 0, before, after) {
                errors.add(field, message);
            }
            errors.finish(|| ())
        }

        /// Back to the agreement, where its commitments are.
        fn saved(change: &Change<'_, Self>, after: &AgreementView) -> (String, String) {
            (format!("Agreement {} saved.", after.reference), format!("/funding/agreements/{}", change.key))
        }
    }
}
