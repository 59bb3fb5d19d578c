//! The figures the Hub has promised, each beside its target: printed as `target …` lines and
//! written as the report's first table, so a run says at a glance what is met and what is not.

use crate::Figures;

/// One promised figure.
pub struct Target {
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    /// The bound: `at most` or `at least`, and the number.
    pub at_most: bool,
    pub bound: f64,
}

impl Target {
    pub fn met(&self) -> bool {
        if self.at_most {
            self.value <= self.bound
        } else {
            self.value >= self.bound
        }
    }

    pub fn goal(&self) -> String {
        format!("{} {} {}", if self.at_most { "≤" } else { "≥" }, number(self.bound), self.unit)
    }
}

fn number(value: f64) -> String {
    if value >= 1000.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}").trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The targets of ten years (`full`) against 1/100 (`small`); `ceiling` is `/healthz`'s req/s
/// and `before` the page rows of the previous report (name → p50 ms), for "within 15 %".
pub fn of(full: &Figures, small: &Figures, ceiling: f64, before: &[(String, f64)]) -> Vec<Target> {
    let mut targets = Vec::new();
    let mut push = |name: String, value: Option<f64>, unit: &'static str, at_most: bool, bound: f64| {
        if let Some(value) = value {
            targets.push(Target { name, value, unit, at_most, bound });
        }
    };
    let p50 = |figures: &Figures, name: &str| figures.load.get(name).map(|l| l.p50_ms);
    let growth = |name: &str| p50(full, name).zip(p50(small, name)).map(|(f, s)| f / s.max(0.001));
    let other = |name: &str| full.other.get(name).map(|(v, _)| *v);
    for list in ["nominations", "reports"] {
        push(format!("{list}.search p50"), p50(full, &format!("{list}.search")), "ms", true, 20.0);
    }
    push("users200 peak RSS".into(), other("users200.peak_rss"), "MB", true, 400.0);
    push("users200 p99".into(), other("users200.p99"), "ms", true, 50.0);
    push("users200 errors".into(), other("users200.errors"), "requests", true, 0.0);
    let share = full.load.get("donor_portal").map(|l| 100.0 * l.per_second / ceiling.max(0.001));
    push("donor_portal share of ceiling".into(), share, "%", false, 1.5);
    for name in ["donor_portal", "dashboard", "reports.deep"] {
        push(format!("{name} growth"), growth(name), "×", true, 1.5);
    }
    for list in ["reports", "audit", "mail"] {
        let rows = other(&format!("csv.{list}.rows"));
        let seconds = other(&format!("csv.{list}.seconds"));
        let per_second = rows.zip(seconds).map(|(r, s)| r / s.max(0.001));
        push(format!("csv.{list} rows/s"), per_second, "rows/s", false, 50_000.0);
    }
    for (name, then) in before {
        let now = p50(full, name);
        if name.ends_with("page1") || name.ends_with(".deep") {
            push(format!("{name} p50 against the run before"), now.map(|n| n / then.max(0.001)), "×", true, 1.15);
        }
    }
    targets
}

/// The page rows' p50 (ms) of a report written by an earlier run.
pub fn page_rows_of(report: &str) -> Vec<(String, f64)> {
    report
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // | page | req/s | share | p50 | …
            let (name, p50) = (cells.get(1)?, cells.get(4)?.parse::<f64>().ok()?);
            (!name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_' || c.is_ascii_digit()))
            .then(|| (name.to_string(), p50))
        })
        .collect()
}

/// The report's table of targets.
pub fn table(targets: &[Target]) -> String {
    let mut out = String::from("| target | measured | goal | |\n|---|---:|---:|---|\n");
    for t in targets {
        let mark = if t.met() { "met" } else { "**not met**" };
        out.push_str(&format!("| {} | {} {} | {} | {mark} |\n", t.name, number(t.value), t.unit, t.goal()));
    }
    out
}
