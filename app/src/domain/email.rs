//! An e-mail address that has passed the admin forms' rules.

use serde::{Deserialize, Serialize};

/// An e-mail address: trimmed, lower-cased and deliberately strict. These addresses receive our
/// mail, so only plain ASCII local parts and dotted host names are accepted, and a CR or LF (a
/// header injection) cannot get in. The rules are those of `resource::fields::email`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// The longest address SMTP can carry (RFC 5321 path limit, less the angle brackets).
const MAX_LENGTH: usize = 254;
/// The longest local part (before the `@`) allowed by RFC 5321.
const MAX_LOCAL_LENGTH: usize = 64;
/// The longest DNS label.
const MAX_LABEL_LENGTH: usize = 63;
/// Characters allowed in the local part besides ASCII letters and digits.
const LOCAL_SYMBOLS: &str = "!#$%&'*+/=?^_`{|}~.-";

impl Email {
    /// Checks a typed address. The message is ready to show next to the field.
    pub fn parse(text: &str) -> Result<Email, String> {
        let value = text.trim().to_lowercase();
        if value.is_empty() {
            return Err("This field is required.".into());
        }
        let invalid = || Err("Enter a valid e-mail address, like name@agency.gov.".to_string());
        if value.len() > MAX_LENGTH {
            return invalid();
        }
        let Some((local, domain)) = value.split_once('@') else {
            return invalid();
        };
        if local_part_ok(local) && domain_ok(domain) {
            Ok(Email(value))
        } else {
            invalid()
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`, for logs that should not hold the whole address.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, domain)| domain)
    }
}

fn local_part_ok(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LENGTH
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local.chars().all(|c| c.is_ascii_alphanumeric() || LOCAL_SYMBOLS.contains(c))
}

/// At least two labels (a bare `localhost` is not an address we can mail), each a valid DNS label.
fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= MAX_LABEL_LENGTH
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

checked_text!(Email);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_lower_cases() {
        let email = Email::parse(" Focal.Point@Immigration.GO.th ").unwrap();
        assert_eq!(email.as_str(), "focal.point@immigration.go.th");
        assert_eq!(email.to_string(), "focal.point@immigration.go.th");
        assert_eq!(email.domain(), "immigration.go.th");
    }

    #[test]
    fn accepts_the_allowed_symbols() {
        assert!(Email::parse("o'brien+visa_2026@dfat.gov.au").is_ok());
        assert!(Email::parse("a.b-c@x-y.org").is_ok());
    }

    #[test]
    fn refuses_what_the_admin_forms_refuse() {
        for bad in [
            "",
            "   ",
            "no-at",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "a@b.org\r\nBcc: x@y.org",
            "a\n@b.org",
            ".a@b.org",
            "a.@b.org",
            "a@-b.org",
            "a@b-.org",
            "a@b..org",
            "a@.b.org",
            "a@b.org.",
            "@b.org",
            "a@",
            "ä@b.org",
            "a@bü.org",
            "a@b_c.org",
            "\"quoted\"@b.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn surrounding_line_breaks_are_trimmed_away_not_kept() {
        assert_eq!(Email::parse("a@b.org\r\n").unwrap().as_str(), "a@b.org");
    }

    #[test]
    fn messages_are_for_people() {
        assert_eq!(Email::parse(""), Err("This field is required.".to_string()));
        assert_eq!(Email::parse("nope"), Err("Enter a valid e-mail address, like name@agency.gov.".to_string()));
    }

    #[test]
    fn length_limits() {
        let local = "a".repeat(64);
        assert!(Email::parse(&format!("{local}@b.org")).is_ok());
        assert!(Email::parse(&format!("a{local}@b.org")).is_err());

        let label = "b".repeat(63);
        assert!(Email::parse(&format!("a@{label}.org")).is_ok());
        assert!(Email::parse(&format!("a@b{label}.org")).is_err());

        // 254 characters in all is the most; 255 is refused.
        let domain = format!("{}.{}.{}.{}", "c".repeat(63), "d".repeat(63), "e".repeat(63), "f".repeat(59));
        let longest = format!("ab@{domain}");
        assert_eq!(longest.len(), 254);
        assert!(Email::parse(&longest).is_ok());
        assert!(Email::parse(&format!("abc@{domain}")).is_err());
    }

    #[test]
    fn serde_is_a_plain_string_and_revalidates() {
        let email = Email::parse("Name@Agency.gov").unwrap();
        let json = serde_json::to_string(&email).unwrap();
        assert_eq!(json, "\"name@agency.gov\"");
        assert_eq!(serde_json::from_str::<Email>(&json).unwrap(), email);
        assert!(serde_json::from_str::<Email>("\"a@b.org\\r\\nBcc: x@y.org\"").is_err());
        assert!(serde_json::from_str::<Email>("\"not an address\"").is_err());
    }

    #[test]
    fn conversions() {
        let email: Email = "x@y.org".parse().unwrap();
        assert_eq!(Email::try_from("X@Y.org".to_string()), Ok(email.clone()));
        assert_eq!(String::from(email), "x@y.org");
    }
}
