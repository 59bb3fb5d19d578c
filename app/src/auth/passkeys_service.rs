//! The work behind `passkeys` (WebAuthn through `webauthn-rs`): registering, listing, removing
//! and signing in with a passkey, each ceremony's state kept in the database between its two
//! requests. Server-only.

use leptos::prelude::use_context;
use surrealdb::types::{RecordId, SurrealValue};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url,
    Uuid, Webauthn, WebauthnBuilder,
};

use crate::audit::{self, Actor};
use crate::auth::factors_service::KEEP_SECOND_FACTOR;
use crate::auth::passkeys::{AddPasskeyForm, PasskeyChallenge, PasskeySignInForm, RemovePasskeyForm};
use crate::auth::session::Factor;
use crate::auth::{attempts, signin, CurrentUser};
use crate::db::{self, v};
use crate::error::AppError;
use crate::state::AppState;

/// A ceremony's state is kept this long between its two requests.
const CEREMONY_MINUTES: i64 = 5;
const NOT_ACCEPTED: &str = "The passkey was not accepted. Try again, or sign in with your password and a code.";

/// The relying party is this site: its host and origin from `HUB_PUBLIC_URL`.
fn relying_party(state: &AppState) -> Result<Webauthn, AppError> {
    if !super::passkeys::available(&state.settings.public_url) {
        return Err(AppError::Conflict(
            "Passkeys are not available on this server: it must be reached over https by a domain name.".into(),
        ));
    }
    let origin = Url::parse(&state.settings.public_url).map_err(|e| AppError::internal("passkey origin", e))?;
    let host = origin.host_str().ok_or_else(|| AppError::internal("passkey origin", "no host"))?.to_string();
    WebauthnBuilder::new(&host, &origin)
        .and_then(|b| b.rp_name("Secondment Hub").build())
        .map_err(|e| AppError::internal("passkey relying party", e))
}

async fn keep_ceremony(
    state: &AppState,
    purpose: &str,
    user: Option<RecordId>,
    ceremony: &impl serde::Serialize,
) -> Result<String, AppError> {
    let key = db::new_key();
    let text = serde_json::to_string(ceremony).map_err(|e| AppError::internal("passkey ceremony", e))?;
    db::write(
        state,
        "CREATE $id SET purpose = $purpose, user = $user, state = $text, created_at = $now",
        vec![
            ("id", v(db::rid("webauthn_ceremony", &key))),
            ("purpose", v(purpose.to_string())),
            ("user", v(user)),
            ("text", v(text)),
        ],
    )
    .await?;
    Ok(key)
}

#[derive(Debug, SurrealValue)]
struct CeremonyRow {
    purpose: String,
    user: Option<RecordId>,
    state: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// Takes a ceremony (once: it is deleted as it is read) when it is of `purpose`, for `user`,
/// and within its time.
async fn take_ceremony<T: serde::de::DeserializeOwned>(
    state: &AppState,
    key: &str,
    purpose: &str,
    user: Option<&RecordId>,
) -> Result<T, AppError> {
    let refused = || AppError::Conflict(NOT_ACCEPTED.into());
    let key = crate::api::parse_key(key).map_err(|_| refused())?;
    let mut r =
        db::statement(state, "DELETE $id RETURN BEFORE", vec![("id", v(db::rid("webauthn_ceremony", &key)))]).await?;
    let rows: Vec<CeremonyRow> = r.take(0).map_err(db::fail("passkey ceremony"))?;
    let row = rows.into_iter().next().ok_or_else(refused)?;
    let fresh = state.clock.now() - row.created_at < chrono::Duration::minutes(CEREMONY_MINUTES);
    if row.purpose != purpose || row.user.as_ref() != user || !fresh {
        return Err(refused());
    }
    serde_json::from_str(&row.state).map_err(|e| AppError::internal("passkey ceremony decode", e))
}

/// The statement that removes ceremonies never finished (the daily purge).
pub const PURGE: &str = "DELETE webauthn_ceremony WHERE created_at < $now - 5m;";

#[derive(Debug, SurrealValue)]
struct Holder {
    webauthn_id: Option<String>,
    credentials: Vec<String>,
}

pub async fn register_options(user: &CurrentUser) -> Result<PasskeyChallenge, AppError> {
    let state = AppState::current()?;
    // Refused before anything is written when this server offers no passkeys.
    let relying_party = relying_party(&state)?;
    let id = db::rid("user", &user.id);
    let mut r = state
        .db
        .query(
            "SELECT webauthn_id, (SELECT VALUE credential FROM passkey WHERE user = $parent.id) AS credentials
             FROM ONLY $user",
        )
        .bind(("user", id.clone()))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("passkey holder"))?;
    let holder: Option<Holder> = r.take(0).map_err(db::fail("passkey holder decode"))?;
    let holder = holder.ok_or(AppError::NotFound)?;
    let handle = match holder.webauthn_id.as_deref().and_then(|h| Uuid::parse_str(h).ok()) {
        Some(handle) => handle,
        None => {
            let handle = Uuid::new_v4();
            db::write(
                &state,
                "UPDATE $user SET webauthn_id = $handle WHERE webauthn_id = NONE",
                vec![("user", v(id.clone())), ("handle", v(handle.to_string()))],
            )
            .await?;
            handle
        }
    };
    let existing: Vec<_> = holder
        .credentials
        .iter()
        .filter_map(|c| serde_json::from_str::<Passkey>(c).ok())
        .map(|p| p.cred_id().clone())
        .collect();
    let (options, registration) = relying_party
        .start_passkey_registration(handle, &user.email, &user.name, Some(existing))
        .map_err(|e| AppError::internal("passkey registration options", e))?;
    let mut options = serde_json::to_value(options).map_err(|e| AppError::internal("passkey options", e))?;
    // A passkey the browser can offer by itself (a discoverable credential), so that signing
    // in needs no e-mail address first.
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection") {
        selection["residentKey"] = "required".into();
        selection["requireResidentKey"] = true.into();
    }
    let ceremony = keep_ceremony(&state, "register", Some(id), &registration).await?;
    Ok(PasskeyChallenge { ceremony, options: options.to_string() })
}

pub async fn register(user: &CurrentUser, form: &AddPasskeyForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::field("name", "Give the passkey a name of at most 60 characters, like \"work laptop\"."));
    }
    let id = db::rid("user", &user.id);
    let registration: PasskeyRegistration = take_ceremony(&state, &form.ceremony, "register", Some(&id)).await?;
    let answer: RegisterPublicKeyCredential =
        serde_json::from_str(&form.credential).map_err(|_| AppError::Conflict(NOT_ACCEPTED.into()))?;
    let passkey = relying_party(&state)?.finish_passkey_registration(&answer, &registration).map_err(|e| {
        tracing::info!(error = %e, "passkey registration refused");
        AppError::Conflict(NOT_ACCEPTED.into())
    })?;
    let credential_id = hex::encode(passkey.cred_id());
    let credential = serde_json::to_string(&passkey).map_err(|e| AppError::internal("passkey encode", e))?;
    let (id_ref, name_ref, credential_id, credential) = (&id, &name, &credential_id, &credential);
    db::transact(&state, |tx| async move {
        let key = db::new_key();
        tx.run(
            &format!(
                "CREATE $passkey SET user = $user, name = $name, credential_id = $credential_id,
                    credential = $credential, created_at = $now; {KEEP_SECOND_FACTOR}"
            ),
            vec![
                ("passkey", v(db::rid("passkey", &key))),
                ("user", v(id_ref.clone())),
                ("name", v(name_ref.clone())),
                ("credential_id", v(credential_id.clone())),
                ("credential", v(credential.clone())),
            ],
        )
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::Conflict("This passkey is already registered.".into()),
            other => other,
        })?;
        let after = serde_json::json!({ "method": "passkey", "name": name_ref });
        audit::record(&tx, &Actor::user(user), "second_factor_added", "user", &user.id, None, Some(&after)).await
    })
    .await?;
    Ok(crate::api::Done::new(format!("The passkey \"{name}\" was added. You can sign in with it."), "/account"))
}

#[derive(Debug, SurrealValue)]
struct Owned {
    name: String,
    others: i64,
    app: bool,
}

pub async fn remove(user: &CurrentUser, form: &RemovePasskeyForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let key = crate::api::parse_key(&form.id)?;
    let (id, passkey) = (db::rid("user", &user.id), db::rid("passkey", &key));
    let (id_ref, passkey_ref) = (&id, &passkey);
    let name = db::transact(&state, |tx| async move {
        let mut r = tx
            .run(
                "SELECT name, count(SELECT id FROM passkey WHERE user = $user AND id != $passkey) AS others,
                    $user.totp_secret != NONE AS app
                 FROM ONLY $passkey WHERE user = $user",
                vec![("user", v(id_ref.clone())), ("passkey", v(passkey_ref.clone()))],
            )
            .await?;
        let owned: Option<Owned> = r.take(0).map_err(db::fail("passkey remove"))?;
        let owned = owned.ok_or(AppError::NotFound)?;
        if user.role.requires_second_factor() && owned.others == 0 && !owned.app {
            return Err(AppError::Conflict(
                "Your role must keep a second factor: add another passkey or an authenticator app before removing this one."
                    .into(),
            ));
        }
        tx.run(
            &format!("DELETE $passkey; {KEEP_SECOND_FACTOR}"),
            vec![("user", v(id_ref.clone())), ("passkey", v(passkey_ref.clone()))],
        )
        .await?;
        let before = serde_json::json!({ "method": "passkey", "name": owned.name });
        audit::record(&tx, &Actor::user(user), "second_factor_removed", "user", &user.id, Some(&before), None)
            .await?;
        Ok(owned.name)
    })
    .await?;
    Ok(crate::api::Done::new(format!("The passkey \"{name}\" was removed."), "/account"))
}

pub async fn sign_in_options() -> Result<PasskeyChallenge, AppError> {
    let state = AppState::current()?;
    let relying_party = relying_party(&state)?;
    attempts::admit_anonymous(&state, use_context::<http::request::Parts>().as_ref()).await?;
    let (mut options, authentication) = relying_party
        .start_discoverable_authentication()
        .map_err(|e| AppError::internal("passkey sign-in options", e))?;
    // A button press, not the autofill ("conditional") prompt the library sets.
    options.mediation = None;
    let ceremony = keep_ceremony(&state, "sign_in", None, &authentication).await?;
    let options = serde_json::to_string(&options).map_err(|e| AppError::internal("passkey options", e))?;
    Ok(PasskeyChallenge { ceremony, options })
}

#[derive(Debug, SurrealValue)]
struct KeyOwner {
    id: RecordId,
    user: RecordId,
    email: String,
    disabled: bool,
    credential: String,
}

pub async fn sign_in(form: &PasskeySignInForm) -> Result<(), AppError> {
    let state = AppState::current()?;
    let parts = use_context::<http::request::Parts>();
    let refused = || AppError::Conflict(NOT_ACCEPTED.into());
    let authentication: DiscoverableAuthentication = take_ceremony(&state, &form.ceremony, "sign_in", None).await?;
    let answer: PublicKeyCredential = serde_json::from_str(&form.credential).map_err(|_| refused())?;
    let relying_party = relying_party(&state)?;
    let (handle, credential_id) = relying_party.identify_discoverable_authentication(&answer).map_err(|_| refused())?;
    let mut r = state
        .db
        .query(
            "SELECT id, user, user.email AS email, user.disabled AS disabled, credential FROM passkey
             WHERE credential_id = $credential_id AND user.webauthn_id = $handle LIMIT 1",
        )
        .bind(("credential_id", hex::encode(credential_id)))
        .bind(("handle", handle.to_string()))
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("passkey owner"))?;
    let owners: Vec<KeyOwner> = r.take(0).map_err(db::fail("passkey owner decode"))?;
    let owner = owners.into_iter().next().filter(|o| !o.disabled).ok_or_else(refused)?;
    let mut passkey: Passkey =
        serde_json::from_str(&owner.credential).map_err(|e| AppError::internal("stored passkey", e))?;
    let result =
        relying_party.finish_discoverable_authentication_v2(&answer, authentication, &passkey).map_err(|e| {
            tracing::info!(error = %e, "passkey sign-in refused");
            refused()
        })?;
    passkey.update_credential(&result);
    let credential = serde_json::to_string(&passkey).map_err(|e| AppError::internal("passkey encode", e))?;
    db::write(
        &state,
        "UPDATE $id SET credential = $credential, last_used_at = $now",
        vec![("id", v(owner.id.clone())), ("credential", v(credential))],
    )
    .await?;
    let who = signin::Verified {
        user: &owner.user,
        email: &owner.email,
        next: crate::auth::next::safe_next(&form.next),
        known_device: attempts::is_known_device(&state, parts.as_ref(), &owner.email),
    };
    signin::complete(&state, parts.as_ref(), who, Factor::Passkey).await
}
