//! The author's form (draft and submit) and the coordinator's review forms (accept, return,
//! share, due date, cancel or waive).

use super::*;

pub(super) fn textarea(state: &FormState, name: &'static str, label: &'static str, required: bool) -> AnyView {
    let id = format!("f-{name}");
    let error = state.error(name);
    let invalid = error.is_some();
    let value = state.value(name);
    view! {
        <div class="field" class:has-error=invalid>
            <label for=id.clone()>{label}{required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}</label>
            <textarea id=id.clone() name=name rows="6" maxlength="10000" aria-invalid=invalid.then_some("true") aria-describedby=format!("{id}-error")>{value}</textarea>
            <p class="field-error" id=format!("{id}-error") data-error-for=name role="alert">{error}</p>
        </div>
    }
    .into_any()
}

/// The author's form: the draft's sections and themes; "Save draft" or "Submit".
pub(super) fn author_form(r: &ReportView) -> AnyView {
    let flash = page_flash();
    let draft = r.draft.clone().unwrap_or_default();
    let defaults = crate::ui::fields::values([
        ("activities", draft.activities),
        ("outcomes", draft.outcomes),
        ("challenges", draft.challenges),
        ("next_steps", draft.next_steps),
    ]);
    let state = FormState::new("/api/reports/save", flash.as_ref(), defaults);
    let chosen: Vec<String> = draft.themes.iter().map(|(k, _)| k.clone()).collect();
    let themes_error = state.error("themes");
    let id = r.summary.id.clone();
    let choices = r.theme_choices.clone();
    view! {
        <section class="section" aria-labelledby="write-heading">
            <h2 id="write-heading">"Write the report"</h2>
            <EnhancedForm>
                <form method="post" action="/api/reports/save" class="form form-wide" novalidate>
                    {form_message(&state)}
                    {hidden("id", id)}
                    {textarea(&state, "activities", "Activities", true)}
                    {textarea(&state, "outcomes", "Outcomes", true)}
                    {textarea(&state, "challenges", "Challenges", false)}
                    {textarea(&state, "next_steps", "Next steps", false)}
                    <fieldset class="fieldset">
                        <legend>"Themes advanced"</legend>
                        {choices.into_iter().map(|(key, name)| {
                            let input_id = format!("theme-{key}");
                            let checked = chosen.contains(&key);
                            view! {
                                <div class="field field-check">
                                    <input id=input_id.clone() type="checkbox" name="themes[]" value=key checked=checked/>
                                    <label for=input_id>{name}</label>
                                </div>
                            }
                        }).collect_view()}
                        <p class="field-error" data-error-for="themes" role="alert">{themes_error}</p>
                    </fieldset>
                    <div class="form-actions">
                        <button type="submit" name="intent" value="draft" class="button-secondary">"Save draft"</button>
                        <button type="submit" name="intent" value="submit" class="button">"Submit the report"</button>
                    </div>
                </form>
            </EnhancedForm>
        </section>
    }
    .into_any()
}

/// A coordinator's forms, by what the report's state allows.
pub(super) fn review_forms(r: &ReportView) -> AnyView {
    let flash = page_flash();
    let state = |endpoint: &str, ids: &str| FormState::new(endpoint, flash.as_ref(), Default::default()).with_ids(ids);
    let s = &r.summary;
    let id = s.id.clone();
    let submitted = s.state == ReportState::Submitted;
    let accepted = s.state == ReportState::Accepted;
    let owed = s.state.is_owed();
    let (accept, ret, reopen, close, share, due) = (
        state("/api/reports/accept", "accept"),
        state("/api/reports/return", "return"),
        state("/api/reports/reopen", "reopen"),
        state("/api/reports/close", "close"),
        state("/api/reports/share", "share"),
        state("/api/reports/due-date", "due"),
    );
    let shared = s.shared_with_donor;
    let [id_accept, id_return, id_share, id_reopen, id_due, id_close] = std::array::from_fn(|_| id.clone());
    view! {
        <section class="section" aria-labelledby="review-heading">
            <h2 id="review-heading">"Review"</h2>
            {submitted.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/reports/accept" class="inline-form">
                        {form_message(&accept)}
                        {hidden("id", id_accept)}
                        <button type="submit" class="button">"Accept"</button>
                    </form>
                </EnhancedForm>
                <EnhancedForm>
                    <form method="post" action="/api/reports/return" class="form form-wide" novalidate>
                        <h3>"Return to the author"</h3>
                        {form_message(&ret)}
                        {hidden("id", id_return)}
                        {textarea(&ret, "comment", "Comment for the author", true)}
                        {Input::text("resubmit_by", "Resubmit by").kind("date").required().render(&ret)}
                        <div class="form-actions"><button type="submit" class="button-secondary">"Return"</button></div>
                    </form>
                </EnhancedForm>
            })}
            {accepted.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/reports/share" class="inline-form">
                        {form_message(&share)}
                        {hidden("id", id_share)}
                        {hidden("action", if shared { "unshare".to_string() } else { "share".to_string() })}
                        <button type="submit" class="button-secondary">{if shared { "Stop sharing with the donor" } else { "Share with the donor" }}</button>
                    </form>
                </EnhancedForm>
                <EnhancedForm>
                    <form method="post" action="/api/reports/reopen" class="form form-wide" novalidate>
                        <h3>"Reopen"</h3>
                        {form_message(&reopen)}
                        {hidden("id", id_reopen)}
                        {Input::text("reason", "Reason").required().max_len(2000).render(&reopen)}
                        <div class="form-actions"><button type="submit" class="button-secondary">"Reopen for review"</button></div>
                    </form>
                </EnhancedForm>
            })}
            {owed.then(|| view! {
                <EnhancedForm>
                    <form method="post" action="/api/reports/due-date" class="form form-wide" novalidate>
                        <h3>"Move the due date"</h3>
                        {form_message(&due)}
                        {hidden("id", id_due)}
                        {Input::text("due_date", "New due date").kind("date").required().render(&due)}
                        {Input::text("reason", "Reason").required().max_len(2000).render(&due)}
                        <div class="form-actions"><button type="submit" class="button-secondary">"Move the due date"</button></div>
                    </form>
                </EnhancedForm>
                <EnhancedForm>
                    <form method="post" action="/api/reports/close" class="form form-wide" novalidate>
                        <h3>"Cancel or waive"</h3>
                        {form_message(&close)}
                        {hidden("id", id_close)}
                        {Input::text("reason", "Reason").required().max_len(2000).render(&close)}
                        <div class="form-actions">
                            <button type="submit" name="action" value="waive" class="button-secondary">"Waive"</button>
                            <button type="submit" name="action" value="cancel" class="button-secondary danger">"Cancel the report"</button>
                        </div>
                    </form>
                </EnhancedForm>
            })}
        </section>
    }
    .into_any()
}
