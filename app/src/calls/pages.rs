//! What a call's page adds to the resource's form and history: its terms, its figures and the
//! coordinator's moves (staff), or the way to answer it (nominators); and the open calls on a
//! nominator's home page.

use leptos::prelude::*;

use super::*;
use crate::resource::Editing;
use crate::ui::layout::{loaded, loaded_quietly};

/// The call's terms, then its figures and moves.
pub fn call_sections(key: &str, editing: &Editing<CallView, CallChoices>) -> AnyView {
    let Some(call) = editing.record.clone() else {
        return ().into_any();
    };
    let key = key.to_string();
    view! {
        <section class="section" aria-labelledby="terms-heading">
            <h2 id="terms-heading">{format!("{} · {}", call.reference, call.state.label())}</h2>
            {terms(&call)}
        </section>
        {loaded(call_figures(key.clone()), move |figures| figures_view(&key, &call, figures))}
    }
    .into_any()
}

/// The terms of a call, as everyone who may read it sees them.
pub fn terms(call: &CallView) -> AnyView {
    let themes = call.themes.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ");
    view! {
        <dl class="facts" data-testid="call-terms">
            <dt>"Host agency"</dt><dd>{call.host_agency.clone()}</dd>
            <dt>"Themes"</dt><dd>{themes}</dd>
            <dt>"Places"</dt><dd data-testid="places-left">{format!("{} left of {}", call.places_left(), call.places)}</dd>
            <dt>"Placements within"</dt><dd>{call.window()}</dd>
            <dt>"Closes"</dt><dd>{format!("{} (office time)", call.closes_local)}</dd>
            <dt>"Open to"</dt><dd>{call.who_may_answer()}</dd>
            <dt>"Description"</dt><dd class="prose">{call.description.clone()}</dd>
            {(!call.eligibility.is_empty()).then(|| view! { <dt>"Eligibility"</dt><dd class="prose">{call.eligibility.clone()}</dd> })}
        </dl>
    }
    .into_any()
}

fn figures_view(key: &str, call: &CallView, figures: CallProgress) -> AnyView {
    if figures.may_answer {
        return view! {
            <p><a class="button" href=format!("/nominations/new?call={key}") data-testid="answer-call">"Nominate an officer for this call"</a></p>
        }
        .into_any();
    }
    let money = figures.agreement_remaining.map(|remaining| {
        let agreement = call.agreement.clone().map(|(_, r)| r).unwrap_or_default();
        view! {
            <p data-testid="call-money">
                {format!("Agreement {agreement}: {remaining} not yet committed, for {} places left.", call.places_left())}
            </p>
        }
    });
    let actions = figures.actions.iter().map(|action| {
        let key = key.to_string();
        let class = if *action == CallAction::Cancel { "button button-danger" } else { "button" };
        view! {
            <form method="post" action="/api/calls/act" class="inline-form">
                <input type="hidden" name="id" value=key/>
                <input type="hidden" name="action" value=action.as_str()/>
                <button type="submit" class=class>{action.label()}</button>
            </form>
        }
    });
    view! {
        <section class="section" aria-labelledby="call-nominations-heading">
            <h2 id="call-nominations-heading">"Nominations"</h2>
            <p data-testid="call-counts">{format!("{} nominations answer this call; {} approved.", call.answered, call.approved)}</p>
            {(!figures.by_state.is_empty()).then(|| view! {
                <ul class="counts">
                    {figures.by_state.iter().map(|(state, n)| view! {
                        <li><a href=format!("/nominations?status={}", state.as_str())>{format!("{}: {n}", state.label())}</a></li>
                    }).collect_view()}
                </ul>
            })}
            {money}
            <div class="form-actions">{actions.collect_view()}</div>
        </section>
    }
    .into_any()
}

/// The open calls a nominator may answer, on their home page.
#[component]
pub fn OpenCalls() -> impl IntoView {
    let query = crate::listing::ListQuery { sort: "closes".into(), ..Default::default() };
    view! {
        {loaded_quietly(list_calls(query), |listing| {
            let calls = listing.page.items;
            (!calls.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="open-calls-heading" data-testid="open-calls">
                    <h2 id="open-calls-heading">"Open calls for nominations"</h2>
                    <ul class="waiting">
                        {calls.into_iter().map(|c| view! {
                            <li>
                                <a href=format!("/calls/{}", c.id)>{c.title.clone()}</a>
                                {format!(" — {}, {}, closes {}. ", c.host_agency, c.window(), c.closes_local)}
                                <a href=format!("/nominations/new?call={}", c.id)>"Nominate"</a>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })
        })}
    }
}
