//! The home page: a greeting for the role, the counts that need the caller, and the blocks of
//! the caller's areas.

use leptos::prelude::*;

use super::*;
use crate::auth::Role;
use crate::ui::layout::error_view;
use crate::ui::layout::{loaded, loaded_quietly};
use crate::ui::PageHeader;

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
                {(data.user.role == Role::Nominator).then(|| view! { <crate::calls::pages::OpenCalls/> })}
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
