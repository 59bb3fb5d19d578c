//! Demo data for a first look (`HUB_DEMO=1`), written only into an empty database.

use crate::audit::{self, Actor};
use crate::auth::password;
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::state::AppState;

pub const DEMO_PASSWORD: &str = "demo-password-1";

/// The demo logins, one per role: (e-mail, role).
pub const DEMO_LOGINS: [(&str, &str); 6] = [
    ("admin@demo.hub", "admin"),
    ("coordinator@demo.hub", "coordinator"),
    ("nominator@demo.hub", "nominator"),
    ("host@demo.hub", "host"),
    ("secondee@demo.hub", "secondee"),
    ("donor@demo.hub", "donor"),
];

const MEMBERS: &[(&str, &str, Option<&str>)] = &[
    ("Australia", "state", Some("AUS")),
    ("Bangladesh", "state", Some("BGD")),
    ("Indonesia", "state", Some("IDN")),
    ("Malaysia", "state", Some("MYS")),
    ("Maldives", "state", Some("MDV")),
    ("New Zealand", "state", Some("NZL")),
    ("Sri Lanka", "state", Some("LKA")),
    ("Thailand", "state", Some("THA")),
    ("Timor-Leste", "state", Some("TLS")),
    ("Viet Nam", "state", Some("VNM")),
    ("International Organization for Migration (IOM)", "organisation", None),
    ("UNHCR", "organisation", None),
    ("UNODC", "organisation", None),
    ("Regional Support Office", "organisation", None),
];

/// (member, agency, sends, hosts, contact name, contact e-mail, language)
const AGENCIES: &[(&str, &str, bool, bool, &str, &str, &str)] = &[
    (
        "Sri Lanka",
        "Department of Immigration and Emigration",
        true,
        false,
        "Nimal Perera",
        "secondments@immigration.lk.example",
        "si",
    ),
    (
        "Indonesia",
        "Directorate General of Immigration",
        true,
        true,
        "Siti Rahayu",
        "kerjasama@imigrasi.id.example",
        "id",
    ),
    ("Thailand", "Immigration Bureau", true, true, "Somchai Wongsa", "foreign.affairs@immigration.th.example", "th"),
    (
        "Australia",
        "Department of Foreign Affairs and Trade",
        true,
        false,
        "Emma Clarke",
        "regional.programs@dfat.au.example",
        "en",
    ),
    ("Malaysia", "Ministry of Foreign Affairs", true, false, "Aisyah Rahman", "secondment@kln.my.example", "ms"),
    (
        "Viet Nam",
        "Immigration Department, Ministry of Public Security",
        true,
        false,
        "Nguyen Van An",
        "hoptac@xuatnhapcanh.vn.example",
        "vi",
    ),
    (
        "Regional Support Office",
        "Regional Support Office, Bangkok",
        false,
        true,
        "RSO Programme Team",
        "programme@rso.example",
        "en",
    ),
];

const DONORS: &[(&str, Option<&str>)] =
    &[("Government of Australia", Some("AUS")), ("Government of New Zealand", Some("NZL"))];

const THEMES: &[&str] = &[
    "Law enforcement",
    "Border management",
    "Stakeholder engagement",
    "Information sharing",
    "Public information campaigns",
    "Victim protection",
    "Migration management",
    "Trafficking in persons into online scams",
    "Irregular maritime movement",
    "Aviation people smuggling",
];

/// (sending agency, officer, position, host agency, state, theme indexes, start, end)
type DemoNomination = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [usize],
    &'static str,
    &'static str,
);

const NOMINATIONS: &[DemoNomination] = &[
    (
        "Department of Immigration and Emigration",
        "Kumari Silva",
        "Immigration Officer",
        "Regional Support Office, Bangkok",
        "draft",
        &[3, 9],
        "2027-03-01",
        "2027-09-01",
    ),
    (
        "Directorate General of Immigration",
        "Agus Santoso",
        "Senior Analyst, Intelligence Division",
        "Regional Support Office, Bangkok",
        "submitted",
        &[3, 7],
        "2027-02-01",
        "2027-12-01",
    ),
    (
        "Immigration Department, Ministry of Public Security",
        "Tran Thi Mai",
        "Deputy Head of Section",
        "Immigration Bureau",
        "under_review",
        &[1, 6],
        "2027-04-01",
        "2027-10-01",
    ),
    (
        "Department of Immigration and Emigration",
        "Ruwan Fernando",
        "Assistant Controller",
        "Regional Support Office, Bangkok",
        "changes_requested",
        &[9, 3],
        "2027-05-01",
        "2028-05-01",
    ),
    (
        "Ministry of Foreign Affairs",
        "Nurul Huda",
        "Principal Assistant Secretary",
        "Regional Support Office, Bangkok",
        "approved",
        &[2, 4],
        "2027-01-15",
        "2027-07-15",
    ),
    (
        "Department of Foreign Affairs and Trade",
        "Liam O'Brien",
        "Policy Officer",
        "Immigration Bureau",
        "rejected",
        &[0],
        "2027-02-15",
        "2027-05-15",
    ),
    (
        "Immigration Bureau",
        "Preecha Suwan",
        "Police Major",
        "Directorate General of Immigration",
        "withdrawn",
        &[8],
        "2027-06-01",
        "2027-12-01",
    ),
];

/// The officer's nationality (ISO 3166-1 alpha-2) and languages (ISO 639-1) by sending agency.
fn officer_of(agency: &str) -> (&'static str, Vec<&'static str>) {
    match agency {
        "Department of Immigration and Emigration" => ("LK", vec!["si", "ta", "en"]),
        "Directorate General of Immigration" => ("ID", vec!["id", "en"]),
        "Immigration Department, Ministry of Public Security" => ("VN", vec!["vi", "en"]),
        "Ministry of Foreign Affairs" => ("MY", vec!["ms", "en"]),
        "Department of Foreign Affairs and Trade" => ("AU", vec!["en"]),
        _ => ("TH", vec!["th", "en"]),
    }
}

/// One demo nomination and its history up to `state`; returns its key and the officer's e-mail.
#[allow(clippy::too_many_arguments)]
async fn create_nomination(
    tx: &Tx,
    reference: &str,
    (sending, officer, position, host, state): (&str, &str, &str, &str, &str),
    themes: Vec<surrealdb::types::RecordId>,
    (start, end): (&str, &str),
    email: &str,
    agencies: &std::collections::HashMap<&str, String>,
    users: &std::collections::HashMap<&str, String>,
) -> Result<String, AppError> {
    let key = db::new_key();
    tx.run(
        "CREATE $id SET reference = $reference, state = $state, sending_agency = $sending, host_agency = $host,
            officer_name = $officer, position = $position, work_email = $email, nationality = $nationality,
            languages = $languages, expertise = 'Border and migration management', themes = $themes,
            start_date = $start, end_date = $end,
            objectives = 'Strengthen information sharing on irregular migration between the sending agency and the host.',
            justification = 'Builds on the regional strategy and the current priorities of the agency.',
            created_by = $nominator, created_at = $now, updated_at = $now,
            submitted_at = IF $state = 'draft' THEN NONE ELSE $now END;
         IF $state != 'draft' {
            CREATE nomination_event SET nomination = $id, at = $now, actor = $nominator, actor_label = 'Demo nominator',
                kind = 'submit', from_state = 'draft', to_state = 'submitted';
         };
         IF $state NOT IN ['draft', 'submitted', 'withdrawn'] {
            CREATE nomination_event SET nomination = $id, at = $now + 1s, actor = $coordinator, actor_label = 'Kanya Srisuk (RSO coordinator)',
                kind = IF $state = 'under_review' THEN 'start_review' ELSE $state END, from_state = 'submitted', to_state = $state,
                message = IF $state IN ['changes_requested', 'rejected'] THEN 'Please add the endorsement letter from the head of agency.' ELSE NONE END;
         };",
        vec![
            ("id", v(db::rid("nomination", &key))),
            ("reference", v(reference.to_string())),
            ("state", v(state.to_string())),
            ("sending", v(db::rid("agency", &agencies[sending]))),
            ("host", v(db::rid("agency", &agencies[host]))),
            ("officer", v(officer.to_string())),
            ("position", v(position.to_string())),
            ("email", v(email.to_string())),
            ("nationality", v(officer_of(sending).0.to_string())),
            ("languages", v(officer_of(sending).1.iter().map(|c| c.to_string()).collect::<Vec<_>>())),
            ("themes", v(themes)),
            ("start", v(start.to_string())),
            ("end", v(end.to_string())),
            ("nominator", v(db::rid("user", &users["nominator"]))),
            ("coordinator", v(db::rid("user", &users["coordinator"]))),
        ],
    )
    .await?;
    db::tally::moved(tx, "nomination", &agencies[sending], None, state).await?;
    Ok(key)
}

fn officer_email(officer: &str) -> String {
    format!("{}@officer.example", officer.to_lowercase().replace([' ', '\''], "."))
}

async fn seed_nominations(
    tx: &Tx,
    agencies: &std::collections::HashMap<&str, String>,
    themes: &[String],
    users: &std::collections::HashMap<&str, String>,
) -> Result<(), AppError> {
    for (i, (sending, officer, position, host, state, theme_idx, start, end)) in NOMINATIONS.iter().enumerate() {
        let email = officer_email(officer);
        let theme_ids = theme_idx.iter().map(|t| db::rid("theme", &themes[*t])).collect::<Vec<_>>();
        let key = create_nomination(
            tx,
            &format!("NOM-2026-DEMO{}", i + 1),
            (sending, officer, position, host, state),
            theme_ids,
            (start, end),
            &email,
            agencies,
            users,
        )
        .await?;
        if *state == "approved" {
            tx.run(
                "CREATE placement SET nomination = $id, state = 'planned', officer_name = $officer, officer_email = $email,
                    sending_agency = $sending, host_agency = $host, supervisor_name = 'RSO Programme Manager',
                    supervisor_email = 'programme@rso.example', start_date = $start, end_date = $end, original_end = $end,
                    objectives = 'Strengthen information sharing on irregular migration.', themes = [], created_at = $now,
                    sending_member = $sending.member",
                vec![
                    ("id", v(db::rid("nomination", &key))),
                    ("officer", v(officer.to_string())),
                    ("email", v(email)),
                    ("sending", v(db::rid("agency", &agencies[sending]))),
                    ("host", v(db::rid("agency", &agencies[host]))),
                    ("start", v(start.to_string())),
                    ("end", v(end.to_string())),
                ],
            )
            .await?;
        }
    }
    Ok(())
}

/// What happened to a demo placement, relative to the demo's today (days).
enum Story {
    /// Starts in the future.
    Planned,
    /// Started, still running.
    Active,
    /// Started and extended to these ends, in order.
    Extended(&'static [i64]),
    /// Started and ended early on this day.
    EndedEarly(i64),
    /// Cancelled before its start.
    Cancelled,
    /// Ran its whole period.
    Completed,
}

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
async fn seed_placements(
    tx: &Tx,
    today: chrono::NaiveDate,
    agencies: &std::collections::HashMap<&str, String>,
    themes: &[String],
    users: &std::collections::HashMap<&str, String>,
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

/// The reports of a demo placement: planned as approval plans them (and re-planned as its
/// early end or cancellation did), then, of those already due, all but the last two accepted
/// (every other one shared with the donor), the next-to-last submitted and waiting for review,
/// and the last still owed, overdue. The demo secondee's second-to-last monthly report was
/// returned instead.
async fn seed_reports(
    tx: &Tx,
    placement: &surrealdb::types::RecordId,
    story: &Story,
    (start, original_end, last_day): (&str, &str, &str),
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    use crate::domain::{parse_date, Period};
    use crate::reports::planning;
    let period = |from: &str, to: &str| {
        let (from, to) = (parse_date(from), parse_date(to));
        from.and_then(|from| to.and_then(|to| Period::new(from, to))).map_err(|e| AppError::internal("demo period", e))
    };
    let planned = period(start, original_end)?;
    planning::attach_defaults(tx, placement, planned, today).await?;
    if matches!(story, Story::Cancelled) {
        planning::replan(tx, placement, planned, true, today).await?;
        return Ok(());
    }
    if last_day != original_end {
        planning::replan(tx, placement, period(start, last_day)?, false, today).await?;
    }
    for kind in ["secondee_monthly", "supervisor_quarterly", "end_of_placement"] {
        let mut r = tx
            .run(
                "SELECT VALUE id FROM report WHERE placement = $p AND kind = $kind AND state = 'due' ORDER BY due_date",
                vec![("p", v(placement.clone())), ("kind", v(kind))],
            )
            .await?;
        let due: Vec<surrealdb::types::RecordId> = r.take(0).map_err(db::fail("demo reports decode"))?;
        let returned = matches!(story, Story::Extended(_)) && kind == "secondee_monthly";
        settle_demo_reports(tx, due, story, returned, today).await?;
    }
    Ok(())
}

/// Of one cycle's reports already due: all but the last two accepted (every other one shared),
/// the next-to-last submitted (or `returned`), the last left owed; one waived in a completed
/// placement.
async fn settle_demo_reports(
    tx: &Tx,
    due: Vec<surrealdb::types::RecordId>,
    story: &Story,
    returned: bool,
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    let total = due.len();
    for (i, id) in due.into_iter().enumerate() {
        let (state, shared) = match total - i {
            1 => continue,
            // One report waived: covered by the placement's final report.
            3 if matches!(story, Story::Completed) => {
                tx.run(
                    "UPDATE $id SET state = 'waived', reason = 'Covered by the end-of-placement report.', updated_at = $now;
                     CREATE report_event SET report = $id, at = $now, actor = NONE, actor_label = 'Secondment Hub (demo data)',
                        kind = 'waive', from_state = 'due', to_state = 'waived', note = 'Covered by the end-of-placement report.';",
                    vec![("id", v(id))],
                )
                .await?;
                continue;
            }
            2 if returned => ("returned", false),
            2 => ("submitted", false),
            _ => ("accepted", i % 2 == 0),
        };
        tx.run(
            "LET $themes = $id.placement.nomination.themes ?? [];
             UPDATE $id SET state = $state, version = 1, shared_with_donor = $shared, activities = $activities, themes = $themes,
                outcomes = $outcomes, challenges = $challenges, next_steps = $next_steps, submitted_at = $now, accepted_at = IF $state = 'accepted' THEN $now ELSE NONE END,
                resubmit_by = IF $state = 'returned' THEN $resubmit_by ELSE NONE END, updated_at = $now;
             CREATE report_version SET report = $id, version = 1, at = $now, author = NONE,
                author_label = 'Demo author', activities = $activities, outcomes = $outcomes,
                challenges = $challenges, next_steps = $next_steps, themes = $themes;
             CREATE report_event SET report = $id, at = $now, actor = NONE, actor_label = 'Secondment Hub (demo data)',
                kind = $state, from_state = 'due', to_state = $state,
                note = IF $state = 'returned' THEN 'Please add the figures for the joint operations.' ELSE NONE END;",
            vec![
                ("id", v(id)),
                ("state", v(state.to_string())),
                ("shared", v(shared)),
                ("resubmit_by", v((today + chrono::Duration::days(7)).to_string())),
                ("activities", v("Joined the host's daily case reviews and the regional information-sharing meeting.")),
                ("outcomes", v("Two joint operations were planned with the host; the referral guide was translated.")),
                ("challenges", v("Access to the case database took three weeks.")),
                ("next_steps", v("Draft the standard operating procedure with the host team.")),
            ],
        )
        .await?;
    }
    Ok(())
}

/// The demo's funding: Australia's agreement in AUD, past 80 % used (its alert sent), and New
/// Zealand's in NZD, with commitments to the demo placements.
async fn seed_funding(tx: &Tx, today: chrono::NaiveDate, donors: &[String]) -> Result<(), AppError> {
    let year = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    // (donor index, reference, title, currency, total in minor units)
    let agreements: [(usize, &str, &str, &str, i64); 2] = [
        (0, "AUS-2026-01", "Border cooperation secondments 2026–2028", "AUD", 25_000_000),
        (1, "NZL-2026-03", "Information sharing in the Pacific and Asia", "NZD", 12_000_000),
    ];
    // (agreement index, officer, category, amount in minor units)
    let commitments: [(usize, &str, &str, i64); 7] = [
        (0, "Dilini Jayasuriya", "stipend", 6_000_000),
        (0, "Dilini Jayasuriya", "travel", 500_000),
        (0, "Hoang Van Nam", "stipend", 4_800_000),
        (0, "Chamari Silva", "stipend", 5_000_000),
        (0, "Chamari Silva", "accommodation", 4_000_000),
        (1, "Wanida Chaiyasit", "stipend", 3_000_000),
        (1, "Wanida Chaiyasit", "training", 450_000),
    ];
    let mut ids = Vec::new();
    for (donor, reference, title, currency, total) in agreements {
        let id = db::rid("funding_agreement", &db::new_key());
        tx.run(
            "CREATE $id SET donor = $donor, reference = $reference, reference_key = string::lowercase($reference),
                title = $title, currency = $currency, total_minor = $total, period_start = $start, period_end = $end,
                notes = '', created_at = $now, updated_at = $now",
            vec![
                ("id", v(id.clone())),
                ("donor", v(db::rid("donor", &donors[donor]))),
                ("reference", v(reference)),
                ("title", v(title)),
                ("currency", v(currency)),
                ("total", v(total)),
                ("start", v(year(-300))),
                ("end", v(year(430))),
            ],
        )
        .await?;
        ids.push(id);
    }
    for (agreement, officer, category, amount) in commitments {
        tx.run(
            "CREATE commitment SET agreement = $agreement, category = $category, amount_minor = $amount, created_at = $now,
                placement = (SELECT VALUE id FROM placement WHERE officer_name = $officer AND state IN ['planned', 'active'] LIMIT 1)[0]",
            vec![
                ("agreement", v(ids[agreement].clone())),
                ("officer", v(officer)),
                ("category", v(category)),
                ("amount", v(amount)),
            ],
        )
        .await?;
    }
    // Rates and what was spent: a stipend paid in AUD, travel paid in THB at the table's rate.
    tx.run(
        "CREATE exchange_rate SET date = $early, from = 'THB', to = 'AUD', rate = '0.0431', source = 'Reserve Bank of Australia, daily', created_at = $now;
         CREATE exchange_rate SET date = $late, from = 'THB', to = 'AUD', rate = '0.0425', source = 'Reserve Bank of Australia, daily', created_at = $now;
         CREATE exchange_rate SET date = $early, from = 'NZD', to = 'AUD', rate = '0.9120', source = 'Reserve Bank of New Zealand', created_at = $now;
         CREATE exchange_rate SET date = $late, from = 'AUD', to = 'USD', rate = '0.6543', source = 'Reserve Bank of Australia', created_at = $now;
         CREATE exchange_rate SET date = $late, from = 'NZD', to = 'USD', rate = '0.5960', source = 'Reserve Bank of New Zealand', created_at = $now;
         LET $dilini = (SELECT VALUE id FROM placement WHERE officer_name = 'Dilini Jayasuriya' LIMIT 1)[0];
         CREATE expenditure SET agreement = $agreement, placement = $dilini, category = 'stipend', date = $paid, amount_minor = 2000000,
            currency = 'AUD', rate = '1', rate_source = 'Same currency', converted_minor = 2000000, evidence = 'PV-2026-0113', created_at = $now;
         CREATE expenditure SET agreement = $agreement, placement = $dilini, category = 'travel', date = $paid, amount_minor = 4500000,
            currency = 'THB', rate = '0.0431', rate_source = 'Reserve Bank of Australia, daily', converted_minor = 193950,
            evidence = 'TKT-884213', created_at = $now;",
        vec![
            ("early", v(year(-200))),
            ("late", v(year(-20))),
            ("paid", v(year(-100))),
            ("agreement", v(ids[0].clone())),
        ],
    )
    .await?;
    // 203,000 of 250,000 AUD committed: past the 80 % alert, which was sent.
    tx.run("UPDATE $id SET alert_level = 80", vec![("id", v(ids[0].clone()))]).await?;
    Ok(())
}

/// Seeds the demo data when the database has no users. Returns whether it seeded.
pub async fn seed_if_empty(state: &AppState) -> Result<bool, AppError> {
    let mut r = state
        .db
        .query("RETURN count(SELECT id FROM user LIMIT 1)")
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("seed check"))?;
    let users: Option<i64> = r.take(0).map_err(db::fail("seed check decode"))?;
    if users.unwrap_or(0) > 0 {
        return Ok(false);
    }

    let mut hashes = Vec::new();
    for _ in DEMO_LOGINS {
        hashes.push(password::hash(DEMO_PASSWORD.to_string()).await?);
    }

    let hashes = &hashes;
    let today = state.clock.today();
    db::transact(state, |tx| async move {
        let system = Actor::system();
        let mut member_keys = std::collections::HashMap::new();
        for (name, kind, iso) in MEMBERS {
            let key = db::new_key();
            tx.run(
                "CREATE $id SET name = $name, name_key = string::lowercase($name), kind = $kind, iso_code = $iso",
                vec![("id", v(db::rid("member", &key))), ("name", v(name.to_string())), ("kind", v(kind.to_string())), ("iso", v(iso.map(str::to_string)))],
            )
            .await?;
            audit::record(&tx, &system, "seeded", "member", &key, None, None).await?;
            member_keys.insert(*name, key);
        }
        let mut agency_keys = std::collections::HashMap::new();
        for (member, name, sends, hosts, contact, email, lang) in AGENCIES {
            let key = db::new_key();
            tx.run(
                "CREATE $id SET name = $name, name_key = string::lowercase($name), member = $member, sends = $sends, hosts = $hosts;
                 CREATE contact SET agency = $id, name = $contact, email = $email, language = $lang;",
                vec![
                    ("id", v(db::rid("agency", &key))),
                    ("name", v(name.to_string())),
                    ("member", v(db::rid("member", &member_keys[member]))),
                    ("sends", v(*sends)),
                    ("hosts", v(*hosts)),
                    ("contact", v(contact.to_string())),
                    ("email", v(email.to_string())),
                    ("lang", v(lang.to_string())),
                ],
            )
            .await?;
            audit::record(&tx, &system, "seeded", "agency", &key, None, None).await?;
            agency_keys.insert(*name, key);
        }
        let mut donor_keys = Vec::new();
        for (name, country) in DONORS {
            let key = db::new_key();
            tx.run(
                "CREATE $id SET name = $name, name_key = string::lowercase($name), country = $country",
                vec![("id", v(db::rid("donor", &key))), ("name", v(name.to_string())), ("country", v(country.map(str::to_string)))],
            )
            .await?;
            audit::record(&tx, &system, "seeded", "donor", &key, None, None).await?;
            donor_keys.push(key);
        }
        let mut theme_keys = Vec::new();
        for name in THEMES {
            let key = db::new_key();
            theme_keys.push(key.clone());
            tx.run(
                "CREATE $id SET name = $name, name_key = string::lowercase($name)",
                vec![("id", v(db::rid("theme", &key))), ("name", v(name.to_string()))],
            )
            .await?;
        }
        let mut user_keys = std::collections::HashMap::new();
        let names = ["Ayesha Admin", "Kanya Srisuk", "Nimal Perera", "Somchai Wongsa", "Dilini Jayasuriya", "Emma Clarke"];
        for (((email, role), hash), name) in DEMO_LOGINS.iter().zip(hashes.iter()).zip(names) {
            let agency = match *role {
                "nominator" => Some(db::rid("agency", &agency_keys["Department of Immigration and Emigration"])),
                "host" => Some(db::rid("agency", &agency_keys["Regional Support Office, Bangkok"])),
                _ => None,
            };
            let donor = (*role == "donor").then(|| db::rid("donor", &donor_keys[0]));
            let key = db::new_key();
            tx.run(
                "CREATE $id SET email = $email, name = $name, role = $role, agency = $agency, donor = $donor, password_hash = $hash",
                vec![
                    ("id", v(db::rid("user", &key))),
                    ("email", v(email.to_string())),
                    ("name", v(name.to_string())),
                    ("role", v(role.to_string())),
                    ("agency", v(agency)),
                    ("donor", v(donor)),
                    ("hash", v(hash.clone())),
                ],
            )
            .await?;
            audit::record(&tx, &system, "seeded", "user", &key, None, None).await?;
            user_keys.insert(*role, key);
        }
        seed_nominations(&tx, &agency_keys, &theme_keys, &user_keys).await?;
        seed_placements(&tx, today, &agency_keys, &theme_keys, &user_keys).await?;
        seed_funding(&tx, today, &donor_keys).await
    })
    .await?;
    tracing::info!("demo data seeded");
    Ok(true)
}
