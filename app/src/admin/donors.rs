//! Donors: governments and organisations that fund placements through funding agreements.

use super::{status_label, status_options};
use crate::resource::fields::{checked, iso3, required_text, ticked};
use crate::resource::prelude::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonorView {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DonorForm {
    pub id: String,
    pub name: String,
    pub country: String,
    pub active: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidDonor {
    pub name: String,
    pub country: Option<String>,
    pub active: bool,
}

impl Validate for DonorForm {
    type Valid = ValidDonor;

    fn validate(&self) -> Result<ValidDonor, AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", required_text(&self.name, 160));
        let country = errors.take("country", iso3(&self.country));
        errors.finish(|| ValidDonor {
            name: name.unwrap_or_default(),
            country: country.flatten(),
            active: checked(&self.active),
        })
    }
}

resource! {
    /// The donors as a [`Resource`].
    pub struct Donors {
        table: "donor", view: DonorView, form: DonorForm, choices: (),
        names: ["donor", "donors", "/admin/donors", "Donors",
            "Governments and organisations that fund secondments."],
        read: STAFF => list_donors = "donors/list", get_donor = "donors/get",
        write: ADMIN => save_donor = "donors/save",
    }
}

impl Resource for Donors {
    const COLUMNS: &'static [Column<DonorView>] = &[
        Column::sorted("name", "Name", |d| d.name.clone()),
        Column::sorted("country", "Country", |d| d.country.clone().unwrap_or_default()),
        Column::plain("Status", |d| status_label(d.active).into()),
    ];

    async fn filters() -> Vec<SelectFilter> {
        vec![("status", "Status", status_options())]
    }

    fn defaults(d: Option<&DonorView>) -> BTreeMap<String, String> {
        values([
            ("name", d.map(|d| d.name.clone()).unwrap_or_default()),
            ("country", d.and_then(|d| d.country.clone()).unwrap_or_default()),
            ("active", ticked(d.is_none_or(|d| d.active))),
        ])
    }

    fn fields(state: &FormState, _: &Editing<DonorView>) -> AnyView {
        view! {
            {Input::text("name", "Name").required().max_len(160).render(state)}
            {Input::text("country", "Country (ISO code)").hint("Optional. Three letters: AUS, NZL.").max_len(3).render(state)}
            {checkbox(state, "active", "Active")}
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_is_optional_but_must_be_iso() {
        let ok = DonorForm { name: "Government of Australia".into(), country: "aus".into(), ..Default::default() };
        assert_eq!(ok.validate().unwrap().country.as_deref(), Some("AUS"));
        let bad = DonorForm { name: "X".into(), country: "Australia".into(), ..Default::default() };
        assert_eq!(bad.validate().unwrap_err().field_errors()[0].field, "country");
        assert!(DonorForm::default().validate().is_err());
    }
}
