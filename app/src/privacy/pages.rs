//! The personal data pages: the own-copy section of `/account`, and the administrator's form
//! for a person's copy.

use leptos::prelude::*;

use super::OWN_COPY;
use crate::ui::fields::{form_message, FormState, Input};
use crate::ui::layout::{error_view, loaded, page_flash};
use crate::ui::EnhancedForm;
use crate::ui::PageHeader;

/// Where the administrator's form posts (see `handlers::COPY_ACTION`).
const COPY_ACTION: &str = "/admin/personal-data/copy";

/// On `/account`: the download of one's own copy.
#[component]
pub fn OwnCopySection() -> impl IntoView {
    view! {
        <section class="section" aria-labelledby="data-heading">
            <h2 id="data-heading">"Your data"</h2>
            <p class="muted">"A ZIP of what the Hub holds about you: your account, sign-ins, nominations and placements that name you, reports, the e-mails sent to you, the changes made to them, and your documents."</p>
            <p><a class="button-secondary" href=OWN_COPY download="">"Download a copy of your data"</a></p>
        </section>
    }
}

/// `/admin/personal-data`: an administrator makes the copy of a person named in the Hub.
#[component]
pub fn PersonalDataPage() -> impl IntoView {
    view! {
        {loaded(crate::auth::api::me(), move |user| {
            if !user.as_ref().is_some_and(|u| u.role == crate::auth::Role::Admin) {
                return error_view(crate::error::AppError::Forbidden);
            }
            let flash = page_flash();
            let state = FormState::new(COPY_ACTION, flash.as_ref(), Default::default());
            let erase = FormState::new("/api/privacy/erase", flash.as_ref(), Default::default());
            view! {
                <PageHeader
                    title="A person's data"
                    lead="For a request made in writing: a ZIP of what the Hub holds about a person named in it, found by their work e-mail. The copy and its reason are in the audit trail and the access log."
                />
                <form method="post" action=COPY_ACTION class="form" novalidate>
                    {form_message(&state)}
                    {Input::text("email", "The person's work e-mail").kind("email").required().max_len(254).render(&state)}
                    {Input::text("reason", "Reason").required().max_len(1000).hint("The written request this answers, e.g. “Letter of 3 December 2026 from the officer”.").render(&state)}
                    <div class="form-actions"><button type="submit" class="button">"Download the copy"</button></div>
                </form>
                <section class="section" aria-labelledby="erase-heading">
                    <h2 id="erase-heading">"Erase a person's data"</h2>
                    <p class="muted">"For a request for erasure: the officer's name, addresses, nationality, languages, the texts that name them and their documents are removed now, as retention would remove them later; the facts without the name stay. Refused while a placement is under way, a nomination is open or money is not reconciled. The person is told by e-mail. This cannot be undone."</p>
                    <EnhancedForm>
                        <form method="post" action="/api/privacy/erase" class="form" novalidate>
                            {form_message(&erase)}
                            {Input::text("email", "The officer's work e-mail").kind("email").required().max_len(254).render(&erase)}
                            {Input::text("reason", "Reason").required().max_len(1000).hint("The written request this answers.").render(&erase)}
                            <div class="form-actions"><button type="submit" class="button-secondary danger">"Erase this person's data"</button></div>
                        </form>
                    </EnhancedForm>
                </section>
            }
            .into_any()
        })}
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn the_form_posts_where_the_handler_listens() {
        assert_eq!(super::COPY_ACTION, super::super::handlers::COPY_ACTION);
        assert!(super::COPY_ACTION.starts_with(super::super::REQUEST_PAGE));
    }
}
