//! The demo's funding: two agreements in two currencies, one past its alert threshold, with
//! commitments to the demo placements.

use crate::db::{self, v, Tx};
use crate::error::AppError;

/// The demo's funding: Australia's agreement in AUD, past 80 % used (its alert sent), and New
/// Zealand's in NZD, with commitments to the demo placements.
pub(super) async fn seed_funding(tx: &Tx, today: chrono::NaiveDate, donors: &[String]) -> Result<(), AppError> {
    let year = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    // (donor index, reference, title, currency, total in minor units)
    let agreements: [(usize, &str, &str, &str, i64); 2] = [
        (0, "AUS-2026-01", "Border cooperation secondments 2026–2028", "AUD", 25_000_000),
        (1, "NZL-2026-03", "Information sharing in the Pacific and Asia", "NZD", 12_000_000),
    ];
    // (agreement index, officer, category, amount in minor units)
    let commitments: [(usize, &str, &str, i64); 7] = [
        (0, "Dilini Jayasuriya", "stipend", 6_000_000),
        (0, "Dilini Jayasuriya", "travel", 500_000),
        (0, "Hoang Van Nam", "stipend", 4_800_000),
        (0, "Chamari Silva", "stipend", 5_000_000),
        (0, "Chamari Silva", "accommodation", 4_000_000),
        (1, "Wanida Chaiyasit", "stipend", 3_000_000),
        (1, "Wanida Chaiyasit", "training", 450_000),
    ];
    let mut ids = Vec::new();
    for (donor, reference, title, currency, total) in agreements {
        let id = db::rid("funding_agreement", &db::new_key());
        tx.run(
            "CREATE $id SET donor = $donor, reference = $reference, reference_key = string::lowercase($reference),
                title = $title, currency = $currency, total_minor = $total, period_start = $start, period_end = $end,
                notes = '', created_at = $now, updated_at = $now",
            vec![
                ("id", v(id.clone())),
                ("donor", v(db::rid("donor", &donors[donor]))),
                ("reference", v(reference)),
                ("title", v(title)),
                ("currency", v(currency)),
                ("total", v(total)),
                ("start", v(year(-300))),
                ("end", v(year(430))),
            ],
        )
        .await?;
        ids.push(id);
    }
    for (agreement, officer, category, amount) in commitments {
        tx.run(
            "CREATE commitment SET agreement = $agreement, category = $category, amount_minor = $amount, created_at = $now,
                placement = (SELECT VALUE id FROM placement WHERE officer_name = $officer AND state IN ['planned', 'active'] LIMIT 1)[0]",
            vec![
                ("agreement", v(ids[agreement].clone())),
                ("officer", v(officer)),
                ("category", v(category)),
                ("amount", v(amount)),
            ],
        )
        .await?;
    }
    // Rates and what was spent: a stipend paid in AUD, travel paid in THB at the table's rate.
    tx.run(
        "CREATE exchange_rate SET date = $early, from = 'THB', to = 'AUD', rate = '0.0431', source = 'Reserve Bank of Australia, daily', created_at = $now;
         CREATE exchange_rate SET date = $late, from = 'THB', to = 'AUD', rate = '0.0425', source = 'Reserve Bank of Australia, daily', created_at = $now;
         CREATE exchange_rate SET date = $early, from = 'NZD', to = 'AUD', rate = '0.9120', source = 'Reserve Bank of New Zealand', created_at = $now;
         CREATE exchange_rate SET date = $late, from = 'AUD', to = 'USD', rate = '0.6543', source = 'Reserve Bank of Australia', created_at = $now;
         CREATE exchange_rate SET date = $late, from = 'NZD', to = 'USD', rate = '0.5960', source = 'Reserve Bank of New Zealand', created_at = $now;
         LET $dilini = (SELECT VALUE id FROM placement WHERE officer_name = 'Dilini Jayasuriya' LIMIT 1)[0];
         CREATE expenditure SET agreement = $agreement, placement = $dilini, category = 'stipend', date = $paid, amount_minor = 2000000,
            currency = 'AUD', rate = '1', rate_source = 'Same currency', converted_minor = 2000000, evidence = 'PV-2026-0113', created_at = $now;
         CREATE expenditure SET agreement = $agreement, placement = $dilini, category = 'travel', date = $paid, amount_minor = 4500000,
            currency = 'THB', rate = '0.0431', rate_source = 'Reserve Bank of Australia, daily', converted_minor = 193950,
            evidence = 'TKT-884213', created_at = $now;",
        vec![
            ("early", v(year(-200))),
            ("late", v(year(-20))),
            ("paid", v(year(-100))),
            ("agreement", v(ids[0].clone())),
        ],
    )
    .await?;
    // 203,000 of 250,000 AUD committed: past the 80 % alert, which was sent.
    tx.run("UPDATE $id SET alert_level = 80", vec![("id", v(ids[0].clone()))]).await?;
    Ok(())
}
