//! An agreement as IATI activity XML, version 2.03: the agreement is an activity at hierarchy 1,
//! each placement it funds a child activity at hierarchy 2. The donor is the funding
//! organisation, the RSO accountable and implementing, the sending and host agencies
//! implementing. The signed agreement is an incoming commitment (11). Money set aside and spent
//! is published on the agreement only, by calendar quarter and cost category, as outgoing
//! commitments (2) and expenditure (4), and only the sums that rest on enough placements
//! (`disclosure.rs`): a placement's activity carries no figure, since with its agency and dates
//! one officer's stipend could be read from it. Themes are sectors of vocabulary 99, with DAC
//! 15190. No personal name or e-mail is written. The writer is plain Rust; `service` gathers its
//! data.

use chrono::NaiveDate;

use super::disclosure::{Published, MIN_PLACEMENTS};
use crate::domain::Money;

/// A placement as IATI sees it: no names of people and no money, only agencies and dates.
#[derive(Debug, Clone, PartialEq)]
pub struct IatiPlacement {
    pub key: String,
    pub sending_agency: String,
    pub host_agency: String,
    /// planned, active, completed or terminated, and whether it started.
    pub state: String,
    pub started: bool,
    pub planned_start: NaiveDate,
    pub actual_start: Option<NaiveDate>,
    pub planned_end: NaiveDate,
    pub actual_end: Option<NaiveDate>,
    /// (theme key, theme name)
    pub themes: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IatiAgreement {
    pub org_id: String,
    pub reference: String,
    pub title: String,
    pub donor: String,
    pub total: Money,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub signed: NaiveDate,
    pub today: NaiveDate,
    pub placements: Vec<IatiPlacement>,
    /// Committed and spent, in the agreement's currency: the sums that may be published.
    pub committed: Published,
    pub spent: Published,
}

/// Escapes text for XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A safe identifier part: letters, digits and hyphens.
fn id_part(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect()
}

/// The IATI activity status of a placement.
pub fn placement_status(state: &str, started: bool) -> u8 {
    match state {
        "planned" => 1,
        "active" => 2,
        "completed" => 4,
        "terminated" if !started => 5,
        _ => 4,
    }
}

/// The IATI activity status of an agreement on `today`.
pub fn agreement_status(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> u8 {
    if today < start {
        1
    } else if today <= end {
        2
    } else {
        4
    }
}

fn value(money: &Money, date: NaiveDate) -> String {
    format!(
        r#"<value currency="{}" value-date="{date}">{}</value>"#,
        money.currency().code(),
        money.amount_text().replace(',', "")
    )
}

fn narrative(tag: &str, text: &str) -> String {
    format!("<{tag}><narrative>{}</narrative></{tag}>", escape(text))
}

/// A description of type 4 ("other") saying how the money is published and how many sums were
/// left out.
fn withheld_note(withheld: usize) -> String {
    let left_out = match withheld {
        0 => "none is left out of this file".to_string(),
        1 => "1 is left out of this file".to_string(),
        n => format!("{n} are left out of this file"),
    };
    format!(
        r#"<description type="4"><narrative>Money is published by calendar quarter and cost category, never per placement. A sum that rests on fewer than {MIN_PLACEMENTS} placements is left out, so that no officer's own allowance can be read from it; {left_out}.</narrative></description>"#
    )
}

/// The XML document.
pub fn activities(a: &IatiAgreement, generated: &str) -> String {
    let parent_id = format!("{}-{}", a.org_id, id_part(&a.reference));
    let currency = a.total.currency().code();
    let mut xml = String::new();
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push('\n');
    xml.push_str(&format!(r#"<iati-activities version="2.03" generated-datetime="{generated}">"#));
    let rso = |role: u8| {
        format!(
            r#"<participating-org ref="{}" role="{role}" type="40"><narrative>Regional Support Office</narrative></participating-org>"#,
            escape(&a.org_id)
        )
    };
    let reporting = format!(
        r#"<reporting-org ref="{}" type="40"><narrative>Regional Support Office</narrative></reporting-org>"#,
        escape(&a.org_id)
    );
    let region = r#"<recipient-region code="798" vocabulary="1" percentage="100"/>"#;
    let dac = r#"<sector vocabulary="1" code="15190" percentage="100"/>"#;

    // The agreement.
    xml.push_str(&format!(
        r#"<iati-activity hierarchy="1" default-currency="{currency}" last-updated-datetime="{generated}"><iati-identifier>{}</iati-identifier>{reporting}"#,
        escape(&parent_id)
    ));
    xml.push_str(&narrative("title", &format!("{} – {}", a.reference, a.title)));
    xml.push_str(&narrative(
        "description",
        &format!(
            "Secondments of officers between member agencies of the regional cooperation body, funded by {}.",
            a.donor
        ),
    ));
    xml.push_str(&withheld_note(a.committed.withheld + a.spent.withheld));
    xml.push_str(&format!(
        r#"<participating-org role="1" type="10"><narrative>{}</narrative></participating-org>"#,
        escape(&a.donor)
    ));
    xml.push_str(&rso(2));
    xml.push_str(&rso(4));
    xml.push_str(&format!(r#"<activity-status code="{}"/>"#, agreement_status(a.period_start, a.period_end, a.today)));
    xml.push_str(&format!(r#"<activity-date type="1" iso-date="{}"/>"#, a.period_start));
    xml.push_str(&format!(r#"<activity-date type="3" iso-date="{}"/>"#, a.period_end));
    xml.push_str(region);
    xml.push_str(dac);
    xml.push_str(&format!(
        r#"<transaction><transaction-type code="11"/><transaction-date iso-date="{}"/>{}<description><narrative>Funding agreement signed</narrative></description><provider-org><narrative>{}</narrative></provider-org></transaction>"#,
        a.signed,
        value(&a.total, a.signed),
        escape(&a.donor)
    ));
    for (code, verb, published) in [(2, "committed", &a.committed), (4, "spent", &a.spent)] {
        for cell in &published.cells {
            // A quarter not yet over is dated today: a transaction is never dated ahead.
            let date = cell.quarter.last_day().min(a.today);
            xml.push_str(&format!(
                r#"<transaction><transaction-type code="{code}"/><transaction-date iso-date="{date}"/>{}<description><narrative>{} {verb} in {}</narrative></description></transaction>"#,
                value(&cell.amount, date),
                cell.category.label(),
                cell.quarter
            ));
        }
    }
    for p in &a.placements {
        xml.push_str(&format!(
            r#"<related-activity ref="{}" type="2"/>"#,
            escape(&format!("{parent_id}-{}", id_part(&p.key)))
        ));
    }
    xml.push_str("</iati-activity>");

    // Each placement.
    for p in &a.placements {
        let id = format!("{parent_id}-{}", id_part(&p.key));
        xml.push_str(&format!(
            r#"<iati-activity hierarchy="2" default-currency="{currency}" last-updated-datetime="{generated}"><iati-identifier>{}</iati-identifier>{reporting}"#,
            escape(&id)
        ));
        xml.push_str(&narrative("title", &format!("Secondment from {} to {}", p.sending_agency, p.host_agency)));
        xml.push_str(&narrative(
            "description",
            &format!(
                "An officer of {} seconded to {} under agreement {}.",
                p.sending_agency, p.host_agency, a.reference
            ),
        ));
        xml.push_str(&format!(
            r#"<participating-org role="1" type="10"><narrative>{}</narrative></participating-org>"#,
            escape(&a.donor)
        ));
        xml.push_str(&rso(2));
        for agency in [&p.sending_agency, &p.host_agency] {
            xml.push_str(&format!(
                r#"<participating-org role="4" type="10"><narrative>{}</narrative></participating-org>"#,
                escape(agency)
            ));
        }
        xml.push_str(&format!(r#"<activity-status code="{}"/>"#, placement_status(&p.state, p.started)));
        xml.push_str(&format!(r#"<activity-date type="1" iso-date="{}"/>"#, p.planned_start));
        if let Some(start) = p.actual_start {
            xml.push_str(&format!(r#"<activity-date type="2" iso-date="{start}"/>"#));
        }
        xml.push_str(&format!(r#"<activity-date type="3" iso-date="{}"/>"#, p.planned_end));
        if let Some(end) = p.actual_end {
            xml.push_str(&format!(r#"<activity-date type="4" iso-date="{end}"/>"#));
        }
        xml.push_str(region);
        // The DAC code for every placement; the themes as vocabulary 99, whose percentages add
        // up to 100.
        xml.push_str(dac);
        let count = p.themes.len() as u32;
        for (i, (key, name)) in p.themes.iter().enumerate() {
            let share = 100_u32.checked_div(count).unwrap_or(100) + u32::from((i as u32) < 100 % count.max(1));
            xml.push_str(&format!(
                r#"<sector vocabulary="99" code="{}" percentage="{share}"><narrative>{}</narrative></sector>"#,
                escape(key),
                escape(name)
            ));
        }
        xml.push_str(&format!(r#"<related-activity ref="{}" type="1"/>"#, escape(&parent_id)));
        xml.push_str("</iati-activity>");
    }
    xml.push_str("</iati-activities>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::super::disclosure::{publishable, MoneyLine};
    use super::super::rules::Category;
    use super::*;
    use crate::domain::Currency;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn text_is_escaped_and_statuses_map() {
        assert_eq!(escape("A & B <x> \"q\""), "A &amp; B &lt;x&gt; &quot;q&quot;");
        assert_eq!(placement_status("planned", false), 1);
        assert_eq!(placement_status("active", true), 2);
        assert_eq!(placement_status("terminated", false), 5, "cancelled before the start");
        assert_eq!(placement_status("terminated", true), 4);
        assert_eq!(agreement_status(d("2027-01-01"), d("2027-12-31"), d("2026-12-31")), 1);
        assert_eq!(agreement_status(d("2027-01-01"), d("2027-12-31"), d("2027-06-01")), 2);
    }

    #[test]
    fn a_placement_is_a_child_without_names_of_people() {
        let aud = Currency::parse("AUD").unwrap();
        let placement = IatiPlacement {
            key: "abc".into(),
            sending_agency: "Department & Co".into(),
            host_agency: "Host".into(),
            state: "active".into(),
            started: true,
            planned_start: d("2027-01-01"),
            actual_start: Some(d("2027-01-03")),
            planned_end: d("2027-06-30"),
            actual_end: None,
            themes: vec![("t1".into(), "Border".into()), ("t2".into(), "Scams".into()), ("t3".into(), "Sea".into())],
        };
        let spent = |placement: &str, minor: i64| MoneyLine {
            placement: placement.into(),
            date: d("2027-02-10"),
            category: Category::Stipend,
            amount: Money::from_minor(minor, aud),
        };
        let a = IatiAgreement {
            org_id: "XM-DAC-1".into(),
            reference: "AUS 1".into(),
            title: "T".into(),
            donor: "Government of Australia".into(),
            total: Money::from_minor(1_000_000, aud),
            period_start: d("2027-01-01"),
            period_end: d("2027-12-31"),
            signed: d("2026-12-01"),
            today: d("2027-03-01"),
            placements: vec![placement],
            committed: Published::default(),
            spent: publishable(&[spent("abc", 12_000), spent("def", 300), spent("ghi", 45)]).unwrap(),
        };
        let xml = activities(&a, "2027-03-01T00:00:00Z");
        assert!(xml.contains(r#"<iati-identifier>XM-DAC-1-AUS-1-abc</iati-identifier>"#));
        assert!(xml.contains("Department &amp; Co"));
        // The first quarter's stipend, dated today while the quarter runs.
        assert!(xml.contains(r#"<value currency="AUD" value-date="2027-03-01">123.45</value>"#));
        assert!(xml.contains("<narrative>Stipend spent in 2027-Q1</narrative>"));
        assert!(
            xml.contains(r#"percentage="34""#) && xml.matches(r#"percentage="33""#).count() == 2,
            "99: 34 + 33 + 33"
        );
        let child = xml.split(r#"<iati-activity hierarchy="2""#).nth(1).unwrap();
        assert!(!child.contains("<value") && !child.contains("<budget"), "no figure of one placement");
    }

    #[test]
    fn l6_the_file_says_what_it_leaves_out_and_dates_no_sum_ahead() {
        let aud = Currency::parse("AUD").unwrap();
        let line = |placement: &str, date: &str, category: Category| MoneyLine {
            placement: placement.into(),
            date: d(date),
            category,
            amount: Money::from_minor(10_000, aud),
        };
        let committed = publishable(&[
            line("a", "2026-11-02", Category::Stipend),
            line("b", "2026-11-02", Category::Stipend),
            line("c", "2026-12-02", Category::Stipend),
            line("a", "2027-01-02", Category::Stipend),
            line("a", "2026-11-02", Category::Travel),
        ])
        .unwrap();
        let a = IatiAgreement {
            org_id: "XM-DAC-1".into(),
            reference: "AUS-1".into(),
            title: "T".into(),
            donor: "Government of Australia".into(),
            total: Money::from_minor(1_000_000, aud),
            period_start: d("2026-10-01"),
            period_end: d("2027-12-31"),
            signed: d("2026-10-01"),
            today: d("2027-01-15"),
            placements: vec![],
            committed,
            spent: Published::default(),
        };
        let xml = activities(&a, "2027-01-15T00:00:00Z");
        assert!(xml.contains(
            r#"<transaction><transaction-type code="2"/><transaction-date iso-date="2026-12-31"/><value currency="AUD" value-date="2026-12-31">300.00</value><description><narrative>Stipend committed in 2026-Q4</narrative></description></transaction>"#
        ));
        assert_eq!(
            xml.matches(r#"<transaction-type code="2"/>"#).count(),
            1,
            "travel and 2027-Q1 rest on one placement"
        );
        assert!(xml.contains(r#"<description type="4"><narrative>Money is published by calendar quarter"#));
        assert!(xml.contains("fewer than 3 placements is left out") && xml.contains("2 are left out of this file"));
    }
}
