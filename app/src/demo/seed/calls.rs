//! The demo's calls for nominations: two open (one to all members, one to three), and one
//! closed that two of the demo's nominations answered (one of them approved).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use crate::db::{self, v, Tx};
use crate::error::AppError;

/// (reference, title, host, state, places, theme indexes, members (empty: all), window from
/// today in days, closing from today in days)
type DemoCall = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static [usize],
    &'static [&'static str],
    (i64, i64),
    i64,
);

const CALLS: &[DemoCall] = &[
    (
        "CALL-DEMO-1",
        "Document examination desk, RSO Bangkok",
        "Regional Support Office, Bangkok",
        "open",
        2,
        &[9, 3],
        &[],
        (90, 455),
        30,
    ),
    (
        "CALL-DEMO-2",
        "Maritime movement analysts, Immigration Bureau",
        "Immigration Bureau",
        "open",
        1,
        &[8, 6],
        &["Sri Lanka", "Indonesia", "Viet Nam"],
        (120, 300),
        45,
    ),
    (
        "CALL-DEMO-3",
        "Information sharing officers, 2027",
        "Regional Support Office, Bangkok",
        "closed",
        2,
        &[3, 2, 4, 7],
        &[],
        (0, 0),
        -10,
    ),
];

/// The closed call's fixed window, around the demo nominations that answer it.
const CLOSED_WINDOW: (&str, &str) = ("2027-01-01", "2027-12-31");
/// The demo nominations that answer the closed call (by officer): one submitted, one approved.
const ANSWERED: &[&str] = &["Agus Santoso", "Nurul Huda"];

pub(super) async fn seed_calls(
    tx: &Tx,
    today: NaiveDate,
    zone: chrono_tz::Tz,
    agencies: &HashMap<&str, String>,
    themes: &[String],
) -> Result<(), AppError> {
    for (reference, title, host, state, places, theme_idx, members, (from, to), closes_in) in CALLS {
        let closing_day = today + Duration::days(*closes_in);
        let closes_local = closing_day.and_hms_opt(17, 0, 0).expect("17:00");
        let closes_at = zone.from_local_datetime(&closes_local).earliest().map(|t| t.with_timezone(&Utc));
        let (window_start, window_end) = if *state == "closed" {
            (CLOSED_WINDOW.0.to_string(), CLOSED_WINDOW.1.to_string())
        } else {
            ((today + Duration::days(*from)).to_string(), (today + Duration::days(*to)).to_string())
        };
        let key = db::new_key();
        tx.run(
            "CREATE $id SET reference = $reference, title = $title, title_key = string::lowercase($title),
                description = 'The Regional Support Office invites member agencies to nominate officers for these places. Officers join the host team for the placement, take part in its daily work and report on what they did and learned.',
                eligibility = 'Serving officers with at least five years in border or migration work, and working English.',
                themes = $themes, host_agency = $host, places = $places, window_start = $window_start, window_end = $window_end,
                closes_at = $closes_at, closes_local = $closes_local,
                members = (SELECT VALUE id FROM member WHERE name IN $members),
                state = $state, answered = 0, approved = 0, created_at = $now, updated_at = $now;
             IF $state = 'closed' {
                UPDATE nomination SET call = $id WHERE officer_name IN $answered RETURN NONE;
                UPDATE $id SET answered = count(SELECT id FROM nomination WHERE call = $id),
                    approved = count(SELECT id FROM nomination WHERE call = $id AND state = 'approved') RETURN NONE;
             };",
            vec![
                ("id", v(db::rid("call", &key))),
                ("reference", v(reference.to_string())),
                ("title", v(title.to_string())),
                ("themes", v(theme_idx.iter().map(|t| db::rid("theme", &themes[*t])).collect::<Vec<_>>())),
                ("host", v(db::rid("agency", &agencies[host]))),
                ("places", v(*places)),
                ("window_start", v(window_start)),
                ("window_end", v(window_end)),
                ("closes_at", v(closes_at.unwrap_or_else(|| closes_local.and_utc()))),
                ("closes_local", v(closes_local.format("%Y-%m-%d %H:%M").to_string())),
                ("members", v(members.iter().map(|m| m.to_string()).collect::<Vec<_>>())),
                ("state", v(state.to_string())),
                ("answered", v(ANSWERED.iter().map(|m| m.to_string()).collect::<Vec<_>>())),
            ],
        )
        .await?;
    }
    Ok(())
}
