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
    pub email: String,
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
        let role = errors.take("role", Role::parse(&self.role));
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
            if let Err(message) = check_new_password(pw, mail) {
                errors.add("new_password", message);
            }
        }
        errors.finish(|| {
            let role = role.unwrap_or(Role::Secondee);
            ValidUser {
                email: mail.unwrap_or_default(),
                name: name.unwrap_or_default(),
                role,
                // A binding that the role does not use is dropped, not kept by accident.
                agency: agency.filter(|_| role.needs_agency()),
                donor: donor.filter(|_| role.needs_donor()),
                disabled: checked(&self.disabled),
                new_password,
            }
        })
    }
}

/// The user accounts as a [`Resource`].
pub struct Users;

impl Resource for Users {
    const TABLE: &'static str = "user";
    const NAMES: Names = Names {
        one: "user",
        many: "users",
        page: "/admin/users",
        title: "Users",
        lead: "Who can sign in, in which role, for which agency or donor.",
    };
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
    type View = UserView;
    type Form = UserForm;
    type Choices = Choices;

    fn key(u: &UserView) -> &str {
        &u.id
    }

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

crate::resource::endpoints::resource_endpoints! {
    resource: Users, view: UserView, choices: Choices, form: UserForm,
    list: list_users = "users/list", get: get_user = "users/get", read: crate::auth::guard::ADMIN,
    save: save_user = "users/save", write: crate::auth::guard::ADMIN,
}

#[cfg(feature = "ssr")]
mod service {
    use super::*;
    use crate::auth::{password, session, CurrentUser};
    use crate::resource::store::chosen;
    use crate::state::AppState;

    #[derive(Debug, SurrealValue)]
    pub struct Row {
        id: RecordId,
        email: String,
        name: String,
        role: String,
        agency_id: Option<RecordId>,
        agency_name: Option<String>,
        donor_id: Option<RecordId>,
        donor_name: Option<String>,
        disabled: bool,
        has_password: bool,
    }

    impl Stored for Users {
        type Row = Row;
        /// The hash of the new password, when one was given.
        type Prepared = Option<String>;
        const FIELDS: &'static str = "id, email, name, role, agency AS agency_id, agency.name AS agency_name, donor AS donor_id, donor.name AS donor_name,
            disabled, password_hash != NONE AS has_password, string::lowercase(name) AS name_key";
        const SORTS: &'static [(&'static str, &'static str)] =
            &[("name", "name_key"), ("email", "email"), ("role", "role")];
        const UNIQUE: (&'static str, &'static str) = ("email", "Another user already has this e-mail address.");
        const CSV: &'static [CsvColumn<UserView>] = &[
            ("email", |u| u.email.clone()),
            ("name", |u| u.name.clone()),
            ("role", |u| u.role.as_str().into()),
            ("agency", |u| u.agency.as_ref().map(|a| a.name.clone()).unwrap_or_default()),
            ("donor", |u| u.donor.as_ref().map(|d| d.name.clone()).unwrap_or_default()),
            ("status", |u| if u.disabled { "Disabled" } else { "Active" }.into()),
        ];

        fn view(r: Row) -> Result<UserView, AppError> {
            let role = Role::parse(&r.role).map_err(|e| AppError::internal("user role", e))?;
            Ok(UserView {
                id: db::key(&r.id),
                email: r.email,
                name: r.name,
                role,
                agency: r.agency_id.zip(r.agency_name).map(|(id, name)| NamedRef { id: db::key(&id), name }),
                donor: r.donor_id.zip(r.donor_name).map(|(id, name)| NamedRef { id: db::key(&id), name }),
                disabled: r.disabled,
                has_password: r.has_password,
            })
        }

        fn filter(sql: ListSql, query: &ListQuery) -> ListSql {
            sql.search(query, "(string::contains(string::lowercase(name), $q) OR string::contains(email, $q))")
                .filter_if(Role::parse(&query.role).is_ok(), "role = $role", "role", v(query.role.clone()))
                .filter_if(!query.status.is_empty(), "disabled = $disabled", "disabled", v(query.status == "disabled"))
        }

        fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)> {
            let u = change.valid;
            let mut fields = vec![
                ("email", v(u.email.clone())),
                ("name", v(u.name.clone())),
                ("role", v(u.role.as_str().to_string())),
                ("agency", v(u.agency.as_ref().map(|k| db::rid("agency", k)))),
                ("donor", v(u.donor.as_ref().map(|k| db::rid("donor", k)))),
                ("disabled", v(u.disabled)),
            ];
            // Without a new password the stored hash stays as it is.
            fields.extend(change.prepared.clone().map(|hash| ("password_hash", v(hash))));
            fields
        }

        async fn choices() -> Result<Choices, AppError> {
            crate::reference::service::choices().await
        }

        /// An admin cannot lock themselves out; a chosen agency or donor must exist; a new
        /// password is hashed (once, not on every attempt of the transaction).
        async fn prepare(
            state: &AppState,
            actor: &CurrentUser,
            key: &str,
            valid: &ValidUser,
        ) -> Result<Option<String>, AppError> {
            if key == actor.id {
                if valid.disabled {
                    return Err(AppError::field("disabled", "You cannot disable your own account."));
                }
                if valid.role != Role::Admin {
                    return Err(AppError::field("role", "You cannot remove your own administrator role."));
                }
            }
            for (table, chosen_key) in [("agency", &valid.agency), ("donor", &valid.donor)] {
                if let Some(chosen_key) = chosen_key {
                    chosen(&state.db, table, chosen_key, table, "Choose one from the list.").await?;
                }
            }
            match &valid.new_password {
                Some(pw) => Ok(Some(password::hash(pw.clone()).await?)),
                None => Ok(None),
            }
        }

        /// A change that takes an administrator away (to another role, or disabled) is refused
        /// when no other enabled administrator would remain. Two admins taking each other away
        /// at once would each still see the other, so such a change first writes the row
        /// `serial:admins` (migration 0023): the two conflict there, and the one run again sees
        /// the other's change.
        async fn check(tx: &Tx, change: &Change<'_, Self>, before: Option<&UserView>) -> Result<(), AppError> {
            let valid = change.valid;
            let was_admin = before.is_some_and(|u| u.role == Role::Admin && !u.disabled);
            if !was_admin || (valid.role == Role::Admin && !valid.disabled) {
                return Ok(());
            }
            let vars = vec![("user", v(db::rid("user", change.key)))];
            let mut r = tx
                .run(
                    "UPSERT serial:admins SET n = (n ?? 0) + 1 RETURN NONE;
                     RETURN count(SELECT id FROM user WHERE role = 'admin' AND disabled = false AND id != $user);",
                    vars,
                )
                .await?;
            let others: Option<i64> = r.take(1).map_err(db::fail("administrators decode"))?;
            match others.unwrap_or(0) {
                0 if valid.role != Role::Admin => Err(AppError::field(
                    "role",
                    "This is the last enabled administrator. Make another user an administrator first.",
                )),
                0 => Err(AppError::field(
                    "disabled",
                    "This is the last enabled administrator. Make another user an administrator before disabling this account.",
                )),
                _ => Ok(()),
            }
        }

        /// Disabling, or replacing the password, ends every session of the user, voids the
        /// links (invitation, reset) not yet used and the calendar address; a link also stops
        /// working when the address it was sent to is no longer the user's (`auth::tokens`). A
        /// new account without a password is invited to choose one.
        async fn also(tx: &Tx, change: &Change<'_, Self>) -> Result<(), AppError> {
            let (valid, user) = (change.valid, db::rid("user", change.key));
            if !change.creating && (valid.disabled || change.prepared.is_some()) {
                let sql = format!(
                    "UPDATE $user SET {}; {} {}",
                    crate::auth::NEW_CALENDAR_ADDRESS,
                    session::REVOKE_ALL_OF_USER,
                    crate::auth::tokens::VOID_ALL_OF_USER
                );
                tx.run(&sql, vec![("user", v(user.clone()))]).await?;
            }
            if invites(change) {
                crate::auth::accounts::service::queue_invitation(
                    tx,
                    change.state,
                    change.user,
                    &user,
                    &valid.email,
                    &valid.name,
                    valid.role,
                )
                .await?;
            }
            Ok(())
        }

        fn saved(change: &Change<'_, Self>, _: &UserView) -> (String, String) {
            let email = &change.valid.email;
            let notice = if invites(change) {
                change.state.wake_mailer();
                format!("User {email} saved. An invitation to choose a password was e-mailed.")
            } else {
                format!("User {email} saved.")
            };
            (notice, "/admin/users".into())
        }
    }

    /// Whether the save invites the user: a new, enabled account without a password.
    fn invites(change: &Change<'_, Users>) -> bool {
        change.creating && change.prepared.is_none() && !change.valid.disabled
    }
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL.iter().map(|r| (r.as_str().to_string(), r.label().to_string())).collect()
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
        assert_eq!(valid.email, "focal@dfa.gov.example");
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
