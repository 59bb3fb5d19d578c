//! Server-side work of `admin::users`.

use crate::admin::users::*;
use crate::auth::{password, session, CurrentUser};
use crate::auth::{NamedRef, Role};
use crate::reference::Choices;
use crate::resource::prelude::*;
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
        let role = crate::db::stored::value::<Role>(&r.role)?;
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
        sql.search(query, "(name @@ $q OR email @@ $q)")
            .filter_if(Role::parse(&query.role).is_some(), "role = $role", "role", v(query.role.clone()))
            .filter_if(!query.status.is_empty(), "disabled = $disabled", "disabled", v(query.status == "disabled"))
    }

    fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)> {
        let u = change.valid;
        let mut fields = vec![
            ("email", v(u.email.as_str())),
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
            crate::auth::accounts_service::queue_invitation(
                tx,
                change.state,
                change.user,
                &user,
                valid.email.as_str(),
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
