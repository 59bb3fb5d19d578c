//! Mail templates: a plain-text and an HTML part for each event kind, compiled with askama
//! (HTML parts escape what they insert). Templates live in `app/templates/mail/<language>/`;
//! English is the only language so far, and every language falls back to it.

use askama::Template;

use super::rules::{header_text, EventKind};

/// What a mail says, by event.
#[derive(Debug, Clone)]
pub enum MailContent {
    Invitation {
        name: String,
        inviter: String,
        role: String,
        link: String,
        valid_hours: u32,
    },
    PasswordReset {
        name: String,
        link: String,
        valid_hours: u32,
    },
    /// A step of a nomination or a placement, told to coordinators or agency contacts.
    Nomination(NominationMail),
    /// Something that happened to a person's own account (a sign-in from a new browser, a
    /// reset of their second factor), told to that person.
    Account(AccountMail),
}

#[derive(Debug, Clone)]
pub struct AccountMail {
    pub event: EventKind,
    pub name: String,
    /// What happened, as label and value (when, from where, by whom, why).
    pub facts: Vec<(String, String)>,
    /// The account page, where the person can act.
    pub link: String,
}

impl AccountMail {
    fn subject(&self) -> &'static str {
        match self.event {
            EventKind::NewSignIn => "New sign-in to your Secondment Hub account",
            EventKind::SecondFactorReset => "Your two-step verification was reset",
            EventKind::PersonalDataErased => "Your personal data was erased from Secondment Hub",
            EventKind::CallClosed => "A call for nominations has closed",
            EventKind::EnquiryConfirm => "Please confirm your interest in the secondment programme",
            EventKind::EnquiryReceived => "New expression of interest in the programme",
            EventKind::EnquiryDeclined => "Your interest in the secondment programme",
            _ => "Your Secondment Hub account",
        }
    }

    fn intro(&self) -> &'static str {
        match self.event {
            EventKind::NewSignIn => "Your Secondment Hub account was signed in to from a browser that has not signed in to it before.",
            EventKind::SecondFactorReset => "An administrator has reset the two-step verification of your Secondment Hub account. Your authenticator app, recovery codes and passkeys no longer work for it; you will set up a new one at your next sign-in.",
            EventKind::EnquiryConfirm => "Thank you for your interest in the Regional Support Office's secondment programme. Please confirm that this is your address by opening the link below; until then your enquiry is held, and it is deleted after seven days.",
            EventKind::EnquiryReceived => "An agency has expressed interest in the secondment programme and confirmed its contact's address. It is in the queue of expressions of interest.",
            EventKind::EnquiryDeclined => "Thank you for your interest in the secondment programme. After considering it, the Regional Support Office is not able to take it further at this time, for the reason below.",
            EventKind::CallClosed => "A call for nominations has reached its closing time and takes no more nominations. Here is what it received.",
            EventKind::PersonalDataErased => "As you asked, the Regional Support Office has erased your personal data from Secondment Hub: your name, contact details, nationality, languages, the texts that named you and your documents. The programme keeps only the facts without your name (dates, agencies, themes and money). Any account you had is closed.",
            _ => "",
        }
    }

    fn advice(&self) -> &'static str {
        match self.event {
            EventKind::NewSignIn => "If this was you, there is nothing to do. If it was not, change your password now and tell the Regional Support Office.",
            EventKind::SecondFactorReset => "If you did not ask for this, tell the Regional Support Office at once.",
            EventKind::EnquiryConfirm => "If you did not send this enquiry, ignore this message: nothing more will be sent to this address.",
            EventKind::EnquiryReceived => "Discuss it with the contact, then accept it (the agency is created and its contact invited) or decline it with a reason.",
            EventKind::EnquiryDeclined => "You are welcome to write to the Regional Support Office, or to express interest again when circumstances change.",
            EventKind::CallClosed => "Review its nominations from the call's page; approving one takes one of its places.",
            EventKind::PersonalDataErased => "This is the last message the Hub sends to this address. Backups taken before today keep the data until they are deleted, within 30 days.",
            _ => "",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NominationMail {
    pub event: EventKind,
    pub name: String,
    pub reference: String,
    pub officer: String,
    pub sending_agency: String,
    pub host_agency: String,
    pub period: String,
    /// The coordinator's message (changes requested, reasons) if any.
    pub message: Option<String>,
    pub link: String,
}

/// The subject of a mail about a step of a nomination, a placement or a report: what happened,
/// the nomination's reference and the officer. (The data generator writes its mails' subjects
/// with it too, so that they read as the live ones.)
pub fn workflow_subject(event: EventKind, reference: &str, officer: &str) -> String {
    let what = match event {
        EventKind::NominationSubmitted => "New nomination to review",
        EventKind::NominationReceipt => "Nomination received",
        EventKind::ChangesRequested => "Changes requested to nomination",
        EventKind::NominationApproved => "Nomination approved",
        EventKind::NominationRejected => "Nomination not approved",
        EventKind::PlacementExtended => "Placement extended",
        EventKind::PlacementEndedEarly => "Placement ending early",
        EventKind::PlacementCancelled => "Placement cancelled",
        EventKind::PlacementStartsSoon => "Placement starts soon",
        EventKind::PlacementEndsSoon => "Placement ends soon",
        EventKind::ReportDueSoon => "Report due soon:",
        EventKind::ReportOverdue => "Report overdue:",
        EventKind::ReportEscalated => "Report still missing:",
        EventKind::ReportReturned => "Report returned:",
        EventKind::ReportAccepted => "Report accepted:",
        EventKind::PlacementConfirmed => "Placement confirmed",
        EventKind::FundingAlert => "Funding alert",
        _ => "Nomination update",
    };
    header_text(&format!("{what} {reference} – {officer}"), 200)
}

impl NominationMail {
    fn subject(&self) -> String {
        workflow_subject(self.event, &self.reference, &self.officer)
    }

    fn intro(&self) -> String {
        match self.event {
            EventKind::NominationSubmitted => {
                format!("{} has submitted a nomination for review.", self.sending_agency)
            }
            EventKind::NominationReceipt => {
                "The Regional Support Office has received your agency's nomination. Coordinators will review it and tell you of their decision.".into()
            }
            EventKind::ChangesRequested => {
                "The Regional Support Office asks for changes to this nomination before it can be decided. Please edit it and submit it again.".into()
            }
            EventKind::NominationApproved => format!(
                "The Regional Support Office has approved this nomination. A placement with {} is now planned.",
                self.host_agency
            ),
            EventKind::NominationRejected => "The Regional Support Office has decided not to approve this nomination.".into(),
            EventKind::PlacementExtended => "The Regional Support Office has extended this placement. The period below is the new one.".into(),
            EventKind::PlacementEndedEarly => "The Regional Support Office has ended this placement early. The period below ends on its last day.".into(),
            EventKind::PlacementCancelled => "The Regional Support Office has cancelled this placement before it started.".into(),
            EventKind::PlacementStartsSoon => "This placement starts soon. Please check that travel, accommodation and the officer's arrival are arranged.".into(),
            EventKind::PlacementEndsSoon => "This placement is coming to its end. Please plan the handover, the officer's return and the end-of-placement report.".into(),
            EventKind::ReportDueSoon => "This report is due soon. Please write it and submit it by its due date.".into(),
            EventKind::ReportOverdue => "This report is past its due date. Please submit it as soon as you can.".into(),
            EventKind::ReportEscalated => "This report is still missing well after its due date. Please follow it up with the author.".into(),
            EventKind::ReportReturned => "The Regional Support Office has returned this report. Please revise it as the comment asks and submit it again.".into(),
            EventKind::ReportAccepted => "The Regional Support Office has accepted this report. Thank you.".into(),
            EventKind::PlacementConfirmed => "This placement is now funded: the Regional Support Office has committed money to it.".into(),
            EventKind::FundingAlert => "A funding agreement has passed an alert level of its utilisation.".into(),
            _ => String::new(),
        }
    }
}

impl MailContent {
    pub fn event(&self) -> EventKind {
        match self {
            MailContent::Invitation { .. } => EventKind::Invitation,
            MailContent::PasswordReset { .. } => EventKind::PasswordReset,
            MailContent::Nomination(mail) => mail.event,
            MailContent::Account(mail) => mail.event,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Template)]
#[template(path = "mail/en/invitation.txt", escape = "none")]
struct InvitationText<'a> {
    name: &'a str,
    inviter: &'a str,
    role: &'a str,
    link: &'a str,
    valid_hours: u32,
}

#[derive(Template)]
#[template(path = "mail/en/invitation.html")]
struct InvitationHtml<'a> {
    lang: &'a str,
    subject: &'a str,
    name: &'a str,
    inviter: &'a str,
    role: &'a str,
    link: &'a str,
    valid_hours: u32,
}

#[derive(Template)]
#[template(path = "mail/en/password_reset.txt", escape = "none")]
struct ResetText<'a> {
    name: &'a str,
    link: &'a str,
    valid_hours: u32,
}

#[derive(Template)]
#[template(path = "mail/en/password_reset.html")]
struct ResetHtml<'a> {
    lang: &'a str,
    subject: &'a str,
    name: &'a str,
    link: &'a str,
    valid_hours: u32,
}

#[derive(Template)]
#[template(path = "mail/en/nomination.txt", escape = "none")]
struct NominationText<'a> {
    m: &'a NominationMail,
    intro: &'a str,
}

#[derive(Template)]
#[template(path = "mail/en/nomination.html")]
struct NominationHtml<'a> {
    lang: &'a str,
    subject: &'a str,
    m: &'a NominationMail,
    intro: &'a str,
}

#[derive(Template)]
#[template(path = "mail/en/account_notice.txt", escape = "none")]
struct AccountText<'a> {
    m: &'a AccountMail,
    intro: &'a str,
    advice: &'a str,
}

#[derive(Template)]
#[template(path = "mail/en/account_notice.html")]
struct AccountHtml<'a> {
    lang: &'a str,
    subject: &'a str,
    m: &'a AccountMail,
    intro: &'a str,
    advice: &'a str,
}

/// Renders `content` in `language` (English for now, whatever is asked).
pub fn render(_language: &str, content: &MailContent) -> Result<Rendered, askama::Error> {
    let lang = "en";
    match content {
        MailContent::Invitation { name, inviter, role, link, valid_hours } => {
            let subject = header_text("You are invited to Secondment Hub", 200);
            let text = InvitationText { name, inviter, role, link, valid_hours: *valid_hours }.render()?;
            let html = InvitationHtml { lang, subject: &subject, name, inviter, role, link, valid_hours: *valid_hours }
                .render()?;
            Ok(Rendered { subject, text, html })
        }
        MailContent::PasswordReset { name, link, valid_hours } => {
            let subject = header_text("Reset your Secondment Hub password", 200);
            let text = ResetText { name, link, valid_hours: *valid_hours }.render()?;
            let html = ResetHtml { lang, subject: &subject, name, link, valid_hours: *valid_hours }.render()?;
            Ok(Rendered { subject, text, html })
        }
        MailContent::Nomination(m) => {
            let subject = m.subject();
            let intro = m.intro();
            let text = NominationText { m, intro: &intro }.render()?;
            let html = NominationHtml { lang, subject: &subject, m, intro: &intro }.render()?;
            Ok(Rendered { subject, text, html })
        }
        MailContent::Account(m) => {
            let subject = header_text(m.subject(), 200);
            let (intro, advice) = (m.intro(), m.advice());
            let text = AccountText { m, intro, advice }.render()?;
            let html = AccountHtml { lang, subject: &subject, m, intro, advice }.render()?;
            Ok(Rendered { subject, text, html })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_carry_the_link_and_html_is_escaped() {
        let content = MailContent::Invitation {
            name: "<b>Jane</b> & co".into(),
            inviter: "Ayesha Admin".into(),
            role: "Secondee".into(),
            link: "https://hub.example/account/welcome?token=abc".into(),
            valid_hours: 72,
        };
        let mail = render("th", &content).unwrap();
        assert_eq!(mail.subject, "You are invited to Secondment Hub");
        assert!(mail.text.contains("https://hub.example/account/welcome?token=abc"));
        assert!(mail.text.contains("Dear <b>Jane</b> & co,"), "plain text is not HTML-escaped");
        assert!(mail.html.contains("href=\"https://hub.example/account/welcome?token=abc\""));
        assert!(mail.html.contains("Dear &#60;b&#62;Jane&#60;/b&#62; &#38; co,"), "{}", mail.html);
        assert!(!mail.html.contains("<b>Jane"));
        assert!(mail.text.contains("72 hours"));
    }

    #[test]
    fn account_notices_list_their_facts_escaped_in_html() {
        let mail = render(
            "en",
            &MailContent::Account(AccountMail {
                event: EventKind::NewSignIn,
                name: "Jane".into(),
                facts: vec![("Browser".into(), "Chrome on <Windows>".into()), ("Address".into(), "203.0.113.9".into())],
                link: "http://x/account".into(),
            }),
        )
        .unwrap();
        assert_eq!(mail.subject, "New sign-in to your Secondment Hub account");
        assert!(mail.text.contains("Browser: Chrome on <Windows>") && mail.text.contains("Address: 203.0.113.9"));
        assert!(mail.html.contains("Chrome on &#60;Windows&#62;") && !mail.html.contains("<Windows>"));
        assert!(mail.text.contains("http://x/account") && mail.html.contains("href=\"http://x/account\""));
    }

    #[test]
    fn reset_mail() {
        let mail = render(
            "en",
            &MailContent::PasswordReset { name: "Jane".into(), link: "http://x/r".into(), valid_hours: 1 },
        )
        .unwrap();
        assert!(mail.subject.contains("Reset"));
        assert!(mail.html.contains("http://x/r") && mail.text.contains("http://x/r"));
    }
}
