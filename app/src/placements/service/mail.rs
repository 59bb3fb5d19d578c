//! The e-mails about a placement to its two agencies and its donors.

use super::*;

/// An e-mail to a placement's two agencies: what, about which record, and (for a reminder) the
/// day its window opens, so that it goes out at 08:00 where each agency is.
pub struct Notice<'a> {
    pub event: EventKind,
    pub record: (&'static str, &'a str),
    pub period: String,
    pub message: Option<String>,
    pub opens: Option<NaiveDate>,
}

/// Queues `notice` to the notification contacts of the sending and the host agency, and, for an
/// extension, early end or cancellation, to the users of the donors whose agreements fund it
/// (without its message).
pub async fn tell_agencies(tx: &Tx, state: &AppState, row: &Row, notice: &Notice<'_>) -> Result<(), AppError> {
    let page = format!("/placements/{}", db::key(&row.id));
    if notice.opens.is_none() {
        let mut r = tx
            .run(
                "SELECT email, name, 'en' AS language FROM user WHERE role = 'donor' AND disabled = false
                    AND donor IN (SELECT VALUE agreement.donor FROM commitment WHERE placement = $placement) ORDER BY email",
                vec![("placement", v(row.id.clone()))],
            )
            .await?;
        let donors: Vec<recipients::Recipient> = r.take(0).map_err(db::fail("donor recipients decode"))?;
        // Donors are told what changed, not the coordinator's reason, which is written for the
        // agencies; they follow their placements from their funding page.
        let told = Notice { message: None, period: notice.period.clone(), ..*notice };
        queue_to(tx, state, row, &told, (&donors, "/funding"), None).await?;
    }
    let agencies = [(&row.sending_agency_id, &row.sending_zone), (&row.host_agency_id, &row.host_zone)];
    for (agency, zone) in agencies {
        let not_before = notice.opens.map(|opens| {
            let zone = zone
                .as_deref()
                .and_then(|name| crate::clock::Clock::parse_zone(name).ok())
                .unwrap_or_else(|| state.clock.zone());
            crate::placements::reminders::send_time(opens, zone, state.clock.now())
        });
        let contacts = recipients::agency_contacts(tx, &db::key(agency)).await?;
        queue_to(tx, state, row, notice, (&contacts, &page), not_before).await?;
    }
    Ok(())
}

/// Queues `notice` about `row` to `to`, linking to `link_path`, not before `not_before`.
pub(super) async fn queue_to(
    tx: &Tx,
    state: &AppState,
    row: &Row,
    notice: &Notice<'_>,
    (to, link_path): (&[recipients::Recipient], &str),
    not_before: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    for recipient in to {
        let content = MailContent::Nomination(NominationMail {
            event: notice.event,
            name: recipient.name.clone(),
            reference: row.nomination_reference.clone(),
            officer: row.officer_name.clone(),
            sending_agency: row.sending_agency.clone(),
            host_agency: row.host_agency.clone(),
            period: notice.period.clone(),
            message: notice.message.clone(),
            link: format!("{}{link_path}", state.settings.public_url),
        });
        let outgoing = Outgoing {
            record_table: notice.record.0,
            record_key: notice.record.1,
            recipient,
            content,
            link_path: link_path.to_string(),
            secret: None,
            not_before,
        };
        outbox::enqueue(tx, &state.settings.public_url, outgoing).await?;
    }
    Ok(())
}
