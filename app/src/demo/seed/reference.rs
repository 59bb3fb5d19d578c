//! The demo's reference data: members, agencies with their contacts, donors, themes, and the
//! six demo logins' users.

use std::collections::HashMap;

use super::DEMO_LOGINS;
use crate::audit::{self, Actor};
use crate::db::{self, v, Tx};
use crate::error::AppError;

const MEMBERS: &[(&str, &str, Option<&str>)] = &[
    ("Australia", "state", Some("AUS")),
    ("Bangladesh", "state", Some("BGD")),
    ("Indonesia", "state", Some("IDN")),
    ("Malaysia", "state", Some("MYS")),
    ("Maldives", "state", Some("MDV")),
    ("New Zealand", "state", Some("NZL")),
    ("Sri Lanka", "state", Some("LKA")),
    ("Thailand", "state", Some("THA")),
    ("Timor-Leste", "state", Some("TLS")),
    ("Viet Nam", "state", Some("VNM")),
    ("International Organization for Migration (IOM)", "organisation", None),
    ("UNHCR", "organisation", None),
    ("UNODC", "organisation", None),
    ("Regional Support Office", "organisation", None),
];

/// (member, agency, sends, hosts, contact name, contact e-mail, language)
const AGENCIES: &[(&str, &str, bool, bool, &str, &str, &str)] = &[
    (
        "Sri Lanka",
        "Department of Immigration and Emigration",
        true,
        false,
        "Nimal Perera",
        "secondments@immigration.lk.example",
        "si",
    ),
    (
        "Indonesia",
        "Directorate General of Immigration",
        true,
        true,
        "Siti Rahayu",
        "kerjasama@imigrasi.id.example",
        "id",
    ),
    ("Thailand", "Immigration Bureau", true, true, "Somchai Wongsa", "foreign.affairs@immigration.th.example", "th"),
    (
        "Australia",
        "Department of Foreign Affairs and Trade",
        true,
        false,
        "Emma Clarke",
        "regional.programs@dfat.au.example",
        "en",
    ),
    ("Malaysia", "Ministry of Foreign Affairs", true, false, "Aisyah Rahman", "secondment@kln.my.example", "ms"),
    (
        "Viet Nam",
        "Immigration Department, Ministry of Public Security",
        true,
        false,
        "Nguyen Van An",
        "hoptac@xuatnhapcanh.vn.example",
        "vi",
    ),
    (
        "Regional Support Office",
        "Regional Support Office, Bangkok",
        false,
        true,
        "RSO Programme Team",
        "programme@rso.example",
        "en",
    ),
];

const DONORS: &[(&str, Option<&str>)] =
    &[("Government of Australia", Some("AUS")), ("Government of New Zealand", Some("NZL"))];

const THEMES: &[&str] = &[
    "Law enforcement",
    "Border management",
    "Stakeholder engagement",
    "Information sharing",
    "Public information campaigns",
    "Victim protection",
    "Migration management",
    "Trafficking in persons into online scams",
    "Irregular maritime movement",
    "Aviation people smuggling",
];

/// The keys of what [`seed_reference`] made, by name (agencies), in order (donors, themes) or by
/// role (users), for the programme seeded on top of it.
pub(super) struct Keys {
    pub agencies: HashMap<&'static str, String>,
    pub donors: Vec<String>,
    pub themes: Vec<String>,
    pub users: HashMap<&'static str, String>,
}

/// Creates the reference data and the demo users (with these password hashes, one per login).
pub(super) async fn seed_reference(tx: &Tx, hashes: &[String]) -> Result<Keys, AppError> {
    let system = Actor::system();
    let mut member_keys = HashMap::new();
    for (name, kind, iso) in MEMBERS {
        let key = db::new_key();
        tx.run(
            "CREATE $id SET name = $name, name_key = string::lowercase($name), kind = $kind, iso_code = $iso",
            vec![
                ("id", v(db::rid("member", &key))),
                ("name", v(name.to_string())),
                ("kind", v(kind.to_string())),
                ("iso", v(iso.map(str::to_string))),
            ],
        )
        .await?;
        audit::record(tx, &system, "seeded", "member", &key, None, None).await?;
        member_keys.insert(*name, key);
    }
    let mut agency_keys = HashMap::new();
    for (member, name, sends, hosts, contact, email, lang) in AGENCIES {
        let key = db::new_key();
        tx.run(
            "CREATE $id SET name = $name, name_key = string::lowercase($name), member = $member, sends = $sends, hosts = $hosts;
             CREATE contact SET agency = $id, name = $contact, email = $email, language = $lang;",
            vec![
                ("id", v(db::rid("agency", &key))),
                ("name", v(name.to_string())),
                ("member", v(db::rid("member", &member_keys[member]))),
                ("sends", v(*sends)),
                ("hosts", v(*hosts)),
                ("contact", v(contact.to_string())),
                ("email", v(email.to_string())),
                ("lang", v(lang.to_string())),
            ],
        )
        .await?;
        audit::record(tx, &system, "seeded", "agency", &key, None, None).await?;
        agency_keys.insert(*name, key);
    }
    let mut donor_keys = Vec::new();
    for (name, country) in DONORS {
        let key = db::new_key();
        tx.run(
            "CREATE $id SET name = $name, name_key = string::lowercase($name), country = $country",
            vec![
                ("id", v(db::rid("donor", &key))),
                ("name", v(name.to_string())),
                ("country", v(country.map(str::to_string))),
            ],
        )
        .await?;
        audit::record(tx, &system, "seeded", "donor", &key, None, None).await?;
        donor_keys.push(key);
    }
    let mut theme_keys = Vec::new();
    for name in THEMES {
        let key = db::new_key();
        theme_keys.push(key.clone());
        tx.run(
            "CREATE $id SET name = $name, name_key = string::lowercase($name)",
            vec![("id", v(db::rid("theme", &key))), ("name", v(name.to_string()))],
        )
        .await?;
    }
    let mut user_keys = HashMap::new();
    let names = ["Ayesha Admin", "Kanya Srisuk", "Nimal Perera", "Somchai Wongsa", "Dilini Jayasuriya", "Emma Clarke"];
    for (((email, role), hash), name) in DEMO_LOGINS.iter().zip(hashes.iter()).zip(names) {
        let agency = match *role {
            "nominator" => Some(db::rid("agency", &agency_keys["Department of Immigration and Emigration"])),
            "host" => Some(db::rid("agency", &agency_keys["Regional Support Office, Bangkok"])),
            _ => None,
        };
        let donor = (*role == "donor").then(|| db::rid("donor", &donor_keys[0]));
        let key = db::new_key();
        tx.run(
            "CREATE $id SET email = $email, name = $name, role = $role, agency = $agency, donor = $donor, password_hash = $hash",
            vec![
                ("id", v(db::rid("user", &key))),
                ("email", v(email.to_string())),
                ("name", v(name.to_string())),
                ("role", v(role.to_string())),
                ("agency", v(agency)),
                ("donor", v(donor)),
                ("hash", v(hash.clone())),
            ],
        )
        .await?;
        audit::record(tx, &system, "seeded", "user", &key, None, None).await?;
        user_keys.insert(*role, key);
    }
    Ok(Keys { agencies: agency_keys, donors: donor_keys, themes: theme_keys, users: user_keys })
}
