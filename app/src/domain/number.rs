//! The shape of a decimal number typed by a person, shared by amounts and rates.

/// The digits of an unsigned decimal number such as `1,250.50`: `whole` is `"1250"`, `fraction`
/// is `"50"`. Both hold ASCII digits only; `fraction` is empty when there is no decimal point.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct DecimalDigits<'a> {
    pub whole: String,
    pub fraction: &'a str,
}

/// Why a text is not a number; the caller words the message for its field.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ShapeError {
    /// Anything other than digits, one decimal point and grouping commas — including signs,
    /// spaces, exponents (`1e3`), `NaN`, `inf`, and a dot without digits on both sides (`.5`, `5.`).
    NotANumber,
    /// Commas that are not between groups of three digits, e.g. `1,25` or `12,50,000`. Refused
    /// rather than guessed: `1,25` may be a decimal comma.
    Grouping,
}

/// Splits already-trimmed text into whole and fraction digits. Commas are allowed in the whole part
/// only as thousands separators: 1 to 3 digits, then groups of exactly 3.
pub(super) fn decimal_digits(text: &str) -> Result<DecimalDigits<'_>, ShapeError> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(fraction) = fraction {
        if !all_digits(fraction) {
            return Err(ShapeError::NotANumber);
        }
    }
    let groups: Vec<&str> = whole.split(',').collect();
    if !groups.iter().all(|group| all_digits(group)) {
        // An empty group is a stray comma (`1,,000`, `,5`); treat it as a grouping mistake
        // when everything else is digits and commas.
        let digits_and_commas = !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit() || b == b',');
        return Err(if digits_and_commas { ShapeError::Grouping } else { ShapeError::NotANumber });
    }
    if let Some((first, rest)) = groups.split_first() {
        if !rest.is_empty() && (first.len() > 3 || rest.iter().any(|group| group.len() != 3)) {
            return Err(ShapeError::Grouping);
        }
    }
    Ok(DecimalDigits { whole: groups.concat(), fraction: fraction.unwrap_or("") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(text: &str) -> Result<(String, String), ShapeError> {
        decimal_digits(text).map(|d| (d.whole, d.fraction.to_string()))
    }

    #[test]
    fn plain_and_grouped_numbers() {
        assert_eq!(digits("1250"), Ok(("1250".into(), "".into())));
        assert_eq!(digits("1250.5"), Ok(("1250".into(), "5".into())));
        assert_eq!(digits("1,250.50"), Ok(("1250".into(), "50".into())));
        assert_eq!(digits("12,345,678"), Ok(("12345678".into(), "".into())));
        assert_eq!(digits("0.5"), Ok(("0".into(), "5".into())));
        assert_eq!(digits("007"), Ok(("007".into(), "".into())));
    }

    #[test]
    fn bad_grouping() {
        for bad in ["1,25", "1,2500", "1234,567", "12,50,000", "1,,000", ",5", "5,", "1,000,00.5"] {
            assert_eq!(digits(bad), Err(ShapeError::Grouping), "{bad:?}");
        }
    }

    #[test]
    fn not_numbers() {
        for bad in [
            "", ".", ".5", "5.", "1.2.3", "-5", "+5", "1e3", "1E3", "NaN", "inf", "1 250", "1_250", "1'250", "๕",
            "１２", "5.0,0", "0x10", "1,250.5a",
        ] {
            assert_eq!(digits(bad), Err(ShapeError::NotANumber), "{bad:?}");
        }
    }
}
