//! The plain rules of delivery: event kinds, states, retry back-off, when to give up, and the
//! idempotency key. No IO.

use crate::domain::stored_enum::stored_enum;
use std::time::Duration;

stored_enum! {
    /// What an e-mail is about. Each kind has its templates (see `templates.rs`).
    pub enum EventKind ("event kind") {
        Invitation = "invitation", "Invitation";
        PasswordReset = "password_reset", "Password reset";
        NominationSubmitted = "nomination_submitted", "Nomination submitted";
        NominationReceipt = "nomination_receipt", "Nomination receipt";
        ChangesRequested = "changes_requested", "Changes requested";
        NominationApproved = "nomination_approved", "Nomination approved";
        NominationRejected = "nomination_rejected", "Nomination rejected";
        PlacementExtended = "placement_extended", "Placement extended";
        PlacementEndedEarly = "placement_ended_early", "Placement ended early";
        PlacementCancelled = "placement_cancelled", "Placement cancelled";
        PlacementStartsSoon = "placement_starts_soon", "Placement starts soon";
        PlacementEndsSoon = "placement_ends_soon", "Placement ends soon";
        ReportDueSoon = "report_due_soon", "Report due soon";
        ReportOverdue = "report_overdue", "Report overdue";
        ReportEscalated = "report_escalated", "Report overdue (coordinators)";
        ReportReturned = "report_returned", "Report returned";
        ReportAccepted = "report_accepted", "Report accepted";
        PlacementConfirmed = "placement_confirmed", "Placement confirmed";
        FundingAlert = "funding_alert", "Funding alert";
        NewSignIn = "new_sign_in", "Sign-in from a new browser";
        SecondFactorReset = "second_factor_reset", "Two-step verification reset";
        PersonalDataErased = "personal_data_erased", "Personal data erased";
        CallClosed = "call_closed", "Call for nominations closed";
        EnquiryConfirm = "enquiry_confirm", "Expression of interest: confirm the address";
        EnquiryReceived = "enquiry_received", "Expression of interest received";
        EnquiryDeclined = "enquiry_declined", "Expression of interest declined";
    }
}

stored_enum! {
    /// Where a mail is on its way out.
    pub enum DeliveryState ("mail state") {
        Pending = "pending", "queued";
        Sending = "sending", "sending";
        Sent = "sent", "sent";
        Failed = "failed", "failed";
    }
}

/// How retries are spaced and when delivery stops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// The wait after the first failed try; it doubles with each further try.
    pub base: Duration,
    /// The longest wait between two tries.
    pub max_delay: Duration,
    /// Tries before a mail is marked failed.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { base: Duration::from_secs(30), max_delay: Duration::from_secs(3600), max_attempts: 8 }
    }
}

/// What to do after a try that did not deliver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AfterFailure {
    RetryIn(Duration),
    GiveUp,
}

impl RetryPolicy {
    /// `attempts` counts the tries made so far, this one included; `permanent` is an SMTP 5xx;
    /// `jitter` in [0, 1) spreads retries of many mails (±25 %).
    pub fn after_failure(&self, attempts: u32, permanent: bool, jitter: f64) -> AfterFailure {
        if permanent || attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let doubling = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
        let delay = self.base.saturating_mul(doubling).min(self.max_delay);
        let factor = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
        AfterFailure::RetryIn(delay.mul_f64(factor))
    }
}

/// The key that makes enqueueing idempotent: one mail per (event, record, recipient).
pub fn idempotency_key(event: EventKind, record: &str, recipient: &str) -> String {
    format!("{}|{}|{}", event.as_str(), record, recipient.trim().to_lowercase())
}

/// Text for a mail header: one line, no control characters, bounded. CR or LF in a header is
/// how header injection works, so they become spaces.
pub fn header_text(text: &str, max_chars: usize) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    one_line.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(max_chars).collect()
}

/// The e-mail address's domain, for logs (never the whole address).
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map(|(_, d)| d).unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let delay = |attempts| match policy.after_failure(attempts, false, 0.5) {
            AfterFailure::RetryIn(d) => d,
            AfterFailure::GiveUp => panic!("gave up at {attempts}"),
        };
        assert_eq!(delay(1), Duration::from_secs(30));
        assert_eq!(delay(2), Duration::from_secs(60));
        assert_eq!(delay(3), Duration::from_secs(120));
        assert_eq!(delay(7), Duration::from_secs(1920));
        let capped = RetryPolicy { max_attempts: 100, ..policy };
        assert_eq!(capped.after_failure(30, false, 0.5), AfterFailure::RetryIn(Duration::from_secs(3600)));
    }

    #[test]
    fn jitter_spreads_by_a_quarter() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.after_failure(1, false, 0.0), AfterFailure::RetryIn(Duration::from_millis(22_500)));
        assert_eq!(
            policy.after_failure(1, false, 0.999_999),
            AfterFailure::RetryIn(Duration::from_secs(30).mul_f64(0.75 + 0.5 * 0.999_999))
        );
    }

    #[test]
    fn gives_up_on_permanent_errors_and_after_the_last_try() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.after_failure(1, true, 0.5), AfterFailure::GiveUp);
        assert!(matches!(policy.after_failure(7, false, 0.5), AfterFailure::RetryIn(_)));
        assert_eq!(policy.after_failure(8, false, 0.5), AfterFailure::GiveUp);
    }

    #[test]
    fn header_text_cannot_carry_a_second_header() {
        assert_eq!(header_text("Hello\r\nBcc: everyone@example.org", 200), "Hello Bcc: everyone@example.org");
        assert_eq!(header_text("a\u{0}b\tc", 200), "a b c");
        assert_eq!(header_text(&"x".repeat(300), 10).len(), 10);
    }

    #[test]
    fn one_key_per_event_record_and_recipient() {
        let a = idempotency_key(EventKind::Invitation, "account_token:abc", "Jane@Example.org ");
        let b = idempotency_key(EventKind::Invitation, "account_token:abc", "jane@example.org");
        assert_eq!(a, b);
        assert_ne!(a, idempotency_key(EventKind::PasswordReset, "account_token:abc", "jane@example.org"));
    }

    #[test]
    fn names_round_trip() {
        for e in EventKind::ALL {
            assert_eq!(EventKind::parse(e.as_str()), Some(e));
        }
        for s in DeliveryState::ALL {
            assert_eq!(DeliveryState::parse(s.as_str()), Some(s));
        }
        assert_eq!(domain_of("jane@dfa.gov.example"), "dfa.gov.example");
    }
}
