//! Saving a draft nomination (new or changed) with its audit entry.

use super::super::*;
use super::lists::scope;
use super::read::{choices, load_in};
use crate::audit::{self, Actor};
use crate::auth::CurrentUser;
use crate::db::{self, v};
use crate::resource::fields::checked;
use crate::state::AppState;

/// A short, readable, unique reference such as `NOM-2026-7K3QXM`.
fn new_reference(year: i32) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let code: String = (0..6).map(|_| CHARS[rng.random_range(0..CHARS.len())] as char).collect();
    format!("NOM-{year}-{code}")
}

#[tracing::instrument(skip_all, fields(user = %user.id, nomination = %form.id))]
pub async fn save(user: &CurrentUser, form: &NominationForm) -> Result<crate::api::Done, AppError> {
    let state = AppState::current()?;
    let agency = scope(user)?.ok_or(AppError::Forbidden)?;
    let (hosts, themes) = choices(&state).await?;
    let theme_keys: Vec<String> = themes.iter().map(|(k, _)| k.clone()).collect();
    let content = form.validate(&theme_keys)?;
    if !hosts.iter().any(|(k, _)| *k == content.host_agency) {
        return Err(AppError::field("host_agency", "Choose a host agency from the list."));
    }
    let creating = form.id.trim().is_empty();
    let key = if creating { db::new_key() } else { crate::api::parse_key(form.id.trim())? };
    let year = chrono::Datelike::year(&state.clock.today());
    let now = state.clock.now();
    // The call a new nomination answers; an existing one keeps the call it was created for.
    let new_call = match form.call.trim() {
        "" => None,
        call if creating => {
            Some(crate::api::parse_key(call).map_err(|_| AppError::field("call", "That call does not exist."))?)
        }
        _ => None,
    };
    let (content, key_ref, agency, new_call) = (&content, &key, &agency, &new_call);
    db::transact(&state, |tx| async move {
        let key = key_ref;
        let before = if creating { None } else { Some(load_in(&tx, user, key).await?) };
        if let Some(before) = &before {
            if !before.state.editable() {
                return Err(not_editable(before.state));
            }
        }
        let call = new_call.clone().or_else(|| before.as_ref().and_then(|b| b.call.as_ref().map(|(k, _)| k.clone())));
        if let Some(call) = &call {
            let answer = crate::calls::rules::Answer {
                member: "",
                host_agency: &content.host_agency,
                themes: &content.themes,
                start: content.start,
                end: content.end,
            };
            let new = before.as_ref().is_none_or(|b| b.state == NominationState::Draft);
            crate::calls::service::answer::check_in(&tx, call, agency, answer, now, new).await?;
        }
        let told = notice::on_save(before.as_ref().and_then(|b| b.notice.as_ref()), checked(&form.officer_told));
        // Saving with a country and languages from the lists settles what was typed before them.
        let set = format!("{}, {}", notice_set(told), "officer_name = $officer_name, position = $position, work_email = $work_email, nationality = $nationality,
            nationality_as_written = NONE, languages = $languages, languages_as_written = NONE, expertise = $expertise, host_agency = $host, themes = $themes, start_date = $start,
            end_date = $end, objectives = $objectives, justification = $justification, updated_at = $now");
        let sql = if creating {
            format!("CREATE $id SET reference = $reference, state = 'draft', sending_agency = $agency, created_by = $user, created_at = $now, call = $call, {set} RETURN VALUE id")
        } else {
            // Only while still editable: a submission committed meanwhile wins.
            format!("UPDATE $id SET {set} WHERE state IN ['draft', 'changes_requested'] RETURN VALUE id")
        };
        let mut r = tx.run(
            &sql,
            vec![
                ("id", v(db::rid("nomination", key))),
                ("reference", v(new_reference(year))),
                ("agency", v(agency.clone())),
                ("user", v(db::rid("user", &user.id))),
                ("officer_name", v(content.officer_name.clone())),
                ("position", v(content.position.clone())),
                ("work_email", v(content.work_email.as_str())),
                ("nationality", v(content.nationality.code())),
                ("languages", v(content.languages.iter().map(|l| l.code()).collect::<Vec<_>>())),
                ("expertise", v(content.expertise.clone())),
                ("host", v(db::rid("agency", &content.host_agency))),
                ("themes", v(content.themes.iter().map(|t| db::rid("theme", t)).collect::<Vec<_>>())),
                ("start", v(content.start.to_string())),
                ("end", v(content.end.to_string())),
                ("objectives", v(content.objectives.clone())),
                ("justification", v(content.justification.clone())),
                ("notice_version", v(notice::VERSION)),
                ("call", v(new_call.as_ref().map(|c| db::rid("call", c)))),
            ],
        )
        .await?;
        let written: Vec<surrealdb::types::RecordId> = r.take(0).map_err(db::fail("nomination save decode"))?;
        if written.is_empty() {
            return Err(AppError::Conflict("The nomination changed meanwhile. Reload the page and try again.".into()));
        }
        if creating {
            db::tally::moved(&tx, "nomination", &db::key(agency), None, "draft").await?;
            if let Some(call) = new_call {
                crate::calls::service::answer::counted(&tx, call).await?;
            }
        }
        let after = serde_json::json!({
            "officer_name": content.officer_name, "position": content.position, "work_email": content.work_email,
            "nationality": content.nationality, "languages": content.languages,
            "host_agency": content.host_agency, "themes": content.themes, "start_date": content.start.to_string(),
            "end_date": content.end.to_string(), "privacy_notice": told_version(told, before.as_ref()),
            "call": call,
        });
        let before = before.as_ref().map(|b| {
            serde_json::json!({
                "officer_name": b.officer_name, "position": b.position, "work_email": b.work_email,
                "nationality": b.nationality, "languages": b.languages,
                "host_agency": b.host_agency_id, "themes": b.themes.iter().map(|(k, _)| k).collect::<Vec<_>>(),
                "start_date": b.start_date.to_string(), "end_date": b.end_date.to_string(),
                "privacy_notice": b.notice.as_ref().map(|c| c.version),
            })
        });
        audit::record(&tx, &Actor::user(user), if creating { "created" } else { "updated" }, "nomination", key, before.as_ref(), Some(&after)).await
    })
    .await?;
    Ok(crate::api::Done::new("Nomination saved as a draft.", format!("/nominations/{key}")))
}

/// The SET clause of the privacy-notice confirmation for what a save does with it.
fn notice_set(told: notice::OnSave) -> &'static str {
    match told {
        notice::OnSave::Keep => "notice_version = notice_version",
        notice::OnSave::Record => {
            "notice_version = $notice_version, notice_confirmed_at = $now, notice_confirmed_by = $user"
        }
        notice::OnSave::Clear => "notice_version = NONE, notice_confirmed_at = NONE, notice_confirmed_by = NONE",
    }
}

/// The notice version confirmed after a save, for its audit entry.
fn told_version(told: notice::OnSave, before: Option<&NominationView>) -> Option<i64> {
    match told {
        notice::OnSave::Keep => before.and_then(|b| b.notice.as_ref()).map(|c| c.version),
        notice::OnSave::Record => Some(notice::VERSION),
        notice::OnSave::Clear => None,
    }
}

fn not_editable(state: NominationState) -> AppError {
    AppError::Conflict(format!("A nomination that is {} cannot be edited.", state.label().to_lowercase()))
}
