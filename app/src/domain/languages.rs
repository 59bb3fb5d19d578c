//! Languages of ISO 639-1: the two-letter code a language is stored as, and its English name.

use super::names::fold;

/// (code, name), in code order: every code of ISO 639-1.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("aa", "Afar"),
    ("ab", "Abkhazian"),
    ("ae", "Avestan"),
    ("af", "Afrikaans"),
    ("ak", "Akan"),
    ("am", "Amharic"),
    ("an", "Aragonese"),
    ("ar", "Arabic"),
    ("as", "Assamese"),
    ("av", "Avaric"),
    ("ay", "Aymara"),
    ("az", "Azerbaijani"),
    ("ba", "Bashkir"),
    ("be", "Belarusian"),
    ("bg", "Bulgarian"),
    ("bi", "Bislama"),
    ("bm", "Bambara"),
    ("bn", "Bengali"),
    ("bo", "Tibetan"),
    ("br", "Breton"),
    ("bs", "Bosnian"),
    ("ca", "Catalan"),
    ("ce", "Chechen"),
    ("ch", "Chamorro"),
    ("co", "Corsican"),
    ("cr", "Cree"),
    ("cs", "Czech"),
    ("cu", "Church Slavic"),
    ("cv", "Chuvash"),
    ("cy", "Welsh"),
    ("da", "Danish"),
    ("de", "German"),
    ("dv", "Dhivehi"),
    ("dz", "Dzongkha"),
    ("ee", "Ewe"),
    ("el", "Greek"),
    ("en", "English"),
    ("eo", "Esperanto"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("eu", "Basque"),
    ("fa", "Persian"),
    ("ff", "Fulah"),
    ("fi", "Finnish"),
    ("fj", "Fijian"),
    ("fo", "Faroese"),
    ("fr", "French"),
    ("fy", "Western Frisian"),
    ("ga", "Irish"),
    ("gd", "Scottish Gaelic"),
    ("gl", "Galician"),
    ("gn", "Guarani"),
    ("gu", "Gujarati"),
    ("gv", "Manx"),
    ("ha", "Hausa"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("ho", "Hiri Motu"),
    ("hr", "Croatian"),
    ("ht", "Haitian Creole"),
    ("hu", "Hungarian"),
    ("hy", "Armenian"),
    ("hz", "Herero"),
    ("ia", "Interlingua"),
    ("id", "Indonesian"),
    ("ie", "Interlingue"),
    ("ig", "Igbo"),
    ("ii", "Sichuan Yi"),
    ("ik", "Inupiaq"),
    ("io", "Ido"),
    ("is", "Icelandic"),
    ("it", "Italian"),
    ("iu", "Inuktitut"),
    ("ja", "Japanese"),
    ("jv", "Javanese"),
    ("ka", "Georgian"),
    ("kg", "Kongo"),
    ("ki", "Kikuyu"),
    ("kj", "Kuanyama"),
    ("kk", "Kazakh"),
    ("kl", "Kalaallisut"),
    ("km", "Khmer"),
    ("kn", "Kannada"),
    ("ko", "Korean"),
    ("kr", "Kanuri"),
    ("ks", "Kashmiri"),
    ("ku", "Kurdish"),
    ("kv", "Komi"),
    ("kw", "Cornish"),
    ("ky", "Kyrgyz"),
    ("la", "Latin"),
    ("lb", "Luxembourgish"),
    ("lg", "Ganda"),
    ("li", "Limburgish"),
    ("ln", "Lingala"),
    ("lo", "Lao"),
    ("lt", "Lithuanian"),
    ("lu", "Luba-Katanga"),
    ("lv", "Latvian"),
    ("mg", "Malagasy"),
    ("mh", "Marshallese"),
    ("mi", "Māori"),
    ("mk", "Macedonian"),
    ("ml", "Malayalam"),
    ("mn", "Mongolian"),
    ("mr", "Marathi"),
    ("ms", "Malay"),
    ("mt", "Maltese"),
    ("my", "Burmese"),
    ("na", "Nauru"),
    ("nb", "Norwegian Bokmål"),
    ("nd", "North Ndebele"),
    ("ne", "Nepali"),
    ("ng", "Ndonga"),
    ("nl", "Dutch"),
    ("nn", "Norwegian Nynorsk"),
    ("no", "Norwegian"),
    ("nr", "South Ndebele"),
    ("nv", "Navajo"),
    ("ny", "Chichewa"),
    ("oc", "Occitan"),
    ("oj", "Ojibwa"),
    ("om", "Oromo"),
    ("or", "Odia"),
    ("os", "Ossetian"),
    ("pa", "Punjabi"),
    ("pi", "Pali"),
    ("pl", "Polish"),
    ("ps", "Pashto"),
    ("pt", "Portuguese"),
    ("qu", "Quechua"),
    ("rm", "Romansh"),
    ("rn", "Rundi"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("rw", "Kinyarwanda"),
    ("sa", "Sanskrit"),
    ("sc", "Sardinian"),
    ("sd", "Sindhi"),
    ("se", "Northern Sami"),
    ("sg", "Sango"),
    ("si", "Sinhala"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sm", "Samoan"),
    ("sn", "Shona"),
    ("so", "Somali"),
    ("sq", "Albanian"),
    ("sr", "Serbian"),
    ("ss", "Swati"),
    ("st", "Southern Sotho"),
    ("su", "Sundanese"),
    ("sv", "Swedish"),
    ("sw", "Swahili"),
    ("ta", "Tamil"),
    ("te", "Telugu"),
    ("tg", "Tajik"),
    ("th", "Thai"),
    ("ti", "Tigrinya"),
    ("tk", "Turkmen"),
    ("tl", "Tagalog"),
    ("tn", "Tswana"),
    ("to", "Tongan"),
    ("tr", "Turkish"),
    ("ts", "Tsonga"),
    ("tt", "Tatar"),
    ("tw", "Twi"),
    ("ty", "Tahitian"),
    ("ug", "Uyghur"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("uz", "Uzbek"),
    ("ve", "Venda"),
    ("vi", "Vietnamese"),
    ("vo", "Volapük"),
    ("wa", "Walloon"),
    ("wo", "Wolof"),
    ("xh", "Xhosa"),
    ("yi", "Yiddish"),
    ("yo", "Yoruba"),
    ("za", "Zhuang"),
    ("zh", "Chinese"),
    ("zu", "Zulu"),
];

/// Other names people write for a language (folded), for recognising free text typed before
/// languages became a list.
const ALSO_WRITTEN: &[(&str, &str)] = &[
    ("bahasa", "id"),
    ("bahasa indonesia", "id"),
    ("bahasa malaysia", "ms"),
    ("bahasa melayu", "ms"),
    ("bangla", "bn"),
    ("cantonese", "zh"),
    ("dari", "fa"),
    ("divehi", "dv"),
    ("farsi", "fa"),
    ("filipino", "tl"),
    ("khmer cambodian", "km"),
    ("kirghiz", "ky"),
    ("maori", "mi"),
    ("mandarin", "zh"),
    ("mandarin chinese", "zh"),
    ("maldivian", "dv"),
    ("moldovan", "ro"),
    ("myanmar", "my"),
    ("oriya", "or"),
    ("panjabi", "pa"),
    ("pushto", "ps"),
    ("sinhalese", "si"),
];

/// The language's name, for a stored code.
pub fn name(code: &str) -> Option<&'static str> {
    LANGUAGES.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| LANGUAGES[i].1)
}

/// The names of stored codes, joined for reading ("Sinhala, English"); an unknown code is shown
/// as it is rather than hidden.
pub fn names(codes: &[String]) -> String {
    codes.iter().map(|c| name(c).unwrap_or(c.as_str())).collect::<Vec<_>>().join(", ")
}

/// A language of the list, carried by its ISO 639-1 code (as it is stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(into = "String")]
pub struct Language(&'static str);

impl Language {
    /// One language by its code, or the message shown at the field.
    pub fn parse(text: &str) -> Result<Language, String> {
        match parse(&[text.to_string()])?.first() {
            Some(code) => Ok(Language(code)),
            None => Err("Choose a language from the list.".into()),
        }
    }

    /// Chosen languages, each once, in the order chosen; or the message shown at the field.
    pub fn parse_all(chosen: &[String]) -> Result<Vec<Language>, String> {
        parse(chosen).map(|codes| codes.into_iter().map(Language).collect())
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The English name.
    pub fn name(self) -> &'static str {
        name(self.0).unwrap_or(self.0)
    }
}

checked_text!(Language);

/// Chosen languages: codes from the list, each once, in the order chosen; or the message shown
/// at the field.
pub fn parse(chosen: &[String]) -> Result<Vec<&'static str>, String> {
    let mut codes: Vec<&'static str> = Vec::new();
    for text in chosen.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let code = LANGUAGES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(text))
            .map(|(c, _)| *c)
            .ok_or_else(|| "Choose languages from the list.".to_string())?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// Free text such as "Sinhala, Tamil and English" split into recognised codes and the parts
/// not recognised (kept as written).
pub fn recognise(text: &str) -> (Vec<&'static str>, Vec<String>) {
    let mut codes: Vec<&'static str> = Vec::new();
    let mut unknown = Vec::new();
    let spaced = format!(" {text} ").replace(" and ", ",").replace(" & ", ",");
    for part in spaced.split([',', ';', '/', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let folded = fold(part);
        let found = LANGUAGES
            .iter()
            .find(|(code, name)| fold(name) == folded || *code == folded)
            .map(|(code, _)| *code)
            .or_else(|| ALSO_WRITTEN.iter().find(|(w, _)| *w == folded).map(|(_, code)| *code));
        match found {
            Some(code) if !codes.contains(&code) => codes.push(code),
            Some(_) => {}
            None => unknown.push(part.to_string()),
        }
    }
    (codes, unknown)
}

/// (code, name) of every language, by name.
pub fn choices() -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = LANGUAGES.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect();
    all.sort_by_cached_key(|(_, name)| fold(name));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_carry_their_codes_once_each_in_the_order_chosen() {
        let chosen = ["SI".to_string(), "en".to_string(), "si".to_string()];
        let languages = Language::parse_all(&chosen).unwrap();
        assert_eq!(languages.iter().map(|l| l.code()).collect::<Vec<_>>(), ["si", "en"]);
        assert_eq!(languages[0].name(), "Sinhala");
        assert_eq!(serde_json::to_string(&languages).unwrap(), "[\"si\",\"en\"]");
        assert!(Language::parse("klingon").is_err());
        assert!(Language::parse("").is_err());
    }

    #[test]
    fn the_list_is_every_code_once_in_order() {
        assert_eq!(LANGUAGES.len(), 183);
        assert!(LANGUAGES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(LANGUAGES
            .iter()
            .all(|(c, n)| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_lowercase()) && !n.is_empty()));
        for (written, code) in ALSO_WRITTEN {
            assert!(name(code).is_some(), "{written} → {code}");
            assert_eq!(fold(written), *written);
        }
    }

    #[test]
    fn chosen_codes_are_checked_and_kept_once() {
        let chosen = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse(&chosen(&["si", "EN", "si", " "])), Ok(vec!["si", "en"]));
        assert_eq!(parse(&chosen(&[])), Ok(vec![]));
        assert_eq!(parse(&chosen(&["en", "xx"])), Err("Choose languages from the list.".into()));
        assert_eq!(names(&chosen(&["si", "en"])), "Sinhala, English");
    }

    #[test]
    fn free_text_is_split_and_recognised() {
        assert_eq!(recognise("Sinhala, Tamil and English"), (vec!["si", "ta", "en"], vec![]));
        assert_eq!(recognise("Bahasa Indonesia; english / Mandarin"), (vec!["id", "en", "zh"], vec![]));
        assert_eq!(recognise("Tok Pisin, English, english"), (vec!["en"], vec!["Tok Pisin".to_string()]));
        assert_eq!(recognise(""), (vec![], vec![]));
    }

    #[test]
    fn choices_are_by_name() {
        let all = choices();
        assert_eq!(all.len(), 183);
        assert_eq!(all[0].1, "Abkhazian");
        assert!(all.windows(2).all(|w| fold(&w[0].1) <= fold(&w[1].1)));
    }
}
