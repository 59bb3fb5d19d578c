//! The demo's expressions of interest: one new, one in discussion with notes, one declined.

use chrono::Duration;

use crate::db::{v, Tx};
use crate::error::AppError;

/// (reference, agency, member (or another state), contact, e-mail, role, state, hosting, sending,
/// message, notes, decline reason, days ago)
type DemoEnquiry = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    &'static str,
    &'static str,
    Option<&'static str>,
    i64,
);

const ENQUIRIES: &[DemoEnquiry] = &[
    (
        "EOI-DEMO1",
        "Immigration and Checkpoints Directorate",
        "Timor-Leste",
        "Joana Soares",
        "j.soares@immigration.tl.example",
        "Director of international cooperation",
        "new",
        false,
        true,
        "We would like two of our officers to join the RSO's document examination work next year.",
        "",
        None,
        3,
    ),
    (
        "EOI-DEMO2",
        "National Border Agency",
        "Viet Nam",
        "Pham Van Long",
        "long.pham@border.vn.example",
        "Deputy director, training",
        "in_discussion",
        true,
        true,
        "Could our agency host an officer on maritime movement analysis?",
        "Called on Monday: they can host from the second quarter; waiting for their letter.",
        None,
        12,
    ),
    (
        "EOI-DEMO3",
        "Tourism Promotion Board",
        "Thailand",
        "Kittisak Boonma",
        "kittisak@tourism.example",
        "Marketing manager",
        "declined",
        true,
        false,
        "We would like to offer internships.",
        "",
        Some("The programme seconds officers of border, migration and law-enforcement agencies only."),
        30,
    ),
];

pub(super) async fn seed_enquiries(tx: &Tx, today: chrono::NaiveDate) -> Result<(), AppError> {
    for (reference, agency, member, contact, email, role, state, hosting, sending, message, notes, reason, days_ago) in
        ENQUIRIES
    {
        let at = (today - Duration::days(*days_ago)).and_hms_opt(3, 0, 0).expect("03:00").and_utc();
        tx.run(
            "LET $member = (SELECT VALUE id FROM member WHERE name = $member_name LIMIT 1)[0];
             CREATE enquiry SET reference = $reference, state = $state, agency_name = $agency, member = $member,
                other_state = IF $member = NONE THEN $member_name END, contact_name = $contact, email = $email,
                contact_role = $role, themes = (SELECT VALUE id FROM theme LIMIT 2), hosting = $hosting, sending = $sending,
                message = $message, notes = $notes, decline_reason = $reason, created_at = $at, confirmed_at = $at,
                updated_at = $at;",
            vec![
                ("reference", v(reference.to_string())),
                ("state", v(state.to_string())),
                ("agency", v(agency.to_string())),
                ("member_name", v(member.to_string())),
                ("contact", v(contact.to_string())),
                ("email", v(email.to_string())),
                ("role", v(role.to_string())),
                ("hosting", v(*hosting)),
                ("sending", v(*sending)),
                ("message", v(message.to_string())),
                ("notes", v(notes.to_string())),
                ("reason", v(reason.map(str::to_string))),
                ("at", v(at)),
            ],
        )
        .await?;
    }
    Ok(())
}
