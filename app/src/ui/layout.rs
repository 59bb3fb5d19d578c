//! What every page's frame shares with its pages: the flash notice of this request, the page
//! header, and how an error is shown. The frame itself is in `crate::shell`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::Flash;

/// The flash of this request, read once by the layout and shared with the page's forms.
#[derive(Clone, Debug, Default)]
pub struct FlashContext(pub Option<Flash>);

pub fn page_flash() -> Option<Flash> {
    use_context::<FlashContext>().and_then(|f| f.0)
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
