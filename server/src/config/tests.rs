//! The configuration read from the environment: defaults, accepted values and refusals.

use super::*;
use std::collections::HashMap;

fn config(pairs: &[(&str, &str)]) -> Result<Config, String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn defaults() {
    let c = config(&[]).unwrap();
    assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
    assert_eq!(c.db_endpoint, "surrealkv://data/hub.db");
    assert_eq!(c.public_url, "http://127.0.0.1:3000");
    assert!(!c.demo && c.db_credentials.is_none());
    assert_eq!(c.demo_years, DEFAULT_DEMO_YEARS);
    assert_eq!(config(&[("HUB_DEMO_YEARS", "0")]).unwrap().demo_years, 0);
    assert_eq!(c.db_memory_mb, 256);
    assert_eq!(c.db_target().memory_mb, Some(256));
    assert_eq!(config(&[("HUB_DB_MEMORY_MB", "64")]).unwrap().db_memory_mb, 64);
}

#[test]
fn errors_name_the_variable() {
    assert!(config(&[("HUB_ADDR", "nowhere")]).unwrap_err().starts_with("HUB_ADDR"));
    assert!(config(&[("HUB_DB", "postgres://x")]).unwrap_err().starts_with("HUB_DB"));
    assert!(config(&[("HUB_DB_USER", "root")]).unwrap_err().contains("HUB_DB_PASS"));
    assert!(config(&[("HUB_DEMO", "maybe")]).unwrap_err().starts_with("HUB_DEMO"));
    for bad in ["16", "lots", "-1", "100000"] {
        assert!(config(&[("HUB_DB_MEMORY_MB", bad)]).unwrap_err().starts_with("HUB_DB_MEMORY_MB"), "{bad}");
    }
    assert!(config(&[("HUB_DEMO_YEARS", "11")]).unwrap_err().starts_with("HUB_DEMO_YEARS"));
    assert!(config(&[("HUB_DEMO_YEARS", "two")]).unwrap_err().starts_with("HUB_DEMO_YEARS"));
    for bad in ["hub; REMOVE DATABASE hub", "1hub", "hub-test", &"a".repeat(65)] {
        assert!(config(&[("HUB_DB_DATABASE", bad)]).unwrap_err().starts_with("HUB_DB_DATABASE"), "{bad}");
        assert!(config(&[("HUB_DB_NAMESPACE", bad)]).unwrap_err().starts_with("HUB_DB_NAMESPACE"), "{bad}");
    }
}

#[test]
fn a_server_target_carries_its_names_and_hides_its_password() {
    let c = config(&[
        ("HUB_DB", "ws://127.0.0.1:8000"),
        ("HUB_DB_USER", "root"),
        ("HUB_DB_PASS", "s3cret-pass"),
        ("HUB_DB_NAMESPACE", "rso"),
        ("HUB_DB_DATABASE", "secondments_2027"),
    ])
    .unwrap();
    let target = c.db_target();
    assert_eq!((target.namespace.as_str(), target.database.as_str()), ("rso", "secondments_2027"));
    assert_eq!(target.credentials.as_ref().map(|(_, p)| p.as_str()), Some("s3cret-pass"));
    assert!(!format!("{target:?} {c:?}").contains("s3cret-pass"));
    let plain = config(&[]).unwrap().db_target();
    assert_eq!((plain.namespace.as_str(), plain.database.as_str()), ("hub", "hub"));
}

#[test]
fn smtp_settings() {
    let c = config(&[("HUB_SMTP_URL", "smtp://127.0.0.1:2525")]).unwrap();
    assert!(c.smtp_url.is_some());
    assert_eq!(c.mail_from.to_string(), "Secondment Hub <no-reply@localhost>");
    let c = config(&[("HUB_PUBLIC_URL", "https://hub.rso.example/"), ("HUB_SMTP_URL", "smtps://u:p@mail.example:465")])
        .unwrap();
    assert_eq!(c.mail_from.email.to_string(), "no-reply@hub.rso.example");
    for bad in ["not a url", "http://mail.example", "smtp://", "smtp://mail.example:25?tls=sometimes"] {
        let err = config(&[("HUB_SMTP_URL", bad)]).unwrap_err();
        assert!(err.starts_with("HUB_SMTP_URL"), "{bad}: {err}");
    }
    assert!(config(&[("HUB_MAIL_FROM", "nobody")]).unwrap_err().starts_with("HUB_MAIL_FROM"));
    let secret = config(&[("HUB_SMTP_URL", "smtps://user:s3cret-pass@mail.example:465")]).unwrap();
    assert!(!format!("{secret:?}").contains("s3cret-pass"));
}

#[test]
fn the_office_clock_settings() {
    let c = config(&[]).unwrap();
    assert_eq!(c.timezone, chrono_tz::Asia::Bangkok);
    assert_eq!(c.today, None);
    let c = config(&[("HUB_TIMEZONE", "Pacific/Auckland")]).unwrap();
    assert_eq!(c.timezone, chrono_tz::Pacific::Auckland);
    assert!(config(&[("HUB_TIMEZONE", "UTC+7")]).unwrap_err().starts_with("HUB_TIMEZONE"));
    // Moving the clock is for demo and test servers only.
    assert!(config(&[("HUB_TODAY", "2027-03-15")]).unwrap_err().contains("HUB_DEMO=1"));
    let c = config(&[("HUB_TODAY", "2027-03-15"), ("HUB_DEMO", "1")]).unwrap();
    assert_eq!(c.today, chrono::NaiveDate::from_ymd_opt(2027, 3, 15));
    assert!(config(&[("HUB_TODAY", "15/03/2027"), ("HUB_DEMO", "1")]).unwrap_err().starts_with("HUB_TODAY"));
}

#[test]
fn trusted_proxies_are_address_ranges() {
    assert!(config(&[]).unwrap().trusted_proxies.is_empty());
    let c = config(&[("HUB_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]).unwrap();
    assert_eq!(c.trusted_proxies.len(), 2);
    assert!(config(&[("HUB_TRUSTED_PROXIES", "10.0.0.0/40")]).unwrap_err().starts_with("HUB_TRUSTED_PROXIES"));
}

#[test]
fn the_database_password_is_never_printed() {
    let c = config(&[("HUB_DB", "ws://127.0.0.1:8000"), ("HUB_DB_USER", "root"), ("HUB_DB_PASS", "hunter2-secret")])
        .unwrap();
    assert!(!format!("{c:?}").contains("hunter2-secret"));
}
