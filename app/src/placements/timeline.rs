//! The timeline's geometry: placements as bars on a date axis, grouped by host agency, with the
//! month ticks and the today line. Plain Rust with no IO, so the drawing rules are unit-tested;
//! `pages.rs` turns the layout into server-rendered SVG.

use chrono::{Datelike, Days, NaiveDate};

use super::rules::PlacementState;
use super::PlacementSummary;
use crate::domain::Period;

/// Width of the label column (officer names) and of the chart, in SVG units.
pub const LABEL_WIDTH: f64 = 230.0;
pub const CHART_WIDTH: f64 = 940.0;
pub const WIDTH: f64 = LABEL_WIDTH + CHART_WIDTH + 10.0;
/// Height of the axis at the top, of a group's heading and of one placement's row.
pub const AXIS_HEIGHT: f64 = 34.0;
pub const GROUP_HEIGHT: f64 = 26.0;
pub const ROW_HEIGHT: f64 = 20.0;
pub const BAR_HEIGHT: f64 = 12.0;

/// One placement's bar, clipped to the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub id: String,
    pub label: String,
    /// The tooltip and accessible text: officer, dates, state.
    pub title: String,
    pub state: &'static str,
    pub y: f64,
    pub x: f64,
    pub width: f64,
    /// The days added by extensions (after the original end), drawn apart.
    pub extension: Option<(f64, f64)>,
    pub overlap: bool,
    /// The bar runs on before or after the window.
    pub clipped_start: bool,
    pub clipped_end: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub host: String,
    pub y: f64,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub groups: Vec<Group>,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    pub today: Option<f64>,
    pub height: f64,
}

/// Where a day begins on the x axis of `window`.
fn x_of(window: Period, day: NaiveDate) -> f64 {
    let days = (window.end() - window.start()).num_days() as f64 + 1.0;
    let offset = (day - window.start()).num_days() as f64;
    LABEL_WIDTH + (offset.clamp(0.0, days) / days) * CHART_WIDTH
}

/// The first of each month in `window`, every `step` months so that at most about 14 are labelled.
fn ticks(window: Period) -> Vec<Tick> {
    let months = (window.end().year() - window.start().year()) * 12 + window.end().month0() as i32
        - window.start().month0() as i32
        + 1;
    let step = ((months + 13) / 14).max(1) as u32;
    let mut first = window.start().with_day(1).unwrap_or(window.start());
    if first < window.start() {
        first = crate::domain::add_months(first, 1);
    }
    let mut out = Vec::new();
    let mut day = first;
    while day <= window.end() {
        let label = if day.month() == 1 || out.is_empty() { day.format("%b %Y") } else { day.format("%b") };
        out.push(Tick { x: x_of(window, day), label: label.to_string() });
        day = crate::domain::add_months(day, step);
    }
    out
}

fn shorten(text: &str, at: usize) -> String {
    if text.chars().count() <= at {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(at - 1).collect::<String>())
    }
}

/// Lays out `placements` in `window`: grouped by host agency (by name), each group by start.
pub fn layout(window: Period, today: NaiveDate, placements: &[PlacementSummary]) -> Layout {
    let mut sorted: Vec<&PlacementSummary> = placements.iter().collect();
    sorted.sort_by(|a, b| {
        (a.host_agency.to_lowercase(), a.dates.occupied().start(), &a.officer_name).cmp(&(
            b.host_agency.to_lowercase(),
            b.dates.occupied().start(),
            &b.officer_name,
        ))
    });
    let mut groups: Vec<Group> = Vec::new();
    let mut bars = Vec::new();
    let mut y = AXIS_HEIGHT;
    for p in sorted {
        if groups.last().is_none_or(|g| g.host != p.host_agency) {
            groups.push(Group { host: p.host_agency.clone(), y, count: 0 });
            y += GROUP_HEIGHT;
        }
        if let Some(group) = groups.last_mut() {
            group.count += 1;
        }
        let occupied = p.dates.occupied();
        let (start, last) = (occupied.start().max(window.start()), occupied.end().min(window.end()));
        let x = x_of(window, start);
        let end_x = x_of(window, last.checked_add_days(Days::new(1)).unwrap_or(last));
        // Extension days: after the original end, up to the last day.
        let original_end = p.dates.original_end;
        let extension = (occupied.end() > original_end).then(|| {
            let from = original_end.checked_add_days(Days::new(1)).unwrap_or(original_end).max(window.start());
            (x_of(window, from), end_x)
        });
        let extension = extension.filter(|(from, to)| to > from);
        let period = crate::ui::format::period(occupied.start(), occupied.end());
        // Cancelled before its start: drawn faintly over the days it would have taken.
        let cancelled = p.state == PlacementState::Terminated && p.dates.actual_start.is_none();
        let state = if cancelled { "cancelled before the start" } else { p.state.label() };
        let mut title = format!("{}, {} → {}: {period} ({state})", p.officer_name, p.sending_agency, p.host_agency);
        if p.extensions > 0 {
            title.push_str(&format!(", extended ×{}", p.extensions));
        }
        if p.overlap {
            title.push_str(", overlaps another placement");
        }
        bars.push(Bar {
            id: p.id.clone(),
            label: shorten(&p.officer_name, 30),
            title,
            state: if cancelled { "cancelled" } else { p.state.as_str() },
            y,
            x,
            width: (end_x - x).max(2.0),
            extension,
            overlap: p.overlap,
            clipped_start: occupied.start() < window.start(),
            clipped_end: occupied.end() > window.end(),
        });
        y += ROW_HEIGHT;
    }
    let today = (window.start() <= today && today <= window.end()).then(|| x_of(window, today));
    Layout { groups, bars, ticks: ticks(window), today, height: y + 10.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placements::rules::Dates;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn placement(id: &str, host: &str, start: &str, original_end: &str, current_end: &str) -> PlacementSummary {
        PlacementSummary {
            id: id.into(),
            reference: format!("N-{id}"),
            officer_name: format!("Officer {id}"),
            sending_agency: "Sender".into(),
            host_agency: host.into(),
            state: PlacementState::Active,
            dates: Dates {
                planned_start: d(start),
                actual_start: Some(d(start)),
                original_end: d(original_end),
                current_end: d(current_end),
                early_end: None,
            },
            extensions: u32::from(current_end != original_end),
            overlap: false,
        }
    }

    fn year_2027() -> Period {
        Period::new(d("2027-01-01"), d("2027-12-31")).unwrap()
    }

    #[test]
    fn bars_are_grouped_by_host_and_ordered_by_start() {
        let rows = vec![
            placement("a", "Zeta Ministry", "2027-02-01", "2027-03-31", "2027-03-31"),
            placement("b", "Alpha Office", "2027-05-01", "2027-06-30", "2027-06-30"),
            placement("c", "Alpha Office", "2027-01-15", "2027-02-28", "2027-02-28"),
        ];
        let layout = layout(year_2027(), d("2027-06-01"), &rows);
        let hosts: Vec<_> = layout.groups.iter().map(|g| (g.host.as_str(), g.count)).collect();
        assert_eq!(hosts, vec![("Alpha Office", 2), ("Zeta Ministry", 1)]);
        let order: Vec<_> = layout.bars.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(order, vec!["c", "b", "a"]);
        assert!(layout.bars.windows(2).all(|w| w[0].y < w[1].y));
        assert_eq!(layout.height, AXIS_HEIGHT + 2.0 * GROUP_HEIGHT + 3.0 * ROW_HEIGHT + 10.0);
    }

    #[test]
    fn a_bar_spans_its_days_and_is_clipped_to_the_window() {
        let whole = placement("a", "H", "2027-01-01", "2027-12-31", "2027-12-31");
        let layout = layout(year_2027(), d("2027-06-01"), &[whole]);
        let bar = &layout.bars[0];
        assert_eq!(bar.x, LABEL_WIDTH);
        assert!((bar.width - CHART_WIDTH).abs() < 1e-9);
        let across = placement("b", "H", "2026-10-01", "2028-03-31", "2028-03-31");
        let layout = super::layout(year_2027(), d("2027-06-01"), &[across]);
        let bar = &layout.bars[0];
        assert!(bar.clipped_start && bar.clipped_end);
        assert_eq!(bar.x, LABEL_WIDTH);
        assert!((bar.x + bar.width - (LABEL_WIDTH + CHART_WIDTH)).abs() < 1e-9);
    }

    #[test]
    fn the_extended_days_are_a_separate_segment() {
        let extended = placement("a", "H", "2027-01-01", "2027-06-30", "2027-09-30");
        let layout = layout(year_2027(), d("2027-06-01"), &[extended]);
        let bar = &layout.bars[0];
        let (from, to) = bar.extension.expect("an extension segment");
        assert!((from - x_of(year_2027(), d("2027-07-01"))).abs() < 1e-9);
        assert!((to - (bar.x + bar.width)).abs() < 1e-9);
        assert!(bar.title.contains("extended ×1"));
        let plain = placement("b", "H", "2027-01-01", "2027-06-30", "2027-06-30");
        assert_eq!(super::layout(year_2027(), d("2027-06-01"), &[plain]).bars[0].extension, None);
    }

    #[test]
    fn a_cancelled_placement_is_drawn_apart_over_its_planned_days() {
        let mut cancelled = placement("a", "H", "2027-03-01", "2027-06-30", "2027-06-30");
        cancelled.state = PlacementState::Terminated;
        cancelled.dates.actual_start = None;
        let layout = layout(year_2027(), d("2027-01-15"), &[cancelled]);
        let bar = &layout.bars[0];
        assert_eq!(bar.state, "cancelled");
        assert!(bar.title.contains("cancelled before the start"));
        assert!((bar.x - x_of(year_2027(), d("2027-03-01"))).abs() < 1e-9);
        assert!(bar.width > 100.0, "the planned four months, not a sliver");
    }

    #[test]
    fn the_today_line_is_drawn_only_inside_the_window() {
        let layout_on = |today| layout(year_2027(), d(today), &[]).today;
        assert_eq!(layout_on("2027-01-01"), Some(LABEL_WIDTH));
        assert!(layout_on("2027-07-02").is_some_and(|x| (x - (LABEL_WIDTH + CHART_WIDTH / 2.0)).abs() < 3.0));
        assert_eq!(layout_on("2028-01-01"), None);
    }

    #[test]
    fn month_ticks_thin_out_over_long_windows() {
        let year = ticks(year_2027());
        assert_eq!(year.len(), 12);
        assert_eq!(year[0].label, "Jan 2027");
        assert_eq!(year[1].label, "Feb");
        let decade = ticks(Period::new(d("2020-01-15"), d("2029-12-31")).unwrap());
        assert!(decade.len() <= 15, "{}", decade.len());
        assert!(decade[0].label.ends_with("2020"));
    }

    #[test]
    fn three_hundred_placements_keep_one_row_each() {
        let rows: Vec<_> = (0..300)
            .map(|i| placement(&i.to_string(), &format!("Host {}", i % 12), "2027-02-01", "2027-08-31", "2027-08-31"))
            .collect();
        let layout = layout(year_2027(), d("2027-06-01"), &rows);
        assert_eq!(layout.bars.len(), 300);
        assert_eq!(layout.groups.len(), 12);
        let mut ys: Vec<_> = layout.bars.iter().map(|b| b.y as i64).collect();
        ys.dedup();
        assert_eq!(ys.len(), 300, "no two bars share a row");
    }
}
