//! The mail log page.

use leptos::prelude::*;

use super::api::list_mail;
use super::{DeliveryState, EventKind};
use crate::ui::fields::hidden;
use crate::ui::format::timestamp;
use crate::ui::layout::loaded;
use crate::ui::lists::{current_query, filter_form, pager, sort_header};
use crate::ui::PageHeader;

fn state_label(state: DeliveryState, smtp_configured: bool) -> &'static str {
    match state {
        DeliveryState::Pending if !smtp_configured => "not sent: no SMTP configured",
        other => other.label(),
    }
}

#[component]
pub fn MailLogPage() -> impl IntoView {
    let query = current_query();
    const BASE: &str = "/mail";
    view! {
        {loaded(list_mail(query.clone()), move |log| {
            let states = DeliveryState::options();
            let events = EventKind::options();
            let smtp = log.smtp_configured;
            view! {
                <PageHeader title="Mail log" lead="Every e-mail the system has queued, and what became of it."/>
                {(!smtp).then(|| view! {
                    <div class="notice notice-error" role="status">
                        "No SMTP server is configured (HUB_SMTP_URL), so e-mail is kept here and not sent."
                    </div>
                })}
                {filter_form(BASE, "/export/mail.csv", &query, vec![("status", "State", states), ("kind", "Event", events)], Some(("From date", "To date")))}
                <div class="table-wrap">
                    <table class="data-table">
                        <thead>
                            <tr>
                                {sort_header(BASE, &query, "created", "Queued")}
                                <th scope="col">"Event"</th>
                                {sort_header(BASE, &query, "recipient", "Recipient")}
                                <th scope="col">"Subject"</th>
                                {sort_header(BASE, &query, "state", "State")}
                                <th scope="col">"Tries"</th>
                                <th scope="col">"Last error"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {log.page.items.iter().map(|n| view! {
                                <tr>
                                    <td class="nowrap">{timestamp(n.created_at)}</td>
                                    <td>{n.event.label()}</td>
                                    <td>{n.recipient.clone()}</td>
                                    <td>{n.subject.clone()}</td>
                                    <td><span class=format!("state state-{}", n.state.as_str())>{state_label(n.state, smtp)}</span>{n.sent_at.map(|t| view! { <br/><span class="muted">{timestamp(t)}</span> })}</td>
                                    <td>{n.attempts}</td>
                                    <td>{n.last_error.clone()}</td>
                                    <td>{(n.state == DeliveryState::Failed).then(|| view! {
                                        <form method="post" action="/api/mail/resend" class="inline-form">
                                            {hidden("id", n.id.clone())}
                                            <button type="submit" class="button-link">"Send again"</button>
                                        </form>
                                    })}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {log.page.items.is_empty().then(|| view! { <p class="empty">"No e-mail matches."</p> })}
                {pager(BASE, &query, &log.page)}
            }
            .into_any()
        })}
    }
}
