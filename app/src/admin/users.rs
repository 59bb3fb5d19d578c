//! User accounts: role, binding to an agency or donor, and disabling. Only admins see this area.
//! Password hashes never leave the server: the views carry only whether a password is set.

use crate::auth::password_policy::check_new_password;
use crate::auth::{NamedRef, Role};
use crate::reference::Choices;
use crate::resource::fields::{checked, email, optional_text, required_text, ticked};
use crate::resource::prelude::*;
use crate::ui::fields::hidden;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub agency: Option<NamedRef>,
    pub donor: Option<NamedRef>,
    pub disabled: bool,
    pub has_password: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub agency: String,
    pub donor: String,
    pub disabled: String,
    /// Optional: sets (or replaces) the password. Replacing it signs the user out everywhere.
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidUser {
    pub email: crate::domain::Email,
    pub name: String,
    pub role: Role,
    pub agency: Option<String>,
    pub donor: Option<String>,
    pub disabled: bool,
    pub new_password: Option<String>,
}

impl Validate for UserForm {
    type Valid = ValidUser;

    fn validate(&self) -> Result<ValidUser, AppError> {
        let mut errors = FieldErrors::new();
        let mail = errors.take("email", email(&self.email));
        let name = errors.take("name", required_text(&self.name, 120));
        let role = errors.take("role", Role::chosen(&self.role, "Choose a role from the list."));
        let agency = errors.take("agency", optional_text(&self.agency, 40)).flatten();
        let donor = errors.take("donor", optional_text(&self.donor, 40)).flatten();
        if let Some(role) = role {
            if role.needs_agency() && agency.is_none() {
                errors.add("agency", "Choose the agency this user acts for.");
            }
            if role.needs_donor() && donor.is_none() {
                errors.add("donor", "Choose the donor this user belongs to.");
            }
        }
        let new_password = (!self.new_password.is_empty()).then(|| self.new_password.clone());
        if let (Some(pw), Some(mail)) = (&new_password, &mail) {
            if let Err(message) = check_new_password(pw, mail.as_str()) {
                errors.add("new_password", message);
            }
        }
        errors.complete(|| {
            let role = role?;
            Some(ValidUser {
                email: mail?,
                name: name.unwrap_or_default(),
                role,
                // A binding that the role does not use is dropped, not kept by accident.
                agency: agency.filter(|_| role.needs_agency()),
                donor: donor.filter(|_| role.needs_donor()),
                disabled: checked(&self.disabled),
                new_password,
            })
        })
    }
}

resource! {
    /// The users as a [`Resource`].
    pub struct Users {
        table: "user", view: UserView, form: UserForm, choices: Choices,
        names: ["user", "users", "/admin/users", "Users",
            "Who can sign in, in which role, for which agency or donor."],
        read: ADMIN => list_users = "users/list", get_user = "users/get",
        write: ADMIN => save_user = "users/save",
    }
}

impl Resource for Users {
    const COLUMNS: &'static [Column<UserView>] = &[
        Column::sorted("name", "Name", |u| u.name.clone()),
        Column::sorted("email", "E-mail", |u| u.email.clone()),
        Column::sorted("role", "Role", |u| u.role.label().into()),
        Column::plain("Acts for", |u| {
            u.agency.as_ref().or(u.donor.as_ref()).map(|b| b.name.clone()).unwrap_or_default()
        }),
        Column::plain("Status", |u| {
            if u.disabled {
                "Disabled"
            } else if u.has_password {
                "Active"
            } else {
                "No password yet"
            }
            .into()
        }),
    ];
    /// Browsers must not fill in a saved password as the user's new one.
    const AUTOCOMPLETE: Option<&'static str> = Some("off");

    async fn filters() -> Vec<SelectFilter> {
        let statuses =
            vec![("active".to_string(), "Active".to_string()), ("disabled".to_string(), "Disabled".to_string())];
        vec![("role", "Role", role_options()), ("status", "Status", statuses)]
    }

    fn defaults(u: Option<&UserView>) -> BTreeMap<String, String> {
        values([
            ("email", u.map(|u| u.email.clone()).unwrap_or_default()),
            ("name", u.map(|u| u.name.clone()).unwrap_or_default()),
            ("role", u.map(|u| u.role.as_str().to_string()).unwrap_or_default()),
            ("agency", u.and_then(|u| u.agency.as_ref().map(|a| a.id.clone())).unwrap_or_default()),
            ("donor", u.and_then(|u| u.donor.as_ref().map(|d| d.id.clone())).unwrap_or_default()),
            ("disabled", ticked(u.is_some_and(|u| u.disabled))),
        ])
    }

    fn fields(state: &FormState, editing: &Editing<UserView, Choices>) -> AnyView {
        let (password_label, password_hint) = if editing.record.is_some() {
            ("Set a new password", "Optional. At least 12 characters. Setting it signs the user out everywhere.")
        } else {
            ("Initial password", "Optional. Leave empty to e-mail an invitation with a link to choose a password.")
        };
        let choices = &editing.choices;
        view! {
            {Input::text("email", "E-mail").kind("email").required().max_len(254).render(state)}
            {Input::text("name", "Full name").required().max_len(120).render(state)}
            {select(state, "role", "Role", role_options(), true)}
            {select(state, "agency", "Agency (for nominators and host contacts)", choices.agencies.clone(), false)}
            {select(state, "donor", "Donor (for donor users)", choices.donors.clone(), false)}
            {Input::text("new_password", password_label).kind("password").autocomplete("new-password").max_len(128)
                .hint(password_hint).render(state)}
            {checkbox(state, "disabled", "Account disabled (signs the user out at once)")}
        }
        .into_any()
    }

    /// For an account that is not disabled: e-mail a new invitation; for any account: reset
    /// its second factor.
    fn sections(key: &str, editing: &Editing<UserView, Choices>) -> AnyView {
        let can_invite = editing.record.as_ref().is_some_and(|u| !u.disabled);
        let exists = editing.record.is_some();
        let invite_key = key.to_string();
        let reset_key = key.to_string();
        view! {
            {can_invite.then(|| view! {
                <section class="section" aria-labelledby="invite-heading">
                    <h2 id="invite-heading">"Invitation"</h2>
                    <p class="muted">"E-mail a link (valid for 72 hours) with which this user chooses a password. Earlier links stop working."</p>
                    <form method="post" action="/api/users/invite" class="inline-form">
                        {hidden("id", invite_key)}
                        <button type="submit" class="button-secondary">"Send invitation"</button>
                    </form>
                </section>
            })}
            {exists.then(|| crate::auth::security_pages::reset_form(reset_key))}
        }
        .into_any()
    }
}

fn role_options() -> Vec<(String, String)> {
    Role::options()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(role: &str) -> UserForm {
        UserForm {
            email: "Focal@Dfa.gov.example".into(),
            name: "Focal Point".into(),
            role: role.into(),
            ..Default::default()
        }
    }

    #[test]
    fn nominators_and_hosts_need_an_agency_donors_a_donor() {
        assert_eq!(form("nominator").validate().unwrap_err().field_errors()[0].field, "agency");
        assert_eq!(form("host").validate().unwrap_err().field_errors()[0].field, "agency");
        assert_eq!(form("donor").validate().unwrap_err().field_errors()[0].field, "donor");
        assert!(form("coordinator").validate().is_ok());
    }

    #[test]
    fn bindings_the_role_does_not_use_are_dropped() {
        let mut f = form("coordinator");
        f.agency = "abc".into();
        f.donor = "def".into();
        let valid = f.validate().unwrap();
        assert_eq!((valid.agency, valid.donor), (None, None));
        assert_eq!(valid.email.as_str(), "focal@dfa.gov.example");
    }

    #[test]
    fn a_given_password_must_meet_the_policy() {
        let mut f = form("admin");
        f.new_password = "short".into();
        assert_eq!(f.validate().unwrap_err().field_errors()[0].field, "new_password");
        f.new_password = "a long enough passphrase".into();
        assert!(f.validate().unwrap().new_password.is_some());
    }

    #[test]
    fn unknown_roles_are_refused() {
        assert_eq!(form("superuser").validate().unwrap_err().field_errors()[0].field, "role");
    }
}
