//! Countries of ISO 3166-1: the alpha-2 code a nationality is stored as, the alpha-3 code a
//! member state is recorded with, and the English short name shown. Plain data, so the list and
//! its checks are the same on the server and in tests.

use super::names::fold;

/// (alpha-2, alpha-3, name), in alpha-2 order: every officially assigned code of ISO 3166-1.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AD", "AND", "Andorra"),
    ("AE", "ARE", "United Arab Emirates"),
    ("AF", "AFG", "Afghanistan"),
    ("AG", "ATG", "Antigua and Barbuda"),
    ("AI", "AIA", "Anguilla"),
    ("AL", "ALB", "Albania"),
    ("AM", "ARM", "Armenia"),
    ("AO", "AGO", "Angola"),
    ("AQ", "ATA", "Antarctica"),
    ("AR", "ARG", "Argentina"),
    ("AS", "ASM", "American Samoa"),
    ("AT", "AUT", "Austria"),
    ("AU", "AUS", "Australia"),
    ("AW", "ABW", "Aruba"),
    ("AX", "ALA", "Åland Islands"),
    ("AZ", "AZE", "Azerbaijan"),
    ("BA", "BIH", "Bosnia and Herzegovina"),
    ("BB", "BRB", "Barbados"),
    ("BD", "BGD", "Bangladesh"),
    ("BE", "BEL", "Belgium"),
    ("BF", "BFA", "Burkina Faso"),
    ("BG", "BGR", "Bulgaria"),
    ("BH", "BHR", "Bahrain"),
    ("BI", "BDI", "Burundi"),
    ("BJ", "BEN", "Benin"),
    ("BL", "BLM", "Saint Barthélemy"),
    ("BM", "BMU", "Bermuda"),
    ("BN", "BRN", "Brunei Darussalam"),
    ("BO", "BOL", "Bolivia"),
    ("BQ", "BES", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "BRA", "Brazil"),
    ("BS", "BHS", "Bahamas"),
    ("BT", "BTN", "Bhutan"),
    ("BV", "BVT", "Bouvet Island"),
    ("BW", "BWA", "Botswana"),
    ("BY", "BLR", "Belarus"),
    ("BZ", "BLZ", "Belize"),
    ("CA", "CAN", "Canada"),
    ("CC", "CCK", "Cocos (Keeling) Islands"),
    ("CD", "COD", "Congo, Democratic Republic of the"),
    ("CF", "CAF", "Central African Republic"),
    ("CG", "COG", "Congo"),
    ("CH", "CHE", "Switzerland"),
    ("CI", "CIV", "Côte d'Ivoire"),
    ("CK", "COK", "Cook Islands"),
    ("CL", "CHL", "Chile"),
    ("CM", "CMR", "Cameroon"),
    ("CN", "CHN", "China"),
    ("CO", "COL", "Colombia"),
    ("CR", "CRI", "Costa Rica"),
    ("CU", "CUB", "Cuba"),
    ("CV", "CPV", "Cabo Verde"),
    ("CW", "CUW", "Curaçao"),
    ("CX", "CXR", "Christmas Island"),
    ("CY", "CYP", "Cyprus"),
    ("CZ", "CZE", "Czechia"),
    ("DE", "DEU", "Germany"),
    ("DJ", "DJI", "Djibouti"),
    ("DK", "DNK", "Denmark"),
    ("DM", "DMA", "Dominica"),
    ("DO", "DOM", "Dominican Republic"),
    ("DZ", "DZA", "Algeria"),
    ("EC", "ECU", "Ecuador"),
    ("EE", "EST", "Estonia"),
    ("EG", "EGY", "Egypt"),
    ("EH", "ESH", "Western Sahara"),
    ("ER", "ERI", "Eritrea"),
    ("ES", "ESP", "Spain"),
    ("ET", "ETH", "Ethiopia"),
    ("FI", "FIN", "Finland"),
    ("FJ", "FJI", "Fiji"),
    ("FK", "FLK", "Falkland Islands (Malvinas)"),
    ("FM", "FSM", "Micronesia (Federated States of)"),
    ("FO", "FRO", "Faroe Islands"),
    ("FR", "FRA", "France"),
    ("GA", "GAB", "Gabon"),
    ("GB", "GBR", "United Kingdom"),
    ("GD", "GRD", "Grenada"),
    ("GE", "GEO", "Georgia"),
    ("GF", "GUF", "French Guiana"),
    ("GG", "GGY", "Guernsey"),
    ("GH", "GHA", "Ghana"),
    ("GI", "GIB", "Gibraltar"),
    ("GL", "GRL", "Greenland"),
    ("GM", "GMB", "Gambia"),
    ("GN", "GIN", "Guinea"),
    ("GP", "GLP", "Guadeloupe"),
    ("GQ", "GNQ", "Equatorial Guinea"),
    ("GR", "GRC", "Greece"),
    ("GS", "SGS", "South Georgia and the South Sandwich Islands"),
    ("GT", "GTM", "Guatemala"),
    ("GU", "GUM", "Guam"),
    ("GW", "GNB", "Guinea-Bissau"),
    ("GY", "GUY", "Guyana"),
    ("HK", "HKG", "Hong Kong"),
    ("HM", "HMD", "Heard Island and McDonald Islands"),
    ("HN", "HND", "Honduras"),
    ("HR", "HRV", "Croatia"),
    ("HT", "HTI", "Haiti"),
    ("HU", "HUN", "Hungary"),
    ("ID", "IDN", "Indonesia"),
    ("IE", "IRL", "Ireland"),
    ("IL", "ISR", "Israel"),
    ("IM", "IMN", "Isle of Man"),
    ("IN", "IND", "India"),
    ("IO", "IOT", "British Indian Ocean Territory"),
    ("IQ", "IRQ", "Iraq"),
    ("IR", "IRN", "Iran"),
    ("IS", "ISL", "Iceland"),
    ("IT", "ITA", "Italy"),
    ("JE", "JEY", "Jersey"),
    ("JM", "JAM", "Jamaica"),
    ("JO", "JOR", "Jordan"),
    ("JP", "JPN", "Japan"),
    ("KE", "KEN", "Kenya"),
    ("KG", "KGZ", "Kyrgyzstan"),
    ("KH", "KHM", "Cambodia"),
    ("KI", "KIR", "Kiribati"),
    ("KM", "COM", "Comoros"),
    ("KN", "KNA", "Saint Kitts and Nevis"),
    ("KP", "PRK", "North Korea"),
    ("KR", "KOR", "South Korea"),
    ("KW", "KWT", "Kuwait"),
    ("KY", "CYM", "Cayman Islands"),
    ("KZ", "KAZ", "Kazakhstan"),
    ("LA", "LAO", "Laos"),
    ("LB", "LBN", "Lebanon"),
    ("LC", "LCA", "Saint Lucia"),
    ("LI", "LIE", "Liechtenstein"),
    ("LK", "LKA", "Sri Lanka"),
    ("LR", "LBR", "Liberia"),
    ("LS", "LSO", "Lesotho"),
    ("LT", "LTU", "Lithuania"),
    ("LU", "LUX", "Luxembourg"),
    ("LV", "LVA", "Latvia"),
    ("LY", "LBY", "Libya"),
    ("MA", "MAR", "Morocco"),
    ("MC", "MCO", "Monaco"),
    ("MD", "MDA", "Moldova"),
    ("ME", "MNE", "Montenegro"),
    ("MF", "MAF", "Saint Martin (French part)"),
    ("MG", "MDG", "Madagascar"),
    ("MH", "MHL", "Marshall Islands"),
    ("MK", "MKD", "North Macedonia"),
    ("ML", "MLI", "Mali"),
    ("MM", "MMR", "Myanmar"),
    ("MN", "MNG", "Mongolia"),
    ("MO", "MAC", "Macao"),
    ("MP", "MNP", "Northern Mariana Islands"),
    ("MQ", "MTQ", "Martinique"),
    ("MR", "MRT", "Mauritania"),
    ("MS", "MSR", "Montserrat"),
    ("MT", "MLT", "Malta"),
    ("MU", "MUS", "Mauritius"),
    ("MV", "MDV", "Maldives"),
    ("MW", "MWI", "Malawi"),
    ("MX", "MEX", "Mexico"),
    ("MY", "MYS", "Malaysia"),
    ("MZ", "MOZ", "Mozambique"),
    ("NA", "NAM", "Namibia"),
    ("NC", "NCL", "New Caledonia"),
    ("NE", "NER", "Niger"),
    ("NF", "NFK", "Norfolk Island"),
    ("NG", "NGA", "Nigeria"),
    ("NI", "NIC", "Nicaragua"),
    ("NL", "NLD", "Netherlands"),
    ("NO", "NOR", "Norway"),
    ("NP", "NPL", "Nepal"),
    ("NR", "NRU", "Nauru"),
    ("NU", "NIU", "Niue"),
    ("NZ", "NZL", "New Zealand"),
    ("OM", "OMN", "Oman"),
    ("PA", "PAN", "Panama"),
    ("PE", "PER", "Peru"),
    ("PF", "PYF", "French Polynesia"),
    ("PG", "PNG", "Papua New Guinea"),
    ("PH", "PHL", "Philippines"),
    ("PK", "PAK", "Pakistan"),
    ("PL", "POL", "Poland"),
    ("PM", "SPM", "Saint Pierre and Miquelon"),
    ("PN", "PCN", "Pitcairn"),
    ("PR", "PRI", "Puerto Rico"),
    ("PS", "PSE", "Palestine"),
    ("PT", "PRT", "Portugal"),
    ("PW", "PLW", "Palau"),
    ("PY", "PRY", "Paraguay"),
    ("QA", "QAT", "Qatar"),
    ("RE", "REU", "Réunion"),
    ("RO", "ROU", "Romania"),
    ("RS", "SRB", "Serbia"),
    ("RU", "RUS", "Russia"),
    ("RW", "RWA", "Rwanda"),
    ("SA", "SAU", "Saudi Arabia"),
    ("SB", "SLB", "Solomon Islands"),
    ("SC", "SYC", "Seychelles"),
    ("SD", "SDN", "Sudan"),
    ("SE", "SWE", "Sweden"),
    ("SG", "SGP", "Singapore"),
    ("SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "SVN", "Slovenia"),
    ("SJ", "SJM", "Svalbard and Jan Mayen"),
    ("SK", "SVK", "Slovakia"),
    ("SL", "SLE", "Sierra Leone"),
    ("SM", "SMR", "San Marino"),
    ("SN", "SEN", "Senegal"),
    ("SO", "SOM", "Somalia"),
    ("SR", "SUR", "Suriname"),
    ("SS", "SSD", "South Sudan"),
    ("ST", "STP", "Sao Tome and Principe"),
    ("SV", "SLV", "El Salvador"),
    ("SX", "SXM", "Sint Maarten (Dutch part)"),
    ("SY", "SYR", "Syria"),
    ("SZ", "SWZ", "Eswatini"),
    ("TC", "TCA", "Turks and Caicos Islands"),
    ("TD", "TCD", "Chad"),
    ("TF", "ATF", "French Southern Territories"),
    ("TG", "TGO", "Togo"),
    ("TH", "THA", "Thailand"),
    ("TJ", "TJK", "Tajikistan"),
    ("TK", "TKL", "Tokelau"),
    ("TL", "TLS", "Timor-Leste"),
    ("TM", "TKM", "Turkmenistan"),
    ("TN", "TUN", "Tunisia"),
    ("TO", "TON", "Tonga"),
    ("TR", "TUR", "Türkiye"),
    ("TT", "TTO", "Trinidad and Tobago"),
    ("TV", "TUV", "Tuvalu"),
    ("TW", "TWN", "Taiwan"),
    ("TZ", "TZA", "Tanzania"),
    ("UA", "UKR", "Ukraine"),
    ("UG", "UGA", "Uganda"),
    ("UM", "UMI", "United States Minor Outlying Islands"),
    ("US", "USA", "United States"),
    ("UY", "URY", "Uruguay"),
    ("UZ", "UZB", "Uzbekistan"),
    ("VA", "VAT", "Holy See"),
    ("VC", "VCT", "Saint Vincent and the Grenadines"),
    ("VE", "VEN", "Venezuela"),
    ("VG", "VGB", "Virgin Islands (British)"),
    ("VI", "VIR", "Virgin Islands (U.S.)"),
    ("VN", "VNM", "Viet Nam"),
    ("VU", "VUT", "Vanuatu"),
    ("WF", "WLF", "Wallis and Futuna"),
    ("WS", "WSM", "Samoa"),
    ("YE", "YEM", "Yemen"),
    ("YT", "MYT", "Mayotte"),
    ("ZA", "ZAF", "South Africa"),
    ("ZM", "ZMB", "Zambia"),
    ("ZW", "ZWE", "Zimbabwe"),
];

/// Other names people write for a country in a nationality field (demonyms and older or
/// longer names), for recognising what was typed before nationality became a list. Folded text.
const ALSO_WRITTEN: &[(&str, &str)] = &[
    ("afghan", "AF"),
    ("american", "US"),
    ("australian", "AU"),
    ("bangladeshi", "BD"),
    ("bhutanese", "BT"),
    ("british", "GB"),
    ("brunei", "BN"),
    ("bruneian", "BN"),
    ("burma", "MM"),
    ("burmese", "MM"),
    ("cambodian", "KH"),
    ("canadian", "CA"),
    ("chinese", "CN"),
    ("cook islander", "CK"),
    ("dutch", "NL"),
    ("east timor", "TL"),
    ("fijian", "FJ"),
    ("filipino", "PH"),
    ("french", "FR"),
    ("german", "DE"),
    ("great britain", "GB"),
    ("i kiribati", "KI"),
    ("indian", "IN"),
    ("indonesian", "ID"),
    ("irish", "IE"),
    ("italian", "IT"),
    ("japanese", "JP"),
    ("korea", "KR"),
    ("lao", "LA"),
    ("lao pdr", "LA"),
    ("laotian", "LA"),
    ("malaysian", "MY"),
    ("maldivian", "MV"),
    ("marshallese", "MH"),
    ("micronesia", "FM"),
    ("micronesian", "FM"),
    ("mongolian", "MN"),
    ("myanmar", "MM"),
    ("nauruan", "NR"),
    ("nepalese", "NP"),
    ("nepali", "NP"),
    ("new zealander", "NZ"),
    ("ni vanuatu", "VU"),
    ("niuean", "NU"),
    ("pakistani", "PK"),
    ("palauan", "PW"),
    ("papua new guinean", "PG"),
    ("philippine", "PH"),
    ("republic of korea", "KR"),
    ("samoan", "WS"),
    ("singaporean", "SG"),
    ("solomon islander", "SB"),
    ("south korean", "KR"),
    ("spanish", "ES"),
    ("sri lankan", "LK"),
    ("swiss", "CH"),
    ("thai", "TH"),
    ("timorese", "TL"),
    ("tongan", "TO"),
    ("turkey", "TR"),
    ("tuvaluan", "TV"),
    ("uk", "GB"),
    ("usa", "US"),
    ("united states of america", "US"),
    ("vanuatuan", "VU"),
    ("vietnam", "VN"),
    ("vietnamese", "VN"),
];

/// The country's name, for a stored alpha-2 code.
pub fn name(alpha2: &str) -> Option<&'static str> {
    COUNTRIES.binary_search_by(|(code, _, _)| (*code).cmp(alpha2)).ok().map(|i| COUNTRIES[i].2)
}

/// The alpha-2 code of a member state recorded by its alpha-3 code.
pub fn alpha2_of(alpha3: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(_, three, _)| three.eq_ignore_ascii_case(alpha3.trim())).map(|(two, _, _)| *two)
}

/// A country of the list, carried by its alpha-2 code (as a nationality is stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(into = "String")]
pub struct Country(&'static str);

impl Country {
    /// A chosen nationality, or the message shown at the field.
    pub fn parse(text: &str) -> Result<Country, String> {
        parse(text).map(Country)
    }

    /// The alpha-2 code.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The English short name.
    pub fn name(self) -> &'static str {
        name(self.0).unwrap_or(self.0)
    }
}

checked_text!(Country);

/// A chosen nationality: an alpha-2 code from the list, or the message shown at the field.
pub fn parse(text: &str) -> Result<&'static str, String> {
    let code = text.trim();
    if code.is_empty() {
        return Err("Choose the officer's nationality.".into());
    }
    COUNTRIES
        .iter()
        .find(|(two, _, _)| two.eq_ignore_ascii_case(code))
        .map(|(two, _, _)| *two)
        .ok_or_else(|| "Choose a country from the list.".into())
}

/// The country meant by free text typed before the list existed: a name, a code or a demonym
/// ("Sri Lankan"), in any case and spacing. `None` when it is not recognised.
pub fn recognise(text: &str) -> Option<&'static str> {
    let folded = fold(text);
    if folded.is_empty() {
        return None;
    }
    let upper = folded.to_ascii_uppercase();
    COUNTRIES
        .iter()
        .find(|(two, three, name)| fold(name) == folded || *two == upper || *three == upper)
        .map(|(two, _, _)| *two)
        .or_else(|| ALSO_WRITTEN.iter().find(|(written, _)| *written == folded).and_then(|(_, code)| name_code(code)))
}

fn name_code(code: &str) -> Option<&'static str> {
    COUNTRIES.iter().find(|(two, _, _)| *two == code).map(|(two, _, _)| *two)
}

/// (code, name) of every country, by name; `first` (alpha-2 codes, such as the members' states)
/// are left out here so that a form can list them in a group of their own.
pub fn choices_except(first: &[String]) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = COUNTRIES
        .iter()
        .filter(|(two, _, _)| !first.iter().any(|f| f == two))
        .map(|(two, _, name)| (two.to_string(), name.to_string()))
        .collect();
    all.sort_by_cached_key(|(_, name)| fold(name));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_carries_its_code_and_name_and_is_stored_as_the_code() {
        let lanka = Country::parse(" lk ").unwrap();
        assert_eq!((lanka.code(), lanka.name()), ("LK", "Sri Lanka"));
        assert_eq!(serde_json::to_string(&lanka).unwrap(), "\"LK\"");
        assert_eq!(Country::parse("Sri Lankan"), Err("Choose a country from the list.".into()));
    }

    #[test]
    fn the_list_is_every_assigned_code_once_in_order() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0), "alpha-2 order, no duplicates");
        let mut threes: Vec<&str> = COUNTRIES.iter().map(|c| c.1).collect();
        threes.sort();
        threes.dedup();
        assert_eq!(threes.len(), 249);
        for (two, three, name) in COUNTRIES {
            assert!(two.len() == 2 && three.len() == 3 && !name.is_empty(), "{two} {three} {name}");
            assert!(two.chars().chain(three.chars()).all(|c| c.is_ascii_uppercase()));
        }
    }

    #[test]
    fn names_and_codes_are_looked_up() {
        assert_eq!(name("LK"), Some("Sri Lanka"));
        assert_eq!(name("XX"), None);
        assert_eq!(alpha2_of("tha"), Some("TH"));
        assert_eq!(alpha2_of("XXX"), None);
    }

    #[test]
    fn a_nationality_must_come_from_the_list() {
        assert_eq!(parse(" lk "), Ok("LK"));
        assert_eq!(parse("Sri Lanka"), Err("Choose a country from the list.".into()));
        assert_eq!(parse("XX"), Err("Choose a country from the list.".into()));
        assert_eq!(parse(""), Err("Choose the officer's nationality.".into()));
    }

    #[test]
    fn free_text_is_recognised_by_name_code_or_demonym() {
        assert_eq!(recognise("Sri Lankan"), Some("LK"));
        assert_eq!(recognise("  sri   lanka "), Some("LK"));
        assert_eq!(recognise("Viet Nam"), Some("VN"));
        assert_eq!(recognise("Vietnamese"), Some("VN"));
        assert_eq!(recognise("Cote d'Ivoire"), Some("CI"));
        assert_eq!(recognise("TÜRKIYE"), Some("TR"));
        assert_eq!(recognise("IDN"), Some("ID"));
        assert_eq!(recognise("th"), Some("TH"));
        assert_eq!(recognise("Papua New Guinean"), Some("PG"));
        assert_eq!(recognise("Atlantean"), None);
        assert_eq!(recognise("  "), None);
    }

    #[test]
    fn every_other_written_name_points_at_a_country() {
        for (written, code) in ALSO_WRITTEN {
            assert!(name(code).is_some(), "{written} → {code}");
            assert_eq!(fold(written), *written, "stored folded");
        }
    }

    #[test]
    fn choices_are_by_name_without_the_first_group() {
        let rest = choices_except(&["TH".to_string()]);
        assert_eq!(rest.len(), 248);
        assert!(!rest.iter().any(|(code, _)| code == "TH"));
        assert_eq!(rest[0].1, "Afghanistan");
        // Å sorts with A, not after Z.
        let aland = rest.iter().position(|(c, _)| c == "AX").unwrap();
        assert!(rest[aland - 1].1.starts_with('A') || rest[aland - 1].1.starts_with('Å'));
    }
}
