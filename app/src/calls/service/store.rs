//! How calls are stored: the resource's [`Stored`] part.

use chrono::{DateTime, Utc};

use crate::auth::{CurrentUser, Role};
use crate::calls::*;
use crate::resource::prelude::*;
use crate::resource::store::{chosen, NamedRow};
use crate::resource::Valid;
use crate::state::AppState;

#[derive(Debug, SurrealValue)]
pub struct Row {
    id: RecordId,
    reference: String,
    title: String,
    description: String,
    eligibility: String,
    themes: Vec<NamedRow>,
    host_agency_id: RecordId,
    host_agency: String,
    places: i64,
    window_start: String,
    window_end: String,
    closes_at: DateTime<Utc>,
    closes_local: String,
    agreement: Option<NamedRow>,
    members: Vec<NamedRow>,
    state: String,
    answered: i64,
    approved: i64,
}

pub const FIELDS: &str = "id, reference, title, title_key, description, eligibility, host_agency AS host_agency_id,
    host_agency.name AS host_agency, places, window_start, window_end, closes_at, closes_local, state, answered, approved,
    (SELECT id, name FROM $parent.themes) AS themes,
    (SELECT id, name FROM $parent.members) AS members,
    (IF agreement != NONE THEN { id: agreement, name: agreement.reference } END) AS agreement";

fn view(r: Row) -> Result<CallView, AppError> {
    let date = |t: &str| crate::domain::parse_date(t).map_err(|e| AppError::internal("call date", e));
    let named = NamedRow::pairs;
    Ok(CallView {
        id: db::key(&r.id),
        reference: r.reference,
        title: r.title,
        description: r.description,
        eligibility: r.eligibility,
        themes: named(r.themes),
        host_agency_id: db::key(&r.host_agency_id),
        host_agency: r.host_agency,
        places: r.places,
        window_start: date(&r.window_start)?,
        window_end: date(&r.window_end)?,
        closes_at: r.closes_at,
        closes_local: r.closes_local,
        agreement: r.agreement.map(NamedRow::pair),
        members: named(r.members),
        state: CallState::parse(&r.state).ok_or_else(|| AppError::internal("call state", r.state.clone()))?,
        answered: r.answered,
        approved: r.approved,
    })
}

/// A short, readable, unique reference such as `CALL-2027-K3QX`.
fn new_reference(year: i32) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let code: String = (0..4).map(|_| CHARS[rng.random_range(0..CHARS.len())] as char).collect();
    format!("CALL-{year}-{code}")
}

impl Stored for Calls {
    type Row = Row;
    /// The closing time in UTC, from the office's zone.
    type Prepared = Option<DateTime<Utc>>;
    const FIELDS: &'static str = FIELDS;
    const SORTS: &'static [(&'static str, &'static str)] = &[("closes", "closes_at"), ("title", "title_key")];
    const UNIQUE: (&'static str, &'static str) = ("title", "Another call has this reference; save again.");
    const CSV: &'static [CsvColumn<CallView>] = &[
        ("reference", |c| c.reference.clone()),
        ("title", |c| c.title.clone()),
        ("host_agency", |c| c.host_agency.clone()),
        ("places", |c| c.places.to_string()),
        ("window_start", |c| c.window_start.to_string()),
        ("window_end", |c| c.window_end.to_string()),
        ("closes", |c| c.closes_local.clone()),
        ("state", |c| c.state.as_str().to_string()),
        ("nominations", |c| c.answered.to_string()),
        ("approved", |c| c.approved.to_string()),
    ];

    fn view(r: Row) -> Result<CallView, AppError> {
        view(r)
    }

    fn filter(sql: ListSql, query: &ListQuery) -> ListSql {
        let state = CallState::parse(query.status.trim());
        sql.search(query, "string::contains(title_key, $q)").filter_if(
            state.is_some(),
            "state = $state",
            "state",
            v(state.map(|s| s.as_str().to_string())),
        )
    }

    /// A nominator sees the open calls that their member may answer.
    fn scope(sql: ListSql, user: &CurrentUser, now: DateTime<Utc>) -> ListSql {
        if user.role != Role::Nominator {
            return sql;
        }
        let agency = user.agency.as_ref().map(|a| db::rid("agency", &a.id));
        sql.filter("state = 'open' AND closes_at > $open_after", "open_after", v(now)).filter(
            "(array::len(members) = 0 OR $agency.member IN members)",
            "agency",
            v(agency),
        )
    }

    async fn may_read(state: &AppState, user: &CurrentUser, call: &CallView) -> Result<bool, AppError> {
        if user.role != Role::Nominator {
            return Ok(true);
        }
        let member = super::answer::member_of(state, user).await?;
        Ok(member.is_some_and(|m| super::answer::terms(call).open_to(&m, state.clock.now())))
    }

    fn stored(change: &Change<'_, Self>) -> Vec<(&'static str, Value)> {
        let c = change.valid;
        let ids = |table: &'static str, keys: &[String]| v(keys.iter().map(|k| db::rid(table, k)).collect::<Vec<_>>());
        let mut fields = vec![
            ("title", v(c.title.clone())),
            ("title_key", v(c.title.to_lowercase())),
            ("description", v(c.description.clone())),
            ("eligibility", v(c.eligibility.clone())),
            ("themes", ids("theme", &c.themes)),
            ("host_agency", v(db::rid("agency", &c.host_agency))),
            ("places", v(c.places)),
            ("window_start", v(c.window_start.to_string())),
            ("window_end", v(c.window_end.to_string())),
            ("closes_at", v(change.prepared.unwrap_or_default())),
            ("closes_local", v(c.closes.format("%Y-%m-%d %H:%M").to_string())),
            ("agreement", v(c.agreement.as_ref().map(|a| db::rid("funding_agreement", a)))),
            ("members", ids("member", &c.members)),
            ("updated_at", v(change.state.clock.now())),
        ];
        if change.creating {
            let year = chrono::Datelike::year(&change.state.clock.today());
            fields.push(("reference", v(new_reference(year))));
            fields.push(("created_at", v(change.state.clock.now())));
        }
        fields
    }

    fn can_edit(user: &CurrentUser) -> bool {
        user.role == Role::Coordinator
    }

    async fn choices() -> Result<CallChoices, AppError> {
        let state = AppState::current()?;
        let mut r = state
            .db
            .query(
                "SELECT id, name + ' (' + member.name + ')' AS name, name_key FROM agency WHERE hosts = true AND active = true ORDER BY name_key;
                 SELECT id, name, name_key FROM theme WHERE active = true ORDER BY name_key;
                 SELECT id, name, name_key FROM member WHERE active = true ORDER BY name_key;
                 SELECT id, reference + ' — ' + donor.name AS name, reference_key FROM funding_agreement ORDER BY reference_key;",
            )
            .await
            .and_then(|r| r.check())
            .map_err(db::fail("call choices"))?;
        let mut take = |index: usize| -> Result<Vec<(String, String)>, AppError> {
            let rows: Vec<NamedRow> = r.take(index).map_err(db::fail("call choices decode"))?;
            Ok(NamedRow::pairs(rows))
        };
        Ok(CallChoices { hosts: take(0)?, themes: take(1)?, members: take(2)?, agreements: take(3)? })
    }

    /// The host must host, the agreement exist; the closing time is read in the office's zone.
    async fn prepare(
        state: &AppState,
        _: &CurrentUser,
        _: &str,
        c: &Valid<Self>,
    ) -> Result<Option<DateTime<Utc>>, AppError> {
        let hosts = Self::choices().await?.hosts;
        if !hosts.iter().any(|(k, _)| *k == c.host_agency) {
            return Err(AppError::field("host_agency", "Choose a host agency from the list."));
        }
        if let Some(agreement) = &c.agreement {
            chosen(&state.db, "funding_agreement", agreement, "agreement", "Choose an agreement from the list.")
                .await?;
        }
        use chrono::TimeZone;
        let closes =
            state.clock.zone().from_local_datetime(&c.closes).earliest().ok_or_else(|| {
                AppError::field("closes_time", "That time does not exist in the office's zone that day.")
            })?;
        Ok(Some(closes.with_timezone(&Utc)))
    }

    /// Places never fall below those approved; a cancelled call stays as it is.
    async fn check(_tx: &Tx, _change: &Change<'_, Self>, before: Option<&CallView>) -> Result<(), AppError> {
        let Some(before) = before else { return Ok(()) };
        if !before.state.editable() {
            return Err(AppError::Conflict("A cancelled call cannot be changed.".into()));
        }
        rules::check_places(_change.valid.places, before.approved).map_err(|m| AppError::field("places", m))
    }

    /// Back to the call.
    fn saved(change: &Change<'_, Self>, after: &CallView) -> (String, String) {
        (format!("Call “{}” saved.", after.title), format!("/calls/{}", change.key))
    }
}

/// The open calls that every member may answer, soonest closing first (the public page's).
pub async fn open_to_all(state: &AppState, limit: usize) -> Result<Vec<CallView>, AppError> {
    let query = ListQuery { status: "open".into(), sort: "closes".into(), dir: "asc".into(), ..Default::default() };
    let sql = <Calls as Stored>::filter(ListSql::new("call", FIELDS, <Calls as Stored>::SORTS), &query).filter(
        "closes_at > $open_after AND array::len(members) = 0",
        "open_after",
        v(state.clock.now()),
    );
    sql.first::<Row>(&state.db, &query, limit).await?.into_iter().map(view).collect()
}

/// The open calls `user` may read, soonest closing first (the calendar feed's).
pub async fn open_for(state: &AppState, user: &CurrentUser, limit: usize) -> Result<Vec<CallView>, AppError> {
    let query = ListQuery { status: "open".into(), sort: "closes".into(), dir: "asc".into(), ..Default::default() };
    let sql = <Calls as Stored>::filter(ListSql::new("call", FIELDS, <Calls as Stored>::SORTS), &query);
    let sql = <Calls as Stored>::scope(sql, user, state.clock.now());
    sql.first::<Row>(&state.db, &query, limit).await?.into_iter().map(view).collect()
}
