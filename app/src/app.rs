//! The HTML shell and the routes. Every route renders completely on the server before the
//! response starts (`SsrMode::Async`): pages then work without JavaScript, status codes and
//! redirects decided by the data are honoured, and no streaming script is needed.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::admin::agencies::{get_agency, list_agencies, Agencies};
use crate::admin::donors::{get_donor, list_donors, Donors};
use crate::admin::members::{get_member, list_members, Members};
use crate::admin::themes::{get_theme, list_themes, Themes};
use crate::admin::users::{get_user, list_users, Users};
use crate::audit::pages::{AccessPage, AuditPage};
use crate::auth::pages::{AccountPage, ForgotPasswordPage, LoginPage, NewPasswordPage};
use crate::auth::security_pages::{EnrolPage, RecoveryCodesPage, SecondStepPage};
use crate::calls::{get_call, list_calls, Calls};
use crate::funding::agreements::{get_agreement, list_agreements, Agreements};
use crate::home::HomePage;
use crate::nominations::pages::{NominationDetailPage, NominationEditPage, NominationsPage};
use crate::notifications::pages::MailLogPage;
use crate::placements::{PlacementPage, PlacementsPage, TimelinePage};
use crate::reports::{CyclesPage, ReportPage, ReportsPage};
use crate::resource::pages;
use crate::shell::Layout;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::api::page_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The stylesheet's name carries its hash (`hash-files`), read from the build's
                // hash file beside the server binary, so that browsers may keep it for a year.
                <HashedStylesheet options=options.clone() id="main-css"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Secondment Hub"/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/verify") view=SecondStepPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/two-factor") view=EnrolPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/recovery-codes") view=RecoveryCodesPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/forgot") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/reset") view=|| view! { <NewPasswordPage invitation=false/> } ssr=SsrMode::Async/>
                    <Route path=path!("/account/welcome") view=|| view! { <NewPasswordPage invitation=true/> } ssr=SsrMode::Async/>
                    <Route path=path!("/mail") view=MailLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/nominations") view=NominationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/nominations/new") view=NominationEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/nominations/:id") view=NominationDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/nominations/:id/edit") view=NominationEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/placements") view=PlacementsPage ssr=SsrMode::Async/>
                    <Route path=path!("/placements/timeline") view=TimelinePage ssr=SsrMode::Async/>
                    <Route path=path!("/placements/:id") view=PlacementPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports") view=ReportsPage ssr=SsrMode::Async/>
                    <Route path=path!("/funding") view=crate::funding::pages::DonorFundingPage ssr=SsrMode::Async/>
                    <Route path=path!("/funding/rates") view=crate::funding::pages::RatesPage ssr=SsrMode::Async/>
                    <Route path=path!("/funding/report/:id") view=crate::funding::pages::AgreementReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/programme") view=crate::interest::pages::ProgrammePublicPage ssr=SsrMode::Async/>
                    <Route path=path!("/programme/confirm") view=crate::interest::pages::ConfirmEnquiryPage ssr=SsrMode::Async/>
                    <Route path=path!("/interest") view=crate::interest::pages::InterestQueuePage ssr=SsrMode::Async/>
                    <Route path=path!("/interest/:id") view=crate::interest::pages::EnquiryPage ssr=SsrMode::Async/>
                    <Route path=path!("/calls") view={|| pages::list::<Calls, _, _>(list_calls)} ssr=SsrMode::Async/>
                    <Route path=path!("/calls/:id") view={|| pages::edit_with::<Calls, _, _>(get_call, crate::calls::pages::call_sections)} ssr=SsrMode::Async/>
                    <Route path=path!("/funding/agreements") view={|| pages::list::<Agreements, _, _>(list_agreements)} ssr=SsrMode::Async/>
                    <Route path=path!("/funding/agreements/:id") view={|| pages::edit_with::<Agreements, _, _>(get_agreement, crate::funding::pages::agreement_sections)} ssr=SsrMode::Async/>
                    <Route path=path!("/reports/cycles") view=CyclesPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports/outcomes") view=crate::reports::OutcomesPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports/:id") view=ReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/members") view={|| pages::list::<Members, _, _>(list_members)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/members/:id") view={|| pages::edit::<Members, _, _>(get_member)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/agencies") view={|| pages::list::<Agencies, _, _>(list_agencies)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/agencies/:id") view={|| pages::edit::<Agencies, _, _>(get_agency)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/donors") view={|| pages::list::<Donors, _, _>(list_donors)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/donors/:id") view={|| pages::edit::<Donors, _, _>(get_donor)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/themes") view={|| pages::list::<Themes, _, _>(list_themes)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/themes/:id") view={|| pages::edit::<Themes, _, _>(get_theme)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view={|| pages::list::<Users, _, _>(list_users)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users/:id") view={|| pages::edit::<Users, _, _>(get_user)} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/access") view=AccessPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/personal-data") view=crate::privacy::pages::PersonalDataPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found · Secondment Hub"/>
        <div class="page-header"><h1>"Page not found"</h1></div>
        <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
        <p><a href="/">"Go to your home page"</a></p>
    }
}
