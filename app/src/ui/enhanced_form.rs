//! The form island. Without JavaScript, forms inside it post and redirect like any HTML form.
//! With it, the island posts the same fields with `fetch`, shows a pending state on the button,
//! puts field errors next to their fields without a reload, and follows the server's redirect
//! on success.

use leptos::prelude::*;

#[island]
pub fn EnhancedForm(children: Children) -> impl IntoView {
    // Effects run only in the browser: the marker tells tests (and styles) the island is live.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    view! {
        <div class="enhanced-form" data-enhanced=move || live.get().then_some("true") on:submit=move |event: leptos::ev::SubmitEvent| {
            #[cfg(feature = "hydrate")]
            browser::submit(event);
            #[cfg(not(feature = "hydrate"))]
            let _ = event;
        }>{children()}</div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Element, FormData, HtmlButtonElement, HtmlElement, HtmlFormElement, Request, RequestInit, Response,
        SubmitEvent, UrlSearchParams,
    };

    use crate::error::AppError;

    pub fn submit(event: SubmitEvent) {
        let Some(form) = event.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else {
            return;
        };
        // Forms that upload files, or that download, keep the browser's own submission.
        if form.has_attribute("data-plain") {
            return;
        }
        event.prevent_default();
        // The button that was pressed, when it carries a value (forms with several actions).
        let submitter = event
            .submitter()
            .and_then(|s| s.dyn_into::<HtmlButtonElement>().ok())
            .filter(|b| !b.name().is_empty())
            .map(|b| (b.name(), b.value()));
        wasm_bindgen_futures::spawn_local(async move {
            if send(&form, submitter).await.is_err() {
                show_message(&form, "The request failed. Please try again.");
            }
        });
    }

    /// The submit button while the request runs: disabled and marked busy (the stylesheet shows
    /// it). Its text is left alone, so no string crosses from the page into wasm here.
    struct Pending(Option<HtmlButtonElement>);

    impl Pending {
        fn start(form: &HtmlFormElement) -> Pending {
            let button = form
                .query_selector("button[type=submit]")
                .ok()
                .flatten()
                .and_then(|b| b.dyn_into::<HtmlButtonElement>().ok());
            Pending(button.inspect(|b| {
                b.set_disabled(true);
                let _ = b.set_attribute("aria-busy", "true");
            }))
        }

        fn end(self) {
            if let Some(b) = self.0 {
                b.set_disabled(false);
                let _ = b.remove_attribute("aria-busy");
            }
        }
    }

    async fn send(form: &HtmlFormElement, submitter: Option<(String, String)>) -> Result<(), JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let pending = Pending::start(form);
        let data = FormData::new_with_form(form)?;
        let body = UrlSearchParams::new_with_str_sequence_sequence(&data)?;
        if let Some((name, value)) = submitter {
            body.append(&name, &value);
        }
        let init = RequestInit::new();
        init.set_method("POST");
        let headers = web_sys::Headers::new()?;
        headers.set("Content-Type", "application/x-www-form-urlencoded")?;
        headers.set("Accept", "application/json")?;
        init.set_headers(&headers);
        init.set_body(&body.to_string().into());
        // The attribute, not `form.action`: a field named "action" would shadow that property.
        let action = form.get_attribute("action").unwrap_or_default();
        let request = Request::new_with_str_and_init(&action, &init)?;
        let response: Response = match JsFuture::from(window.fetch_with_request(&request)).await {
            Ok(r) => r.dyn_into()?,
            Err(_) => {
                pending.end();
                show_message(form, "The server could not be reached. Check your connection and try again.");
                return Ok(());
            }
        };
        if let Some(location) = response.headers().get("location")? {
            return window.location().assign(&location);
        }
        if response.ok() {
            return window.location().reload();
        }
        let text = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
        pending.end();
        let error: AppError = serde_json::from_str(&text).unwrap_or(AppError::Internal);
        if error == AppError::Unauthenticated {
            return window.location().assign("/login");
        }
        if error == AppError::SecondFactorRequired {
            return window.location().assign(crate::api::ENROLMENT_PAGE);
        }
        show_errors(form, &error);
        Ok(())
    }

    fn show_errors(form: &HtmlFormElement, error: &AppError) {
        clear(form);
        let mut first: Option<HtmlElement> = None;
        for field in error.field_errors() {
            let selector = format!("[data-error-for=\"{}\"]", field.field);
            if let Ok(Some(slot)) = form.query_selector(&selector) {
                slot.set_text_content(Some(&field.message));
                if let Some(wrapper) = slot.closest(".field").ok().flatten() {
                    let _ = wrapper.class_list().add_1("has-error");
                }
            }
            if let Ok(Some(input)) = form.query_selector(&format!("[name=\"{}\"]", field.field)) {
                let _ = input.set_attribute("aria-invalid", "true");
                if first.is_none() {
                    first = input.dyn_into::<HtmlElement>().ok();
                }
            }
        }
        show_message(form, &error.to_string());
        if let Some(input) = first {
            let _ = input.focus();
        }
    }

    fn clear(form: &HtmlFormElement) {
        if let Ok(slots) = form.query_selector_all("[data-error-for]") {
            for i in 0..slots.length() {
                if let Some(slot) = slots.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    slot.set_text_content(None);
                    if let Some(wrapper) = slot.closest(".field").ok().flatten() {
                        let _ = wrapper.class_list().remove_1("has-error");
                    }
                }
            }
        }
        if let Ok(inputs) = form.query_selector_all("[aria-invalid]") {
            for i in 0..inputs.length() {
                if let Some(input) = inputs.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = input.remove_attribute("aria-invalid");
                }
            }
        }
    }

    /// The form's own message slot, or else the one its island shows for several forms.
    fn show_message(form: &HtmlFormElement, text: &str) {
        let own = form.query_selector("[data-form-message]").ok().flatten();
        let shared = || {
            form.closest(".enhanced-form")
                .ok()
                .flatten()
                .and_then(|island| island.query_selector("[data-form-message]").ok().flatten())
        };
        if let Some(slot) = own.or_else(shared) {
            slot.set_text_content(Some(text));
            let _ = slot.remove_attribute("hidden");
        }
    }
}
