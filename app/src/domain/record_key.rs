//! The key part of a record id, as it appears in URLs and exports.

use serde::{Deserialize, Serialize};

/// A record key: 1 to 40 ASCII letters, digits or underscores — the rule of `api::parse_key`.
/// Nothing else is allowed because keys are put into queries and URLs; a key that passed this
/// check cannot carry a `:`, a space or a quote. Surrounding spaces are not trimmed: a key with
/// spaces is not a key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecordKey(String);

const MAX_LENGTH: usize = 40;

impl RecordKey {
    pub fn parse(text: &str) -> Result<RecordKey, String> {
        if text.is_empty() {
            return Err("This field is required.".into());
        }
        let ok = text.len() <= MAX_LENGTH && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(RecordKey(text.to_string()))
        } else {
            Err(format!("Use 1 to {MAX_LENGTH} letters, digits or underscores."))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

checked_text!(RecordKey);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_letters_digits_and_underscores() {
        let longest = "a".repeat(40);
        for good in ["abc123", "A", "_", "x_Y_9", longest.as_str()] {
            let key = RecordKey::parse(good).unwrap();
            assert_eq!(key.as_str(), good);
            assert_eq!(key.to_string(), good);
        }
    }

    #[test]
    fn refuses_anything_else() {
        let too_long = "a".repeat(41);
        for bad in [
            "",
            too_long.as_str(),
            "a; DELETE user",
            "user:admin",
            " abc",
            "abc ",
            "a-b",
            "a.b",
            "ä",
            "١٢٣",
            "a\nb",
            "`a`",
            "⟨a⟩",
        ] {
            assert!(RecordKey::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(RecordKey::parse(""), Err("This field is required.".to_string()));
        assert_eq!(RecordKey::parse("a b"), Err("Use 1 to 40 letters, digits or underscores.".to_string()));
    }

    #[test]
    fn serde_is_a_plain_string_and_revalidates() {
        let key = RecordKey::parse("n_2026_001").unwrap();
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(json, "\"n_2026_001\"");
        assert_eq!(serde_json::from_str::<RecordKey>(&json).unwrap(), key);
        assert!(serde_json::from_str::<RecordKey>("\"user:admin\"").is_err());
        assert!(serde_json::from_str::<RecordKey>("\"\"").is_err());
    }

    #[test]
    fn conversions() {
        let key: RecordKey = "abc".parse().unwrap();
        assert_eq!(RecordKey::try_from("abc".to_string()), Ok(key.clone()));
        assert_eq!(String::from(key), "abc");
    }
}
