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

/// A page's data, then its view: "Loading…" while it comes, [`error_view`] if it is refused.
/// The one shape of every page that reads before it draws.
pub fn loaded<T, V>(
    data: impl std::future::Future<Output = Result<T, crate::error::AppError>> + Send + 'static,
    show: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    view! { <Suspense fallback=|| view! { <p>"Loading…"</p> }>{drawn(data, show)}</Suspense> }
}

/// [`loaded`] for a section of a page that the page draws around: nothing while it comes.
pub fn loaded_quietly<T, V>(
    data: impl std::future::Future<Output = Result<T, crate::error::AppError>> + Send + 'static,
    show: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    view! { <Suspense fallback=|| ()>{drawn(data, show)}</Suspense> }
}

fn drawn<T, V>(
    data: impl std::future::Future<Output = Result<T, crate::error::AppError>> + Send + 'static,
    show: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    Suspend::new(async move {
        match data.await {
            Err(e) => error_view(e),
            Ok(data) => show(data).into_any(),
        }
    })
}
