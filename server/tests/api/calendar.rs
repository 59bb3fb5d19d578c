//! The private calendar feed: valid RFC 5545, stable UIDs, the reader's own dates only, and a
//! link that ends when a new one is made.

use reqwest::StatusCode;

use crate::common::TestApp;

/// Checks `feed` against the parts of RFC 5545 it uses, and returns its events as
/// (UID, DTSTART, SUMMARY).
fn validate(feed: &str) -> Vec<(String, String, String)> {
    assert!(feed.ends_with("\r\n"), "ends with CRLF");
    for line in feed.split("\r\n") {
        assert!(!line.contains('\n') && !line.contains('\r'), "a bare line break in {line:?}");
        assert!(line.len() <= 75, "a line of {} octets: {line:?}", line.len());
    }
    // Unfold (§3.1), then read content lines: name *(";" param) ":" value.
    let unfolded = feed.replace("\r\n ", "").replace("\r\n\t", "");
    let lines: Vec<&str> = unfolded.trim_end_matches("\r\n").split("\r\n").collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    let mut stack: Vec<String> = Vec::new();
    let mut calendar_props: Vec<String> = Vec::new();
    let mut events = Vec::new();
    let mut event: Vec<(String, String, String)> = Vec::new();
    for line in lines {
        let (head, value) = line.split_once(':').unwrap_or_else(|| panic!("no ':' in {line:?}"));
        let mut parts = head.split(';');
        let name = parts.next().unwrap();
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '-'), "property name {name:?}");
        let params: String = parts.collect::<Vec<_>>().join(";");
        match name {
            "BEGIN" => {
                assert!(matches!(value, "VCALENDAR" | "VEVENT"), "component {value}");
                if value == "VEVENT" {
                    assert_eq!(stack, vec!["VCALENDAR"], "events only inside the calendar");
                }
                stack.push(value.to_string());
            }
            "END" => {
                assert_eq!(stack.pop().as_deref(), Some(value), "END:{value} closes what was opened");
                if value == "VEVENT" {
                    let get = |prop: &str| {
                        let found: Vec<_> = event.iter().filter(|(n, _, _)| n == prop).collect();
                        assert_eq!(found.len(), 1, "exactly one {prop} per event: {event:?}");
                        found[0].clone()
                    };
                    let (_, _, uid) = get("UID");
                    let (_, stamp_params, stamp) = get("DTSTAMP");
                    assert!(
                        stamp_params.is_empty()
                            && stamp.len() == 16
                            && stamp.ends_with('Z')
                            && stamp.as_bytes()[8] == b'T'
                    );
                    let (_, start_params, start) = get("DTSTART");
                    let (_, end_params, end) = get("DTEND");
                    assert_eq!((start_params.as_str(), end_params.as_str()), ("VALUE=DATE", "VALUE=DATE"));
                    for date in [&start, &end] {
                        assert!(date.len() == 8 && date.chars().all(|c| c.is_ascii_digit()), "a DATE: {date}");
                    }
                    assert!(end > start, "an all-day event ends after it starts");
                    let (_, _, summary) = get("SUMMARY");
                    events.push((uid, start, summary));
                    event.clear();
                }
            }
            _ if stack.last().map(String::as_str) == Some("VEVENT") => {
                if matches!(name, "SUMMARY" | "DESCRIPTION") {
                    // TEXT: ',' and ';' escaped, '\' only before '\', ';', ',', 'n' or 'N'.
                    let bytes = value.as_bytes();
                    let mut i = 0;
                    while i < bytes.len() {
                        match bytes[i] {
                            b'\\' => {
                                assert!(
                                    matches!(bytes.get(i + 1), Some(b'\\' | b';' | b',' | b'n' | b'N')),
                                    "escape in {value:?}"
                                );
                                i += 2;
                            }
                            b';' | b',' => panic!("unescaped {} in {value:?}", bytes[i] as char),
                            _ => i += 1,
                        }
                    }
                }
                event.push((name.to_string(), params, value.to_string()));
            }
            _ => calendar_props.push(name.to_string()),
        }
    }
    assert!(stack.is_empty());
    for required in ["VERSION", "PRODID"] {
        assert_eq!(calendar_props.iter().filter(|p| *p == required).count(), 1, "one {required}");
    }
    assert!(unfolded.contains("\r\nVERSION:2.0\r\n"));
    let mut uids: Vec<_> = events.iter().map(|e| e.0.clone()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
    events
}

async fn link(app: &TestApp, client: &reqwest::Client) -> String {
    let response = app.post(client, "/api/calendar/link", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let url: String = response.json().await.unwrap();
    url.split_once("/calendar/").map(|(_, path)| format!("/calendar/{path}")).unwrap()
}

async fn feed(app: &TestApp, path: &str) -> reqwest::Response {
    app.client().get(app.url(path)).send().await.unwrap()
}

#[tokio::test]
async fn the_feed_is_valid_icalendar_with_stable_uids_and_the_readers_own_dates() {
    let app = TestApp::start().await;
    let secondee = app.login_as("secondee").await;
    let path = link(&app, &secondee).await;
    let response = feed(&app, &path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().starts_with("text/calendar"));
    let body = response.text().await.unwrap();
    let events = validate(&body);
    assert!(events.iter().any(|e| e.2.starts_with("Placement ends: Dilini Jayasuriya")), "their placement's end");
    assert!(events.iter().any(|e| e.2.starts_with("Report due: Secondee monthly report")), "their reports");
    assert!(!events.iter().any(|e| e.2.contains("Supervisor quarterly")), "not the host's assessments");
    assert!(!body.contains("Kasun Bandara"), "no one else's placement");
    // The same feed again: the same UIDs.
    let again = validate(&feed(&app, &path).await.text().await.unwrap());
    assert_eq!(events.iter().map(|e| &e.0).collect::<Vec<_>>(), again.iter().map(|e| &e.0).collect::<Vec<_>>());

    // A coordinator's feed holds every open placement's dates and validates as well.
    let coordinator = app.login_as("coordinator").await;
    let all = validate(&feed(&app, &link(&app, &coordinator).await).await.text().await.unwrap());
    assert!(all.len() > events.len());
}

#[tokio::test]
async fn a_new_link_ends_the_old_one_and_a_forged_link_is_not_found() {
    let app = TestApp::start().await;
    let host = app.login_as("host").await;
    let old = link(&app, &host).await;
    assert_eq!(feed(&app, &old).await.status(), StatusCode::OK);
    assert_eq!(app.post(&host, "/api/calendar/renew", &[]).await.status(), StatusCode::OK);
    assert_eq!(feed(&app, &old).await.status(), StatusCode::NOT_FOUND, "the old link ends");
    let new = link(&app, &host).await;
    assert_ne!(new, old);
    assert_eq!(feed(&app, &new).await.status(), StatusCode::OK);
    // Another user's key with this signature, or a changed signature: not found.
    let (prefix, tag) = new.trim_end_matches(".ics").rsplit_once('.').unwrap();
    let flipped = format!("{prefix}.{}{}.ics", if tag.starts_with('0') { "1" } else { "0" }, &tag[1..]);
    assert_eq!(feed(&app, &flipped).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(feed(&app, "/calendar/nothing.ics").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_nominators_feed_has_the_closing_days_of_the_open_calls_they_may_answer() {
    let app = TestApp::start().await;
    let nominator = app.login_as("nominator").await;
    let path = link(&app, &nominator).await;
    let events = validate(&feed(&app, &path).await.text().await.unwrap());
    let calls: Vec<&str> = events.iter().map(|e| e.2.as_str()).filter(|s| s.starts_with("Call closes: ")).collect();
    assert_eq!(calls.len(), 2, "the two open demo calls: {calls:?}");
    assert!(calls.iter().any(|c| c.starts_with("Call closes: Document examination desk")), "{calls:?}");
    assert!(!calls.iter().any(|c| c.contains("Information sharing officers")), "not the closed one");
    let secondee = app.login_as("secondee").await;
    let path = link(&app, &secondee).await;
    let events = validate(&feed(&app, &path).await.text().await.unwrap());
    assert!(!events.iter().any(|e| e.2.starts_with("Call closes")), "a secondee answers no call");
}
