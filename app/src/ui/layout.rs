//! The page frame: skip link, header with the role's navigation, the flash notice, and main.

use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::Flash;
use crate::auth::api::me;
use crate::auth::model::navigation;
use crate::auth::CurrentUser;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let flash = super::flash::take();
    provide_context(FlashContext(flash.clone()));
    let notice = flash.as_ref().and_then(|f| f.notice.clone());
    // A flash error without a form on this page (for example after an expired session) shows here.
    let loose_error = flash.as_ref().filter(|f| f.errors.is_empty()).and_then(|f| f.error.clone());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="header-inner">
                <a class="brand" href="/">"Secondment Hub"</a>
                <Suspense fallback=|| ()>
                    {Suspend::new(async move {
                        match me().await {
                            Ok(Some(user)) => view! { <Navigation user=user/> }.into_any(),
                            _ => ().into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </header>
        <main id="main" class="main" tabindex="-1">
            {notice.map(|n| view! { <div class="notice notice-ok" role="status">{n}</div> })}
            {loose_error.map(|e| view! { <div class="notice notice-error" role="alert">{e}</div> })}
            {children()}
        </main>
        <footer class="site-footer">"Regional Support Office · Secondment Hub"</footer>
    }
}

/// The flash of this request, read once by the layout and shared with the page's forms.
#[derive(Clone, Debug, Default)]
pub struct FlashContext(pub Option<Flash>);

pub fn page_flash() -> Option<Flash> {
    use_context::<FlashContext>().and_then(|f| f.0)
}

#[component]
fn Navigation(user: CurrentUser) -> impl IntoView {
    let path = leptos_router::hooks::use_location().pathname.get_untracked();
    let items = navigation(user.role);
    let binding = user.agency.as_ref().or(user.donor.as_ref()).map(|b| b.name.clone());
    view! {
        <nav class="main-nav" aria-label="Main">
            <ul>
                {items
                    .into_iter()
                    .map(|item| {
                        let current = if item.href == "/" { path == "/" } else { path.starts_with(item.href) };
                        view! {
                            <li>
                                <a href=item.href aria-current=current.then_some("page")>{item.label}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <div class="user-box">
            <span class="user-name" data-testid="user-name">{user.name.clone()}</span>
            <span class="user-role">{user.role.label()}{binding.map(|b| format!(" · {b}"))}</span>
            <form method="post" action="/api/logout" class="inline-form">
                <button type="submit" class="button-link">"Sign out"</button>
            </form>
        </div>
    }
}

/// The page title and heading.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] lead: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <Title text=format!("{title} · Secondment Hub")/>
        <div class="page-header">
            <div>
                <h1>{title}</h1>
                {lead.map(|l| view! { <p class="lead">{l}</p> })}
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </div>
    }
}

/// How a page shows an error from its data.
pub fn error_view(error: crate::error::AppError) -> AnyView {
    // A page's query (a list's dates, a timeline's window) may be refused field by field: say
    // what is wrong with each, since the page has no form of its own to show it at.
    let details: Vec<String> = error.field_errors().iter().map(|e| e.message.clone()).collect();
    view! {
        <div class="notice notice-error" role="alert">
            <p>{error.to_string()}</p>
            {(!details.is_empty()).then(|| view! { <ul>{details.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul> })}
        </div>
    }
    .into_any()
}
