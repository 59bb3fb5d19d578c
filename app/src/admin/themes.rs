//! Themes of the regional strategy that placements and reports serve. Admins extend the list;
//! a theme in use is made inactive rather than deleted.

use super::{status_label, status_options};
use crate::resource::fields::{checked, required_text, ticked};
use crate::resource::prelude::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeView {
    pub id: String,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ThemeForm {
    pub id: String,
    pub name: String,
    pub active: String,
}

impl Validate for ThemeForm {
    /// The name, and whether the theme is active.
    type Valid = (String, bool);

    fn validate(&self) -> Result<(String, bool), AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", required_text(&self.name, 120));
        errors.finish(|| (name.unwrap_or_default(), checked(&self.active)))
    }
}

resource! {
    /// The themes as a [`Resource`].
    pub struct Themes {
        table: "theme", view: ThemeView, form: ThemeForm, choices: (),
        names: ["theme", "themes", "/admin/themes", "Themes",
            "Areas of the regional strategy that secondments serve."],
        read: STAFF => list_themes = "themes/list", get_theme = "themes/get",
        write: ADMIN => save_theme = "themes/save",
    }
}

impl Resource for Themes {
    const COLUMNS: &'static [Column<ThemeView>] = &[
        Column::sorted("name", "Name", |t| t.name.clone()),
        Column::plain("Status", |t| status_label(t.active).into()),
    ];

    async fn filters() -> Vec<SelectFilter> {
        vec![("status", "Status", status_options())]
    }

    fn defaults(t: Option<&ThemeView>) -> BTreeMap<String, String> {
        values([
            ("name", t.map(|t| t.name.clone()).unwrap_or_default()),
            ("active", ticked(t.is_none_or(|t| t.active))),
        ])
    }

    fn fields(state: &FormState, _: &Editing<ThemeView>) -> AnyView {
        view! {
            {Input::text("name", "Name").required().max_len(120).render(state)}
            {checkbox(state, "active", "Active (offered in new nominations)")}
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_needs_a_name() {
        assert!(ThemeForm::default().validate().is_err());
        let form = ThemeForm { name: " Aviation people smuggling ".into(), active: "on".into(), ..Default::default() };
        assert_eq!(form.validate().unwrap(), ("Aviation people smuggling".to_string(), true));
    }
}
