//! A programme's years of data, made up: `server generate --years 10 --seed N [--scale F]`.
//!
//! It starts from the demo (so the demo logins work as each role) and adds what a programme
//! accumulates: members and agencies, their people, nominations in every state with their
//! history and documents, the placements of the approved ones (extended, ended early,
//! overlapping), their reporting cycles and reports in every state, agreements in several
//! currencies with commitments, expenditures and dated rates, the audit trail and the mail log.
//!
//! Rows have the fields the app writes, and nothing else, and are written in batches through
//! the one transaction path. Everything is drawn from one seeded generator: the same seed and
//! scale give the same data (keys included). Dates count back from the office clock's today.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};
use surrealdb::types::{RecordId, SurrealValue, Value};

use crate::db::{rid, v};
use crate::domain::Period;
use crate::error::AppError;
use crate::notifications::outbox::notification_key;
use crate::notifications::EventKind;
use crate::reports::cycles::ReportKind;
use crate::reports::plan::{Alignment, Frequency, Schedule};
use crate::reports::rules::ReportEventKind;
use crate::state::AppState;

/// What to make: `years` of a programme, every count multiplied by `scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub years: u32,
    pub seed: u64,
    pub scale: f64,
}

/// The ten-year programme's counts at scale 1: members and agencies per programme, the rest per
/// ten years (other lengths are in proportion).
const MEMBERS: f64 = 30.0;
const AGENCIES: f64 = 120.0;
const NOMINATIONS: f64 = 20_000.0;
const AGREEMENTS: f64 = 40.0;
const EXPENDITURES_PER_PLACEMENT: u32 = 4;
/// Rows per INSERT.
const BATCH: usize = 1_000;

const CURRENCIES: [(&str, i64, &str); 5] = [
    ("AUD", 400_000, "0.65"),
    ("NZD", 420_000, "0.60"),
    ("USD", 300_000, "1"),
    ("EUR", 280_000, "1.08"),
    ("JPY", 450_000, "0.0068"),
];
const FIRST_NAMES: &[&str] = &[
    "Nimal", "Siti", "Somchai", "Nguyen", "Aisyah", "Tran", "Kasun", "Dilini", "Ahmad", "Wanida", "Hoang", "Nurul",
    "Rahim", "Malee", "Farida", "Budi", "Anan", "Thi", "Mohamed", "Aminath", "Joao", "Maria", "Sokha", "Rina",
];
const LAST_NAMES: &[&str] = &[
    "Perera",
    "Rahayu",
    "Wongsa",
    "Van An",
    "Rahman",
    "Thi Mai",
    "Fernando",
    "Jayasuriya",
    "Ismail",
    "Chai",
    "Minh",
    "Huda",
    "Hasan",
    "Santoso",
    "Srisuk",
    "Ibrahim",
    "Shareef",
    "da Costa",
    "Soares",
    "Chan",
    "Lim",
    "Pham",
];
const POSITIONS: &[&str] =
    &["Immigration officer", "Policy analyst", "Legal adviser", "Data analyst", "Border liaison officer", "Trainer"];
/// Nationalities (ISO 3166-1 alpha-2) of the region's officers, with a language each (ISO 639-1).
const OFFICERS: &[(&str, &str)] = &[
    ("LK", "si"),
    ("ID", "id"),
    ("TH", "th"),
    ("VN", "vi"),
    ("MY", "ms"),
    ("PH", "tl"),
    ("BD", "bn"),
    ("KH", "km"),
    ("FJ", "fj"),
    ("NP", "ne"),
];
const ZONES: &[&str] =
    &["Asia/Bangkok", "Asia/Jakarta", "Asia/Colombo", "Australia/Sydney", "Pacific/Auckland", "Asia/Dhaka"];

/// What the generator wrote, by table.
pub type Written = BTreeMap<&'static str, u64>;

/// Fills the database. Refuses one that has users unless `force`, which empties every table
/// first. `progress` hears a line now and then.
pub async fn run(state: &AppState, plan: Plan, force: bool, progress: &dyn Fn(&str)) -> Result<Written, AppError> {
    if plan.scale <= 0.0 || plan.years == 0 {
        return Err(AppError::Conflict("--years and --scale must be more than zero".into()));
    }
    if !is_empty(state).await? {
        if !force {
            return Err(AppError::Conflict("the database is not empty; add --force to replace its data".into()));
        }
        progress("emptying the database");
        empty_all(state).await?;
    }
    crate::demo::seed::seed_if_empty(state).await?;
    let mut g = Generator::new(state, plan).await?;
    g.reference_data(progress).await?;
    g.rates().await?;
    g.agreements().await?;
    g.programme(progress).await?;
    g.sink.flush_all().await?;
    g.tallies().await?;
    Ok(g.sink.written)
}

/// Whether the database has no data yet (no user).
pub async fn is_empty(state: &AppState) -> Result<bool, AppError> {
    let mut r =
        state.db.query("RETURN count(SELECT id FROM user LIMIT 1)").await.map_err(crate::db::fail("generate check"))?;
    let n: Option<i64> = r.take(0).map_err(crate::db::fail("generate check decode"))?;
    Ok(n.unwrap_or(0) == 0)
}

/// The tables whose rows are data (the schema, migrations and the scheduler's lease stay).
const DATA_TABLES: &[&str] = &[
    "member",
    "agency",
    "contact",
    "donor",
    "theme",
    "user",
    "session",
    "login_throttle",
    "audit_event",
    "notification",
    "account_token",
    "nomination",
    "nomination_event",
    "nomination_document",
    "access_event",
    "placement",
    "placement_event",
    "scheduled_job",
    "report",
    "report_version",
    "report_event",
    "report_document",
    "funding_agreement",
    "commitment",
    "exchange_rate",
    "expenditure",
    "funding_line",
    "tally",
    "donor_placement",
    "donor_report",
    "call",
    "enquiry",
];

async fn empty_all(state: &AppState) -> Result<(), AppError> {
    for table in DATA_TABLES {
        state
            .db
            .query(format!("DELETE {table}"))
            .await
            .and_then(|r| r.check())
            .map_err(crate::db::fail("generate empty"))?;
    }
    state
        .db
        .query("DELETE report_cycle WHERE placement != NONE OR agreement != NONE")
        .await
        .and_then(|r| r.check())
        .map_err(crate::db::fail("generate empty"))?;
    Ok(())
}

/// Rows waiting to be written, by table; a table's rows go in one INSERT when a batch is full.
struct Sink<'a> {
    state: &'a AppState,
    pending: BTreeMap<&'static str, Vec<Value>>,
    written: Written,
}

impl<'a> Sink<'a> {
    async fn put(&mut self, table: &'static str, row: impl SurrealValue) -> Result<(), AppError> {
        let rows = self.pending.entry(table).or_default();
        rows.push(row.into_value());
        if rows.len() >= BATCH {
            self.flush(table).await?;
        }
        Ok(())
    }

    /// Writes the rows waiting for `table`, after those of a table its rows need in place: a
    /// commitment's event writes its placement's funders (migration 0015).
    async fn flush(&mut self, table: &'static str) -> Result<(), AppError> {
        if table == "commitment" {
            self.flush_one("placement").await?;
        }
        self.flush_one(table).await
    }

    async fn flush_one(&mut self, table: &'static str) -> Result<(), AppError> {
        let rows = self.pending.remove(table).unwrap_or_default();
        if rows.is_empty() {
            return Ok(());
        }
        let n = rows.len() as u64;
        // The outbox ignores a mail it already holds (same event, record and recipient), as
        // `outbox::enqueue` does.
        let verb = if table == "notification" { "INSERT IGNORE INTO" } else { "INSERT INTO" };
        let sql = format!("{verb} {table} $rows RETURN NONE");
        let (sql, rows) = (&sql, &rows);
        crate::db::transact(
            self.state,
            |tx| async move { tx.run(sql, vec![("rows", v(rows.clone()))]).await.map(|_| ()) },
        )
        .await?;
        *self.written.entry(table).or_default() += n;
        Ok(())
    }

    async fn flush_all(&mut self) -> Result<(), AppError> {
        let tables: Vec<&'static str> = self.pending.keys().copied().collect();
        for table in tables {
            self.flush(table).await?;
        }
        Ok(())
    }
}

#[derive(Clone)]
struct Agency {
    id: RecordId,
    member: RecordId,
    sends: bool,
    hosts: bool,
    contact: (String, String),
    nominator: RecordId,
    host_user: Option<RecordId>,
}

struct Agreement {
    id: RecordId,
    currency: usize,
    period: Period,
    total: i64,
    committed: i64,
}

struct Generator<'a> {
    sink: Sink<'a>,
    rng: StdRng,
    plan: Plan,
    today: NaiveDate,
    now: DateTime<Utc>,
    agencies: Vec<Agency>,
    themes: Vec<RecordId>,
    donors: Vec<RecordId>,
    coordinators: Vec<(RecordId, String)>,
    agreements: Vec<Agreement>,
    officers: Vec<(String, String)>,
    /// The nomination whose history is being written, as its mails name it: (reference,
    /// officer). Its placement and reports are written within it, so every mail of one
    /// officer's programme reads as the live mail would.
    writing: (String, String),
    files_dir: std::path::PathBuf,
}

impl<'a> Generator<'a> {
    async fn new(state: &'a AppState, plan: Plan) -> Result<Generator<'a>, AppError> {
        let mut r = state
            .db
            .query(
                "SELECT VALUE id FROM theme ORDER BY name_key;
                 SELECT VALUE id FROM donor ORDER BY name_key;
                 SELECT id, name FROM user WHERE role = 'coordinator';",
            )
            .await
            .and_then(|r| r.check())
            .map_err(crate::db::fail("generate read"))?;
        let themes: Vec<RecordId> = r.take(0).map_err(crate::db::fail("generate decode"))?;
        let donors: Vec<RecordId> = r.take(1).map_err(crate::db::fail("generate decode"))?;
        let coordinators: Vec<Person> = r.take(2).map_err(crate::db::fail("generate decode"))?;
        Ok(Generator {
            sink: Sink { state, pending: BTreeMap::new(), written: Written::new() },
            rng: StdRng::seed_from_u64(plan.seed),
            plan,
            today: state.clock.today(),
            now: state.clock.now(),
            agencies: Vec::new(),
            themes,
            donors,
            coordinators: coordinators.into_iter().map(|c| (c.id, c.name)).collect(),
            agreements: Vec::new(),
            officers: Vec::new(),
            writing: Default::default(),
            files_dir: state.settings.files_dir.clone(),
        })
    }

    /// `per_ten_years` scaled by the plan and the years, at least `floor`.
    fn count(&self, per_ten_years: f64, floor: usize) -> usize {
        ((per_ten_years * self.plan.scale * self.plan.years as f64 / 10.0).round() as usize).max(floor)
    }

    /// `per_programme` scaled by the plan (not the years: a programme's members and agencies do
    /// not multiply with its age), at least `floor`.
    fn size(&self, per_programme: f64, floor: usize) -> usize {
        ((per_programme * self.plan.scale).round() as usize).max(floor)
    }

    fn key(&mut self) -> String {
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..20).map(|_| CHARS[self.rng.random_range(0..CHARS.len())] as char).collect()
    }

    fn id(&mut self, table: &str) -> RecordId {
        let key = self.key();
        rid(table, &key)
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())].clone()
    }

    fn person(&mut self) -> String {
        format!("{} {}", self.pick(FIRST_NAMES), self.pick(LAST_NAMES))
    }

    /// The first day of the programme.
    fn first_day(&self) -> NaiveDate {
        self.today - Duration::days(365 * self.plan.years as i64)
    }

    fn at(day: NaiveDate, seconds: i64) -> DateTime<Utc> {
        day.and_hms_opt(0, 0, 0).expect("midnight").and_utc() + Duration::seconds(seconds)
    }

    /// A moment some time on `day` during office hours, never after the clock's now.
    fn moment(&mut self, day: NaiveDate) -> DateTime<Utc> {
        let at = Self::at(day, self.rng.random_range(3600..10 * 3600))
            + Duration::milliseconds(self.rng.random_range(0..1000));
        at.min(self.now)
    }

    async fn audit(
        &mut self,
        at: DateTime<Utc>,
        actor: &(RecordId, String),
        action: &str,
        table: &str,
        key: &str,
    ) -> Result<(), AppError> {
        self.sink
            .put(
                "audit_event",
                Audit {
                    at,
                    actor: Some(actor.0.clone()),
                    actor_label: actor.1.clone(),
                    action: action.into(),
                    record_table: table.into(),
                    record_key: key.into(),
                    before: None,
                    after: Some(format!("{{\"action\":\"{action}\"}}")),
                },
            )
            .await
    }

    /// A mail as the outbox keeps it, sent unless it is recent (pending) or one in a hundred
    /// (failed after its tries).
    async fn mail(
        &mut self,
        event: EventKind,
        table: &str,
        key: &str,
        to: &(String, String),
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let record = format!("{table}:{key}");
        let id = rid("notification", &notification_key(event, &record, &to.1));
        let recent = self.now - at < Duration::hours(1);
        let failed = !recent && self.rng.random_ratio(1, 100);
        let state = if recent {
            "pending"
        } else if failed {
            "failed"
        } else {
            "sent"
        };
        let subject = crate::notifications::templates::workflow_subject(event, &self.writing.0, &self.writing.1);
        self.sink
            .put(
                "notification",
                Notification {
                    id,
                    event: event.as_str().into(),
                    record_table: table.into(),
                    record_key: key.into(),
                    link: format!("/{table}s/{key}"),
                    recipient_email: to.1.clone(),
                    recipient_name: to.0.clone(),
                    language: "en".into(),
                    text_body: format!("{subject}\n\nOpen it in Secondment Hub."),
                    html_body: format!("<p>{subject}</p><p>Open it in Secondment Hub.</p>"),
                    subject,
                    state: state.into(),
                    attempts: if failed {
                        8
                    } else if recent {
                        0
                    } else {
                        1
                    },
                    next_attempt_at: at,
                    last_error: failed.then(|| "550 mailbox unavailable".to_string()),
                    created_at: at,
                    sent_at: (state == "sent").then(|| at + Duration::seconds(2)),
                },
            )
            .await
    }

    async fn reference_data(&mut self, progress: &dyn Fn(&str)) -> Result<(), AppError> {
        progress("members, agencies and people");
        let mut r = self
            .sink
            .state
            .db
            .query(
                "SELECT id, member, sends, hosts, (SELECT name, email FROM contact WHERE agency = $parent.id LIMIT 1)[0] AS contact,
                    (SELECT VALUE id FROM user WHERE agency = $parent.id AND role = 'nominator' LIMIT 1)[0] AS nominator,
                    (SELECT VALUE id FROM user WHERE agency = $parent.id AND role = 'host' LIMIT 1)[0] AS host_user
                 FROM agency;
                 SELECT VALUE id FROM member;",
            )
            .await
            .and_then(|r| r.check())
            .map_err(crate::db::fail("generate read"))?;
        let existing: Vec<ExistingAgency> = r.take(0).map_err(crate::db::fail("generate decode"))?;
        let mut members: Vec<RecordId> = r.take(1).map_err(crate::db::fail("generate decode"))?;
        let admin = self.coordinators.first().cloned().ok_or(AppError::NotFound)?;
        for n in members.len()..self.size(MEMBERS, members.len()) {
            let id = self.id("member");
            let name = format!("Member state {}", n + 1);
            let member = NewMember { id: id.clone(), name_key: name.to_lowercase(), name, kind: "state".into() };
            self.sink.put("member", member).await?;
            members.push(id);
        }
        for (i, a) in existing.into_iter().enumerate() {
            let nominator = match a.nominator {
                Some(user) => user,
                None => self.user("nominator", Some(&a.id), i).await?,
            };
            let contact = a
                .contact
                .map(|c| (c.name, c.email))
                .unwrap_or_else(|| ("Focal point".into(), format!("focal{i}@agency.example")));
            self.agencies.push(Agency {
                id: a.id,
                member: a.member,
                sends: a.sends,
                hosts: a.hosts,
                contact,
                nominator,
                host_user: a.host_user,
            });
        }
        for n in self.agencies.len()..self.size(AGENCIES, self.agencies.len()) {
            let id = self.id("agency");
            let member = members[n % members.len()].clone();
            let (sends, hosts) = match n % 4 {
                0 => (true, true),
                1 | 2 => (true, false),
                _ => (false, true),
            };
            let name = format!("Agency {} of {}", n + 1, crate::db::key(&member));
            let zone = self.pick(ZONES);
            self.sink
                .put(
                    "agency",
                    NewAgency {
                        id: id.clone(),
                        name_key: name.to_lowercase(),
                        name,
                        member: member.clone(),
                        sends,
                        hosts,
                        time_zone: Some(zone.to_string()),
                    },
                )
                .await?;
            let contact = (self.person(), format!("focal.point{n}@agency{n}.example"));
            self.sink
                .put(
                    "contact",
                    NewContact {
                        agency: id.clone(),
                        name: contact.0.clone(),
                        email: contact.1.clone(),
                        language: "en".into(),
                    },
                )
                .await?;
            self.audit(Self::at(self.first_day(), n as i64), &admin, "created", "agency", &crate::db::key(&id)).await?;
            let nominator = self.user("nominator", Some(&id), n).await?;
            let host_user = if hosts { Some(self.user("host", Some(&id), n).await?) } else { None };
            self.agencies.push(Agency { id, member, sends, hosts, contact, nominator, host_user });
        }
        // Donors up to one per agreement currency, each with a donor user; a few more coordinators.
        for (n, (currency, _, _)) in CURRENCIES.iter().enumerate().skip(self.donors.len()) {
            let id = self.id("donor");
            let name = format!("Donor government {currency}");
            self.sink.put("donor", Named { id: id.clone(), name_key: name.to_lowercase(), name }).await?;
            let user = self.id("user");
            let person = self.person();
            self.sink
                .put(
                    "user",
                    NewUser {
                        id: user,
                        email: format!("donor{n}@donor.example"),
                        name: person,
                        role: "donor".into(),
                        agency: None,
                        donor: Some(id.clone()),
                    },
                )
                .await?;
            self.donors.push(id);
        }
        for n in 0..self.count(8.0, 2) {
            let id = self.id("user");
            let name = self.person();
            self.sink
                .put(
                    "user",
                    NewUser {
                        id: id.clone(),
                        email: format!("coordinator{n}@rso.example"),
                        name: name.clone(),
                        role: "coordinator".into(),
                        agency: None,
                        donor: None,
                    },
                )
                .await?;
            self.coordinators.push((id, format!("{name} (RSO coordinator)")));
        }
        Ok(())
    }

    /// An invited user of `role` at `agency` (no password until they accept).
    async fn user(&mut self, role: &str, agency: Option<&RecordId>, n: usize) -> Result<RecordId, AppError> {
        let id = self.id("user");
        let email = format!("{role}{n}.{}@agency.example", crate::db::key(&id));
        let name = self.person();
        self.sink
            .put(
                "user",
                NewUser { id: id.clone(), email, name, role: role.into(), agency: agency.cloned(), donor: None },
            )
            .await?;
        Ok(id)
    }

    /// A rate to USD for each currency on the first of every month.
    async fn rates(&mut self) -> Result<(), AppError> {
        let mut month = self.first_day().with_day(1).expect("first of the month");
        let admin = self.coordinators[0].0.clone();
        while month <= self.today {
            for (code, _, base) in CURRENCIES.iter().filter(|(c, _, _)| *c != "USD") {
                let base: f64 = base.parse().unwrap_or(1.0);
                let drift = 1.0 + self.rng.random_range(-0.05..0.05);
                let rate = format!("{:.6}", base * drift);
                self.sink
                    .put(
                        "exchange_rate",
                        NewRate {
                            date: month.to_string(),
                            from: code.to_string(),
                            to: "USD".into(),
                            rate,
                            source: "Central bank monthly".into(),
                            created_by: Some(admin.clone()),
                            created_at: Self::at(month, 3600),
                        },
                    )
                    .await?;
            }
            month = crate::domain::add_months(month, 1);
        }
        Ok(())
    }

    /// Agreements of three years each, spread over the programme, in every currency.
    async fn agreements(&mut self) -> Result<(), AppError> {
        let n = self.count(AGREEMENTS, 2);
        let nominations = self.count(NOMINATIONS, 10) as i64;
        let span = (self.today - self.first_day()).num_days().max(1);
        for i in 0..n {
            let currency = i % CURRENCIES.len();
            let start = self.first_day() + Duration::days(span * i as i64 / n as i64 - 180);
            let period =
                Period::new(start, crate::domain::add_months(start, 36) - Duration::days(1)).expect("start before end");
            let donor = self.donors[currency % self.donors.len()].clone();
            // Room for its share of the programme's stipends: about 42 % of nominations become
            // placements of about a year, each funded by an agreement running when it starts.
            let months_each = (nominations * 42 / 100 * 12 * 13 / 10 / n as i64).max(24);
            let total = CURRENCIES[currency].1 * months_each * self.rng.random_range(90..110) / 100;
            let id = self.id("funding_agreement");
            let reference = format!("{}-{}-{:02}", CURRENCIES[currency].0, start.year(), i + 1);
            let at = Self::at(start.max(self.first_day()), 7200).min(self.now);
            self.sink
                .put(
                    "funding_agreement",
                    NewAgreement {
                        id: id.clone(),
                        donor,
                        reference_key: reference.to_lowercase(),
                        title: format!("Secondments {} ({})", start.year(), CURRENCIES[currency].0),
                        reference,
                        currency: CURRENCIES[currency].0.into(),
                        total_minor: total,
                        period_start: period.start().to_string(),
                        period_end: period.end().to_string(),
                        created_at: Some(at),
                        updated_at: Some(at),
                    },
                )
                .await?;
            self.agreements.push(Agreement { id, currency, period, total, committed: 0 });
        }
        // Written before any money: the events that keep an agreement's figures update its row.
        self.sink.flush("funding_agreement").await
    }

    /// Nominations in time order; each approved one becomes a placement with its reports and
    /// money.
    async fn programme(&mut self, progress: &dyn Fn(&str)) -> Result<(), AppError> {
        let n = self.count(NOMINATIONS, 10);
        let span = (self.today - self.first_day()).num_seconds().max(1);
        let senders: Vec<Agency> = self.agencies.iter().filter(|a| a.sends).cloned().collect();
        let hosts: Vec<Agency> = self.agencies.iter().filter(|a| a.hosts).cloned().collect();
        for i in 0..n {
            if i % (n / 10).max(1) == 0 {
                progress(&format!("nominations {i} of {n}"));
            }
            let created = Self::at(self.first_day(), span * i as i64 / n as i64)
                + Duration::milliseconds(self.rng.random_range(0..1000));
            let sending = self.pick(&senders);
            // An officer is seconded to another agency, never to their own.
            let elsewhere: Vec<Agency> = hosts.iter().filter(|h| h.id != sending.id).cloned().collect();
            if elsewhere.is_empty() {
                continue;
            }
            let host = self.pick(&elsewhere);
            self.nomination(i, created, &sending, &host).await?;
        }
        Ok(())
    }

    async fn nomination(
        &mut self,
        i: usize,
        created: DateTime<Utc>,
        sending: &Agency,
        host: &Agency,
    ) -> Result<(), AppError> {
        let age_days = (self.now - created).num_days();
        let roll = self.rng.random_range(0..100);
        let state = if age_days < 45 {
            ["draft", "submitted", "under_review", "changes_requested", "approved", "rejected", "withdrawn"][roll % 7]
        } else if roll < 42 {
            "approved"
        } else if roll < 75 {
            "rejected"
        } else if roll < 95 {
            "withdrawn"
        } else {
            "draft"
        };
        let (officer_name, work_email) = if !self.officers.is_empty() && self.rng.random_ratio(1, 30) {
            // The same officer nominated again (sometimes for days that overlap).
            let k = self.rng.random_range(self.officers.len().saturating_sub(200)..self.officers.len());
            self.officers[k].clone()
        } else {
            let name = self.person();
            let email = format!("{}.{i}@officer.example", name.to_lowercase().replace(' ', "."));
            (name, email)
        };
        self.officers.push((officer_name.clone(), work_email.clone()));
        let reference = format!("NOM-{}-{:06}", created.year(), i + 1);
        self.writing = (reference.clone(), officer_name.clone());
        let start = created.date_naive() + Duration::days(self.rng.random_range(60..150));
        let end = crate::domain::add_months(start, self.rng.random_range(6..19)) - Duration::days(1);
        let id = self.id("nomination");
        let key = crate::db::key(&id);
        let themes = vec![self.pick(&self.themes.clone())];
        let nominator = (sending.nominator.clone(), "Focal point (Nominator)".to_string());
        let coordinator = self.pick(&self.coordinators.clone());
        // The steps it went through, a few days apart.
        let mut steps: Vec<(&str, &str, &str)> = Vec::new();
        if state != "draft" {
            steps.push(("submit", "draft", "submitted"));
        }
        if !["draft", "submitted", "withdrawn"].contains(&state) {
            steps.push(("start_review", "submitted", "under_review"));
        }
        match state {
            "changes_requested" => steps.push(("request_changes", "under_review", "changes_requested")),
            "approved" => steps.push(("approve", "under_review", "approved")),
            "rejected" => steps.push(("reject", "under_review", "rejected")),
            "withdrawn" => steps.push(("withdraw", "submitted", "withdrawn")),
            _ => {}
        }
        let mut at = created;
        let mut submitted_at = None;
        self.audit(created, &nominator, "created", "nomination", &key).await?;
        for (kind, from, to) in &steps {
            at = (at
                + Duration::days(self.rng.random_range(1..8))
                + Duration::milliseconds(self.rng.random_range(0..1000)))
            .min(self.now);
            let actor = if ["submit", "withdraw"].contains(kind) { nominator.clone() } else { coordinator.clone() };
            if *kind == "submit" {
                submitted_at = Some(at);
            }
            self.sink
                .put(
                    "nomination_event",
                    NominationEvent {
                        nomination: id.clone(),
                        at,
                        actor: actor.0.clone(),
                        actor_label: actor.1.clone(),
                        kind: kind.to_string(),
                        from_state: Some(from.to_string()),
                        to_state: Some(to.to_string()),
                        message: None,
                    },
                )
                .await?;
            self.audit(at, &actor, kind, "nomination", &key).await?;
            let event = match *kind {
                "submit" => Some(EventKind::NominationSubmitted),
                "request_changes" => Some(EventKind::ChangesRequested),
                "approve" => Some(EventKind::NominationApproved),
                "reject" => Some(EventKind::NominationRejected),
                _ => None,
            };
            if let Some(event) = event {
                self.mail(event, "nomination", &key, &sending.contact, at).await?;
                if event == EventKind::NominationApproved {
                    self.mail(event, "nomination", &key, &host.contact, at).await?;
                }
            }
        }
        if state != "draft" {
            self.document(&id, &officer_name, &nominator.0, created).await?;
            // The focal point checked the CV they attached; the coordinator who reviewed it
            // opened it too. The access log keeps both for two years.
            self.opened(&key, &nominator, created + Duration::minutes(5)).await?;
            if let Some(submitted) = submitted_at.filter(|_| steps.iter().any(|(kind, _, _)| *kind == "start_review")) {
                let opened = submitted + Duration::hours(self.rng.random_range(2..48));
                self.opened(&key, &coordinator, opened).await?;
            }
        }
        let position = self.pick(POSITIONS).to_string();
        let (nationality, language) = self.pick(OFFICERS);
        self.sink
            .put(
                "nomination",
                NewNomination {
                    id: id.clone(),
                    reference,
                    state: state.into(),
                    sending_agency: sending.id.clone(),
                    host_agency: host.id.clone(),
                    officer_name: officer_name.clone(),
                    position,
                    work_email: work_email.clone(),
                    nationality: nationality.to_string(),
                    languages: vec![language.to_string(), "en".to_string()],
                    expertise: "Border and migration management".into(),
                    themes: themes.clone(),
                    start_date: start.to_string(),
                    end_date: end.to_string(),
                    objectives: "Strengthen information sharing between the sending agency and the host.".into(),
                    justification: "Builds on the regional strategy.".into(),
                    created_by: nominator.0.clone(),
                    created_at: created,
                    updated_at: at,
                    submitted_at,
                    // A nomination is submitted with the privacy notice confirmed by its nominator.
                    notice_version: submitted_at.map(|_| crate::nominations::notice::VERSION),
                    notice_confirmed_at: submitted_at,
                    notice_confirmed_by: submitted_at.map(|_| nominator.0.clone()),
                },
            )
            .await?;
        if state == "approved" {
            let days = Period::new(start, end).expect("start before end");
            self.placement(&id, at, (officer_name, work_email), sending, host, days, themes, &coordinator).await?;
        }
        Ok(())
    }

    /// An opening of a nomination's CV by `reader`, in the access log while it keeps it.
    async fn opened(
        &mut self,
        nomination: &str,
        reader: &(RecordId, String),
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let at = at.min(self.now);
        if at <= self.now - Duration::days(crate::audit::access::KEPT_DAYS) {
            return Ok(());
        }
        let read = NewRead {
            at,
            reader: reader.0.clone(),
            reader_label: reader.1.clone(),
            kind: crate::audit::access::ReadKind::NominationDocument.as_str().into(),
            record_table: "nomination".into(),
            record_key: nomination.to_string(),
            item: "curriculum-vitae.pdf".into(),
            address: "192.0.2.10".into(),
        };
        self.sink.put("access_event", read).await
    }

    /// A small PDF on disk and its record.
    async fn document(
        &mut self,
        nomination: &RecordId,
        officer: &str,
        by: &RecordId,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let id = self.id("nomination_document");
        let key = crate::db::key(&id);
        let bytes = small_pdf(&format!("Curriculum vitae: {officer}"));
        tokio::fs::create_dir_all(&self.files_dir).await.map_err(|e| AppError::internal("generate files", e))?;
        tokio::fs::write(self.files_dir.join(&key), &bytes)
            .await
            .map_err(|e| AppError::internal("generate files", e))?;
        self.sink
            .put(
                "nomination_document",
                NewDocument {
                    id,
                    nomination: nomination.clone(),
                    file_name: "curriculum-vitae.pdf".into(),
                    content_type: "application/pdf".into(),
                    size: bytes.len() as i64,
                    sha256: hex::encode(Sha256::digest(&bytes)),
                    uploaded_by: by.clone(),
                    uploaded_at: at,
                },
            )
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn placement(
        &mut self,
        nomination: &RecordId,
        approved: DateTime<Utc>,
        (officer_name, officer_email): (String, String),
        sending: &Agency,
        host: &Agency,
        planned: Period,
        themes: Vec<RecordId>,
        coordinator: &(RecordId, String),
    ) -> Result<(), AppError> {
        let id = self.id("placement");
        let key = crate::db::key(&id);
        let roll = self.rng.random_range(0..100);
        let mut end = planned.end();
        let mut extensions = 0;
        let mut early_end = None;
        let mut events: Vec<(NaiveDate, &str, Option<String>, Option<String>)> = Vec::new();
        if roll < 12 {
            // Extended once or twice by a few months.
            extensions = 1 + (roll % 2) as i64;
            for _ in 0..extensions {
                let new_end = crate::domain::add_months(end, 3);
                events.push((end - Duration::days(40), "extended", Some(end.to_string()), Some(new_end.to_string())));
                end = new_end;
            }
        } else if roll < 18 {
            let last = planned.start() + Duration::days((planned.end() - planned.start()).num_days() / 2);
            early_end = Some(last);
            end = last;
        }
        let cancelled = roll == 18 && planned.start() > self.today;
        if cancelled {
            early_end = Some(planned.start());
        }
        let state = if cancelled || early_end.is_some_and(|d| d < self.today) {
            "terminated"
        } else if planned.start() > self.today {
            "planned"
        } else if end < self.today {
            "completed"
        } else {
            "active"
        };
        let days = Period::new(planned.start(), end).expect("start before end");
        let started = planned.start() <= self.today && !cancelled;
        let overlap = self.officers.iter().filter(|(_, e)| *e == officer_email).count() > 1;
        self.sink
            .put(
                "placement",
                NewPlacement {
                    id: id.clone(),
                    nomination: nomination.clone(),
                    state: state.into(),
                    officer_name: officer_name.clone(),
                    officer_email: officer_email.clone(),
                    sending_agency: sending.id.clone(),
                    host_agency: host.id.clone(),
                    supervisor_name: "Supervisor".into(),
                    supervisor_email: format!("supervisor@{}.example", crate::db::key(&host.id)),
                    start_date: planned.start().to_string(),
                    end_date: end.to_string(),
                    objectives: "Strengthen information sharing between the sending agency and the host.".into(),
                    themes: themes.clone(),
                    created_at: approved,
                    actual_start: started.then(|| planned.start().to_string()),
                    original_end: Some(planned.end().to_string()),
                    early_end: early_end.map(|d| d.to_string()),
                    end_reason: early_end.map(|_| "Recalled by the sending agency.".to_string()),
                    overlap,
                    extensions,
                    updated_at: Some(approved),
                    reminders_from: Some(approved.date_naive().to_string()),
                    sending_member: Some(sending.member.clone()),
                },
            )
            .await?;
        self.audit(approved, coordinator, "created", "placement", &key).await?;
        for contact in [&sending.contact, &host.contact] {
            self.mail(
                EventKind::PlacementStartsSoon,
                "placement",
                &key,
                contact,
                Self::at(planned.start() - Duration::days(14), 3600),
            )
            .await?;
        }
        if started {
            events.insert(0, (planned.start(), "started", None, None));
        }
        if state == "completed" {
            events.push((end + Duration::days(1), "completed", None, None));
        }
        if state == "terminated" {
            events.push((early_end.unwrap_or(end), if cancelled { "cancelled" } else { "ended_early" }, None, None));
        }
        for (day, kind, old_end, new_end) in events {
            if day > self.today {
                continue;
            }
            let at = self.moment(day);
            self.sink
                .put(
                    "placement_event",
                    PlacementEvent {
                        placement: id.clone(),
                        at,
                        actor: Some(coordinator.0.clone()),
                        actor_label: coordinator.1.clone(),
                        kind: kind.into(),
                        from_state: "active".into(),
                        to_state: state.into(),
                        old_end,
                        new_end,
                        reason: None,
                    },
                )
                .await?;
            self.audit(at, coordinator, kind, "placement", &key).await?;
            if kind == "extended" {
                self.mail(EventKind::PlacementExtended, "placement", &key, &sending.contact, at).await?;
            }
        }
        if !cancelled {
            self.reports(&id, days, (&officer_name, &officer_email), sending, host, approved, coordinator).await?;
            self.money(&id, days, approved, coordinator).await?;
        }
        Ok(())
    }

    /// The placement's own copy of the programme's three cycles and their reports.
    #[allow(clippy::too_many_arguments)]
    async fn reports(
        &mut self,
        placement: &RecordId,
        days: Period,
        officer: (&str, &str),
        sending: &Agency,
        host: &Agency,
        planned_at: DateTime<Utc>,
        coordinator: &(RecordId, String),
    ) -> Result<(), AppError> {
        let cycles = [
            (ReportKind::SecondeeMonthly, Frequency::Monthly, 10),
            (ReportKind::SupervisorQuarterly, Frequency::Quarterly, 15),
            (ReportKind::EndOfPlacement, Frequency::Once, 30),
        ];
        for (kind, frequency, due_offset) in cycles {
            let reminders = reminders_of(kind).into_iter().map(i64::from).collect();
            let cycle = self.id("report_cycle");
            self.sink
                .put(
                    "report_cycle",
                    NewCycle {
                        id: cycle.clone(),
                        placement: Some(placement.clone()),
                        kind: kind.as_str().into(),
                        frequency: frequency.as_str().into(),
                        alignment: "calendar".into(),
                        due_offset,
                        reminder_offsets: reminders,
                        escalation_offset: 14,
                        updated_at: Some(planned_at),
                    },
                )
                .await?;
            let schedule = Schedule { frequency, alignment: Alignment::Calendar, due_offset: due_offset as u32 };
            for planned in schedule.plan(days) {
                self.report(
                    placement,
                    &cycle,
                    kind,
                    planned.period,
                    planned.due,
                    officer,
                    sending,
                    host,
                    planned_at,
                    coordinator,
                )
                .await?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn report(
        &mut self,
        placement: &RecordId,
        cycle: &RecordId,
        kind: ReportKind,
        period: Period,
        due: NaiveDate,
        officer: (&str, &str),
        sending: &Agency,
        host: &Agency,
        planned_at: DateTime<Utc>,
        coordinator: &(RecordId, String),
    ) -> Result<(), AppError> {
        let id = self.id("report");
        let key = crate::db::key(&id);
        let roll = self.rng.random_range(0..100);
        let state = if period.end() >= self.today {
            "upcoming"
        } else if due >= self.today {
            if roll < 40 {
                "submitted"
            } else {
                "due"
            }
        } else if roll < 84 {
            "accepted"
        } else if roll < 88 {
            "submitted"
        } else if roll < 90 {
            "returned"
        } else if roll < 93 {
            "waived"
        } else if roll < 95 {
            "cancelled"
        } else {
            "due" // overdue
        };
        let written = ["submitted", "accepted", "returned"].contains(&state);
        let lead = Duration::days(self.rng.random_range(0..5));
        let submitted = written.then(|| self.moment(due.min(self.today) - lead));
        let accepted =
            (state == "accepted").then(|| submitted.map(|s| (s + Duration::days(3)).min(self.now))).flatten();
        let author = if kind.author().as_str() == "host" { host.host_user.clone() } else { None };
        let author_label = match kind.author().as_str() {
            "host" => "Supervisor (Host)".to_string(),
            "coordinator" => coordinator.1.clone(),
            _ => format!("{} (Secondee)", officer.0),
        };
        let text = |what: &str| {
            if written {
                format!("{what} for {} to {}.", period.start(), period.end())
            } else {
                String::new()
            }
        };
        let updated = accepted.or(submitted).unwrap_or(planned_at);
        self.sink
            .put(
                "report",
                NewReport {
                    id: id.clone(),
                    cycle: cycle.clone(),
                    placement: placement.clone(),
                    kind: kind.as_str().into(),
                    author_role: kind.author().as_str().into(),
                    officer_name: officer.0.into(),
                    officer_email: officer.1.to_lowercase(),
                    sending_agency: sending.id.clone(),
                    host_agency: host.id.clone(),
                    period_start: period.start().to_string(),
                    period_end: period.end().to_string(),
                    due_date: due.to_string(),
                    state: state.into(),
                    resubmit_by: (state == "returned").then(|| (self.today + Duration::days(10)).to_string()),
                    reason: ["waived", "cancelled"]
                        .contains(&state)
                        .then(|| "Agreed with the host agency.".to_string()),
                    activities: text("Activities"),
                    outcomes: text("Outcomes"),
                    challenges: text("Challenges"),
                    next_steps: text("Next steps"),
                    themes: Vec::new(),
                    version: i64::from(written),
                    submitted_at: submitted,
                    accepted_at: accepted,
                    shared_with_donor: state == "accepted" && roll % 3 == 0,
                    created_at: planned_at,
                    updated_at: updated,
                },
            )
            .await?;
        // The notices the daily run would have given by today, done (see `reports::scheduler`).
        // A returned report is owed by its resubmit-by date.
        let owed_by = if state == "returned" { self.today + Duration::days(10) } else { due };
        let owed = crate::reports::rules::ReportState::parse(state)
            .map(|s| crate::reports::scheduler::notices(s, owed_by, &reminders_of(kind), 14, self.today));
        for notice in owed.unwrap_or_default() {
            let (job, job_kind, record, target) = crate::reports::scheduler::done_job(&id, notice, owed_by);
            let done_at = self.moment(owed_by.min(self.today));
            self.sink.put("scheduled_job", DoneJob { id: job, kind: job_kind, record, target, done_at }).await?;
        }
        // The due-soon reminder, then the history of what was written and reviewed.
        if due - Duration::days(7) <= self.today {
            let contact = if kind.author().as_str() == "host" { &host.contact } else { &sending.contact };
            self.mail(EventKind::ReportDueSoon, "report", &key, contact, Self::at(due - Duration::days(7), 3600))
                .await?;
        }
        if let Some(at) = submitted {
            let by = (author.clone().unwrap_or_else(|| coordinator.0.clone()), author_label.clone());
            self.sink
                .put(
                    "report_version",
                    ReportVersion {
                        report: id.clone(),
                        version: 1,
                        at,
                        author: author.clone(),
                        author_label: author_label.clone(),
                        activities: text("Activities"),
                        outcomes: text("Outcomes"),
                        challenges: text("Challenges"),
                        next_steps: text("Next steps"),
                        themes: Vec::new(),
                        documents: Vec::new(),
                    },
                )
                .await?;
            self.report_event(&id, at, &by, ReportEventKind::Submitted, "due", "submitted").await?;
            self.audit(at, &by, "submit", "report", &key).await?;
        }
        if let Some(at) = accepted {
            self.report_event(&id, at, coordinator, ReportEventKind::Accepted, "submitted", "accepted").await?;
            self.audit(at, coordinator, "accept", "report", &key).await?;
            self.mail(EventKind::ReportAccepted, "report", &key, &sending.contact, at).await?;
        }
        Ok(())
    }

    async fn report_event(
        &mut self,
        report: &RecordId,
        at: DateTime<Utc>,
        by: &(RecordId, String),
        kind: ReportEventKind,
        from: &str,
        to: &str,
    ) -> Result<(), AppError> {
        self.sink
            .put(
                "report_event",
                ReportEvent {
                    report: report.clone(),
                    at,
                    actor: Some(by.0.clone()),
                    actor_label: by.1.clone(),
                    kind: kind.as_str().into(),
                    from_state: from.into(),
                    to_state: to.into(),
                    note: None,
                },
            )
            .await
    }

    /// The stipend committed from an agreement that runs when the placement starts and has
    /// room, and the payments made so far.
    async fn money(
        &mut self,
        placement: &RecordId,
        days: Period,
        at: DateTime<Utc>,
        coordinator: &(RecordId, String),
    ) -> Result<(), AppError> {
        let months = ((days.end() - days.start()).num_days() / 30).max(1);
        let Some(index) = self.agreements.iter().position(|a| {
            a.period.contains(days.start()) && a.committed + CURRENCIES[a.currency].1 * months <= a.total * 95 / 100
        }) else {
            return Ok(());
        };
        let (agreement, currency) = (self.agreements[index].id.clone(), self.agreements[index].currency);
        let monthly = CURRENCIES[currency].1;
        self.agreements[index].committed += monthly * months;
        self.sink
            .put(
                "commitment",
                NewCommitment {
                    agreement: agreement.clone(),
                    placement: placement.clone(),
                    category: "stipend".into(),
                    amount_minor: monthly * months,
                    created_by: Some(coordinator.0.clone()),
                    created_at: at,
                },
            )
            .await?;
        let code = CURRENCIES[currency].0;
        for n in 0..EXPENDITURES_PER_PLACEMENT.min(months as u32) {
            let day = days.start() + Duration::days(30 * n as i64 * months / EXPENDITURES_PER_PLACEMENT as i64);
            if day > self.today {
                break;
            }
            let amount = monthly * months / EXPENDITURES_PER_PLACEMENT as i64;
            let when = self.moment(day);
            self.sink
                .put(
                    "expenditure",
                    NewExpenditure {
                        agreement: agreement.clone(),
                        placement: placement.clone(),
                        category: "stipend".into(),
                        date: day.to_string(),
                        amount_minor: amount,
                        currency: code.into(),
                        rate: "1".into(),
                        rate_source: "same currency".into(),
                        converted_minor: amount,
                        evidence: format!("Payment voucher {}", n + 1),
                        created_by: Some(coordinator.0.clone()),
                        created_at: when,
                    },
                )
                .await?;
            self.audit(when, coordinator, "recorded", "expenditure", &crate::db::key(placement)).await?;
        }
        Ok(())
    }

    /// The nominations' kept counts, from the rows as written (see `db::tally`): the recount of
    /// migration 11. The donors' rows and counts (migration 36) were kept by their events as
    /// the rows went in; recounting them here would be one transaction over every funded
    /// placement and shared report, too large at ten years.
    async fn tallies(&mut self) -> Result<(), AppError> {
        let sql = include_str!("../db/migrations/0011_lists_at_size.surql");
        let recount =
            sql.split_once("DEFINE FIELD n ON tally TYPE int DEFAULT 0;").map(|(_, rest)| rest).unwrap_or_default();
        let recount = format!("DELETE tally WHERE string::starts_with(record::id(id), 'nomination|'); {recount}");
        let recount = &recount;
        crate::db::transact(self.sink.state, |tx| async move { tx.run(recount, vec![]).await.map(|_| ()) }).await
    }
}

/// The reminder offsets of the programme's default cycle of `kind` (largest first).
fn reminders_of(kind: ReportKind) -> Vec<u32> {
    match kind {
        ReportKind::SecondeeMonthly => vec![7, 2],
        _ => vec![14, 3],
    }
}

#[derive(SurrealValue)]
struct DoneJob {
    id: RecordId,
    kind: String,
    record: String,
    target: String,
    done_at: DateTime<Utc>,
}

/// A one-page PDF saying `text` (enough for a viewer to open).
fn small_pdf(text: &str) -> Vec<u8> {
    let text: String = text.chars().filter(|c| c.is_ascii_alphanumeric() || " :.-".contains(*c)).collect();
    let stream = format!("BT /F1 14 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}

#[derive(SurrealValue)]
struct Person {
    id: RecordId,
    name: String,
}

#[derive(SurrealValue)]
struct ContactRow {
    name: String,
    email: String,
}

#[derive(SurrealValue)]
struct ExistingAgency {
    id: RecordId,
    member: RecordId,
    sends: bool,
    hosts: bool,
    contact: Option<ContactRow>,
    nominator: Option<RecordId>,
    host_user: Option<RecordId>,
}

#[derive(SurrealValue)]
struct NewMember {
    id: RecordId,
    name: String,
    name_key: String,
    kind: String,
}

/// A donor: a name and its sort key.
#[derive(SurrealValue)]
struct Named {
    id: RecordId,
    name: String,
    name_key: String,
}

#[derive(SurrealValue)]
struct NewAgency {
    id: RecordId,
    name: String,
    name_key: String,
    member: RecordId,
    sends: bool,
    hosts: bool,
    time_zone: Option<String>,
}

#[derive(SurrealValue)]
struct NewContact {
    agency: RecordId,
    name: String,
    email: String,
    language: String,
}

#[derive(SurrealValue)]
struct NewUser {
    id: RecordId,
    email: String,
    name: String,
    role: String,
    agency: Option<RecordId>,
    donor: Option<RecordId>,
}

#[derive(SurrealValue)]
struct NewRate {
    date: String,
    from: String,
    to: String,
    rate: String,
    source: String,
    created_by: Option<RecordId>,
    created_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct NewAgreement {
    id: RecordId,
    donor: RecordId,
    reference: String,
    reference_key: String,
    title: String,
    currency: String,
    total_minor: i64,
    period_start: String,
    period_end: String,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

#[derive(SurrealValue)]
struct Audit {
    at: DateTime<Utc>,
    actor: Option<RecordId>,
    actor_label: String,
    action: String,
    record_table: String,
    record_key: String,
    before: Option<String>,
    after: Option<String>,
}

#[derive(SurrealValue)]
struct Notification {
    id: RecordId,
    event: String,
    record_table: String,
    record_key: String,
    link: String,
    recipient_email: String,
    recipient_name: String,
    language: String,
    subject: String,
    text_body: String,
    html_body: String,
    state: String,
    attempts: i64,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

#[derive(SurrealValue)]
struct NewNomination {
    id: RecordId,
    reference: String,
    state: String,
    sending_agency: RecordId,
    host_agency: RecordId,
    officer_name: String,
    position: String,
    work_email: String,
    nationality: String,
    languages: Vec<String>,
    expertise: String,
    themes: Vec<RecordId>,
    start_date: String,
    end_date: String,
    objectives: String,
    justification: String,
    created_by: RecordId,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    notice_version: Option<i64>,
    notice_confirmed_at: Option<DateTime<Utc>>,
    notice_confirmed_by: Option<RecordId>,
}

#[derive(SurrealValue)]
struct NominationEvent {
    nomination: RecordId,
    at: DateTime<Utc>,
    actor: RecordId,
    actor_label: String,
    kind: String,
    from_state: Option<String>,
    to_state: Option<String>,
    message: Option<String>,
}

#[derive(SurrealValue)]
struct NewRead {
    at: DateTime<Utc>,
    reader: RecordId,
    reader_label: String,
    kind: String,
    record_table: String,
    record_key: String,
    item: String,
    address: String,
}

#[derive(SurrealValue)]
struct NewDocument {
    id: RecordId,
    nomination: RecordId,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    uploaded_by: RecordId,
    uploaded_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct NewPlacement {
    id: RecordId,
    nomination: RecordId,
    state: String,
    officer_name: String,
    officer_email: String,
    sending_agency: RecordId,
    host_agency: RecordId,
    supervisor_name: String,
    supervisor_email: String,
    start_date: String,
    end_date: String,
    objectives: String,
    themes: Vec<RecordId>,
    created_at: DateTime<Utc>,
    actual_start: Option<String>,
    original_end: Option<String>,
    early_end: Option<String>,
    end_reason: Option<String>,
    overlap: bool,
    extensions: i64,
    updated_at: Option<DateTime<Utc>>,
    reminders_from: Option<String>,
    sending_member: Option<RecordId>,
}

#[derive(SurrealValue)]
struct PlacementEvent {
    placement: RecordId,
    at: DateTime<Utc>,
    actor: Option<RecordId>,
    actor_label: String,
    kind: String,
    from_state: String,
    to_state: String,
    old_end: Option<String>,
    new_end: Option<String>,
    reason: Option<String>,
}

#[derive(SurrealValue)]
struct NewCycle {
    id: RecordId,
    placement: Option<RecordId>,
    kind: String,
    frequency: String,
    alignment: String,
    due_offset: i64,
    reminder_offsets: Vec<i64>,
    escalation_offset: i64,
    updated_at: Option<DateTime<Utc>>,
}

#[derive(SurrealValue)]
struct NewReport {
    id: RecordId,
    cycle: RecordId,
    placement: RecordId,
    kind: String,
    author_role: String,
    officer_name: String,
    officer_email: String,
    sending_agency: RecordId,
    host_agency: RecordId,
    period_start: String,
    period_end: String,
    due_date: String,
    state: String,
    resubmit_by: Option<String>,
    reason: Option<String>,
    activities: String,
    outcomes: String,
    challenges: String,
    next_steps: String,
    themes: Vec<RecordId>,
    version: i64,
    submitted_at: Option<DateTime<Utc>>,
    accepted_at: Option<DateTime<Utc>>,
    shared_with_donor: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct ReportVersion {
    report: RecordId,
    version: i64,
    at: DateTime<Utc>,
    author: Option<RecordId>,
    author_label: String,
    activities: String,
    outcomes: String,
    challenges: String,
    next_steps: String,
    themes: Vec<RecordId>,
    documents: Vec<RecordId>,
}

#[derive(SurrealValue)]
struct ReportEvent {
    report: RecordId,
    at: DateTime<Utc>,
    actor: Option<RecordId>,
    actor_label: String,
    kind: String,
    from_state: String,
    to_state: String,
    note: Option<String>,
}

#[derive(SurrealValue)]
struct NewCommitment {
    agreement: RecordId,
    placement: RecordId,
    category: String,
    amount_minor: i64,
    created_by: Option<RecordId>,
    created_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct NewExpenditure {
    agreement: RecordId,
    placement: RecordId,
    category: String,
    date: String,
    amount_minor: i64,
    currency: String,
    rate: String,
    rate_source: String,
    converted_minor: i64,
    evidence: String,
    created_by: Option<RecordId>,
    created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_pdf_is_a_pdf_with_a_cross_reference_table() {
        let pdf = small_pdf("Curriculum vitae: Nimal Perera (1)");
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.starts_with("%PDF-1.4") && text.ends_with("%%EOF\n"));
        let xref: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(text[xref..].starts_with("xref"), "startxref points at the table");
        assert!(crate::nominations::files::sniff(&pdf).is_some(), "told as a PDF by content");
    }
}
