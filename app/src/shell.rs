//! The page frame: skip link, header with the role's navigation, the flash notice, and main.
//! Above the domains: it asks who is signed in to draw their navigation.

use leptos::prelude::*;

use crate::auth::api::me;
use crate::auth::model::navigation;
use crate::auth::CurrentUser;
use crate::ui::layout::FlashContext;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let flash = crate::ui::flash::take();
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
