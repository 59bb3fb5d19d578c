//! Demo data for a first look (`HUB_DEMO=1`), written only into an empty database.

use crate::audit::{self, Actor};
use crate::auth::password;
use crate::db::{self, v, Tx};
use crate::error::AppError;
use crate::state::Db;

pub const DEMO_PASSWORD: &str = "demo-password-1";

/// The demo logins, one per role: (e-mail, role).
pub const DEMO_LOGINS: [(&str, &str); 6] = [
    ("admin@demo.hub", "admin"),
    ("coordinator@demo.hub", "coordinator"),
    ("nominator@demo.hub", "nominator"),
    ("host@demo.hub", "host"),
    ("secondee@demo.hub", "secondee"),
    ("donor@demo.hub", "donor"),
];

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

/// Seeds the demo data when the database has no users. Returns whether it seeded.
pub async fn seed_if_empty(db: &Db) -> Result<bool, AppError> {
    let mut r = db
        .query("RETURN count(SELECT id FROM user LIMIT 1)")
        .await
        .and_then(|r| r.check())
        .map_err(db::fail("seed check"))?;
    let users: Option<i64> = r.take(0).map_err(db::fail("seed check decode"))?;
    if users.unwrap_or(0) > 0 {
        return Ok(false);
    }

    let mut hashes = Vec::new();
    for _ in DEMO_LOGINS {
        hashes.push(password::hash(DEMO_PASSWORD.to_string()).await?);
    }

    let tx = Tx::begin(db).await?;
    let result = async {
        let system = Actor::system();
        let mut member_keys = std::collections::HashMap::new();
        for (name, kind, iso) in MEMBERS {
            let key = db::new_key();
            tx.run(
                "CREATE $id SET name = $name, name_key = string::lowercase($name), kind = $kind, iso_code = $iso",
                vec![("id", v(db::rid("member", &key))), ("name", v(name.to_string())), ("kind", v(kind.to_string())), ("iso", v(iso.map(str::to_string)))],
            )
            .await?;
            audit::record(&tx, &system, "seeded", "member", &key, None, None).await?;
            member_keys.insert(*name, key);
        }
        let mut agency_keys = std::collections::HashMap::new();
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
            audit::record(&tx, &system, "seeded", "agency", &key, None, None).await?;
            agency_keys.insert(*name, key);
        }
        let mut donor_keys = Vec::new();
        for (name, country) in DONORS {
            let key = db::new_key();
            tx.run(
                "CREATE $id SET name = $name, name_key = string::lowercase($name), country = $country",
                vec![("id", v(db::rid("donor", &key))), ("name", v(name.to_string())), ("country", v(country.map(str::to_string)))],
            )
            .await?;
            audit::record(&tx, &system, "seeded", "donor", &key, None, None).await?;
            donor_keys.push(key);
        }
        for name in THEMES {
            let key = db::new_key();
            tx.run(
                "CREATE $id SET name = $name, name_key = string::lowercase($name)",
                vec![("id", v(db::rid("theme", &key))), ("name", v(name.to_string()))],
            )
            .await?;
        }
        let names = ["Ayesha Admin", "Kanya Srisuk", "Nimal Perera", "Somchai Wongsa", "Dilini Jayasuriya", "Emma Clarke"];
        for (((email, role), hash), name) in DEMO_LOGINS.iter().zip(&hashes).zip(names) {
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
            audit::record(&tx, &system, "seeded", "user", &key, None, None).await?;
        }
        Ok(())
    }
    .await;
    tx.finish(result).await?;
    tracing::info!("demo data seeded");
    Ok(true)
}
