//! Placements: what an approved nomination becomes. For now a placement is created by approval
//! and can be read by those concerned; its lifecycle (start, extension, early end) comes later.

pub mod rules;

pub use rules::PlacementState;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::domain::Period;
use crate::error::AppError;
use crate::ui::layout::error_view;
use crate::ui::PageHeader;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementView {
    pub id: String,
    pub state: PlacementState,
    pub officer_name: String,
    pub officer_email: String,
    pub sending_agency: String,
    pub host_agency: String,
    pub supervisor_name: String,
    pub supervisor_email: String,
    pub period: Period,
    pub objectives: String,
    pub nomination_id: String,
    pub nomination_reference: String,
}

#[server(endpoint = "placements/get")]
pub async fn get_placement(#[server(default)] id: String) -> Result<PlacementView, AppError> {
    use crate::auth::{guard, Role};
    let user =
        guard::require(guard::Access::Roles(&[Role::Admin, Role::Coordinator, Role::Nominator, Role::Host])).await?;
    crate::api::answer(service::get(&user, &id).await)
}

#[cfg(feature = "ssr")]
mod service {
    use surrealdb::types::{RecordId, SurrealValue};

    use super::*;
    use crate::auth::{CurrentUser, Role};
    use crate::db;
    use crate::state::AppState;

    #[derive(Debug, SurrealValue)]
    struct Row {
        id: RecordId,
        state: String,
        officer_name: String,
        officer_email: String,
        sending_agency_id: RecordId,
        sending_agency: String,
        host_agency_id: RecordId,
        host_agency: String,
        supervisor_name: String,
        supervisor_email: String,
        start_date: String,
        end_date: String,
        objectives: String,
        nomination_id: RecordId,
        nomination_reference: String,
    }

    fn stored_period(start: &str, end: &str) -> Result<Period, AppError> {
        Period::parse(start, end).map_err(|e| AppError::internal("placement period", e))
    }

    /// Readable by RSO staff, by the sending agency's nominators and the host agency's contacts;
    /// "not found" for anyone else.
    pub async fn get(user: &CurrentUser, id: &str) -> Result<PlacementView, AppError> {
        let state = AppState::current()?;
        let key = crate::api::parse_key(id)?;
        let mut r = state
            .db
            .query(
                "SELECT id, state, officer_name, officer_email, sending_agency AS sending_agency_id,
                    sending_agency.name AS sending_agency, host_agency AS host_agency_id, host_agency.name AS host_agency,
                    supervisor_name, supervisor_email, start_date, end_date, objectives,
                    nomination AS nomination_id, nomination.reference AS nomination_reference
                 FROM ONLY $id",
            )
            .bind(("id", db::rid("placement", &key)))
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("placement read"))?;
        let row: Option<Row> = r.take(0).map_err(db::fail("placement decode"))?;
        let row = row.ok_or(AppError::NotFound)?;
        let agency = user.agency.as_ref().map(|a| db::rid("agency", &a.id));
        let allowed = match user.role {
            Role::Admin | Role::Coordinator => true,
            Role::Nominator => agency.as_ref() == Some(&row.sending_agency_id),
            Role::Host => agency.as_ref() == Some(&row.host_agency_id),
            _ => false,
        };
        if !allowed {
            return Err(AppError::NotFound);
        }
        Ok(PlacementView {
            id: db::key(&row.id),
            state: PlacementState::parse(&row.state)
                .ok_or_else(|| AppError::internal("placement state", format!("unknown state {}", row.state)))?,
            officer_name: row.officer_name,
            officer_email: row.officer_email,
            sending_agency: row.sending_agency,
            host_agency: row.host_agency,
            supervisor_name: row.supervisor_name,
            supervisor_email: row.supervisor_email,
            period: stored_period(&row.start_date, &row.end_date)?,
            objectives: row.objectives,
            nomination_id: db::key(&row.nomination_id),
            nomination_reference: row.nomination_reference,
        })
    }
}

#[component]
pub fn PlacementPage() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match get_placement(id.clone()).await {
                    Err(e) => error_view(e),
                    Ok(p) => view! {
                        <PageHeader title=format!("Placement of {}", p.officer_name) lead=format!("{} → {}", p.sending_agency, p.host_agency)>
                            <span class=format!("state state-{}", p.state.as_str())>{p.state.label()}</span>
                        </PageHeader>
                        <dl class="facts">
                            <dt>"Officer"</dt><dd>{format!("{} <{}>", p.officer_name, p.officer_email)}</dd>
                            <dt>"Sending agency"</dt><dd>{p.sending_agency.clone()}</dd>
                            <dt>"Host agency"</dt><dd>{p.host_agency.clone()}</dd>
                            <dt>"Supervisor"</dt><dd>{format!("{} <{}>", p.supervisor_name, p.supervisor_email)}</dd>
                            <dt>"Period"</dt><dd>{crate::ui::format::period(p.period.start(), p.period.end())}</dd>
                            <dt>"Objectives"</dt><dd class="pre">{p.objectives.clone()}</dd>
                            <dt>"Nomination"</dt><dd><a href=format!("/nominations/{}", p.nomination_id)>{p.nomination_reference.clone()}</a></dd>
                        </dl>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
