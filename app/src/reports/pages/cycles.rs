//! The reporting cycles page and a cycle's form.

use super::*;

/// One cycle's form: frequency, alignment, offsets. Locked once a report of it is submitted.
pub fn cycle_form(view: &crate::reports::CycleView, editable: bool) -> AnyView {
    use crate::reports::plan::{Alignment, Frequency};
    use crate::ui::fields::select;
    let c = &view.cycle;
    let reminders = c.reminder_offsets.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let defaults = crate::ui::fields::values([
        ("frequency", c.frequency.as_str().to_string()),
        ("alignment", c.alignment.as_str().to_string()),
        ("due_offset", c.due_offset.to_string()),
        ("reminder_offsets", reminders.clone()),
        ("escalation_offset", c.escalation_offset.to_string()),
    ]);
    let flash = page_flash();
    // The flash belongs to the form of the cycle it was posted for.
    let flash = flash.filter(|f| f.values.get("id").is_some_and(|id| *id == view.id));
    let state = FormState::new("/api/reports/cycles/save", flash.as_ref(), defaults).with_ids(&view.id);
    let frequencies = Frequency::options();
    let alignments = Alignment::options();
    let summary = format!(
        "{} · due {} days after each period · reminders {} days before · coordinators told {} days late",
        c.frequency.label(),
        c.due_offset,
        if reminders.is_empty() { "none".to_string() } else { reminders },
        c.escalation_offset
    );
    let heading = c.kind.label();
    if !editable || view.locked {
        let note = view.locked.then_some(" (a report of it was submitted, so it no longer changes)");
        return view! { <div class="cycle"><h3>{heading}</h3><p>{summary}{note}</p></div> }.into_any();
    }
    let (id, kind) = (view.id.clone(), c.kind.as_str().to_string());
    view! {
        <div class="cycle">
            <h3>{heading}</h3>
            <p class="muted">{summary}</p>
            <EnhancedForm>
                <form method="post" action="/api/reports/cycles/save" class="form form-inline" novalidate>
                    {form_message(&state)}
                    {hidden("id", id)}
                    {hidden("kind", kind)}
                    {select(&state, "frequency", "Frequency", frequencies, true)}
                    {select(&state, "alignment", "Periods", alignments, true)}
                    {Input::text("due_offset", "Due, days after the period").kind("number").required().render(&state)}
                    {Input::text("reminder_offsets", "Reminders, days before").hint("Separated by commas, like 14, 3.").render(&state)}
                    {Input::text("escalation_offset", "Coordinators told, days late").kind("number").required().render(&state)}
                    <div class="form-actions"><button type="submit" class="button-secondary">"Save the cycle"</button></div>
                </form>
            </EnhancedForm>
        </div>
    }
    .into_any()
}

/// The programme's default cycles, which each newly approved placement copies.
#[component]
pub fn CyclesPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                let me = crate::auth::api::me().await.ok().flatten();
                let editable = me.is_some_and(|u| u.role == crate::auth::Role::Coordinator);
                match crate::reports::default_cycles().await {
                    Err(e) => error_view(e),
                    Ok(cycles) => view! {
                        <PageHeader title="Reporting cycles" lead="The programme's cycles. A placement copies them when it is approved; its own copy can then be changed on its page until a report is submitted."/>
                        <section class="section">
                            {cycles.iter().map(|c| cycle_form(c, editable)).collect_view()}
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
