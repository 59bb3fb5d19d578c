//! The coordinator's dashboard block of placements under way by member and by theme.

use super::*;

/// The coordinator's dashboard: placements under way by member and by theme, each count linked
/// to the list with that filter.
#[component]
pub fn UnderWayByMemberAndTheme() -> impl IntoView {
    let list = |items: Vec<(String, String, u64)>, param: &'static str| {
        items
            .into_iter()
            .map(|(id, name, n)| view! {
                <li class="stat"><a href=format!("/placements?{param}={id}")><span class="stat-number">{n}</span><span class="stat-label">{name}</span></a></li>
            })
            .collect_view()
    };
    view! {
        {loaded_quietly(crate::placements::under_way_counts(), move |counts| view! {
            <section class="section" aria-labelledby="by-member-heading">
                <h2 id="by-member-heading">"Placements under way by member"</h2>
                <ul class="stat-grid" data-testid="by-member">{list(counts.by_member, "member")}</ul>
                <h2>"…and by theme"</h2>
                <ul class="stat-grid" data-testid="by-theme">{list(counts.by_theme, "theme")}</ul>
            </section>
        }
        .into_any())}
    }
}
