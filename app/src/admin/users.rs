//! User accounts: role, binding to an agency or donor, and disabling. Only admins see this area.
//! Password hashes never leave the server: the views carry only whether a password is set.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::options::Choices;
use crate::auth::password_policy::check_new_password;
use crate::auth::{NamedRef, Role};
use crate::error::{AppError, FieldErrors};
use crate::listing::ListQuery;
use crate::resource::fields::{checked, email, optional_text, required_text};
use crate::resource::Listing;
use crate::ui::fields::{self, checkbox, form_message, hidden, select, FormState, Input};
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_bar, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

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

impl UserForm {
    pub fn validate(&self) -> Result<ValidUser, AppError> {
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserEditing {
    pub record: Option<UserView>,
    pub choices: Choices,
}

#[server(endpoint = "users/list")]
pub async fn list_users(#[server(flatten)] query: ListQuery) -> Result<Listing<UserView>, AppError> {
    crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    crate::api::answer(service::list(&query).await)
}

#[server(endpoint = "users/get")]
pub async fn get_user(#[server(default)] id: String) -> Result<UserEditing, AppError> {
    crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    crate::api::answer(service::get(&id).await)
}

#[server(endpoint = "users/save")]
pub async fn save_user(#[server(flatten)] form: UserForm) -> Result<(), AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::ADMIN).await?;
    let result = service::save(&user, &form).await;
    crate::api::finish(result, &form)
}

#[cfg(feature = "ssr")]
pub mod service {
    use surrealdb::types::{RecordId, SurrealValue};

    use super::*;
    use crate::audit;
    use crate::auth::{password, session, CurrentUser};
    use crate::db::{self, v};
    use crate::resource::store::{self, ListSql};
    use crate::state::AppState;

    const FIELDS: &str = "id, email, name, role, agency AS agency_id, agency.name AS agency_name, donor AS donor_id, donor.name AS donor_name,
        disabled, password_hash != NONE AS has_password, string::lowercase(name) AS name_key";
    const SORTS: &[(&str, &str)] = &[("name", "name_key"), ("email", "email"), ("role", "role")];

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

    impl From<Row> for UserView {
        fn from(r: Row) -> Self {
            UserView {
                id: db::key(&r.id),
                email: r.email,
                name: r.name,
                role: Role::parse(&r.role).unwrap_or(Role::Secondee),
                agency: r.agency_id.zip(r.agency_name).map(|(id, name)| NamedRef { id: db::key(&id), name }),
                donor: r.donor_id.zip(r.donor_name).map(|(id, name)| NamedRef { id: db::key(&id), name }),
                disabled: r.disabled,
                has_password: r.has_password,
            }
        }
    }

    fn query_for(query: &ListQuery) -> ListSql {
        ListSql::new("user", FIELDS, SORTS)
            .filter_if(
                !query.q.trim().is_empty(),
                "(string::contains(string::lowercase(name), $q) OR string::contains(email, $q))",
                "q",
                v(query.needle()),
            )
            .filter_if(Role::parse(&query.role).is_ok(), "role = $role", "role", v(query.role.clone()))
            .filter_if(!query.status.is_empty(), "disabled = $disabled", "disabled", v(query.status == "disabled"))
    }

    pub async fn list(query: &ListQuery) -> Result<Listing<UserView>, AppError> {
        let state = AppState::current()?;
        let page = query_for(query).page::<Row>(&state.db, query).await?;
        Ok(Listing { page: page.map(Into::into), can_edit: true })
    }

    pub async fn csv(state: &AppState, query: &ListQuery) -> Result<String, AppError> {
        let rows = query_for(query).all::<Row>(&state.db, query).await?;
        Ok(crate::listing::csv(
            &["id", "email", "name", "role", "agency", "donor", "status"],
            rows.into_iter().map(UserView::from).map(|u| {
                vec![
                    u.id,
                    u.email,
                    u.name,
                    u.role.as_str().into(),
                    u.agency.map(|a| a.name).unwrap_or_default(),
                    u.donor.map(|d| d.name).unwrap_or_default(),
                    if u.disabled { "Disabled" } else { "Active" }.into(),
                ]
            }),
        ))
    }

    pub async fn get(id: &str) -> Result<UserEditing, AppError> {
        let state = AppState::current()?;
        let record =
            if id.is_empty() { None } else { Some(store::one::<Row>(&state.db, FIELDS, "user", id).await?.into()) };
        let choices = crate::admin::options::service::choices().await?;
        Ok(UserEditing { record, choices })
    }

    async fn binding(
        state: &AppState,
        table: &'static str,
        key: Option<&str>,
        field: &str,
    ) -> Result<Option<RecordId>, AppError> {
        let Some(key) = key else { return Ok(None) };
        let missing = || AppError::field(field, "Choose one from the list.");
        let key = crate::api::parse_key(key).map_err(|_| missing())?;
        let id = db::rid(table, &key);
        let mut r = state
            .db
            .query("SELECT VALUE id FROM ONLY $id")
            .bind(("id", id))
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("binding check"))?;
        let found: Option<RecordId> = r.take(0).map_err(db::fail("binding decode"))?;
        found.map(Some).ok_or_else(missing)
    }

    pub async fn save(actor: &CurrentUser, form: &UserForm) -> Result<(), AppError> {
        let state = AppState::current()?;
        let valid = form.validate()?;
        let creating = form.id.trim().is_empty();
        let key = if creating { db::new_key() } else { crate::api::parse_key(form.id.trim())? };
        // An admin cannot lock themselves out.
        if key == actor.id {
            if valid.disabled {
                return Err(AppError::field("disabled", "You cannot disable your own account."));
            }
            if valid.role != Role::Admin {
                return Err(AppError::field("role", "You cannot remove your own administrator role."));
            }
        }
        let agency = binding(&state, "agency", valid.agency.as_deref(), "agency").await?;
        let donor = binding(&state, "donor", valid.donor.as_deref(), "donor").await?;
        let before = if creating {
            None
        } else {
            Some(UserView::from(store::one::<Row>(&state.db, FIELDS, "user", &key).await?))
        };
        let hash = match &valid.new_password {
            Some(pw) => Some(password::hash(pw.clone()).await?),
            None => None,
        };
        let after = UserView {
            id: key.clone(),
            email: valid.email.clone(),
            name: valid.name.clone(),
            role: valid.role,
            agency: agency.as_ref().map(|a| NamedRef { id: db::key(a), name: String::new() }),
            donor: donor.as_ref().map(|d| NamedRef { id: db::key(d), name: String::new() }),
            disabled: valid.disabled,
            has_password: hash.is_some() || before.as_ref().is_some_and(|b| b.has_password),
        };
        // A new account without a password is invited to choose one.
        let invite = creating && hash.is_none() && !valid.disabled;
        // Disabling, or replacing the password, ends every session of the user in the same transaction.
        let ends_sessions = !creating && (valid.disabled || hash.is_some());
        let (valid, key, agency, donor, hash, before, after, state_ref) =
            (&valid, &key, &agency, &donor, &hash, &before, &after, &state);
        db::transact(&state, |tx| async move {
            let verb = if creating { "CREATE" } else { "UPDATE" };
            let set_hash = if hash.is_some() { ", password_hash = $hash" } else { "" };
            let revoke = if ends_sessions { session::REVOKE_ALL_OF_USER } else { "" };
            tx.run(
                &format!("{verb} $user SET email = $email, name = $name, role = $role, agency = $agency, donor = $donor, disabled = $disabled{set_hash}; {revoke}"),
                vec![
                    ("user", v(db::rid("user", key))),
                    ("email", v(valid.email.clone())),
                    ("name", v(valid.name.clone())),
                    ("role", v(valid.role.as_str().to_string())),
                    ("agency", v(agency.clone())),
                    ("donor", v(donor.clone())),
                    ("disabled", v(valid.disabled)),
                    ("hash", v(hash.clone())),
                ],
            )
            .await
            .map_err(|e| match e {
                AppError::Conflict(_) => AppError::field("email", "Another user already has this e-mail address."),
                other => other,
            })?;
            audit::record_change(&tx, actor, creating, "user", key, before.as_ref(), after).await?;
            if invite {
                let user = db::rid("user", key);
                crate::auth::accounts::service::queue_invitation(&tx, state_ref, actor, &user, &valid.email, &valid.name, valid.role).await?;
            }
            Ok(())
        })
        .await?;
        let notice = if invite {
            state.wake_mailer();
            format!("User {} saved. An invitation to choose a password was e-mailed.", valid.email)
        } else {
            format!("User {} saved.", valid.email)
        };
        crate::api::done(&notice, "/admin/users");
        Ok(())
    }
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL.iter().map(|r| (r.as_str().to_string(), r.label().to_string())).collect()
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/admin/users";
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match list_users(query.clone()).await {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let statuses = vec![("active".to_string(), "Active".to_string()), ("disabled".to_string(), "Disabled".to_string())];
                        view! {
                            <PageHeader title="Users" lead="Who can sign in, in which role, for which agency or donor.">
                                <a class="button" href="/admin/users/new">"New user"</a>
                            </PageHeader>
                            {filter_bar(BASE, "/export/users.csv", &query, vec![("role", "Role", role_options()), ("status", "Status", statuses)])}
                            <div class="table-wrap">
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            {sort_header(BASE, &query, "name", "Name")}
                                            {sort_header(BASE, &query, "email", "E-mail")}
                                            {sort_header(BASE, &query, "role", "Role")}
                                            <th scope="col">"Acts for"</th>
                                            <th scope="col">"Status"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {data.page.items.iter().map(|u| view! {
                                            <tr>
                                                <td><a href=format!("/admin/users/{}", u.id)>{u.name.clone()}</a></td>
                                                <td>{u.email.clone()}</td>
                                                <td>{u.role.label()}</td>
                                                <td>{u.agency.as_ref().or(u.donor.as_ref()).map(|b| b.name.clone()).unwrap_or_default()}</td>
                                                <td>{if u.disabled { "Disabled" } else if u.has_password { "Active" } else { "No password yet" }}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {data.page.items.is_empty().then(|| view! { <p class="empty">"No users match."</p> })}
                            {pager(BASE, &query, &data.page)}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn UserEditPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let id = if id == "new" { String::new() } else { id };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let data = get_user(id.clone()).await;
                match data {
                    Err(e) => error_view(e),
                    Ok(data) => {
                        let u = data.record.clone();
                        let title = u.as_ref().map(|u| u.name.clone()).unwrap_or_else(|| "New user".into());
                        let defaults = fields::values([
                            ("email", u.as_ref().map(|u| u.email.clone()).unwrap_or_default()),
                            ("name", u.as_ref().map(|u| u.name.clone()).unwrap_or_default()),
                            ("role", u.as_ref().map(|u| u.role.as_str().to_string()).unwrap_or_default()),
                            ("agency", u.as_ref().and_then(|u| u.agency.as_ref().map(|a| a.id.clone())).unwrap_or_default()),
                            ("donor", u.as_ref().and_then(|u| u.donor.as_ref().map(|d| d.id.clone())).unwrap_or_default()),
                            ("disabled", if u.as_ref().is_some_and(|u| u.disabled) { "on".into() } else { String::new() }),
                        ]);
                        let form_id = id.clone();
                        let state = FormState::new("/api/users/save", page_flash().as_ref(), defaults);
                        let password_label = if u.is_some() { "Set a new password" } else { "Initial password" };
                        let password_hint = if u.is_some() {
                            "Optional. At least 12 characters. Setting it signs the user out everywhere."
                        } else {
                            "Optional. Leave empty to e-mail an invitation with a link to choose a password."
                        };
                        let invite_id = id.clone();
                        let can_invite = u.as_ref().is_some_and(|u| !u.disabled);
                        view! {
                            <PageHeader title=title>
                                <a class="button-link" href="/admin/users">"Back to users"</a>
                            </PageHeader>
                            <EnhancedForm>
                                <form method="post" action="/api/users/save" class="form" novalidate autocomplete="off">
                                    {form_message(&state)}
                                    {hidden("id", form_id.clone())}
                                    {Input::text("email", "E-mail").kind("email").required().max_len(254).render(&state)}
                                    {Input::text("name", "Full name").required().max_len(120).render(&state)}
                                    {select(&state, "role", "Role", role_options(), true)}
                                    {select(&state, "agency", "Agency (for nominators and host contacts)", data.choices.agencies.clone(), false)}
                                    {select(&state, "donor", "Donor (for donor users)", data.choices.donors.clone(), false)}
                                    {Input::text("new_password", password_label).kind("password").autocomplete("new-password").max_len(128)
                                        .hint(password_hint).render(&state)}
                                    {checkbox(&state, "disabled", "Account disabled (signs the user out at once)")}
                                    <div class="form-actions"><button type="submit" class="button">"Save user"</button></div>
                                </form>
                            </EnhancedForm>
                            {can_invite.then(|| view! {
                                <section class="section" aria-labelledby="invite-heading">
                                    <h2 id="invite-heading">"Invitation"</h2>
                                    <p class="muted">"E-mail a link (valid for 72 hours) with which this user chooses a password. Earlier links stop working."</p>
                                    <form method="post" action="/api/users/invite" class="inline-form">
                                        {hidden("id", invite_id)}
                                        <button type="submit" class="button-secondary">"Send invitation"</button>
                                    </form>
                                </section>
                            })}
                            {(!id.is_empty()).then(|| view! { <crate::audit::pages::RecordHistory table="user" key=id.clone()/> })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
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
