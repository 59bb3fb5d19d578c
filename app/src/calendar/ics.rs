//! An iCalendar (RFC 5545) writer for all-day events: CRLF line ends, lines folded at 75
//! octets (never inside a UTF-8 character), TEXT values escaped, one VEVENT per event with a
//! stable UID so that calendar apps update events rather than add them again. Plain Rust.

use chrono::{DateTime, NaiveDate, Utc};

/// One all-day event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across feeds: the same event always has the same UID.
    pub uid: String,
    pub day: NaiveDate,
    pub summary: String,
    pub description: String,
    pub url: String,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line (RFC 5545 §3.1): at most 75 octets per line, continuation lines
/// starting with a space, each line ended by CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        // The first line holds 75 octets; continuation lines 74 after their leading space.
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// The calendar named `name` with `events`, stamped `now`.
pub fn render(name: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    let mut line = |text: String| out.push_str(&fold(&text));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Regional Support Office//Secondment Hub//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    for event in events {
        let next = event.day.succ_opt().unwrap_or(event.day);
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&event.uid)));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", event.day.format("%Y%m%d")));
        line(format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
        line(format!("SUMMARY:{}", escape(&event.summary)));
        if !event.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&event.description)));
        }
        if !event.url.is_empty() {
            line(format!("URL:{}", event.url));
        }
        line("TRANSP:TRANSPARENT".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a, b; c\\d\nnext\r"), "a\\, b\\; c\\\\d\\nnext");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let long = format!("SUMMARY:{}", "ก".repeat(60)); // Thai: 3 octets each
        let folded = fold(&long);
        assert!(folded.ends_with("\r\n"));
        for line in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(fold("SHORT"), "SHORT\r\n");
    }

    #[test]
    fn an_all_day_event_ends_the_next_day_and_keeps_its_uid() {
        let now = DateTime::parse_from_rfc3339("2027-03-01T08:00:00Z").unwrap().with_timezone(&Utc);
        let event = Event {
            uid: "report-abc@secondment-hub".into(),
            day: NaiveDate::from_ymd_opt(2027, 2, 28).unwrap(),
            summary: "Report due: monthly, March".into(),
            description: String::new(),
            url: "https://hub.example/reports/abc".into(),
        };
        let ics = render("Secondment Hub", std::slice::from_ref(&event), now);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20270228\r\nDTEND;VALUE=DATE:20270301\r\n"));
        assert!(ics.contains("UID:report-abc@secondment-hub\r\n"));
        assert!(ics.contains("DTSTAMP:20270301T080000Z\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
        assert_eq!(ics, render("Secondment Hub", &[event], now), "the same input gives the same feed");
    }
}
