//! Field rules of forms: each takes the posted text and returns the clean value or the message
//! to show at the field (the `Result<T, String>` that `FieldErrors::take` collects).

/// Required text: trimmed, at most `max` characters, no control characters.
pub fn required_text(value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("This field is required.".into());
    }
    optional_text(value, max).map(|v| v.unwrap_or_default())
}

/// Optional text with the same rules; empty becomes `None`.
pub fn optional_text(value: &str, max: usize) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err("Remove line breaks and control characters.".into());
    }
    Ok((!value.is_empty()).then(|| value.to_string()))
}

/// The most checkboxes one list offers (members, agencies, themes): a bound, not a rule.
pub const MAX_CHOICES: usize = 1000;

/// Record keys chosen in a list of checkboxes: each well formed, named once, at most `max` of
/// them (a hand-made post could name thousands).
pub fn chosen_keys(values: &[String], max: usize) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        crate::domain::RecordKey::parse(value).map_err(|_| "Choose from the list.".to_string())?;
        if !out.iter().any(|k| k == value) {
            out.push(value.to_string());
        }
    }
    if out.len() > max {
        return Err("Choose from the list.".into());
    }
    Ok(out)
}

/// An e-mail address, lower-cased: the text of an [`Email`](crate::domain::Email), whose rules
/// are deliberately strict (these addresses receive our mail; a CR or LF here would be a header
/// injection).
pub fn email(value: &str) -> Result<crate::domain::Email, String> {
    crate::domain::Email::parse(value)
}

/// A three-letter ISO 3166-1 alpha-3 code, upper-cased; empty becomes `None`.
pub fn iso3(value: &str) -> Result<Option<String>, String> {
    let value = value.trim().to_uppercase();
    if value.is_empty() {
        return Ok(None);
    }
    if value.len() == 3 && value.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(Some(value))
    } else {
        Err("Use the three-letter ISO code, for example THA or IDN.".into())
    }
}

/// A checkbox posts "on" when ticked and nothing otherwise.
pub fn checked(value: &str) -> bool {
    matches!(value, "on" | "true" | "1" | "yes")
}

/// The value of a checkbox in a form's defaults: the reverse of [`checked`].
pub fn ticked(on: bool) -> String {
    if on { "on" } else { "" }.to_string()
}

/// The key used for uniqueness: trimmed, lower-cased, inner spaces collapsed.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The languages a contact can receive mail in (BCP 47 codes). English is the only template
/// language for now; the list is what the members use.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("id", "Bahasa Indonesia"),
    ("ms", "Bahasa Melayu"),
    ("th", "ไทย (Thai)"),
    ("vi", "Tiếng Việt"),
    ("si", "සිංහල (Sinhala)"),
    ("ta", "தமிழ் (Tamil)"),
    ("bn", "বাংলা (Bengali)"),
    ("dv", "ދިވެހި (Dhivehi)"),
    ("tet", "Tetun"),
    ("pt", "Português"),
    ("fr", "Français"),
];

/// The time zones of the region, by IANA name, for agencies' reminders.
pub const TIME_ZONES: &[(&str, &str)] = &[
    ("Asia/Kolkata", "India (UTC+05:30)"),
    ("Asia/Colombo", "Sri Lanka, Colombo (UTC+05:30)"),
    ("Asia/Kathmandu", "Nepal (UTC+05:45)"),
    ("Indian/Maldives", "Maldives (UTC+05:00)"),
    ("Asia/Karachi", "Pakistan (UTC+05:00)"),
    ("Asia/Dhaka", "Bangladesh (UTC+06:00)"),
    ("Asia/Thimphu", "Bhutan (UTC+06:00)"),
    ("Asia/Yangon", "Myanmar (UTC+06:30)"),
    ("Asia/Bangkok", "Thailand, Cambodia, Laos (UTC+07:00)"),
    ("Asia/Ho_Chi_Minh", "Viet Nam (UTC+07:00)"),
    ("Asia/Jakarta", "Indonesia, western (UTC+07:00)"),
    ("Asia/Makassar", "Indonesia, central (UTC+08:00)"),
    ("Asia/Jayapura", "Indonesia, eastern (UTC+09:00)"),
    ("Asia/Kuala_Lumpur", "Malaysia (UTC+08:00)"),
    ("Asia/Singapore", "Singapore (UTC+08:00)"),
    ("Asia/Manila", "Philippines (UTC+08:00)"),
    ("Asia/Brunei", "Brunei (UTC+08:00)"),
    ("Asia/Shanghai", "China (UTC+08:00)"),
    ("Asia/Hong_Kong", "Hong Kong (UTC+08:00)"),
    ("Asia/Ulaanbaatar", "Mongolia (UTC+08:00)"),
    ("Asia/Dili", "Timor-Leste (UTC+09:00)"),
    ("Asia/Tokyo", "Japan (UTC+09:00)"),
    ("Asia/Seoul", "Korea (UTC+09:00)"),
    ("Pacific/Palau", "Palau (UTC+09:00)"),
    ("Australia/Perth", "Australia, western (UTC+08:00)"),
    ("Australia/Darwin", "Australia, northern (UTC+09:30)"),
    ("Australia/Brisbane", "Australia, Queensland (UTC+10:00)"),
    ("Australia/Sydney", "Australia, eastern (UTC+10:00, summer +11:00)"),
    ("Pacific/Port_Moresby", "Papua New Guinea (UTC+10:00)"),
    ("Pacific/Guadalcanal", "Solomon Islands (UTC+11:00)"),
    ("Pacific/Efate", "Vanuatu (UTC+11:00)"),
    ("Pacific/Noumea", "New Caledonia (UTC+11:00)"),
    ("Pacific/Fiji", "Fiji (UTC+12:00)"),
    ("Pacific/Tarawa", "Kiribati, Gilbert Islands (UTC+12:00)"),
    ("Pacific/Majuro", "Marshall Islands (UTC+12:00)"),
    ("Pacific/Funafuti", "Tuvalu (UTC+12:00)"),
    ("Pacific/Nauru", "Nauru (UTC+12:00)"),
    ("Pacific/Auckland", "New Zealand (UTC+12:00, summer +13:00)"),
    ("Pacific/Tongatapu", "Tonga (UTC+13:00)"),
    ("Pacific/Apia", "Samoa (UTC+13:00)"),
    ("Pacific/Rarotonga", "Cook Islands (UTC−10:00)"),
    ("Pacific/Niue", "Niue (UTC−11:00)"),
    ("UTC", "UTC"),
];

/// A time zone from [`TIME_ZONES`], or none (the office's) when empty.
pub fn time_zone(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    TIME_ZONES
        .iter()
        .find(|(zone, _)| *zone == value)
        .map(|(zone, _)| Some(zone.to_string()))
        .ok_or_else(|| "Choose a time zone from the list.".into())
}

pub fn language(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok("en".into());
    }
    LANGUAGES
        .iter()
        .find(|(code, _)| *code == value)
        .map(|(code, _)| code.to_string())
        .ok_or_else(|| "Choose a language from the list.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chosen_keys_are_well_formed_named_once_and_bounded() {
        let posted = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(chosen_keys(&posted(&["a1", " b2 ", "", "a1"]), 5), Ok(vec!["a1".into(), "b2".into()]));
        assert!(chosen_keys(&posted(&["a1", "no/slash"]), 5).is_err());
        assert!(chosen_keys(&posted(&["a1", "b2", "c3"]), 2).is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn every_listed_time_zone_is_a_zone_the_clock_knows() {
        for (zone, _) in TIME_ZONES {
            assert!(crate::clock::Clock::parse_zone(zone).is_ok(), "{zone}");
        }
        assert_eq!(time_zone(" Pacific/Fiji "), Ok(Some("Pacific/Fiji".into())));
        assert_eq!(time_zone(""), Ok(None));
        assert!(time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn required_text_rules() {
        assert_eq!(required_text("  Thailand ", 50), Ok("Thailand".into()));
        assert!(required_text("   ", 50).is_err());
        assert!(required_text(&"x".repeat(51), 50).is_err());
        assert!(required_text("two\nlines", 50).is_err());
        assert_eq!(required_text("<script>alert(1)</script>", 50), Ok("<script>alert(1)</script>".into()));
    }

    #[test]
    fn email_rules() {
        assert_eq!(email(" Focal.Point@Immigration.GO.th ").unwrap().as_str(), "focal.point@immigration.go.th");
        for bad in
            ["", "no-at", "a@b", "a@@b.org", "a b@c.org", "a@b.org\r\nBcc: x@y.org", ".a@b.org", "a@-b.org", "a@b..org"]
        {
            assert!(email(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn iso_codes() {
        assert_eq!(iso3("tha"), Ok(Some("THA".into())));
        assert_eq!(iso3(""), Ok(None));
        assert!(iso3("TH").is_err());
        assert!(iso3("T1A").is_err());
    }

    #[test]
    fn name_keys_ignore_case_and_spacing() {
        assert_eq!(name_key("  Department of   Immigration "), "department of immigration");
    }

    #[test]
    fn languages_come_from_the_list() {
        assert_eq!(language(""), Ok("en".into()));
        assert_eq!(language("th"), Ok("th".into()));
        assert!(language("klingon").is_err());
    }
}
