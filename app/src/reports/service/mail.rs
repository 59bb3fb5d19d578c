//! The e-mails about a report to its authors and their agencies.

use super::*;

/// Who writes `row`, as mail recipients: the secondee (by their work e-mail), the host agency's
/// contacts, or the coordinators.
pub(crate) async fn authors(tx: &Tx, row: &Row) -> Result<Vec<Recipient>, AppError> {
    match row.author_role.as_str() {
        "secondee" => Ok(vec![Recipient {
            email: row.officer_email.clone(),
            name: row.officer_name.clone(),
            language: "en".into(),
        }]),
        "host" => recipients::agency_contacts(tx, &db::key(&row.host_agency_id)).await,
        _ => recipients::coordinators(tx).await,
    }
}

/// The agency whose contacts hear about `row` with its author, and that agency's time zone: the
/// sending agency for a secondee's report, the host for the host's.
pub(crate) fn authors_agency(row: &Row) -> (&RecordId, Option<&str>) {
    match row.author_role.as_str() {
        "host" => (&row.host_agency_id, row.host_zone.as_deref()),
        _ => (&row.sending_agency_id, row.sending_zone.as_deref()),
    }
}

/// A mail about a report: what, to whom, keyed by which record, saying what, and when.
pub(crate) struct ReportMail<'a> {
    pub event: EventKind,
    pub to: &'a [Recipient],
    pub record: (&'static str, &'a str),
    pub message: Option<&'a str>,
    /// Not before this instant (08:00 where the author's agency is); `None` sends at once.
    pub not_before: Option<DateTime<Utc>>,
}

/// Queues `mail` about `row`.
pub(crate) async fn tell(tx: &Tx, state: &AppState, row: &Row, mail: ReportMail<'_>) -> Result<(), AppError> {
    let ReportMail { event, to, record: (record_table, record_key), message, not_before } = mail;
    let key = db::key(&row.id);
    for recipient in to {
        let content = MailContent::Nomination(NominationMail {
            event,
            name: recipient.name.clone(),
            reference: row.title(),
            officer: row.officer_name.clone(),
            sending_agency: row.sending_agency.clone(),
            host_agency: row.host_agency.clone(),
            period: format!("due {}", row.due_date),
            message: message.map(str::to_string),
            link: format!("{}/reports/{key}", state.settings.public_url),
        });
        let outgoing = Outgoing {
            record_table,
            record_key,
            recipient,
            content,
            link_path: format!("/reports/{key}"),
            secret: None,
            not_before,
        };
        outbox::enqueue(tx, &state.settings.public_url, outgoing).await?;
    }
    Ok(())
}

/// "Returned" and "accepted" go to the author.
pub(super) async fn tell_author(
    tx: &Tx,
    state: &AppState,
    row: &Row,
    event: EventKind,
    message: Option<&str>,
    not_before: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    let to = authors(tx, row).await?;
    let record = format!("{}-{}", db::key(&row.id), db::new_key());
    let mail = ReportMail { event, to: &to, record: ("report_event", &record), message, not_before };
    tell(tx, state, row, mail).await
}
