//! The home page: what each role sees first. The workflow areas (nominations, placements,
//! funding, reports) fill these in as they arrive; for now each role sees its orientation and
//! the programme's reference data at a glance.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::ui::layout::error_view;
use crate::ui::layout::{loaded, loaded_quietly};
use crate::ui::PageHeader;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeOverview {
    pub user: CurrentUser,
    /// (label, count, link) shown to the RSO staff.
    pub counts: Vec<(String, u64, String)>,
    /// E-mails that could not be delivered (RSO staff only), so that someone resends them.
    pub failed_mail: u64,
    /// The office date.
    pub today: chrono::NaiveDate,
}

#[server(endpoint = "home")]
pub async fn home_data() -> Result<HomeOverview, AppError> {
    let user = crate::auth::guard::require(crate::auth::guard::Access::SignedIn).await?;
    crate::api::answer(service::home(user).await)
}

#[cfg(feature = "ssr")]
mod service {
    use surrealdb::types::SurrealValue;

    use super::*;
    use crate::db;
    use crate::state::AppState;

    #[derive(Debug, Clone, SurrealValue)]
    struct Counts {
        members: i64,
        agencies: i64,
        donors: i64,
        themes: i64,
        users: i64,
        failed_mail: i64,
    }

    /// The programme's reference data and its undelivered mail, counted (the same for all RSO
    /// staff, so shared: see `crate::cache`).
    async fn counts() -> Result<Counts, AppError> {
        let state = AppState::current()?;
        let mut r = state
            .db
            .query(
                // Counted by `GROUP ALL` (an index count where there is one), never by
                // listing the ids: the failed mail of ten years is thousands of rows.
                "RETURN {
                    members: (SELECT count() FROM member WHERE active = true GROUP ALL)[0].count ?? 0,
                    agencies: (SELECT count() FROM agency WHERE active = true GROUP ALL)[0].count ?? 0,
                    donors: (SELECT count() FROM donor WHERE active = true GROUP ALL)[0].count ?? 0,
                    themes: (SELECT count() FROM theme WHERE active = true GROUP ALL)[0].count ?? 0,
                    users: (SELECT count() FROM user WHERE disabled = false GROUP ALL)[0].count ?? 0,
                    failed_mail: (SELECT count() FROM notification WHERE state = 'failed' GROUP ALL)[0].count ?? 0
                }",
            )
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("home counts"))?;
        let c: Option<Counts> = r.take(0).map_err(db::fail("home counts decode"))?;
        c.ok_or(AppError::Internal)
    }

    pub async fn home(user: CurrentUser) -> Result<HomeOverview, AppError> {
        static SHARED: crate::cache::Shared<Counts> = crate::cache::Shared::new();
        let mut failed_mail = 0;
        let counts = if matches!(user.role, Role::Admin | Role::Coordinator) {
            let c = SHARED.get_if_staff(&user, counts).await?;
            failed_mail = c.failed_mail.max(0) as u64;
            let mut counts = vec![
                ("Members".to_string(), c.members.max(0) as u64, "/admin/members".to_string()),
                ("Agencies".to_string(), c.agencies.max(0) as u64, "/admin/agencies".to_string()),
                ("Donors".to_string(), c.donors.max(0) as u64, "/admin/donors".to_string()),
                ("Themes".to_string(), c.themes.max(0) as u64, "/admin/themes".to_string()),
            ];
            if user.role == Role::Admin {
                counts.push(("Users".to_string(), c.users.max(0) as u64, "/admin/users".to_string()));
            }
            counts
        } else {
            Vec::new()
        };
        let today = AppState::current()?.clock.today();
        Ok(HomeOverview { user, counts, failed_mail, today })
    }
}

fn role_intro(user: &CurrentUser) -> (String, String) {
    let agency = user.agency.as_ref().map(|a| a.name.clone()).unwrap_or_default();
    let donor = user.donor.as_ref().map(|d| d.name.clone()).unwrap_or_default();
    match user.role {
        Role::Admin => (
            "Administration".into(),
            "Manage members, agencies, donors, themes and users, and read the audit trail.".into(),
        ),
        Role::Coordinator => (
            "Programme overview".into(),
            "Nominations, placements, funding and reports of the secondment programme.".into(),
        ),
        Role::Nominator => (
            format!("Nominations of {agency}"),
            "Your agency's nominations, what needs your action, and upcoming reports.".into(),
        ),
        Role::Host => (
            format!("Placements hosted by {agency}"),
            "The officers your agency hosts and the assessments you owe.".into(),
        ),
        Role::Secondee => ("Your placement".into(), "Your placement and your next report.".into()),
        Role::Donor => (
            format!("Funding of {donor}"),
            "The placements your funding supports, spend against budget, and shared reports.".into(),
        ),
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        {loaded(home_data(), move |data| {
            let (title, lead) = role_intro(&data.user);
            view! {
                <PageHeader title=title lead=lead/>
                {(data.failed_mail > 0).then(|| view! {
                    <div class="notice notice-error" role="alert">
                        {format!("{} e-mail{} could not be delivered. ", data.failed_mail, if data.failed_mail == 1 { "" } else { "s" })}
                        <a href="/mail?status=failed">"Review and send again"</a>
                    </div>
                })}
                <p class="welcome" data-testid="home-role">{format!("Signed in as {} · {}", data.user.name, data.user.role.label())}</p>
                {matches!(data.user.role, Role::Nominator | Role::Coordinator).then(|| view! { <NominationOverview role=data.user.role today=data.today/> })}
                {(data.user.role != Role::Donor).then(|| view! { <crate::reports::pages::ReportsAtGlance/> })}
                {(data.user.role != Role::Donor).then(|| view! { <crate::placements::pages::PlacementsAtGlance secondee=data.user.role == Role::Secondee/> })}
                {(data.user.role == Role::Coordinator).then(|| view! {
                    <crate::funding::charts::UtilisationChart/>
                    <crate::placements::pages::UnderWayByMemberAndTheme/>
                    <crate::placements::pages::TimelineAhead today=data.today/>
                })}
                {(!data.counts.is_empty()).then(|| view! {
                    <section class="section" aria-labelledby="ref-heading">
                        <h2 id="ref-heading">"Reference data"</h2>
                        <ul class="stat-grid">
                            {data.counts.iter().map(|(label, n, href)| view! {
                                <li class="stat"><a href=href.clone()><span class="stat-number">{*n}</span><span class="stat-label">{label.clone()}</span></a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                {(data.user.role == Role::Donor).then(|| view! { <DonorHome/> })}
            }
            .into_any()
        })}
    }
}

/// The nominations block of the home page: the pipeline by state (for coordinators, with how
/// long the oldest in each open state has waited), and what waits for this user (a nominator's
/// changes requested; a coordinator's submitted nominations).
#[component]
fn NominationOverview(role: Role, today: chrono::NaiveDate) -> impl IntoView {
    use crate::nominations::{nomination_ages, waiting_nominations, NominationState};
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let ages = if role == Role::Nominator { Ok(Vec::new()) } else { nomination_ages().await };
                match waiting_nominations().await.and_then(|list| Ok((list, ages?))) {
                    Err(e) => error_view(e),
                    Ok((list, ages)) => {
                        let age_of = move |s: NominationState| {
                            ages.iter().find(|a| a.state == s).and_then(|a| a.oldest_since).map(|since| {
                                let days = (today - since.date_naive()).num_days().max(0);
                                let href = format!("/nominations?status={}&sort=updated&dir=asc", s.as_str());
                                view! { <a class="stat-age" href=href>{format!("oldest {days} day{}", if days == 1 { "" } else { "s" })}</a> }
                            })
                        };
                        let heading = if role == Role::Nominator { "Waiting for your changes" } else { "Waiting for review" };
                        view! {
                            <section class="section" aria-labelledby="pipeline-heading">
                                <h2 id="pipeline-heading">"Nominations by state"</h2>
                                <ul class="stat-grid">
                                    {list.counts.iter().map(|(s, n)| view! {
                                        <li class="stat"><a href=format!("/nominations?status={}", s.as_str())><span class="stat-number">{*n}</span><span class="stat-label">{s.label()}</span></a>{age_of(*s)}</li>
                                    }).collect_view()}
                                </ul>
                                <h3>{heading}</h3>
                                <ul class="waiting" data-testid="waiting">
                                    {list.page.items.iter().map(|n| view! {
                                        <li><a href=format!("/nominations/{}", n.id)>{format!("{} · {}", n.reference, n.officer_name)}</a>" "<span class="muted">{format!("({})", n.sending_agency)}</span></li>
                                    }).collect_view()}
                                </ul>
                                {list.page.items.is_empty().then(|| view! { <p class="empty">"Nothing waits for you."</p> })}
                            </section>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The donor's home: its agreements' figures, the placements they fund, the reports shared.
#[component]
fn DonorHome() -> impl IntoView {
    view! {
        {loaded_quietly(crate::funding::api::donor_funding(), crate::funding::pages::donor_blocks)}
    }
}
