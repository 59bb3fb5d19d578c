//! The reference data every form and filter chooses from: members, agencies, donors and themes
//! as (id, name). Below the domains: any of them may offer these choices.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Choices {
    pub members: Vec<(String, String)>,
    pub agencies: Vec<(String, String)>,
    pub donors: Vec<(String, String)>,
    pub themes: Vec<(String, String)>,
}

/// Every staff list's filters read them; they change when an administrator edits the reference
/// data, so they are shared for the dashboard's period (see `crate::cache`).
#[cfg(feature = "ssr")]
static SHARED: crate::cache::Shared<Choices> = crate::cache::Shared::new();

/// Called after a save of a record of `table`: the choices are read again when they name it.
#[cfg(feature = "ssr")]
pub fn saved(table: &str) {
    if matches!(table, "member" | "agency" | "donor" | "theme") {
        SHARED.forget();
    }
}

#[server(endpoint = "reference/choices")]
pub async fn reference_choices() -> Result<Choices, AppError> {
    crate::auth::guard::require(crate::auth::guard::STAFF).await?;
    let today = crate::state::AppState::current()?.clock.today();
    crate::api::answer(SHARED.get(today, service::choices).await)
}

#[cfg(feature = "ssr")]
pub mod service {
    use surrealdb::types::{RecordId, SurrealValue};

    use super::Choices;
    use crate::db;
    use crate::error::AppError;
    use crate::state::AppState;

    #[derive(Debug, SurrealValue)]
    struct Choice {
        id: RecordId,
        label: String,
    }

    pub async fn choices() -> Result<Choices, AppError> {
        let state = AppState::current()?;
        let mut r = state
            .db
            .query(
                "SELECT id, name AS label, name_key FROM member ORDER BY name_key;
                 SELECT id, name + ' (' + member.name + ')' AS label, name_key FROM agency ORDER BY name_key;
                 SELECT id, name AS label, name_key FROM donor ORDER BY name_key;
                 SELECT id, name AS label, name_key FROM theme ORDER BY name_key;",
            )
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("choices"))?;
        let pairs = |rows: Vec<Choice>| rows.into_iter().map(|c| (db::key(&c.id), c.label)).collect::<Vec<_>>();
        let members: Vec<Choice> = r.take(0).map_err(db::fail("choices members"))?;
        let agencies: Vec<Choice> = r.take(1).map_err(db::fail("choices agencies"))?;
        let donors: Vec<Choice> = r.take(2).map_err(db::fail("choices donors"))?;
        let themes: Vec<Choice> = r.take(3).map_err(db::fail("choices themes"))?;
        Ok(Choices { members: pairs(members), agencies: pairs(agencies), donors: pairs(donors), themes: pairs(themes) })
    }
}
