//! Funding agreements: a donor's money for the programme, in one currency, over a period, with
//! earmarks. Coordinators create and edit them; admins read them. The edit page shows the
//! figures and the commitments (see `commitments.rs`).

use super::rules::percent_text;
use crate::domain::{parse_date, Currency, Money, Period};
use crate::reference::Choices;
use crate::resource::fields::{chosen_keys, optional_text, required_text, MAX_CHOICES};
use crate::resource::prelude::*;
use crate::ui::fields::checkboxes;

/// An agreement as the RSO sees it: what its donor is shown, and the RSO's own earmarks and
/// notes. Reads through to the donor's part, so `agreement.total` is the shown total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementView {
    #[serde(flatten)]
    pub shown: DonorAgreementView,
    pub donor_id: String,
    /// (id, name) of each earmark list; empty means any.
    pub earmark_members: Vec<(String, String)>,
    pub earmark_agencies: Vec<(String, String)>,
    pub earmark_themes: Vec<(String, String)>,
    pub notes: String,
}

impl std::ops::Deref for AgreementView {
    type Target = DonorAgreementView;

    fn deref(&self) -> &DonorAgreementView {
        &self.shown
    }
}

impl AgreementView {
    pub fn earmarks(&self) -> super::rules::Earmarks {
        super::rules::Earmarks {
            members: self.earmark_members.clone(),
            agencies: self.earmark_agencies.clone(),
            themes: self.earmark_themes.clone(),
        }
    }
}

/// An agreement as its donor is shown it (its pages and the printable report): its figures
/// (kept on the agreement by the changes to its lines), without the RSO's notes and earmarks.
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
    /// Basis points: Σ max(committed, spent) per commitment ÷ total.
    pub utilisation_bp: i64,
    /// (category, committed, spent), in the order of the categories, those with money only.
    pub by_category: Vec<(super::rules::Category, Money, Money)>,
}

impl From<AgreementView> for DonorAgreementView {
    fn from(a: AgreementView) -> Self {
        a.shown
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
        let members = errors.take("members", chosen_keys(&self.members, MAX_CHOICES));
        let agencies = errors.take("agencies", chosen_keys(&self.agencies, MAX_CHOICES));
        let themes = errors.take("themes", chosen_keys(&self.themes, MAX_CHOICES));
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

resource! {
    /// The agreements as a [`Resource`].
    pub struct Agreements {
        table: "funding_agreement", view: AgreementView, form: AgreementForm, choices: Choices,
        names: ["agreement", "agreements", "/funding/agreements", "Funding agreements",
            "Donors' agreements: their totals, what is committed to placements, and what is left."],
        read: STAFF => list_agreements = "agreements/list", get_agreement = "agreements/get",
        write: COORDINATOR => save_agreement = "agreements/save",
    }
}

fn amount(m: &Money) -> String {
    m.to_string()
}

impl Resource for Agreements {
    const COLUMNS: &'static [Column<AgreementView>] = &[
        Column::sorted("reference", "Reference", |a| a.reference.clone()),
        Column::sorted("donor", "Donor", |a| a.donor.clone()),
        Column::plain("Total", |a| amount(&a.total)),
        Column::plain("Committed", |a| amount(&a.committed)),
        Column::plain("Remaining", |a| amount(&a.remaining())),
        Column::plain("Utilisation", |a| percent_text(a.utilisation_bp)),
        Column::sorted("start", "Period", |a| crate::ui::format::period(a.period.start(), a.period.end())),
    ];

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
