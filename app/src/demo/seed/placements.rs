//! The demo's placements in motion: every state, with the history the scheduler and a
//! coordinator would have left by the demo's today, and the reports of each.

use std::collections::HashMap;

use super::nominations::{create_nomination, officer_email};
use super::reports::seed_reports;
use super::story::Story;
use crate::db::{self, v, Tx};
use crate::error::AppError;

/// A demo placement, with dates as days from the demo's today.
struct DemoPlacement {
    sending: &'static str,
    officer: &'static str,
    /// The officer's work e-mail, when not derived from the name.
    email: Option<&'static str>,
    host: &'static str,
    start: i64,
    end: i64,
    story: Story,
}

/// Together: every state, one extended twice (the demo secondee's), one ended early, one
/// cancelled, one overlapping pair (Hoang Van Nam).
const PLACEMENTS: &[DemoPlacement] = &[
    DemoPlacement {
        sending: "Department of Immigration and Emigration",
        officer: "Dilini Jayasuriya",
        email: Some("secondee@demo.hub"),
        host: "Regional Support Office, Bangkok",
        start: -120,
        end: 30,
        story: Story::Extended(&[90, 150]),
    },
    DemoPlacement {
        sending: "Department of Immigration and Emigration",
        officer: "Kasun Bandara",
        email: None,
        host: "Regional Support Office, Bangkok",
        start: -200,
        end: 60,
        story: Story::EndedEarly(-10),
    },
    DemoPlacement {
        sending: "Directorate General of Immigration",
        officer: "Siti Rahayu",
        email: None,
        host: "Immigration Bureau",
        start: 40,
        end: 220,
        story: Story::Cancelled,
    },
    DemoPlacement {
        sending: "Ministry of Foreign Affairs",
        officer: "Ahmad Faizal",
        email: None,
        host: "Regional Support Office, Bangkok",
        start: -400,
        end: -40,
        story: Story::Completed,
    },
    DemoPlacement {
        sending: "Department of Immigration and Emigration",
        officer: "Chamari Silva",
        email: None,
        host: "Regional Support Office, Bangkok",
        start: 10,
        end: 190,
        story: Story::Planned,
    },
    DemoPlacement {
        sending: "Immigration Bureau",
        officer: "Wanida Chaiyasit",
        email: None,
        host: "Directorate General of Immigration",
        start: -150,
        end: 20,
        story: Story::Active,
    },
    DemoPlacement {
        sending: "Immigration Department, Ministry of Public Security",
        officer: "Hoang Van Nam",
        email: None,
        host: "Regional Support Office, Bangkok",
        start: -60,
        end: 120,
        story: Story::Active,
    },
    DemoPlacement {
        sending: "Immigration Department, Ministry of Public Security",
        officer: "Hoang Van Nam",
        email: None,
        host: "Immigration Bureau",
        start: 90,
        end: 270,
        story: Story::Planned,
    },
];

/// One row of a demo placement's history.
#[derive(Default)]
struct DemoEvent {
    at: Option<chrono::DateTime<chrono::Utc>>,
    kind: &'static str,
    from: &'static str,
    to: &'static str,
    old_end: Option<String>,
    new_end: Option<String>,
    reason: Option<&'static str>,
}

/// The demo's placements in motion, with their history, as the scheduler and a coordinator
/// would have left them by `today`.
pub(super) async fn seed_placements(
    tx: &Tx,
    today: chrono::NaiveDate,
    agencies: &HashMap<&str, String>,
    themes: &[String],
    users: &HashMap<&str, String>,
) -> Result<(), AppError> {
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    for (i, DemoPlacement { sending, officer, email, host, start, end, story }) in PLACEMENTS.iter().enumerate() {
        let email = email.map(str::to_string).unwrap_or_else(|| officer_email(officer));
        let (start, original_end) = (day(*start), day(*end));
        let nomination = create_nomination(
            tx,
            &format!("NOM-2026-PLC{}", i + 1),
            (sending, officer, "Immigration Officer", host, "approved"),
            vec![db::rid("theme", &themes[i % themes.len()])],
            (&start, &original_end),
            &email,
            agencies,
            users,
        )
        .await?;
        let started = !matches!(story, Story::Planned | Story::Cancelled);
        let (state, current_end, early_end, reason) = match story {
            Story::Planned => ("planned", original_end.clone(), None, None),
            Story::Active => ("active", original_end.clone(), None, None),
            Story::Extended(ends) => ("active", day(*ends.last().unwrap_or(end)), None, None),
            Story::EndedEarly(last) => {
                ("terminated", original_end.clone(), Some(day(*last)), Some("Recalled by the sending agency."))
            }
            // A cancellation keeps the planned dates (the placement occupied no days).
            Story::Cancelled => ("terminated", original_end.clone(), None, Some("The officer withdrew before travel.")),
            Story::Completed => ("completed", original_end.clone(), None, None),
        };
        let last_day = early_end.clone().unwrap_or_else(|| current_end.clone());
        let placement = db::rid("placement", &db::new_key());
        let secondee = users.get("secondee").filter(|_| email == "secondee@demo.hub").map(|k| db::rid("user", k));
        let extensions = if let Story::Extended(ends) = story { ends.len() as i64 } else { 0 };
        tx.run(
            "CREATE $placement SET nomination = $nomination, state = $state, officer_name = $officer, officer_email = $email,
                sending_agency = $sending, host_agency = $host, supervisor_name = 'Somchai Wongsa',
                supervisor_email = 'host@demo.hub', start_date = $start, end_date = $current_end, original_end = $original_end,
                actual_start = $actual_start, early_end = $early_end, end_reason = $reason, extensions = $extensions,
                objectives = 'Strengthen information sharing on irregular migration.', themes = [], secondee = $secondee,
                sending_member = $sending.member,
                created_at = $now, updated_at = $now, reminders_from = $start_of_story;",
            vec![
                ("placement", v(placement.clone())),
                ("nomination", v(db::rid("nomination", &nomination))),
                ("state", v(state.to_string())),
                ("officer", v(officer.to_string())),
                ("email", v(email.clone())),
                ("sending", v(db::rid("agency", &agencies[sending]))),
                ("host", v(db::rid("agency", &agencies[host]))),
                ("start", v(start.clone())),
                ("current_end", v(current_end)),
                ("original_end", v(original_end.clone())),
                ("actual_start", v(started.then(|| start.clone()))),
                ("early_end", v(early_end.clone())),
                ("reason", v(reason.map(str::to_string))),
                ("extensions", v(extensions)),
                ("secondee", v(secondee)),
                ("start_of_story", v(day(-400))),
            ],
        )
        .await?;
        // Each event on the day it would have happened, in the morning in Bangkok.
        let at = |offset: i64| (today + chrono::Duration::days(offset)).and_hms_opt(2, 0, 0).map(|t| t.and_utc());
        let starts = PLACEMENTS[i].start;
        let mut events = Vec::new();
        if started {
            events.push(DemoEvent {
                at: at(starts),
                kind: "started",
                from: "planned",
                to: "active",
                ..Default::default()
            });
        }
        match story {
            Story::Extended(ends) => {
                let mut old = original_end.clone();
                for (n, end) in ends.iter().enumerate() {
                    let new = day(*end);
                    events.push(DemoEvent {
                        at: at(starts + 30 * (n as i64 + 1)),
                        kind: "extended",
                        from: "active",
                        to: "active",
                        old_end: Some(old),
                        new_end: Some(new.clone()),
                        reason: Some("The host asked to continue the project work."),
                    });
                    old = new;
                }
            }
            Story::EndedEarly(last) => {
                events.push(DemoEvent {
                    at: at(last - 20),
                    kind: "early_end",
                    from: "active",
                    to: "active",
                    old_end: Some(original_end.clone()),
                    new_end: early_end.clone(),
                    reason,
                });
                events.push(DemoEvent {
                    at: at(last + 1),
                    kind: "ended_early",
                    from: "active",
                    to: "terminated",
                    ..Default::default()
                });
            }
            Story::Cancelled => events.push(DemoEvent {
                at: at(-5),
                kind: "cancelled",
                from: "planned",
                to: "terminated",
                reason,
                ..Default::default()
            }),
            Story::Completed => events.push(DemoEvent {
                at: at(*end + 1),
                kind: "completed",
                from: "active",
                to: "completed",
                ..Default::default()
            }),
            Story::Planned | Story::Active => {}
        }
        for event in events {
            tx.run(
                "CREATE placement_event SET placement = $placement, at = $at ?? $now, actor = NONE,
                    actor_label = 'Secondment Hub (demo data)', kind = $kind, from_state = $from, to_state = $to,
                    old_end = $old_end, new_end = $new_end, reason = $why",
                vec![
                    ("placement", v(placement.clone())),
                    ("at", v(event.at)),
                    ("kind", v(event.kind.to_string())),
                    ("from", v(event.from.to_string())),
                    ("to", v(event.to.to_string())),
                    ("old_end", v(event.old_end)),
                    ("new_end", v(event.new_end)),
                    ("why", v(event.reason.map(str::to_string))),
                ],
            )
            .await?;
        }
        crate::placements::service::recheck_overlaps(tx, &email).await?;
        seed_reports(tx, &placement, story, (&start, &original_end, &last_day), today).await?;
    }
    Ok(())
}
