//! The demo's nominations in every state, each with its history; the approved one with its
//! planned placement.

use std::collections::HashMap;

use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::nominations::rules::{Action, NominationEventKind};

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
pub(super) async fn create_nomination(
    tx: &Tx,
    reference: &str,
    (sending, officer, position, host, state): (&str, &str, &str, &str, &str),
    themes: Vec<surrealdb::types::RecordId>,
    (start, end): (&str, &str),
    email: &str,
    agencies: &HashMap<&str, String>,
    users: &HashMap<&str, String>,
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
            submitted_at = IF $state = 'draft' THEN NONE ELSE $now END,
            notice_version = IF $state = 'draft' THEN NONE ELSE $notice_version END,
            notice_confirmed_at = IF $state = 'draft' THEN NONE ELSE $now END,
            notice_confirmed_by = IF $state = 'draft' THEN NONE ELSE $nominator END;
         IF $state != 'draft' {
            CREATE nomination_event SET nomination = $id, at = $now, actor = $nominator, actor_label = 'Demo nominator',
                kind = $submit, from_state = 'draft', to_state = 'submitted';
         };
         IF $state NOT IN ['draft', 'submitted', 'withdrawn'] {
            CREATE nomination_event SET nomination = $id, at = $now + 1s, actor = $coordinator, actor_label = 'Kanya Srisuk (RSO coordinator)',
                kind = $decision, from_state = 'submitted', to_state = $state,
                message = IF $state IN ['changes_requested', 'rejected'] THEN 'Please add the endorsement letter from the head of agency.' ELSE NONE END;
         };",
        vec![
            ("id", v(db::rid("nomination", &key))),
            ("reference", v(reference.to_string())),
            ("state", v(state.to_string())),
            ("submit", v(NominationEventKind::Step(Action::Submit).as_str())),
            ("decision", v(decision_to(state).map(|a| NominationEventKind::Step(a).as_str()))),
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
            ("notice_version", v(crate::nominations::notice::VERSION)),
        ],
    )
    .await?;
    db::tally::moved(tx, "nomination", &agencies[sending], None, state).await?;
    Ok(key)
}

/// The coordinator's step that led from `submitted` to `state`, for its history line.
fn decision_to(state: &str) -> Option<Action> {
    match state {
        "under_review" => Some(Action::StartReview),
        "changes_requested" => Some(Action::RequestChanges),
        "rejected" => Some(Action::Reject),
        "approved" => Some(Action::Approve),
        _ => None,
    }
}

pub(super) fn officer_email(officer: &str) -> String {
    format!("{}@officer.example", officer.to_lowercase().replace([' ', '\''], "."))
}

pub(super) async fn seed_nominations(
    tx: &Tx,
    agencies: &HashMap<&str, String>,
    themes: &[String],
    users: &HashMap<&str, String>,
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
