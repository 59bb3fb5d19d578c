//! The audit trail: who did what to which record, when, with the values before and after.
//! Entries are written inside the transaction of the change they describe. Beside it, the
//! access log (`access.rs`): who read which document.

pub mod access;
#[cfg(feature = "ssr")]
pub mod access_service;
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// One audit entry as an admin sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record_table: String,
    pub record_key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The fields that changed between two JSON snapshots, as (field, before, after).
pub fn changed_fields(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    use serde_json::{Map, Value};
    let parse = |text: Option<&str>| -> Map<String, Value> {
        text.and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (before, after) = (parse(before), parse(after));
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| (k.clone(), show(before.get(k)), show(after.get(k))))
        .collect()
}

/// Who acted: a signed-in user, or the system (migrations, demo data).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_key: Option<String>,
    pub label: String,
}

impl Actor {
    pub fn user(user: &crate::auth::CurrentUser) -> Actor {
        Actor { user_key: Some(user.id.clone()), label: format!("{} <{}>", user.name, user.email) }
    }

    pub fn system() -> Actor {
        Actor { user_key: None, label: "system".into() }
    }
}

/// Writes one audit entry inside `tx`. `before` and `after` are snapshots of what the user
/// could see of the record (never secrets).
#[cfg(feature = "ssr")]
pub async fn record(
    tx: &crate::db::Tx,
    actor: &Actor,
    action: &str,
    table: &str,
    key: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<(), crate::error::AppError> {
    use crate::db::{self, v};
    tx.run(
        "CREATE audit_event SET at = $now, actor = $actor, actor_label = $label, action = $action,
            record_table = $table, record_key = $key, before = $before_json, after = $after_json",
        vec![
            ("actor", v(actor.user_key.as_deref().map(|k| db::rid("user", k)))),
            ("label", v(actor.label.clone())),
            ("action", v(action.to_string())),
            ("table", v(table.to_string())),
            ("key", v(key.to_string())),
            ("before_json", v(before.map(|b| b.to_string()))),
            ("after_json", v(after.map(|a| a.to_string()))),
        ],
    )
    .await?;
    Ok(())
}

/// Audits a create or update of a record whose view is `T`.
#[cfg(feature = "ssr")]
pub async fn record_change<T: serde::Serialize>(
    tx: &crate::db::Tx,
    user: &crate::auth::CurrentUser,
    creating: bool,
    table: &str,
    key: &str,
    before: Option<&T>,
    after: &T,
) -> Result<(), crate::error::AppError> {
    let before = before.map(|b| serde_json::to_value(b).unwrap_or_default());
    let after = serde_json::to_value(after).unwrap_or_default();
    let action = if creating { "created" } else { "updated" };
    record(tx, &Actor::user(user), action, table, key, before.as_ref(), Some(&after)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_only_the_fields_that_changed() {
        let before = r#"{"name":"Immigration Dept","hosts":false,"sends":true}"#;
        let after = r#"{"name":"Department of Immigration","hosts":true,"sends":true}"#;
        let changes = changed_fields(Some(before), Some(after));
        assert_eq!(
            changes,
            vec![
                ("hosts".into(), "false".into(), "true".into()),
                ("name".into(), "Immigration Dept".into(), "Department of Immigration".into()),
            ]
        );
    }

    #[test]
    fn a_creation_lists_every_field() {
        let changes = changed_fields(None, Some(r#"{"name":"X","code":"THA"}"#));
        assert_eq!(changes.len(), 2);
        assert!(changes.iter().all(|(_, before, _)| before.is_empty()));
    }
}
