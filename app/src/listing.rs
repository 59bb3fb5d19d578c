//! Filtering, sorting and paging of lists, and CSV export. Plain rules: the database query is
//! built from whitelisted parts only (see each area's `SORTS`), never from user text.

use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 25;

/// A list request as it arrives in the URL: `?q=…&sort=…&dir=…&page=…` plus named filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub sort: String,
    pub dir: String,
    /// Text, like every form field: typed fields do not survive serde's `flatten`.
    pub page: String,
    pub kind: String,
    pub member: String,
    pub role: String,
    pub status: String,
    pub table: String,
    pub key: String,
    /// Agency filters of the nomination queue: the sending agency, the host agency, a theme.
    pub agency: String,
    pub host: String,
    pub theme: String,
    /// Dates (YYYY-MM-DD) bounding a list by time, both included.
    pub from: String,
    pub to: String,
    /// Where the page starts in the list's order: a [`Position`] as text. Pages after the first
    /// carry one, so a deep page reads from an index position instead of skipping rows.
    pub at: String,
    /// Where the page before this one starts, as a "next" link knows it: the page then links
    /// back without reading backwards to find it. Only ever used to make that link.
    pub back: String,
}

impl ListQuery {
    /// Reads a query from URL parameters; unknown or malformed values fall back to defaults.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = ListQuery::default();
        for (k, v) in pairs {
            let v = v.chars().take(100).collect::<String>();
            match k {
                "q" => q.q = v,
                "sort" => q.sort = v,
                "dir" => q.dir = v,
                "page" => q.page = v,
                "kind" => q.kind = v,
                "member" => q.member = v,
                "role" => q.role = v,
                "status" => q.status = v,
                "table" => q.table = v,
                "key" => q.key = v,
                "agency" => q.agency = v,
                "host" => q.host = v,
                "theme" => q.theme = v,
                "from" => q.from = v,
                "to" => q.to = v,
                "at" => q.at = v,
                "back" => q.back = v,
                _ => {}
            }
        }
        q
    }

    /// Reads a query through a lookup of URL parameters (the router's query map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let keys = [
            "q", "sort", "dir", "page", "kind", "member", "role", "status", "table", "key", "agency", "host", "theme",
            "from", "to", "at", "back",
        ];
        let found: Vec<(&str, String)> = keys.iter().filter_map(|k| get(k).map(|v| (*k, v))).collect();
        Self::from_pairs(found.iter().map(|(k, v)| (*k, v.as_str())))
    }

    pub fn get(&self, name: &str) -> &str {
        match name {
            "kind" => &self.kind,
            "member" => &self.member,
            "role" => &self.role,
            "status" => &self.status,
            "table" => &self.table,
            "key" => &self.key,
            "agency" => &self.agency,
            "host" => &self.host,
            "theme" => &self.theme,
            "from" => &self.from,
            "to" => &self.to,
            _ => "",
        }
    }

    pub fn desc(&self) -> bool {
        self.dir == "desc"
    }

    /// The page number; anything that is not one counts as the first page.
    pub fn page(&self) -> u32 {
        self.page.trim().parse::<u32>().unwrap_or(1).clamp(1, 100_000)
    }

    /// Refuses a page number that is not a number (lists never link to one), and dates that
    /// are not dates, with a message at the date field.
    pub fn check(&self) -> Result<(), crate::error::AppError> {
        let page = self.page.trim();
        if !(page.is_empty() || page.parse::<u32>().is_ok_and(|n| (1..=100_000).contains(&n))) {
            return Err(crate::error::AppError::BadRequest);
        }
        for (field, value) in [("from", &self.from), ("to", &self.to)] {
            if !value.trim().is_empty() && parse_date(value).is_none() {
                return Err(crate::error::AppError::field(field, "Use a date like 2026-11-28."));
            }
        }
        Ok(())
    }

    /// The `from` and `to` dates as dates (after [`ListQuery::check`], a date given is valid).
    pub fn date_range(&self) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
        (parse_date(&self.from), parse_date(&self.to))
    }

    /// The start of the `from` day and the end of the `to` day, in UTC.
    pub fn date_bounds(&self) -> (Option<chrono::DateTime<chrono::Utc>>, Option<chrono::DateTime<chrono::Utc>>) {
        let (from, to) = self.date_range();
        let start = from.and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc());
        let end = to.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc());
        (start, end)
    }

    /// The search text, trimmed and lower-cased for case-insensitive matching.
    pub fn needle(&self) -> String {
        self.q.trim().to_lowercase()
    }

    pub fn with_sort(&self, key: &str, desc: bool) -> Self {
        ListQuery {
            sort: key.to_string(),
            dir: if desc { "desc" } else { "asc" }.into(),
            page: String::new(),
            at: String::new(),
            back: String::new(),
            ..self.clone()
        }
    }

    /// This query on another page; a sort or filter change goes back to the first page.
    pub fn with_page(&self, page: u32) -> Self {
        ListQuery { page: page.to_string(), at: String::new(), back: String::new(), ..self.clone() }
    }

    /// This query on the page that a pager link names.
    pub fn with_link(&self, link: &PageLink) -> Self {
        ListQuery { page: link.page.to_string(), at: link.at.clone(), back: link.back.clone(), ..self.clone() }
    }

    /// The whitelisted field for `sort` (or the first one), and whether it runs newest first.
    pub fn sort_field(&self, sorts: &[(&str, &'static str)]) -> (&'static str, bool) {
        let expr = sorts.iter().find(|(k, _)| *k == self.sort).or(sorts.first()).map(|(_, e)| *e).unwrap_or("id");
        (expr, self.desc())
    }

    /// The `ORDER BY` clause: the whitelisted expression for `sort`, or the first one.
    pub fn order_by(&self, sorts: &[(&str, &'static str)]) -> String {
        let (expr, desc) = self.sort_field(sorts);
        format!("{expr} {}", if desc { "DESC" } else { "ASC" })
    }

    /// A link to `base` with this query.
    pub fn href(&self, base: &str) -> String {
        let mut parts = Vec::new();
        let mut push = |k: &str, v: &str| {
            if !v.is_empty() {
                parts.push(format!("{k}={}", encode(v)));
            }
        };
        push("q", &self.q);
        push("kind", &self.kind);
        push("member", &self.member);
        push("role", &self.role);
        push("status", &self.status);
        push("table", &self.table);
        push("key", &self.key);
        push("agency", &self.agency);
        push("host", &self.host);
        push("theme", &self.theme);
        push("from", &self.from);
        push("to", &self.to);
        push("sort", &self.sort);
        push("dir", &self.dir);
        if self.page() > 1 {
            parts.push(format!("page={}", self.page()));
            if !self.at.is_empty() {
                parts.push(format!("at={}", encode(&self.at)));
                if !self.back.is_empty() {
                    parts.push(format!("back={}", encode(&self.back)));
                }
            }
        }
        if parts.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", parts.join("&"))
        }
    }
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A calendar date as typed in a filter (`YYYY-MM-DD`), or `None`.
pub fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    crate::domain::parse_date(text).ok()
}

/// Lists count their rows up to this many; beyond it a list says "more than 1,000". Counting
/// every row of a ten-year table on each page would cost more than the page itself.
pub const COUNT_CAP: u64 = 1_000;

/// A pager link: the page number shown and, after the first page, where that page starts; a
/// "next" link also says where the page before it starts (see [`ListQuery::back`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLink {
    pub page: u32,
    pub at: String,
    pub back: String,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The rows matching the filters, counted up to [`COUNT_CAP`] (see `capped`).
    pub total: u64,
    /// More rows match than `total` says.
    pub capped: bool,
    pub page: u32,
    pub per_page: u32,
    pub prev: Option<PageLink>,
    pub next: Option<PageLink>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            capped: self.capped,
            page: self.page,
            per_page: self.per_page,
            prev: self.prev,
            next: self.next,
        }
    }

    /// Like [`Page::map`], for conversions that can fail (a stored value that no longer parses).
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, E>>()?,
            total: self.total,
            capped: self.capped,
            page: self.page,
            per_page: self.per_page,
            prev: self.prev,
            next: self.next,
        })
    }

    /// The pages the count covers (at least one).
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(self.per_page.max(1) as u64)).max(1) as u32
    }

    /// What the pager says: "1,000+ records · page 3" or "51 records · page 1 of 3".
    pub fn summary(&self) -> String {
        let records = if self.total == 1 { "record" } else { "records" };
        if self.capped {
            format!("more than {} {records} · page {}", thousands(self.total), self.page)
        } else {
            format!("{} {records} · page {} of {}", thousands(self.total), self.page, self.pages().max(self.page))
        }
    }
}

/// A count with thousands separators: 12,345.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Where a page starts in a list's order: the sort value of its first row, and how many rows
/// with that same value come before it (sort values can repeat: many reports share a due date).
/// Read from the `at` parameter; one that does not parse means the first page.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub key: SortKey,
    pub skip: u32,
}

/// A sort value as it travels in a link.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Text(String),
    Time(chrono::DateTime<chrono::Utc>),
    Int(i64),
}

impl Position {
    /// `t<rfc3339>~<skip>`, `s<text>~<skip>` or `i<number>~<skip>`.
    pub fn encode(&self) -> String {
        let key = match &self.key {
            SortKey::Text(text) => format!("s{text}"),
            SortKey::Time(at) => format!("t{}", at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            SortKey::Int(n) => format!("i{n}"),
        };
        format!("{key}~{}", self.skip)
    }

    pub fn parse(text: &str) -> Option<Position> {
        let (key, skip) = text.rsplit_once('~')?;
        let skip = skip.parse::<u32>().ok()?;
        let mut chars = key.chars();
        let kind = chars.next()?;
        let value = chars.as_str();
        let key = match kind {
            's' => SortKey::Text(value.to_string()),
            't' => SortKey::Time(chrono::DateTime::parse_from_rfc3339(value).ok()?.with_timezone(&chrono::Utc)),
            'i' => SortKey::Int(value.parse().ok()?),
            _ => return None,
        };
        Some(Position { key, skip })
    }
}

/// One CSV field: quoted when needed, and defused when a spreadsheet would read it as a
/// formula (a leading `=`, `+`, `-`, `@`, tab or CR).
pub fn csv_field(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A whole CSV document with a header row, lines ended by CRLF (RFC 4180).
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = header.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_by_uses_only_whitelisted_expressions() {
        let sorts = [("name", "name_key"), ("member", "member_name")];
        let mut q = ListQuery { sort: "member".into(), dir: "desc".into(), ..Default::default() };
        assert_eq!(q.order_by(&sorts), "member_name DESC");
        q.sort = "name; REMOVE TABLE user".into();
        q.dir = "sideways".into();
        assert_eq!(q.order_by(&sorts), "name_key ASC");
    }

    #[test]
    fn links_keep_filters_and_encode_text() {
        let q = ListQuery { q: "a&b c".into(), kind: "state".into(), page: "3".into(), ..Default::default() };
        assert_eq!(q.href("/admin/members"), "/admin/members?q=a%26b+c&kind=state&page=3");
        assert_eq!(q.with_sort("name", true).href("/x"), "/x?q=a%26b+c&kind=state&sort=name&dir=desc");
    }

    #[test]
    fn parsing_ignores_junk_and_caps_length() {
        let long = "x".repeat(500);
        let q = ListQuery::from_pairs([("page", "-4"), ("q", long.as_str()), ("nope", "1")]);
        assert_eq!(q.page(), 1);
        assert!(q.check().is_err(), "a page that is not a number is refused by the API");
        assert_eq!(q.q.len(), 100);
        assert!(ListQuery::from_pairs([("page", "7")]).check().is_ok());
        assert!(ListQuery::default().check().is_ok());
    }

    #[test]
    fn date_filters() {
        let q = ListQuery { from: "2026-11-01".into(), to: "2026-11-30".into(), ..Default::default() };
        assert!(q.check().is_ok());
        let (start, end) = q.date_bounds();
        assert_eq!(start.unwrap().to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert_eq!(end.unwrap().to_rfc3339(), "2026-12-01T00:00:00+00:00", "the whole last day is included");
        let bad = ListQuery { from: "01/11/2026".into(), ..Default::default() };
        assert_eq!(bad.check().unwrap_err().field_errors()[0].field, "from");
    }

    fn page(total: u64, capped: bool, page: u32) -> Page<u8> {
        Page { items: vec![], total, capped, page, per_page: 25, prev: None, next: None }
    }

    #[test]
    fn page_count() {
        assert_eq!(page(51, false, 1).pages(), 3);
        assert_eq!(page(0, false, 1).pages(), 1);
        assert_eq!(page(51, false, 2).summary(), "51 records · page 2 of 3");
        assert_eq!(page(1000, true, 7).summary(), "more than 1,000 records · page 7");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn positions_travel_as_text() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T08:30:01.123456789Z").unwrap().to_utc();
        for key in [SortKey::Time(at), SortKey::Text("2026-03-01~x".into()), SortKey::Int(-4)] {
            let position = Position { key, skip: 3 };
            assert_eq!(Position::parse(&position.encode()), Some(position));
        }
        for junk in ["", "s", "x12~1", "t2026-02-30T00:00:00Z~0", "snothing~-1", "i1.5~0"] {
            assert_eq!(Position::parse(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_new_sort_or_page_number_drops_the_position() {
        let q = ListQuery {
            at: "s2026-01-01~0".into(),
            back: "s2025-12-01~2".into(),
            page: "4".into(),
            ..Default::default()
        };
        assert!(q.href("/l").contains("at=s2026-01-01~0&back=s2025-12-01~2"));
        let resorted = q.with_sort("due", false);
        assert!(resorted.at.is_empty() && resorted.back.is_empty());
        let renumbered = q.with_page(1);
        assert!(renumbered.at.is_empty() && renumbered.back.is_empty());
        let link = PageLink { page: 5, at: "i3~1".into(), back: String::new() };
        assert_eq!(q.with_link(&link).href("/l"), "/l?page=5&at=i3~1");
        let next = PageLink { page: 5, at: "i3~1".into(), back: "i9~0".into() };
        let followed = q.with_link(&next);
        assert_eq!(followed.href("/l"), "/l?page=5&at=i3~1&back=i9~0");
        assert_eq!(ListQuery::from_pairs([("page", "5"), ("at", "i3~1"), ("back", "i9~0")]).back, "i9~0");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv(&["a", "b"], [vec!["1".into(), "2".into()]]), "a,b\r\n1,2\r\n");
    }
}
