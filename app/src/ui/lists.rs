//! List furniture: the filter bar, sortable column headers, the pager and the CSV link. All are
//! plain links and GET forms, so they work without JavaScript.

use leptos::prelude::*;

use crate::listing::{ListQuery, Page};

/// The list query of the current page's URL.
pub fn current_query() -> ListQuery {
    leptos_router::hooks::use_query_map().with_untracked(|m| ListQuery::from_lookup(|k| m.get(k)))
}

/// A `<th>` whose label sorts the list by `key`, toggling the direction.
pub fn sort_header(base: &str, query: &ListQuery, key: &str, label: &str) -> impl IntoView {
    let active = query.sort == key;
    let next_desc = active && !query.desc();
    let href = query.with_sort(key, next_desc).href(base);
    let aria = if active {
        if query.desc() {
            "descending"
        } else {
            "ascending"
        }
    } else {
        "none"
    };
    let arrow = if active {
        if query.desc() {
            " ▼"
        } else {
            " ▲"
        }
    } else {
        ""
    };
    view! {
        <th scope="col" aria-sort=aria>
            <a href=href>{label.to_string()}{arrow}</a>
        </th>
    }
}

/// Previous/next links and the position in the list. The links carry where their page starts,
/// so a deep page costs what the first one does.
pub fn pager<T>(base: &str, query: &ListQuery, page: &Page<T>) -> impl IntoView {
    let prev = page.prev.as_ref().map(|link| query.with_link(link).href(base));
    let next = page.next.as_ref().map(|link| query.with_link(link).href(base));
    let first = (page.page > 2).then(|| query.with_page(1).href(base));
    view! {
        <nav class="pager" aria-label="Pages">
            <span>{page.summary()}</span>
            {first.map(|href| view! { <a href=href>"« First"</a> })}
            {prev.map(|href| view! { <a href=href rel="prev">"← Previous"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next →"</a> })}
        </nav>
    }
}

/// A `<select>` filter of a list: (query parameter, label, (value, text) options).
pub type SelectFilter = (&'static str, &'static str, Vec<(String, String)>);

/// The filter bar: a text search, extra `<select>` filters, and the CSV export of the same list.
pub fn filter_bar(base: &str, csv: &str, query: &ListQuery, selects: Vec<SelectFilter>) -> impl IntoView {
    filter_form(base, csv, query, selects, None)
}

/// Labels of a date range filter (`from`, `to`), both days included.
pub type DateRange = (&'static str, &'static str);

/// The one filter form of a list: search, `<select>` filters and, where the list has one, a
/// date range. One submit applies them all; the CSV link exports exactly what is shown.
pub fn filter_form(
    base: &str,
    csv: &str,
    query: &ListQuery,
    selects: Vec<SelectFilter>,
    dates: Option<DateRange>,
) -> impl IntoView {
    let csv_href = query.with_page(1).href(csv);
    let active = active_filters(query, &selects, dates.is_some());
    let summary = if active == 0 { "Filters".to_string() } else { format!("Filters ({active} active)") };
    // On a phone the filters fold into a disclosure that says how many are set; on a wider
    // screen the stylesheet shows them whatever its state (see `.filters` in main.css).
    view! {
        <details class="filters">
        <summary data-testid="filters-summary">{summary}</summary>
        <form method="get" action=base.to_string() class="filter-bar" role="search">
            <div class="field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" name="q" value=query.q.clone() maxlength="100"/>
            </div>
            {selects
                .into_iter()
                .map(|(name, label, options)| {
                    let current = query.get(name).to_string();
                    let id = format!("filter-{name}");
                    view! {
                        <div class="field">
                            <label for=id.clone()>{label}</label>
                            <select id=id name=name>
                                <option value="">"All"</option>
                                {options
                                    .into_iter()
                                    .map(|(value, text)| {
                                        let selected = value == current;
                                        view! { <option value=value selected=selected>{text}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                    }
                })
                .collect_view()}
            {dates.map(|(from, to)| view! {
                <div class="field"><label for="filter-from">{from}</label><input id="filter-from" type="date" name="from" value=query.from.clone()/></div>
                <div class="field"><label for="filter-to">{to}</label><input id="filter-to" type="date" name="to" value=query.to.clone()/></div>
            })}
            <input type="hidden" name="sort" value=query.sort.clone()/>
            <input type="hidden" name="dir" value=query.dir.clone()/>
            <button type="submit" class="button-secondary">"Filter"</button>
            <a class="button-link" href=csv_href download="">"Export CSV"</a>
        </form>
        </details>
    }
}

/// How many of the form's filters are set: the search, each select, each end of the dates.
fn active_filters(query: &ListQuery, selects: &[SelectFilter], dates: bool) -> usize {
    let set = |value: &str| usize::from(!value.trim().is_empty());
    set(&query.q)
        + selects.iter().map(|(name, _, _)| set(query.get(name))).sum::<usize>()
        + if dates { set(&query.from) + set(&query.to) } else { 0 }
}
